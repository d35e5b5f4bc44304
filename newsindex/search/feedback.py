"""Pseudo-relevance feedback for long queries: the words of the best few
matches, added to the query's scores.

A question typed in full ("what did the government do about...") shares
few words with the articles that answer it. The five best matches are taken
as relevant; Whoosh's Bo1 model picks the twenty words they use far more than
the archive does (as ``similar`` picks an article's key words), and each
match of the query gains those words' scores, weighted at a quarter of the
query's own. Only matches of the query are scored: feedback reorders the
hits, it never adds any, so counts, facets and exports are the query's.
benchmarks/relevance.py chose the figures by cross-validation on the TIME
queries; adding the words with their full weight, or letting them find
articles of their own, lowers MAP there.
"""

from __future__ import annotations

from whoosh.query import And, AndMaybe, Or, Query, Term
from whoosh.searching import Searcher

from .scope import Scope
from .scoring import scored_matches

#: How many of the best matches are taken as relevant...
FEEDBACK_DOCS = 5
#: ...how many of their words are added...
FEEDBACK_TERMS = 20
#: ...and how much those words weigh against the query's own (Bo1's weights, normalised to 1 for the first).
FEEDBACK_WEIGHT = 0.25


def with_feedback(scope: Scope, parsed: Query, restriction: Query | None) -> tuple[Query, tuple[str, ...]]:
    """``parsed``, with the feedback words' scores added to its matches; and
    the words added (none when the query matches nothing, is not scored in
    bulk, or its matches have no words to give). The best matches are each
    shard's best, merged as :meth:`scoring.Scores.best` ranks them."""
    first = parsed if restriction is None else And([parsed, restriction.with_boost(0.0)])
    found = scope.map(best_matches, first, FEEDBACK_DOCS)
    if all(best is None for best in found):
        return parsed, ()
    ranked = sorted((hit for best in found if best for hit in best), key=lambda hit: (-hit[0], hit[1]))
    best = [doc for _, doc in ranked[:FEEDBACK_DOCS]]
    if not best:
        return parsed, ()
    terms = scope.searcher.key_terms(best, "body", numterms=FEEDBACK_TERMS, normalize=True)
    if not terms:
        return parsed, ()
    expansion = Or([Term("body", word, boost=FEEDBACK_WEIGHT * weight) for word, weight in terms])
    return AndMaybe(parsed, expansion), tuple(word for word, _ in terms)


def best_matches(searcher: Searcher, query: Query, count: int) -> list[tuple[float, int]] | None:
    """The ``count`` best (score, document) of ``query``, or None when it is
    not scored in bulk."""
    scores = scored_matches(searcher, query)
    return None if scores is None else scores.best(count)
