"""Kill `newsindex add` with SIGKILL at random moments; nothing committed may be lost or doubled.

The kill moments are drawn from a seeded generator, as shares of the time an
uninterrupted add takes, so a failure can be replayed: NEWSINDEX_CRASH_SEED
picks the seed, NEWSINDEX_KILLS the number of kills (20 by default).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsindex import NewsIndex

from .conftest import corpus

BATCH = 25


def start_add(folder: Path, index: Path, shards: int = 1) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsindex", "add", str(folder), "--index", str(index),
         "--batch-size", str(BATCH), "--wait", "0", "--shards", str(shards)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def indexed_count(index: Path) -> int:
    """Articles in the index, after checking that it opens, verifies and searches."""
    with NewsIndex(index) as ni:
        if not ni.exists():
            return 0
        report = ni.check()  # every segment opens and reads back; no id twice
        assert report.ok, report.problems
        if report.articles:
            assert ni.search("government").total > 0
        return report.articles


@pytest.mark.parametrize("shards", [1, 2])
def test_sigkill_at_random_moments_loses_nothing_committed(tmp_path: Path, shards: int):
    """In an index of two shards, a kill may fall between the shards' commits
    of a batch: each shard then holds whole batches of its own."""
    source = corpus("bbc")
    folder = tmp_path / "archive"
    for topic in ("business", "politics"):
        shutil.copytree(source / topic, folder / topic)
    # An uninterrupted add, timed: the kills fall within its duration, so
    # they land mid-run on a slow or busy machine too.
    started = time.monotonic()
    reference = start_add(folder, tmp_path / "reference", shards)
    _, err = reference.communicate()
    duration = time.monotonic() - started
    assert reference.returncode == 0, err
    total = indexed_count(tmp_path / "reference")
    rng = random.Random(int(os.environ.get("NEWSINDEX_CRASH_SEED", "1987")))
    kills = int(os.environ.get("NEWSINDEX_KILLS", "20")) // (1 if shards == 1 else 4)
    index = tmp_path / "index"
    before = 0
    killed = rounds = 0
    partial: list[int] = []
    while killed < kills:
        proc = start_add(folder, index, shards)
        time.sleep(rng.uniform(0.05, 0.5) * duration)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        out, err = proc.communicate()
        if proc.returncode not in (0, -signal.SIGKILL):
            raise AssertionError(f"add exited {proc.returncode}: {err}")
        assert "Traceback" not in err
        count = indexed_count(index)
        # Exactly what the last completed commit held: whole batches only.
        assert shards > 1 or count == total or (count - before) % BATCH == 0, (before, count)
        assert count >= before
        partial.append(count)
        before = count
        if count == total:  # this round is complete: start another from nothing
            shutil.rmtree(index)
            before = 0
            rounds += 1

    print(f"{killed} kills over {rounds} complete rounds; articles after each: {partial}")
    assert len({c for c in partial if 0 < c < total}) >= kills // 4  # kills landed mid-run

    # The same add, run again, completes the job: nothing lost, nothing doubled.
    with NewsIndex(index) as ni:
        report = ni.add([folder])
        assert len(report.added) == total - before
        assert len(report.unchanged) == before
        assert ni.stats().articles == total
        assert ni.check().ok
