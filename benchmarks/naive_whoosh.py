"""The naive Whoosh indexer a user would write first: the peer newsindex must beat.

One writer, Whoosh's StemmingAnalyzer, the first line as title, title and body
stored, one commit at the end. Usage: python -m benchmarks.naive_whoosh FOLDER INDEX [PROCS]
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


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1))
