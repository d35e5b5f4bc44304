"""Whoosh queries newsindex adds: "at least k of these", exact phrases
checked on sets of positions, and a set of documents.

Whoosh's ``Or`` lacks "at least k of these" (its ``minmatch`` argument is not
implemented). Long natural-language queries are run as ``AtLeast``: an
article must match a share of the words, not all of them (which finds
nothing) nor any one of them (which finds everything that says "the
government"). Elasticsearch calls this ``minimum_should_match``.

Whoosh checks a phrase in each article holding all its words by building a
Span object for every position of every word and comparing them pair by
pair, in Python, and common words make tens of thousands of candidates.
``ExactPhrase`` checks a phrase without slop with set operations on the
positions instead; articles and scores are Whoosh's.
When its words are all common, stepping from one article holding them all to
the next costs more than the check: the phrase's articles are then found
from the words' postings read a block at a time (``FoundPhraseMatcher``).

``DocSet`` keeps documents given by number (the review filters' marked
articles, or their stories), as one list a segment, whatever its boost:
Whoosh's ``Or`` of id terms, boosted to zero as every restriction is so that
it does not change scores, loses all but its first match in Whoosh's
collector, and looks each term up again in every search.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from whoosh.matching import IntersectionMatcher, ListMatcher, Matcher, NullMatcher, WrappingMatcher
from whoosh.query import Or, Phrase, Query, Term
from whoosh.query.spans import Span
from whoosh.util import make_binary_tree

from .._whoosh import OrBase, SpanNearMatcherBase, posting_blocks, posting_values, raw_term_matcher, words_context
from ..postings import CompactPositions


class DocSet(Query):
    """Documents given by number, kept segment by segment (by segment id)."""

    fieldname = None  # no field, so no terms for highlighting

    def __init__(self, by_segment: dict[str, frozenset[int]], boost: float = 1.0) -> None:
        self.by_segment = by_segment
        self.boost = boost

    @classmethod
    def of(cls, searcher: Any, docnums: set[int]) -> DocSet:
        """The documents ``docnums`` (numbered as in ``searcher``)."""
        by_segment = {}
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            end = offset + reader.doc_count_all()
            by_segment[reader.segment().segment_id()] = frozenset(d - offset for d in docnums if offset <= d < end)
        return cls(by_segment)

    def __eq__(self, other: object) -> bool:
        return type(other) is DocSet and (self.by_segment, self.boost) == (other.by_segment, other.boost)

    def __hash__(self) -> int:
        return hash((DocSet, tuple(sorted(self.by_segment)), self.boost))

    def __repr__(self) -> str:
        return f"DocSet({sum(map(len, self.by_segment.values()))} documents, boost={self.boost})"

    def estimate_size(self, ixreader: Any) -> int:
        return sum(map(len, self.by_segment.values()))

    def matcher(self, searcher: Any, context: Any = None) -> Matcher:
        reader = searcher.reader()
        docs = self.by_segment.get(reader.segment().segment_id(), frozenset())
        if reader.has_deletions():
            docs = frozenset(doc for doc in docs if not reader.is_deleted(doc))
        return ListMatcher(sorted(docs), all_weights=self.boost) if docs else NullMatcher()


class AtLeast(OrBase):
    """Matches documents that match at least ``k`` of ``subqueries``; scores
    add up, times (share of the subqueries matched) ** ``coordination``, so
    that holding every word counts for more than its words' scores alone.

    The share is weighted by each subquery's idf (:meth:`weights`): an
    article without a rare word of the query loses much, one without a
    common word little, so that a word misremembered, which is usually a
    common one, costs the article it was meant for little."""

    JOINT = " OR "

    def __init__(self, subqueries: Sequence[Query], k: int, boost: float = 1.0, coordination: float = 0.0) -> None:
        super().__init__(subqueries, boost=boost)
        self.k = k
        self.coordination = coordination

    def __str__(self) -> str:
        return f"AtLeast({self.k} of {super().__str__()})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, AtLeast) and (other.k, other.coordination) == (self.k, self.coordination)
                and other.subqueries == self.subqueries)

    __hash__ = Or.__hash__

    def normalize(self) -> Query:
        subs = [q.normalize() for q in self.subqueries]
        return AtLeast(subs, min(self.k, len(subs)), boost=self.boost, coordination=self.coordination)

    def apply(self, fn: Callable[[Query], Query]) -> AtLeast:
        """Whoosh's rebuild of a compound query (``accept``, query rewriting) keeps ``k``."""
        return AtLeast([fn(q) for q in self.subqueries], self.k, boost=self.boost, coordination=self.coordination)

    def with_k(self, k: int) -> AtLeast:
        return AtLeast(self.subqueries, k, boost=self.boost, coordination=self.coordination)

    def weights(self, searcher: Any) -> list[float]:
        """Each subquery's weight in the share held: the idf of its word in
        the body (of its rarest word, for a phrase; of any field, when it
        names one), over the whole index."""
        weights = []
        for sub in self.subqueries:
            terms = [(field, text) for field, text in sub.iter_all_terms(phrases=True)]
            body = [term for term in terms if term[0] == "body"] or terms
            weights.append(max((searcher.idf(field, text) for field, text in body), default=1.0))
        return weights

    def coordinated(self, score: float, share: float) -> float:
        """``score`` of a document holding ``share`` of the subqueries' weight."""
        if not self.coordination or share >= 1.0:
            return score
        return score * share**self.coordination

    def combined_matcher(self, subs: Sequence[Query], searcher: Any, context: Any) -> Matcher:
        matchers = [q.matcher(searcher, context) for q in subs]
        weights = self.weights(searcher)
        active = [(m, w) for m, w in zip(matchers, weights, strict=True) if m.is_active()]
        if len(active) < self.k:
            return NullMatcher()
        return AtLeastMatcher([m for m, _ in active], self.k, self.boost, self,
                              [w / sum(weights) for _, w in active])


