"""Every match of a query of words scored in bulk, for its best hits.

Whoosh finds the best hits by stepping a tree of matchers through the
matches, a Python call per posting and per matcher, skipping the blocks of
postings whose best possible score cannot make the top; for a word searched
in five fields a block can seldom be skipped. For a query made of
words (a word in a field, OR, AND, at least k of) an article's score is the
sum of the BM25F scores of the words it holds, so here each word's postings
are read a block at a time and scored by one expression per block, and the
sums kept per document (in one of the two forms below). Each word's score is computed as Whoosh's
``bm25()`` computes it; sums may be taken in another order than Whoosh's
matcher tree takes them, which moves a score by a few units in the last
place (tested). A phrase scores as Whoosh scores it, the sum of its words'
scores, over the articles :func:`queries.phrase_postings` finds (or, for a
phrase of a rare word, its matcher steps to). Anything else (wildcards, date
ranges as scored clauses...) returns None: Whoosh's matchers then.

Scores are kept in one of two forms, with the same expressions per
document: in a segment where the query's words have ARRAY_POSTINGS postings
or more, in numpy arrays as long as the segment (an array operation per
word, not a Python step per posting); in fewer, in dictionaries, so that a
search of rare words neither imports numpy nor walks arrays of a whole
segment.
"""

from __future__ import annotations

import heapq
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Generic, TypeVar

from whoosh.query import And, AndMaybe, Every, Not, Or, Phrase, Query, Term
from whoosh.scoring import BM25FScorer
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from .._whoosh import posting_arrays, posting_blocks, raw_term_matcher
from ..schema import length_bytes
from .counting import segment_docs, shared_read
from .queries import AtLeast, ExactPhrase, phrase_postings

#: From this many postings of its words in a segment, a query is scored there in arrays.
ARRAY_POSTINGS = 20_000


class _NotWords(Exception):
    """The query holds something other than words: scored by Whoosh's matchers."""


class Scores:
    """Every match of a query, by document number in the whole index, with
    its score: in lists, or for many matches in numpy arrays."""

    def __init__(self, docs: Sequence[int], values: Sequence[float]) -> None:
        self.docs = docs
        self.values = values

    def __len__(self) -> int:
        return len(self.docs)

    def without(self, excluded: set[int] | None) -> Scores:
        """These scores less those of the documents ``excluded``."""
        if not excluded:
            return self
        if isinstance(self.docs, list):
            kept = [(doc, value) for doc, value in zip(self.docs, self.values, strict=True) if doc not in excluded]
            return Scores([doc for doc, _ in kept], [value for _, value in kept])
        import numpy as np

        keep = ~np.isin(self.docs, np.fromiter(excluded, np.int64, len(excluded)))
        return Scores(self.docs[keep], self.values[keep])  # type: ignore[call-overload]

    def best(self, count: int) -> list[tuple[float, int]]:
        """The ``count`` best (score, document), as Whoosh's TopCollector ranks
        them: highest score first, the lower document number first on a tie.
        The count-th best score is found from the scores alone, then the few
        documents at or above it are ranked: not a tuple per match."""
        if len(self) > count and count > 0:
            if isinstance(self.values, list):
                least = heapq.nlargest(count, self.values)[-1]
                contenders = [(s, d) for d, s in zip(self.docs, self.values, strict=True) if s >= least]
            else:
                import numpy as np

                values = self.values
                least = np.partition(values, len(values) - count)[len(values) - count]
                at_least = np.flatnonzero(values >= least)
                contenders = list(zip(values[at_least].tolist(), self.docs[at_least].tolist(), strict=True))  # type: ignore[call-overload]
        else:
            contenders = list(zip(_listed(self.values), _listed(self.docs), strict=True))
        contenders.sort(key=lambda hit: (-hit[0], hit[1]))
        return contenders[:count]


def _listed(values: Sequence[Any]) -> list[Any]:
    return values if isinstance(values, list) else values.tolist()  # type: ignore[attr-defined]


