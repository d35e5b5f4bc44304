"""Running a search: filters, sorting, paging, facets, and hits with snippets."""

from __future__ import annotations

import heapq
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import date, datetime
from operator import itemgetter
from typing import Any, NamedTuple

from whoosh.collectors import Collector, FilterCollector, TopCollector
from whoosh.query import And, DateRange, Every, Not, NullQuery, Or, Phrase, Query, Term
from whoosh.searching import Results, Searcher

from .._whoosh import cached_on
from ..errors import InvalidValueError, QueryError
from ..models import (
    MARK_STATUSES,
    SORTS,
    Copy,
    Hit,
    Mark,
    PlaceVariants,
    QuerySummary,
    ReviewProgress,
    SearchResults,
    Snippet,
    Span,
    Timeline,
    first_sentence,
)
from .by_date import date_of, date_ordered, date_ordered_keys
from .copies import (
    StoryCounter,
    cluster_copies,
    cluster_numbers,
    count_stories,
    split_stories,
    stories_of,
    story_clusters,
)
from .counting import matches_by_segment, matching_docs, shared_postings
from .daterange import ColumnDateRange
from .dates import parse_bound
from .facets import count_facets, facet_counts, merged_facets
from .feedback import with_feedback
from .highlight import Highlighters, highlight_hit
from .languages import language_code
from .parse import (
    COMMON_EXACT_ARTICLES,
    COMMON_EXACT_SHARE,
    COORDINATION,
    UnionOr,
    check_expansions,
    is_question,
    parse_query,
    plain_words,
    without_clauses,
)
from .queries import AtLeast, DocSet
from .scope import Scope, Whole
from .scoring import most_words_held, scored_matches
from .scripts import across_scripts
from .stems import in_archive_languages
from .suggest import SUGGEST_BELOW
from .variants import place_variants

DateLike = str | date | datetime


class Reviewed(NamedTuple):
    """--marked or --unseen, as ids read from the review marks."""

    ids: frozenset[str]  # the articles marked (with the status asked for, for --marked)
    only: bool  # True: keep only these articles (--marked); False: leave out their stories (--unseen)


class Filters(NamedTuple):
    outlet: str | None = None
    byline: str | None = None
    since: DateLike | None = None
    until: DateLike | None = None
    lang: str | None = None  # a language code: "en"
    review: Reviewed | None = None

    @property
    def dated(self) -> bool:
        return self.since is not None or self.until is not None


