"""The Whoosh schema: which fields are searched, stored and sortable.

Pickled path: the schema is pickled into every index's table of contents,
with ``newsindex.schema.PreAnalysableText``, ``newsindex.analysis``'s
filters and ``newsindex.postings``' formats in it: none of them may
move or be renamed. A change to the schema itself (``signature``) makes
older indexes ask for ``newsindex rebuild``.

Search fields and their BM25F weights (``field_boost``):

=========  ======  =============================================================
field      weight  why
=========  ======  =============================================================
title      2.5     a headline names what the article is about
captions   1.5     captions describe the pictures, and pictures show the story
body       1.0
byline     1.0     names, folded but not stemmed
outlet     1.0     names, folded but not stemmed
exact      1.0     the title, body and captions as written: folded, not
                   stemmed, so that the very form a reader remembers
                   ("elections", not every word of "elect") counts for more
=========  ======  =============================================================

Ranking is BM25F with two sets of parameters: one for searches of a few
words (``BM25_K1``, ``BM25_B``), whose words a reader remembers from the
article, and one for questions (``BM25_K1_LONG``, ``BM25_B_LONG``), which
share few words with the articles that answer them, so that a word's
repeats count for more. Length is normalised more than the usual b = 0.75:
a long news article covers many topics, and a word's count in it says less.
They were chosen by cross-validation on the TIME queries and on known-item
searches of the BBC corpus, with the fields' query-time weights
(search.parse): benchmarks/relevance.py.

Everything shown in results but never searched as text (path, credit,
provenance, the change fingerprint...) lives in one stored ``meta`` dict, so a
hit's display costs one stored-field read.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, DATETIME, ID, STORED, TEXT, Schema
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.util.numeric import byte_to_length

from ._whoosh import cached_on, fixed_column_bytes, read_lengths_with
from .analysis import Analysed, name_analyzer, text_analyzer
from .postings import CompactPositions, Counts

SEARCH_FIELDS = ("title", "body", "captions", "byline", "outlet", "exact")


def search_fields(schema: Schema) -> tuple[str, ...]:
    """The :data:`SEARCH_FIELDS` an index has (one written before 0.3 lacks the exact forms)."""
    return tuple(name for name in SEARCH_FIELDS if name in schema)


#: BM25's parameters for a search of a few words...
BM25_K1 = 0.9
BM25_B = 0.9
#: ...and for a question (search.parse.is_question), which shares few words
#: with the articles that answer it: a word's repeats count for more there.
BM25_K1_LONG = 2.0
BM25_B_LONG = 0.9


def weighting(question: bool = False) -> BM25F:
    if question:
        return InMemoryLengthsBM25F(B=BM25_B_LONG, K1=BM25_K1_LONG)
    return InMemoryLengthsBM25F(B=BM25_B, K1=BM25_K1)


class InMemoryLengthsBM25F(BM25F):
    """BM25F reading each document's field length from the segment's length
    column held in memory (a byte a document, read once per segment reader)
    instead of from the file at every match, which is a file read a match."""

    def scorer(self, searcher: Any, fieldname: str, text: str, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf)
        if isinstance(scorer, BM25FScorer):
            encoded = length_bytes(searcher.reader(), fieldname)
            if encoded is not None:
                read_lengths_with(scorer, lambda docnum: byte_to_length(encoded[docnum]))
        return scorer


def length_bytes(reader: Any, fieldname: str) -> bytes | None:
    """A segment's field lengths as Whoosh stores them, a byte a document."""
    cache = cached_on(reader, "lengths", dict)
    if fieldname not in cache:
        raw = fixed_column_bytes(reader, f"_{fieldname}_len", LENGTHS_COLUMN, 1)
        # After the last value written: 0.
        cache[fieldname] = None if raw is None else raw + bytes(reader.doc_count_all() - len(raw))
    return cache[fieldname]


class PreAnalysableText(TEXT):
    """A TEXT field that also takes its postings analysed in another process
    (see write/prepare.py), in a document whose stored fields come packed. Its
    positions are stored compactly (see postings.py), or, with ``positions=False``,
    only each word's count."""

    def __init__(self, *, field_boost: float = 1.0, positions: bool = True, **options: Any) -> None:
        super().__init__(field_boost=field_boost, phrase=positions, **options)
        self.format = (CompactPositions if positions else Counts)(field_boost=field_boost)

    def index(self, value: Any, **kwargs: Any) -> Any:
        if isinstance(value, Analysed):
            return value.postings(self.format.field_boost)
        return super().index(value, **kwargs)


