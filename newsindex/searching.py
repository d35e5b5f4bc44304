"""Running a search: filters, sorting, paging, facets, and hits with snippets."""

from __future__ import annotations

import sys
import time
from array import array
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, NamedTuple

from whoosh import sorting
from whoosh.collectors import Collector, FilterCollector, SortingCollector, TopCollector, WrappingCollector
from whoosh.highlight import Highlighter
from whoosh.query import And, DateRange, Every, Not, Or, Phrase, Query, Term
from whoosh.searching import Results, Searcher

from .bulkscores import scored_matches, top
from .daterange import ColumnDateRange
from .dates import parse_bound
from .docsets import matching_docs
from .documents import cluster_key, index_datetime
from .errors import InvalidValueError, QueryError
from .highlight import caption_highlighter, snippet_highlighter, whole_text_highlighter
from .models import SORTS, Copy, FacetCount, Facets, Hit, SearchResults, Snippet, Span, Timeline, first_sentence
from .query import check_expansions, parse_query
from .suggest import SUGGEST_BELOW

FACET_SIZE = 10

DateLike = str | date | datetime


class Filters(NamedTuple):
    outlet: str | None = None
    byline: str | None = None
    since: DateLike | None = None
    until: DateLike | None = None
    lang: str | None = None  # a language code: "en"

    @property
    def dated(self) -> bool:
        return self.since is not None or self.until is not None


def run_search(
    searcher: Searcher,
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
) -> SearchResults:
    """One page of hits. With ``like`` (a document number), hits rank by
    likeness to that article instead, and ``query`` (may be empty) only filters."""
    started = time.perf_counter()
    if sort not in SORTS:
        raise InvalidValueError("command line", "sort", f"{sort!r} is not one of {', '.join(SORTS)}")
    parsed: Query | None = None
    if like is None or query.strip():
        parsed = parse_query(query, searcher.schema, mode=mode)
        check_expansions(parsed, query, searcher.reader())
    if searcher.doc_count_all() == 0:  # a new index before its first commit has no columns to read
        return SearchResults(query=query, total=0, hits=(), seconds=time.perf_counter() - started)
    names = _name_filters(searcher, filters)
    dates = _date_filter(filters)
    if like is None:
        assert parsed is not None
        scored, mask = _split_exclusions(parsed)
        restriction = _and([*names, dates])
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
    top, total, folded = _top(searcher, searched, mask, _sort_keys(sort), offset + limit, fold_copies)
    highlighters = _Highlighters.for_query(parsed if like is None else scored) if snippets else None
    hits = tuple(
        _hit(offset + rank, result, highlighters, searcher if fold_copies else None)
        for rank, result in enumerate(top[offset : offset + limit], 1)
    )
    excluded = None
    if parsed is not None and (dates is not None or _has_date_range(parsed)):
        excluded = _count_undated(searcher, parsed, names)
    suggestion = None
    if like is None and total < SUGGEST_BELOW:
        suggestion = _better_query(searcher, query, parsed, restriction, mode, total)
    return SearchResults(
        query=query,
        total=total,
        hits=hits,
        seconds=time.perf_counter() - started,
        offset=offset,
        folded=folded,
        excluded_undated=excluded,
        like=None if like is None else searcher.stored_fields(like)["id"],
        facets=_facets(searcher, matching) if facets else None,
        suggestion=suggestion,
    )


