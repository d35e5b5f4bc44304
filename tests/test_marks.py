"""Review marks: `newsindex mark`, `search --unseen/--marked/--progress`, and
their review columns in an export; through the CLI and the API."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from newsindex import InvalidValueError, NewsIndex
from newsindex.marks import FILENAME as MARKS_FILENAME
from newsindex.watches import FILENAME as WATCHES_FILENAME

from .archive import write_archive
from .conftest import LBC_SEED, NYT_SEED, Run, json_hits, json_lines
from .test_research import syndicate


@pytest.fixture
def archive(tmp_path: Path, index_path: Path) -> Path:
    folder = write_archive(tmp_path / "archive")
    with NewsIndex(index_path) as ni:
        ni.add([folder])
    return folder


def test_marks_filter_search_and_count_progress(archive: Path, index_path: Path):
    with NewsIndex(index_path) as ni:
        assert ni.search("Kherson").total == 6
        relevant = ni.mark(str(archive / "a1.txt"), "relevant", note="first report")
        assert relevant is not None and relevant.status == "relevant" and relevant.note == "first report"
        ni.mark(str(archive / "a2.txt"), "seen")
        ni.mark(str(archive / "a5.txt"), "irrelevant")
        ni.mark(str(archive / "a3.txt"), "relevant")  # grain: not a Kherson hit

        unseen = ni.search("Kherson", unseen=True)
        assert {h.path for h in unseen.hits} == {str(archive / f"a{i}.txt") for i in (4, 6, 7)}
        assert all(h.mark is None for h in unseen.hits)
        kept = ni.search("", marked="relevant")  # a review filter alone lists what it keeps
        assert sorted(h.path for h in kept.hits) == [str(archive / "a1.txt"), str(archive / "a3.txt")]
        assert ni.search("Kherson", marked="relevant").total == 1

        results = ni.search("Kherson", review_progress=True)
        assert results.review is not None
        assert (results.review.stories, results.review.reviewed, results.review.unseen) == (6, 3, 3)
        assert results.review.by_status == {"relevant": 1, "irrelevant": 1, "seen": 1}
        by_path = {h.path: h.mark for h in results.hits}
        assert by_path[str(archive / "a1.txt")].note == "first report"
        assert by_path[str(archive / "a4.txt")] is None
        assert ni.get(str(archive / "a5.txt")).mark.status == "irrelevant"

        # Marked again without a note: the note stays; "unseen" takes the mark away.
        assert ni.mark(str(archive / "a1.txt"), "seen").note == "first report"
        assert ni.mark(str(archive / "a1.txt"), "unseen") is None
        assert ni.get(str(archive / "a1.txt")).mark is None
        with pytest.raises(InvalidValueError, match="'liked' is not one of seen, irrelevant, relevant"):
            ni.mark(str(archive / "a1.txt"), "liked")
        with pytest.raises(InvalidValueError, match="exclude each other"):
            ni.search("Kherson", marked="seen", unseen=True)


def test_a_story_read_in_one_copy_is_not_unseen_in_another(seeds: Path, index_path: Path):
    syndicate(seeds, seeds)
    with NewsIndex(index_path) as ni:
        ni.add([seeds])
        ni.mark(str(seeds / "regional.txt"), "relevant")  # one copy of the LBC story
        unseen = ni.search("Kherson", unseen=True, all_copies=True)
        assert {Path(h.path).name for h in unseen.hits} == {NYT_SEED}
        folded = ni.search("Kherson", review_progress=True)
        assert folded.review.stories == 2 and folded.review.reviewed == 1
        lbc = next(h for h in folded.hits if h.copies)
        # Shown on the story's best hit, whichever copy that is, saying which copy was marked.
        assert lbc.mark is not None and lbc.mark.status == "relevant"
        assert Path(ni.get(lbc.mark.id).path).name == "regional.txt"


def test_marks_survive_re_add_and_rebuild(archive: Path, index_path: Path):
    with NewsIndex(index_path) as ni:
        ni.mark(str(archive / "a1.txt"), "relevant", note="keep")
        (archive / "a1.txt").write_text("Bridge over the Dnipro destroyed\n\nThe bridge fell, and Kherson heard it.\n")
        assert ni.add([archive]).tally["updated"] == 1
        assert ni.get(str(archive / "a1.txt")).mark.note == "keep"
    with NewsIndex(index_path) as ni:
        ni.rebuild()
        assert ni.get(str(archive / "a1.txt")).mark.status == "relevant"
        assert ni.search("Kherson", marked="relevant").total == 1


def test_mark_cli(run: Run, archive: Path):
    marked = run("mark", str(archive / "a1.txt"), "relevant", "--note", "=HYPERLINK(\"x\")", "--json")
    assert marked.exit_code == 0
    (record,) = json_lines(marked.stdout)
    assert record["status"] == "relevant" and record["note"] == '=HYPERLINK("x")'
    assert run("mark", str(archive / "a2.txt"), "seen").stdout.endswith(": seen\n")

    shown = run("search", "Kherson", "--progress")
    assert "Reviewed 2 of 6 stories (33%): 1 relevant, 1 seen; 4 unseen" in shown.stdout
    assert '✓ relevant: =HYPERLINK("x")' in shown.stdout
    hits, summary = json_hits(run("search", "Kherson", "--unseen", "--json").stdout)
    assert len(hits) == 4 and all(h["mark"] is None for h in hits)
    hits, summary = json_hits(run("search", "--marked", "relevant", "--progress", "--json").stdout)
    assert [h["mark"]["status"] for h in hits] == ["relevant"]
    assert summary["review"]["reviewed"] == 2

    rows = list(csv.DictReader(io.StringIO(run("export", "Kherson").stdout)))
    reviews = {Path(r["path"]).name: (r["review"], r["note"]) for r in rows}
    assert reviews["a1.txt"] == ("relevant", "'=HYPERLINK(\"x\")")  # a formula in a note is neutralised too
    assert reviews["a2.txt"] == ("seen", "") and reviews["a4.txt"] == ("", "")
    assert len(list(csv.DictReader(io.StringIO(run("export", "Kherson", "--unseen").stdout)))) == 4
    assert "✓ relevant" in run("show", str(archive / "a1.txt")).stdout
    assert "marked    1 relevant, 1 seen" in run("stats").stdout
    (stats,) = json_lines(run("stats", "--json").stdout)
    assert stats["marked"] == {"relevant": 1, "seen": 1}

    assert run("mark", str(archive / "a1.txt"), "unseen").stdout.endswith(": unmarked\n")
    assert run("mark", str(archive / "a1.txt"), "liked").exit_code == 2
    missing = run("mark", "ffffffffffff", "seen")
    assert missing.exit_code != 0 and "ffffffffffff" in missing.stderr
    assert run("search", "Kherson", "--unseen", "--marked", "seen").exit_code == 2


def test_two_processes_marking_at_once_both_land(archive: Path, index_path: Path):
    with NewsIndex(index_path) as ni:
        ids = [h.id for h in ni.search("", lang=None, outlet=None, limit=20, all_copies=True, sort="oldest",
                                       since="1900").hits] + [ni.get(str(archive / "a6.txt")).id]
    code = (
        "import sys\nfrom newsindex import NewsIndex\n"
        "with NewsIndex(sys.argv[1]) as ni:\n"
        "    for article in sys.argv[3:]:\n"
        "        ni.mark(article, sys.argv[2])\n"
    )
    half = len(ids) // 2
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(index_path), status, *part], stderr=subprocess.PIPE)
        for status, part in (("seen", ids[:half]), ("relevant", ids[half:]))
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0], [p.stderr.read() for p in procs]
    with NewsIndex(index_path) as ni:
        assert ni.search("", marked="seen", all_copies=True).total == half
        assert ni.search("", marked="relevant", all_copies=True).total == len(ids) - half


@pytest.mark.parametrize("filename", [MARKS_FILENAME, WATCHES_FILENAME])
def test_a_state_write_killed_midway_leaves_the_last_good_state(run: Run, archive: Path, index_path: Path,
                                                                 filename: str):
    run("mark", str(archive / "a1.txt"), "relevant")
    run("watch", "add", "k", "Kherson")
    before = _dump(index_path / filename)
    # A writer that changes everything inside one transaction, then is killed before it commits.
    code = (
        "import sys\nfrom newsindex._sqlite import connect, transaction\n"
        "db = connect(sys.argv[1], sys.argv[2], '')\n"
        "with transaction(db):\n"
        "    for (table,) in db.execute(\"SELECT name FROM sqlite_master WHERE type='table'\").fetchall():\n"
        "        db.execute(f'DELETE FROM {table}')\n"
        "    print('inside', flush=True)\n"
        "    sys.stdin.read()\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", code, str(index_path), filename],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "inside\n"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    assert _dump(index_path / filename) == before
    # Nothing is left locked: the next writes land.
    assert run("mark", str(archive / "a2.txt"), "seen").exit_code == 0
    assert run("watch", "add", "j", "Dnipro").exit_code == 0
    assert run("search", "Kherson", "--marked", "relevant").exit_code == 0


def _dump(path: Path) -> list[str]:
    import sqlite3

    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return list(db.iterdump())
    finally:
        db.close()


def test_marks_apply_to_the_lbc_seed_from_a_path(run: Run, seeds: Path):
    run("add", str(seeds))
    assert run("mark", str(seeds / LBC_SEED), "relevant").exit_code == 0
    hits, _ = json_hits(run("search", "Dnipro bridge", "--json").stdout)
    assert hits[0]["mark"]["status"] == "relevant"