@shared_postings()
def run_search(
    scope: Scope,
    query: str,
    *,
    limit: int,
    page: int,
    sort: str,
    mode: str,
    filters: Filters,
    facets: bool,
    snippets: bool = True,
    fold_copies: bool = True,
    like: int | None = None,
    explain: bool = False,
    variants: bool = False,
    exact_script: bool = False,
) -> SearchResults:
    """One page of hits. With ``like`` (a document number), hits rank by
    likeness to that article instead, and ``query`` (may be empty) only filters.
    ``variants``: words naming a city match its other names too (search/variants.py).
    Words match their forms in other scripts (search/scripts.py) unless ``exact_script``.
    The matches are found, scored and counted by ``scope`` (scope.py): on each
    shard of a sharded index, merged here."""
    started = time.perf_counter()
    if sort not in SORTS:
        raise InvalidValueError("command line", "sort", f"{sort!r} is not one of {', '.join(SORTS)}")
    searcher = scope.searcher
    parsed: Query | None = None
    question = False
    if like is None or query.strip():
        query, parsed = _parsed(searcher, query, mode, filters, widen=False)  # place names first
        question = like is None and is_question(parsed)
        if question:
            scope = scope.for_questions()
            searcher = scope.searcher
    if searcher.doc_count_all() == 0:  # a new index before its first commit has no columns to read
        return SearchResults(query=query, total=0, hits=(), seconds=time.perf_counter() - started)
    names = _filter_queries(searcher, filters)
    window = _date_window(filters)
    dates = _date_filter(window)
    coverage = None
    expansion: tuple[str, ...] = ()
    places: tuple[PlaceVariants, ...] = ()
    if like is None:
        assert parsed is not None
        parsed, places = place_variants(searcher, parsed, apply=variants, exact_script=exact_script)
        parsed = _widened(searcher, parsed, exact_script)
        restriction = _and([*names, dates])
        if mode == "auto":
            parsed, coverage = fewer_words(scope, parsed, restriction)
        scored, mask = _split_exclusions(parsed)
        if mode == "auto" and sort == "relevance" and question:
            scored, expansion = with_feedback(scope, scored, restriction)
    else:
        scored, mask = _like(searcher, like)
        restriction = _and([parsed, *names, dates])
    matching = _and([parsed if like is None else scored, restriction, Not(mask) if like is not None else None])
    assert matching is not None

    offset = (page - 1) * limit
    # Restrictions join the query, unscored, rather than filter its matches:
    # intersecting skips through the postings of both, where a filter would
    # score every match of the words first.
    searched = scored if restriction is None else And([scored, restriction.with_boost(0.0)])
    by_date = None if sort == "relevance" else sort
    best, total, folded = _top(scope, searched, mask, by_date, offset + limit, fold_copies)
    top = _whoosh_hits(searcher, searched, best[offset : offset + limit])
    highlighters = Highlighters.for_query(parsed if like is None else scored) if snippets else None
    hits = tuple(
        _hit(offset + rank, result, highlighters, searcher if fold_copies else None)
        for rank, result in enumerate(top, 1)
    )
    if explain and by_date is None:
        from .explain import explain as explained

        hits = tuple(replace(hit, explanation=explained(searcher, scored, result.docnum))
                     for hit, result in zip(hits, top, strict=True))
    excluded = None
    if parsed is not None and (dates is not None or _has_date_range(parsed)):
        excluded = sum(scope.map(_count_undated, parsed, names))
    suggestion = None
    if like is None and (total < SUGGEST_BELOW or coverage is not None):
        # With words missing from every article, a misspelling may be why.
        suggestion = _better_query(searcher, query, parsed, restriction, mode, 0 if coverage else total)
    filter_suggestions = _closer_names(searcher, filters) if total == 0 else ()
    return SearchResults(
        query=query,
        total=total,
        hits=hits,
        seconds=time.perf_counter() - started,
        offset=offset,
        folded=folded,
        excluded_undated=excluded,
        like=None if like is None else searcher.stored_fields(like)["id"],
        facets=merged_facets(scope.map(facet_counts, matching)) if facets else None,
        suggestion=suggestion,
        filter_suggestions=filter_suggestions,
        date_window=window,
        words_held=coverage,
        expansion=expansion,
        places=places,
    )


def _closer_names(searcher: Searcher, filters: Filters) -> tuple[tuple[str, str], ...]:
    """For an --outlet or --byline that matches no article at all: the
    closest name the index holds ("New Yrok Times": "The New York Times")."""
    from .suggest import close_name

    found = []
    for field, value in (("outlet", filters.outlet), ("byline", filters.byline)):
        if value is None:
            continue
        (alone,) = _filter_queries(searcher, Filters(**{field: value}))
        if any(docs for docs, _ in matching_docs(searcher, alone)):
            continue  # the filter finds articles: the query is what finds none
        name = close_name(searcher, f"{field}_key", value)
        if name is not None:
            found.append((field, name))
    return tuple(found)


def every_hit(
    searcher: Searcher, query: str, *, sort: str, mode: str, filters: Filters, fold_copies: bool = True
) -> Iterator[Hit]:
    """Every hit of ``query``, in order, each with its snippets and copies, as
    it is needed: the order is found once (a number a match), and each hit's
    stored fields are read and highlighted only when it is taken. For export,
    where a page of hits is not enough."""
    if sort not in SORTS:
        raise InvalidValueError("command line", "sort", f"{sort!r} is not one of {', '.join(SORTS)}")
    query, parsed = _parsed(searcher, query, mode, filters, widen=False)
    if searcher.doc_count_all() == 0:
        return
    scope: Scope = Whole(searcher)
    question = is_question(parsed)
    if question:
        scope = scope.for_questions()
        searcher = scope.searcher
    parsed = _widened(searcher, parsed, exact_script=False)
    restriction = _restriction(searcher, filters)
    if mode == "auto":
        parsed, _ = fewer_words(scope, parsed, restriction)
    scored, mask = _split_exclusions(parsed)
    if mode == "auto" and sort == "relevance" and question:
        scored, _ = with_feedback(scope, scored, restriction)
    searched = scored if restriction is None else And([scored, restriction.with_boost(0.0)])
    by_date = None if sort == "relevance" else sort
    # Only the order is kept: a Whoosh hit keeps the stored fields it read,
    # text and all, and an export holding every hit would hold the archive.
    order, _, _ = _top(scope, searched, mask, by_date, searcher.doc_count_all(), fold_copies)
    highlighters = Highlighters.for_query(parsed)
    for rank, scored_doc in enumerate(order, 1):
        (result,) = _whoosh_hits(searcher, searched, [scored_doc])
        yield _hit(rank, result, highlighters, searcher if fold_copies else None)