def _top(
    searcher: Searcher,
    scored: Query,
    mask: Query | None,
    sortedby: Any,
    want: int,
    fold_copies: bool,
) -> tuple[list[Any], int, int]:
    """The best ``want`` hits, one per cluster of copies when folding; how many
    hits there are in all (stories when folding, articles otherwise); and how
    many matching articles were folded into another hit. (Whoosh's own
    collapsing misses some copies.)

    Ranked by relevance, a query of words and phrases has every match scored
    in bulk (bulkscores.py), which gives the best hits and the counts at once;
    other queries find their best hits by a pass that skips the postings which
    cannot make the top (Whoosh's block quality) and count their matches in
    bulk (docsets.py). Sorted by date every match is looked at anyway, as are
    the phrases of a query not scored in bulk: one pass scores and counts."""
    masks = list(matching_docs(searcher, mask)) if mask is not None else None
    excluded = {offset + doc for docs, offset in masks for doc in docs} if masks is not None else None
    if not fold_copies:
        results = searcher.search(scored, mask=excluded, limit=want, sortedby=sortedby)
        return list(results), len(results), 0
    clusters = _cluster_numbers(searcher)
    fetch = want * 2 + 10
    scores = scored_matches(searcher, scored) if sortedby is None else None
    two_pass = sortedby is None and not any(isinstance(leaf, Phrase) for leaf in scored.leaves())
    if scores is not None:
        for doc in excluded or ():
            scores.pop(doc, None)
        matched, stories = len(scores), len(set(map(clusters.__getitem__, scores)))
    elif two_pass:
        matched, stories = _count_stories(searcher, scored, masks, clusters)
    while True:
        if scores is not None:
            results = Results(searcher, scored, top(scores, fetch))
        elif two_pass:
            results = searcher.search(scored, mask=excluded, limit=fetch)
        else:
            counter = _StoryCounter(_every_match_collector(fetch, sortedby), clusters)
            collector = FilterCollector(counter, None, excluded) if excluded is not None else counter
            searcher.search_with_collector(scored, collector)
            results = collector.results()
            matched, stories = counter.matched, len(counter.stories)
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
            return picked, stories, matched - stories
        fetch *= 4


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


def _count_stories(
    searcher: Searcher, query: Query, masks: list[tuple[set[int], int]] | None, clusters: array
) -> tuple[int, int]:
    """How many articles match, and how many stories (clusters) they make;
    ``masks``: the documents left out, per segment."""
    matched = 0
    stories: set[int] = set()
    for segment, (docs, offset) in enumerate(matching_docs(searcher, query)):
        if masks is not None:
            docs -= masks[segment][0]
        matched += len(docs)
        stories.update(map(clusters.__getitem__, map(offset.__add__, docs)))
    return matched, len(stories)


def _every_match_collector(limit: int, sortedby: Any) -> Collector:
    """A top-``limit`` collector that sees every match: no skipping of blocks
    that cannot make the top, and no replacing of the matcher by one that
    leaves out documents which cannot (``replace=0``)."""
    if sortedby is not None:
        return SortingCollector(sortedby, limit=limit)
    return TopCollector(limit, usequality=False, replace=0)


class _StoryCounter(WrappingCollector):
    """Counts the matches and their distinct clusters (stories) on their way
    to the collector it wraps, which must not skip any."""

    def __init__(self, child: Collector, clusters: array) -> None:
        super().__init__(child)
        self.clusters = clusters
        self.stories: set[int] = set()
        self.matched = 0

    def collect(self, sub_docnum: int) -> Any:
        self.stories.add(self.clusters[self.offset + sub_docnum])
        self.matched += 1
        return self.child.collect(sub_docnum)


def _cluster_numbers(searcher: Searcher) -> array:
    """Each document's cluster key, read once per searcher: folding and
    counting copies then costs an array index per match."""
    cached = getattr(searcher, "_newsindex_clusters", None)
    if cached is None:
        cached = array("Q")
        for reader, _offset in searcher.reader().leaf_readers():  # in document order
            cached.extend(_column_array(reader, "cluster_key"))
        searcher._newsindex_clusters = cached  # type: ignore[attr-defined]
    return cached


def _cluster_sizes(searcher: Searcher) -> Counter[int]:
    """How many documents (deleted ones too) each cluster key has, counted once
    per searcher: most articles have no copy, and a lookup of the cluster's
    documents for each hit shown cost more than the search."""
    cached = getattr(searcher, "_newsindex_cluster_sizes", None)
    if cached is None:
        cached = searcher._newsindex_cluster_sizes = Counter(_cluster_numbers(searcher))  # type: ignore[attr-defined]
    return cached


