"""The command line: parses options, calls one ``NewsIndex`` method, renders what it returns.

Exit status, like grep and ripgrep: 0 success (search: hits found), 1 nothing
found or some inputs skipped, 2 error (nothing changed). A reader that closes
the pipe early ends the command quietly, killed by SIGPIPE as grep is (a
shell reports 141).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from . import render
from .errors import NewsIndexError
from .index import DEFAULT_BATCH_SIZE, DEFAULT_INDEX, DEFAULT_WAIT, NewsIndex
from .models import MARK_STATUSES, PERIODS, SORTS, UNMARK, FileOutcome, SearchResults, Timeline

#: Batches at least this large get a progress bar (on stderr, on a terminal).
PROGRESS_THRESHOLD = 200


def _console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    terminal = stream.isatty()
    if terminal:
        return Console(file=stream, highlight=False)
    # Piped output is not wrapped, so that each line can be grepped whole: no
    # wrapping at all (soft_wrap), not just no line too long to wrap (a third
    # of the time of printing ten hits), in a width that tables lay out in,
    # and without the spaces rich pads table rows with to that width.
    return Console(file=_TrimmedLines(stream), highlight=False, width=1_000_000, soft_wrap=True)


class _TrimmedLines:
    """A text stream that drops the spaces at the end of each line written
    through it: a table laid out in a pipe's width pads every row to its
    widest, thousands of characters."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._pending = ""

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return int(self._stream.fileno())

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        if lines:
            self._stream.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(self._pending)
            self._pending = ""
        self._stream.flush()


class _Group(click.Group):
    """Turns the API's errors into one line on stderr and the documented exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsIndexError as exc:
            click.echo(f"newsindex: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("newsindex: interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug: still one line, with a way to see more
            if os.environ.get("NEWSINDEX_DEBUG"):
                raise
            click.echo(
                f"newsindex: internal error: {type(exc).__name__}: {exc} "
                "(set NEWSINDEX_DEBUG=1 to see the traceback)",
                err=True,
            )
            sys.exit(2)


def _cluster_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--cluster",
        metavar="ADDRESS",
        help="Run the work on a Dask cluster: local:N starts N workers here, tcp://HOST:PORT joins a "
        "scheduler whose workers see the same files (pip install 'newsindex[cluster]').",
    )(f)


def _index_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--index`` on every command; given before the command name, it applies too."""
    return click.option(
        "--index",
        "index_path",
        metavar="PATH",
        callback=lambda ctx, _param, value: value or ctx.find_root().params["index_path"],
        help=f"Index folder (default: NEWSINDEX_INDEX or ./{DEFAULT_INDEX}).",
    )(f)


def _json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON Lines for machines.")(f)


def _wait_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--wait",
        type=click.FloatRange(min=0),
        default=DEFAULT_WAIT,
        show_default=True,
        metavar="SECONDS",
        help="How long to wait for another writer to finish.",
    )(f)


def _print_json(data: Any) -> None:
    import json  # only for --json: not on every cold start

    click.echo(json.dumps(data, ensure_ascii=False, default=str))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsindex")