def fewer_words(scope: Scope, parsed: Query, restriction: Query | None) -> tuple[Query, tuple[int, int] | None]:
    """Graceful degradation, for a ranked search in "auto" mode: when no
    article (within ``restriction``) holds every plain word of the query, the
    most words any article holds, and the query asking for that many (when it
    asked for more, so that a word misremembered in a short query does not
    leave it with nothing). Returns the query to run, and (words held, words)
    when fewer than all, for the header; phrases, fields and NOT stay
    required."""
    clauses = parsed.subqueries if isinstance(parsed, And) else [parsed]
    relaxed = next((c for c in clauses if isinstance(c, AtLeast)), None)
    words = relaxed.subqueries if relaxed is not None else plain_words(parsed)
    if len(words) < 2:
        return parsed, None
    others = [c for c in clauses if c is not relaxed and c not in words]
    required = relaxed.k if relaxed is not None else len(words)
    held = max(scope.map(_most_words_held, words, _and([*others, restriction])))
    if held == 0:
        return parsed, None  # nothing holds any of them: the query stays as typed
    coverage = None if held == len(words) else (held, len(words))
    if held >= required:
        return parsed, coverage
    fewer = AtLeast(words, held, coordination=COORDINATION)
    return (And([*others, fewer]) if others else fewer), coverage


class ShardTop(NamedTuple):
    """What a shard's matches give a page of hits: its best as (order key,
    score, document), in order, one a story when folding; how many articles
    match; and their stories: those of one article counted, those of several
    (whose copies may be in another shard) by cluster key."""

    best: list[tuple[Any, float | None, int]]
    matched: int
    alone: int
    shared: set[int]


def _top(
    scope: Scope,
    scored: Query,
    mask: Query | None,
    by_date: str | None,
    want: int,
    fold_copies: bool,
) -> tuple[list[tuple[float | None, int]], int, int]:
    """The best ``want`` hits as (score, document), one per cluster of copies
    when folding; how many hits there are in all (stories when folding,
    articles otherwise); and how many matching articles were folded into
    another hit. Each shard finds its best (:func:`_shard_top`); they are
    merged here, in the shards' order: a story's best copy in any shard is
    among that shard's best ``want``."""
    tops = scope.map(_shard_top, scored, mask, by_date, want, fold_copies, scope.parts > 1)
    clusters = cluster_numbers(scope.searcher) if fold_copies else None
    picked: list[tuple[float | None, int]] = []
    seen: set[int] = set()
    for _key, score, doc in heapq.merge(*(shard.best for shard in tops), key=itemgetter(0)):
        if clusters is not None:
            if clusters[doc] in seen:
                continue
            seen.add(clusters[doc])
        picked.append((score, doc))
        if len(picked) == want:
            break
    matched = sum(shard.matched for shard in tops)
    if not fold_copies:
        return picked, matched, 0
    stories = sum(shard.alone for shard in tops) + len(set().union(*(shard.shared for shard in tops)))
    return picked, stories, matched - stories


