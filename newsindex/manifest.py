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


class Manifest:
    def __init__(self, folder: str) -> None:
        self._db = sqlite3.connect(os.path.join(folder, FILENAME), isolation_level=None)
        self._db.executescript(
            """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS sources (
                path TEXT NOT NULL, record TEXT NOT NULL, id TEXT NOT NULL, fingerprint TEXT NOT NULL,
                content_hash TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (path, record));
            CREATE INDEX IF NOT EXISTS sources_hash ON sources(content_hash);
            CREATE INDEX IF NOT EXISTS sources_id ON sources(id);
            CREATE TABLE IF NOT EXISTS containers (path TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
            """
        )
        if self._db.execute("SELECT 1 FROM sqlite_master WHERE name='files'").fetchone():
            # Written by a version that knew one article per file: rebuilt from the index.
            self._db.execute("DROP TABLE files")
            self._db.execute("DELETE FROM state WHERE key='generation'")
        self._match_signature_shape()
        self._db.executescript(
            """
            -- Article ids are hexadecimal: as integers, the band rows take half the room.
            CREATE TABLE IF NOT EXISTS signatures (
                doc INTEGER PRIMARY KEY, id TEXT NOT NULL, cluster TEXT NOT NULL, sig BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS bands (
                band INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
                PRIMARY KEY (band, key, doc)) WITHOUT ROWID;
            """
        )

    def close(self) -> None:
        self._db.close()

    @property
    def generation(self) -> int | None:
        row = self._db.execute("SELECT value FROM state WHERE key='generation'").fetchone()
        return int(row[0]) if row else None

    def get(self, path: str, record: str = "") -> Entry | None:
        row = self._db.execute("SELECT * FROM sources WHERE path=? AND record=?", (path, record)).fetchone()
        return Entry(*row) if row else None

    def of_file(self, path: str) -> list[Entry]:
        """Every article read from the file at ``path``: one, or one per record."""
        return [Entry(*row) for row in self._db.execute("SELECT * FROM sources WHERE path=?", (path,))]

    def container(self, path: str) -> str | None:
        """The fingerprint a file of records had when all its records were last read."""
        row = self._db.execute("SELECT fingerprint FROM containers WHERE path=?", (path,)).fetchone()
        return row[0] if row else None

    def by_hash(self, content_hash: str) -> Entry | None:
        row = self._db.execute(
            "SELECT * FROM sources WHERE content_hash=? LIMIT 1", (content_hash,)
        ).fetchone()
        return Entry(*row) if row else None

    def by_id(self, article_id: str) -> Entry | None:
        row = self._db.execute("SELECT * FROM sources WHERE id=?", (article_id,)).fetchone()
        return Entry(*row) if row else None

    def under(self, folder: str) -> list[Entry]:
        prefix = folder.rstrip(os.sep) + os.sep
        rows = self._db.execute(
            "SELECT * FROM sources WHERE substr(path, 1, ?) = ? ORDER BY path, record",
            (len(prefix), prefix),
        )
        return [Entry(*row) for row in rows]

    def entries(self) -> Iterator[Entry]:
        for row in self._db.execute("SELECT * FROM sources"):
            yield Entry(*row)

    def near(self, keys: Iterable[tuple[int, int]]) -> list[Signature]:
        """Signatures sharing at least one LSH band with ``keys``."""
        keys = list(keys)
        rows = self._db.execute(
            "SELECT id, cluster, sig FROM signatures WHERE doc IN (SELECT doc FROM bands WHERE "
            + " OR ".join(["(band=? AND key=?)"] * len(keys))
            + ") ORDER BY id",
            [value for key in keys for value in key],
        )
        return [Signature(*row) for row in rows]

    def apply(
        self,
        upserts: Iterable[Entry],
        deleted: Iterable[tuple[str, str]],
        generation: int,
        signatures: Iterable[Signature] = (),
        unsigned: Iterable[str] = (),
        containers: Mapping[str, str | None] | None = None,
    ) -> None:
        """Record a committed batch, in one transaction, as matching ``generation``.

        ``deleted`` are the (path, record) of sources gone; ``signatures`` the
        near-duplicate signatures of articles written; ``unsigned`` the ids of
        articles removed, whose signatures go; ``containers`` the fingerprints
        of files of records read whole (None: to be read again next time).
        """
        signatures = list(signatures)
        with self._transaction():
            self._db.executemany("DELETE FROM sources WHERE path=? AND record=?", deleted)
            self._db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?)", map(_row, upserts))
            for path, fingerprint in (containers or {}).items():
                if fingerprint is None:
                    self._db.execute("DELETE FROM containers WHERE path=?", (path,))
                else:
                    self._db.execute("INSERT OR REPLACE INTO containers VALUES (?, ?)", (path, fingerprint))
            self._remove_signatures([*unsigned, *(s.id for s in signatures)])
            self._add_signatures(signatures)
            self._set_generation(generation)

    def replace_all(self, entries: Iterable[Entry], generation: int, signatures: Iterable[Signature] = ()) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM sources")
            self._db.execute("DELETE FROM containers")  # their files are read again next time
            self._db.execute("DELETE FROM signatures")
            self._db.execute("DELETE FROM bands")
            self._db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?)", map(_row, entries))
            self._add_signatures(signatures)
            self._set_generation(generation)

    def _remove_signatures(self, ids: Iterable[str]) -> None:
        from .neardup import bands

        for article_id in ids:
            doc = int(article_id, 16)
            row = self._db.execute("SELECT sig FROM signatures WHERE doc=?", (doc,)).fetchone()
            if row:
                self._db.execute("DELETE FROM signatures WHERE doc=?", (doc,))
                self._db.executemany(
                    "DELETE FROM bands WHERE band=? AND key=? AND doc=?",
                    ((band, key, doc) for band, key in bands(row[0])),
                )

    def _add_signatures(self, signatures: Iterable[Signature]) -> None:
        from .neardup import bands

        for sig in signatures:
            doc = int(sig.id, 16)
            self._db.execute(
                "INSERT OR REPLACE INTO signatures VALUES (?, ?, ?, ?)", (doc, sig.id, sig.cluster, sig.sig)
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO bands VALUES (?, ?, ?)", ((band, key, doc) for band, key in bands(sig.sig))
            )

    def _match_signature_shape(self) -> None:
        """Signatures of another shape (another MinHash or band layout) cannot be
        compared with new ones: drop the manifest's tables, so that it is rebuilt
        from the index on the next write."""
        from .neardup import SHAPE

        row = self._db.execute("SELECT value FROM state WHERE key='signatures'").fetchone()
        if row and row[0] == SHAPE:
            return
        with self._transaction():
            self._db.execute("DROP TABLE IF EXISTS signatures")
            self._db.execute("DROP TABLE IF EXISTS bands")
            self._db.execute("DELETE FROM state WHERE key='generation'")
            self._db.execute("INSERT OR REPLACE INTO state VALUES ('signatures', ?)", (SHAPE,))

    def _set_generation(self, generation: int) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO state VALUES ('generation', ?)", (str(generation),)
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


def _row(e: Entry) -> tuple[str, ...]:
    return (e.path, e.record, e.id, e.fingerprint, e.content_hash, e.digest)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
