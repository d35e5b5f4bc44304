"""Rich renderables for the API's results. They know nothing of where the data came from."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable
from datetime import datetime, time

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.text import Text

from .models import (
    AddReport,
    Article,
    CheckReport,
    Copy,
    CopyChanges,
    Explanation,
    Facets,
    Hit,
    Lineage,
    Mark,
    Period,
    PlaceVariants,
    QuerySummary,
    RebuildReport,
    ReviewProgress,
    SearchResults,
    Snippet,
    Span,
    Stats,
    Timeline,
    Watch,
    WatchReport,
)

# Tables and columns are imported by the renderers that use them: a search
# shows none (unless --facets), and every cold start would pay for importing them.

MATCH_STYLE = "bold yellow"
#: What every display says of an article whose source names no outlet.
NO_OUTLET = "no outlet"
#: Months the month facet lists, the busiest; the span says how many there are.
FACET_MONTHS = 6
TITLE_STYLE = "bold"
MARK_STYLES = {"relevant": "bold green", "irrelevant": "red", "seen": "blue"}
META_STYLE = "cyan"
DIM = "dim"


def display_path(path: str) -> str:
    """``path`` relative to the working folder when it is inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return path
    return path if rel.startswith("..") else rel


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return "undated"
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.strftime("%-d %b %Y")
    text = value.strftime("%-d %b %Y %H:%M")
    return f"{text} {value.tzname()}" if value.tzinfo is not None else text


def date_window(start: datetime | None, end: datetime | None) -> str:
    """A date filter's window as read: "1 Nov 2022 to 30 Nov 2022", "from
    1 Nov 2022", "up to 30 Nov 2022" (times shown when not a day's ends)."""

    def shown(moment: datetime, day_end: bool) -> str:
        whole_day = moment.time() == (time.max if day_end else time.min)
        return moment.strftime("%-d %b %Y") if whole_day else moment.strftime("%-d %b %Y %H:%M")

    if start is not None and end is not None:
        return f"{shown(start, False)} to {shown(end, True)}"
    return f"from {shown(start, False)}" if start is not None else f"up to {shown(end, True)}" if end else ""


def highlighted(text: str, spans: Iterable[Span], base_style: str = "") -> Text:
    out = Text(text, style=base_style)
    for span in spans:
        out.stylize(MATCH_STYLE, span.start, span.end)
    return out


def byline_line(outlet: str | None, published: datetime | None, byline: Iterable[str]) -> Text:
    parts = [outlet or NO_OUTLET, format_datetime(published)]
    names = ", ".join(byline)
    if names:
        parts.append(names)
    return Text(" · ".join(parts), style=META_STYLE)


def place_line(place: PlaceVariants) -> str:
    """"Also in this archive: Kiev (3 articles), Київ (2): other names of Kyiv, UA. --variants adds them." """
    counts = ", ".join(
        f"{v.name} ({v.articles} article{'' if v.articles == 1 else 's'})" if n == 0 else f"{v.name} ({v.articles})"
        for n, v in enumerate(place.variants)
    )
    city = f"other names of {place.place} (city, {place.country})"
    if place.applied:
        return f"Also searched: {counts}: {city}."
    return f"Also in this archive: {counts}: {city}. --variants adds them."


def search_header(results: SearchResults) -> Text:
    shown = len(results.hits)
    noun = "hit" if results.total == 1 else "hits"
    if shown == results.total:
        count = f"{results.total} {noun}"
    elif shown == 0:
        count = f"no hits on this page, of {results.total}"
    elif shown == 1:
        count = f"hit {results.offset + 1} of {results.total}"
    else:
        count = f"hits {results.offset + 1}-{results.offset + shown} of {results.total}"
    subject = f"like article {results.like}" if results.like else f"for {results.query!r}"
    if results.like and results.query.strip():
        subject += f" among {results.query!r}"
    header = Text.assemble((count, "bold"), f" {subject} ", (f"({results.seconds * 1000:.1f} ms)", DIM))
    if results.date_window is not None:
        header.append(f"; dated {date_window(*results.date_window)}")
    if results.expansion:
        header.append(f"\nRanked with words of its best matches: {', '.join(results.expansion)}", style=DIM)
    for place in results.places:
        header.append(f"\n{place_line(place)}", style="cyan")
    if results.words_held is not None:
        held, words = results.words_held
        both = "both" if words == 2 else f"all {words}"
        header.append(f"\nNo article holds {both} words: best matches for {held} of them", style="yellow")
    if results.folded:
        header.append(f"; {results.folded} near-identical copies folded (--all-copies shows them)", style=DIM)
    if results.suggestion:
        header.append("\nDid you mean: ", style="bold")
        header.append(results.suggestion, style="bold cyan")
        header.append("?")
    for field, name in results.filter_suggestions:
        header.append(f"\nNo article's {field} matches that --{field}: did you mean ", style="bold")
        header.append(f"--{field} {shlex.quote(name)}", style="bold cyan")
        header.append("?")
    if results.excluded_undated:
        n = results.excluded_undated
        header.append(f"; the date filter left out {n} undated article{'' if n == 1 else 's'}", style="yellow")
    if results.review is not None:
        header.append("\n")
        header.append_text(review_progress(results.review))
    return header