def _shard_top(
    searcher: Searcher,
    scored: Query,
    mask: Query | None,
    by_date: str | None,
    want: int,
    fold_copies: bool,
    spread: bool,
) -> ShardTop:
    """The best ``want`` matches of the segments ``searcher`` steps through
    (an index's, or a shard's), with the counts; ``spread``: other shards
    hold matches too, so stories of several articles are told by key.

    Ranked by relevance, a query of words and phrases has every match scored
    in bulk (scoring.py), which gives the best hits and the counts at once;
    other queries find their best hits by a pass that skips the postings which
    cannot make the top (Whoosh's block quality) and count their matches in
    bulk (counting.py); the phrases of a query not scored in bulk are looked
    at in one pass that scores and counts. ``by_date`` ("newest", "oldest")
    orders the matches by date instead (by_date.py). (Whoosh's own
    collapsing misses some copies.)"""
    masks = list(matching_docs(searcher, mask)) if mask is not None else None
    excluded = {offset + doc for docs, offset in masks for doc in docs} if masks is not None else None
    if by_date is not None:
        return _shard_top_by_date(searcher, scored, masks, excluded, by_date == "newest", want, fold_copies, spread)
    if not fold_copies:
        results = searcher.search(scored, mask=excluded, limit=want)
        return ShardTop([((-r.score, r.docnum), r.score, r.docnum) for r in results], len(results), 0, set())
    clusters = cluster_numbers(searcher)
    fetch = want * 2 + 10
    scores = scored_matches(searcher, scored)
    two_pass = not any(isinstance(leaf, Phrase) for leaf in scored.leaves())
    told: tuple[int, set[int]] | None = None  # (stories of one article, keys of the others)
    if scores is not None:
        scores = scores.without(excluded)
        matched, told = len(scores), stories_of(searcher, scores.docs)
    elif two_pass:
        matched, stories = story_clusters(searcher, scored, masks, clusters)
    while True:
        if scores is not None:
            results = Results(searcher, scored, scores.best(fetch))
        elif two_pass:
            results = searcher.search(scored, mask=excluded, limit=fetch)
        else:
            counter = StoryCounter(_every_match_collector(fetch), clusters)
            collector = FilterCollector(counter, None, excluded) if excluded is not None else counter
            searcher.search_with_collector(scored, collector)
            results = collector.results()
            matched, stories = counter.matched, counter.stories
        seen: set[int] = set()
        picked = []
        for result in results:
            cluster = clusters[result.docnum]
            if cluster not in seen:
                seen.add(cluster)
                picked.append(result)
                if len(picked) == want:
                    break
        if len(picked) == want or results.scored_length() < fetch:  # enough, or every match was looked at
            best = [((-r.score, r.docnum), r.score, r.docnum) for r in picked]
            return ShardTop(best, matched, *(told or _stories(searcher, stories, spread)))
        fetch *= 4


def _shard_top_by_date(
    searcher: Searcher,
    query: Query,
    masks: list[tuple[set[int], int]] | None,
    excluded: set[int] | None,
    newest: bool,
    want: int,
    fold_copies: bool,
    spread: bool,
) -> ShardTop:
    """What :func:`_shard_top` gives, in date order (by_date.py)."""
    clusters = cluster_numbers(searcher)
    matched, stories = story_clusters(searcher, query, masks, clusters)
    best: list[tuple[Any, float | None, int]] = []
    seen: set[int] = set()
    for key, doc in date_ordered_keys(searcher, query, excluded, newest):
        if fold_copies:
            if clusters[doc] in seen:
                continue
            seen.add(clusters[doc])
        best.append((key, None, doc))
        if len(best) == want:
            break
    return ShardTop(best, matched, *_stories(searcher, stories, spread))


def _stories(searcher: Searcher, stories: set[int], spread: bool) -> tuple[int, set[int]]:
    """``stories`` (cluster keys) as :class:`ShardTop` tells them: those of a
    single article counted, the others kept (all counted, when not ``spread``)."""
    return split_stories(searcher, stories) if spread else (len(stories), set())


def _most_words_held(searcher: Searcher, words: list[Query], within: Query | None) -> int:
    """The most of ``words`` any document (of those ``within`` matches)
    holds: counted in arrays when the words have many postings
    (scoring.most_words_held), else asked of matchers, all the words first,
    then one fewer, and so on."""
    held = most_words_held(searcher, words, within)
    if held is not None:
        return held
    for held in range(len(words), 0, -1):
        holding = And(list(words)) if held == len(words) else AtLeast(words, held)
        probe = _and([within, holding])
        assert probe is not None
        if _matches_any(searcher, probe):
            return held
    return 0


def _matches_any(searcher: Searcher, query: Query) -> bool:
    """Whether any document matches, found by each segment's matcher, which
    stops at its first match and skips through the postings to it: reading
    every posting of the words as sets (counting.py) costs as much as
    scoring them when they are common."""
    return any(query.matcher(leaf, leaf.boolean_context()).is_active() for leaf, _ in searcher.leaf_searchers())


def _split_exclusions(query: Query) -> tuple[Query, Query | None]:
    """``a b NOT c`` as the query ``a b`` and the documents to leave out,
    ``c``: the best hits of ``a b`` are then found skipping the postings that
    cannot make the top, which Whoosh's AND NOT matcher does not do (a NOT
    query scored every match of its words). Scores are the same: a NOT
    clause adds nothing to them."""
    if type(query) is not And:
        return query, None
    kept = [sub for sub in query.subqueries if not isinstance(sub, Not)]
    left_out = [sub.query for sub in query.subqueries if isinstance(sub, Not)]
    if not kept or not left_out:
        return query, None
    scored = kept[0] if len(kept) == 1 and query.boost == 1.0 else And(kept, boost=query.boost)
    return scored, left_out[0] if len(left_out) == 1 else Or(left_out)