@click.option(
    "--index",
    "index_path",
    envvar="NEWSINDEX_INDEX",
    default=DEFAULT_INDEX,
    show_default=True,
    metavar="PATH",
    help="Index folder (also NEWSINDEX_INDEX).",
)
def cli(index_path: str) -> None:
    """Full-text search for news archives.

    \b
    Example:
      newsindex add seeds/
      newsindex search "Dnipro bridge"
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--title", help="Title for every article of this run.")
@click.option("--outlet", help="Outlet for every article of this run.")
@click.option("--byline", multiple=True, help="Author for every article of this run (repeatable).")
@click.option("--date", help="Publication date (ISO 8601) for every article of this run.")
@click.option(
    "--map", "field_map", multiple=True, metavar="FIELD=KEY",
    help="Read FIELD (title, body, description, date, updated, byline, outlet, section, url, language) "
    "from record key KEY of JSON, JSON Lines or CSV (dotted for nested: body=story.text). Repeatable.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Articles written between commits (a batch also ends at 5,000,000 postings, "
    "which bounds memory): a crash loses at most one batch.",
)
@click.option("--include", multiple=True, metavar="GLOB",
              help="In folders, take only the files this glob matches (name or path in the folder), "
              "read by content. Repeatable.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="In folders, leave out files and folders this glob matches. Repeatable.")
@click.option(
    "-v", "--verbose", is_flag=True,
    help="Also list each duplicate and what it duplicates, what unchanged files had skipped, "
    "and each file passed over.",
)
@click.option("--shards", type=int, metavar="N",
              help="Create the index with N shards, searched in parallel (for archives of "
              "hundreds of thousands of articles); an existing index keeps the shards it has.")
@_cluster_option
@_wait_option
@_index_option
@_json_option
def add(
    paths: tuple[str, ...],
    title: str | None,
    outlet: str | None,
    byline: tuple[str, ...],
    date: str | None,
    field_map: tuple[str, ...],
    batch_size: int,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    verbose: bool,
    shards: int | None,
    cluster: str | None,
    wait: float,
    index_path: str,
    as_json: bool,
) -> None:
    """Index article files and folders (recursively).

    Reads plain text (.txt: headline, date line, byline, captions, wire
    credit), saved web pages (.html), JSON, JSON Lines and CSV/TSV records,
    RSS/Atom/JSON feeds and WARC web archives, plain or .gz, recognised by
    content as well as by name. NAME.meta.json beside a file and the flags
    below override what the sources say. Unchanged files and records are
    skipped, changed ones replaced, identical stories reported as duplicates
    (-v lists them).

    In folders, files of other types (.pdf, .docx, .md...) are passed over and
    counted by type (-v lists them); --include and --exclude choose others.

    Ctrl-C stops reading and commits what is prepared (exit 130); a second
    Ctrl-C stops at once, keeping the index as its last commit left it.

    Exit status: 0 all landed or unchanged, 1 some files or records skipped, 2 error.
    Records skipped when their file was last read, the file unchanged since,
    are counted as "skipped earlier" and leave the status at 0, as do files
    passed over.

    \b
    Example:
      newsindex add seeds/
      newsindex add --outlet LBC --date 2022-11-11 seeds/004_4cb7eeb292a544b7.txt
      newsindex add examples/scraped.jsonl --map title=story.headline --map body=story.text --map date=meta.published
      newsindex add seeds/ --include '*.txt' --exclude '000_*'
    """
    err = _console(stderr=True)
    for value in field_map:
        if "=" not in value:
            raise click.BadParameter(f"{value!r}: expected FIELD=KEY, for example body=story.text", param_hint="--map")
    mapping = dict(value.split("=", 1) for value in field_map)

    def show(outcome: FileOutcome) -> None:
        # Each outcome as it holds (an article's once committed), not all at
        # the end: a script sees progress, and memory stays flat.
        if as_json:
            _print_json(outcome.__dict__)
            return
        if outcome.status == "skipped":
            err.print(f"{_shown(outcome)}: skipped: {outcome.reason}", markup=False)
        elif outcome.status == "skipped_earlier" and verbose:
            err.print(f"{_shown(outcome)}: skipped earlier, unchanged since: {outcome.reason}", markup=False)
        elif outcome.status == "passed_over" and verbose:
            err.print(f"{_shown(outcome)}: passed over: {outcome.reason}", markup=False)
        elif outcome.status == "duplicate" and verbose:
            err.print(f"{_shown(outcome)}: duplicate of {outcome.duplicate_of}", markup=False)

    with NewsIndex(index_path, cluster=cluster) as ni, _progress(err) as progress, _second_interrupt_explained():
        report = ni.add(
            paths,
            title=title,
            outlet=outlet,
            byline=byline or None,
            date=date,
            field_map=mapping,
            include=include,
            exclude=exclude,
            wait=wait,
            batch_size=batch_size,
            progress=progress,
            on_outcome=show,
            shards=shards,
        )
    if as_json:
        summary = {**report.counts(), "seconds": round(report.seconds, 3), "interrupted": report.interrupted,
                   "watches": report.watches}
        _print_json({"summary": summary})
    else:
        out = _console()
        out.print(render.add_summary(report))
        for name, count in report.watches.items():
            out.print(Text(f"{name}: {count} new (newsindex watch check)"))
    if report.interrupted:
        click.echo(
            f"newsindex: interrupted: the {report.counts()['added'] + report.counts()['updated']} articles written "
            "before the stop are kept; run the same add again to read the rest",
            err=True,
        )
        sys.exit(130)
    sys.exit(1 if report.counts()["skipped"] else 0)


@contextmanager
def _second_interrupt_explained() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        click.echo("newsindex: interrupted twice: the batch in flight was not kept; the index holds its last "
                   "commit, and the same add again completes it", err=True)
        sys.exit(130)


def _shown(outcome: FileOutcome) -> str:
    return render.display_path(outcome.path) + (f":{outcome.record}" if outcome.record else "")


@contextmanager
def _progress(console: Console, label: str = "indexing") -> Iterator[Callable[[int, int], None] | None]:
    if not console.is_terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=console, transient=True) as bar:
        task: list[Any] = []

        def update(done: int, total: int) -> None:
            if total < PROGRESS_THRESHOLD:
                return
            if not task:
                task.append(bar.add_task(label, total=total))
            bar.update(task[0], completed=done)

        yield update


def _filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--outlet, --byline, --since, --until, --lang (passed on as ``**filters``)
    and --all/--any (``mode``): shared by search and timeline."""
    for option in reversed([
        click.option("--outlet", metavar="NAME", help="Only articles whose outlet contains these words."),
        click.option("--byline", metavar="NAME", help="Only articles whose byline contains these words."),
        click.option("--since", metavar="DATE", help='From this date: 2022-11-01, 2022-11, "last week"...'),
        click.option("--until", metavar="DATE", help="Up to this date, the whole of it: 2022-11 ends on the 30th."),
        click.option("--lang", metavar="CODE", help="Only articles in this language as declared: a code (en, de) "
                     "or a name (English, Deutsch)."),
        click.option("--all", "mode", flag_value="all", help="Require every word."),
        click.option("--any", "mode", flag_value="any", help="Require any one word."),
    ]):
        f = option(f)
    return f


