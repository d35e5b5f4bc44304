"""Matches in date order (``--sort newest``, ``oldest``), from each segment's dates held sorted.

Whoosh sorts the matches of a query by stepping through every one with a
collector that reads three columns a match (undated, date, id), in Python.
Here the matching documents come as sets (counting.py), and each segment's
dated documents are already held sorted by date (daterange.sorted_dates): a
pass in that order keeps the matching ones, and stops when a page is full.
The order: dated documents by date (newest or oldest first), then undated
ones; documents of the same date, and undated ones, in the order they were
added (their document numbers), which no page of the same index changes.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from whoosh.query import Query
from whoosh.searching import Searcher

from .._whoosh import cached_on
from .counting import matching_docs
from .daterange import sorted_dates

#: Below this share of a segment's dated documents, a match set is sorted by
#: looking each match's date up, not by a pass over every date in order.
SPARSE = 1 / 8


def date_ordered(searcher: Searcher, query: Query, excluded: set[int] | None, newest: bool) -> Iterator[int]:
    """The (searcher-wide) numbers of the documents ``query`` matches, but
    ``excluded``, in date order, lazily: a page of hits reads what it takes."""
    for _, doc in date_ordered_keys(searcher, query, excluded, newest):
        yield doc


def date_ordered_keys(
    searcher: Searcher, query: Query, excluded: set[int] | None, newest: bool
) -> Iterator[tuple[tuple[int, int, int], int]]:
    """:func:`date_ordered`'s documents, each after its place in the order
    (undated, date key, number): what the shards' orders are merged by."""
    streams = []
    leaves = searcher.leaf_searchers()
    for (docs, offset), (leaf, _) in zip(matching_docs(searcher, query), leaves, strict=True):
        if excluded:
            docs = {doc for doc in docs if offset + doc not in excluded}
        if docs:
            streams.append(_segment_order(leaf.reader(), docs, offset, newest))
    yield from heapq.merge(*streams)


def _segment_order(
    reader: Any, docs: set[int], offset: int, newest: bool
) -> Iterator[tuple[tuple[int, int, int], int]]:
    """The segment's matching documents as ((undated, date key, number), number), in that order."""
    dates, order = sorted_dates(reader)
    sign = -1 if newest else 1
    if len(docs) < len(order) * SPARSE:
        known = date_of(reader)
        dated: Iterable[tuple[int, int]] = sorted((sign * known[doc], doc) for doc in docs if doc in known)
    else:
        positions = range(len(order) - 1, -1, -1) if newest else range(len(order))
        dated = ((sign * dates[i], order[i]) for i in positions if order[i] in docs)
    for key, group in groupby(dated, key=itemgetter(0)):
        for doc in sorted(doc for _, doc in group):
            yield (0, key, offset + doc), offset + doc
    for doc in sorted(docs.difference(date_of(reader))):
        yield (1, 0, offset + doc), offset + doc


def date_of(reader: Any) -> dict[int, int]:
    """Each dated document's date, as the column holds it (Whoosh's long), once per reader."""

    def read() -> dict[int, int]:
        dates, order = sorted_dates(reader)
        return dict(zip(order, dates, strict=True))

    return cached_on(reader, "date_of", read)
