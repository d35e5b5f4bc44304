"""Why a hit ranks where it does: each query word's score in each field, and
the coordination factor of a query whose words were not all required.

The scores are Whoosh's own (each word's matcher on the hit's segment, with
the index's BM25F), so the parts add up to the hit's score: a phrase or a
field term counts as one "word"; NOT and date ranges score nothing and are
left out. A long query's feedback words (search/feedback.py) are listed
with their scores. newsindex adds no proximity bonus to a query.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.query import And, AndMaybe, DateRange, Not, Or, Phrase, Query, Term
from whoosh.searching import Searcher

from ..models import Explanation, WordScore
from .queries import AtLeast, DocSet


def explain(searcher: Searcher, query: Query, docnum: int) -> Explanation:
    """How ``query`` scores the document ``docnum`` (numbered in ``searcher``)."""
    leaf, local = _segment_of(searcher, docnum)
    expansion: dict[str, float] = {}
    if isinstance(query, AndMaybe):  # feedback words, added to a long query's matches
        for term in _field_parts(query.b):
            score = _field_scores(leaf, term, local).get("body")
            if score:
                expansion[_label(term).split(":", 1)[-1]] = score
        query = query.a
    clauses = list(_words_of(query)) if _is_words(query) else query.subqueries if isinstance(query, And) else [query]
    relaxed = next((c for c in clauses if isinstance(c, AtLeast)), None)
    words: list[WordScore] = []
    counted = []
    for clause in clauses:
        units = clause.subqueries if clause is relaxed else [clause]
        for unit in units:
            if _scores_nothing(unit):
                continue
            word = WordScore(_label(unit), _field_scores(leaf, unit, local))
            words.append(word)
            if clause is relaxed:
                counted.append(word)
    held = sum(1 for w in counted if w.fields)
    factor = 1.0
    if relaxed is not None and counted:
        weights = relaxed.weights(leaf)
        factor = relaxed.coordinated(1.0, sum(w for w, word in zip(weights, counted, strict=True) if word.fields)
                                     / sum(weights))
    coordinated = sum(w.score for w in counted) * factor
    score = coordinated + sum(w.score for w in words if w not in counted) + sum(expansion.values())
    return Explanation(
        words=tuple(words),
        held=held if relaxed is not None else sum(1 for w in words if w.fields),
        of=len(counted) if relaxed is not None else len(words),
        coordination=factor,
        score=score,
        expansion=expansion,
    )


def _is_words(query: Query) -> bool:
    """An Or of words ("any" mode), not one word's Or over the fields (whose
    fields would not repeat)."""
    if not isinstance(query, Or) or isinstance(query, AtLeast):
        return False
    fields = [part.field() for part in _field_parts(query)]
    return len(set(fields)) < len(fields)


def _words_of(query: Or) -> Iterator[Query]:
    """An Or of words, as the parser flattens it ("any" mode): its parts in
    order, a new word where a field comes again."""
    word: list[Query] = []
    for part in _field_parts(query):
        if any(p.field() == part.field() for p in word):
            yield Or(word)
            word = []
        word.append(part)
    if word:
        yield Or(word)


def _segment_of(searcher: Searcher, docnum: int) -> tuple[Searcher, int]:
    for leaf, offset in searcher.leaf_searchers():
        if offset <= docnum < offset + leaf.doc_count_all():
            return leaf, docnum - offset
    raise ValueError(f"no document {docnum}")


def _scores_nothing(query: Query) -> bool:
    return isinstance(query, (Not, DateRange, DocSet)) or query.boost == 0.0


def _field_scores(searcher: Searcher, unit: Query, doc: int) -> dict[str, float]:
    """The score of each field's part of ``unit`` in ``doc`` (fields that do not match it left out)."""
    scores: dict[str, float] = {}
    for part in _field_parts(unit):
        matcher = part.matcher(searcher, searcher.boolean_context() if part.boost == 0 else None)
        if matcher.is_active():
            matcher.skip_to(doc)
        if matcher.is_active() and matcher.id() == doc:
            field = part.field() or "?"
            scores[field] = scores.get(field, 0.0) + matcher.score()
    return scores


def _field_parts(unit: Query) -> Iterator[Query]:
    """A word spread over the fields is an Or of one query a field (a
    hyphenated word, of an And of its parts in that field)."""
    if isinstance(unit, Or) and not isinstance(unit, AtLeast):
        for sub in unit.subqueries:
            yield from _field_parts(sub)
    else:
        yield unit


def _label(unit: Query) -> str:
    """A word as the index holds it: its stem in the body ("bridg"), a phrase
    in quotes, a field term with its field."""
    parts = list(_field_parts(unit))
    body = next((p for p in parts if p.field() == "body"), parts[0])
    if isinstance(body, Phrase):
        return '"' + " ".join(body.words) + '"'
    if isinstance(body, Term):
        text = body.text.decode("utf-8") if isinstance(body.text, bytes) else str(body.text)
        return text if len(parts) > 1 else f"{body.fieldname}:{text}"
    if isinstance(body, And):
        return "-".join(_label(sub).split(":")[-1] for sub in body.subqueries)
    return str(unit)