def _review_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--marked STATUS and --unseen (passed on as ``**filters``): shared by search and export."""
    f = click.option("--unseen", is_flag=True, default=None,
                     help="Only stories no copy of which was marked (see `newsindex mark`).")(f)
    return click.option("--marked", type=click.Choice(MARK_STATUSES), help="Only articles marked so.")(f)


@cli.command()
@click.argument("words", nargs=-1)
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Which page of hits.")
@click.option(
    "--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
    help="Order of hits; undated articles come last by date.",
)
@_filter_options
@click.option("--facets", is_flag=True, help="Count hits by outlet, byline, month and language.")
@click.option("--all-copies", is_flag=True, help="Show near-identical copies as hits of their own.")
@click.option("--like", metavar="ID", help="Rank by likeness to this article; the query only filters.")
@_review_options
@click.option("--progress", "review_progress", is_flag=True, help="Say how many matching stories were reviewed.")
@click.option("--explain", is_flag=True, help="Show why each hit ranks where it does: each word's score by field.")
@click.option("--variants", is_flag=True, help="Match a city's other names too (Kiev and Київ for Kyiv).")
@click.option("--exact-script", is_flag=True, help="Match words in their own script only (Kharkiv not Харків).")
@_cluster_option
@_index_option
@_json_option
def search(
    words: tuple[str, ...],
    limit: int,
    page: int,
    sort: str,
    mode: str | None,
    facets: bool,
    all_copies: bool,
    like: str | None,
    review_progress: bool,
    explain: bool,
    variants: bool,
    exact_script: bool,
    cluster: str | None,
    index_path: str,
    as_json: bool,
    **filters: str | None,
) -> None:
    """Search the index with Whoosh's query language.

    Words: one or two are required, three to five at least half, a longer
    query at least two or a fifth of them (--all, --any to choose). A word
    naming a city lists the city's other names in the archive; --variants
    searches them too. Words find their forms in Cyrillic and Greek letters
    (Kharkiv, Харків) unless --exact-script. Also "phrases",
    OR, NOT or -word, field:value (title, body, captions, byline, outlet, lang), and
    date:2022-11 or date:[2022-11-01 to 2022-11-30].

    Near-identical copies of a story (the same wire copy under several
    outlets) are shown once, with "+N copies" and which was first seen.

    Exit status: 0 hits found, 1 no hits, 2 error.

    \b
    Example:
      newsindex search "Dnipro bridge"
      newsindex search Kherson --outlet LBC --since 2022-11 --sort newest
      newsindex search 'bridge date:2022-11' --facets --json
      newsindex search Kherson --unseen --progress
      newsindex search antonivskyi bridge destroyed --explain
      newsindex search Kyiv --variants
    """
    query = " ".join(words)  # `search Blair Brown` is the query "Blair Brown"
    with NewsIndex(index_path, cluster=cluster) as ni:
        results = ni.search(
            query, limit=limit, page=page, sort=sort, mode=mode or "auto", facets=facets, all_copies=all_copies,
            like=like, review_progress=review_progress, explain=explain, variants=variants,
            exact_script=exact_script, **filters,
        )
    _print_results(results, as_json)


def _print_results(results: SearchResults, as_json: bool) -> None:
    if as_json:
        for h in results.hits:
            _print_json(h.to_dict())
        _print_json({"summary": results.summary()})
    else:
        out = _console()
        out.print(render.search_header(results))
        if results.facets is not None:
            out.print(render.facets(results.facets))
        for h in results.hits:
            out.print()
            out.print(render.hit(h))
    sys.exit(0 if results.total else 1)


@cli.command()
@click.argument("words", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True,
              help="CSV for spreadsheets, JSON Lines for tools.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (default: stdout).")
@click.option("--json", "as_json", is_flag=True, help="The same as --format jsonl.")
@click.option("--bom", is_flag=True, help="Start a CSV with a UTF-8 byte-order mark, for Excel.")
@click.option(
    "--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
    help="Order of rows; undated articles come last by date.",
)
@_filter_options
@click.option("--all-copies", is_flag=True, help="A row for each near-identical copy, not one a story.")
@_review_options
@_index_option
def export(
    words: tuple[str, ...],
    fmt: str,
    output: str | None,
    as_json: bool,
    bom: bool,
    sort: str,
    mode: str | None,
    all_copies: bool,
    index_path: str,
    **filters: str | None,
) -> None:
    """Write every hit of a query, not a page, as CSV or JSON Lines.

    Columns: id, rank, score, title, lede, outlet, credit, byline, published,
    updated, url, path, record, language, cluster, copies, snippet, review,
    note (the hit's review mark, or its copies' strongest). Cells a
    spreadsheet would run as a formula (=, +, -, @) start with an apostrophe.
    A progress bar runs on stderr. With -o, the file appears whole or not at
    all.

    Exit status: 0 hits written, 1 no hits, 2 error.

    \b
    Example:
      newsindex export Kherson -o kherson.csv
      newsindex export Kherson --sort newest --format jsonl
    """
    from . import export as exporting

    fmt = "jsonl" if as_json else fmt
    query = " ".join(words)
    with NewsIndex(index_path) as ni:
        total = ni.search(query, limit=1, snippets=False, mode=mode or "auto", all_copies=all_copies,
                          **filters).total
        hits = ni.export(query, sort=sort, mode=mode or "auto", all_copies=all_copies, **filters)
        err = _console(stderr=True)
        with _progress(err, "exporting") as progress:
            def advance(done: int) -> None:
                if progress is not None:
                    progress(done, total)

            if output is None:
                written = exporting.write(hits, sys.stdout, fmt, bom=bom, progress=advance)
            else:
                written = _write_whole(output, lambda out: exporting.write(hits, out, fmt, bom=bom,
                                                                           progress=advance))
    if output is not None:
        err.print(f"{written} rows written to {output}", markup=False, highlight=False)
    sys.exit(0 if written else 1)


@cli.group()
def watch() -> None:
    """Standing queries, checked for what is new since they last ran.

    A new watch counts what the archive holds as seen; every add then says
    which watches gained stories, and `watch check` lists them and marks them
    seen. Copies and updates of a story already seen are not new.

    \b
    Example:
      newsindex watch add kherson Kherson --outlet LBC
      newsindex watch list
    """


@watch.command("add")
@click.argument("name")
@click.argument("words", nargs=-1, required=True)
@_filter_options
@_index_option
@_json_option
def watch_add(name: str, words: tuple[str, ...], mode: str | None, index_path: str, as_json: bool,
              **filters: str | None) -> None:
    """Keep QUERY as the watch NAME, with these filters.

    \b
    Example:
      newsindex watch add bridges "Dnipro bridge"
    """
    with NewsIndex(index_path) as ni:
        made = ni.watch_add(name, " ".join(words), mode=mode or "auto", **filters)
    if as_json:
        _print_json(made.to_dict())
    else:
        _console().print(Text(f"watching {made.name!r}: {made.query}"))


@watch.command("list")
@_index_option
@_json_option
def watch_list(index_path: str, as_json: bool) -> None:
    """The watches, their queries and when each was last checked.

    \b
    Example:
      newsindex watch list
    """
    with NewsIndex(index_path) as ni:
        watches = ni.watch_list()
    if as_json:
        for w in watches:
            _print_json(w.to_dict())
    else:
        _console().print(render.watches(watches))


@watch.command("remove")
@click.argument("name")
@_index_option
@_json_option
def watch_remove(name: str, index_path: str, as_json: bool) -> None:
    """Stop watching NAME.

    \b
    Example:
      newsindex watch remove bridges
    """
    with NewsIndex(index_path) as ni:
        ni.watch_remove(name)
    if as_json:
        _print_json({"removed": name})
    else:
        _console().print(Text(f"removed the watch {name!r}"))


@watch.command("check")
@click.argument("names", nargs=-1)
@_index_option
@_json_option
def watch_check(names: tuple[str, ...], index_path: str, as_json: bool) -> None:
    """List what each watch (or those named) found that is new, and mark it seen.

    Exit status: 0 something new matched, 1 nothing did, 2 error. A watch
    whose query no longer runs is reported and the others run.

    \b
    Example:
      newsindex watch check
      newsindex watch check bridges --json
    """
    with NewsIndex(index_path) as ni:
        reports = ni.watch_check(names or None)
    if as_json:
        for r in reports:
            _print_json(r.to_dict())
    else:
        out = _console()
        for r in reports:
            out.print(render.watch_report(r))
    sys.exit(0 if any(r.new for r in reports) else 1)


@cli.command()
@click.argument("names_file", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--column", help="In a CSV file: the column holding the queries (default: query, else the first).")
@click.option("--csv", "as_csv", is_flag=True, help="Print the rows as CSV.")
@click.option("--export", "export_dir", type=click.Path(file_okay=False),
              help="Also write each query's hits to a CSV file of its own in this folder.")
@_filter_options
@_index_option
@_json_option
def batch(
    names_file: str,
    column: str | None,
    as_csv: bool,
    export_dir: str | None,
    mode: str | None,
    index_path: str,
    as_json: bool,
    **filters: str | None,
) -> None:
    """Run a list of queries at once: one row each, with its counts, dates and outlets.

    FILE holds one query a line (# starts a comment; blank lines are skipped),
    or is a CSV file with a column of queries. Each row: articles, stories
    (copies counted once), first and last date, the three largest outlets, and
    an error when the query could not run; the other queries still do.

    Exit status: 0 every query ran, 1 some could not (their rows say why), 2 error.

    \b
    Example:
      newsindex batch examples/names.txt
      newsindex batch examples/names.txt --since 2022 --csv
    """
    from . import export as exporting

    queries = _read_queries(names_file, column)
    failed = 0
    with NewsIndex(index_path) as ni:
        rows = []
        for number, summary in enumerate(ni.batch(queries, mode=mode or "auto", **filters), 1):
            failed += summary.error is not None
            if export_dir is not None and summary.error is None and summary.articles:
                os.makedirs(export_dir, exist_ok=True)
                name = os.path.join(export_dir, f"{number:03d}-{_slug(summary.query)}.csv")
                hits = ni.export(summary.query, mode=mode or "auto", **filters)
                _write_whole(name, lambda out, hits=hits: exporting.write(hits, out))
            if as_json:
                _print_json(summary.to_dict())
            else:
                rows.append(summary)
    if as_csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["query", "articles", "stories", "first", "last", "outlets", "error"])
        for s in rows:
            data = s.to_dict()
            outlets = "; ".join(f"{name} ({n})" for name, n in data["outlets"].items())
            writer.writerow([exporting.cell(v) for v in (s.query, s.articles, s.stories, data["first"], data["last"],
                                                         outlets, s.error)])
    elif not as_json:
        _console().print(render.batch(rows))
    sys.exit(1 if failed else 0)


def _read_queries(path: str, column: str | None) -> list[str]:
    """The queries of a names file: a line each, or a CSV column."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        text = f.read()
    if path.lower().endswith(".csv"):
        import csv

        reader = csv.DictReader(text.splitlines())
        fields = reader.fieldnames or []
        name = column or ("query" if "query" in fields else fields[0] if fields else None)
        if name is None or name not in fields:
            raise click.BadParameter(
                f"{path}: no column {name!r} (columns: {', '.join(fields)})", param_hint="--column"
            )
        return [row[name].strip() for row in reader if (row.get(name) or "").strip()]
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())[:40] or "query"


