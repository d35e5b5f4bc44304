"""Running a search: filters, sorting, paging, facets, and hits with snippets."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime
from typing import Any, NamedTuple

from whoosh import sorting
from whoosh.highlight import Highlighter
from whoosh.query import And, DateRange, Every, Phrase, Query, Term
from whoosh.searching import Searcher

from .dates import parse_bound
from .errors import InvalidValueError
from .highlight import caption_highlighter, snippet_highlighter, whole_text_highlighter
from .models import FacetCount, Facets, Hit, SearchResults, Snippet, Span, first_sentence
from .query import check_expansions, parse_query

SORTS = ("relevance", "newest", "oldest")
FACET_SIZE = 10

DateLike = str | date | datetime


class Filters(NamedTuple):
    outlet: str | None = None
    byline: str | None = None
    since: DateLike | None = None
    until: DateLike | None = None

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
) -> SearchResults:
    started = time.perf_counter()
    if sort not in SORTS:
        raise InvalidValueError("command line", "sort", f"{sort!r} is not one of {', '.join(SORTS)}")
    parsed = parse_query(query, searcher.schema, mode=mode)
    check_expansions(parsed, query, searcher.reader())
    names = _name_filters(searcher, filters)
    dates = _date_filter(filters)
    restriction = _and([*names, *([dates] if dates else [])])

    offset = (page - 1) * limit
    results = searcher.search(
        parsed, filter=restriction, limit=offset + limit, sortedby=_sort_keys(sort), terms=True
    )
    highlighters = _Highlighters.for_query(parsed) if snippets else None
    hits = tuple(
        _hit(offset + rank, result, highlighters)
        for rank, result in enumerate(results[offset : offset + limit], 1)
    )
    excluded = None
    if dates is not None or _has_date_range(parsed):
        excluded = _count_undated(searcher, parsed, names)
    found_facets = _facets(searcher, _and([parsed, restriction])) if facets else None
    return SearchResults(
        query=query,
        total=len(results),
        hits=hits,
        seconds=time.perf_counter() - started,
        offset=offset,
        excluded_undated=excluded,
        facets=found_facets,
    )


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
    return out


def _date_filter(filters: Filters) -> Query | None:
    if not filters.dated:
        return None
    start = parse_bound(filters.since, end=False, option="since") if filters.since is not None else None
    end = parse_bound(filters.until, end=True, option="until") if filters.until is not None else None
    if start and end and start > end:
        raise InvalidValueError("command line", "since", f"{start:%Y-%m-%d} is after --until {end:%Y-%m-%d}")
    return DateRange("date", start, end)


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
    return sum(1 for _ in searcher.docs_for_query(combined))


def _facets(searcher: Searcher, query: Query | None) -> Facets:
    assert query is not None
    reader = searcher.reader()
    outlets = reader.column_reader("outlet_key")
    bylines = reader.column_reader("byline_key")
    months = reader.column_reader("month")
    outlet_counts: Counter[str] = Counter()
    byline_counts: Counter[str] = Counter()
    month_counts: Counter[str] = Counter()
    undated = no_outlet = 0
    for docnum in searcher.docs_for_query(query):
        outlet = outlets[docnum]
        if outlet:
            outlet_counts[outlet] += 1
        else:
            no_outlet += 1
        for name in (bylines[docnum] or "").split("\n"):
            if name:
                byline_counts[name] += 1
        month = months[docnum]
        if month:
            month_counts[month] += 1
        else:
            undated += 1

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


def _hit(rank: int, result: Any, highlighters: _Highlighters | None) -> Hit:
    fields = result.fields()
    meta = fields["meta"]
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
    )