def scored_matches(searcher: Searcher, query: Query) -> Scores | None:
    """Every document ``query`` matches (numbered in the whole index, deleted
    ones left out) with its score, or None when the query is not made of words."""
    parts = []
    try:
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            many = _postings(query, reader) >= ARRAY_POSTINGS
            algebra: _Algebra[Any] = _Arrays(reader.doc_count_all()) if many else _DICTS
            docs, values = algebra.listed(_scores(query, leaf, algebra))
            parts.append((docs, values, offset))
    except _NotWords:
        return None
    if all(isinstance(docs, list) for docs, _, _ in parts):
        return Scores([offset + doc for docs, _, offset in parts for doc in docs],
                      [value for _, values, _ in parts for value in values])
    import numpy as np

    return Scores(np.concatenate([np.asarray(docs, np.int64) + offset for docs, _, offset in parts]),
                  np.concatenate([np.asarray(values, np.float64) for _, values, _ in parts]))


def most_words_held(searcher: Searcher, words: Sequence[Query], within: Query | None) -> int | None:
    """The most of ``words`` any document (of those ``within`` matches, when
    given) holds, counted in arrays in each segment where the words have
    ARRAY_POSTINGS postings or more; None when they have fewer in some
    segment (a matcher stepping to the first match costs less then), or are
    not all words."""
    held = 0
    try:
        for leaf, _ in searcher.leaf_searchers():
            reader = leaf.reader()
            if sum(_postings(word, reader) for word in words) < ARRAY_POSTINGS:
                return None
            arrays = _Arrays(reader.doc_count_all())
            count = sum(_scores(word, leaf, arrays)[1].astype(arrays.np.int32) for word in words)
            if within is not None:
                count = count[arrays.given(segment_docs(within, leaf))[1]]
            held = max(held, int(count.max(initial=0)))
    except _NotWords:
        return None
    return held


def _postings(query: Query, reader: Any) -> int:
    """How many postings the query's words have in the segment."""
    return sum(reader.doc_frequency(name, text) for name, text in query.iter_all_terms(phrases=True))


S = TypeVar("S")


class _Algebra(ABC, Generic[S]):
    """Scores of a segment's documents, of type S, and what a query makes of
    them: :class:`_Dicts` or :class:`_Arrays`, the same sums either way."""

    @abstractmethod
    def term(self, reader: Any, name: str, text: bytes, bm25: _BM25, boost: float) -> S:
        """A word's BM25F score in each document of the field holding it."""

    @abstractmethod
    def given(self, docs: set[int]) -> S:
        """Unscored documents (a restriction): score 0."""

    @abstractmethod
    def of(self, found: dict[int, float]) -> S:
        """Scores found elsewhere (a phrase's), in this form."""

    @abstractmethod
    def boosted(self, found: S, boost: float) -> S:
        """Each score times ``boost``."""

    @abstractmethod
    def union(self, children: list[S]) -> S:
        """The documents in any child, scores summed."""

    @abstractmethod
    def intersection(self, children: list[S], kept: list[set[int]], left_out: set[int]) -> S:
        """The documents in every child (and every set of ``kept``, and not in ``left_out``), scores summed."""

    @abstractmethod
    def with_extra(self, found: S, extra: S) -> S:
        """``found``, with ``extra``'s scores added where both match."""

    @abstractmethod
    def at_least(self, children: list[S], k: int, weights: list[float] | None, coordination: float) -> S:
        """The documents in ``k`` children or more, scores summed and
        coordinated by the share of ``weights`` held (AtLeast.coordinated)."""

    @abstractmethod
    def listed(self, found: S) -> tuple[Sequence[int], Sequence[float]]:
        """The documents matched and their scores."""


