"""An archive of a million articles: one index against two shards, in the same run.

    python -m benchmarks.scale WORK [--articles 1000000]

Writes ``--articles`` synthetic articles (benchmarks/synthetic.py: real
sentences, marked synthetic) under WORK/articles, once; builds them into
WORK/one (an index of one shard) and WORK/two (``--shards 2 --cluster
local:2``: read and written by two Dask workers), each once, each by
``newsindex add`` in a process of its own timed from outside (peak memory by
GNU time: the largest process of the add's tree; and read from /proc each
second for the add's own process and each Dask worker); then, for each
index, runs benchmarks.latency's queries in a process of its own, warm, and
reads the peak memory (VmHWM) of that process and of every shard process it
started. Steps whose output exists are not run again; ``--fresh`` runs them
all.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from benchmarks.speed import folder_bytes, run


def _build(articles: Path, index: Path, shards: int) -> dict[str, float]:
    if (index / "build.json").exists():
        return json.loads((index / "build.json").read_text())
    shutil.rmtree(index, ignore_errors=True)
    cmd = [sys.executable, "-m", "newsindex", "add", str(articles), "--index", str(index)]
    peaks = _Peaks()
    peaks.start()
    try:
        measured = run(cmd + (["--shards", str(shards), "--cluster", f"local:{shards}"] if shards > 1 else []))
    finally:
        peaks.stopped.set()
    figures = {"add_seconds": measured.seconds, "add_peak_mb": measured.peak_mb, "index_bytes": folder_bytes(index),
               "add_process_peak_mb": peaks.add_mb(),
               "worker_peak_mb": max(peaks.workers.values(), default=float("nan"))}
    (index / "build.json").write_text(json.dumps(figures))
    return figures


class _Peaks(threading.Thread):
    """The peak memory (VmHWM) of the add's process and of each Dask worker
    under this one, sampled every second while an add runs: GNU time gives
    the largest process of the tree, and sees a worker only once the add
    has waited for it. A process's last second is not seen; VmHWM only grows."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stopped = threading.Event()
        self.adds: dict[tuple[int, int], float] = {}  # (depth below this process, pid)
        self.workers: dict[int, float] = {}

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            for proc in Path("/proc").iterdir():
                try:
                    if not proc.name.isdigit() or (depth := _depth_below(int(proc.name), os.getpid())) is None:
                        continue
                    pid, command = int(proc.name), (proc / "cmdline").read_bytes()
                    if b"spawn_main" in command:
                        self.workers[pid] = _peak_mb(pid)
                    elif command.startswith(sys.executable.encode() + b"\0-m\0newsindex\0add"):  # not GNU time
                        self.adds[(depth, pid)] = _peak_mb(pid)
                except (OSError, ValueError, IndexError):  # ended meanwhile
                    continue

    def add_mb(self) -> float:
        """The add's own process: the highest of those running ``newsindex add``
        (the add's forked readers run it too, below it)."""
        return self.adds[min(self.adds)] if self.adds else float("nan")


def _depth_below(pid: int, ancestor: int) -> int | None:
    depth = 0
    while pid > 1:
        status = Path(f"/proc/{pid}/status").read_text()
        pid, depth = int(status.split("PPid:", 1)[1].split()[0]), depth + 1
        if pid == ancestor:
            return depth
    return None


def _latency(articles: Path, index: Path, seed: int) -> dict[str, float]:
    """Warm p50/p95 with and without snippets, and peak memory per process,
    measured in a child process (this one holds the query set)."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", "--measure", str(index), str(articles), "--seed", str(seed)],
        stdout=subprocess.PIPE, check=True,
    )
    return json.loads(done.stdout.decode().splitlines()[-1])


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _measure(index: str, articles: Path, seed: int) -> None:
    from benchmarks.latency import percentile, queries_for, warm_medians
    from newsindex import NewsIndex

    queries = queries_for(articles, seed)
    figures: dict[str, float] = {"queries": len(queries)}
    with NewsIndex(index) as ni:
        for snippets in (False, True):
            medians = warm_medians(ni, queries, snippets)
            label = "snippets" if snippets else "plain"
            figures[f"{label}_p50_ms"] = percentile(medians, 0.5) * 1000
            figures[f"{label}_p95_ms"] = percentile(medians, 0.95) * 1000
        figures["search_peak_mb"] = _peak_mb(os.getpid())
        processes = ni._processes
        shard_peaks = [_peak_mb(pid) for pool in (processes._pools if processes else []) if pool
                       for pid in pool._processes]  # the first shard's is the searching process
        figures["shard_process_peak_mb"] = max(shard_peaks) if shard_peaks else float("nan")
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("work", type=Path, nargs="?")
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--measure", nargs=2, metavar=("INDEX", "ARTICLES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure(args.measure[0], Path(args.measure[1]), args.seed)
        return
    if args.work is None:
        parser.error("give a folder to work in")
    from benchmarks import synthetic

    work: Path = args.work
    if args.fresh:
        shutil.rmtree(work, ignore_errors=True)
    articles = work / "articles"
    if not (work / "articles.json").exists():
        shutil.rmtree(articles, ignore_errors=True)
        files, size = synthetic.write(articles, args.articles)
        (work / "articles.json").write_text(json.dumps({"files": files, "bytes": size}))
    written = json.loads((work / "articles.json").read_text())
    rows = {}
    for name, shards in (("one index", 1), ("2 shards", 2)):
        index = work / ("one" if shards == 1 else "two")
        rows[name] = {**_build(articles, index, shards), **_latency(articles, index, args.seed)}
    print(f"synthetic archive: {written['files']:,} articles, {written['bytes'] / 1e6:,.0f} MB of text")
    figures = [
        ("add", "add_seconds", "{:,.0f} s"),
        ("add: peak memory (largest process)", "add_peak_mb", "{:,.0f} MB"),
        ("add: peak memory, add's process", "add_process_peak_mb", "{:,.0f} MB"),
        ("add: peak memory, each Dask worker", "worker_peak_mb", "{:,.0f} MB"),
        ("index size / text", "index_bytes", None),
        ("warm p50, no snippets", "plain_p50_ms", "{:.1f} ms"),
        ("warm p95, no snippets", "plain_p95_ms", "{:.1f} ms"),
        ("warm p50, with snippets", "snippets_p50_ms", "{:.1f} ms"),
        ("warm p95, with snippets", "snippets_p95_ms", "{:.1f} ms"),
        ("search: peak memory, searching process", "search_peak_mb", "{:,.0f} MB"),
        ("search: peak memory, each shard process", "shard_process_peak_mb", "{:,.0f} MB"),
    ]
    print(f"{'':42} " + " ".join(f"{name:>12}" for name in rows))
    for label, key, shape in figures:
        cells = []
        for row in rows.values():
            value = row.get(key, float("nan"))
            cells.append(f"{value / written['bytes']:.2f}x" if shape is None else
                         "-" if value != value else shape.format(value))
        print(f"{label:42} " + " ".join(f"{cell:>12}" for cell in cells))
    print(f"({rows['one index']['queries']:.0f} queries, benchmarks.latency's, each the median of 3 warm runs)")


if __name__ == "__main__":
    main()
