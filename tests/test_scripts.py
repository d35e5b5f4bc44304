"""Searching across scripts: Latin queries find Cyrillic and Greek text written the usual way
and the other way round, Ukrainian and Russian conventions both, highlighted as written;
--exact-script turns it off. Fixtures written here, with the expected matches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsindex import NewsIndex

from .archive import indexed_texts, write_texts
from .conftest import Run, json_hits

ARTICLES = {
    "ua.txt": "Обстріл\n\nХарків знову обстріляли вночі, повідомили в Києві.\n",  # Ukrainian
    "ru.txt": "Обстрел\n\nХарьков снова обстреляли ночью.\n",  # Russian
    "en.txt": "Kharkiv shelled\n\nKharkiv was shelled overnight, officials in Kyiv said.\n",
    "kyiv.txt": "Столиця\n\nУ Київ прибули дипломати.\n",
    "el.txt": "Αθήνα\n\nΣτην Αθήνα σήμερα απεργία.\n",
    "zelensky.txt": "Звернення\n\nЗеленський звернувся до нації.\n",
}


@pytest.fixture
def index(tmp_path: Path) -> Iterator[NewsIndex]:
    yield from indexed_texts(tmp_path, ARTICLES)


def files(results) -> set[str]:
    return {Path(hit.path).name for hit in results.hits}


@pytest.mark.parametrize(("query", "expected"), [
    ("Kharkiv", {"ua.txt", "en.txt"}),  # Ukrainian national system
    ("Kharkov", {"ru.txt"}),  # the Russian name, as Latin text writes it
    ("Харків", {"ua.txt", "en.txt"}),
    ("Київ", {"kyiv.txt", "en.txt"}),
    ("Kyiv", {"kyiv.txt", "en.txt"}),
    ("Athina", {"el.txt"}),  # Greek
    ("Zelenskyi", {"zelensky.txt"}),
    ("Zelenskiy", {"zelensky.txt"}),  # Russian-style spelling of the same name
])
def test_words_meet_across_scripts(index: NewsIndex, query: str, expected: set[str]) -> None:
    assert files(index.search(query)) == expected


@pytest.mark.parametrize("query", ["Kharkiv", "Київ"])
def test_every_way_of_running_a_query_matches_across_scripts(index: NewsIndex, query: str) -> None:
    found = files(index.search(query))
    assert len(found) == 2
    assert {Path(hit.path).name for hit in index.export(query)} == found
    (summary,) = index.batch([query])
    assert summary.articles == 2
    assert index.timeline(query).undated == 2  # the fixtures are undated


def test_exact_script_searches_words_as_typed(index: NewsIndex) -> None:
    assert files(index.search("Kharkiv", exact_script=True)) == {"en.txt"}
    assert files(index.search("Харків", exact_script=True)) == {"ua.txt"}


def test_matches_are_highlighted_in_their_own_script(index: NewsIndex) -> None:
    [hit] = [h for h in index.search("Kharkiv").hits if h.path.endswith("ua.txt")]
    marked = [s.text[m.start:m.end] for s in hit.snippets for m in s.matches]
    assert marked == ["Харків"]


def test_cli_and_http(index: NewsIndex, run: Run) -> None:
    from starlette.testclient import TestClient

    from newsindex.web import create_app

    path = str(index.path)
    index.close()
    hits, _ = json_hits(run("search", "Kharkiv", "--index", path, "--json").stdout)
    assert {Path(h["path"]).name for h in hits} == {"ua.txt", "en.txt"}
    hits, _ = json_hits(run("search", "Kharkiv", "--exact-script", "--index", path, "--json").stdout)
    assert {Path(h["path"]).name for h in hits} == {"en.txt"}
    client = TestClient(create_app(path))
    assert client.get("/api/search", params={"q": "Kharkiv"}).json()["summary"]["total"] == 2
    assert client.get("/api/search", params={"q": "Kharkiv", "exact_script": "true"}).json()["summary"]["total"] == 1


CJK = {
    "zh.txt": "華為新機\n\n華為公司今天發布了新手機，價格比去年低。\n",
    "ja.txt": "東京の天気\n\n東京都では明日、雪が降る見込みです。\n",
    "ko.txt": "서울 날씨\n\n서울에서는 내일 눈이 올 것으로 보입니다.\n",
}


@pytest.mark.parametrize(("query", "expected"), [
    ("華為", {"zh.txt"}), ("手機", {"zh.txt"}), ("華為 手機", {"zh.txt"}), ("東京", {"ja.txt"}),
    ("明日", {"ja.txt"}), ("서울", {"ko.txt"}), ("新手機", {"zh.txt"}),
])
def test_chinese_japanese_and_korean_are_cut_into_pairs(tmp_path: Path, query: str, expected: set[str]) -> None:
    with NewsIndex(tmp_path / "index") as ni:
        ni.add([write_texts(tmp_path / "articles", CJK)])
        results = ni.search(query)
        assert files(results) == expected
        marked = [s.text[m.start:m.end] for h in results.hits for s in h.snippets for m in s.matches]
        # the run of characters holding the match is marked, as written
        assert marked and all(any(word in run for word in query.split()) for run in marked), marked