def _write_whole(path: str, write: Callable[[Any], int]) -> int:
    """Write through ``write`` to a file beside ``path``, renamed to it once
    complete: an error or a kill never leaves half an export under its name."""
    folder = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.part")
    try:
        with open(temporary, "w", encoding="utf-8", newline="") as out:
            written = write(out)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    return written


@cli.command()
@click.argument("ref")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Which page of hits.")
@click.option("--all-copies", is_flag=True, help="Show near-identical copies as hits of their own.")
@_index_option
@_json_option
def similar(ref: str, limit: int, page: int, all_copies: bool, index_path: str, as_json: bool) -> None:
    """Articles like the one REF names (id, id prefix or path), its own copies left out.

    Likeness is measured on the article's key terms (Whoosh's Bo1 model).

    Exit status: 0 similar articles found, 1 none, 2 error.

    \b
    Example:
      newsindex similar seeds/004_4cb7eeb292a544b7.txt
      newsindex search Kherson --like seeds/004_4cb7eeb292a544b7.txt
    """
    with NewsIndex(index_path) as ni:
        results = ni.similar(ref, limit=limit, page=page, all_copies=all_copies)
    _print_results(results, as_json)


@cli.command()
@click.argument("queries", nargs=-1, required=True)
@click.option("--by", type=click.Choice(PERIODS), help="Period of each bar (default: chosen from the span).")
@click.option("--normalize", is_flag=True, help="Draw each period's hits as a share of the articles indexed in it.")
@click.option("--stories", is_flag=True, help="Count stories, near-identical copies folded, not articles.")
@_filter_options
@_index_option
@_json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print the series as CSV: a row a period, a column a query.")
def timeline(
    queries: tuple[str, ...],
    by: str | None,
    normalize: bool,
    stories: bool,
    mode: str | None,
    index_path: str,
    as_json: bool,
    as_csv: bool,
    **filters: str | None,
) -> None:
    """Hits per day, week, month or year, as a bar chart: when did coverage peak?

    Each QUERY is one series (quote a query of several words); several are
    drawn side by side over the same periods, one colour each.

    Exit status: 0 dated hits found, 1 none, 2 error.

    \b
    Example:
      newsindex timeline Kherson
      newsindex timeline Kherson --by month --since 2022 --json
      newsindex timeline Kherson "Zaporizhzhia nuclear" --normalize --stories
    """
    with NewsIndex(index_path) as ni:
        series = ni.timelines(queries, by=by, normalize=normalize, stories=stories, mode=mode or "auto", **filters)
    if as_json:
        for t in series:
            for period in t.periods:
                _print_json({"query": t.query, **period.to_dict()})
            _print_json({"summary": t.summary()})
    elif as_csv:
        _print_timeline_csv(series)
    else:
        out = _console()
        out.print(render.timelines(series, out.width if out.is_terminal else 80))
    sys.exit(0 if any(t.total for t in series) else 1)


