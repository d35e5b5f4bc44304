"""Turning a query string into a Whoosh query.

Whoosh's query language over the search fields (all words must match by
default; "phrases", OR, NOT, field:value), plus Whoosh's date plugin for
``date:2022-11`` and ``date:[2022-11-01 to 2022-11-30]``. Problems are
reported as :class:`QueryError`, never silently dropped.
"""

from __future__ import annotations

import re
from itertools import islice

from whoosh.fields import Schema
from whoosh.qparser import MultifieldParser
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.query import Every, FuzzyTerm, MultiTerm, NullQuery, Query, Wildcard
from whoosh.reading import IndexReader

from .errors import QueryError
from .schema import SEARCH_FIELDS

DATE_FORMS = "2022, 2022-11, 2022-11-11 or [2022-11-01 to 2022-11-30]"
#: Longer query strings are refused rather than parsed.
MAX_QUERY_CHARS = 20_000
#: A wildcard, prefix, fuzzy term or range may stand for at most this many
#: index words; more would make one query take seconds or minutes.
MAX_EXPANSIONS = 1024
MAX_FUZZY_EDITS = 2
#: Queries with more words and operators than this are refused.
MAX_QUERY_TERMS = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def parse_query(text: str, schema: Schema) -> Query:
    if not text.strip():
        raise QueryError(text, "the query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(text, f"longer than {MAX_QUERY_CHARS} characters")
    date_errors: list[object] = []
    parser = MultifieldParser(list(SEARCH_FIELDS), schema)
    parser.add_plugin(DateParserPlugin(callback=date_errors.append))
    try:
        query = parser.parse(_CONTROL.sub(" ", text))
    except Exception as exc:
        # Whoosh's range parsers raise (ValueError, or a bare Exception) on
        # bounds that are not dates; nothing else in a query string can.
        raise QueryError(text, f"a range bound is not a date or number (use {DATE_FORMS}): {exc}") from None
    if date_errors:
        raise QueryError(text, f"{date_errors[0]} is not a date (use {DATE_FORMS})")
    if query is NullQuery:
        raise QueryError(text, "nothing to search for (only stop words or punctuation)")
    if sum(1 for _ in query.leaves()) > MAX_QUERY_TERMS:
        raise QueryError(text, f"more than {MAX_QUERY_TERMS} terms")
    return query.accept(_every_document)


def _every_document(query: Query) -> Query:
    """``*`` means every article: Whoosh's per-field ``Every`` would read every
    posting of the field to find the documents that have it."""
    if isinstance(query, Every) and query.fieldname:
        return Every(boost=query.boost)
    return query


def check_expansions(query: Query, text: str, reader: IndexReader) -> None:
    """Refuse wildcards, prefixes, fuzzy terms and ranges that stand for too many words."""
    for leaf in query.leaves():
        if not isinstance(leaf, MultiTerm):
            continue
        if isinstance(leaf, Wildcard) and leaf.text[:1] in ("*", "?"):
            raise QueryError(text, f"{leaf} starts with a wildcard, which would scan every word in the index")
        if isinstance(leaf, FuzzyTerm) and leaf.maxdist > MAX_FUZZY_EDITS:
            raise QueryError(text, f"fuzzy terms allow at most {MAX_FUZZY_EDITS} edits (word~{MAX_FUZZY_EDITS})")
        words = sum(1 for _ in islice(leaf._btexts(reader), MAX_EXPANSIONS + 1))
        if words > MAX_EXPANSIONS:
            raise QueryError(
                text, f"{leaf} matches more than {MAX_EXPANSIONS} different words: make it more specific"
            )
