"""Plain data returned by the API. No rich objects, no markup: dataclasses only.

Datetimes are naive when the source gave no timezone (most news text does not),
and aware when it did.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

#: Metadata fields whose origin is recorded in ``provenance``.
METADATA_FIELDS = ("title", "published", "updated", "byline", "outlet", "credit", "captions")

#: Where a metadata value came from. A field the source does not give has no entry.
#: Plain-text sources name their line too ("byline line 3"); a value left out
#: says why after a colon ("json-ld: left out, 2020-01-01 10:00 is before publication").
PROVENANCE_SOURCES = (
    "headline line",  # first line of a plain-text article, shaped like a headline
    "date line",  # "11 November 2022, 12:51 | Updated: ...", "Published 2:28 PM EDT, June 1, 1987"
    "byline line",  # "By Asher McShane", "By Name, Associated Press"
    "labelled line",  # "Published: 2019-11-07T21:30:00Z", "Author: Name", "Source: Reuters"
    "name line",  # a bare name between a headline and a date line (database exports)
    "outlet line",  # "The Guardian (London)" in a database export, confirmed by its copyright line
    "copyright line",  # "(c) 1987 Reuters Limited": a wire's name as the outlet
    "dateline",  # "KYIV, Nov 25 (Reuters) -": the credit
    "credit line",  # "(New York Times News Service)", "(Reuters)", "— AFP"
    "caption lines",  # "... Picture: Getty"
    "py3langid",  # the language, detected
    "english function words",  # the language, English by its common words
    "sidecar",  # NAME.meta.json beside the article
    "flag",  # --outlet/--date/--byline/--title on `add`
    # Web pages: what the page declares, then what the extractors read from it.
    "json-ld",  # <script type="application/ld+json"> NewsArticle
    "meta tag",  # OpenGraph, article:published_time, author, description...
    "html lang",  # <html lang="...">
    "html figcaption",  # <figcaption>
    "h1",  # the page's <h1>, chosen over its declared title
    "byline element",  # rel=author, itemprop=author, class "byline"/"author"
    "trafilatura",  # trafilatura's reading of the page
    "htmldate",  # htmldate's publication date (to the day)
    "warc header",  # WARC-Target-URI, WARC-Date
    # Records: 'json key "headline"', 'csv column "author"', 'feed entry "content"'.
)



__all__ = [
    "AddReport",
    "Article",
    "CheckReport",
    "Copy",
    "CopyChanges",
    "Explanation",
    "FacetCount",
    "Facets",
    "FileOutcome",
    "Hit",
    "Lineage",
    "LineageCopy",
    "Mark",
    "Period",
    "QuerySummary",
    "RebuildReport",
    "RemoveReport",
    "PlaceVariant",
    "PlaceVariants",
    "ReviewProgress",
    "SearchResults",
    "SentenceEdit",
    "Snippet",
    "Span",
    "Stats",
    "Timeline",
    "Watch",
    "WatchReport",
    "WordScore",
]

def date_precision(value: datetime | None) -> str | None:
    """How precise a publication date is: "day" when the source gave the day
    alone (newsindex stores it at midnight, 00:00:00, and shows no time),
    "time" otherwise; None without a date. A source that gave midnight
    itself reads as "day" too: such a time says no more than the day."""
    if value is None:
        return None
    return "day" if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0) else "time"


@dataclass(frozen=True)
class Span:
    """A match inside a snippet or title: ``text[start:end]`` is the matched word."""

    start: int
    end: int


@dataclass(frozen=True)
class Snippet:
    """A sentence-aware excerpt with the character offsets of every matched term."""

    field: str  # "body" or "captions"
    text: str
    matches: tuple[Span, ...]


@dataclass(frozen=True)
class Copy:
    """Another article in the same cluster of near-identical copies."""

    id: str
    path: str
    outlet: str | None
    published: datetime | None
    first_seen: bool  # the earliest dated copy of the cluster

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "published": _iso(self.published)}


@dataclass(frozen=True)
class Article:
    """One indexed article, as stored."""

    id: str
    path: str
    title: str | None
    body: str
    captions: tuple[str, ...]
    byline: tuple[str, ...]
    outlet: str | None
    credit: str | None
    published: datetime | None
    updated: datetime | None
    provenance: dict[str, str]
    content_hash: str
    record: str | None = None  # its key in a file of many records: its URL, or its place
    url: str | None = None
    language: str | None = None
    description: str | None = None
    crawled: datetime | None = None  # when a web archive fetched it; not its publication date
    section: str | None = None  # the part of the outlet it appeared in ("Technology")
    copies: tuple[Copy, ...] = ()  # near-identical copies elsewhere in the index
    #: Whether it is the earliest dated of its near-identical copies; None when
    #: it has no copies, or none of them is dated.
    first_seen: bool | None = None
    mark: Mark | None = None  # its review mark

    @property
    def lede(self) -> str:
        """The body's first sentence: what displays may show when there is no title."""
        return first_sentence(self.body)

    @property
    def headline_only(self) -> bool:
        """The source gave a headline (with a link or a date) and no text: a
        feed entry of headlines, found by its headline alone."""
        return not self.body.strip()

    @property
    def published_precision(self) -> str | None:
        """See :func:`date_precision`."""
        return date_precision(self.published)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = _iso(self.published)
        data["updated"] = _iso(self.updated)
        data["crawled"] = _iso(self.crawled)
        data["copies"] = [c.to_dict() for c in self.copies]
        data["mark"] = self.mark.to_dict() if self.mark else None
        data["lede"] = self.lede
        data["headline_only"] = self.headline_only
        data["published_precision"] = self.published_precision
        return data