class _Dicts(_Algebra[dict[int, float]]):
    """Scores in a dictionary, document: score."""

    def term(self, reader: Any, name: str, text: bytes, bm25: _BM25, boost: float) -> dict[int, float]:
        found: dict[int, float] = {}
        for ids, weights, _ in posting_blocks(raw_term_matcher(reader, name, text, reader.schema[name].format)):
            scores = _scores_of(bm25, ids, weights)
            if boost != 1.0:
                scores = [score * boost for score in scores]
            found.update(zip(ids, scores, strict=True))
        if reader.has_deletions():
            for doc in reader.deleted_docs_set.intersection(found):
                del found[doc]
        return found

    def given(self, docs: set[int]) -> dict[int, float]:
        return dict.fromkeys(docs, 0.0)

    def of(self, found: dict[int, float]) -> dict[int, float]:
        return found

    def boosted(self, found: dict[int, float], boost: float) -> dict[int, float]:
        return {doc: score * boost for doc, score in found.items()}

    def union(self, children: list[dict[int, float]]) -> dict[int, float]:
        if not children:
            return {}
        # The largest taken as it is (each child is built for its parent alone), not stepped through.
        children = sorted(children, key=len, reverse=True)
        found = children[0]
        for child in children[1:]:
            for doc, score in child.items():
                found[doc] = found[doc] + score if doc in found else score
        return found

    def intersection(
        self, children: list[dict[int, float]], kept: list[set[int]], left_out: set[int]
    ) -> dict[int, float]:
        if len(children) < 2:
            found = children[0]
        else:
            common = set(children[0]).intersection(*children[1:])
            found = {doc: sum(child[doc] for child in children) for doc in common}
        if kept or left_out:
            found = {doc: score for doc, score in found.items()
                     if doc not in left_out and all(doc in docs for docs in kept)}
        return found

    def with_extra(self, found: dict[int, float], extra: dict[int, float]) -> dict[int, float]:
        for doc in found.keys() & extra.keys():
            found[doc] += extra[doc]
        return found

    def at_least(
        self, children: list[dict[int, float]], k: int, weights: list[float] | None, coordination: float
    ) -> dict[int, float]:
        """Summed in arrays as long as the segment: a query of a few common
        words has tens of thousands of matches a word, too many to add up one
        at a time. (numpy is imported here, by the queries that need it.)"""
        import numpy as np

        present = [child for child in children if child]
        if not present:
            return {}
        size = max(max(child) for child in present) + 1
        arrays = _Arrays(size)
        as_arrays = [arrays.of(child) for child in children]
        docs, scores = arrays.listed(arrays.at_least(as_arrays, k, weights, coordination))
        return dict(zip(np.asarray(docs).tolist(), np.asarray(scores).tolist(), strict=True))

    def listed(self, found: dict[int, float]) -> tuple[list[int], list[float]]:
        return list(found), list(found.values())


_DICTS = _Dicts()

_Dense = tuple[Any, Any]  # each document's score (0 where it does not match), and whether it matches