def review_progress(r: ReviewProgress) -> Text:
    """"Reviewed 3 of 8 stories (38%): 1 relevant, 2 seen; 5 unseen"."""
    share = f" ({r.reviewed / r.stories:.0%})" if r.stories else ""
    noun = "story" if r.stories == 1 else "stories"
    line = Text.assemble(("Reviewed", "bold"), f" {r.reviewed} of {r.stories} {noun}{share}")
    if r.by_status:
        line.append(": " + ", ".join(f"{n} {status}" for status, n in r.by_status.items()))
    line.append(f"; {r.unseen} unseen", style=DIM)
    return line


def explanation(e: Explanation) -> Text:
    """"score 12.41 = (bridg 7.20 [title 4.1, body 3.1] + destroy 2.9 [body]) × 0.56 (coordination: 2 of 3 words)"."""
    line = Text(f"score {e.score:.2f} = ", style=DIM)
    if e.coordination != 1.0:
        line.append("(", style=DIM)
    for number, word in enumerate(e.words):
        if number:
            line.append(" + ", style=DIM)
        line.append(word.word, style=MATCH_STYLE if word.fields else "strike")
        if word.fields:
            parts = ", ".join(f"{field} {score:.2f}" for field, score in sorted(word.fields.items(),
                                                                              key=lambda item: -item[1]))
            line.append(f" {word.score:.2f} [{parts}]", style=DIM)
        else:
            line.append(" 0 [not in this article]", style=DIM)
    if e.coordination != 1.0:
        line.append(f") × {e.coordination:.2f} (holds {e.held} of {e.of} words)", style=DIM)
    if e.expansion:
        words = ", ".join(f"{word} {score:.2f}" for word, score in e.expansion.items())
        line.append(f" + feedback words {sum(e.expansion.values()):.2f} [{words}]", style=DIM)
    return line


def mark_line(m: Mark, own_id: str) -> Text:
    """"✓ relevant: key source (marked 4 Dec 2026)", saying so when the mark is a copy's."""
    line = Text(f"✓ {m.status}", style=MARK_STYLES[m.status])
    if m.id != own_id:
        line.append(f" (a copy, {m.id})", style=DIM)
    if m.note:
        line.append(": ")
        line.append(m.note)
    line.append(f" · marked {format_datetime(m.marked)}", style=DIM)
    return line


def facets(f: Facets) -> RenderableType:
    from rich.columns import Columns
    from rich.table import Table

    # The busiest months, newest first, and the span: the whole series is the timeline's.
    months = sorted(sorted(f.month, key=lambda c: -c.count)[:FACET_MONTHS], key=lambda c: c.value, reverse=True)
    span = None
    if len(f.month) > len(months):
        oldest, newest = min(c.value for c in f.month), max(c.value for c in f.month)
        span = Text(
            f"month: the busiest {len(months)} of {len(f.month)} months from {oldest} to {newest}; "
            "`newsindex timeline` draws them all",
            style=DIM,
        )
    tables = []
    for title, counts, extras in (
        ("outlet", f.outlet, [(NO_OUTLET, f.no_outlet)]),
        ("byline", f.byline, []),
        ("month", months, [("undated", f.undated)]),
        ("language", f.language, [("no language", f.no_language)]),
    ):
        table = Table(title=title, show_header=False, box=None, padding=(0, 1), title_justify="left")
        table.add_column(overflow="fold")
        table.add_column(justify="right")
        for count in counts:
            table.add_row(count.value, str(count.count))
        shown = [extra for extra in extras if extra[1]]
        for label, number in shown:
            table.add_row(Text(label, style=DIM), str(number))
        if not counts and not shown:
            table.add_row(Text("none", style=DIM), "")
        tables.append(table)
    columns = Columns(tables, padding=(1, 4))
    return Group(columns, span) if span is not None else columns