def _every_match_collector(limit: int) -> Collector:
    """A top-``limit`` collector that sees every match: no skipping of blocks
    that cannot make the top, and no replacing of the matcher by one that
    leaves out documents which cannot (``replace=0``)."""
    return TopCollector(limit, usequality=False, replace=0)


#: Key terms taken from an article to find others like it.
LIKE_TERMS = 15


def _like(searcher: Searcher, docnum: int) -> tuple[Query, Query]:
    """A query for articles like ``docnum``, and a mask for it and its own copies.

    The key terms come from Whoosh's Bo1 model over the title and body
    together (words the article uses far more than the archive does), each
    searched in the body with its weight as boost. Searched in titles as well,
    generic headline words ("boost", "time") would outweigh the story's own.
    """
    fields = searcher.stored_fields(docnum)
    text = "\n".join(filter(None, (fields.get("title"), fields.get("body"))))
    key_terms = searcher.key_terms_from_text("body", text, numterms=LIKE_TERMS, normalize=True)
    if not key_terms:
        raise InvalidValueError("command line", "like", f"article {fields['id']} has no words to compare")
    return Or([Term("body", word, boost=weight) for word, weight in key_terms]), Term("cluster", fields["cluster"])


def _better_query(
    searcher: Searcher, query: str, parsed: Query, restriction: Query | None, mode: str, total: int
) -> str | None:
    """A corrected query that finds more than ``total`` hits, or None."""
    from .suggest import apply, corrections, spelled

    fixes = corrections(searcher, parsed)
    if not fixes:
        return None
    try:
        stems_query = parse_query(apply(query, fixes), searcher.schema, mode=mode)
    except QueryError:
        return None
    # Counted as sets (counting.py), not by Whoosh's matchers: a corrected
    # query of several common words would cost more than the search.
    matching = _and([stems_query, restriction])
    assert matching is not None
    found = [(offset, docs) for docs, offset in matching_docs(searcher, matching) if docs]
    if sum(len(docs) for _, docs in found) <= total:
        return None
    # The spelling shown is the one an article holding the corrected words uses.
    holding = _and([matching, *(Term("body", stem) for stem in sorted(set(fixes.values())))])
    assert holding is not None
    spelling = next(((offset, docs) for docs, offset in matching_docs(searcher, holding) if docs), found[0])
    offset, docs = spelling
    return spelled(query, fixes, searcher.stored_fields(offset + min(docs)), searcher.schema["body"].analyzer)


def run_timelines(
    scope: Scope,
    queries: list[str],
    *,
    by: str | None,
    mode: str,
    filters: Filters,
    normalize: bool = False,
    stories: bool = False,
) -> list[Timeline]:
    """The timelines of ``queries`` over the same periods. ``stories`` counts
    each story (near-identical copies folded) once, in the period of its
    first matching copy; ``normalize`` gives each period the articles (or
    stories) the archive holds in it under the same filters. Each shard
    finds its matches' dates (:func:`_timeline_part`); a story's first date
    is the earliest any shard gives it."""
    from .timeline import Series, build_timelines

    searcher = scope.searcher
    if not queries:
        raise InvalidValueError("command line", "query", "give at least one query")
    parsed = [_parsed(searcher, query, mode, filters) for query in queries]  # every query checked before any runs
    if searcher.doc_count_all() == 0:  # see run_search
        empty = [Series(query, [], 0) for query, _ in parsed]
        return build_timelines(empty, by, indexed=[] if normalize else None, stories=stories)
    names = _filter_queries(searcher, filters)
    window = _date_filter(_date_window(filters))
    series = []
    for query, matching in parsed:
        dated = _and([matching, *names, window, Term("undated", "0")])
        assert dated is not None
        parts = scope.map(_timeline_part, dated, matching, names, stories)
        if not stories:
            series.append(Series(query, [date for dates, _ in parts for date in dates],
                                 sum(undated for _, undated in parts)))
        else:
            first: dict[int, int] = {}
            for story_dates, _ in parts:
                for story, date in story_dates.items():
                    if story not in first or date < first[story]:
                        first[story] = date
            undated_stories = set().union(*(undated for _, undated in parts)) - first.keys()
            series.append(Series(query, list(first.values()), len(undated_stories)))
    clusters = cluster_numbers(searcher) if stories else None
    indexed = _indexed_dates(searcher, filters, clusters) if normalize else None
    return build_timelines(series, by, indexed=indexed, stories=stories)


