"""Facets: counts of outlets, bylines, months and languages over the whole hit set."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from whoosh.query import Query
from whoosh.searching import Searcher

from ..models import FacetCount, Facets
from .counting import matches_by_segment

#: Outlets and bylines counted at the most (months: all).
FACET_SIZE = 10


def count_facets(searcher: Searcher, query: Query | None) -> Facets:
    return merged_facets([facet_counts(searcher, query)])


class FacetCounts(NamedTuple):
    """Every value's count over the matches of the segments a searcher steps
    through: what the shards' counts are added up from."""

    outlet: Counter[str]
    byline: Counter[str]
    month: Counter[str]
    language: Counter[str]


def facet_counts(searcher: Searcher, query: Query | None) -> FacetCounts:
    assert query is not None
    counts = FacetCounts(Counter(), Counter(), Counter(), Counter())
    for reader, docs, _offset in matches_by_segment(searcher, query):
        counts.outlet.update(map(reader.column_reader("outlet_key").__getitem__, docs))
        counts.month.update(map(reader.column_reader("month").__getitem__, docs))
        counts.language.update(map(reader.column_reader("lang").__getitem__, docs))
        bylines = reader.column_reader("byline_key")
        for authors in map(bylines.__getitem__, docs):
            if authors:
                counts.byline.update(authors.split("\n"))
    return counts


def merged_facets(parts: list[FacetCounts]) -> Facets:
    """The facets of the counts of every shard (of the one index)."""
    outlet_counts, byline_counts, month_counts, language_counts = parts[0]
    for part in parts[1:]:
        outlet_counts.update(part.outlet)
        byline_counts.update(part.byline)
        month_counts.update(part.month)
        language_counts.update(part.language)
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
