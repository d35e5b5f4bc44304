"""Ranking quality, beside a plain Whoosh BM25F baseline, with its parameters
chosen by cross-validation.

    python -m benchmarks.relevance [--seed 25] [--known 300] [--folds 5] [--no-tuning]
        [--latency INDEX ARTICLES [--before CHECKOUT INDEX]]

Two sets, each run through `NewsIndex.search` as a user would:

- **TIME**: the 423 TIME articles written out as text files (a date line on
  top), and the judged dev queries (lower-cased, as people type them: in
  upper case Whoosh would read AND/OR/NOT as operators). MAP (to rank
  1,000), P@10 and nDCG@10.
- **Known items**: the 2,225 BBC articles, and ``--known`` searches for one
  of them with 3 to 5 words drawn from its body (benchmarks.corpora.
  known_item_queries, seeded): clean, and with one word swapped for a word
  the article does not hold. MRR (to rank 100); a hit counts when it is the
  article or holds it as a folded copy.

The baseline is plain Whoosh (default BM25F, the text in one field, any
term). newsindex's default ("auto"), ``--all`` and ``--any`` are shown
beside it.

Tuning (unless ``--no-tuning``) chooses each kind of query's parameters on
its own set, so that neither set outvotes the other:

- a search of a few words (SHORT_GRIDS: coordination, the title's and the
  exact forms' query-time weights, BM25's k1 and b) on a tuning half of the
  known-item searches, by the mean of clean and wrong-word MRR; reported on
  the check half;
- a question (QUESTION_GRIDS: words required, BM25's k1 and b,
  search.feedback's weight, 0 being no feedback) on the TIME queries cut into ``--folds``
  folds: chosen on the other folds by MAP, reported on each held-out fold
  and as the mean over folds.

Grid after grid, every combination of each, swept until they settle.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from itertools import product
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import AndGroup, OrGroup, QueryParser

from benchmarks.corpora import bbc_articles, corpus, known_item_queries, time_articles, time_judgements, time_queries
from newsindex import NewsIndex, schema
from newsindex.search import feedback
from newsindex.search import parse as query_module

DEPTH = 1000  # ranks scored for MAP
KNOWN_DEPTH = 100  # ranks looked at for a known item
Run = Callable[[str], list[str]]


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


def time_scores(run: Run, queries: dict[str, str], judged: dict[str, set[str]]) -> tuple[float, float, float]:
    aps, p10s, ndcgs = [], [], []
    for qid, text in queries.items():
        ranked = run(text)
        aps.append(average_precision(ranked, judged[qid]))
        p10s.append(sum(1 for d in ranked[:10] if d in judged[qid]) / 10)
        ndcgs.append(ndcg_at_10(ranked, judged[qid]))
    return statistics.mean(aps), statistics.mean(p10s), statistics.mean(ndcgs)


def mrr(run: Callable[[str], list[set[str]]], searches: list[tuple[str, str]]) -> float:
    """Mean reciprocal rank of each search's target; ``run`` gives each hit as
    the set of articles it stands for (itself and its folded copies)."""
    total = 0.0
    for target, text in searches:
        for rank, hit in enumerate(run(text)[:KNOWN_DEPTH], 1):
            if target in hit:
                total += 1 / rank
                break
    return total / len(searches)


@contextmanager
def parameters(ni: NewsIndex, values: dict[str, float]) -> Iterator[None]:
    """Set search.parse, schema and search.feedback constants for a while;
    the index's searcher is reopened so that BM25's k1 and b take effect."""
    modules = {"COORDINATION": query_module, "COORDINATION_LONG": query_module,
               "AUTO_MIN_WORDS": query_module,
               "AUTO_SHARE": query_module, "TITLE_WEIGHT": query_module,
               "EXACT_WEIGHT": query_module, "EXACT_WEIGHT_LONG": query_module, "BM25_K1": schema,
               "BM25_B": schema, "BM25_K1_LONG": schema, "BM25_B_LONG": schema, "FEEDBACK_WEIGHT": feedback,
               "FEEDBACK_TERMS": feedback, "FEEDBACK_DOCS": feedback}
    saved = {name: getattr(modules[name], name) for name in values}
    for name, value in values.items():
        setattr(modules[name], name, value)
    if "COORDINATION" in values:  # run.py imported it by name
        from newsindex.search import run as run_module

        run_module.COORDINATION = values["COORDINATION"]
    ni.close()
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(modules[name], name, value)
        from newsindex.search import run as run_module

        run_module.COORDINATION = query_module.COORDINATION
        ni.close()


class Sets:
    """The two sets indexed, with newsindex and with the baseline."""

    def __init__(self, tmp: Path, seed: int, known: int) -> None:
        folder = corpus("time")
        self.judged = time_judgements(folder)
        self.time_queries = {q: t.lower() for q, t in time_queries(folder).items() if q in self.judged}
        articles = time_articles(folder)
        archive = tmp / "time"
        archive.mkdir()
        for number, (issued, text) in articles.items():
            dateline = date.fromisoformat(issued).strftime("%-d %B %Y")
            (archive / f"{number}.txt").write_text(f"{dateline}\n\n{text}\n", encoding="utf-8")
        self.time_index = NewsIndex(tmp / "time-index")
        report = self.time_index.add([archive], outlet="TIME")
        self.time_ids = {o.id: Path(o.path).stem for o in report.added}
        self.time_baseline = _baseline(tmp / "time-baseline", {n: text for n, (_, text) in articles.items()})

        bbc = corpus("bbc")
        self.bbc = bbc_articles(bbc)
        self.known = known_item_queries(self.bbc, known, seed)
        self.bbc_index = NewsIndex(tmp / "bbc-index")
        self.bbc_index.add([bbc])
        self.bbc_baseline = _baseline(tmp / "bbc-baseline", self.bbc)
        self.bbc_root = bbc

    def time_run(self, mode: str) -> Run:
        def run(text: str) -> list[str]:
            hits = self.time_index.search(text, limit=DEPTH, mode=mode, snippets=False).hits
            return [self.time_ids[h.id] for h in hits]

        return run

    def known_run(self, mode: str) -> Callable[[str], list[set[str]]]:
        def key(path: str) -> str:
            relative = Path(path).relative_to(self.bbc_root)
            return f"{relative.parent}/{relative.stem}"

        def run(text: str) -> list[set[str]]:
            hits = self.bbc_index.search(text, limit=KNOWN_DEPTH, mode=mode, snippets=False).hits
            return [{key(h.path), *(key(c.path) for c in h.copies)} for h in hits]

        return run


def _baseline(folder: Path, texts: dict[str, str]) -> Any:
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), Schema(doc=ID(stored=True), body=TEXT))
    with ix.writer() as writer:
        for key, text in texts.items():
            writer.add_document(doc=key, body=text)
    return ix


def baseline_run(ix: Any, group: type) -> Run:
    parser = QueryParser("body", ix.schema, group=group)

    def run(text: str) -> list[str]:
        with ix.searcher() as searcher:
            return [h["doc"] for h in searcher.search(parser.parse(text), limit=DEPTH)]

    return run


def folds_of(queries: dict[str, str], folds: int, seed: int) -> list[dict[str, str]]:
    ids = sorted(queries)
    random.Random(seed).shuffle(ids)
    return [{q: queries[q] for q in ids[i::folds]} for i in range(folds)]


#: Where the search starts, whatever the current defaults: 0.2.0's ranking
#: (no coordination, the title at its schema boost, no exact forms, Whoosh's
#: k1, the same for questions, no feedback), so that a run does not depend
#: on the last.
START = {"COORDINATION": 0.0, "COORDINATION_LONG": 0.0, "AUTO_MIN_WORDS": 2, "AUTO_SHARE": 0.2,
         "TITLE_WEIGHT": 1.0, "EXACT_WEIGHT": 0.0, "EXACT_WEIGHT_LONG": 0.0, "BM25_K1": 1.2, "BM25_B": 0.9,
         "BM25_K1_LONG": 1.2, "BM25_B_LONG": 0.9, "FEEDBACK_WEIGHT": 0.0, "FEEDBACK_TERMS": 20, "FEEDBACK_DOCS": 5}
#: The parameters of a search of a few words, chosen on the known-item
#: tuning half (every known-item search is one)...
SHORT_GRIDS = (
    {"COORDINATION": (0.0, 0.5, 1.0, 2.0), "TITLE_WEIGHT": (0.1, 0.2, 0.4, 1.0)},
    {"EXACT_WEIGHT": (0.0, 1.0, 2.0, 4.0, 8.0)},
    {"BM25_K1": (0.6, 0.9, 1.2, 1.6), "BM25_B": (0.5, 0.75, 0.9)},
)
#: ...and those of a question, chosen on the TIME training folds (36 of the
#: 39 queries are questions). Each grid is searched over every combination of
#: its values, keeping the best so far, grid after grid. Few, as 31 training
#: queries can choose few well: with the exact forms' weight, coordination
#: and feedback's words and documents tuned too, the choices changed from
#: fold to fold and the held-out MAP fell below that of any fixed choice
#: near them. Those stay where START puts them (exact forms and coordination
#: 0; feedback 20 words from 5 documents, Bo1's usual).
QUESTION_GRIDS = (
    {"AUTO_MIN_WORDS": (1, 2), "AUTO_SHARE": (0.0, 0.2)},
    {"BM25_K1_LONG": (1.2, 1.6, 2.0, 2.5, 3.0), "BM25_B_LONG": (0.5, 0.75, 0.9)},
    {"FEEDBACK_WEIGHT": (0.0, 0.25, 0.5)},
)
#: Sweeps over the grids at most, stopping early when one changes nothing.
SWEEPS = 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=25, help="seed of the known-item searches and the folds")
    parser.add_argument("--known", type=int, default=300, help="known-item searches")
    parser.add_argument("--folds", type=int, default=5, help="folds of the TIME queries")
    parser.add_argument("--no-tuning", action="store_true", help="only the figures with the current parameters")
    parser.add_argument("--latency", nargs=2, metavar=("INDEX", "ARTICLES"),
                        help="also the default's warm latency over this index of these articles (benchmarks.latency)")
    parser.add_argument("--before", nargs=2, metavar=("CHECKOUT", "INDEX"),
                        help="with --latency: an older checkout's latency over its own index of the same articles")
    args = parser.parse_args()
    if args.latency:
        latency(args.latency, args.before)

    with tempfile.TemporaryDirectory() as tmp:
        sets = Sets(Path(tmp), args.seed, args.known)
        half = len(sets.known) // 2
        clean = [(target, text) for target, text, _ in sets.known]
        wrong = [(target, text) for target, _, text in sets.known]
        print(f"TIME collection: {len(sets.time_ids)} articles, {len(sets.time_queries)} judged dev queries; "
              f"known items: {len(sets.known)} BBC searches (seed {args.seed}), "
              f"tuning half {half}, check half {len(sets.known) - half}")
        print()
        print(f"{'system':40} {'MAP':>6} {'P@10':>6} {'nDCG@10':>8} {'MRR clean':>10} {'MRR wrong':>10}")

        def row(name: str, time_run: Run, known: Callable[[str], list[set[str]]]) -> None:
            map_, p10, ndcg = time_scores(time_run, sets.time_queries, sets.judged)
            print(f"{name:40} {map_:6.3f} {p10:6.3f} {ndcg:8.3f} {mrr(known, clean):10.3f} {mrr(known, wrong):10.3f}")

        def as_sets(run: Run) -> Callable[[str], list[set[str]]]:
            return lambda text: [{doc} for doc in run(text)]

        row("whoosh BM25F, any term (baseline)", baseline_run(sets.time_baseline, OrGroup),
            as_sets(baseline_run(sets.bbc_baseline, OrGroup)))
        row("whoosh BM25F, all terms", baseline_run(sets.time_baseline, AndGroup),
            as_sets(baseline_run(sets.bbc_baseline, AndGroup)))
        for mode in ("auto", "all", "any"):
            row(f"newsindex, mode={mode}" + (" (default)" if mode == "auto" else ""), sets.time_run(mode),
                sets.known_run(mode))
        if not args.no_tuning:
            tune(sets, args.folds, args.seed, clean[:half], wrong[:half], clean[half:], wrong[half:])
        sets.time_index.close()
        sets.bbc_index.close()


def latency(this: list[str], before: list[str] | None, rounds: int = 2) -> None:
    """Warm latency of the default search (benchmarks.latency), in a process
    of its own each time; with ``before``, an older checkout's over its own
    index of the same articles, the two in turns (the machine's speed drifts)."""
    index, articles = this
    runs = [("this checkout", Path(__file__).resolve().parent.parent, index)]
    if before:
        runs.insert(0, ("before", Path(before[0]).resolve(), before[1]))
    print(f"warm latency over {articles} (benchmarks.latency, {rounds} rounds in turns):")
    for _ in range(rounds):
        for name, checkout, its_index in runs:
            measured = subprocess.run([sys.executable, "-m", "benchmarks.latency", its_index, articles],
                                      cwd=checkout, env=dict(os.environ, PYTHONPATH=str(checkout)),
                                      capture_output=True, text=True, check=True)
            for line in measured.stdout.splitlines():
                print(f"  {name:14} {line}")
    print()


def tune(sets: Sets, folds: int, seed: int, clean_tuning: list, wrong_tuning: list, clean_check: list,
         wrong_check: list) -> None:
    folded = folds_of(sets.time_queries, folds, seed)
    known = sets.known_run("auto")
    global _TUNING
    _TUNING = (sets, clean_tuning, wrong_tuning)
    time_cache: dict[tuple, dict[str, float]] = {}
    known_cache: dict[tuple, tuple[float, float]] = {}

    def measure_all(options: list[dict[str, float]], time_wanted: bool) -> None:
        """Measure the options not measured yet (on TIME, or on the known
        items), in a process a core (forked: each sets the parameters in its
        own modules)."""
        cache, key = (time_cache, _time_key) if time_wanted else (known_cache, _known_key)
        wanted = {key(values): values for values in options if key(values) not in cache}
        if not wanted:
            return
        tasks = [(values, time_wanted) for values in wanted.values()]
        with multiprocessing.get_context("fork").Pool(min(len(tasks), os.cpu_count() or 1)) as pool:
            for key_, measured in zip(wanted, pool.map(_measured, tasks), strict=True):
                cache[key_] = measured

    def choose(start: dict[str, float], grids: tuple[dict[str, tuple], ...],
               objective: Callable[[dict[str, float]], float], time_wanted: bool) -> dict[str, float]:
        """Coordinate search from ``start``: each grid over every combination,
        keeping the best so far; swept again until a sweep changes nothing
        (at most SWEEPS times), as each grid was chosen with the others'
        values of the sweep before."""
        current = dict(start)
        for _ in range(SWEEPS):
            before = current
            for grid in grids:
                options = [dict(current, **dict(zip(grid, combo, strict=True))) for combo in product(*grid.values())]
                measure_all(options, time_wanted)
                current = max(options, key=objective)
            if current == before:
                break
        return current

    def known_objective(values: dict[str, float]) -> float:
        return statistics.mean(known_cache[_known_key(values)])

    def time_map(values: dict[str, float], queries: set[str]) -> float:
        measure_all([values], time_wanted=True)
        return statistics.mean(time_cache[_time_key(values)][q] for q in queries)

    short = choose(START, SHORT_GRIDS, known_objective, time_wanted=False)
    clean, wrong = known_cache[_known_key(short)]
    with parameters(sets.bbc_index, short):
        check = (mrr(known, clean_check), mrr(known, wrong_check))
    baseline = as_sets_baseline(sets)
    print(f"\nsearches of a few words, chosen on the known-item tuning half: "
          f"{_shown({name: short[name] for grid in SHORT_GRIDS for name in grid})}")
    print(f"  known items, tuning half: MRR clean {clean:.3f}, wrong {wrong:.3f}; "
          f"baseline {mrr(baseline, clean_tuning):.3f}, {mrr(baseline, wrong_tuning):.3f}")
    print(f"  known items, check half:  MRR clean {check[0]:.3f}, wrong {check[1]:.3f}; "
          f"baseline {mrr(baseline, clean_check):.3f}, {mrr(baseline, wrong_check):.3f}")

    print(f"\nquestions, cross-validated over {folds} TIME folds (seed {seed}), chosen on the other folds:")
    baseline_time = baseline_run(sets.time_baseline, OrGroup)
    baseline_aps = {q: average_precision(baseline_time(t), sets.judged[q]) for q, t in sets.time_queries.items()}
    held_out, baseline_held_out = [], []
    for number, fold in enumerate(folded, 1):
        training = set(sets.time_queries) - set(fold)
        chosen = choose(short, QUESTION_GRIDS, lambda values, training=training: time_map(values, training),
                        time_wanted=True)
        fold_map = time_map(chosen, set(fold))
        held_out.append(fold_map)
        baseline_held_out.append(statistics.mean(baseline_aps[q] for q in fold))
        print(f"  fold {number} ({len(fold)} queries): MAP {fold_map:.3f} (baseline {baseline_held_out[-1]:.3f}) with "
              f"{_shown({name: chosen[name] for grid in QUESTION_GRIDS for name in grid})}")
    everything = set(sets.time_queries)
    print(f"  mean held-out MAP over folds: {statistics.mean(held_out):.3f} "
          f"(baseline {statistics.mean(baseline_held_out):.3f})")
    chosen = choose(short, QUESTION_GRIDS, lambda values: time_map(values, everything), time_wanted=True)
    print(f"chosen on every fold: {_shown({name: chosen[name] for grid in QUESTION_GRIDS for name in grid})}")
    print(f"  TIME, all dev queries (tuned on them): MAP {time_map(chosen, everything):.3f}")


#: What the tuning processes measure with: the sets and the tuning half's searches.
_TUNING: tuple[Sets, list, list] | None = None
#: Parameters that change nothing for a search of at most five words (as
#: every known-item search is): those of questions.
_QUESTION_PARAMETERS = frozenset(name for grid in QUESTION_GRIDS for name in grid)


def _time_key(values: dict[str, float]) -> tuple:
    return tuple(sorted(values.items()))


def _known_key(values: dict[str, float]) -> tuple:
    return tuple(sorted((k, v) for k, v in values.items() if k not in _QUESTION_PARAMETERS))


def _measured(task: tuple[dict[str, float], bool]) -> Any:
    """In a tuning process: per TIME query AP, or the tuning half's MRR clean and wrong."""
    values, time_wanted = task
    assert _TUNING is not None
    sets, clean, wrong = _TUNING
    with parameters(sets.bbc_index, values), parameters(sets.time_index, values):
        if time_wanted:
            timed = sets.time_run("auto")
            return {q: average_precision(timed(t), sets.judged[q]) for q, t in sets.time_queries.items()}
        known = sets.known_run("auto")
        return mrr(known, clean), mrr(known, wrong)


def as_sets_baseline(sets: Sets) -> Callable[[str], list[set[str]]]:
    run = baseline_run(sets.bbc_baseline, OrGroup)
    return lambda text: [{doc} for doc in run(text)]


def _shown(values: dict[str, float]) -> str:
    return ", ".join(f"{name}={value:g}" for name, value in values.items())


if __name__ == "__main__":
    main()
