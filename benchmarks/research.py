"""How fast `export` writes every hit of a query, and `batch` runs a list of names.

    python -m benchmarks.research INDEX QUERY [QUERY...] [--names 1000]

Export: for each QUERY, the hits, the seconds to write them all as CSV (to
/dev/null, snippets included), rows a second. Batch: the index's own
authors' names (the most frequent first), then its most used title words,
``--names`` of them as one list of queries, run through ``batch``. The
process's peak memory (max RSS, which only grows) follows each. Build the
index first, for example from benchmarks/synthetic.py's archive of 100,000
articles.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections import Counter

from newsindex import NewsIndex
from newsindex.export import write


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


if __name__ == "__main__":
    main()
