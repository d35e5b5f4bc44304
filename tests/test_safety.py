"""Two writers and a reader at once, hostile files, a full disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newsindex import NewsIndex
from newsindex.ingest.files import MAX_FILE_BYTES

from .conftest import LBC_SEED, Run, corpus


def newsindex(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsindex", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_writers_and_a_reader(tmp_path: Path, seeds: Path):
    folder = corpus("bbc") / "business"
    index = str(tmp_path / "index")
    first = newsindex("add", str(folder), "--index", index, "--batch-size", "50")
    time.sleep(0.6)  # the first writer holds the lock by now
    impatient = newsindex("add", str(seeds), "--index", index, "--wait", "0.1")
    patient = newsindex("add", str(seeds), "--index", index, "--wait", "60")
    searches = []
    while first.poll() is None:
        reader = subprocess.run([sys.executable, "-m", "newsindex", "search", "profits", "--index", index],
                                capture_output=True, text=True)
        searches.append(reader.returncode)
        assert "Traceback" not in reader.stderr
        assert reader.returncode in (0, 1) or "no index at" in reader.stderr
    first_out, first_err = first.communicate()
    _, impatient_err = impatient.communicate()
    patient_out, _ = patient.communicate()
    assert first.returncode == 0, first_err
    assert impatient.returncode == 2
    assert impatient_err.strip().endswith("pass a longer --wait)") and "is busy" in impatient_err
    assert len(impatient_err.strip().splitlines()) == 1
    assert patient.returncode == 0 and patient_out.startswith("2 added")
    assert 0 in searches  # readers saw committed batches while the writer ran
    with NewsIndex(index) as ni:
        assert ni.check().ok
        assert ni.stats().articles == int(first_out.split()[0]) + 2


def test_hostile_files_are_skipped_with_a_reason_and_the_rest_lands(run: Run, seeds: Path, tmp_path: Path):
    bad = seeds / "bad"
    bad.mkdir()
    (bad / "random.txt").write_bytes(os.urandom(4096))
    (bad / "nul-inside.txt").write_bytes(b"Headline\n\nText with a \x00 NUL byte inside it.")
    (bad / "gzip-bomb.txt").write_bytes(
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + b"\x00" * 2000)  # gzip bytes under a text name
    (bad / "mostly-invalid-utf8.txt").write_bytes(bytes(range(128, 256)) * 40)
    with open(bad / "huge-single-line.txt", "wb") as f:  # 200 MB, sparse: never read
        f.truncate(200 * 1024 * 1024)
    with open(bad / "two-gigabytes.txt", "wb") as f:
        f.truncate(2 * 1024 * 1024 * 1024)
    (bad / "just-over-the-limit.txt").write_bytes(b"word " * (MAX_FILE_BYTES // 5 + 1))
    (bad / "deep.txt").write_text("Deep sidecar\n\nAn article whose sidecar nests JSON 100000 levels deep.")
    (bad / "deep.meta.json").write_text("[" * 100_000 + "]" * 100_000)
    (bad / "loop").symlink_to(bad, target_is_directory=True)
    (bad / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(bad / "pipe.txt")
    (bad / "control.txt").write_text("Head\n\n" + "\x01\x02\x03\x04 " * 500)
    (bad / "one-long-word.txt").write_text("Long word\n\n" + "x" * 5_000_000 + " and the rest.")

    result = run("add", str(seeds))
    assert result.exit_code == 1
    reasons = dict(line.split(": skipped: ", 1) for line in result.stderr.splitlines())
    reasons = {Path(path).name: reason for path, reason in reasons.items()}
    assert reasons["random.txt"].startswith("binary file")
    assert reasons["nul-inside.txt"].startswith("binary file")
    assert reasons["gzip-bomb.txt"].startswith("unsupported format: gzip data")
    assert reasons["huge-single-line.txt"].startswith("larger than the 20 MB limit")
    assert reasons["two-gigabytes.txt"].startswith("larger than the 20 MB limit")
    assert reasons["just-over-the-limit.txt"].startswith("larger than the 20 MB limit")
    assert reasons["deep.txt"].startswith("bad sidecar deep.meta.json: field '*': not valid JSON")
    assert reasons["dangling.txt"] == "no such file or directory"
    assert reasons["pipe.txt"] == "not a regular file"
    assert reasons["control.txt"].startswith("binary file")
    assert "Traceback" not in result.output
    # The good files landed, the long word did not break the index, and only it was indexed from those.
    assert run("search", "Dnipro bridge").exit_code == 0
    assert run("search", "rest", "--json").stdout.count('"id"') == 1
    assert "mostly-invalid-utf8.txt" not in reasons or reasons["mostly-invalid-utf8.txt"]


def test_file_deleted_mid_run_is_skipped(index_path: Path, seeds: Path):
    doomed = seeds / "zz-doomed.txt"
    doomed.write_text("Doomed\n\nThis file disappears before it is read.")

    def delete_doomed(done: int, total: int) -> None:
        if doomed.exists():
            doomed.unlink()

    with NewsIndex(index_path) as ni:
        report = ni.add([seeds], progress=delete_doomed)
    # Files are found as they are needed: it is gone when it is looked at or read.
    assert [Path(o.path).name for o in report.skipped] == ["zz-doomed.txt"]
    assert report.skipped[0].reason.endswith("no such file or directory")
    assert len(report.added) == 2


def test_memory_stays_bounded_on_hostile_input(tmp_path: Path, seeds: Path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    with open(folder / "sparse-2g.txt", "wb") as f:
        f.truncate(2 * 1024 * 1024 * 1024)
    (folder / "big-but-allowed.txt").write_text("Big\n\n" + "lorem ipsum dolor " * 1_000_000)  # 18 MB
    shutil.copy(seeds / LBC_SEED, folder)
    code = (
        "import resource, sys; from newsindex import NewsIndex; "
        f"NewsIndex({str(tmp_path / 'ix')!r}).add([{str(folder)!r}]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    peak_mb = int(out) / 1024
    print(f"peak RSS of add on the hostile set: {peak_mb:.0f} MB")
    assert peak_mb < 600  # the 2 GB file is never read; one 18 MB article costs its analysis


def _mount_tmpfs(where: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True)
    return done.returncode == 0


def test_disk_full_fails_cleanly_and_keeps_the_last_commit(tmp_path: Path, seeds: Path):
    disk = tmp_path / "small-disk"
    if not _mount_tmpfs(disk, "1500k"):
        pytest.skip("needs root and a tmpfs mount to fill a disk (not available here)")
    try:
        index = disk / "index"
        first = subprocess.run([sys.executable, "-m", "newsindex", "add", str(seeds), "--index", str(index)],
                               capture_output=True, text=True)
        assert first.returncode == 0, first.stderr
        folder = corpus("bbc") / "business"
        full = subprocess.run(
            [sys.executable, "-m", "newsindex", "add", str(folder), "--index", str(index), "--batch-size", "40"],
            capture_output=True, text=True)
        assert full.returncode == 2
        lines = full.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in full.stderr, full.stderr
        assert "no space left on device" in lines[0].lower() or "disk is full" in lines[0].lower()
        assert lines[0].endswith("it still holds its last commit")
        with NewsIndex(index) as ni:
            assert ni.check().ok
            count = ni.stats().articles
            assert (count - 2) % 40 == 0  # the seeds plus whole committed batches
            assert ni.search("Dnipro bridge").total == 2
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=False)


def test_a_worker_that_dies_stops_the_add_with_an_error_and_keeps_the_last_commit(
    tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch
):
    """A worker process killed in the middle of an add (the kernel's OOM killer)
    ends the add with a one-line error, not a hang, and what the index held
    before stays searchable."""
    import newsindex.write.prepare as prepare_module
    from newsindex.errors import NewsIndexError

    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(prepare_module.MIN_PARALLEL_FILES + 6):  # enough files for worker processes
        (folder / f"story-{i:03d}.txt").write_text(f"Headline {i}\n\nA story about the harbour, number {i}.\n")
    real = prepare_module.prepare

    def dies_on_one_file(job):
        if getattr(job, "path", "").endswith("story-040.txt"):
            os._exit(9)  # in the worker: as a kill would end it
        return real(job)

    monkeypatch.setattr(prepare_module, "prepare", dies_on_one_file)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)  # two workers, even on one core
    index = tmp_path / "index"
    with NewsIndex(index) as ni:
        ni.add([seeds])
        with pytest.raises(NewsIndexError, match="worker process .* died.*still holds its last commit"):
            ni.add([folder])
        assert ni.search("Dnipro bridge").total == 2
        assert ni.search("harbour").total == 0
        assert ni.check().ok


def test_a_commit_that_fails_after_the_manifest_was_written_keeps_the_last_commit(
    tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch
):
    """The manifest's rows for a batch are written while a forked copy writes
    the segment's terms (write/batch.py's Batch.commit, write/segments.py), and made to last
    only once the index holds the batch: a commit that fails after them (the
    disk fills as the index's table of contents is written) leaves the
    manifest as it was, so the next add writes the batch's articles again."""
    from whoosh.writing import SegmentWriter

    from newsindex.errors import NewsIndexError
    from newsindex.write import segments

    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(12):  # twelve stories, none a near-duplicate of another
        words = " ".join(f"w{i}n{k}" for k in range(40))
        (folder / f"story-{i:03d}.txt").write_text(f"Headline {i}\n\nA story about the harbour: {words}.\n")
    staged = []
    real_stage = segments.SegmentBuilder._write_terms_forked

    def forked(builder: segments.SegmentBuilder, fields: Any) -> None:
        staged.append(builder.alongside is not None)
        real_stage(builder, fields)

    def disk_full(*_: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(segments, "FORKED_FLUSH_POSTINGS", 1)  # every flush forks
    monkeypatch.setattr(segments.SegmentBuilder, "_write_terms_forked", forked)
    index = tmp_path / "index"
    with NewsIndex(index) as ni:
        ni.add([seeds])
        with monkeypatch.context() as patch:
            patch.setattr(SegmentWriter, "_commit_toc", disk_full)
            with pytest.raises(NewsIndexError, match="(?i)no space left on device.*still holds its last commit"):
                ni.add([folder])
        assert staged == [True, True]  # the manifest's rows were written beside the terms, then undone
        checked = ni.check()
        assert checked.ok and not checked.notes, checked  # the manifest still matches the index: no rebuild
        assert ni.search("harbour").total == 0 and ni.search("Dnipro bridge").total == 2
        assert len(ni.add([folder]).added) == 12
        assert ni.search("harbour").total == 12


def test_an_add_that_fails_leaves_no_worker_or_pool_thread_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The workers' pool is gone, threads and processes, by the time a failed
    add raises: a pool left to shut down while the interpreter exits races
    its exit (Python 3.11 then prints an "Exception ignored" traceback after
    the add's one-line error)."""
    import multiprocessing
    import threading

    import newsindex.write.prepare as prepare_module

    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(400):
        (folder / f"story-{i:03d}.txt").write_text(f"Headline {i}\n\nA story about the harbour, number {i}.\n")
    real = prepare_module.prepare

    def slow_after_the_first_hundred(job):
        if getattr(job, "path", "") > str(folder / "story-110"):
            time.sleep(0.02)  # in the worker: it is busy when the add fails
        return real(job)

    class Stop(Exception):
        pass

    def stop_early(done: int, total: int) -> None:
        if done == 100:
            raise Stop

    monkeypatch.setattr(prepare_module, "prepare", slow_after_the_first_hundred)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)  # two workers, even on one core
    threads_before = threading.active_count()
    with NewsIndex(tmp_path / "index") as ni:
        with pytest.raises(Stop):
            ni.add([folder], progress=stop_early)
        assert threading.active_count() == threads_before
        assert multiprocessing.active_children() == []
        assert ni.stats().articles == 0
