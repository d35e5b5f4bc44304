"""Warm latency of newsindex's default search over an existing index.

    python -m benchmarks.latency INDEX ARTICLES [--seed 7]

The queries are benchmarks.queries' mixed list (rare and common words, AND of
two, phrases, OR, NOT, title:, date ranges), drawn from the article files
under ARTICLES, plus 40 searches of 3 to 5 words drawn from articles' bodies
as a reader remembers them (benchmarks.corpora.known_item_queries: 20 clean,
20 with a wrong word). Each is run three times after a warm-up round; the
median of each query's runs is kept, and p50/p95 over queries are printed,
without and with snippets. It uses only ``NewsIndex.search``, so it runs on
an older checkout of newsindex too: ``benchmarks.relevance --latency ...
--before CHECKOUT INDEX`` runs both in turns, for the figure before a
change.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from benchmarks.corpora import known_item_queries
from benchmarks.queries import build
from newsindex import NewsIndex


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def queries_for(articles: Path, seed: int) -> list[str]:
    files = sorted(articles.rglob("*.txt"))
    sample = random.Random(seed).sample(files, min(2000, len(files)))
    texts = {str(path): path.read_text(encoding="utf-8", errors="replace") for path in sample}
    mixed = [q.newsindex for q in build(texts.values(), seed)]
    remembered = known_item_queries(texts, 20, seed)
    return mixed + [clean for _, clean, _ in remembered] + [wrong for _, _, wrong in remembered]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index")
    parser.add_argument("articles", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    queries = queries_for(args.articles, args.seed)
    with NewsIndex(args.index) as ni:
        for snippets in (False, True):
            medians = warm_medians(ni, queries, snippets)
            label = "with snippets" if snippets else "no snippets"
            print(f"{len(queries)} queries, {label}: p50 {percentile(medians, 0.5) * 1000:.1f} ms, "
                  f"p95 {percentile(medians, 0.95) * 1000:.1f} ms")


def warm_medians(ni: NewsIndex, queries: list[str], snippets: bool) -> list[float]:
    """Each query's median of three warm runs, in seconds, after one run of each to warm up."""
    for query in queries:
        ni.search(query, snippets=snippets)
    medians = []
    for query in queries:
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            ni.search(query, snippets=snippets)
            runs.append(time.perf_counter() - started)
        medians.append(statistics.median(runs))
    return medians


if __name__ == "__main__":
    main()
