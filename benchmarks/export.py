"""How fast `export` writes every hit of a query, and the memory it holds.

    python -m benchmarks.export INDEX QUERY [QUERY...]

For each query: the hits, the seconds to write them all as CSV (to
/dev/null, snippets included), rows a second, and the process's peak
memory after it (max RSS, which only grows). Build the index first, for
example from benchmarks/synthetic.py's archive at 100,000 articles.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

from newsindex import NewsIndex
from newsindex.export import write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index")
    parser.add_argument("queries", nargs="+")
    args = parser.parse_args()
    with NewsIndex(args.index) as ni, open(os.devnull, "w", encoding="utf-8") as sink:
        print(f"index: {ni.stats().articles:,} articles")
        print("| query | rows | seconds | rows/s | peak memory |")
        print("|---|---|---|---|---|")
        for query in args.queries:
            started = time.perf_counter()
            rows = write(ni.export(query), sink)
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"| {query} | {rows:,} | {seconds:.2f} | {rows / seconds:,.0f} | {peak:.0f} MB |")


if __name__ == "__main__":
    main()