class _Arrays(_Algebra[_Dense]):
    """Scores in two numpy arrays as long as the segment: each document's
    score, 0 where it does not match, and whether it matches."""

    def __init__(self, size: int) -> None:
        import numpy as np

        self.np = np
        self.size = size

    def _empty(self) -> _Dense:
        return self.np.zeros(self.size), self.np.zeros(self.size, bool)

    def _matches(self, children: list[_Dense]) -> list[_Dense]:
        """The children that match anything (a word absent from a field matches nothing)."""
        nothing = _nothing(self.size)
        return [child for child in children if child is not nothing]

    def term(self, reader: Any, name: str, text: bytes, bm25: _BM25, boost: float) -> _Dense:
        np = self.np
        ids, weights = shared_read(
            ("arrays", id(reader), name, text),
            lambda: posting_arrays(raw_term_matcher(reader, name, text, reader.schema[name].format)))
        idf, k1_plus_1, rest, lengths = bm25
        rests = np.asarray(rest)[np.frombuffer(lengths, np.uint8)[ids]]
        scores = idf * ((weights * k1_plus_1) / (weights + rests))  # _scores_of's expression
        if boost != 1.0:
            scores = scores * boost
        total, present = self._empty()
        total[ids] = scores
        present[ids] = True
        if reader.has_deletions():
            deleted = np.fromiter(reader.deleted_docs_set, np.int64)
            total[deleted], present[deleted] = 0.0, False
        return total, present

    def _mask(self, docs: set[int]) -> Any:
        mask = self.np.zeros(self.size, bool)
        mask[self.np.fromiter(docs, self.np.int64, len(docs))] = True
        return mask

    def given(self, docs: set[int]) -> _Dense:
        return (self.np.zeros(self.size), self._mask(docs)) if docs else _nothing(self.size)

    def of(self, found: dict[int, float]) -> _Dense:
        np = self.np
        total, present = self._empty()
        ids = np.fromiter(found, np.int64, len(found))
        total[ids] = np.fromiter(found.values(), np.float64, len(found))
        present[ids] = True
        return total, present

    def boosted(self, found: _Dense, boost: float) -> _Dense:
        return found[0] * boost, found[1]

    def union(self, children: list[_Dense]) -> _Dense:
        children = self._matches(children)
        if not children:
            return _nothing(self.size)
        if len(children) == 1:
            return children[0]
        # Added in _Dicts.union's order: the same sums.
        children = sorted(children, key=lambda child: int(child[1].sum()), reverse=True)
        total, present = children[0][0].copy(), children[0][1].copy()
        for child_total, child_present in children[1:]:
            total += child_total
            present |= child_present
        return total, present

    def intersection(self, children: list[_Dense], kept: list[set[int]], left_out: set[int]) -> _Dense:
        if len(self._matches(children)) < len(children):
            return _nothing(self.size)
        total, present = children[0][0].copy(), children[0][1].copy()
        for child_total, child_present in children[1:]:
            total += child_total
            present &= child_present
        for docs in kept:
            present &= self._mask(docs)
        if left_out:
            present &= ~self._mask(left_out)
        return self.np.where(present, total, 0.0), present

    def with_extra(self, found: _Dense, extra: _Dense) -> _Dense:
        total, present = found
        return self.np.where(present, total + extra[0], 0.0), present

    def at_least(self, children: list[_Dense], k: int, weights: list[float] | None, coordination: float) -> _Dense:
        np = self.np
        total = np.zeros(self.size)
        count = np.zeros(self.size, np.int32)
        held = np.zeros(self.size) if weights is not None else None
        for number, (child_total, child_present) in enumerate(children):
            if child_total is _nothing(self.size)[0]:
                continue
            total += child_total
            count += child_present
            if held is not None and weights is not None:
                held += weights[number] * child_present  # + 0.0 where absent: the sums of _Dicts.at_least
        present = count >= k
        if held is not None and weights is not None:
            share = held / sum(weights)
            total = np.where(share < 1.0, total * share**coordination, total)
        return np.where(present, total, 0.0), present

    def listed(self, found: _Dense) -> tuple[Any, Any]:
        docs = self.np.flatnonzero(found[1])
        return docs, found[0][docs]


@lru_cache(maxsize=16)
def _nothing(size: int) -> _Dense:
    """What matches nothing in a segment of ``size`` documents, read only:
    shared by every word absent from a field, and left out of sums."""
    import numpy as np

    total, present = np.zeros(size), np.zeros(size, bool)
    total.flags.writeable = present.flags.writeable = False
    return total, present


def _scores(query: Query, searcher: Searcher, algebra: _Algebra[S]) -> S:
    if isinstance(algebra, _Arrays) and type(query) is not Term:
        # Kept for the search: its probe of the words held and its scoring ask
        # alike for each word. A field's word is not (its postings are), so
        # that what is kept stays a few arrays a word.
        return shared_read(("scores", id(searcher.reader()), query), lambda: _scored(query, searcher, algebra))
    return _scored(query, searcher, algebra)


def _scored(query: Query, searcher: Searcher, algebra: _Algebra[S]) -> S:
    if query.boost == 0.0:  # a restriction joined to the query, unscored: it only filters
        return algebra.given(segment_docs(query, searcher))
    kind = type(query)
    if kind is Term:
        found = _term_scores(query, searcher, algebra)
    elif isinstance(query, Phrase):
        return algebra.of(_phrase_scores(query, searcher))
    elif isinstance(query, AtLeast):
        weights = query.weights(searcher) if query.coordination else None
        children = [_scores(sub, searcher, algebra) for sub in query.subqueries]
        found = algebra.at_least(children, query.k, weights, query.coordination)
    elif isinstance(query, Or) and not query.scale and not query.minmatch:
        found = algebra.union([_scores(sub, searcher, algebra) for sub in query.subqueries])
    elif kind is And:
        found = _filtered_intersection(query.subqueries, searcher, algebra)
    elif kind is AndMaybe:  # the matches of a, each with b's score added where b matches too
        found = algebra.with_extra(_scores(query.a, searcher, algebra), _scores(query.b, searcher, algebra))
    else:
        raise _NotWords
    if query.boost != 1.0 and kind is not Term:
        found = algebra.boosted(found, query.boost)
    return found


