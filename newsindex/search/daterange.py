"""Date ranges answered from the sortable date column instead of Whoosh's numeric terms.

Whoosh runs a ``DateRange`` as an OR of the numeric "tier" terms that cover
the range, in every segment, which costs the same however few articles the
range keeps. The date column
holds the same values; read once per segment into a sorted array, a range is
two binary searches and a slice.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from typing import Any

from whoosh.matching import ListMatcher, Matcher, NullMatcher
from whoosh.query import DateRange, Query, Term
from whoosh.util.times import datetime_to_long

from .._whoosh import cached_on
from ..documents import index_datetime


class ColumnDateRange(DateRange):
    """A ``DateRange`` on the ``date`` field whose matcher reads the column; to
    everything else it is the DateRange it replaces. The date field indexes no
    terms (see schema.py): every date query is one of these."""

    def matcher(self, searcher: Any, context: Any = None) -> Matcher:
        reader = searcher.reader()
        lo, hi = self._span(reader)
        if lo >= hi:
            return NullMatcher()
        ids = sorted(sorted_dates(reader)[1][lo:hi])
        if reader.has_deletions():
            ids = [d for d in ids if not reader.is_deleted(d)]
        return ListMatcher(ids, all_weights=self.boost) if ids else NullMatcher()

    # NumericRange answers these from its terms; the column answers them here.
    def docs(self, searcher: Any) -> Any:
        return Query.docs(self, searcher)

    def simplify(self, ixreader: Any) -> Query:
        return self

    def estimate_size(self, ixreader: Any) -> int:
        lo, hi = self._span(ixreader)
        return max(hi - lo, 0)

    estimate_min_size = estimate_size

    def _span(self, reader: Any) -> tuple[int, int]:
        """Where the range starts and ends in the reader's dates sorted."""
        values = sorted_dates(reader)[0]
        lo, hi = 0, len(values)
        if self.startdate is not None:
            start = datetime_to_long(index_datetime(self.startdate))
            lo = (bisect_right if self.startexcl else bisect_left)(values, start)
        if self.enddate is not None:
            end = datetime_to_long(index_datetime(self.enddate))
            hi = (bisect_left if self.endexcl else bisect_right)(values, end)
        return lo, hi


def column_date_ranges(query: Query, schema: Any) -> Query:
    """``query`` with every date range or exact date on the ``date`` field
    read from the column."""

    def swap(q: Query) -> Query:
        if type(q) is DateRange and q.fieldname == "date":
            return ColumnDateRange("date", q.startdate, q.enddate, q.startexcl, q.endexcl, boost=q.boost)
        if type(q) is Term and q.fieldname == "date":
            moment = schema["date"].from_bytes(q.text) if isinstance(q.text, bytes) else q.text
            return ColumnDateRange("date", moment, moment, boost=q.boost)
        return q

    return query.accept(swap)


def sorted_dates(reader: Any) -> tuple[array, array]:
    """The segment's dated documents as (dates, document numbers), sorted by
    date; read once per segment reader, which the index keeps open between
    searches."""

    def read() -> tuple[array, array]:
        undated = reader.column_reader("undated")
        dates = reader.column_reader("date", translate=False)
        pairs = sorted((dates[d], d) for d in range(reader.doc_count_all()) if undated[d] != "1")
        return array("q", (v for v, _ in pairs)), array("l", (d for _, d in pairs))

    return cached_on(reader, "dates", read)