@dataclass(frozen=True)
class Hit:
    """One search result: the article's metadata, its score and its snippets."""

    rank: int
    score: float | None  # None when sorted by date
    id: str
    path: str
    title: str | None
    title_matches: tuple[Span, ...]
    lede: str
    outlet: str | None
    credit: str | None
    byline: tuple[str, ...]
    published: datetime | None
    updated: datetime | None
    provenance: dict[str, str]
    snippets: tuple[Snippet, ...]
    record: str | None = None  # its key in a file of many records
    url: str | None = None
    language: str | None = None
    copies: tuple[Copy, ...] = ()  # folded into this hit
    first_seen: bool | None = None  # as Article.first_seen
    cluster: str | None = None  # its group of near-identical copies (the same for each copy)
    #: Its review mark, or the strongest of its copies' (Mark.id says which).
    mark: Mark | None = None
    explanation: Explanation | None = None  # with ``explain=True``

    @property
    def headline_only(self) -> bool:
        """The source gave a headline and no text (see Article.headline_only)."""
        return not self.lede

    @property
    def published_precision(self) -> str | None:
        """See :func:`date_precision`."""
        return date_precision(self.published)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["headline_only"] = self.headline_only
        data["published_precision"] = self.published_precision
        data["published"] = _iso(self.published)
        data["updated"] = _iso(self.updated)
        data["copies"] = [c.to_dict() for c in self.copies]
        data["mark"] = self.mark.to_dict() if self.mark else None
        data["explanation"] = self.explanation.to_dict() if self.explanation else None
        data["title_matches"] = [[s.start, s.end] for s in self.title_matches]
        data["snippets"] = [
            {"field": s.field, "text": s.text, "matches": [[m.start, m.end] for m in s.matches]}
            for s in self.snippets
        ]
        return data


@dataclass(frozen=True)
class WordScore:
    """One word (or phrase, or field:value) of a query, and its score in each field of a hit."""

    word: str  # as the index holds it: its stem ("bridg"), a "phrase", or outlet:lbc
    fields: dict[str, float]  # field: score, for the fields that hold it (empty: the hit lacks it)

    @property
    def score(self) -> float:
        return sum(self.fields.values())

    def to_dict(self) -> dict[str, Any]:
        return {"word": self.word, "fields": dict(self.fields), "score": self.score}


