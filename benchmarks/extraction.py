"""Extraction quality of `newsindex add` on saved news pages, beside trafilatura alone.

    python -m benchmarks.extraction ../shared/corpora/article-extraction-dev

Body: DIR holds ``html/KEY.html.gz`` (or ``.html``) pages and
``ground-truth.json`` (``{KEY: {"articleBody": ...}}``), the format of Zyte's
article extraction benchmark. The metric is the benchmark's: 4-token shingles
of ``\\w+`` tokens, true/false positives and false negatives normalised per
page, precision and recall averaged over pages, F1 of the two means.

Metadata (title, byline, date) is measured by ``benchmarks.metadata``.

Pages go in through ``NewsIndex.add`` like a user's archive and
are read back through the API; trafilatura runs on the same pages with its
default settings.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from newsindex import NewsIndex
from newsindex.ingest.readers import decode_page
from newsindex.models import Article, FileOutcome


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text.lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 0)))


def page_scores(extracted: str, gold: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page: they sum to 1, so long pages do not weigh more."""
    got, want = shingles(extracted), shingles(gold)
    tp = sum((got & want).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return (1.0, 0.0, 0.0) if total == 0 else (tp / total, fp / total, fn / total)


def summarise(scores: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    precisions = [tp / (tp + fp) if tp + fp else (1.0 if fp == 0 and tp == 0 and fn == 0 else 0.0)
                  for tp, fp, fn in scores]
    recalls = [tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0) for tp, fp, fn in scores]
    p = sum(precisions) / len(precisions)
    r = sum(recalls) / len(recalls)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pages(folder: Path) -> dict[str, Path]:
    found = {}
    for path in sorted((folder / "html").iterdir()):
        key = path.name.split(".")[0]
        found[key] = path
    return found


def read_page(path: Path) -> str:
    data = path.read_bytes()
    return decode_page(gzip.decompress(data) if path.suffix == ".gz" else data)


def ingest(folder: Path, keys: set[str]) -> tuple[dict[str, Article | None], float, list[FileOutcome]]:
    """Every page through `newsindex add`, read back through the API."""
    with tempfile.TemporaryDirectory() as tmp:
        with NewsIndex(Path(tmp) / "index") as ni:
            started = time.perf_counter()
            report = ni.add([folder / "html"])
            seconds = time.perf_counter() - started
            ids = {Path(o.path).name.split(".")[0]: o.id for o in report.outcomes if o.id}
            articles = {key: ni.get(ids[key]) if key in ids else None for key in keys}
    return articles, seconds, [o for o in report.outcomes if o.status == "skipped"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="folder with html/ and ground-truth.json")
    args = parser.parse_args(argv)
    console = Console(width=200)
    if not (args.folder / "ground-truth.json").exists():
        print(f"{args.folder}: no ground-truth.json", file=sys.stderr)
        return 2
    skipped = bodies(args.folder, console)
    for outcome in skipped:
        console.print(f"newsindex skipped {outcome.where}: {outcome.reason}", markup=False)
    return 0


def bodies(folder: Path, console: Console) -> list[FileOutcome]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    files = {key: path for key, path in pages(folder).items() if key in truth}
    articles, ours_seconds, skipped = ingest(folder, set(files))
    ours = {key: a.body if a else "" for key, a in articles.items()}

    import trafilatura

    started = time.perf_counter()
    theirs = {key: trafilatura.extract(read_page(path)) or "" for key, path in files.items()}
    theirs_seconds = time.perf_counter() - started

    gold = {key: truth[key]["articleBody"] for key in files}
    rows = [
        ("newsindex add (trafilatura precise, recall fallback, captions apart)", ours, ours_seconds),
        (f"trafilatura {trafilatura.__version__} alone, default settings", theirs, theirs_seconds),
    ]
    table = Table(title=f"body extraction, {len(files)} pages of {folder}", title_justify="left", box=box.MARKDOWN)
    for column in ("system", "precision", "recall", "F1", "pages with nothing", "seconds"):
        table.add_column(column, justify="left" if column == "system" else "right")
    for name, bodies, seconds in rows:
        p, r, f1 = summarise([page_scores(bodies[key], gold[key]) for key in files])
        empty = sum(1 for key in files if not bodies[key].strip())
        table.add_row(name, f"{p:.3f}", f"{r:.3f}", f"{f1:.3f}", str(empty), f"{seconds:.1f}")
    console.print(table)
    return skipped


if __name__ == "__main__":
    raise SystemExit(main())