def _term_scores(query: Term, searcher: Searcher, algebra: _Algebra[S]) -> S:
    reader = searcher.reader()
    name = query.fieldname
    field = reader.schema[name] if name in reader.schema else None
    if field is None or not field.scorable:
        raise _NotWords
    text = field.to_bytes(query.text) if isinstance(query.text, str) else query.text
    if (name, text) not in reader:
        return algebra.given(set())
    return algebra.term(reader, name, text, _bm25(searcher, name, text), query.boost)


_BM25 = tuple[float, float, list[float], bytes]  # idf, k1 + 1, rest by length byte, length bytes


def _bm25(searcher: Searcher, name: str, text: bytes) -> _BM25:
    """What a word's scores are computed from (:func:`_scores_of`)."""
    reader = searcher.reader()
    scorer = searcher.weighting.scorer(searcher, name, text)
    lengths = length_bytes(reader, name)
    if type(scorer) is not BM25FScorer or lengths is None:
        raise _NotWords
    idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    # bm25()'s denominator less the weight, for each length byte, as it computes it.
    rest = [k1 * ((1 - b) + b * byte_to_length(n) / avgfl) for n in range(256)]
    return idf, k1 + 1, rest, lengths


def _scores_of(bm25: _BM25, docs: Sequence[int], weights: Sequence[float]) -> list[float]:
    """A word's score in each document of ``docs``, of its ``weights`` there,
    as Whoosh's ``bm25()`` computes it: one expression per document, in C's
    loop of a comprehension."""
    idf, k1_plus_1, rest, lengths = bm25
    return [idf * ((w * k1_plus_1) / (w + rest[lengths[doc]])) for doc, w in zip(docs, weights, strict=True)]


def _phrase_scores(query: Phrase, searcher: Searcher) -> dict[int, float]:
    """A phrase's articles and scores: Whoosh's phrase matcher scores an
    article by the sum of its words' scores (an intersection of their
    matchers), here summed for the articles found from the postings. A phrase
    with slop, or of a word rare enough for stepping to pay, is stepped
    through by its matcher, as Whoosh would."""
    reader = searcher.reader()
    if isinstance(query, ExactPhrase) and query.is_exact(searcher):
        terms = query.terms_in(reader)
        if terms is None:
            return {}
        if query.found_in_bulk(reader, terms):
            docs, values = phrase_postings(reader, query.fieldname, terms)
            if not docs:
                return {}
            weight = reader.schema[query.fieldname].format.decode_weight
            found = dict.fromkeys(docs, 0.0)
            for term in terms:
                positions = values[term]
                weights = [weight(positions[doc]) for doc in docs]
                scores = _scores_of(_bm25(searcher, query.fieldname, term), docs, weights)
                for doc, score in zip(docs, scores, strict=True):
                    found[doc] += score
            if query.boost != 1.0:
                found = {doc: score * query.boost for doc, score in found.items()}
            return found
    matcher = query.matcher(searcher)
    found = {}
    while matcher.is_active():
        found[matcher.id()] = matcher.score()
        matcher.next()
    return found


def _filtered_intersection(subqueries: list[Query], searcher: Searcher, algebra: _Algebra[S]) -> S:
    """The intersection of the scored subqueries, kept to the documents of the
    unscored ones (restrictions, boost 0) as sets; an unscored ``Not`` (as
    --unseen is) by the few documents it leaves out, not the many it keeps."""
    kept: list[set[int]] = []
    left_out: set[int] = set()
    scored = []
    for sub in subqueries:
        if sub.boost != 0.0:
            scored.append(_scores(sub, searcher, algebra))
        elif isinstance(sub, Not):
            left_out |= segment_docs(sub.query, searcher)
        else:
            kept.append(segment_docs(sub, searcher))
    if not scored:
        docs = set.intersection(*kept) if kept else segment_docs(Every(), searcher)
        return algebra.given(docs - left_out)
    return algebra.intersection(scored, kept, left_out)
