"""The naive Whoosh indexer a user would write first: the peer newsindex must beat.

One writer, Whoosh's StemmingAnalyzer, the first line as title, title and body
stored, one commit at the end.

    python -m benchmarks.naive_whoosh FOLDER INDEX [PROCS]   build
    python -m benchmarks.naive_whoosh search INDEX QUERY     print the top 10 titles
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema


def schema() -> Schema:
    analyzer = StemmingAnalyzer()
    return Schema(
        path=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
    )


def build(folder: Path, index_dir: Path, procs: int = 1) -> int:
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), schema())
    writer = ix.writer(procs=procs, limitmb=256) if procs > 1 else ix.writer()
    count = 0
    for root, _dirs, files in os.walk(folder):
        for name in sorted(files):
            path = os.path.join(root, name)
            text = Path(path).read_text(encoding="utf-8", errors="replace")
            title, _, body = text.partition("\n")
            writer.add_document(path=path, title=title, body=body)
            count += 1
    writer.commit()
    return count


def search(index_dir: Path, query: str) -> None:
    from whoosh.qparser import MultifieldParser

    ix = index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        for hit in searcher.search(MultifieldParser(["title", "body"], ix.schema).parse(query), limit=10):
            print(hit["title"])


if __name__ == "__main__":
    if sys.argv[1] == "search":
        search(Path(sys.argv[2]), sys.argv[3])
    else:
        print(build(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1))
