"""Ranking quality on the TIME test collection, beside a plain Whoosh BM25F baseline.

    python -m benchmarks.relevance [--corpus DIR]

Writes the 423 TIME articles out as text files the way a user would hold them
(a date line on top, one file each), indexes them with `newsindex add`
through the API, runs each judged dev query through `NewsIndex.search`, and
prints MAP, P@10 and nDCG@10 beside plain Whoosh (default BM25F parameters,
body only) in the same run. Queries are lower-cased, as people type them (in
upper case, Whoosh would read the words AND/OR/NOT as operators).
"""

from __future__ import annotations

import argparse
import math
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import AndGroup, OrGroup, QueryParser

from benchmarks.corpora import corpus, time_articles, time_judgements, time_queries
from newsindex import NewsIndex
from newsindex.search import parse as query_module

DEPTH = 1000  # ranks scored for MAP


def average_precision(ranked: list[str], relevant: set[str]) -> float:
    hits = total = 0.0
    for i, doc in enumerate(ranked, 1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


def ndcg_at_10(ranked: list[str], relevant: set[str]) -> float:
    dcg = sum(1 / math.log2(i + 1) for i, doc in enumerate(ranked[:10], 1) if doc in relevant)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(10, len(relevant)) + 1))
    return dcg / ideal


def evaluate(run: Callable[[str], list[str]], queries: dict[str, str], judged: dict[str, set[str]]) -> tuple:
    aps, p10s, ndcgs = [], [], []
    for qid, text in queries.items():
        ranked = run(text)
        aps.append(average_precision(ranked, judged[qid]))
        p10s.append(sum(1 for d in ranked[:10] if d in judged[qid]) / 10)
        ndcgs.append(ndcg_at_10(ranked, judged[qid]))
    n = len(queries)
    return sum(aps) / n, sum(p10s) / n, sum(ndcgs) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=None, help="TIME collection folder")
    args = parser.parse_args()
    folder = args.corpus or corpus("time")
    articles = time_articles(folder)
    judged = time_judgements(folder)
    queries = {q: t.lower() for q, t in time_queries(folder).items() if q in judged}

    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "time"
        archive.mkdir()
        for number, (issued, text) in articles.items():
            dateline = date.fromisoformat(issued).strftime("%-d %B %Y")
            (archive / f"{number}.txt").write_text(f"{dateline}\n\n{text}\n", encoding="utf-8")
        ni = NewsIndex(Path(tmp) / "index")
        report = ni.add([archive], outlet="TIME")
        id_to_doc = {o.id: Path(o.path).stem for o in report.added}

        def newsindex_run(mode: str) -> Callable[[str], list[str]]:
            def run(text: str) -> list[str]:
                return [id_to_doc[h.id] for h in ni.search(text, limit=DEPTH, mode=mode, snippets=False).hits]

            return run

        baseline = Path(tmp) / "baseline"
        baseline.mkdir()
        bix = whoosh_index.create_in(str(baseline), Schema(doc=ID(stored=True), body=TEXT))
        with bix.writer() as w:
            for number, (_, text) in articles.items():
                w.add_document(doc=number, body=text)

        def baseline_run(group: type) -> Callable[[str], list[str]]:
            qp = QueryParser("body", bix.schema, group=group)

            def run(text: str) -> list[str]:
                with bix.searcher() as s:
                    return [h["doc"] for h in s.search(qp.parse(text), limit=DEPTH)]

            return run

        rows = [
            ("whoosh BM25F, body, any term (baseline)", evaluate(baseline_run(OrGroup), queries, judged)),
            ("whoosh BM25F, body, all terms", evaluate(baseline_run(AndGroup), queries, judged)),
        ]
        for mode in ("auto", "any", "all"):
            rows.append((f"newsindex search, mode={mode}", evaluate(newsindex_run(mode), queries, judged)))
        default_share = query_module.AUTO_SHARE
        for share in (0.25, 0.34, 0.67):
            query_module.AUTO_SHARE = share
            rows.append((f"  auto with share {share:.2f} (sweep)", evaluate(newsindex_run("auto"), queries, judged)))
        query_module.AUTO_SHARE = default_share
        ni.close()

    print(f"TIME collection: {len(articles)} articles, {len(queries)} judged dev queries")
    print(f"{'system':44} {'MAP':>6} {'P@10':>6} {'nDCG@10':>8} {'MAP vs baseline':>16}")
    base_map = rows[0][1][0]
    for name, (map_, p10, ndcg) in rows:
        print(f"{name:44} {map_:6.3f} {p10:6.3f} {ndcg:8.3f} {map_ / base_map:15.2f}x")


if __name__ == "__main__":
    main()
