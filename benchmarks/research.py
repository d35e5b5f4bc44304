"""How fast `export` writes every hit of a query, `batch` runs a list of
names, review marks filter a search, and timelines compare queries.

    python -m benchmarks.research INDEX QUERY [QUERY...] [--names 1000] [--marks 1000]

Export: for each QUERY, the hits, the seconds to write them all as CSV (to
/dev/null, snippets included), rows a second. Batch: the index's own
authors' names (the most frequent first), then its most used title words,
``--names`` of them as one list of queries, run through ``batch``. The
process's peak memory (max RSS, which only grows) follows each.

Review: the first QUERY's top ``--marks`` hits are marked (seconds a mark),
then the warm median of that search plain, with ``unseen=True`` and with
``review_progress=True``; the marks file is removed at the end. Timelines:
every QUERY compared, by month, plain and with ``normalize`` and
``stories``. Build the index first, for example from
benchmarks/synthetic.py's archive of 100,000 articles.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections import Counter
from collections.abc import Callable

from newsindex import NewsIndex
from newsindex.export import write
from newsindex.marks import FILENAME as MARKS_FILENAME


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def names_to_check(ni: NewsIndex, count: int) -> list[str]:
    """The index's authors' names, most frequent first, as phrases; then, to
    make up ``count``, the most used words of the titles (a list of names and
    terms, as reporters keep)."""
    reader = ni._current_searcher().reader()
    names: Counter[str] = Counter()
    for term in reader.lexicon("byline_key"):
        for name in term.decode("utf-8").split("\n"):
            if name:
                names[name] += reader.doc_frequency("byline_key", term)
    queries = [f'"{name}"' for name, _ in names.most_common(count)]
    words = sorted(reader.lexicon("title"), key=lambda t: -reader.doc_frequency("title", t))
    queries += [w.decode("utf-8") for w in words[: count - len(queries)]]
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index")
    parser.add_argument("queries", nargs="+")
    parser.add_argument("--names", type=int, default=1000, help="names in the batch")
    parser.add_argument("--marks", type=int, default=1000, help="hits of the first query marked")
    args = parser.parse_args()
    with NewsIndex(args.index) as ni, open(os.devnull, "w", encoding="utf-8") as sink:
        print(f"index: {ni.stats().articles:,} articles")
        print("| export of | rows | seconds | rows/s | peak memory |")
        print("|---|---|---|---|---|")
        for query in args.queries:
            started = time.perf_counter()
            rows = write(ni.export(query), sink)
            seconds = time.perf_counter() - started
            print(f"| {query} | {rows:,} | {seconds:.2f} | {rows / seconds:,.0f} | {peak_mb():.0f} MB |")
        names = names_to_check(ni, args.names)
        started = time.perf_counter()
        summaries = list(ni.batch(names))
        seconds = time.perf_counter() - started
        print(f"\nbatch of {len(names)} names and terms: {seconds:.2f} s ({len(names) / seconds:,.0f} queries/s), "
              f"{sum(s.articles for s in summaries):,} articles in all, peak memory {peak_mb():.0f} MB")
        review(ni, args.queries[0], args.marks)
        compared_timelines(ni, args.queries)


def warm_ms(call: Callable[[], object], runs: int = 15) -> float:
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def review(ni: NewsIndex, query: str, count: int) -> None:
    marks_file = os.path.join(ni.path, MARKS_FILENAME)
    if os.path.exists(marks_file):
        raise SystemExit(f"{marks_file} exists: this benchmark marks articles and then removes the file")
    ids = [hit.id for hit in ni.search(query, limit=count, snippets=False).hits]
    try:
        started = time.perf_counter()
        for number, article_id in enumerate(ids):
            ni.mark(article_id, ("seen", "relevant", "irrelevant")[number % 3])
        seconds = time.perf_counter() - started
        print(f"\nreview: {len(ids):,} marks in {seconds:.2f} s ({seconds / len(ids) * 1000:.1f} ms a mark)")
        print("| search of " + query + " | warm median |")
        print("|---|---|")
        for label, options in (("plain", {}), ("unseen=True", {"unseen": True}),
                               ("review_progress=True", {"review_progress": True})):
            print(f"| {label} | {warm_ms(lambda options=options: ni.search(query, **options)):.1f} ms |")
    finally:
        for leftover in (marks_file, marks_file + "-wal", marks_file + "-shm"):
            if os.path.exists(leftover):
                os.remove(leftover)


def compared_timelines(ni: NewsIndex, queries: list[str]) -> None:
    print(f"\ntimelines of {', '.join(queries)} by month | warm median |")
    print("|---|---|")
    for label, options in (("counts", {}), ("normalize=True", {"normalize": True}),
                           ("stories=True, normalize=True", {"stories": True, "normalize": True})):
        ms = warm_ms(lambda options=options: ni.timelines(queries, by="month", **options), runs=5)
        print(f"| {label} | {ms:.0f} ms |")


if __name__ == "__main__":
    main()