@dataclass(frozen=True)
class Explanation:
    """Why a hit ranks where it does (``search(explain=True)``)."""

    words: tuple[WordScore, ...]
    held: int  # words the hit holds...
    of: int  # ...of the query's words (that count toward coordination)
    coordination: float  # factor on the words' scores: 1.0 when the hit holds them all
    score: float  # the words' scores, times coordination, plus the expansion's: the hit's score
    #: Feedback words of a long query (SearchResults.expansion) the hit holds, with their scores in it.
    expansion: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"words": [w.to_dict() for w in self.words], "held": self.held, "of": self.of,
                "coordination": self.coordination, "expansion": dict(self.expansion), "score": self.score}


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class Facets:
    """Counts over the whole hit set, not just the page shown; largest first."""

    outlet: tuple[FacetCount, ...]
    byline: tuple[FacetCount, ...]
    month: tuple[FacetCount, ...]  # "2022-11", newest first
    undated: int
    no_outlet: int
    language: tuple[FacetCount, ...] = ()  # "en", as declared or detected
    no_language: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlet": {f.value: f.count for f in self.outlet},
            "byline": {f.value: f.count for f in self.byline},
            "month": {f.value: f.count for f in self.month},
            "language": {f.value: f.count for f in self.language},
            "undated": self.undated,
            "no_outlet": self.no_outlet,
            "no_language": self.no_language,
        }


#: The orders a search's hits can come in (``sort``).
SORTS = ("relevance", "newest", "oldest")
#: The periods a timeline counts hits by.
PERIODS = ("day", "week", "month", "year")


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int  # hits in all, over every page (a cluster of copies counts once)
    hits: tuple[Hit, ...]  # this page
    seconds: float
    offset: int = 0  # hits before this page
    folded: int = 0  # matching articles folded into another hit as its copies
    #: With a date filter: articles that match otherwise but have no date.
    excluded_undated: int | None = None
    facets: Facets | None = None
    #: "Did you mean": a corrected query that finds more, when this one finds few.
    suggestion: str | None = None
    #: With ``like``: the id of the article hits are ranked by likeness to.
    like: str | None = None
    #: An --outlet or --byline that no article matches, with the closest name
    #: the index holds: (("outlet", "The New York Times"),).
    filter_suggestions: tuple[tuple[str, str], ...] = ()
    #: With --since or --until: the first and last moments searched, as read
    #: from what was typed ("last week" included); None for an open end.
    date_window: tuple[datetime | None, datetime | None] | None = None
    #: With ``review_progress``: how many of the matching stories were reviewed.
    review: ReviewProgress | None = None
    #: In "auto" mode, when no article holds every word of the query: (the
    #: most words any article holds, the query's words); hits are then the
    #: best matches for that many.
    words_held: tuple[int, int] | None = None
    #: For a long query ranked by relevance: the words of its best matches
    #: whose scores were added to its hits' (pseudo-relevance feedback).
    expansion: tuple[str, ...] = ()
    #: Places the query's words name, with their other names this archive
    #: holds (searched too when ``applied``).
    places: tuple[PlaceVariants, ...] = ()

    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "query": self.query,
            **({"like": self.like} if self.like else {}),
            "total": self.total,
            "offset": self.offset,
            "shown": len(self.hits),
            "folded": self.folded,
            "seconds": round(self.seconds, 4),
        }
        if self.excluded_undated is not None:
            data["excluded_undated"] = self.excluded_undated
        if self.facets is not None:
            data["facets"] = self.facets.to_dict()
        if self.suggestion is not None:
            data["suggestion"] = self.suggestion
        if self.filter_suggestions:
            data["filter_suggestions"] = dict(self.filter_suggestions)
        if self.date_window is not None:
            data["date_window"] = [_iso(moment) for moment in self.date_window]
        if self.review is not None:
            data["review"] = self.review.to_dict()
        if self.words_held is not None:
            data["words_held"] = list(self.words_held)
        if self.expansion:
            data["expansion"] = list(self.expansion)
        if self.places:
            data["places"] = [place.to_dict() for place in self.places]
        return data


