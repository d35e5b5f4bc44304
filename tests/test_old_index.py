"""An index written by a past release (tests/data/index-*) still opens, searches, takes new
articles and merges: the on-disk format, pickled class paths included, is a promise."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsindex import NewsIndex

OLD_INDEXES = sorted(Path(__file__).parent.joinpath("data").glob("index-*"))


@pytest.fixture(params=OLD_INDEXES, ids=lambda p: p.name)
def old_index(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    copy = tmp_path / request.param.name
    shutil.copytree(request.param, copy)
    return copy


def test_there_is_an_old_index() -> None:
    assert OLD_INDEXES, "tests/data holds no index written by a past release"


def test_old_index_opens_and_searches(old_index: Path) -> None:
    with NewsIndex(old_index) as ni:
        assert ni.stats().articles == 8  # nine added, one removed
        results = ni.search("Dnipro bridge")
        assert results.hits and "Dnipro" in (results.hits[0].title or "") + results.hits[0].lede
        assert any(s.matches for s in results.hits[0].snippets)  # positions decode: highlighting works
        assert ni.search("Christmas").total == 1
        assert ni.search("undated dispatch").total == 0  # the removed article stays removed
        article = ni.get(results.hits[0].id)
        assert article.published is not None and article.provenance
        outlets = {c.value: c.count for c in ni.search("Kherson", facets=True).facets.outlet}
        assert outlets["BBC"] == 2


def test_old_index_takes_new_articles_and_merges(old_index: Path, tmp_path: Path) -> None:
    from whoosh.writing import OPTIMIZE

    from newsindex.write.storage import open_writer

    new = tmp_path / "new"
    new.mkdir()
    (new / "n1.txt").write_text("Ferry service resumes\n\nThe Kherson ferry across the Dnipro resumed.\n")
    with NewsIndex(old_index) as ni:
        assert ni.add([str(new)]).tally["added"] == 1
    with NewsIndex(old_index) as ni:  # the old segment, with its deleted document, merged with the new
        open_writer(ni._open()).commit(mergetype=OPTIMIZE)
    with NewsIndex(old_index) as ni:
        assert ni.stats().articles == 9
        assert len(ni._open().reader().leaf_readers()) == 1
        assert ni.search("ferry").total == 1
        assert ni.search("Christmas").total == 1
        assert ni.search("undated dispatch").total == 0
        assert ni.check().ok


def test_old_index_says_rebuild_brings_unicode_folding_and_rebuild_does(old_index: Path, tmp_path: Path) -> None:
    from newsindex.schema import stale_analysis

    new = tmp_path / "new"
    new.mkdir()
    (new / "tram.txt").write_text("Tram news\n\nThe Straßenbahn in İzmir runs again.\n", encoding="utf-8")
    with NewsIndex(old_index) as ni:
        ni.add([str(new)])
        notes = ni.check().notes
        assert any("newsindex rebuild" in note and "Straße" in note for note in notes)
        assert any("exact word forms" in note for note in notes)
        assert ni.search("Izmir").total == 0  # 0.2.0's folding, kept until a rebuild
        assert "exact" not in ni._open().schema  # searched without the exact forms
        ni.rebuild()
        assert not stale_analysis(ni._open().schema)
        assert not any("Straße" in note or "exact word forms" in note for note in ni.check().notes)
        assert ni.search("Christmas", explain=True).hits[0].explanation.words[0].fields.keys() >= {"exact"}
        assert ni.search("runs", explain=True).hits[0].explanation.words[0].fields.keys() == {"body", "exact"}
        assert ni.search("Strassenbahn").total == 1 and ni.search("Izmir").total == 1
        assert ni.stats().articles == 9