def _timeline_part(
    searcher: Searcher, dated: Query, matching: Query, names: list[Query], stories: bool
) -> tuple[Any, Any]:
    """What the segments ``searcher`` steps through (an index's, or a
    shard's) give a timeline: the dates of the dated matches and how many
    undated articles match; with ``stories``, each story's first date here
    and the stories of the undated matches (cluster keys)."""
    if not stories:
        return _dates(searcher, dated), _count_undated(searcher, matching, names)
    clusters = cluster_numbers(searcher)
    return _story_dates(searcher, dated, clusters), _undated_stories(searcher, matching, names, clusters)


def _indexed_dates(searcher: Searcher, filters: Filters, clusters: array | None) -> list[int]:
    """The dates of what the archive holds under ``filters`` (of each story's
    first copy, with ``clusters``): what normalised timelines divide by,
    the same for every query, so read once per searcher and filters."""

    def read() -> list[int]:
        everything = _and([*_filter_queries(searcher, filters), _date_filter(_date_window(filters)),
                           Term("undated", "0")])
        assert everything is not None
        if clusters is None:
            return _dates(searcher, everything)
        return list(_story_dates(searcher, everything, clusters).values())

    return _latest(searcher, "indexed_dates", (filters, clusters is not None), read)


def _latest(searcher: Searcher, name: str, key: Any, make: Callable[[], Any]) -> Any:
    """``make()``, kept on the searcher for ``key``: only the latest key's, so
    that what is kept does not grow with the calls."""
    cache: dict[Any, Any] = cached_on(searcher, name, dict)
    if key not in cache:
        cache.clear()
        cache[key] = make()
    return cache[key]


def _dates(searcher: Searcher, query: Query) -> list[int]:
    """The dates of ``query``'s matches, as the date column holds them."""
    dates: list[int] = []
    for reader, docs, _offset in matches_by_segment(searcher, query):
        dates.extend(map(reader.column_reader("date", translate=False).__getitem__, docs))
    return dates


def _story_dates(searcher: Searcher, query: Query, clusters: array) -> dict[int, int]:
    """The stories (cluster keys) of ``query``'s matches, each with the date
    of its first match."""
    first: dict[int, int] = {}
    for reader, docs, offset in matches_by_segment(searcher, query):
        column = reader.column_reader("date", translate=False)
        for doc in docs:
            key, value = clusters[offset + doc], column[doc]
            if key not in first or value < first[key]:
                first[key] = value
    return first


def _undated_stories(searcher: Searcher, parsed: Query, names: list[Query], clusters: array) -> set[int]:
    """The stories (cluster keys) of the undated articles ``parsed`` matches."""
    undated_query = parsed.accept(lambda q: Every() if isinstance(q, DateRange) else q)
    combined = _and([undated_query, *names, Term("undated", "1")])
    assert combined is not None
    return {clusters[offset + doc] for docs, offset in matching_docs(searcher, combined) for doc in docs}


def story_matches(searcher: Searcher, query: str, *, mode: str, filters: Filters) -> dict[int, list[int]]:
    """The stories (cluster keys) ``query`` matches, each with its matching
    documents, newest first: what a watch compares with what it has seen."""
    _, parsed = _parsed(searcher, query, mode, filters)
    if searcher.doc_count_all() == 0:
        return {}
    matching = _and([parsed, _restriction(searcher, filters)])
    assert matching is not None
    clusters = cluster_numbers(searcher)
    stories: dict[int, list[int]] = {}
    for doc in date_ordered(searcher, matching, None, newest=True):
        stories.setdefault(clusters[doc], []).append(doc)
    return stories


def hits_of(searcher: Searcher, query: str, docs: list[int], *, mode: str) -> tuple[Hit, ...]:
    """These documents as hits of ``query``, in this order, with snippets and copies."""
    parsed = _widened(searcher, parse_query(query, searcher.schema, mode=mode), exact_script=False)
    highlighters = Highlighters.for_query(parsed)
    hits = []
    for rank, result in enumerate(_whoosh_hits(searcher, parsed, [(None, doc) for doc in docs]), 1):
        hits.append(_hit(rank, result, highlighters, searcher))
    return tuple(hits)