class Hanging:
    """``first`` then ``text`` wrapped so that every line after the first
    starts under the text, not under ``first``: a hit's rank, then its title."""

    def __init__(self, first: Text, text: Text) -> None:
        self.first = first
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = self.first.cell_len
        lines = self.text.wrap(console, max(options.max_width - indent, 20), overflow="fold")
        for number, line in enumerate(lines):
            yield Text.assemble(self.first if number == 0 else " " * indent, line)


def hit(h: Hit) -> RenderableType:
    head = Text()
    if h.title:
        head.append_text(highlighted(h.title, h.title_matches, TITLE_STYLE))
        if h.headline_only:
            head.append("  (headline only)", style=DIM)
    else:
        head.append(h.lede, style="italic")
        head.append("  (lede, no title)", style=DIM)
    head.append(f"  {h.id}", style=DIM)
    lines: list[RenderableType] = [
        Hanging(Text(f"{h.rank:>2}  ", style="bold"), head),
        _indent(byline_line(h.outlet, h.published, h.byline)),
    ]
    if h.copies:
        lines.append(_indent(copies_line(h.copies, h.first_seen)))
    if h.mark is not None:
        lines.append(_indent(mark_line(h.mark, h.id)))
    if h.explanation is not None:
        lines.append(_indent(explanation(h.explanation)))
    lines.extend(_indent(snippet(s)) for s in h.snippets)
    lines.extend(_indent(Text(part, style=DIM, overflow="fold")) for part in source_lines(h.path, h.record, h.url))
    return Group(*lines)


def source_lines(path: str, record: str | None, url: str | None) -> list[str]:
    """Where an article came from: its file (with its record in the file),
    then its URL on a line of its own, so that neither breaks for the other."""
    lines = [display_path(path) + (f" · {record}" if record and record != url else "")]
    if url:
        lines.append(url)
    return lines


def copies_line(copies: tuple[Copy, ...], first_seen: bool | None) -> Text:
    outlets = sorted({c.outlet or NO_OUTLET for c in copies})
    noun = "copy" if len(copies) == 1 else "copies"
    line = Text(f"+{len(copies)} {noun} ({', '.join(outlets)})", style="yellow")
    if first_seen:
        line.append(" · this one was first seen", style=DIM)
    else:
        first = next((c for c in copies if c.first_seen), None)
        if first is not None:
            where = first.outlet or display_path(first.path)
            line.append(f" · first seen: {where}, {format_datetime(first.published)}", style=DIM)
    return line


def snippet(s: Snippet) -> Text:
    text = highlighted(s.text, s.matches)
    if s.field != "body":
        text = Text.assemble((f"[{s.field}] ", DIM), text)
    return text


def _indent(text: Text) -> Padding:
    """Indented so that wrapped lines stay under their hit."""
    return Padding(text, (0, 0, 0, 4), expand=False)


def add_summary(report: AddReport) -> Text:
    counts = report.counts()
    parts = [f"{counts[k]} {k}" for k in ("added", "updated", "unchanged")]
    parts.append(f"{counts['duplicate']} duplicate")
    skipped = f"{counts['skipped']} skipped"
    reasons = sorted(report.skip_reasons.items(), key=lambda kv: -kv[1])
    if reasons:
        skipped += " (" + ", ".join(f"{n} {reason}" for reason, n in reasons) + ")"
    parts.append(skipped)
    if counts["skipped_earlier"]:
        parts.append(f"{counts['skipped_earlier']} skipped earlier, files unchanged")
    line = ", ".join(parts) + f" in {report.seconds:.2f} s"
    if counts["passed_over"]:
        kinds = sorted(report.passed_over_types.items(), key=lambda kv: (-kv[1], kv[0]))
        listed = ", ".join(kind if n == 1 else f"{kind} ×{n}" for kind, n in kinds)
        noun = "file" if counts["passed_over"] == 1 else "files"
        line += f"; passed over {counts['passed_over']} {noun} of types newsindex does not read: {listed}"
    return Text(line)


