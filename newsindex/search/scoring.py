"""Every match of a query of words scored in bulk, for its best hits.

Whoosh finds the best hits by stepping a tree of matchers through the
matches, a Python call per posting and per matcher, skipping the blocks of
postings whose best possible score cannot make the top; for a word searched
in five fields a block can seldom be skipped. For a query made of
words (a word in a field, OR, AND, at least k of) an article's score is the
sum of the BM25F scores of the words it holds, so here each word's postings
are read a block at a time and scored by one expression per block, and the
sums kept in a dictionary. Each word's score is computed as Whoosh's
``bm25()`` computes it; sums may be taken in another order than Whoosh's
matcher tree takes them, which moves a score by a few units in the last
place (tested). A phrase scores as Whoosh scores it, the sum of its words'
scores, over the articles :func:`queries.phrase_postings` finds (or, for a
phrase of a rare word, its matcher steps to). Anything else (wildcards, date
ranges as scored clauses...) returns None: Whoosh's matchers then.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from whoosh.query import And, AndMaybe, Every, Not, Or, Phrase, Query, Term
from whoosh.scoring import BM25FScorer
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from .._whoosh import posting_blocks, raw_term_matcher
from ..schema import length_bytes
from .counting import segment_docs
from .queries import AtLeast, ExactPhrase, phrase_postings


class _NotWords(Exception):
    """The query holds something other than words: scored by Whoosh's matchers."""


def scored_matches(searcher: Searcher, query: Query) -> dict[int, float] | None:
    """Every document ``query`` matches (numbered in the whole index, deleted
    ones left out) with its score, or None when the query is not made of words."""
    scores: dict[int, float] = {}
    try:
        for leaf, offset in searcher.leaf_searchers():
            found = _scores(query, leaf)
            scores.update(((offset + doc, score) for doc, score in found.items()) if offset else found)
    except _NotWords:
        return None
    return scores


def _scores(query: Query, searcher: Searcher) -> dict[int, float]:
    if query.boost == 0.0:  # a restriction joined to the query, unscored: it only filters
        return dict.fromkeys(segment_docs(query, searcher), 0.0)
    kind = type(query)
    if kind is Term:
        found = _term_scores(query, searcher)
    elif isinstance(query, Phrase):
        return _phrase_scores(query, searcher)
    elif isinstance(query, AtLeast):
        found = _at_least([_scores(sub, searcher) for sub in query.subqueries], query, searcher)
    elif isinstance(query, Or) and not query.scale and not query.minmatch:
        found = _union([_scores(sub, searcher) for sub in query.subqueries])
    elif kind is And:
        found = _filtered_intersection(query.subqueries, searcher)
    elif kind is AndMaybe:  # the matches of a, each with b's score added where b matches too
        found = _scores(query.a, searcher)
        extra = _scores(query.b, searcher)
        for doc in found.keys() & extra.keys():
            found[doc] += extra[doc]
    else:
        raise _NotWords
    if query.boost != 1.0 and kind is not Term:
        boost = query.boost
        found = {doc: score * boost for doc, score in found.items()}
    return found


def _term_scores(query: Term, searcher: Searcher) -> dict[int, float]:
    reader = searcher.reader()
    name = query.fieldname
    field = reader.schema[name] if name in reader.schema else None
    if field is None or not field.scorable:
        raise _NotWords
    text = field.to_bytes(query.text) if isinstance(query.text, str) else query.text
    if (name, text) not in reader:
        return {}
    bm25 = _bm25(searcher, name, text)
    boost = query.boost
    found: dict[int, float] = {}
    for ids, weights, _ in posting_blocks(raw_term_matcher(reader, name, text, field.format)):
        scores = _scores_of(bm25, ids, weights)
        if boost != 1.0:
            scores = [score * boost for score in scores]
        found.update(zip(ids, scores, strict=True))
    if reader.has_deletions():
        for doc in reader.deleted_docs_set.intersection(found):
            del found[doc]
    return found


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


def _union(children: list[dict[int, float]]) -> dict[int, float]:
    if not children:
        return {}
    # The largest taken as it is (each child is built for its parent alone), not stepped through.
    children = sorted(children, key=len, reverse=True)
    found = children[0]
    for child in children[1:]:
        for doc, score in child.items():
            found[doc] = found[doc] + score if doc in found else score
    return found


def _intersection(children: list[dict[int, float]]) -> dict[int, float]:
    if len(children) < 2:
        return children[0] if children else {}
    common = set(children[0]).intersection(*children[1:])
    return {doc: sum(child[doc] for child in children) for doc in common}


def _filtered_intersection(subqueries: list[Query], searcher: Searcher) -> dict[int, float]:
    """The intersection of the scored subqueries, kept to the documents of the
    unscored ones (restrictions, boost 0) as sets; an unscored ``Not`` (as
    --unseen is) by the few documents it leaves out, not the many it keeps."""
    kept: list[set[int]] = []
    left_out: set[int] = set()
    scored = []
    for sub in subqueries:
        if sub.boost != 0.0:
            scored.append(_scores(sub, searcher))
        elif isinstance(sub, Not):
            left_out |= segment_docs(sub.query, searcher)
        else:
            kept.append(segment_docs(sub, searcher))
    if not scored:
        docs = set.intersection(*kept) if kept else segment_docs(Every(), searcher)
        return dict.fromkeys(docs - left_out, 0.0)
    found = _intersection(scored)
    if kept or left_out:
        found = {doc: score for doc, score in found.items()
                 if doc not in left_out and all(doc in docs for docs in kept)}
    return found


def _at_least(children: list[dict[int, float]], query: AtLeast, searcher: Searcher) -> dict[int, float]:
    """The documents in at least ``query.k`` of ``children``, each with the
    sum of its scores there, coordinated (AtLeast.coordinated). Summed in
    arrays as long as the segment: a query of a few common words has tens of
    thousands of matches a word, too many to add up one at a time. (numpy is
    imported here, by the queries that need it: a cold search of a word or
    two does not pay for it.)"""
    import numpy as np

    present = [child for child in children if child]
    if not present:
        return {}
    size = max(max(child) for child in present) + 1
    total = np.zeros(size)
    count = np.zeros(size, np.int32)
    weights = query.weights(searcher) if query.coordination else None
    held = np.zeros(size) if weights is not None else None
    for number, child in enumerate(children):
        if not child:
            continue
        ids = np.fromiter(child.keys(), np.int64, len(child))
        total[ids] += np.fromiter(child.values(), np.float64, len(child))
        count[ids] += 1
        if held is not None and weights is not None:
            held[ids] += weights[number]
    docs = np.flatnonzero(count >= query.k)
    scores = total[docs]
    if held is not None and weights is not None:
        share = held[docs] / sum(weights)
        scores = np.where(share < 1.0, scores * share**query.coordination, scores)
    return dict(zip(docs.tolist(), scores.tolist(), strict=True))


def top(scores: dict[int, float], count: int) -> list[tuple[float, int]]:
    """The ``count`` best (score, document), as Whoosh's TopCollector ranks
    them: highest score first, the lower document number first on a tie."""
    if len(scores) > count:
        # The count-th best score, from the scores alone (compared in C), then
        # the few documents at or above it ranked: not a tuple per match.
        least = heapq.nlargest(count, scores.values())[-1]
        contenders = [(score, doc) for doc, score in scores.items() if score >= least]
    else:
        contenders = [(score, doc) for doc, score in scores.items()]
    contenders.sort(key=lambda hit: (-hit[0], hit[1]))
    return contenders[:count]

