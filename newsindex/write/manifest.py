"""The file manifest: which source files the index holds, and in which state.

Re-adding an archive must not read every stored document, so the manifest
keeps, per source (a file, or one record of a file holding many), the article
id, a change fingerprint (size, mtime, sidecar, overrides) and the text hash
used to spot duplicates; and per file of records, the fingerprint it had when
all its records were last read. It lives in an SQLite file inside the index
folder.

The Whoosh index is the truth and the manifest a cache of it: the manifest
records the index generation it matches, and when they differ (a process was
killed between the index commit and the manifest update) it is rebuilt from
the stored fields.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

FILENAME = "newsindex-manifest.sqlite"


@dataclass(frozen=True)
class Entry:
    path: str
    record: str  # the record's key in a file of many; "" for a one-article file
    id: str
    fingerprint: str
    content_hash: str
    digest: str  # hash of everything indexed for the article: text and metadata


@dataclass(frozen=True)
class Signature:
    id: str
    cluster: str
    sig: bytes


#: Recorded in the manifest. A manifest of another layout, or holding
#: signatures of another shape, is emptied on opening and rebuilt from the
#: index by the next write (its generation is forgotten).
LAYOUT = "ids as integers, hashes as bytes; bands by one 31-bit key"


class Manifest:
    def __init__(self, folder: str, *, upgrade: bool = True) -> None:
        """Open (or create) the manifest of the index in ``folder``. A manifest
        of another layout is emptied, unless ``upgrade`` is False (a reader
        without the write lock): it then reads as lagging the index."""
        from .minhash import SHAPE

        self._db = sqlite3.connect(os.path.join(folder, FILENAME), isolation_level=None)
        self._db.executescript(
            """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT);
            """
        )
        layout = f"{LAYOUT}; {SHAPE}"
        row = self._db.execute("SELECT value FROM state WHERE key='layout'").fetchone()
        self._outdated = not row or row[0] != layout
        if self._outdated and upgrade:
            self._outdated = False
            with self._transaction():
                for table in ("files", "sources", "containers", "skips", "signatures", "bands"):
                    self._db.execute(f"DROP TABLE IF EXISTS {table}")
                self._db.execute("DELETE FROM state")
                self._db.execute("INSERT INTO state VALUES ('layout', ?)", (layout,))
        self._db.executescript(
            """
            -- Ids as integers and hashes as bytes: half the room of their hexadecimal.
            CREATE TABLE IF NOT EXISTS sources (
                path TEXT NOT NULL, record TEXT NOT NULL, id INTEGER NOT NULL, fingerprint TEXT NOT NULL,
                content_hash BLOB NOT NULL, digest BLOB NOT NULL, PRIMARY KEY (path, record));
            CREATE INDEX IF NOT EXISTS sources_hash ON sources(content_hash);
            CREATE INDEX IF NOT EXISTS sources_id ON sources(id);
            CREATE TABLE IF NOT EXISTS containers (path TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
            -- What the last read of a file skipped (record "" for the whole
            -- file), while the file keeps that fingerprint: an unchanged
            -- file's skips are told as "skipped earlier", not read again.
            CREATE TABLE IF NOT EXISTS skips (
                path TEXT NOT NULL, fingerprint TEXT NOT NULL, record TEXT NOT NULL, reason TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS skips_path ON skips(path);
            -- A band row's key packs the band number and the band's values
            -- into 31 bits (see minhash.bands).
            CREATE TABLE IF NOT EXISTS signatures (doc INTEGER PRIMARY KEY, cluster TEXT NOT NULL, sig BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc))
                WITHOUT ROWID;
            """
        )
        #: Whether this is a writer's, which holds the write lock while it is
        #: open: nothing else changes the manifest underneath it.
        self._writes = upgrade
        #: Nothing recorded, as a writer knows: the lookups of an add into a new
        #: index (three an article) answer without SQLite until its first batch
        #: is recorded.
        self._empty = self._writes and self._nothing_recorded()

    def close(self) -> None:
        self._db.close()

    @property
    def generation(self) -> int | None:
        if self._outdated:
            return None
        row = self._db.execute("SELECT value FROM state WHERE key='generation'").fetchone()
        return int(row[0]) if row else None

    def get(self, path: str, record: str = "") -> Entry | None:
        if self._empty:
            return None
        row = self._db.execute("SELECT * FROM sources WHERE path=? AND record=?", (path, record)).fetchone()
        return _entry(row) if row else None

    def of_file(self, path: str) -> list[Entry]:
        """Every article read from the file at ``path``: one, or one per record."""
        if self._empty:
            return []
        return [_entry(row) for row in self._db.execute("SELECT * FROM sources WHERE path=?", (path,))]

    def container(self, path: str) -> str | None:
        """The fingerprint a file of records had when all its records were last read."""
        if self._empty:
            return None
        row = self._db.execute("SELECT fingerprint FROM containers WHERE path=?", (path,)).fetchone()
        return row[0] if row else None

    def skipped(self, path: str, fingerprint: str) -> list[tuple[str, str]] | None:
        """What the last read of the file at ``path`` skipped, as (record,
        reason) with record "" for the whole file, if the file still has the
        ``fingerprint`` it had then; None if it has another, or nothing was
        skipped."""
        if self._empty:
            return None
        rows = self._db.execute("SELECT fingerprint, record, reason FROM skips WHERE path=?", (path,)).fetchall()
        if not rows or any(row[0] != fingerprint for row in rows):
            return None
        return [(record, reason) for _, record, reason in rows]

    def by_hash(self, content_hash: str) -> Entry | None:
        if self._empty:
            return None
        row = self._db.execute(
            "SELECT * FROM sources WHERE content_hash=? LIMIT 1", (bytes.fromhex(content_hash),)
        ).fetchone()
        return _entry(row) if row else None

    def by_id(self, article_id: str) -> Entry | None:
        row = self._db.execute("SELECT * FROM sources WHERE id=?", (int(article_id, 16),)).fetchone()
        return _entry(row) if row else None

    def under(self, folder: str) -> list[Entry]:
        prefix = folder.rstrip(os.sep) + os.sep
        rows = self._db.execute(
            "SELECT * FROM sources WHERE substr(path, 1, ?) = ? ORDER BY path, record",
            (len(prefix), prefix),
        )
        return [_entry(row) for row in rows]

    def entries(self) -> Iterator[Entry]:
        for row in self._db.execute("SELECT * FROM sources"):
            yield _entry(row)

    def near(self, keys: Iterable[int]) -> list[Signature]:
        """Signatures sharing at least one LSH band key with ``keys``."""
        if self._empty:
            return []
        keys = list(keys)
        rows = self._db.execute(
            "SELECT doc, cluster, sig FROM signatures WHERE doc IN (SELECT doc FROM bands WHERE key IN ("
            + ", ".join("?" * len(keys))
            + ")) ORDER BY doc",
            keys,
        )
        return [Signature(_article_id(doc), cluster, sig) for doc, cluster, sig in rows]

    def record(
        self,
        upserts: Iterable[Entry],
        deleted: Iterable[tuple[str, str]],
        generation: int,
        signatures: Iterable[Signature] = (),
        unsigned: Iterable[str] = (),
        containers: Mapping[str, str | None] | None = None,
        skips: Mapping[str, tuple[str, list[tuple[str, str]]]] | None = None,
    ) -> None:
        """Record a batch as matching ``generation``, in a transaction left
        open while the index commits the batch (an add writes it while a
        forked copy writes the segment's terms): :meth:`commit` makes it last
        once the index holds the batch, :meth:`rollback` (or a crash) undoes it.

        ``deleted`` are the (path, record) of sources gone; ``signatures`` the
        near-duplicate signatures of articles written; ``unsigned`` the ids of
        articles removed, whose signatures go; ``containers`` the fingerprints
        of files of records read whole (None: to be read again next time);
        ``skips`` what the read of each file read skipped, with the file's
        fingerprint (an empty list: nothing).
        """
        signatures = list(signatures)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany("DELETE FROM sources WHERE path=? AND record=?", deleted)
            self._db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?)", map(_row, upserts))
            for path, fingerprint in (containers or {}).items():
                if fingerprint is None:
                    self._db.execute("DELETE FROM containers WHERE path=?", (path,))
                else:
                    self._db.execute("INSERT OR REPLACE INTO containers VALUES (?, ?)", (path, fingerprint))
            for path, (fingerprint, skipped) in (skips or {}).items():
                self._db.execute("DELETE FROM skips WHERE path=?", (path,))
                self._db.executemany(
                    "INSERT INTO skips VALUES (?, ?, ?, ?)", ((path, fingerprint, r, why) for r, why in skipped)
                )
            if not self._empty:
                self._remove_signatures([*unsigned, *(s.id for s in signatures)])
            self._add_signatures(signatures)
            self._set_generation(generation)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def commit(self) -> None:
        self._db.execute("COMMIT")
        self._empty = self._writes and self._nothing_recorded()

    def rollback(self) -> None:
        self._db.execute("ROLLBACK")

    def replace_all(self, entries: Iterable[Entry], generation: int, signatures: Iterable[Signature] = ()) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM sources")
            self._db.execute("DELETE FROM containers")  # their files are read again next time
            self._db.execute("DELETE FROM skips")
            self._db.execute("DELETE FROM signatures")
            self._db.execute("DELETE FROM bands")
            self._db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?)", map(_row, entries))
            self._add_signatures(signatures)
            self._set_generation(generation)
        self._empty = self._writes and self._nothing_recorded()

    def _nothing_recorded(self) -> bool:
        row = self._db.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM sources) AND NOT EXISTS (SELECT 1 FROM containers)"
            " AND NOT EXISTS (SELECT 1 FROM signatures) AND NOT EXISTS (SELECT 1 FROM skips)"
        ).fetchone()
        return bool(row[0])

    def _remove_signatures(self, ids: Iterable[str]) -> None:
        from .minhash import bands

        for article_id in ids:
            doc = int(article_id, 16)
            row = self._db.execute("SELECT sig FROM signatures WHERE doc=?", (doc,)).fetchone()
            if row:
                self._db.execute("DELETE FROM signatures WHERE doc=?", (doc,))
                self._db.executemany("DELETE FROM bands WHERE key=? AND doc=?", ((key, doc) for key in bands(row[0])))

    def _add_signatures(self, signatures: Iterable[Signature]) -> None:
        from .minhash import sorted_bands

        # Inserted in key order: SQLite then fills its pages instead of
        # splitting them at random places (a tenth less room for a batch).
        rows = sorted((int(sig.id, 16), sig.cluster, sig.sig) for sig in signatures)
        self._db.executemany("INSERT OR REPLACE INTO signatures VALUES (?, ?, ?)", rows)
        keys = sorted_bands([(doc, sig) for doc, _, sig in rows])
        self._db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", keys)

    def _set_generation(self, generation: int) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO state VALUES ('generation', ?)", (str(generation),)
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


def _article_id(doc: int) -> str:
    return f"{doc:012x}"


def _row(e: Entry) -> tuple[str | int | bytes, ...]:
    return (e.path, e.record, int(e.id, 16), e.fingerprint, bytes.fromhex(e.content_hash), bytes.fromhex(e.digest))


def _entry(row: tuple[Any, ...]) -> Entry:
    path, record, doc, fingerprint, content_hash, digest = row
    return Entry(path, record, _article_id(doc), fingerprint, content_hash.hex(), digest.hex())


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
