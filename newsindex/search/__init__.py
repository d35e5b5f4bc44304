"""Searching an index: from a query string to hits, counts, facets and timelines.

``parse`` turns the query language into a tree of Whoosh queries (with
newsindex's own ``AtLeast``, ``ExactPhrase``, ``ColumnDateRange`` and
``DocSet``); ``feedback`` adds the words of the best matches to a long query;
``run`` runs it with the filters, sort and paging, and builds the hits
(``highlight`` for snippets, ``copies`` for the near-duplicates folded under
them); ``facets``, ``timeline`` and ``suggest`` answer the rest.

Three interpreters run a query tree, each where it is fastest:

- Whoosh's matchers (``query.matcher()``): every query type; used for the
  hits of any query the other two do not cover, and for phrases' positions.
- ``counting.segment_docs``: the set of documents a query matches, for
  totals, stories, facets and timelines, with set operations in C.
- ``scoring.scored_matches``: the BM25F score of every match of a query of
  words, a block of postings at a time, for the best hits.

``COVERAGE`` below is the one place that says which query type each of the
two bulk interpreters takes itself and which it hands to Whoosh's matchers:
a new query type is added there, and tests/test_docsets.py checks that every
type the parser makes is listed and that each bulk interpreter agrees with
Whoosh's matchers on it.
"""

from __future__ import annotations

from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    DateRange,
    Every,
    FuzzyTerm,
    Not,
    NullQuery,
    NumericRange,
    Or,
    Phrase,
    Prefix,
    Term,
    TermRange,
    Wildcard,
)

from .daterange import ColumnDateRange
from .parse import UnionOr
from .queries import AtLeast, DocSet, ExactPhrase

MATCHERS = "Whoosh's matchers"

#: Query type -> (how ``counting`` finds its documents, how ``scoring`` scores them).
COVERAGE: dict[type, tuple[str, str]] = {
    Term: ("postings read a block at a time", "BM25F a block at a time"),
    And: ("intersection (its Not members subtracted)", "sum over documents holding every part"),
    Or: ("union", "sum over documents holding any part"),
    UnionOr: ("union", "sum over documents holding any part"),
    AtLeast: ("documents counted k times or more", "sum over documents holding k parts or more"),
    AndMaybe: ("its first query's documents", "the first's scores, plus the second's where it matches too"),
    AndNot: ("difference", MATCHERS),
    Not: ("every document less its query's", MATCHERS),
    Every: ("every document (no field) / " + MATCHERS, MATCHERS),
    type(NullQuery): ("no document", MATCHERS),
    ColumnDateRange: ("the date column, searched by bisection", MATCHERS),
    DocSet: ("its documents, kept by segment", MATCHERS),
    ExactPhrase: (MATCHERS, "its words' sum over queries.phrase_postings' documents"),
    Phrase: (MATCHERS, "its words' sum over its matcher's documents"),
    Wildcard: (MATCHERS, MATCHERS),
    Prefix: (MATCHERS, MATCHERS),
    FuzzyTerm: (MATCHERS, MATCHERS),
    TermRange: (MATCHERS, MATCHERS),
    NumericRange: (MATCHERS, MATCHERS),
    DateRange: (MATCHERS, MATCHERS),
}