def _column_array(reader: Any, name: str) -> array:
    """A segment's fixed-width numeric column as an array, in one read
    (Whoosh's column reader unpacks a value per call)."""
    column = reader.column_reader(name, translate=False)
    count = reader.doc_count_all()
    raw = getattr(column, "_dbfile", None)
    if raw is None or getattr(column, "_fixedlen", 0) != 8:  # an empty segment: no column written
        return array("Q", (column[d] for d in range(count)))
    values = array("Q", raw.get(column._basepos, column._count * 8))
    if sys.byteorder == "little":
        values.byteswap()  # Whoosh writes columns big-endian
    values.extend([0] * (count - len(values)))  # documents after the last written value
    return values


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
    found = searcher.search(stems_query, filter=restriction, limit=1)
    if len(found) <= total:
        return None
    return spelled(query, fixes, found[0].fields(), searcher.schema["body"].analyzer)


def run_timeline(searcher: Searcher, query: str, *, by: str | None, mode: str, filters: Filters) -> Timeline:
    from .timeline import build_timeline

    parsed = parse_query(query, searcher.schema, mode=mode)
    check_expansions(parsed, query, searcher.reader())
    if searcher.doc_count_all() == 0:  # see run_search
        return Timeline(query, by or "day", (), 0, 0)
    names = _name_filters(searcher, filters)
    dated = _and([parsed, *names, _date_filter(filters), Term("undated", "0")])
    assert dated is not None
    undated = _count_undated(searcher, parsed, names)
    dates: list[int] = []
    for reader, docs in _matches_by_segment(searcher, dated):
        column = reader.column_reader("date", translate=False)
        dates.extend(map(column.__getitem__, docs))
    return build_timeline(query, dates, by, undated)


def _matches_by_segment(searcher: Searcher, query: Query) -> Iterator[tuple[Any, set[int]]]:
    """Each segment's reader and the documents ``query`` matches in it: read
    per segment, a column costs a lookup per document (through the whole
    index's reader, a search for the segment first)."""
    leaves = searcher.leaf_searchers()
    for (docs, _offset), (leaf, _) in zip(matching_docs(searcher, query), leaves, strict=True):
        yield leaf.reader(), docs


def _and(queries: list[Query | None]) -> Query | None:
    present = [q for q in queries if q is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else And(present)


def _name_filters(searcher: Searcher, filters: Filters) -> list[Query]:
    """--outlet and --byline: the given words, as a phrase, in that field."""
    out: list[Query] = []
    for field, value in (("outlet", filters.outlet), ("byline", filters.byline)):
        if value is None:
            continue
        words = [t.text for t in searcher.schema[field].analyzer(value)]
        if not words:
            raise InvalidValueError("command line", field, f"{value!r} has no words to match")
        out.append(Term(field, words[0]) if len(words) == 1 else Phrase(field, words))
    if filters.lang is not None:
        code = filters.lang.strip().lower().replace("_", "-").split("-")[0]
        if not code.isalpha():
            raise InvalidValueError("command line", "lang", f"{filters.lang!r} is not a language code such as en")
        out.append(Term("lang", code))
    return out


def _date_filter(filters: Filters) -> Query | None:
    if not filters.dated:
        return None
    start = parse_bound(filters.since, end=False, option="since") if filters.since is not None else None
    end = parse_bound(filters.until, end=True, option="until") if filters.until is not None else None
    if start and end and start > end:
        raise InvalidValueError("command line", "since", f"{start:%Y-%m-%d} is after --until {end:%Y-%m-%d}")
    return ColumnDateRange("date", start, end)


def _sort_keys(sort: str) -> Any:
    """Undated articles sort after dated ones either way; the id breaks ties."""
    if sort == "relevance":
        return None
    return [
        sorting.FieldFacet("undated"),
        sorting.FieldFacet("date", reverse=(sort == "newest")),
        sorting.FieldFacet("id"),
    ]


def _has_date_range(query: Query) -> bool:
    return any(isinstance(leaf, DateRange) for leaf in query.leaves())


def _count_undated(searcher: Searcher, parsed: Query, names: list[Query]) -> int:
    """How many undated articles a date restriction left out."""
    undated_query = parsed.accept(lambda q: Every() if isinstance(q, DateRange) else q)
    combined = _and([undated_query, *names, Term("undated", "1")])
    assert combined is not None
    return sum(len(docs) for docs, _ in matching_docs(searcher, combined))


def _facets(searcher: Searcher, query: Query | None) -> Facets:
    assert query is not None
    outlet_counts: Counter[str] = Counter()
    byline_counts: Counter[str] = Counter()
    month_counts: Counter[str] = Counter()
    for reader, docs in _matches_by_segment(searcher, query):
        outlet_counts.update(map(reader.column_reader("outlet_key").__getitem__, docs))
        month_counts.update(map(reader.column_reader("month").__getitem__, docs))
        bylines = reader.column_reader("byline_key")
        for authors in map(bylines.__getitem__, docs):
            if authors:
                byline_counts.update(authors.split("\n"))
    no_outlet = outlet_counts.pop("", 0)
    undated = month_counts.pop("", 0)
    byline_counts.pop("", None)

    def top(counter: Counter[str]) -> tuple[FacetCount, ...]:
        ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE]
        return tuple(FacetCount(v, n) for v, n in ranked)

    by_month = tuple(FacetCount(m, n) for m, n in sorted(month_counts.items(), reverse=True))
    return Facets(top(outlet_counts), top(byline_counts), by_month, undated, no_outlet)


