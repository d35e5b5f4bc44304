"""Counting matches in bulk (docsets.py) must count what Whoosh's matchers
match, in every segment, deleted documents left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsindex.docsets import matching_docs
from newsindex.query import parse_query
from newsindex.schema import build_schema
from newsindex.segments import SegmentBuilder
from newsindex.storage import create_index

from .test_segments import documents

QUERIES = [
    "bridge",
    "bridge kyiv",
    "bridge OR grain",
    "bridge NOT grain",
    "NOT bridge",
    "*",
    '"grain ships"',
    "bridge mayor repairs river talks strike ceasefire odesa port",  # at least a share of the words
    "title:strike (odesa OR port)",
    "brid*",
    "bridgs~1",
    "outlet_key:BBC",
    "nosuchword",
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("docsets")
    ix = create_index(str(path), build_schema())
    docs = documents(90, seed=5)
    for start in range(0, 90, 30):  # three segments
        writer = SegmentBuilder(ix)
        writer.mergetype = None
        for doc in docs[start : start + 30]:
            writer.add_document(**doc)
        writer.commit(merge=False)
    writer = SegmentBuilder(ix)
    for n in range(0, 90, 4):  # deletions in every segment
        writer.delete_by_term("id", f"doc{n}")
    writer.commit(merge=False)
    return ix.refresh()


@pytest.mark.parametrize("text", QUERIES)
def test_bulk_counts_match_whooshs(index, text: str) -> None:
    query = parse_query(text, index.schema)
    with index.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 3
        expected = sorted(searcher.docs_for_query(query))
        found = sorted(offset + doc for docs, offset in matching_docs(searcher, query) for doc in docs)
    assert found == expected
    assert text == "nosuchword" or found
