"""Articles in their own language: detected when the source does not say it (with its
provenance), stemmed with their own language's stemmer, and searched in every language the
archive holds. Fixtures written here in German, French and English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsindex import NewsIndex
from newsindex.ingest.language import detect

from .archive import indexed_texts, write_texts
from .conftest import Run, json_lines

ARTICLES = {
    "de.txt": "Bundestag\n\nDie Wahlen zum Bundestag finden im September statt, sagte die Regierung am Montag.\n",
    "de2.txt": "Häuser\n\nIn der Stadt wurden neue Häuser gebaut, berichtete die Zeitung am Dienstag.\n",
    "fr.txt": "Élection\n\nLes élections auront lieu en septembre, a déclaré le gouvernement lundi à Paris.\n",
    "en.txt": "Elections\n\nThe elections will be held in September, the government said on Monday.\n",
    "table.txt": "Results\n\nShr 45 cts vs 58 cts\nNet 1.1 mln vs 1.4 mln\nRevs 12.5 mln vs 11.9 mln\n",
}


@pytest.fixture
def index(tmp_path: Path) -> Iterator[NewsIndex]:
    yield from indexed_texts(tmp_path, ARTICLES)


def article(ni: NewsIndex, name: str):
    return ni.get(next(h.id for h in ni.search("*", limit=20).hits if h.path.endswith(name)))


def test_language_is_detected_with_provenance_and_only_when_sure(index: NewsIndex) -> None:
    german = article(index, "de.txt")
    assert german.language == "de" and german.provenance["language"] == "py3langid"
    assert article(index, "fr.txt").language == "fr"
    assert article(index, "table.txt").language is None  # a table of figures: unsure, so no language
    assert detect("Der Hafen von Kherson ist seit Montag wieder offen, sagte der Bürgermeister.") == "de"


@pytest.mark.parametrize(("query", "expected"), [
    ("Wahl", {"de.txt"}),  # German stems: Wahlen -> wahl
    ("Wahlen", {"de.txt"}),
    ("Haus", {"de2.txt"}),  # Häuser -> haus
    ("élection", {"fr.txt", "en.txt"}),  # French and English stems meet
])
def test_words_meet_in_their_own_language(index: NewsIndex, query: str, expected: set[str]) -> None:
    assert {Path(h.path).name for h in index.search(query).hits} == expected


def test_a_german_article_is_not_stemmed_as_english(index: NewsIndex) -> None:
    reader = index._current_searcher().reader()
    assert ("body", "wahl") in reader and ("body", "wahlen") not in reader  # English would keep "wahlen"


def test_a_declared_language_is_kept(tmp_path: Path, run: Run) -> None:
    (tmp_path / "a.jsonl").write_text(
        '{"title": "Port", "text": "Der Hafen von Kherson ist offen, sagte der Bürgermeister.", "language": "en"}\n',
        encoding="utf-8",
    )
    [record] = [r for r in json_lines(run("add", str(tmp_path / "a.jsonl"), "--json").stdout) if "id" in r]
    shown = run("show", record["id"])
    assert "json key" in shown.stdout and "py3langid" not in shown.stdout


def test_show_says_how_the_language_was_decided(index: NewsIndex, run: Run) -> None:
    path = str(index.path)
    index.close()
    shown = run("show", next(p for p in (Path(path).parent / "articles").glob("de.txt")).as_posix(), "--index", path)
    assert "de" in shown.stdout and "from py3langid" in shown.stdout


def test_russian_is_stemmed_in_russian_and_still_met_in_latin_letters(tmp_path: Path) -> None:
    text = "Выборы в Москве\n\nВ Москве прошли выборы мэра. Москва голосовала весь день, сообщили наблюдатели.\n"
    with NewsIndex(tmp_path / "index") as ni:
        ni.add([write_texts(tmp_path / "articles", {"ru.txt": text})])
        assert article(ni, "ru.txt").language == "ru"
        for query in ("Москвы", "выборов", "Moskva"):  # other cases; the Latin form of a word as written
            assert ni.search(query).total == 1, query


def test_language_facets_count_declared_and_detected_languages(index: NewsIndex, run: Run) -> None:
    facets = index.search("*", facets=True, limit=1).facets
    counts = {f.value: f.count for f in facets.language}
    assert counts["de"] == 2 and counts["fr"] == 1 and counts["en"] == 1
    assert facets.no_language == 1  # the table of figures
    assert facets.to_dict()["language"]["de"] == 2