def run_summary(searcher: Searcher, query: str, *, mode: str, filters: Filters) -> QuerySummary:
    """What a query finds, in one row: articles and stories (copies folded),
    the first and last publication dates, and the three largest outlets."""
    from whoosh.util.times import long_to_datetime

    query, parsed = _parsed(searcher, query, mode, filters)
    if searcher.doc_count_all() == 0:
        return QuerySummary(query, 0, 0, None, None, ())
    matching = _and([parsed, _restriction(searcher, filters)])
    assert matching is not None
    articles, stories = count_stories(searcher, matching, None, cluster_numbers(searcher))
    dates: list[int] = []
    for reader, docs, _offset in matches_by_segment(searcher, matching):
        dated = date_of(reader)
        dates.extend(dated[doc] for doc in docs if doc in dated)
    outlets = count_facets(searcher, matching).outlet[:3] if articles else ()
    return QuerySummary(
        query=query,
        articles=articles,
        stories=stories,
        first=long_to_datetime(min(dates)) if dates else None,
        last=long_to_datetime(max(dates)) if dates else None,
        outlets=tuple(outlets),
    )


def run_review(
    searcher: Searcher, query: str, *, mode: str, filters: Filters, marks: Mapping[str, Mark]
) -> ReviewProgress:
    """How many of the stories ``query`` matches have been reviewed: a story
    is reviewed when any of its copies (matching or not) is marked, and goes
    by the strongest mark of them."""
    from ..marks import strongest

    _, parsed = _parsed(searcher, query, mode, filters)
    if searcher.doc_count_all() == 0:
        return ReviewProgress(0, 0, {})
    matching = _and([parsed, _restriction(searcher, filters)])
    assert matching is not None
    clusters = cluster_numbers(searcher)
    stories = {clusters[offset + doc] for docs, offset in matching_docs(searcher, matching) for doc in docs}
    story_marks: dict[int, list[Mark]] = {}
    for article_id, doc in _marked_docs(searcher, frozenset(marks)).items():
        if clusters[doc] in stories:
            story_marks.setdefault(clusters[doc], []).append(marks[article_id])
    by_status = Counter(strongest(found).status for found in story_marks.values())  # type: ignore[union-attr]
    strongest_first = [status for status in reversed(MARK_STATUSES) if by_status[status]]
    return ReviewProgress(len(stories), len(story_marks), {status: by_status[status] for status in strongest_first})


def _parsed(searcher: Searcher, query: str, mode: str, filters: Filters, *, widen: bool = True) -> tuple[str, Query]:
    """The query as run and parsed, its wildcards and ranges checked, and
    (unless not ``widen``) its words matching their stems in the archive's
    languages and their forms in other scripts, so that every way of running
    a query (search, export, batch, timeline, watches) finds the same
    articles. An empty query with a filter is ``*``: a filter alone lists
    every article it keeps."""
    if not query.strip() and any(value is not None for value in filters):
        query = "*"
    parsed = parse_query(query, searcher.schema, mode=mode)
    check_expansions(parsed, query, searcher.reader())
    return query, _widened(searcher, parsed, exact_script=False) if widen else parsed


def _widened(searcher: Searcher, parsed: Query, exact_script: bool) -> Query:
    """``parsed`` with each word matching its stems in the archive's other
    languages, and (unless ``exact_script``) its forms in other scripts; the
    exact forms of common words left out (parse.COMMON_EXACT_SHARE)."""
    parsed = in_archive_languages(searcher, _rare_exact_forms(searcher, parsed))
    return parsed if exact_script else across_scripts(searcher, parsed)


def _rare_exact_forms(searcher: Searcher, parsed: Query) -> Query:
    """``parsed`` without the exact forms held by more than COMMON_EXACT_SHARE
    of the articles and COMMON_EXACT_ARTICLES: their postings are as long as
    their stems', and such a word's idf gives them next to no weight."""
    reader = searcher.reader()
    most = max(COMMON_EXACT_SHARE * reader.doc_count_all(), COMMON_EXACT_ARTICLES)

    def common(query: Query) -> bool:
        return type(query) is Term and query.fieldname == "exact" and reader.doc_frequency("exact", query.text) > most

    def drop(query: Query) -> Query:
        return without_clauses(query, common) if type(query) in (Or, UnionOr) else query

    return parsed.accept(drop)


def _restriction(searcher: Searcher, filters: Filters) -> Query | None:
    """--outlet, --byline, --lang and the date window, as one query (None without any)."""
    return _and([*_filter_queries(searcher, filters), _date_filter(_date_window(filters))])


def _whoosh_hits(searcher: Searcher, query: Query, scored_docs: list[tuple[Any, int]]) -> list[Any]:
    """Whoosh's hits of these (score, document) pairs, in order: what
    highlighting and stored-field reads take. (Not list(Results): its len()
    asks for a collector these results never had.)"""
    return [hit for hit in Results(searcher, query, scored_docs)]  # noqa: C416