def article(a: Article) -> RenderableType:
    from rich.table import Table

    title = Text(a.title, style=TITLE_STYLE) if a.title else Text.assemble(
        (a.lede, "italic"), ("  (lede, no title)", DIM)
    )
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style=DIM)
    meta.add_column(overflow="fold")  # paths and URLs wrap, never cut
    meta.add_column(style=DIM, overflow="fold")
    rows = [
        ("id", a.id, ""),
        ("path", display_path(a.path), ""),
        ("record", a.record or "", ""),  # its key in a file of many: as --json gives it
        ("url", a.url or "", "url"),
        ("title", a.title or "", "title"),
        ("outlet", a.outlet or "", "outlet"),
        ("section", a.section or "", "section"),
        ("credit", a.credit or "", "credit"),
        ("byline", ", ".join(a.byline), "byline"),
        ("published", format_datetime(a.published) if a.published else "", "published"),
        ("updated", format_datetime(a.updated) if a.updated else "", "updated"),
        ("language", a.language or "", "language"),
        ("description", a.description or "", "description"),
        ("crawled", format_datetime(a.crawled) if a.crawled else "", "crawled"),
        ("captions", str(len(a.captions)) if a.captions else "", "captions"),
    ]
    for label, value, field in rows:
        source = a.provenance.get(field, "") if field else ""
        meta.add_row(label, value or Text("—", style=DIM), f"from {source}" if source else "")
    body = Text(a.body) if not a.headline_only else Text("(headline only: the source gave no text)", style=DIM)
    parts: list[RenderableType] = [title, meta]
    if a.mark is not None:
        parts.append(mark_line(a.mark, a.id))
    parts += [Text(""), body]
    if a.captions:
        parts.append(Text("\nCaptions", style="bold"))
        parts.extend(Text(f"  • {c}") for c in a.captions)
    if a.copies:
        heading = "\nCopies (this one was first seen)" if a.first_seen else "\nCopies"
        parts.append(Text(heading, style="bold"))
        for c in a.copies:
            mark = "  (first seen)" if c.first_seen else ""
            parts.append(Text(
                f"  • {c.id}  {c.outlet or NO_OUTLET} · {format_datetime(c.published)} · "
                f"{display_path(c.path)}{mark}"
            ))
        parts.append(Text(f"What each copy changed: newsindex lineage {a.id}", style=DIM))
    return Group(*parts)


def lineage(story: Lineage) -> RenderableType:
    """The copies of a story in publication order, each later one with what
    it changed against the first: headline, credit, and sentences removed
    (red), added (green) and reworded (word by word)."""
    count = len(story.copies)
    first = next((c for c in story.copies if c.first_seen), None)
    header = Text.assemble((f"{count} copies", "bold"), " of one story")
    if count == 1:
        header = Text("No near-identical copy of this article is in the index.", style="bold")
    elif first is not None:
        header.append(f", first seen in {first.outlet or NO_OUTLET} on {format_datetime(first.published)}")
    elif count > 1:
        header.append("; none is dated, so none is known to be first: compared with the first listed",
                      style="yellow")
    lines: list[RenderableType] = [header]
    for number, c in enumerate(story.copies, 1):
        head = byline_line(c.outlet, c.published, c.byline)
        if c.credit:
            head.append(f" · credit: {c.credit}", style=META_STYLE)
        if c.first_seen:
            head.append("  ← first seen", style="bold")
        head.append(f"  {c.id}", style=DIM)
        lines += [Text(""), Hanging(Text(f"{number:>2}  ", style="bold"), head)]
        lines.append(_indent(Text(c.title or "(no title)", style=TITLE_STYLE if c.title else DIM)))
        lines.extend(_indent(Text(part, style=DIM, overflow="fold")) for part in source_lines(c.path, None, c.url))
        if c.changes is not None:
            lines.extend(_indent(line) for line in _change_lines(c.changes))
    return Group(*lines)


