"""An add on a cluster writes each shard on its actor (write/on_cluster.py):
what happens when the actor's worker is lost, met one call at a time.

The actors here run in this process behind a handle that calls them as
Dask's does, and loses the calls the test names: deterministic, where
killing a worker at the right instant is not (test_cluster.py kills real ones).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from newsindex import NewsIndex, cluster
from newsindex.errors import NewsIndexError
from newsindex.write import on_cluster, segments
from newsindex.write.storage import open_index

from .conftest import corpus

BATCH = 100


class _Lost(OSError):
    """What Dask raises for a call to an actor whose worker is gone."""


class _Call:
    def __init__(self, run: Callable[[], Any]) -> None:
        self._run = run

    def result(self) -> Any:
        return self._run()


class _Handle:
    """A shard's actor in this process, called as through Dask's handle;
    ``lose(shard, method, count)`` says whether the worker is lost before
    the ``count``-th call of ``method`` is made (Dask knows it: the handle
    raises), while it waits ("before") or once it has run ("after")."""

    def __init__(self, actor: on_cluster.ShardWriterActor, shard: int, cluster: _Cluster) -> None:
        self.actor, self.shard, self.cluster = actor, shard, cluster

    def __getattr__(self, method: str) -> Callable[..., _Call]:
        def call(*args: Any) -> _Call:
            self.cluster.calls.append((self.shard, method))
            when = self.cluster.lose(self.shard, method, self.cluster.calls.count((self.shard, method)))
            if when == "known":
                self.actor.cancel()
                raise RuntimeError("Worker holding Actor was lost.  Status: error")

            def run() -> Any:
                if when == "before":
                    self._die()
                self.cluster.on_actor = True
                try:
                    answer = getattr(self.actor, method)(*args)
                finally:
                    self.cluster.on_actor = False
                if when == "after":
                    self._die()
                return answer

            return _Call(run)

        return call

    def _die(self) -> None:
        self.actor.cancel()  # a dead process's files and lock go with it
        raise _Lost("Unable to contact Actor's worker")


class _Cluster:
    """What NewsIndex(cluster=...) gets in place of Dask: an executor of
    threads for the reading, and actors in this process."""

    def __init__(self, lose: Callable[[int, str, int], str | None]) -> None:
        self.lose = lose
        self.calls: list[tuple[int, str]] = []
        self.started: list[int] = []
        self.on_actor = False  # whether an actor's call is running
        self.executor = ThreadPoolExecutor(2)

    def get_executor(self, **_: Any) -> ThreadPoolExecutor:
        return self.executor

    def start_actor(self, client: Any, number: int, cls: type, *args: Any) -> _Handle:
        self.started.append(number)
        return _Handle(cls(*args), number, self)


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """BBC politics (417 files, 403 articles of their own): batches of BATCH."""
    shutil.copytree(corpus("bbc") / "politics", tmp_path / "politics")
    return tmp_path / "politics"


def _on(monkeypatch: pytest.MonkeyPatch, lose: Callable[[int, str, int], str | None]) -> _Cluster:
    fake = _Cluster(lose)
    monkeypatch.setattr(cluster, "connect", lambda address: fake)
    monkeypatch.setattr(cluster, "close", lambda address: fake.executor.shutdown())
    monkeypatch.setattr(cluster, "start_actor", fake.start_actor)
    return fake


def _each_once(ni: NewsIndex, articles: Path) -> None:
    """Every article of ``articles`` indexed once, in the shard of its id, and the manifest agrees."""
    with NewsIndex(articles.parent / "reference") as reference:
        expected = reference.add([articles], shards=2)
    assert ni.check().ok
    ids = []
    for shard in sorted(Path(ni.path).glob("shard-*")):
        with open_index(str(shard)).reader() as reader:
            ids += [fields["id"] for fields in reader.all_stored_fields()]
    assert sorted(ids) == sorted(outcome.id for outcome in expected.added)
    again = ni.add([articles])
    assert not again.added and len(again.unchanged) == len(ids)


def test_the_shards_are_written_by_their_actors_and_not_here(
    monkeypatch: pytest.MonkeyPatch, articles: Path, tmp_path: Path
) -> None:
    fake = _on(monkeypatch, lambda *_: None)
    here = segments.SegmentBuilder.__init__

    def only_on_actors(self: Any, *args: Any, **kwargs: Any) -> None:
        assert fake.on_actor, "a shard written by the add's process"
        here(self, *args, **kwargs)

    monkeypatch.setattr(segments.SegmentBuilder, "__init__", only_on_actors)
    with NewsIndex(tmp_path / "index", cluster="local:2") as ni:
        report = ni.add([articles], shards=2, batch_size=BATCH)
        assert report.added
        assert fake.started == [0, 1]  # an actor a shard, kept from batch to batch
        commits = [fake.calls.count((shard, "commit")) for shard in (0, 1)]
        assert commits[0] == commits[1] >= 4  # every batch commits every shard
        monkeypatch.setattr(segments.SegmentBuilder, "__init__", here)
        _each_once(ni, articles)


def test_a_worker_lost_before_its_shard_commits_has_the_batch_given_again(
    monkeypatch: pytest.MonkeyPatch, articles: Path, tmp_path: Path
) -> None:
    lost = {(0, "write", 2): "known", (0, "write", 4): "before", (1, "write", 4): "after", (1, "commit", 2): "before"}
    fake = _on(monkeypatch, lambda *call: lost.get(call))
    with NewsIndex(tmp_path / "index", cluster="local:2") as ni:
        report = ni.add([articles], shards=2, batch_size=BATCH)
        assert not report.interrupted
        assert sorted(fake.started) == [0, 0, 0, 1, 1, 1]
        _each_once(ni, articles)


def test_a_worker_lost_once_its_commit_landed_fails_the_add_and_the_rerun_finishes(
    monkeypatch: pytest.MonkeyPatch, articles: Path, tmp_path: Path
) -> None:
    _on(monkeypatch, lambda shard, method, count: "after" if (shard, method, count) == (1, "commit", 2) else None)
    with NewsIndex(tmp_path / "index", cluster="local:2") as ni:
        with pytest.raises(NewsIndexError) as failed:
            ni.add([articles], shards=2, batch_size=BATCH)
        message = str(failed.value)
        assert "shard-01 was lost" in message and "run the add again" in message and "\n" not in message
        assert ni.add([articles]).added  # the run again
        _each_once(ni, articles)


def test_a_worker_lost_twice_in_a_batch_fails_the_add(
    monkeypatch: pytest.MonkeyPatch, articles: Path, tmp_path: Path
) -> None:
    _on(monkeypatch, lambda shard, method, count: "before" if (shard, method) == (0, "write") and count in (2, 3)
        else None)
    with NewsIndex(tmp_path / "index", cluster="local:2") as ni:
        with pytest.raises(NewsIndexError, match="shard-00 was lost .* again; run the add again"):
            ni.add([articles], shards=2, batch_size=BATCH)
        assert ni.add([articles]).added  # the run again
        _each_once(ni, articles)


def test_an_error_on_the_actor_is_the_adds_and_is_not_given_again(
    monkeypatch: pytest.MonkeyPatch, articles: Path, tmp_path: Path
) -> None:
    fake = _on(monkeypatch, lambda *_: None)
    written = segments.SegmentBuilder.add_document
    count = [0]

    def disk_full(self: Any, **fields: Any) -> None:
        count[0] += 1
        if count[0] == 250:
            raise OSError(28, "No space left on device")
        written(self, **fields)

    monkeypatch.setattr(segments.SegmentBuilder, "add_document", disk_full)
    with NewsIndex(tmp_path / "index", cluster="local:2") as ni:
        with pytest.raises(NewsIndexError, match="could not write to the index at .*: No space left on device"):
            ni.add([articles], shards=2, batch_size=BATCH)
        assert fake.started == [0, 1]  # no actor started again
        monkeypatch.setattr(segments.SegmentBuilder, "add_document", written)
        assert ni.add([articles]).added  # the run again
        _each_once(ni, articles)


def test_a_shard_left_locked_by_a_stopped_adds_actor_is_told_in_one_line(
    monkeypatch: pytest.MonkeyPatch, articles: Path, tmp_path: Path
) -> None:
    _on(monkeypatch, lambda *_: None)
    with NewsIndex(tmp_path / "index", cluster="local:2") as ni:
        ni.add([articles / "001.txt"], shards=2)
        left_over = segments.SegmentBuilder(open_index(str(Path(ni.path) / "shard-00")))
        try:
            with pytest.raises(NewsIndexError, match="shard-00 is still locked by the actor of an add that stopped"):
                ni.add([articles], batch_size=BATCH)
        finally:
            left_over.cancel()
        assert ni.add([articles]).added
        _each_once(ni, articles)