def _rounded(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 6)


def _print_timeline_csv(series: list[Timeline]) -> None:
    """A row a period, a column a query's counts (and, normalised, the
    articles indexed and each query's share of them)."""
    import csv

    from .export import cell

    normalized = series[0].normalized
    header = ["period", "start"] + (["indexed"] if normalized else [])
    header += [t.query for t in series]
    header += [f"{t.query} (share)" for t in series] if normalized else []
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([cell(name) for name in header])
    for row, period in enumerate(series[0].periods):
        values: list[Any] = [period.label, period.start.isoformat()] + ([period.indexed] if normalized else [])
        values += [t.periods[row].count for t in series]
        values += [_rounded(t.periods[row].rate) for t in series] if normalized else []
        writer.writerow([cell(value) for value in values])


@cli.command()
@click.argument("ref")
@_index_option
@_json_option
def show(ref: str, index_path: str, as_json: bool) -> None:
    """Print one article in full, with its metadata and where each field came from.

    REF is an id, a unique id prefix, or the path of an indexed file.

    \b
    Example:
      newsindex show seeds/004_4cb7eeb292a544b7.txt
      newsindex show seeds/004_4cb7eeb292a544b7.txt --json
    """
    with NewsIndex(index_path) as ni:
        article = ni.get(ref)
    if as_json:
        _print_json(article.to_dict())
    else:
        _console().print(render.article(article))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Port to listen on.")