def _highlight(
    result: Any, fields: dict[str, Any], highlighters: _Highlighters
) -> tuple[list[Snippet], tuple[Span, ...]]:
    strict = highlighters.strict
    found = [
        Snippet("body", text, spans)
        for text, spans in highlighters.body.highlight_hit(result, "body", top=3, strict_phrase=strict)
    ]
    if not found and fields.get("captions"):
        found = [
            Snippet("captions", text, spans)
            for text, spans in highlighters.captions.highlight_hit(result, "captions", top=2, strict_phrase=strict)
        ]
    title_matches: tuple[Span, ...] = ()
    if fields.get("title"):
        formatted = highlighters.title.highlight_hit(result, "title", top=1, strict_phrase=strict)
        title_matches = formatted[0][1] if formatted else ()
    return found, title_matches


class _Highlighters(NamedTuple):
    body: Highlighter
    captions: Highlighter
    title: Highlighter
    strict: bool

    @classmethod
    def for_query(cls, parsed: Query) -> _Highlighters:
        # Whoosh's phrase-aware highlighting marks a phrase's words only where
        # they form the phrase; it is only right (and needed) when there is one.
        strict = bool(parsed.phrases()[1])
        return cls(snippet_highlighter(), caption_highlighter(), whole_text_highlighter(), strict)


def cluster_copies(searcher: Searcher, cluster: str, article_id: str) -> tuple[tuple[Copy, ...], bool]:
    """The other articles of a cluster, and whether ``article_id`` is its first seen."""
    if _cluster_sizes(searcher)[cluster_key(cluster)] < 2:  # alone: no need to look
        return (), False
    members = [searcher.stored_fields(docnum) for docnum in searcher.docs_for_query(Term("cluster", cluster))]
    if len(members) < 2:
        return (), False
    dated = [m for m in members if m["meta"].get("published") is not None]
    first = min(dated, key=lambda m: index_datetime(m["meta"]["published"]))["id"] if dated else None
    copies = tuple(
        Copy(m["id"], m["path"], m["meta"].get("outlet"), m["meta"].get("published"), m["id"] == first)
        for m in sorted(members, key=lambda m: m["path"])
        if m["id"] != article_id
    )
    return copies, first == article_id


def _hit(rank: int, result: Any, highlighters: _Highlighters | None, searcher: Searcher | None) -> Hit:
    fields = result.fields()
    meta = fields["meta"]
    copies: tuple[Copy, ...] = ()
    first_seen = False
    if searcher is not None:
        copies, first_seen = cluster_copies(searcher, fields["cluster"], fields["id"])
    found: list[Snippet] = []
    title_matches: tuple[Span, ...] = ()
    if highlighters is not None:
        found, title_matches = _highlight(result, fields, highlighters)
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
    )
