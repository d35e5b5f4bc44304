"""The layout of a sharded index: N shards, each a newsindex index of its own.

An index made with ``add --shards N`` holds a file naming its shards and one
folder per shard (``shard-00``, ``shard-01``...). Each shard has its own
Whoosh index, manifest and write lock, so it keeps every crash guarantee of
an index of one shard, and ``check`` and ``rebuild`` work on it alone.

Articles are partitioned by their id (a hash of the source's path and
record key), not by date: the id is known before an article is read, so an
unchanged file is found unchanged in the one shard that can hold it, and
shards stay the same size whatever the archive's spread over time. Date
shards would let a search skip shards outside --since/--until, but a news
archive is searched over all its years far more often than within one,
and its newest shard would take every write.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import InvalidValueError, NewsIndexError

if TYPE_CHECKING:
    from whoosh.index import Index
    from whoosh.searching import Searcher

#: The file in an index folder that makes it sharded.
LAYOUT_FILE = "newsindex-shards.json"
#: The most shards an index may have: each costs a process (or a worker's
#: share of one) and an open reader at every search.
MAX_SHARDS = 64


@dataclass(frozen=True)
class Layout:
    """How many shards an index has, and where they are."""

    folder: str
    shards: int

    def paths(self) -> list[str]:
        return [os.path.join(self.folder, f"shard-{number:02d}") for number in range(self.shards)]

    def shard_of(self, article_id: str) -> int:
        """The shard of the article ``article_id``: the same on every machine,
        every run (the id is itself a hash, so the shards fill evenly)."""
        return int(article_id, 16) % self.shards


def read_layout(folder: str) -> Layout | None:
    """The layout of the index in ``folder``, or None for an index of one shard."""
    path = os.path.join(folder, LAYOUT_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            recorded = json.load(handle)
        shards = int(recorded["shards"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NewsIndexError(f"{path}: not a layout of shards newsindex wrote ({exc})") from None
    if not 1 <= shards <= MAX_SHARDS:
        raise NewsIndexError(f"{path}: {shards} shards is not between 1 and {MAX_SHARDS}")
    return Layout(folder, shards)


def check_shard_count(shards: int) -> int:
    if not 1 <= shards <= MAX_SHARDS:
        raise InvalidValueError("command line", "shards", f"{shards} is not between 1 and {MAX_SHARDS}")
    return shards


def write_layout(folder: str, shards: int) -> Layout:
    """Record that the index in ``folder`` has ``shards`` shards (written
    whole, then renamed: a reader never sees half a layout)."""
    layout = Layout(folder, check_shard_count(shards))
    for path in layout.paths():
        os.makedirs(path, exist_ok=True)
    target = os.path.join(folder, LAYOUT_FILE)
    with open(target + ".tmp", "w", encoding="utf-8") as handle:
        json.dump({"shards": shards, "partition": "article id modulo shards"}, handle)
        handle.write("\n")
    os.replace(target + ".tmp", target)
    return layout


class ShardSet:
    """The shards' Whoosh indexes, open: written by an add, read as one by a search."""

    def __init__(self, layout: Layout, indexes: list[Index]) -> None:
        self.layout = layout
        self.indexes = indexes
        self.schema = indexes[0].schema

    def latest_generation(self) -> tuple[int, ...]:
        return tuple(ix.latest_generation() for ix in self.indexes)

    def is_current(self, searcher: Searcher) -> bool:
        return getattr(searcher, "generations", None) == self.latest_generation()