#: What ``add`` did with a file or record. "skipped_earlier": skipped when
#: the file was last read, and the file is unchanged since (not read again);
#: "passed_over": found in a folder, of a type newsindex does not read (its
#: reason starts with the extension). Neither makes the exit status 1.
OUTCOME_STATUSES = ("added", "updated", "unchanged", "duplicate", "skipped", "skipped_earlier", "passed_over")


@dataclass(frozen=True)
class FileOutcome:
    """What `add` did with one input file, or one record of a file of many."""

    path: str
    status: str  # one of OUTCOME_STATUSES
    id: str | None = None
    reason: str | None = None  # why it was skipped (now or earlier)
    duplicate_of: str | None = None  # id of the article it duplicates
    record: str | None = None  # in a file of many records: which one ("1042" is a line)

    @property
    def where(self) -> str:
        """``path``, or ``path:record`` for one record of a file of many."""
        return f"{self.path}:{self.record}" if self.record else self.path


@dataclass
class AddReport:
    """What ``add`` did. ``outcomes`` holds every file's (or record's)
    outcome, unless ``add`` was given ``on_outcome``, which then receives them
    instead, and the report keeps only the counts: memory then stays flat
    however many files an add reads."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    #: Outcomes by status, skipped ones by reason (the reason up to its first
    #: colon), and files passed over by type (".pdf").
    tally: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME_STATUSES, 0))
    skip_reasons: dict[str, int] = field(default_factory=dict)
    passed_over_types: dict[str, int] = field(default_factory=dict)
    #: Stopped by a first Ctrl-C: what was read before it is committed, the
    #: rest was not read (the same add again reads it).
    interrupted: bool = False
    #: Each watch that gained stories with this add, and how many (not yet marked seen).
    watches: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: FileOutcome) -> None:
        self.tally[outcome.status] += 1
        if outcome.status in ("skipped", "passed_over"):
            counter = self.skip_reasons if outcome.status == "skipped" else self.passed_over_types
            reason = (outcome.reason or "unknown").split(":")[0]
            counter[reason] = counter.get(reason, 0) + 1

    def _with(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def added(self) -> list[FileOutcome]:
        return self._with("added")

    @property
    def updated(self) -> list[FileOutcome]:
        return self._with("updated")

    @property
    def unchanged(self) -> list[FileOutcome]:
        return self._with("unchanged")

    @property
    def duplicates(self) -> list[FileOutcome]:
        return self._with("duplicate")

    @property
    def skipped(self) -> list[FileOutcome]:
        return self._with("skipped")

    def counts(self) -> dict[str, int]:
        return dict(self.tally)


@dataclass(frozen=True)
class QuerySummary:
    """One row of ``batch``: what a query finds, or why it could not run."""

    query: str
    articles: int  # matching articles, copies included
    stories: int  # the same with near-identical copies counted once
    first: datetime | None  # the earliest publication date among them
    last: datetime | None  # the latest
    outlets: tuple[FacetCount, ...]  # the three largest outlets
    error: str | None = None  # why the query could not run (the others still do)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "articles": self.articles,
            "stories": self.stories,
            "first": _iso(self.first),
            "last": _iso(self.last),
            "outlets": {c.value: c.count for c in self.outlets},
            "error": self.error,
        }


@dataclass(frozen=True)
class Watch:
    """A standing query: checked for what the archive gains."""

    name: str
    query: str
    filters: dict[str, str]  # outlet, byline, since, until, lang, mode, as given
    created: datetime
    checked: datetime | None  # when it last marked what it found as seen

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "query": self.query, "filters": self.filters,
                "created": _iso(self.created), "checked": _iso(self.checked)}


@dataclass(frozen=True)
class WatchReport:
    """What a watch found that it had not shown before."""

    name: str
    query: str
    new: tuple[Hit, ...]  # newest first
    error: str | None = None  # why its query could not run (the other watches still do)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "query": self.query, "new": [h.to_dict() for h in self.new], "error": self.error}


@dataclass(frozen=True)
class SentenceEdit:
    """A sentence a copy reworded: the earliest copy's, this one's, and the
    words between them, as ("=", kept), ("-", removed), ("+", added) runs."""

    before: str
    after: str
    words: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"before": self.before, "after": self.after, "words": [list(w) for w in self.words]}


@dataclass(frozen=True)
class CopyChanges:
    """What a copy changed against the earliest copy of its story."""

    headline: tuple[str | None, str | None] | None  # (earliest's, this copy's) when they differ
    credit: tuple[str | None, str | None] | None  # likewise
    added: tuple[str, ...]  # sentences only this copy has
    removed: tuple[str, ...]  # sentences of the earliest this copy does not have
    edited: tuple[SentenceEdit, ...]  # sentences reworded

    @property
    def unchanged(self) -> bool:
        return not (self.headline or self.credit or self.added or self.removed or self.edited)

    def to_dict(self) -> dict[str, Any]:
        return {
            "headline": list(self.headline) if self.headline else None,
            "credit": list(self.credit) if self.credit else None,
            "added": list(self.added),
            "removed": list(self.removed),
            "edited": [e.to_dict() for e in self.edited],
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class LineageCopy:
    """One copy of a story, as its lineage lists it."""

    id: str
    path: str
    title: str | None
    outlet: str | None
    credit: str | None
    byline: tuple[str, ...]
    published: datetime | None
    url: str | None
    first_seen: bool  # the earliest dated copy
    changes: CopyChanges | None  # against the earliest; None for the copy compared with

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = _iso(self.published)
        data["changes"] = self.changes.to_dict() if self.changes else None
        return data


@dataclass(frozen=True)
class Lineage:
    """Where a story came from: its near-identical copies in the order they
    were published (undated last), each later one compared with the first."""

    cluster: str
    copies: tuple[LineageCopy, ...]
    first: str | None  # id of the earliest dated copy; None when none is dated

    def to_dict(self) -> dict[str, Any]:
        return {"cluster": self.cluster, "first": self.first, "copies": [c.to_dict() for c in self.copies]}


#: What a reader can say of an article, weakest first: a story's status is
#: the strongest its copies were given.
MARK_STATUSES = ("seen", "irrelevant", "relevant")
#: The status that takes a mark away.
UNMARK = "unseen"


@dataclass(frozen=True)
class Mark:
    """A reader's review of one article."""

    id: str  # the article marked (a copy of the hit it is shown on, when they differ)
    status: str  # one of MARK_STATUSES
    note: str | None
    marked: datetime  # when, in UTC

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "note": self.note, "marked": _iso(self.marked)}


