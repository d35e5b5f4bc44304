"""Opening the Whoosh index on disk.

Without memory mapping: Whoosh's memory-mapped path wraps each part of a
segment in a BytesIO, which copies it, so opening an index would read all
of it into memory before the first search, growing with the archive. Plain
file reads keep opening cheap and memory flat, for somewhat slower warm
queries.
"""

from __future__ import annotations

from typing import Any

from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from ..sharding import ShardSet

#: Times an open is tried again when the generation it read was replaced meanwhile.
OPEN_TRIES = 5


def open_index(path: str) -> Index:
    """The index's latest generation. A writer committing between Whoosh's
    listing of the generations and its reading of the newest one deletes that
    one's table of contents: the open is then tried again, and finds the new."""
    for _ in range(OPEN_TRIES - 1):
        try:
            return FileStorage(path, supports_mmap=False).open_index()
        except FileNotFoundError:
            continue
    return FileStorage(path, supports_mmap=False).open_index()


def open_writer(ix: Index | ShardSet, **options: Any) -> Any:
    """The index's writer (segments.py); it takes the index's write lock. A
    sharded index's writes each document to its shard's (shards.py)."""
    from .segments import SegmentBuilder

    if isinstance(ix, ShardSet):
        from .shards import ShardedWriter

        return ShardedWriter(ix.layout, [SegmentBuilder(shard, **options) for shard in ix.indexes])
    return SegmentBuilder(ix, **options)


def create_index(path: str, schema: Schema) -> Index:
    return FileStorage(path, supports_mmap=False).create_index(schema)


def cancel_quietly(writer: Any) -> None:
    """Abandon an uncommitted writer while an error is on its way up: that error
    is the one to report, not a second one from cleaning up after it."""
    try:
        writer.cancel()
    except Exception:
        pass
