"""Facets: counts of outlets, bylines, months and languages over the whole hit set."""

from __future__ import annotations

from collections import Counter

from whoosh.query import Query
from whoosh.searching import Searcher

from ..models import FacetCount, Facets
from .counting import matches_by_segment

#: Outlets and bylines counted at the most (months: all).
FACET_SIZE = 10


def count_facets(searcher: Searcher, query: Query | None) -> Facets:
    assert query is not None
    outlet_counts: Counter[str] = Counter()
    byline_counts: Counter[str] = Counter()
    month_counts: Counter[str] = Counter()
    language_counts: Counter[str] = Counter()
    for reader, docs, _offset in matches_by_segment(searcher, query):
        outlet_counts.update(map(reader.column_reader("outlet_key").__getitem__, docs))
        month_counts.update(map(reader.column_reader("month").__getitem__, docs))
        language_counts.update(map(reader.column_reader("lang").__getitem__, docs))
        bylines = reader.column_reader("byline_key")
        for authors in map(bylines.__getitem__, docs):
            if authors:
                byline_counts.update(authors.split("\n"))
    no_outlet = outlet_counts.pop("", 0)
    undated = month_counts.pop("", 0)
    byline_counts.pop("", None)
    no_language = language_counts.pop("", 0)

    def top(counter: Counter[str]) -> tuple[FacetCount, ...]:
        ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE]
        return tuple(FacetCount(v, n) for v, n in ranked)

    by_month = tuple(FacetCount(m, n) for m, n in sorted(month_counts.items(), reverse=True))
    return Facets(top(outlet_counts), top(byline_counts), by_month, undated, no_outlet, top(language_counts),
                  no_language)