def _change_lines(changes: CopyChanges) -> list[Text]:
    if changes.unchanged:
        return [Text("same text, headline and credit as the first", style=DIM)]
    lines = []
    for label, change in (("headline", changes.headline), ("credit", changes.credit)):
        if change is not None:
            before, after = (value or "(none)" for value in change)
            lines.append(Text.assemble((f"{label}: ", "bold"), (before, "red strike"), " → ", (after, "green")))
    lines += [Text.assemble(("− ", "bold red"), (sentence, "red")) for sentence in changes.removed]
    lines += [Text.assemble(("+ ", "bold green"), (sentence, "green")) for sentence in changes.added]
    for edit in changes.edited:
        line = Text("~ ", style="bold yellow")
        for op, words in edit.words:
            if len(line) > 2:
                line.append(" ")
            line.append(words, style={"=": "", "-": "red strike", "+": "green"}[op])
        lines.append(line)
    return lines


def stats(s: Stats) -> RenderableType:
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(style=DIM)
    table.add_column(overflow="fold")
    span = "—"
    if s.earliest is not None and s.latest is not None:
        span = f"{format_datetime(s.earliest)} to {format_datetime(s.latest)}"
    table.add_row("index", display_path(os.path.abspath(s.path)))
    table.add_row("articles", str(s.articles))
    table.add_row("dates", span)
    table.add_row("undated", str(s.undated))
    table.add_row("size", f"{s.size_bytes / 1024 / 1024:.1f} MB")
    table.add_row(
        "outlets",
        ", ".join(f"{name} ({n})" for name, n in s.outlets.items()) or "none recorded",
    )
    if s.marked:
        table.add_row("marked", ", ".join(f"{n} {status}" for status, n in s.marked.items())
                      + " (search --progress: a query's share reviewed)")
    return table


#: One colour a compared series, in the order the queries were given.
SERIES_STYLES = ("magenta", "cyan", "yellow", "green", "blue", "red")
_EIGHTHS = " ▏▎▍▌▋▊▉"