def _and(queries: list[Query | None]) -> Query | None:
    present = [q for q in queries if q is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else And(present)


def _filter_queries(searcher: Searcher, filters: Filters) -> list[Query]:
    """Every filter but the dates: --outlet and --byline (the given words, as
    a phrase, in that field), --lang, and --marked or --unseen."""
    out: list[Query] = []
    for field, value in (("outlet", filters.outlet), ("byline", filters.byline)):
        if value is None:
            continue
        words = [t.text for t in searcher.schema[field].analyzer(value)]
        if not words:
            raise InvalidValueError("command line", field, f"{value!r} has no words to match")
        out.append(Term(field, words[0]) if len(words) == 1 else Phrase(field, words))
    if filters.lang is not None:
        out.append(Term("lang", language_code(filters.lang)))
    review = _review_filter(searcher, filters.review) if filters.review is not None else None
    return out if review is None else [*out, review]


def _review_filter(searcher: Searcher, review: Reviewed) -> Query | None:
    """The marked articles (--marked), or all but the stories of which any
    copy was marked (--unseen: a copy of a story read is not unread); None
    when nothing is left out. Worked out once per searcher and set of marks:
    a reviewer runs search after search with the same marks."""

    def build() -> Query | None:
        marked = set(_marked_docs(searcher, review.ids).values())
        if review.only:
            return DocSet.of(searcher, marked) if marked else NullQuery
        clusters = cluster_numbers(searcher)
        stories = {clusters[doc] for doc in marked}  # a mark outlives its article's removal: none then
        if not stories:
            return None
        return Not(DocSet.of(searcher, {doc for doc, key in enumerate(clusters) if key in stories}))

    return _latest(searcher, "review_filter", review, build)


def _marked_docs(searcher: Searcher, ids: frozenset[str]) -> dict[str, int]:
    """The document number of each marked article still in the index (a mark
    outlives its article's removal), looked up once per searcher and marks."""

    def look_up() -> dict[str, int]:
        found = ((article_id, searcher.document_number(id=article_id)) for article_id in ids)
        return {article_id: doc for article_id, doc in found if doc is not None}

    return _latest(searcher, "marked_docs", ids, look_up)


def _date_window(filters: Filters) -> tuple[datetime | None, datetime | None] | None:
    """The first and last moments --since and --until name, or None without either."""
    if not filters.dated:
        return None
    start = parse_bound(filters.since, end=False, option="since") if filters.since is not None else None
    end = parse_bound(filters.until, end=True, option="until") if filters.until is not None else None
    if start and end and start > end:
        raise InvalidValueError("command line", "since", f"{start:%Y-%m-%d} is after --until {end:%Y-%m-%d}")
    return start, end


def _date_filter(window: tuple[datetime | None, datetime | None] | None) -> Query | None:
    return ColumnDateRange("date", *window) if window is not None else None





def _has_date_range(query: Query) -> bool:
    return any(isinstance(leaf, DateRange) for leaf in query.leaves())


def _count_undated(searcher: Searcher, parsed: Query, names: list[Query]) -> int:
    """How many undated articles a date restriction left out."""
    undated_query = parsed.accept(lambda q: Every() if isinstance(q, DateRange) else q)
    combined = _and([undated_query, *names, Term("undated", "1")])
    assert combined is not None
    return sum(len(docs) for docs, _ in matching_docs(searcher, combined))


def _hit(rank: int, result: Any, highlighters: Highlighters | None, searcher: Searcher | None) -> Hit:
    fields = result.fields()
    meta = fields["meta"]
    copies: tuple[Copy, ...] = ()
    first_seen: bool | None = None
    if searcher is not None:
        copies, first_seen = cluster_copies(searcher, fields["cluster"], fields["id"])
    found: list[Snippet] = []
    title_matches: tuple[Span, ...] = ()
    if highlighters is not None:
        found, title_matches = highlight_hit(result, fields, highlighters)
    return Hit(
        rank=rank,
        score=float(result.score) if isinstance(result.score, (int, float)) else None,
        id=fields["id"],
        path=fields["path"],
        title=fields.get("title"),
        title_matches=title_matches,
        lede=first_sentence(fields.get("body", "")),
        outlet=meta.get("outlet"),
        credit=meta.get("credit"),
        byline=tuple(meta.get("byline", ())),
        published=meta.get("published"),
        updated=meta.get("updated"),
        provenance=dict(meta.get("provenance", {})),
        snippets=tuple(found),
        record=meta.get("record") or None,
        url=meta.get("url"),
        language=meta.get("language"),
        copies=copies,
        first_seen=first_seen,
        cluster=fields.get("cluster"),
    )
