"""Snippets find the matched words in bulk (highlight.BulkHighlighter); they
must be the ones Whoosh's own highlighter finds, phrases included."""

from __future__ import annotations

import pytest
from whoosh.highlight import Highlighter

from newsindex import NewsIndex
from newsindex.search.highlight import caption_highlighter, snippet_highlighter, whole_text_highlighter
from newsindex.search.parse import parse_query
from newsindex.search.stems import in_archive_languages

ARTICLES = {
    "a.txt": "Bridge talks stall\n\nThe bridges over the Dnipro reopened. Nobody crossed the old bridge.\n"
    "The will of the people: he will go. Talks about the bridge will go on, said the mayor of Kyiv.\n",
    "b.txt": "Kyiv mayor on bridge repairs\n\nRepairs to the Dnipro bridge start in May. The mayor said "
    "repairs to the old bridge over the river would cost more. One two two six three.\n",
    "c.txt": "Ελληνικά νέα\n\nΟΔΟΣ ΑΣ.Β and Zelénskyy met in Malmö; naïve café owners watched the bridge.\n",
}
QUERIES = [
    "bridge",
    "bridges mayor",
    '"old bridge"',
    '"dnipro bridge" repairs',
    '"mayor said"~3',
    '"one two three"~2',
    "wills OR bridge",  # "wills" stems to a stop word, which Whoosh marks in phrase-aware mode
    "bridge OR café",
    "zelenskyy",
    "οδος",
    "title:bridge kyiv",
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    folder = tmp_path_factory.mktemp("archive")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text)
    ix = NewsIndex(folder / "index")
    ix.add([folder])
    return ix


@pytest.mark.parametrize("text", QUERIES)
def test_bulk_highlighting_matches_whooshs(index: NewsIndex, text: str) -> None:
    ix = index._open()
    with ix.searcher() as searcher:
        # as a search runs it: c.txt is found Greek, so stemmed in Greek
        query = in_archive_languages(searcher, parse_query(text, ix.schema))
        results = searcher.search(query, terms=True, limit=None)
        assert len(results) > 0
        for strict in (False, True):
            for bulk, field in (
                (snippet_highlighter(), "body"),
                (caption_highlighter(), "body"),
                (whole_text_highlighter(), "title"),
            ):
                whoosh = Highlighter(fragmenter=bulk.fragmenter, formatter=bulk.formatter)
                for hit in results:
                    ours = bulk.highlight_hit(hit, field, top=3, strict_phrase=strict)
                    assert ours == whoosh.highlight_hit(hit, field, top=3, strict_phrase=strict), (text, field)