def build_schema() -> Schema:
    text = text_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=STORED,  # looked up through the id, which is a hash of the path
        title=PreAnalysableText(analyzer=text, stored=True, field_boost=2.5),
        body=PreAnalysableText(analyzer=text, stored=True),
        captions=PreAnalysableText(analyzer=text, stored=True, field_boost=1.5),
        byline=PreAnalysableText(analyzer=names),
        outlet=PreAnalysableText(analyzer=names),
        exact=PreAnalysableText(analyzer=names, positions=False),
        # Publication date; the parser's `date:` queries run against it. Naive
        # datetimes are taken as given; aware ones are stored in UTC.
        date=_column_only(DATETIME(sortable=True)),
        # Columns for filters, sorting, facets and collapsing, read per document
        # without touching stored fields.
        outlet_key=ID(sortable=True),  # the outlet exactly as shown
        byline_key=ID(sortable=True),  # the authors, one per line
        month=ID(sortable=True),  # "2022-11"; empty when undated
        lang=ID(sortable=True),  # "en", as the source declares it
        undated=ID(sortable=True),  # "1" when the article has no date: sorts after "0"
        cluster=ID(stored=True),  # near-duplicate copies share it
        # The cluster as a 64-bit number, a fixed-width column read whole in
        # one call: folding copies needs every document's cluster, and reading
        # labels one by one would make every cold search grow with the archive.
        cluster_key=COLUMN(NumericColumn("Q")),
        meta=STORED,
    )


def _column_only(field: DATETIME) -> DATETIME:
    """The date kept in its column only: every date query reads the column
    (daterange.py), and the numeric terms Whoosh would index at several
    precisions were a third of the term entries of a news index. Indexes that
    hold the terms answer the same."""
    field.indexed = False
    return field


def signature(schema: Schema) -> tuple[tuple[str, ...], ...]:
    """What a schema is made of, to tell an index written by another version:
    each field's kind, options and chain of analyzer parts."""
    rows = []
    for name, field in sorted(schema.items()):
        analyzer = getattr(field, "analyzer", None)
        parts = getattr(analyzer, "items", [analyzer] if analyzer else [])
        # What an analyzer adds to its words (transliterations) and how it
        # folds them change what an index holds, not how this version reads
        # it: stale_analysis tells those apart.
        parts = [part for part in parts if type(part).__name__ not in _ADDED_ANALYSIS]
        rows.append((
            name,
            type(field).__name__,
            type(getattr(field, "format", None)).__name__,
            f"stored={field.stored}",
            f"sortable={field.column_type is not None}",
            f"boost={getattr(field, 'field_boost', 1.0)}",
            "|".join(type(part).__name__ for part in parts),
        ))
    return tuple(rows)


def is_current(schema: Schema) -> bool:
    """Whether this version reads and writes the index (its analysis may be
    older, or a field of :data:`ADDED_FIELDS` missing: :func:`stale_analysis`)."""
    current = signature(build_schema())
    return signature(schema) == tuple(row for row in current if row[0] in schema or row[0] not in ADDED_FIELDS)


#: Search fields added in 0.3: an index without them is searched without
#: them, and given them by ``rebuild``.
ADDED_FIELDS = ("exact",)


#: Analyzer parts added in 0.3: an index without them is read with its own
#: analyzers, and brought up to date by ``rebuild``.
_ADDED_ANALYSIS = ("TransliterationFilter", "CJKBigramFilter")


def _analysis_of(field: Any) -> tuple[dict[int, str] | None, tuple[str, ...]]:
    """The fold map a text field's analyzer applies, and the parts of 0.3 it has."""
    parts = getattr(getattr(field, "analyzer", None), "items", ())
    charmap = next((part.charmap for part in parts if hasattr(part, "charmap")), None)
    return charmap, tuple(type(part).__name__ for part in parts if type(part).__name__ in _ADDED_ANALYSIS)


def stale_analysis(schema: Schema) -> list[str]:
    """The fields of an index analysed by an older rule than this version's
    (before Unicode folding, "ß" as "s"; before transliteration, Харків
    only in Cyrillic), and the :data:`ADDED_FIELDS` it lacks. Such an index
    keeps its own analysis, and is read with it, until ``rebuild`` brings it
    up to date."""
    current = build_schema()
    return [
        name for name in schema.names()
        if name in current and _analysis_of(schema[name]) != _analysis_of(current[name])
    ] + [name for name in ADDED_FIELDS if name not in schema]
