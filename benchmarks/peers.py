"""The systems measured beside newsindex, each behind the same small interface.

``build`` runs in its own process (``python -m benchmarks.peers build NAME
FOLDER INDEX``) so that its wall time and peak memory are its own; ``open``
gives a searcher for warm queries in the benchmark process; ``cold`` is the
command line a shell script would run for one search.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import naive_whoosh
from .queries import Query

#: A warm search: (query, with snippets) -> hits found (at most 10 fetched).
Search = Callable[[Query, bool], int]


def article_files(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".txt"):
                yield Path(root, name)


def _title_body(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    title, _, body = text.partition("\n")
    return title, body


# -- newsindex --------------------------------------------------------------------


def newsindex_open(index: Path, sort: str = "relevance") -> tuple[Search, Callable[[], None]]:
    from newsindex import NewsIndex

    ni = NewsIndex(index)

    def search(q: Query, snippets: bool) -> int:
        return ni.search(q.newsindex, limit=10, snippets=snippets, sort=sort).total

    return search, ni.close


def newsindex_cold(index: Path, q: Query) -> list[str]:
    return [sys.executable, "-m", "newsindex", "search", q.newsindex, "--index", str(index)]


# -- the naive Whoosh script --------------------------------------------------------


def whoosh_open(index: Path) -> tuple[Search, Callable[[], None]]:
    from whoosh import index as whoosh_index
    from whoosh.qparser import MultifieldParser

    ix = whoosh_index.open_dir(str(index))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema)

    def search(q: Query, snippets: bool) -> int:
        assert q.whoosh is not None
        results = searcher.search(parser.parse(q.whoosh), limit=10)
        for hit in results:
            _ = hit["title"]
            if snippets:
                hit.highlights("body")
        return len(results)

    return search, searcher.close


def whoosh_cold(index: Path, q: Query) -> list[str]:
    return [sys.executable, "-m", "benchmarks.naive_whoosh", "search", str(index), q.whoosh or ""]


# -- SQLite FTS5 ------------------------------------------------------------------------


def fts5_build(folder: Path, index: Path) -> int:
    index.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(index / "fts5.sqlite")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, body, tokenize='porter unicode61')")
    count = 0
    with db:
        for path in article_files(folder):
            db.execute("INSERT INTO docs VALUES (?, ?, ?)", (str(path), *_title_body(path)))
            count += 1
    db.close()
    return count


def fts5_open(index: Path) -> tuple[Search, Callable[[], None]]:
    db = sqlite3.connect(index / "fts5.sqlite")

    def search(q: Query, snippets: bool) -> int:
        column = "snippet(docs, 2, '[', ']', '...', 24)" if snippets else "''"
        rows = db.execute(
            f"SELECT path, title, {column} FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10", (q.fts5,)
        ).fetchall()
        return len(rows)

    return search, db.close


def fts5_cold(index: Path, q: Query) -> list[str]:
    return [sys.executable, "-m", "benchmarks.peers", "search", "fts5", str(index), q.fts5 or ""]


# -- tantivy-py -------------------------------------------------------------------------


def tantivy_schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("path", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    return builder.build()


def tantivy_build(folder: Path, index: Path) -> int:
    import tantivy

    index.mkdir(parents=True, exist_ok=True)
    ix = tantivy.Index(tantivy_schema(), path=str(index))
    writer = ix.writer()
    count = 0
    for path in article_files(folder):
        title, body = _title_body(path)
        writer.add_document(tantivy.Document(path=str(path), title=title, body=body))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


def tantivy_open(index: Path) -> tuple[Search, Callable[[], None]]:
    import tantivy

    ix = tantivy.Index.open(str(index))
    ix.reload()
    searcher = ix.searcher()
    schema = tantivy_schema()

    def search(q: Query, snippets: bool) -> int:
        query = ix.parse_query(q.tantivy, ["title", "body"])
        hits = searcher.search(query, 10).hits
        generator = tantivy.SnippetGenerator.create(searcher, query, schema, "body") if snippets else None
        for _, address in hits:
            doc = searcher.doc(address)
            if generator is not None:
                generator.snippet_from_doc(doc).to_html()
        return len(hits)

    return search, lambda: None


def tantivy_available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


# -- ripgrep over the raw files ---------------------------------------------------------


def rg_available() -> bool:
    return shutil.which("rg") is not None


def rg_cold(folder: Path, q: Query) -> list[str]:
    return ["rg", "--files-with-matches", "--count-matches", "-e", q.grep or "", str(folder)]


BUILDERS: dict[str, Callable[[Path, Path], int]] = {
    "whoosh": lambda folder, index: naive_whoosh.build(folder, index),
    "fts5": fts5_build,
    "tantivy": tantivy_build,
}

if __name__ == "__main__":
    command, name, *rest = sys.argv[1:]
    if command == "build":
        print(BUILDERS[name](Path(rest[0]), Path(rest[1])))
    elif command == "search" and name == "fts5":
        db = sqlite3.connect(Path(rest[0]) / "fts5.sqlite")
        for row in db.execute("SELECT title FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10", (rest[1],)):
            print(row[0])
