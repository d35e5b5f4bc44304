"""The Python API, used directly as other tools embed it."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from newsindex import (
    AddReport,
    Article,
    FileOutcome,
    Hit,
    NewsIndex,
    NewsIndexError,
    SearchResults,
    Snippet,
)
from newsindex.errors import (
    AmbiguousIdError,
    ArticleNotFoundError,
    IndexNotFoundError,
    InputPathError,
    InvalidValueError,
    QueryError,
)

from .conftest import LBC_SEED, NYT_SEED
from .test_plaintext import LBC_CAPTIONS


@pytest.fixture
def ni(index_path: Path, seeds: Path):
    with NewsIndex(index_path) as index:
        index.add([seeds])
        yield index


def test_add_returns_a_report(index_path: Path, seeds: Path):
    with NewsIndex(index_path) as ni:
        report = ni.add([str(seeds)])
    assert isinstance(report, AddReport)
    assert report.counts() == {
        "added": 2, "updated": 0, "unchanged": 0, "duplicate": 0, "skipped": 0, "skipped_earlier": 0, "passed_over": 0
    }
    assert sorted(Path(o.path).name for o in report.added) == [NYT_SEED, LBC_SEED]
    assert all(len(o.id) == 12 for o in report.added)


def test_search_returns_plain_data(ni: NewsIndex):
    results = ni.search("Dnipro bridge", limit=10)
    assert isinstance(results, SearchResults)
    assert results.total == 2
    first, second = results.hits
    assert isinstance(first, Hit) and dataclasses.is_dataclass(first)
    assert Path(first.path).name == LBC_SEED and Path(second.path).name == NYT_SEED
    assert first.score > second.score
    assert first.outlet == "LBC" and first.provenance["outlet"] == "sidecar"
    assert first.published == datetime(2022, 11, 11, 12, 51)
    assert second.title is None
    assert second.lede.startswith("Ukraine’s troops entered the southern port city of Kherson on Friday")
    assert second.lede.endswith("one of the most significant victories of the war.")
    for hit in results.hits:
        assert 1 <= len(hit.snippets) <= 3
        for snippet in hit.snippets:
            assert isinstance(snippet, Snippet) and snippet.field == "body"
            words = {snippet.text[m.start : m.end].lower() for m in snippet.matches}
            assert words <= {"dnipro", "bridge", "bridges"} and words


def test_limit(ni: NewsIndex):
    results = ni.search("Kherson", limit=1)
    assert results.total == 2 and len(results.hits) == 1


def test_title_matches_are_spans(ni: NewsIndex):
    hit = ni.search("kremlin dreams").hits[0]
    assert [hit.title[s.start : s.end] for s in hit.title_matches] == ["Kremlin", "dreams"]


def test_caption_only_match_gives_a_caption_snippet(ni: NewsIndex):
    hit = ni.search("Archangelske").hits[0]
    assert [s.field for s in hit.snippets] == ["captions"]
    assert hit.snippets[0].text == LBC_CAPTIONS[2]


def test_get_by_id_prefix_and_path(ni: NewsIndex, seeds: Path):
    article = ni.get(str(seeds / LBC_SEED))
    assert isinstance(article, Article)
    assert article.captions == LBC_CAPTIONS
    assert article.byline == ("Asher McShane",)
    assert article.updated == datetime(2022, 11, 11, 18, 11)
    assert ni.get(article.id[:4]).id == article.id
    with pytest.raises(ArticleNotFoundError):
        ni.get("0000000000000")


def test_ambiguous_prefix(index_path: Path, tmp_path: Path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i}.txt").write_text(f"Story {i}\n\nText of story {i}.")
    with NewsIndex(index_path) as ni:
        ids = [o.id for o in ni.add([folder]).added]
        shared = next(a[0] for a in ids if sum(b[0] == a[0] for b in ids) > 1)  # 40 ids, 16 letters
        with pytest.raises(AmbiguousIdError) as info:
            ni.get(shared)
        assert len(info.value.candidates) > 1 and info.value.exit_code == 2
        assert ni.get(ids[0]).id == ids[0]


def test_errors_are_newsindex_errors(tmp_path: Path, ni: NewsIndex):
    with pytest.raises(IndexNotFoundError):
        NewsIndex(tmp_path / "missing").search("Kherson")
    with pytest.raises(QueryError) as info:
        ni.search("Kherson date:[notadate to 2022]")
    assert "not a date" in str(info.value)
    with pytest.raises(InputPathError):
        ni.add([tmp_path / "no-such-folder"])
    with pytest.raises(InvalidValueError) as bad:
        ni.add([tmp_path], date="yesterday")
    assert bad.value.field == "date"
    assert all(issubclass(e, NewsIndexError) for e in (IndexNotFoundError, QueryError, InputPathError))


def test_remove_and_stats(ni: NewsIndex, seeds: Path):
    assert ni.stats().articles == 2
    report = ni.remove([str(seeds)])  # a folder removes everything under it
    assert len(report.removed) == 2 and report.not_found == ()
    stats = ni.stats()
    assert stats.articles == 0 and stats.outlets == {}
    assert ni.search("Kherson").total == 0


def test_batches_commit_as_they_go(index_path: Path, tmp_path: Path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(7):
        (folder / f"{i}.txt").write_text(f"Story number {i}\n\nBody of story {i} about topic{i}.")
    with NewsIndex(index_path) as ni:
        report = ni.add([folder], batch_size=3)
        assert len(report.added) == 7
        assert ni.stats().articles == 7
        assert ni.search("topic6").total == 1
        # The add's last commit merged the segments of its first two: one segment.
        assert ni.check().segments == 1
        for i in (7, 8):
            (folder / f"{i}.txt").write_text(f"Story number {i}\n\nBody of story {i} about topic{i}.")
        report = ni.add([folder], batch_size=1)
        assert len(report.added) == 2 and len(report.unchanged) == 7
        # One segment of its own, the first add's left as it was (tiers merge four of a size).
        check = ni.check()
        assert (check.segments, check.ok) == (2, True)
        assert ni.search("topic8").total == 1 and ni.stats().articles == 9
        assert len(ni.add([folder]).unchanged) == 9  # the manifest matches the last commit


def test_workers_running_windows_ahead_keep_every_file_to_its_article(index_path: Path, tmp_path: Path, monkeypatch):
    """An add in worker processes, with windows of 8 files and the workers
    let run up to 16 windows ahead of the writer through its commits: each
    file told once, with its own article."""
    from newsindex.write import prepare

    monkeypatch.setattr(prepare, "WINDOW_FILES", 8)
    folder = tmp_path / "many"
    folder.mkdir()
    names = [f"{i:03d}.txt" for i in range(300)]
    for i, name in enumerate(names):
        (folder / name).write_text(f"Story number {i}\n\nBody of story {i} about topic{i}.")
    (folder / "150.txt").write_bytes(b"")  # skipped, in its place
    with NewsIndex(index_path) as ni:
        outcomes: list[FileOutcome] = []
        report = ni.add([folder], batch_size=40, on_outcome=outcomes.append)
        assert report.tally["added"] == 299 and report.tally["skipped"] == 1
        assert sorted(Path(o.path).name for o in outcomes) == names
        by_name = {Path(o.path).name: o for o in outcomes}
        assert by_name["150.txt"].status == "skipped"
        for i in (0, 149, 151, 299):
            hit = ni.search(f"topic{i}").hits[0]
            assert hit.id == by_name[f"{i:03d}.txt"].id and hit.title == f"Story number {i}"


def test_outcomes_stream_once_committed(index_path: Path, tmp_path: Path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(7):
        (folder / f"{i}.txt").write_text(f"Story number {i}\n\nBody of story {i} about topic{i}.")
    (folder / "7.txt").write_bytes(b"")
    seen: list[tuple[str, bool]] = []

    def on_outcome(outcome: FileOutcome) -> None:
        # Another process's view: an added article is already in the index.
        with NewsIndex(index_path) as reader:
            found = bool(outcome.id) and reader.search(f"topic{Path(outcome.path).stem}").total == 1
        seen.append((outcome.status, found))

    with NewsIndex(index_path) as ni:
        report = ni.add([folder], batch_size=3, on_outcome=on_outcome)
    assert sorted(seen) == [("added", True)] * 7 + [("skipped", False)]
    assert report.outcomes == []  # given to on_outcome, not kept
    assert report.counts() == {
        "added": 7, "updated": 0, "unchanged": 0, "duplicate": 0, "skipped": 1, "skipped_earlier": 0, "passed_over": 0
    }
    assert report.skip_reasons == {"empty file": 1}


def test_a_file_named_twice_is_indexed_once(index_path: Path, seeds: Path):
    nyt = str(seeds / NYT_SEED)
    with NewsIndex(index_path) as ni:
        report = ni.add([nyt, str(seeds), nyt])  # by name, in its folder, and by name again
        assert report.counts()["added"] == 2
        assert ni.stats().articles == 2


def test_searcher_sees_new_commits(ni: NewsIndex, tmp_path: Path):
    assert ni.search("Antonivskyi").total == 0
    extra = tmp_path / "extra.txt"
    extra.write_text("Antonivskyi bridge collapses\n\nThe Antonivskyi bridge over the Dnipro collapsed.")
    ni.add([extra])
    assert ni.search("Antonivskyi").total == 1


def test_an_index_before_its_first_commit_searches_empty(index_path: Path):
    """What a reader sees while the first `add` into a new index is running."""
    from whoosh import index as whoosh_index

    from newsindex.schema import build_schema

    index_path.mkdir()
    whoosh_index.create_in(str(index_path), build_schema())
    with NewsIndex(index_path) as ni:
        assert ni.search("profits").total == 0
        assert ni.timeline("profits").total == 0
        with pytest.raises(QueryError):
            ni.search("*ing")


def test_an_index_of_an_earlier_version_keeps_its_files_unchanged(index_path: Path, seeds: Path, monkeypatch):
    """Versions before 0.2 stored a source's state itself as its digest; with
    the manifest rebuilt from such an index, files touched but unchanged are
    still known as unchanged, not read and indexed again."""
    import os

    import newsindex.write.prepare
    from newsindex.write.manifest import FILENAME, Manifest

    with monkeypatch.context() as patch:
        patch.setattr(newsindex.write.prepare, "source_digest", lambda state: state)
        patch.setattr(Manifest, "record", lambda *args, **kwargs: None)  # its manifest: gone below
        patch.setattr(Manifest, "commit", lambda *args, **kwargs: None)
        with NewsIndex(index_path) as ni:
            ni.add([seeds])
    os.remove(index_path / FILENAME)
    for article in seeds.glob("*.txt"):
        os.utime(article, (1_700_000_000, 1_700_000_000))
    with NewsIndex(index_path) as ni:
        report = ni.add([seeds])
        assert report.counts()["unchanged"] == 2 and not report.added and not report.updated