@_cluster_option
@_index_option
def serve(host: str, port: int, cluster: str | None, index_path: str) -> None:
    """Serve a search page and a JSON API over the index, read-only.

    The page works offline and without JavaScript; the API (GET /api/search,
    /api/articles/ID, /api/articles/ID/similar, /api/timeline, /api/stats)
    answers with the field names of --json, and /openapi.json describes it.
    New articles added while it runs are searched at the next request.

    \b
    Example:
      newsindex serve
      newsindex serve --port 9000 --index /data/archive-index
    """
    import uvicorn

    from .web import create_app

    app = create_app(index_path, cluster=cluster)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"newsindex: warning: listening on {host}: the archive is readable by the network", err=True)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"newsindex: serving {index_path} at http://{shown}:{port}/ (Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command()
@click.argument("ref")
@_index_option
@_json_option
def lineage(ref: str, index_path: str, as_json: bool) -> None:
    """Where a story came from: its copies in publication order, and what each changed.

    REF is an id, a unique id prefix, or the path of an indexed file. The
    copies of its story are listed oldest first (undated last), the earliest
    dated marked first seen; every later copy shows what it changed against
    that one: headline, credit, sentences removed (-) and added (+), and
    sentences reworded (~, word by word).

    Exit status: 0 the article was found (with copies or alone), 2 error.

    \b
    Example:
      newsindex lineage seeds/004_4cb7eeb292a544b7.txt
      newsindex lineage seeds/004_4cb7eeb292a544b7.txt --json
    """
    with NewsIndex(index_path) as ni:
        story = ni.lineage(ref)
    if as_json:
        _print_json(story.to_dict())
    else:
        _console().print(render.lineage(story))