def timelines(series: list[Timeline], width: int) -> RenderableType:
    """One timeline as a bar chart with its peak marked; several (compared,
    over the same periods) as one chart with a column of bars each, one
    colour each, and a legend. Bars of all series share one scale."""
    if len(series) == 1:
        return _timeline(series[0], width)
    from rich.table import Table

    legend = Text()
    for number, t in enumerate(series):
        legend.append("■ ", style=SERIES_STYLES[number % len(SERIES_STYLES)])
        legend.append(f"{t.query} ")
        legend.append(f"({_timeline_count(t)})", style=DIM)
        legend.append("   ")
    lines: list[RenderableType] = [_timeline_title(series), legend]
    periods = series[0].periods
    top = max((p.value for t in series for p in t.periods), default=0)
    if not periods or not top:
        return Group(*lines)
    label_width = max(len(p.label) for p in periods)
    value_width = max(len(_period_value(p)) for t in series for p in t.periods)
    room = max(4, (width - label_width - 1) // len(series) - value_width - 2)
    table = Table.grid(padding=(0, 1))
    table.add_column(style=DIM)
    for _ in series:
        table.add_column(width=room)
        table.add_column(justify="right", width=value_width, style=DIM)
    for row, period in enumerate(periods):
        cells: list[RenderableType] = [period.label]
        for number, t in enumerate(series):
            this = t.periods[row]
            cells += [Text(_bar(this.value, top, room), style=SERIES_STYLES[number % len(SERIES_STYLES)]),
                      _period_value(this)]
        table.add_row(*cells)
    lines.append(table)
    return Group(*lines)


def _timeline(t: Timeline, width: int) -> RenderableType:
    from rich.table import Table

    header = _timeline_title([t])
    peak = t.peak
    if peak is None:
        return header
    label_width = max(len(p.label) for p in t.periods)
    value_width = max(len(_period_value(p)) for p in t.periods)
    bar_room = max(10, width - label_width - value_width - 12)
    table = Table.grid(padding=(0, 1))
    table.add_column(style=DIM)
    table.add_column()
    table.add_column(justify="right")
    table.add_column()
    for period in t.periods:
        is_peak = period is peak
        table.add_row(
            period.label,
            Text(_bar(period.value, peak.value, bar_room), style="bold magenta" if is_peak else "magenta"),
            _period_value(period),
            Text("← peak", style="bold") if is_peak else "",
        )
    return Group(header, table)


def _timeline_title(series: list[Timeline]) -> Text:
    """"4 dated hits for 'Kherson', by month; 1 undated not shown", or for
    several series what they count and by what period."""
    first = series[0]
    if len(series) == 1:
        header = Text.assemble((_timeline_count(first), "bold"), f" for {first.query!r}, by {first.by}")
    else:
        header = Text.assemble((f"{len(series)} queries", "bold"), f", {_units(first)} by {first.by}")
    if first.normalized:
        header.append(f", as a share of the {'stories' if first.stories else 'articles'} indexed in each {first.by}")
    undated = sum(t.undated for t in series)
    if undated:
        header.append(f"; {undated} undated not shown", style="yellow")
    return header


def _units(t: Timeline) -> str:
    return "stories" if t.stories else "hits"


def _timeline_count(t: Timeline) -> str:
    unit = _units(t)
    return f"{t.total} dated {unit[:-1] if t.total == 1 else unit}"


def _period_value(period: Period) -> str:
    if period.indexed is None:
        return str(period.count)
    rate = period.rate
    return "–" if rate is None else f"{rate:.1%} ({period.count}/{period.indexed})"


def _bar(value: float, top: float, room: int) -> str:
    """A bar ``value / top`` of ``room`` cells long, to an eighth of a cell;
    a sliver for any value above zero, so that it shows."""
    if not top or value <= 0:
        return ""
    eighths = max(1, round(value / top * room * 8))
    return "█" * (eighths // 8) + _EIGHTHS[eighths % 8].strip()


def check_report(report: CheckReport) -> Text:
    """The verdict line, then one line a problem and a note."""
    noun = "article" if report.articles == 1 else "articles"
    verdict = "no problems found" if report.ok else f"{len(report.problems)} problems found"
    segments = "segment" if report.segments == 1 else "segments"
    lines = [f"{report.path}: {report.articles} {noun} in {report.segments} {segments}: {verdict}"]
    lines += [f"problem: {problem}" for problem in report.problems]
    lines += [f"note: {note}" for note in report.notes]
    return Text("\n".join(lines))


def rebuild_report(report: RebuildReport) -> tuple[Text, Text]:
    """The articles lost (for stderr, one line each; empty when none) and the summary line."""
    lost = Text("\n".join(
        f"{display_path(path)}: lost: neither the file nor a stored copy is readable" for path in report.lost
    ))
    summary = Text(
        f"rebuilt {report.articles} articles ({report.from_source} from their files, "
        f"{report.from_index} from the stored copy), {len(report.lost)} lost in {report.seconds:.2f} s"
    )
    return lost, summary


def batch(rows: Iterable[QuerySummary]) -> RenderableType:
    """A row a query: its counts, its dates, its largest outlets, or its error."""
    from rich.table import Table

    table = Table(box=None, padding=(0, 2), header_style="bold")
    for name, justify in (("query", "left"), ("articles", "right"), ("stories", "right"), ("first", "left"),
                          ("last", "left"), ("outlets", "left")):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        if row.error is not None:
            table.add_row(Text(row.query), "", "", "", "", Text(row.error, style="red"))
            continue
        outlets = ", ".join(f"{c.value} ({c.count})" for c in row.outlets)
        first = format_datetime(row.first) if row.first else ""
        last = format_datetime(row.last) if row.last else ""
        table.add_row(Text(row.query), str(row.articles), str(row.stories), first, last, Text(outlets))
    return table


def watches(items: Iterable[Watch]) -> RenderableType:
    from rich.table import Table

    table = Table(box=None, padding=(0, 2), header_style="bold")
    for name in ("watch", "query", "filters", "last checked"):
        table.add_column(name, overflow="fold")
    for w in items:
        filters = " ".join(f"--{key} {shlex.quote(value)}" for key, value in sorted(w.filters.items()))
        checked = format_datetime(w.checked) if w.checked else "never"
        table.add_row(Text(w.name), Text(w.query), Text(filters), checked)
    return table


def watch_report(report: WatchReport) -> RenderableType:
    """The watch's name and what is new, each new hit as a search shows it."""
    if report.error is not None:
        return Text.assemble((report.name, "bold"), ": ", (report.error, "red"))
    head = Text.assemble((report.name, "bold"), f": {len(report.new)} new for {report.query!r}")
    parts: list[RenderableType] = [head]
    for h in report.new:
        parts += [Text(""), hit(h)]
    return Group(*parts)
