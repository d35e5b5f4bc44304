"""`newsindex serve` under load, beside datasette serving SQLite FTS5 of the same articles.

    python -m benchmarks.serve INDEX ARTICLES [--clients 50] [--seconds 30]

INDEX is a newsindex index of the article files under ARTICLES (for example
benchmarks/synthetic.py's 100,000 articles). The same articles (headline
line and text) go into an SQLite FTS5 table, served by datasette, which data
journalists use for this. Each server runs as its own process; ``--clients``
concurrent clients (asyncio, httpx) ask it searches from benchmarks.latency's
query list (words, phrases, OR, NOT...; datasette gets the same words as its
``_search``, which FTS5 reads with its own syntax) for ``--seconds``. Printed:
requests a second, p50 and p95 latency, errors (any status but 200, or a
request that fails), and the server's peak memory (VmHWM).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.latency import percentile, queries_for


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server ended: {server.stderr.read() if server.stderr else ''}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    sys.exit(f"no answer from {url}")


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def load(urls: list[str], clients: int, seconds: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    end = time.monotonic() + seconds

    async def client(number: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(timeout=60) as http:
            i = number
            while time.monotonic() < end:
                started = time.perf_counter()
                try:
                    answer = await http.get(urls[i % len(urls)])
                    if answer.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - started)
                i += clients

    await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies, errors


def fts_database(articles: Path, path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE articles USING fts5(title, body)")
    rows = []
    for file in sorted(articles.rglob("*.txt")):
        title, _, body = file.read_text(encoding="utf-8", errors="replace").partition("\n")
        rows.append((title, body))
    db.executemany("INSERT INTO articles VALUES (?, ?)", rows)
    db.commit()
    db.close()


def words_only(query: str) -> str:
    """A query's words, for datasette's _search (FTS5 reads its own syntax)."""
    return " ".join(re.findall(r"[A-Za-z]{3,}", query.replace(" OR ", " ").replace(" NOT ", " ")))


def measure(name: str, command: list[str], port: int, urls: list[str], clients: int, seconds: float) -> str:
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/favicon.ico", server)  # any answer, even 404
        asyncio.run(load(urls[:50], 5, 3))  # warm-up
        latencies, errors = asyncio.run(load(urls, clients, seconds))
        memory = peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return (f"| {name} | {len(latencies) / seconds:,.0f} | {percentile(latencies, 0.5) * 1000:.0f} ms | "
            f"{percentile(latencies, 0.95) * 1000:.0f} ms | {errors} | {memory:.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index")
    parser.add_argument("articles", type=Path)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    queries = [q for q in queries_for(args.articles, 7) if words_only(q)]
    rows = []
    port = free_port()
    urls = [str(httpx.URL(f"http://127.0.0.1:{port}/api/search", params={"q": q})) for q in queries]
    rows.append(measure("newsindex serve (/api/search, 10 hits with snippets)",
                        [sys.executable, "-m", "newsindex", "serve", "--index", args.index, "--port", str(port)],
                        port, urls, args.clients, args.seconds))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "news.db"
        started = time.perf_counter()
        fts_database(args.articles, db)
        built = time.perf_counter() - started
        port = free_port()
        urls = [str(httpx.URL(f"http://127.0.0.1:{port}/news/articles.json",
                              params={"_search": words_only(q), "_size": 10})) for q in queries]
        rows.append(measure("datasette, SQLite FTS5 (articles.json?_search=, 10 rows)",
                            [sys.executable, "-m", "datasette", "serve", str(db), "--port", str(port),
                             "--setting", "sql_time_limit_ms", "10000"],
                            port, urls, args.clients, args.seconds))
    print(f"{len(queries)} queries, {args.clients} clients, {args.seconds:g} s each; FTS5 table built in {built:.0f} s")
    print("| server | requests/s | p50 | p95 | errors | peak memory |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