@cli.command()
@click.argument("ref")
@click.argument("status", type=click.Choice([*MARK_STATUSES, UNMARK]))
@click.option("--note", metavar="TEXT", help="A note kept with the mark (replaces an earlier one).")
@_index_option
@_json_option
def mark(ref: str, status: str, note: str | None, index_path: str, as_json: bool) -> None:
    """Mark an article seen, relevant or irrelevant, to keep track of a review.

    REF is an id, a unique id prefix, or the path of an indexed file;
    "unseen" takes its mark away. Marks live in the index folder and survive
    re-adds and rebuilds. `search --unseen` leaves out every story a copy of
    which is marked, `search --marked relevant` lists what was kept, and
    `search --progress` counts what is left; `export` has the marks in its
    review and note columns.

    \b
    Example:
      newsindex mark seeds/004_4cb7eeb292a544b7.txt relevant --note "first report"
      newsindex search Kherson --unseen --progress
      newsindex search antonivskyi bridge destroyed --explain
      newsindex search Kyiv --variants
    """
    with NewsIndex(index_path) as ni:
        result = ni.mark(ref, status, note=note)
    if as_json:
        _print_json(result.to_dict() if result else {"id": ref, "status": UNMARK})
    else:
        _console().print(f"{result.id}: {result.status}" if result else f"{ref}: unmarked",
                         markup=False, highlight=False)