@dataclass(frozen=True)
class PlaceVariant:
    """Another name of a place, and how many articles of the archive use it."""

    name: str  # as GeoNames writes it: "Kiev", "Київ"
    articles: int


@dataclass(frozen=True)
class PlaceVariants:
    """A word of a query that names a city, and the city's other names in the archive."""

    word: str  # the word as searched (folded): "kyiv"
    place: str  # the city's GeoNames name: "Kyiv"
    country: str  # its ISO country code: "UA"
    population: int
    variants: tuple[PlaceVariant, ...]
    applied: bool  # whether the search matched them too (``variants=True``)

    def to_dict(self) -> dict[str, Any]:
        return {"word": self.word, "place": self.place, "country": self.country, "population": self.population,
                "variants": [asdict(v) for v in self.variants], "applied": self.applied}


@dataclass(frozen=True)
class ReviewProgress:
    """How much of a query's hits has been reviewed, counted in stories
    (near-identical copies once): a story is reviewed when any copy is marked."""

    stories: int  # matching stories
    reviewed: int
    by_status: dict[str, int]  # reviewed stories by their strongest mark, strongest status first

    @property
    def unseen(self) -> int:
        return self.stories - self.reviewed

    def to_dict(self) -> dict[str, Any]:
        return {"stories": self.stories, "reviewed": self.reviewed, "unseen": self.unseen,
                "by_status": dict(self.by_status)}


