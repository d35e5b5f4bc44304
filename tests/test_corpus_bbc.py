"""The BBC News corpus (2,225 real articles) from ../shared/corpora/bbc, indexed whole.

Hit counts were checked by hand against grep over the distinct files.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

import pytest

from newsindex import AddReport, NewsIndex

from .conftest import corpus


@pytest.fixture(scope="module")
def bbc(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, NewsIndex, AddReport]:
    folder = corpus("bbc")
    ni = NewsIndex(tmp_path_factory.mktemp("bbc") / "index")
    report = ni.add([folder])
    yield folder, ni, report
    ni.close()


def test_whole_corpus_lands(bbc):
    folder, ni, report = bbc
    counts = report.counts()
    # 2,225 articles plus the corpus's README.TXT; 100 are the same text as another file;
    # its README.md is of a type newsindex does not read.
    assert counts == {
        "added": 2126, "updated": 0, "unchanged": 0, "duplicate": 100, "skipped": 0, "skipped_earlier": 0,
        "passed_over": 1,
    }
    assert ni.stats().articles == 2126


def test_every_byte_identical_copy_is_a_duplicate(bbc):
    folder, ni, report = bbc
    by_digest = defaultdict(list)
    for path in sorted(folder.rglob("*.txt")):
        by_digest[hashlib.md5(path.read_bytes()).hexdigest()].append(str(path))
    copies = {p for paths in by_digest.values() for p in paths[1:]}
    assert len(copies) == 98  # as the corpus README says
    duplicates = {o.path for o in report.duplicates}
    assert copies <= duplicates
    # The two others differ from their originals only in white space.
    assert {Path(p).relative_to(folder).as_posix() for p in duplicates - copies} == {
        "sport/182.txt", "sport/438.txt"}


def test_titles_come_from_the_headline_line(bbc):
    folder, ni, _ = bbc
    assert ni.get(str(folder / "business" / "001.txt")).title == "Ad sales boost Time Warner profit"
    assert ni.get(str(folder / "business" / "419.txt")).title == "$1m payoff for former Shell boss"
    article = ni.get(str(folder / "sport" / "199.txt"))  # has one Latin-1 byte amid UTF-8
    assert "a £15.8m signing" in article.body


@pytest.mark.parametrize("query, hits", [("Yukos", 27), ("Gazprom", 17), ("Mourinho", 20), ("Pixar", 1)])
def test_hit_counts(bbc, query: str, hits: int):
    _, ni, _ = bbc
    assert ni.search(query).total == hits


def test_ranking_puts_the_headline_story_first(bbc):
    _, ni, _ = bbc
    first = ni.search("Time Warner profit").hits[0]
    assert first.title == "Ad sales boost Time Warner profit"
    assert [first.title[s.start : s.end] for s in first.title_matches] == ["Time", "Warner", "profit"]


def test_readd_of_the_corpus_changes_nothing(bbc):
    folder, ni, _ = bbc
    again = ni.add([folder])
    assert again.counts()["added"] == again.counts()["updated"] == 0
    assert again.counts()["unchanged"] == 2126


@pytest.mark.parametrize("query", ["a*", "body:[a TO z]", "*ing"])
def test_queries_that_would_expand_to_thousands_of_words_are_refused(bbc, query: str):
    from newsindex.errors import QueryError

    _, ni, _ = bbc
    with pytest.raises(QueryError) as info:
        ni.search(query)
    assert "more than 1024 different words" in str(info.value) or "starts with a wildcard" in str(info.value)


def test_star_lists_every_article_quickly(bbc):
    _, ni, _ = bbc
    results = ni.search("*", limit=5)
    assert results.total + results.folded == 2126 and len(results.hits) == 5
    assert ni.search("*", limit=5, all_copies=True).total == 2126
