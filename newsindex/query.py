"""Turning a query string into a Whoosh query.

Whoosh's query language over the search fields (all words must match by
default; "phrases", OR, NOT, field:value), plus Whoosh's date plugin for
``date:2022-11`` and ``date:[2022-11-01 to 2022-11-30]``. Problems are
reported as :class:`QueryError`, never silently dropped.
"""

from __future__ import annotations

from whoosh.qparser import MultifieldParser
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.query import NullQuery, Query
from whoosh.fields import Schema

from .errors import QueryError
from .schema import SEARCH_FIELDS

DATE_FORMS = "2022, 2022-11, 2022-11-11 or [2022-11-01 to 2022-11-30]"


def parse_query(text: str, schema: Schema) -> Query:
    if not text.strip():
        raise QueryError(text, "the query is empty")
    date_errors: list[object] = []
    parser = MultifieldParser(list(SEARCH_FIELDS), schema)
    parser.add_plugin(DateParserPlugin(callback=date_errors.append))
    try:
        query = parser.parse(text)
    except ValueError as exc:
        # Whoosh's fallback range parser raises on bounds that are not dates.
        raise QueryError(text, f"a range bound is not a date or number (use {DATE_FORMS}): {exc}") from None
    if date_errors:
        raise QueryError(text, f"{date_errors[0]} is not a date (use {DATE_FORMS})")
    if query is NullQuery:
        raise QueryError(text, "nothing to search for (only stop words or punctuation)")
    return query
