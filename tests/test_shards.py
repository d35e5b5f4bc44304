"""A sharded index: written by one add, ranking as one index does."""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
from pathlib import Path

import pytest

from newsindex import NewsIndex
from newsindex.errors import NewsIndexError
from newsindex.models import Hit, SearchResults
from newsindex.sharding import LAYOUT_FILE, read_layout

from .conftest import Run, corpus

MONTHS = ["", "January", "February", "March", "April", "May", "June"]

QUERIES = [
    "oil prices",
    "mobile phone",
    "election campaign labour tories",
    "what did the government say about the cost of identity cards",
    '"chief executive"',
    "film OR music",
    "shares NOT bank",
    "brwon gordon",  # a misspelling: did-you-mean
    "title:england",
]


@pytest.fixture(scope="module")
def bbc_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """BBC News (2,225 articles) in one index and in an index of two shards."""
    folder = corpus("bbc")
    base = tmp_path_factory.mktemp("bbc")
    with NewsIndex(base / "one") as one, NewsIndex(base / "two") as two:
        one.add([folder])
        two.add([folder], shards=2)
    return base / "one", base / "two"


def _same_ranking(a: SearchResults, b: SearchResults) -> None:
    """The same stories in the same order and scores to 1e-9; hits of equal
    score may come in either order, and of copies of equal score either may
    stand for the story (an index of one shard orders them by the order they
    were added)."""
    assert (a.total, a.folded, a.excluded_undated) == (b.total, b.folded, b.excluded_undated)
    assert (a.suggestion, a.words_held, a.expansion) == (b.suggestion, b.words_held, b.expansion)
    assert a.facets == b.facets
    assert len(a.hits) == len(b.hits)
    for x, y in zip(a.hits, b.hits, strict=True):
        if x.score is None:
            assert y.score is None and x.published == y.published
        else:
            assert y.score is not None and math.isclose(x.score, y.score, rel_tol=0, abs_tol=1e-9), (x, y)
    for x, y in zip(a.hits, b.hits, strict=True):
        if sum(_tied(x, other) for other in a.hits) == 1:  # no other hit ranks the same: the same story
            assert {x.id, *(c.id for c in x.copies)} == {y.id, *(c.id for c in y.copies)}


def _tied(x: Hit, y: Hit) -> bool:
    if x.score is None or y.score is None:
        return x.published == y.published
    return math.isclose(x.score, y.score, rel_tol=0, abs_tol=1e-9)


@pytest.mark.parametrize(("sort", "parallel"), [("relevance", True), ("newest", True), ("relevance", False)])
def test_a_sharded_index_ranks_as_one_index(bbc_pair: tuple[Path, Path], sort: str, parallel: bool) -> None:
    """By a process per shard, or shard after shard in this one."""
    with NewsIndex(bbc_pair[0]) as one, NewsIndex(bbc_pair[1], parallel=parallel) as two:
        assert two.shards == 2 and one.shards == 1
        assert one.stats().articles == two.stats().articles
        for query in QUERIES:
            for page in (1, 2):
                _same_ranking(one.search(query, sort=sort, page=page, facets=True),
                              two.search(query, sort=sort, page=page, facets=True))
        _same_ranking(one.search("music", since="2005-01-01", outlet="bbc"),
                      two.search("music", since="2005-01-01", outlet="bbc"))
        assert one.timeline("election", stories=True) == two.timeline("election", stories=True)


def test_copies_fold_across_shards(bbc_pair: tuple[Path, Path]) -> None:
    """BBC News holds near-identical copies; some fall in different shards
    and still fold into one hit, with the same cluster as in one index."""
    two = bbc_pair[1]
    layout = read_layout(str(two))
    assert layout is not None
    spanning = None
    with NewsIndex(two) as ni:
        for hit in ni.search("*", limit=3000, sort="newest").hits:
            shards = {layout.shard_of(hit.id), *(layout.shard_of(c.id) for c in hit.copies)}
            if len(shards) > 1:
                spanning = hit
                break
        assert spanning is not None, "no story with copies in both shards"
        assert {c.id for c in ni.get(spanning.id).copies} == {c.id for c in spanning.copies}
    with NewsIndex(bbc_pair[0]) as one:
        assert {c.id for c in one.get(spanning.id).copies} == {c.id for c in spanning.copies}