@dataclass(frozen=True)
class RemoveReport:
    removed: tuple[str, ...]  # ids
    not_found: tuple[str, ...]  # the references that matched nothing


@dataclass(frozen=True)
class Stats:
    path: str
    articles: int
    outlets: dict[str, int]
    earliest: datetime | None
    latest: datetime | None
    undated: int
    size_bytes: int
    marked: dict[str, int] = field(default_factory=dict)  # review marks by status, strongest first

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["earliest"] = _iso(self.earliest)
        data["latest"] = _iso(self.latest)
        return data


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def first_sentence(text: str, limit: int = 200) -> str:
    """The first sentence of ``text``, cut at ``limit`` characters on a word boundary."""
    text = " ".join(text.split())
    match = re.search(r"[.!?][\"'”’]?(?=\s+[\"'“‘A-Z0-9])", text)
    sentence = text[: match.end()] if match else text
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0] + "…"
    return sentence


@dataclass(frozen=True)
class CheckReport:
    """What `check` found. ``problems`` are damage; ``notes`` are facts worth knowing."""

    path: str
    articles: int
    segments: int
    problems: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class RebuildReport:
    articles: int  # in the rebuilt index
    from_source: int  # re-read from their files
    from_index: int  # carried over from the stored copy: the file is gone or unreadable
    lost: tuple[str, ...]  # paths of articles that could not be recovered at all
    seconds: float


@dataclass(frozen=True)
class Period:
    start: date  # first day of the period
    label: str  # "2022-11-14" (day), "2022-W46" (week), "2022-11" (month), "2022" (year)
    count: int  # hits (or stories) of the query in the period
    indexed: int | None = None  # with normalize: the articles (or stories) the archive holds in it, filters applied

    @property
    def rate(self) -> float | None:
        """``count`` as a share of ``indexed``; None when the timeline is not
        normalised, or the period has nothing indexed (no share to give)."""
        return self.count / self.indexed if self.indexed else None

    def to_dict(self) -> dict[str, Any]:
        """As ``timeline --json`` gives it: ``indexed`` and ``rate`` only when normalised."""
        data: dict[str, Any] = {"period": self.label, "start": self.start.isoformat(), "count": self.count}
        if self.indexed is not None:
            data.update(indexed=self.indexed, rate=self.rate)
        return data

    @property
    def value(self) -> float:
        """What a chart draws: the rate when normalised, else the count."""
        if self.indexed is None:
            return self.count
        return self.rate or 0.0


@dataclass(frozen=True)
class Timeline:
    """Hits per period, with empty periods included so gaps show.

    Timelines compared in one call (:meth:`NewsIndex.timelines`) share their
    ``by`` and their periods, so that their series line up."""

    query: str
    by: str  # "day" | "week" | "month" | "year"
    periods: tuple[Period, ...]
    total: int  # dated hits (or stories) counted in the periods
    undated: int  # hits (or stories) with no date, which no period can hold
    stories: bool = False  # counts are of stories, copies folded (a story in the period of its first copy)
    normalized: bool = False  # periods carry ``indexed``, and ``rate``

    @property
    def peak(self) -> Period | None:
        """The period with the most hits, or the highest rate when normalised
        (None when no period has any)."""
        peak = max(self.periods, key=lambda p: p.value) if self.periods else None
        return peak if peak is not None and peak.count else None

    def summary(self) -> dict[str, Any]:
        peak = self.peak
        return {
            "query": self.query,
            "by": self.by,
            "total": self.total,
            "undated": self.undated,
            "stories": self.stories,
            "normalized": self.normalized,
            "peak": {"period": peak.label, "count": peak.count, "rate": peak.rate} if peak else None,
        }