class AtLeastMatcher(Matcher):
    def __init__(self, subs: list[Matcher], k: int, boost: float = 1.0, query: AtLeast | None = None,
                 shares: list[float] | None = None) -> None:
        self._subs = subs
        self._k = k
        self._boost = boost
        self._query = query
        self._shares = shares or [1.0 / len(subs)] * len(subs)  # each sub's share of the query's weight
        self._id: int | None = None
        self._find()

    def _current(self) -> list[Matcher]:
        return [m for m in self._subs if m.is_active() and m.id() == self._id]

    def _find(self) -> None:
        """Advance to the next document that at least k sub-matchers are on."""
        while True:
            active = [m for m in self._subs if m.is_active()]
            if len(active) < self._k:
                self._id = None
                return
            low = min(m.id() for m in active)
            on_low = [m for m in active if m.id() == low]
            if len(on_low) >= self._k:
                self._id = low
                return
            # Fewer than k here: skip every matcher to the next document that
            # enough of them could still share.
            ids = sorted(m.id() for m in active)
            target = ids[self._k - 1]
            for m in active:
                if m.id() < target:
                    m.skip_to(target)

    def is_active(self) -> bool:
        return self._id is not None

    def id(self) -> int:
        assert self._id is not None
        return self._id

    def next(self) -> None:
        for m in self._current():
            m.next()
        self._find()

    def skip_to(self, id: int) -> None:
        if self._id is not None and id <= self._id:
            return
        for m in self._subs:
            if m.is_active() and m.id() < id:
                m.skip_to(id)
        self._find()

    def score(self) -> float:
        on = [(m, share) for m, share in zip(self._subs, self._shares, strict=True)
              if m.is_active() and m.id() == self._id]
        score = sum(m.score() for m, _ in on) * self._boost
        return self._query.coordinated(score, sum(share for _, share in on)) if self._query is not None else score

    def weight(self) -> float:
        return sum(m.weight() for m in self._current())

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        """An upper bound of the score, which Whoosh's optimisations may ask for."""
        try:
            return sum(m.max_quality() for m in self._subs if m.is_active()) * self._boost
        except Exception:  # a sub-matcher that cannot tell
            return float("inf")

    def supports(self, astype: str) -> bool:
        return False

    def children(self) -> list[Matcher]:
        return self._current()

    def matching_terms(self, id: int | None = None) -> Iterator[tuple[str, bytes]]:
        if self._id is None or (id is not None and id != self._id):
            return
        for m in self._current():
            yield from m.matching_terms(self._id)

    def replace(self, minquality: float = 0) -> Matcher:
        return self if self.is_active() else NullMatcher()

    def copy(self) -> Matcher:
        return AtLeastMatcher([m.copy() for m in self._subs], self._k, self._boost)

    def reset(self) -> None:
        for m in self._subs:
            m.reset()
        self._find()