def test_a_re_add_finds_everything_unchanged_and_check_verifies_each_shard(
    bbc_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    two = tmp_path / "two"
    shutil.copytree(bbc_pair[1], two)
    with NewsIndex(two) as ni:
        articles = ni.stats().articles
        report = ni.add([corpus("bbc")])
        assert not report.added and len(report.unchanged) == articles
        checked = ni.check()
        assert checked.ok and checked.articles == articles and checked.segments >= 2


def test_an_article_in_the_wrong_shard_is_a_problem_check_names(tmp_path: Path, seeds: Path) -> None:
    with NewsIndex(tmp_path / "index") as ni:
        ni.add([seeds], shards=2)
    layout = read_layout(str(tmp_path / "index"))
    assert layout is not None
    with NewsIndex(tmp_path / "stray") as stray:  # both seeds in an index of their own...
        stray.add([seeds])
        some_id = stray.search("*").hits[0].id
    wrong = 1 - layout.shard_of(some_id)  # ...put in as the shard one of them does not belong to
    shutil.rmtree(layout.paths()[wrong])
    shutil.copytree(tmp_path / "stray", layout.paths()[wrong])
    with NewsIndex(tmp_path / "index") as ni:
        report = ni.check()
    assert any(p.startswith(f"shard-0{wrong}: ") and "belong to another shard" in p for p in report.problems)


def test_rebuild_keeps_every_article_in_its_shard_and_its_copies(bbc_pair: tuple[Path, Path], tmp_path: Path) -> None:
    two = tmp_path / "two"
    shutil.copytree(bbc_pair[1], two)
    with NewsIndex(two) as ni:
        before = ni.search("*", limit=3000, sort="newest")
        report = ni.rebuild()
        assert report.articles == before.total + before.folded and not report.lost
        after = ni.search("*", limit=3000, sort="newest")
        assert (after.total, after.folded) == (before.total, before.folded)
        assert ni.check().ok


def test_remove_mark_and_watch_work_on_a_sharded_index(tmp_path: Path) -> None:
    with NewsIndex(tmp_path / "index") as ni:
        ni.add([corpus("bbc") / "business"], shards=2)
        before = ni.stats().articles
        hit = ni.search("oil").hits[0]
        ni.mark(hit.id, "relevant")
        ni.watch_add("oil", "oil")
        assert ni.remove([hit.id]).removed == (hit.id,)
        assert ni.stats().articles == before - 1 and ni.check().ok
        assert hit.id not in {h.id for h in ni.search("oil", limit=200).hits}
        assert ni.search("oil", marked="relevant").total == 0  # its mark outlives it, matching nothing


def test_a_search_after_an_add_elsewhere_sees_the_new_articles_in_every_shard(tmp_path: Path, seeds: Path) -> None:
    bbc = corpus("bbc")
    with NewsIndex(tmp_path / "index") as writer:
        writer.add([bbc / "tech"], shards=2)
    with NewsIndex(tmp_path / "index") as reader:
        before = reader.search("football").total  # the shards' processes open the index as it was
        with NewsIndex(tmp_path / "index") as writer:
            added = writer.add([bbc / "sport"])
        with NewsIndex(tmp_path / "one") as one:
            one.add([bbc / "tech", bbc / "sport"])
            expected = one.search("football")
        after = reader.search("football")
        assert after.total == expected.total > before and len(added.added) > 100
        assert [hit.id for hit in after.hits] == [hit.id for hit in expected.hits]


def test_the_web_app_searches_a_sharded_index_from_its_threads(bbc_pair: tuple[Path, Path]) -> None:
    """The app searches in worker threads: the shards' processes are then
    started by a fork server (a fork of a threaded process is unsafe)."""
    pytest.importorskip("httpx", reason="the web tests need httpx: pip install '.[test]'")
    from starlette.testclient import TestClient

    from newsindex.web import create_app

    with NewsIndex(bbc_pair[0]) as one:
        expected = one.search("budget deficit")
    with TestClient(create_app(bbc_pair[1])) as client:
        answer = client.get("/api/search", params={"q": "budget deficit"}).json()
        again = client.get("/api/search", params={"q": "budget deficit"}).json()
    assert answer["summary"]["total"] == again["summary"]["total"] == expected.total
    assert [hit["id"] for hit in answer["hits"]] == [hit.id for hit in expected.hits]


def test_a_shard_gone_is_created_again_without_touching_the_others(tmp_path: Path, seeds: Path) -> None:
    with NewsIndex(tmp_path / "index") as ni:
        ni.add([seeds], shards=2)
    layout = read_layout(str(tmp_path / "index"))
    assert layout is not None
    with NewsIndex(tmp_path / "index") as ni:
        kept = {hit.id for hit in ni.search("*").hits}
    lost = {article_id for article_id in kept if layout.shard_of(article_id) == 1}
    shutil.rmtree(layout.paths()[1])
    with NewsIndex(tmp_path / "index") as ni:
        report = ni.add([seeds])
        assert {outcome.id for outcome in report.added} == lost and len(report.unchanged) == len(kept - lost)
        assert {hit.id for hit in ni.search("*").hits} == kept


def test_cli_creates_shards_and_refuses_another_count(run: Run, seeds: Path, index_path: Path) -> None:
    result = run("add", str(seeds), "--shards", "2")
    assert result.exit_code == 0, result.stderr
    assert json.loads((index_path / LAYOUT_FILE).read_text())["shards"] == 2
    assert "Dnipro" in run("search", "Dnipro bridge").stdout
    refused = run("add", str(seeds), "--shards", "3")
    assert refused.exit_code == 2
    assert "has 2, not 3" in refused.stderr and "Traceback" not in refused.stderr
    assert run("add", str(seeds), "--shards", "0").exit_code == 2


def test_a_shard_process_killed_is_replaced_and_one_that_keeps_dying_fails_the_search(
    bbc_pair: tuple[Path, Path]
) -> None:
    with NewsIndex(bbc_pair[1]) as ni:
        expected = ni.search("oil prices")
        processes = ni._processes
        assert processes is not None
        shard_processes = [pid for pool in processes._pools if pool is not None for pid in pool._processes]
        assert len(shard_processes) == 1  # the first shard is searched in this process
        os.kill(shard_processes[0], signal.SIGKILL)
        again = ni.search("oil prices")  # new processes, the same hits
        assert [h.id for h in again.hits] == [h.id for h in expected.hits] and again.total == expected.total
        with pytest.raises(NewsIndexError, match=r"the process searching shard 1 of .* died twice"):
            processes.map(_die, os.getpid())
        assert ni.search("oil prices").total == expected.total


def _die(searcher: object, spared: int) -> None:
    if os.getpid() != spared:
        os.kill(os.getpid(), signal.SIGKILL)


def test_closing_the_index_stops_its_shard_processes(bbc_pair: tuple[Path, Path]) -> None:
    """Closed, an index leaves no shard process or pool thread running: one
    still stopping as the interpreter exits races its exit handler."""
    import multiprocessing
    import threading

    threads_before = threading.active_count()
    with NewsIndex(bbc_pair[1]) as ni:
        assert ni.search("oil prices").total > 0
        assert multiprocessing.active_children()
    assert multiprocessing.active_children() == []
    assert threading.active_count() == threads_before


@pytest.mark.parametrize("parallel", [True, False])
def test_timelines_of_a_sharded_index_are_one_indexs(tmp_path: Path, parallel: bool) -> None:
    """Timelines, of articles and of stories (a story in the period of its
    first copy, whichever shard holds it), raw and normalised, are found in
    each shard and merged into one index's: over 3,000 dated HuffPost records."""
    lines = (corpus("huffpost") / "News_Category_Dataset_v3.first10000.json").read_text(encoding="utf-8").splitlines()
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "records.jsonl").write_text("\n".join(lines[:3000]), encoding="utf-8")
    story = ("The harbour authority closed the northern port after a fire spread through three warehouses "
             "overnight, and ferries were sent to the southern terminal while investigators examined the site.")
    for month in range(1, 7):  # one story, its copies months apart: its first copy's month counts it
        dateline = f"{month + 2} {MONTHS[month]} 2021"
        (folder / f"harbour-{month}.txt").write_text(f"Harbour fire closes port\n\n{dateline}\n\n{story}\n")
    with NewsIndex(tmp_path / "one") as one, NewsIndex(tmp_path / "two", parallel=parallel) as two:
        one.add([folder])
        two.add([folder], shards=2)
        layout = read_layout(str(tmp_path / "two"))
        assert layout is not None
        copies = two.search("harbour fire", all_copies=True).hits
        assert len(copies) == 6 and len({layout.shard_of(hit.id) for hit in copies}) == 2  # in both shards
        harbour = two.timeline("harbour fire", by="month", stories=True)
        assert [p.count for p in harbour.periods if p.count] == [1] and harbour.periods[0].count == 1
        queries = ["trump", "covid vaccine", '"white house"', "harbour fire", "*"]
        for stories in (False, True):
            for normalize in (False, True):
                expected = one.timelines(queries, by="month", stories=stories, normalize=normalize)
                assert two.timelines(queries, by="month", stories=stories, normalize=normalize) == expected
                assert any(period.count for timeline in expected for period in timeline.periods)
        assert two.timeline("trump", since="2022-06-01", outlet="huffpost") == one.timeline(
            "trump", since="2022-06-01", outlet="huffpost")