@cli.command()
@click.argument("refs", nargs=-1, required=True)
@_wait_option
@_index_option
@_json_option
def remove(refs: tuple[str, ...], wait: float, index_path: str, as_json: bool) -> None:
    """Take articles out of the index, by id, id prefix, file path or folder.

    Exit status: 0 all found and removed, 1 some references matched nothing, 2 error.

    \b
    Example:
      newsindex remove seeds/000_e9125ed3b73e1ab6.txt
    """
    with NewsIndex(index_path) as ni:
        report = ni.remove(refs, wait=wait)
    if as_json:
        _print_json({"removed": list(report.removed), "not_found": list(report.not_found)})
    else:
        for ref in report.not_found:
            click.echo(f"newsindex: {ref}: not in the index", err=True)
        click.echo(f"{len(report.removed)} removed")
    sys.exit(1 if report.not_found else 0)


@cli.command()
@_index_option
@_json_option
def stats(index_path: str, as_json: bool) -> None:
    """Article count, outlets, date range, undated articles and index size.

    \b
    Example:
      newsindex stats --json
    """
    with NewsIndex(index_path) as ni:
        s = ni.stats()
    if as_json:
        _print_json(s.to_dict())
    else:
        _console().print(render.stats(s))


@cli.command()
@_index_option
@_json_option
def check(index_path: str, as_json: bool) -> None:
    """Verify the index: every segment opens, stored fields read back, counts agree.

    Exit status: 0 no problems, 1 problems found (see `newsindex rebuild`), 2 error.

    \b
    Example:
      newsindex check
    """
    with NewsIndex(index_path) as ni:
        report = ni.check()
    if as_json:
        _print_json({**report.__dict__, "ok": report.ok})
    else:
        _console().print(render.check_report(report))
    sys.exit(0 if report.ok else 1)


@cli.command()
@_wait_option
@_index_option
@_json_option
def rebuild(wait: float, index_path: str, as_json: bool) -> None:
    """Re-create the index from the files it recorded.

    Each article is read again from its file; where the file is gone or
    unreadable, the index's stored copy is kept. Values given as `add` flags
    are given again.

    Exit status: 0 every article recovered, 1 some could not be, 2 error.

    \b
    Example:
      newsindex rebuild
    """
    with NewsIndex(index_path) as ni:
        report = ni.rebuild(wait=wait)
    if as_json:
        _print_json(report.__dict__)
    else:
        lost, summary = render.rebuild_report(report)
        if lost.plain:
            _console(stderr=True).print(lost)
        _console().print(summary)
    sys.exit(1 if report.lost else 0)


def main() -> None:
    # A reader that closes the pipe early (`| head`) ends the command at once,
    # quietly, as grep does: the default action of SIGPIPE, which Python
    # replaces with a BrokenPipeError at the next write. An add killed so
    # keeps its last commit, as after any kill.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cli(prog_name="newsindex")