class ExactPhrase(Phrase):
    """A Whoosh ``Phrase``, matched by :class:`AdjacentWordsMatcher` when it
    has no slop."""

    def is_exact(self, searcher: Any) -> bool:
        """Without slop, on a field that keeps positions: what this class matches itself."""
        field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
        return self.slop == 1 and field is not None and bool(field.format) and field.format.supports("positions")

    def terms_in(self, reader: Any) -> list[bytes] | None:
        """The phrase's words as the field's terms, or None when one is not in
        the segment (nothing matches)."""
        field = reader.schema[self.fieldname]
        terms = []
        for word in self.words:  # as Phrase.matcher does
            try:
                btext = field.to_bytes(word)
            except ValueError:
                return None
            if (self.fieldname, btext) not in reader:
                return None
            terms.append(btext)
        return terms

    def found_in_bulk(self, reader: Any, terms: list[bytes]) -> bool:
        """Whether :func:`phrase_postings` finds the phrase's articles, rather than stepping."""
        frequencies = [reader.doc_frequency(self.fieldname, t) for t in terms]
        return hasattr(reader, "_terms") and min(frequencies) * BULK_RATIO >= sum(frequencies)

    def matcher(self, searcher: Any, context: Any = None) -> Matcher:
        if not self.is_exact(searcher):
            return super().matcher(searcher, context)
        reader = searcher.reader()
        terms = self.terms_in(reader)
        if terms is None:
            return NullMatcher()
        span_context = words_context(context)
        words = [Term(self.fieldname, t).matcher(searcher, span_context) for t in terms]
        matcher: Matcher
        if self.found_in_bulk(reader, terms):
            found, _ = phrase_postings(reader, self.fieldname, terms)
            matcher = FoundPhraseMatcher(found, words) if found else NullMatcher()
        else:
            matcher = AdjacentWordsMatcher(words)
        if self.boost != 1.0:
            matcher = WrappingMatcher(matcher, boost=self.boost)
        return matcher


class AdjacentWordsMatcher(SpanNearMatcherBase):
    """Whoosh's phrase matcher (an intersection of the words' matchers, scored
    as their sum) whose check of an article is: some position p where the
    first word is, with the second at p + 1, the third at p + 2..."""

    def __init__(self, matchers: list[Matcher]) -> None:
        super().__init__(matchers, slop=1, ordered=True, mindist=1)

    def copy(self) -> AdjacentWordsMatcher:
        return AdjacentWordsMatcher([m.copy() for m in self.ms])

    def matching_spans(self) -> list[Span]:
        return _adjacent_spans(self.ms)


def _adjacent_spans(words: list[Matcher]) -> list[Span]:
    """Where the words' matchers, all on one article, are one after the other."""
    starts = set(words[0].value_as("positions"))
    for offset, matcher in enumerate(words[1:], 1):
        starts.intersection_update([p - offset for p in matcher.value_as("positions")])
        if not starts:
            return []
    last = len(words) - 1
    return [Span(p, p + last) for p in sorted(starts)]


#: A phrase's articles are found in bulk when its rarest word is in more than
#: 1/BULK_RATIO of the articles its words are in: stepping to each article
#: holding them all (several microseconds each) would then cost more than
#: reading every posting of its words a block at a time (a tenth of one).
BULK_RATIO = 64


def phrase_postings(reader: Any, fieldname: str, words: list[bytes]) -> tuple[list[int], dict[bytes, dict[int, bytes]]]:
    """The segment's articles holding ``words`` one after the other, in order,
    and each word's positions (as stored) in each of them, found from the
    words' postings read a block at a time: candidates are the articles
    holding every word (dictionary key sets intersected in C), and each
    candidate's positions are compared as in AdjacentWordsMatcher. When even
    the rarest word is in ARRAY_PHRASE_DOCS articles, both are done in numpy
    arrays instead (:func:`_phrase_in_arrays`), and the positions returned
    are those of the articles holding the phrase only."""
    format_ = reader.schema[fieldname].format
    order = sorted(set(words), key=lambda w: reader.doc_frequency(fieldname, w))
    if reader.doc_frequency(fieldname, order[0]) >= ARRAY_PHRASE_DOCS and isinstance(format_, CompactPositions):
        return _phrase_in_arrays(reader, fieldname, words, order, format_)
    values: dict[bytes, dict[int, bytes]] = {}
    candidates: set[int] | None = None
    for word in order:
        found: dict[int, bytes] = {}
        for ids, _weights, block_values in posting_blocks(raw_term_matcher(reader, fieldname, word, format_)):
            block = dict(zip(ids, block_values, strict=True))
            if candidates is None:
                found.update(block)
            else:
                found.update((doc, block[doc]) for doc in candidates.intersection(block))
        values[word] = found
        candidates = set(found)
        if not candidates:
            return [], values
    assert candidates is not None
    if reader.has_deletions():
        candidates -= reader.deleted_docs_set
    decode = format_.decode_positions
    first, rest = values[words[0]], [(values[word], offset) for offset, word in enumerate(words[1:], 1)]
    matched = []
    for doc in sorted(candidates):
        value = first[doc]
        # Two bytes are a word used once (CompactPositions): read without decoding.
        starts = {value[1]} if len(value) == 2 else set(decode(value))
        for positions, offset in rest:  # where the phrase would start
            value = positions[doc]
            if len(value) == 2:
                starts &= {value[1] - offset}
            else:
                starts.intersection_update([p - offset for p in decode(value)])
            if not starts:
                break
        else:
            matched.append(doc)
    return matched, values


