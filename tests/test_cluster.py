"""A Dask cluster of two local workers: an add's reading and a sharded search run on it."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the cluster tests need Dask: pip install '.[test]'")

from newsindex import NewsIndex, cluster  # noqa: E402
from newsindex.write import on_cluster, segments  # noqa: E402

from .conftest import Run, corpus  # noqa: E402
from .test_shards import _same_ranking  # noqa: E402

ADDRESS = "local:2"
QUERIES = ["oil prices", "what did the chancellor say about the budget deficit", "shares NOT bank", '"chief executive"']


@pytest.fixture(scope="module")
def workers() -> Iterator[object]:
    """The local cluster, started once for the module: each NewsIndex with
    ``cluster=ADDRESS`` of this process shares it (cluster.connect)."""
    client = cluster.connect(ADDRESS)
    yield client
    cluster.close(ADDRESS)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two topics of BBC News (927 articles), and an index of them in one shard."""
    source = corpus("bbc")
    base = tmp_path_factory.mktemp("cluster")
    for topic in ("business", "politics"):
        shutil.copytree(source / topic, base / "articles" / topic)
    with NewsIndex(base / "one") as one:
        one.add([base / "articles"])
    return base


def _kill_a_worker(client: object, which: int = 0) -> None:
    pids = client.run(os.getpid)  # type: ignore[attr-defined]
    os.kill(pids[sorted(pids)[which]], signal.SIGKILL)


def test_an_add_and_searches_on_a_cluster_give_what_one_index_gives(
    workers: object, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def here(*_: object, **__: object) -> None:
        raise AssertionError("a shard written by the add's process, not by its worker")

    with NewsIndex(archive / "one") as one, NewsIndex(archive / "two", cluster=ADDRESS) as two:
        with monkeypatch.context() as patched:  # in this process only: the workers are processes of their own
            patched.setattr(segments.SegmentBuilder, "__init__", here)
            report = two.add([archive / "articles"], shards=2, batch_size=300)  # one was added in one batch
        assert len(report.added) == one.stats().articles
        for query in QUERIES:
            _same_ranking(one.search(query, facets=True), two.search(query, facets=True))
        assert two.check().ok


def test_a_worker_killed_during_an_add_loses_nothing(
    workers: object, archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed once the first batch has committed: the worker holds a shard's
    actor (write/on_cluster.py), whose batch in progress is given to another."""
    killed = threading.Event()
    given_again = []
    again = on_cluster.RemoteShardWriter._again
    monkeypatch.setattr(on_cluster.RemoteShardWriter, "_again",
                        lambda writer, *lost: given_again.append(writer.number) or again(writer, *lost))

    def progress(done: int, total: int) -> None:
        if done > total // 2 and not killed.is_set():
            killed.set()
            _kill_a_worker(workers)

    with NewsIndex(tmp_path / "index", cluster=ADDRESS) as ni:
        report = ni.add([archive / "articles"], shards=2, progress=progress, batch_size=300)
        assert killed.is_set() and given_again
        with NewsIndex(archive / "one") as one:
            assert len(report.added) == ni.stats().articles == one.stats().articles
        assert ni.check().ok
        again = ni.add([archive / "articles"])
        assert not again.added and len(again.unchanged) == len(report.added)


def test_a_worker_killed_between_or_during_searches_is_replaced(workers: object, archive: Path) -> None:
    with NewsIndex(archive / "one") as one, NewsIndex(archive / "two", cluster=ADDRESS) as two:
        if not two.exists():
            two.add([archive / "articles"], shards=2)
        expected = one.search(QUERIES[1])
        _same_ranking(expected, two.search(QUERIES[1]))
        _kill_a_worker(workers, 1)
        _same_ranking(expected, two.search(QUERIES[1]))  # the shard's actor, started again on a worker up


def test_the_web_app_searches_a_sharded_index_on_a_cluster(workers: object, archive: Path) -> None:
    pytest.importorskip("httpx", reason="the web tests need httpx: pip install '.[test]'")
    from starlette.testclient import TestClient

    from newsindex.web import create_app

    with NewsIndex(archive / "one") as one, NewsIndex(archive / "two", cluster=ADDRESS) as two:
        if not two.exists():
            two.add([archive / "articles"], shards=2)
        expected = one.search("budget deficit")
    with TestClient(create_app(archive / "two", cluster=ADDRESS)) as client:
        answer = client.get("/api/search", params={"q": "budget deficit"}).json()
    assert answer["summary"]["total"] == expected.total
    assert [hit["id"] for hit in answer["hits"]] == [hit.id for hit in expected.hits]


def test_cli_adds_and_searches_on_a_cluster(run: Run, seeds: Path) -> None:
    added = run("add", str(seeds), "--shards", "2", "--cluster", ADDRESS)
    assert added.exit_code == 0, added.stderr
    found = run("search", "Dnipro bridge", "--cluster", ADDRESS)
    assert found.exit_code == 0 and "Dnipro" in found.stdout
    refused = run("search", "Dnipro", "--cluster", "local:zero")
    assert refused.exit_code == 2 and "neither local:N" in refused.stderr and "Traceback" not in refused.stderr
