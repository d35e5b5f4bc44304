"""Speed, size and memory of newsindex beside its peers, in the same run.

    python -m benchmarks.speed                         Reuters-21578 and BBC
    python -m benchmarks.speed --growth 20000,100000   synthetic archives too
    python -m benchmarks.speed --corpus reuters --peers whoosh,fts5

Peers: the naive Whoosh script (benchmarks/naive_whoosh.py), SQLite FTS5
through Python's sqlite3, tantivy-py (``pip install ".[bench]"``) and ripgrep
over the raw files; a peer that is not installed is skipped with a line
saying so. Each build runs in its own process, timed from outside, its peak
memory measured by GNU time (/usr/bin/time; the largest process of the tree). Warm query
latency is measured through each system's Python API over the same query
list (benchmarks/queries.py), each query's time the median of three runs.
On Reuters and the BBC each system builds its index three times
(``--rounds``), the systems in turns, and the median build is shown.
Ratios compare newsindex with the naive Whoosh script: the number is how many
times faster (or smaller) newsindex is. Machines are noisy: compare figures
of one run, not across runs.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

import newsindex

from . import peers, synthetic
from .corpora import corpus, reuters_articles, write_articles
from .queries import Query, build

PEERS = ("whoosh", "fts5", "tantivy", "rg")
NAMES = {"newsindex": "newsindex", "whoosh": "naive Whoosh", "fts5": "SQLite FTS5", "tantivy": "tantivy-py",
         "rg": "ripgrep"}
COLD_RUNS = 10  # cold searches per system: one per query kind, then the next ones
QUERY_SAMPLE_FILES = 20000  # files read to choose the query words


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    output: str


GNU_TIME = "/usr/bin/time"


def run(cmd: list[str]) -> Measured:
    """Run ``cmd`` to its end; wall time and the peak resident memory of its
    largest process, children included. The memory comes from GNU time (a
    child forked from this big process would inherit its high-water mark), and
    is NaN where GNU time is not installed."""
    with tempfile.TemporaryDirectory() as tmp:
        usage = Path(tmp, "usage")
        measured = [GNU_TIME, "-f", "%M", "-o", str(usage), *cmd] if os.path.exists(GNU_TIME) else cmd
        started = time.perf_counter()
        done = subprocess.run(measured, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - started
        output = done.stdout.decode("utf-8", "replace")
        peak = float(usage.read_text().split()[-1]) / 1024 if usage.exists() else float("nan")
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[:6])} failed with exit status {done.returncode}:\n{output[-2000:]}")
    return Measured(seconds, peak, output)


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


@dataclass
class Row:
    figure: str
    values: dict[str, str] = field(default_factory=dict)
    ratio: str = ""


@dataclass
class Report:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # printed under the table

    def add(self, figure: str, values: dict[str, float | None], fmt: Callable[[float], str],
            better: str = "lower") -> None:
        row = Row(figure, {k: ("n/a" if v is None else fmt(v)) for k, v in values.items()})
        ours, naive = values.get("newsindex"), values.get("whoosh")
        if ours and naive:
            ratio = naive / ours if better == "lower" else ours / naive
            row.ratio = f"{ratio:.2f}x"
        self.rows.append(row)

    def table(self, systems: list[str]) -> Table:
        table = Table(title=self.title, box=box.MARKDOWN, title_justify="left")
        table.add_column("figure")
        for name in systems:
            table.add_column(NAMES[name], justify="right")
        table.add_column("newsindex vs naive Whoosh", justify="right")
        for row in self.rows:
            table.add_row(row.figure, *(row.values.get(s, "") for s in systems), row.ratio)
        table.caption = "\n".join(self.notes) or None
        table.caption_justify = "left"
        return table


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def warm_latencies(search: peers.Search, queries: list[Query], snippets: bool) -> list[float]:
    for q in queries:  # warm the caches: what the figure measures is a warm process
        search(q, snippets)
    times = []
    for q in queries:
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            search(q, snippets)
            runs.append(time.perf_counter() - started)
        times.append(statistics.median(runs))
    return times


def cold_queries(queries: list[Query], usable: Callable[[Query], bool]) -> list[Query]:
    kinds: dict[str, list[Query]] = {}
    for q in queries:
        if usable(q):
            kinds.setdefault(q.kind, []).append(q)
    chosen: list[Query] = []
    while len(chosen) < COLD_RUNS and any(kinds.values()):
        for group in kinds.values():
            if group and len(chosen) < COLD_RUNS:
                chosen.append(group.pop(0))
    return chosen


def bench(name: str, folder: Path, work: Path, systems: list[str], synthetic_corpus: bool, rounds: int) -> Report:
    console = Console(stderr=True)
    files = sum(1 for _ in peers.article_files(folder))
    text_bytes = folder_bytes(folder)
    label = f"{name}: {files:,} articles, {text_bytes / 1e6:.1f} MB of text" + (" (synthetic)" if synthetic_corpus
                                                                                else "")
    report = Report(label)
    indexes = {s: work / f"index-{s}" for s in systems}
    # Each system builds its index ``rounds`` times, the systems in turns, so
    # that a slow minute of a noisy machine falls on one build of each, not
    # on all of one system's; the figures are the median build's.
    builds: dict[str, list[Measured]] = {}
    for round_ in range(1, rounds + 1):
        for system in systems:
            if system == "rg":
                continue
            console.print(f"[dim]{name}: building {NAMES[system]} ({round_} of {rounds})...[/dim]")
            shutil.rmtree(indexes[system], ignore_errors=True)
            if system == "newsindex":
                cmd = [sys.executable, "-m", "newsindex", "add", str(folder), "--index", str(indexes[system])]
            else:
                cmd = [sys.executable, "-m", "benchmarks.peers", "build", system, str(folder), str(indexes[system])]
            builds.setdefault(system, []).append(run(cmd))
    build_seconds = {s: statistics.median(m.seconds for m in measured) for s, measured in builds.items()}

    def per_system(get: Callable[[str], float | None]) -> dict[str, float | None]:
        return {s: get(s) for s in systems}

    median = f", median of {rounds} in turns" if rounds > 1 else ""
    report.add(f"add: wall time{median}", per_system(build_seconds.get), lambda v: f"{v:.1f} s")
    report.add("add: articles/s", per_system(lambda s: files / build_seconds[s] if s in builds else None),
               lambda v: f"{v:,.0f}", better="higher")
    if rounds > 1:
        report.notes.append("add, each build in turn: " + "; ".join(
            f"{NAMES[s]} {', '.join(f'{m.seconds:.1f}' for m in measured)} s" for s, measured in builds.items()))
    report.add("add: peak memory", per_system(lambda s: max(m.peak_mb for m in builds[s]) if s in builds else None),
               lambda v: f"{v:.0f} MB")
    sizes = per_system(lambda s: folder_bytes(indexes[s]) if s in builds else None)
    report.add("index size / text size", {s: (v / text_bytes if v else None) for s, v in sizes.items()},
               lambda v: f"{v:.2f}x")

    console.print(f"[dim]{name}: re-adding...[/dim]")
    noop = run([sys.executable, "-m", "newsindex", "add", str(folder), "--index", str(indexes["newsindex"])])
    report.add("re-add, nothing changed", {"newsindex": noop.seconds}, lambda v: f"{v:.2f} s")
    changed = _change_one_percent(folder)
    redo = run([sys.executable, "-m", "newsindex", "add", str(folder), "--index", str(indexes["newsindex"])])
    report.add(f"re-add, 1% changed ({changed:,} files)", {"newsindex": redo.seconds}, lambda v: f"{v:.2f} s")

    texts = (p.read_text(encoding="utf-8", errors="replace")
             for _, p in zip(range(QUERY_SAMPLE_FILES), peers.article_files(folder), strict=False))
    queries = build(texts)
    console.print(f"[dim]{name}: {len(queries)} warm queries per system...[/dim]")
    openers = {"newsindex": peers.newsindex_open, "whoosh": peers.whoosh_open, "fts5": peers.fts5_open,
               "tantivy": peers.tantivy_open}
    warm: dict[str, list[float]] = {}
    warm_snippets: dict[str, list[float]] = {}
    shared = [q for q in queries if q.whoosh is not None]
    for system in systems:
        if system not in openers:
            continue
        search, close = openers[system](indexes[system])
        usable = queries if system == "newsindex" else shared
        warm[system] = warm_latencies(search, usable, snippets=False)
        warm_snippets[system] = warm_latencies(search, usable, snippets=True)
        if system == "newsindex":  # the same subset the peers answer, for a like-for-like figure
            warm["newsindex-shared"] = warm_latencies(search, shared, snippets=False)
            warm_snippets["newsindex-shared"] = warm_latencies(search, shared, snippets=True)
        close()
    if "newsindex" in systems:  # sorted by date (--sort newest): newsindex alone offers it
        search, close = peers.newsindex_open(indexes["newsindex"], sort="newest")
        newest = warm_latencies(search, queries, snippets=False)
        close()
    else:
        newest = []

    def ms(v: float) -> str:
        return f"{v * 1000:.2f} ms"

    for label_, data in (("warm query", warm), ("warm query + snippets of the first 10", warm_snippets)):
        for share, tag in ((0.5, "p50"), (0.95, "p95")):
            values = {s: percentile(data[s], share) if s in data else None for s in systems}
            values["newsindex"] = percentile(data["newsindex-shared"], share)
            report.add(f"{label_} {tag} ({len(shared)} text queries)", values, ms)
        if len(queries) > len(shared):
            report.add(f"{label_} p50, all {len(queries)} (with date ranges)",
                       {"newsindex": percentile(data["newsindex"], 0.5)}, ms)
    if newest:
        report.add(f"warm query, newest first (--sort newest) p50, all {len(queries)}",
                   {"newsindex": percentile(newest, 0.5)}, ms)
        report.add(f"warm query, newest first (--sort newest) p95, all {len(queries)}",
                   {"newsindex": percentile(newest, 0.95)}, ms)

    console.print(f"[dim]{name}: cold searches from a shell...[/dim]")
    cold_commands: dict[str, Callable[[Query], list[str]]] = {
        "newsindex": lambda q: peers.newsindex_cold(indexes["newsindex"], q),
        "whoosh": lambda q: peers.whoosh_cold(indexes["whoosh"], q),
        "fts5": lambda q: peers.fts5_cold(indexes["fts5"], q),
        "rg": lambda q: peers.rg_cold(folder, q),
    }
    cold: dict[str, list[Measured]] = {}
    for system in systems:
        if system in cold_commands:
            usable = (lambda q: q.grep is not None) if system == "rg" else (lambda q: q.whoosh is not None)
            cold[system] = [run(cold_commands[system](q)) for q in cold_queries(queries, usable)]
    report.add("cold search from a shell, median wall",
               per_system(lambda s: statistics.median(m.seconds for m in cold[s]) if s in cold else None), ms)
    report.add("cold search: peak memory",
               per_system(lambda s: max(m.peak_mb for m in cold[s]) if s in cold else None),
               lambda v: f"{v:.0f} MB")
    return report


def _change_one_percent(folder: Path) -> int:
    """Append a sentence to every hundredth article, as a correction would."""
    changed = 0
    for n, path in enumerate(peers.article_files(folder)):
        if n % 100 == 0:
            with path.open("a", encoding="utf-8") as f:
                f.write("\nThis article was corrected after publication.\n")
            changed += 1
    return changed


def analysis_report() -> Table:
    """newsindex's analyzer with its stemmer swapped for Whoosh's own, on Reuters text."""
    from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
    from whoosh.support.charset import accent_map

    from newsindex.analysis import MAX_TOKEN_CHARS, SnowballStemFilter

    def chain(stemmer: Any) -> Any:
        return (RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
                | StopFilter(maxsize=MAX_TOKEN_CHARS) | stemmer)

    texts = [text for _, (_, text) in zip(range(5000), reuters_articles(corpus("reuters21578")), strict=False)]
    table = Table(title="analysis of 5,000 Reuters articles, one core, same chain but the stemmer",
                  box=box.MARKDOWN, title_justify="left")
    table.add_column("stemmer")
    table.add_column("articles/s", justify="right")
    for label, analyzer in (
        ("PyStemmer Snowball English (C): newsindex", chain(SnowballStemFilter("english"))),
        ("Whoosh Snowball English (Python)", chain(StemFilter(lang="en"))),
        ("Whoosh Porter (Python, Whoosh's default)", chain(StemFilter())),
    ):
        started = time.perf_counter()
        for text in texts:
            for _ in analyzer(text):
                pass
        table.add_row(label, f"{len(texts) / (time.perf_counter() - started):,.0f}")
    return table


def machine_line() -> str:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    rg = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout.split("\n")[0] \
        if peers.rg_available() else "rg not installed"
    return (f"{datetime.now():%Y-%m-%d %H:%M}, {platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; newsindex {version('newsindex')}, whoosh3 {version('whoosh3')}, "
            f"SQLite {sqlite3.sqlite_version}, tantivy {version('tantivy')}, {rg}")


def prepare_corpus(name: str, work: Path) -> tuple[Path, bool]:
    folder = work / "articles"
    shutil.rmtree(folder, ignore_errors=True)
    if name == "reuters":
        write_articles(reuters_articles(corpus("reuters21578")), folder)
        return folder, False
    if name == "bbc":
        shutil.copytree(corpus("bbc"), folder, ignore=shutil.ignore_patterns("README*"))
        return folder, False
    synthetic.write(folder, int(name))
    return folder, True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="reuters,bbc", help="reuters, bbc, or a number of synthetic articles")
    parser.add_argument("--growth", default="", help="synthetic archive sizes, e.g. 20000,100000,300000")
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument("--work", type=Path, help="where to write corpora and indexes (default: a temporary folder)")
    parser.add_argument("--no-analysis", action="store_true", help="skip the analyzer comparison")
    parser.add_argument("--rounds", type=int, default=3,
                        help="builds of each system, in turns, on Reuters and the BBC (the median is shown); "
                             "synthetic archives are built once")
    args = parser.parse_args()

    console = Console(width=200)
    systems = ["newsindex"]
    for peer in filter(None, args.peers.split(",")):
        if peer == "tantivy" and not peers.tantivy_available():
            console.print('tantivy-py is not installed: skipped (pip install ".[bench]")')
        elif peer == "rg" and not peers.rg_available():
            console.print("ripgrep (rg) is not installed: skipped")
        else:
            systems.append(peer)
    # A cold start reads compiled bytecode, as after `pip install` (which
    # compiles the package); an editable checkout under PYTHONDONTWRITEBYTECODE
    # would otherwise compile newsindex from source at every cold search.
    compileall.compile_dir(Path(newsindex.__file__).parent, quiet=1)
    console.print(machine_line())
    if not args.no_analysis:
        console.print(analysis_report())
    names = [c for c in args.corpus.split(",") if c] + [g for g in args.growth.split(",") if g]
    with tempfile.TemporaryDirectory(prefix="newsindex-bench-") as tmp:
        base = args.work or Path(tmp)
        for name in names:
            work = base / name
            work.mkdir(parents=True, exist_ok=True)
            folder, is_synthetic = prepare_corpus(name, work)
            label = name if not name.isdigit() else f"synthetic {int(name):,}"
            rounds = 1 if is_synthetic else max(args.rounds, 1)
            console.print(bench(label, folder, work, systems, is_synthetic, rounds).table(systems))
            if args.work is None:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
