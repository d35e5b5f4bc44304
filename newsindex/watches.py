"""Watchlists: standing queries kept in the index folder, checked for what is new.

A watch is a query with its filters and a name. What it has already shown is
kept as the near-duplicate clusters of its matches (one number a story) and
the ids of the articles in them: a story is new when neither its cluster nor
any of its matching articles was seen, so an article re-added, updated or
re-dated (same id), or arriving as another copy of a story already seen
(same cluster as a seen article), is not new again. A new watch starts with
what the archive already holds as seen: it reports what comes after it.

The watches live in ``newsindex-watches.sqlite`` beside the index (see
newsindex._sqlite for what that guarantees).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone

from ._sqlite import Store, transaction
from .errors import InvalidValueError
from .models import Watch

FILENAME = "newsindex-watches.sqlite"


class WatchStore(Store):
    FILENAME = FILENAME
    TABLES = """
        CREATE TABLE IF NOT EXISTS watches (
            name TEXT PRIMARY KEY, query TEXT NOT NULL, filters TEXT NOT NULL,
            created TEXT NOT NULL, checked TEXT);
        CREATE TABLE IF NOT EXISTS seen (name TEXT NOT NULL, story INTEGER NOT NULL, PRIMARY KEY (name, story))
            WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS seen_articles (name TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (name, id))
            WITHOUT ROWID;
        """

    def add(
        self, name: str, query: str, filters: dict[str, str], stories: Iterable[int], articles: Iterable[str]
    ) -> Watch:
        """A new watch, with ``stories`` (cluster keys) and ``articles`` (ids) already seen."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with transaction(self._db) as db:
            if db.execute("SELECT 1 FROM watches WHERE name=?", (name,)).fetchone():
                raise InvalidValueError("command line", "watch", f"a watch named {name!r} exists already")
            db.execute("INSERT INTO watches VALUES (?, ?, ?, ?, ?)",
                       (name, query, json.dumps(filters, sort_keys=True), now, now))
            self._insert_seen(name, stories, articles)
        return self.get(name)

    def get(self, name: str) -> Watch:
        row = self._db.execute("SELECT * FROM watches WHERE name=?", (name,)).fetchone()
        if row is None:
            raise InvalidValueError("command line", "watch", f"no watch named {name!r} (see `newsindex watch list`)")
        return _watch(row)

    def all(self) -> list[Watch]:
        return [_watch(row) for row in self._db.execute("SELECT * FROM watches ORDER BY name")]

    def remove(self, name: str) -> None:
        self.get(name)
        with transaction(self._db) as db:
            db.execute("DELETE FROM watches WHERE name=?", (name,))
            db.execute("DELETE FROM seen WHERE name=?", (name,))
            db.execute("DELETE FROM seen_articles WHERE name=?", (name,))

    def seen(self, name: str) -> tuple[set[int], set[str]]:
        """The stories (cluster keys) and articles (ids) the watch has seen."""
        stories = {_unsigned(s) for (s,) in self._db.execute("SELECT story FROM seen WHERE name=?", (name,))}
        articles = {i for (i,) in self._db.execute("SELECT id FROM seen_articles WHERE name=?", (name,))}
        return stories, articles

    def mark_seen(self, name: str, stories: Iterable[int], articles: Iterable[str]) -> None:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with transaction(self._db) as db:
            self._insert_seen(name, stories, articles)
            db.execute("UPDATE watches SET checked=? WHERE name=?", (now, name))

    def _insert_seen(self, name: str, stories: Iterable[int], articles: Iterable[str]) -> None:
        self._db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", ((name, _signed(s)) for s in stories))
        self._db.executemany("INSERT OR IGNORE INTO seen_articles VALUES (?, ?)", ((name, i) for i in articles))


def _watch(row: tuple[str, str, str, str, str | None]) -> Watch:
    name, query, filters, created, checked = row
    return Watch(name, query, json.loads(filters), datetime.fromisoformat(created),
                 datetime.fromisoformat(checked) if checked else None)


def _signed(key: int) -> int:
    """A 64-bit cluster key as SQLite's signed integer."""
    return key - (1 << 64) if key >= 1 << 63 else key


def _unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value
