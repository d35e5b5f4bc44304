"""Whoosh queries newsindex adds: "at least k of these", and exact phrases
checked on sets of positions.

Whoosh's ``Or`` lacks "at least k of these" (its ``minmatch`` argument is not
implemented). Long natural-language queries are run as ``AtLeast``: an
article must match a share of the words, not all of them (which finds
nothing) nor any one of them (which finds everything that says "the
government"). Elasticsearch calls this ``minimum_should_match``.

Whoosh checks a phrase in each article holding all its words by building a
Span object for every position of every word and comparing them pair by
pair: about 12 microseconds an article, and common words make tens of
thousands of candidates. ``ExactPhrase`` checks a phrase without slop with
set operations on the positions instead; articles and scores are Whoosh's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from whoosh.matching import Matcher, NullMatcher, WrappingMatcher
from whoosh.query import Or, Phrase, Query, SpanNear2, Term
from whoosh.query.spans import Span


class AtLeast(Or):
    """Matches documents that match at least ``k`` of ``subqueries``; scores add up."""

    JOINT = " OR "

    def __init__(self, subqueries: Sequence[Query], k: int, boost: float = 1.0) -> None:
        super().__init__(subqueries, boost=boost)
        self.k = k

    def __str__(self) -> str:
        return f"AtLeast({self.k} of {super().__str__()})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AtLeast) and other.k == self.k and other.subqueries == self.subqueries

    __hash__ = Or.__hash__

    def normalize(self) -> Query:
        subs = [q.normalize() for q in self.subqueries]
        return AtLeast(subs, min(self.k, len(subs)), boost=self.boost)

    def _matcher(self, subs: Sequence[Query], searcher: Any, context: Any) -> Matcher:
        matchers = [q.matcher(searcher, context) for q in subs]
        active = [m for m in matchers if m.is_active()]
        if len(active) < self.k:
            return NullMatcher()
        return AtLeastMatcher(active, self.k, self.boost)


class AtLeastMatcher(Matcher):
    def __init__(self, subs: list[Matcher], k: int, boost: float = 1.0) -> None:
        self._subs = subs
        self._k = k
        self._boost = boost
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
        return sum(m.score() for m in self._current()) * self._boost

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

    def matcher(self, searcher: Any, context: Any = None) -> Matcher:
        field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
        if self.slop != 1 or field is None or not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)
        reader = searcher.reader()
        terms = []
        for word in self.words:  # as Phrase.matcher does
            try:
                btext = field.to_bytes(word)
            except ValueError:
                return NullMatcher()
            if (self.fieldname, btext) not in reader:
                return NullMatcher()
            terms.append(Term(self.fieldname, btext))
        span_context = SpanNear2._span_context(context)
        matcher: Matcher = AdjacentWordsMatcher([t.matcher(searcher, span_context) for t in terms])
        if self.boost != 1.0:
            matcher = WrappingMatcher(matcher, boost=self.boost)
        return matcher


class AdjacentWordsMatcher(SpanNear2.SpanNear2Matcher):
    """Whoosh's phrase matcher (an intersection of the words' matchers, scored
    as their sum) whose check of an article is: some position p where the
    first word is, with the second at p + 1, the third at p + 2..."""

    def __init__(self, matchers: list[Matcher]) -> None:
        super().__init__(matchers, slop=1, ordered=True, mindist=1)

    def copy(self) -> AdjacentWordsMatcher:
        return AdjacentWordsMatcher([m.copy() for m in self.ms])

    def _get_spans(self) -> list[Span]:
        starts = set(self.ms[0].value_as("positions"))
        for offset, matcher in enumerate(self.ms[1:], 1):
            starts.intersection_update([p - offset for p in matcher.value_as("positions")])
            if not starts:
                return []
        last = len(self.ms) - 1
        return [Span(p, p + last) for p in sorted(starts)]
