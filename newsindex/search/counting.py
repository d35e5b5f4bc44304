"""The documents a query matches, as sets, for counting them.

Whoosh's matchers step through matches one document at a time, a Python
call each, so counting the matches of a common word grows with the archive.
Here a term's postings are read a block at a time (_whoosh.posting_ids) and
combined with set operations, which run in C. newsindex.search.COVERAGE says
which query types are done so; the rest are left to Whoosh's matchers.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from whoosh.query import And, AndMaybe, AndNot, Every, Not, NullQuery, Or, Query, Term
from whoosh.searching import Searcher

from .._whoosh import posting_ids, raw_term_matcher
from .daterange import ColumnDateRange
from .queries import AtLeast

T = TypeVar("T")


def matching_docs(searcher: Searcher, query: Query) -> Iterator[tuple[set[int], int]]:
    """For each segment: the documents ``query`` matches (numbered within the
    segment, deleted ones left out) and the segment's first document number."""
    for sub, offset in searcher.leaf_searchers():
        yield segment_docs(query, sub), offset


def segment_docs(query: Query, searcher: Searcher) -> set[int]:
    reader = searcher.reader()
    kind = type(query)
    if kind is Term:
        return _term_docs(reader, query.fieldname, query.text)
    if isinstance(query, AtLeast):
        counts = Counter()
        for sub in query.subqueries:
            counts.update(segment_docs(sub, searcher))
        return {doc for doc, n in counts.items() if n >= query.k}
    if isinstance(query, Or):
        return set().union(*(segment_docs(sub, searcher) for sub in query.subqueries))
    if kind is And:
        wanted = [sub for sub in query.subqueries if not isinstance(sub, Not) and not _is_everything(sub)]
        unwanted = [sub.query for sub in query.subqueries if isinstance(sub, Not)]
        found = set.intersection(*(segment_docs(sub, searcher) for sub in wanted)) if wanted else _all_docs(reader)
        for sub in unwanted:
            found -= segment_docs(sub, searcher)
        return found
    if kind is AndMaybe:
        return segment_docs(query.a, searcher)
    if kind is AndNot:
        return segment_docs(query.a, searcher) - segment_docs(query.b, searcher)
    if kind is Not:
        return _all_docs(reader) - segment_docs(query.query, searcher)
    if _is_everything(query):
        return _all_docs(reader)
    if query is NullQuery:
        return set()
    if isinstance(query, ColumnDateRange):
        return set(query.matcher(searcher).all_ids())
    return set(query.matcher(searcher, searcher.boolean_context()).all_ids())


def _is_everything(query: Query) -> bool:
    return type(query) is Every and not query.fieldname


def _term_docs(reader: Any, fieldname: str, text: str | bytes) -> set[int]:
    field = reader.schema[fieldname]
    btext = field.to_bytes(text) if isinstance(text, str) else text
    if (fieldname, btext) not in reader:
        return set()

    def read() -> frozenset[int]:
        docs: set[int] = set()
        for ids in posting_ids(raw_term_matcher(reader, fieldname, btext, field.format)):
            docs.update(ids)
        if reader.has_deletions():
            docs -= reader.deleted_docs_set
        return frozenset(docs)

    return set(shared_read(("docs", id(reader), fieldname, btext), read))


#: Within shared_postings(): what was read for the search, by (what, segment
#: reader, ...): a term's documents as a set ("docs", field, term), or as
#: numpy arrays with their weights ("arrays", field, term), or a query's
#: scores in arrays ("scores", query: scoring.py).
_SHARED: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("shared", default=None)
#: Within shared_postings(): the key of the search in progress, which its
#: tasks on other processes' shards carry (search/scope.py).
_SEARCH: ContextVar[tuple[int, int] | None] = ContextVar("search", default=None)
_SEARCHES = itertools.count()
#: In a process searching a shard for others: the last search's key, and what it read.
_LAST_SEARCH: list[Any] = [None, None]


@contextmanager
def shared_postings(search: tuple[int, int] | None = None) -> Iterator[None]:
    """Within it (or a function it decorates), each term's postings are read
    once: one search counts its matches, probes how many of its words an
    article holds, scores them and checks a spelling, each over the same
    words. ``search``: the key (:func:`search_key`) of the search whose task
    this process runs on its shard: its tasks share what they read there.
    Only for the length of a search, so that what is kept does not grow with
    the searches, and a search run again reads again."""
    if search is None:
        shared: dict[Any, Any] = {}
        search = (os.getpid(), next(_SEARCHES))
    else:
        if _LAST_SEARCH[0] != search:
            _LAST_SEARCH[:] = [search, {}]
        shared = _LAST_SEARCH[1]
    tokens = _SHARED.set(shared), _SEARCH.set(search)
    try:
        yield
    finally:
        _SHARED.reset(tokens[0])
        _SEARCH.reset(tokens[1])


def search_key() -> tuple[int, int] | None:
    """The key of the search in progress, for its tasks on other processes."""
    return _SEARCH.get()


def shared_read(key: tuple[Any, ...], read: Callable[[], T]) -> T:
    """``read()``, kept for the rest of the search (within shared_postings())."""
    shared = _SHARED.get()
    if shared is None:
        return read()
    if key not in shared:
        shared[key] = read()
    return shared[key]  # type: ignore[no-any-return]


def _all_docs(reader: Any) -> set[int]:
    docs = set(range(reader.doc_count_all()))
    if reader.has_deletions():
        docs -= reader.deleted_docs_set
    return docs


def matches_by_segment(searcher: Searcher, query: Query) -> Iterator[tuple[Any, set[int], int]]:
    """Each segment's reader, the documents ``query`` matches in it, and the
    segment's first document number: read per segment, a column costs a
    lookup per document (through the whole index's reader, a search for the
    segment first)."""
    leaves = searcher.leaf_searchers()
    for (docs, offset), (leaf, _) in zip(matching_docs(searcher, query), leaves, strict=True):
        yield leaf.reader(), docs, offset