#: From this many articles holding a phrase's rarest word, the articles
#: holding every word, and their positions, are compared in numpy arrays,
#: not an article at a time.
ARRAY_PHRASE_DOCS = 2_000


def _phrase_in_arrays(
    reader: Any, fieldname: str, words: list[bytes], order: list[bytes], format_: CompactPositions
) -> tuple[list[int], dict[bytes, dict[int, bytes]]]:
    """:func:`phrase_postings` for words each in many articles: the articles
    holding every word by binary search in the words' sorted document
    numbers; then each word's (article, position less the word's place in
    the phrase) as one number, the phrase's starts being the numbers every
    word has (in order, as positions_in_bulk gives them: intersected by
    binary search too, not sorted)."""
    import numpy as np

    postings = {word: posting_values(raw_term_matcher(reader, fieldname, word, format_)) for word in order}
    docs = postings[order[0]][0]
    for word in order[1:]:
        docs = docs[_found_in(postings[word][0], docs)]
    if reader.has_deletions() and len(docs):
        docs = docs[~np.isin(docs, np.fromiter(reader.deleted_docs_set, np.int64))]
    if not len(docs):
        return [], {}
    columns = {}  # each word's values in the articles holding them all
    for word, (ids, values) in postings.items():
        columns[word] = [values[at] for at in np.searchsorted(ids, docs).tolist()]
    starts: Any = None
    for offset, word in enumerate(words):
        numbers, positions = format_.positions_in_bulk(columns[word])
        keys = (numbers << 32) + (positions + (len(words) - offset))  # kept above 0, in order
        starts = keys if starts is None else starts[_found_in(keys, starts)]
        if not len(starts):
            return [], {}
    holding = starts >> 32
    matched = holding[np.r_[True, holding[1:] != holding[:-1]]].tolist()
    found = docs[matched].tolist()
    return found, {word: dict(zip(found, [columns[word][m] for m in matched], strict=True)) for word in order}


def _found_in(sorted_numbers: Any, numbers: Any) -> Any:
    """Which of ``numbers`` are in ``sorted_numbers`` (both numpy arrays), by binary search."""
    import numpy as np

    if not len(sorted_numbers):
        return np.zeros(len(numbers), bool)
    at = np.minimum(np.searchsorted(sorted_numbers, numbers), len(sorted_numbers) - 1)
    return sorted_numbers[at] == numbers


class FoundPhraseMatcher(WrappingMatcher):
    """Steps through articles already found to hold the phrase
    (:func:`phrase_postings`), scored as Whoosh scores a phrase: by the
    intersection of its words' matchers, moved to each article. (A search
    ranked by relevance scores them in bulk: scoring.py.)"""

    def __init__(self, found: list[int], words: list[Matcher], boost: float = 1.0, at: int = 0) -> None:
        super().__init__(make_binary_tree(IntersectionMatcher, words), boost)
        self._words = words
        self._found = found
        self._at = at
        if at < len(found):
            self.child.skip_to(found[at])

    def copy(self) -> FoundPhraseMatcher:
        return FoundPhraseMatcher(self._found, [m.copy() for m in self._words], self.boost, self._at)

    def spans(self) -> list[Span]:
        return _adjacent_spans(self._words)

    def replace(self, minquality: float = 0) -> Matcher:
        return self if self.is_active() else NullMatcher()

    def is_active(self) -> bool:
        return self._at < len(self._found)

    def id(self) -> int:
        return self._found[self._at]

    def all_ids(self) -> Iterator[int]:
        return iter(self._found[self._at :])

    def reset(self) -> None:
        self.child.reset()
        self._at = 0
        if self._found:
            self.child.skip_to(self._found[0])

    def next(self) -> None:
        self._at += 1
        if self._at < len(self._found):
            self.child.skip_to(self._found[self._at])

    def skip_to(self, id: int) -> None:
        at = bisect_left(self._found, id, self._at)
        if at != self._at:
            self._at = at
            if at < len(self._found):
                self.child.skip_to(self._found[at])

    def supports_block_quality(self) -> bool:
        return False
