"""The SQLite files a reader's own state lives in, beside the index.

Watches and review marks are not in the Whoosh index: ``rebuild`` re-creates
the index and leaves these files alone, and a mark is written without the
index's write lock. Each file is opened in WAL mode with a busy timeout, and
every change is one ``BEGIN IMMEDIATE`` transaction: a write killed midway
leaves the last committed state, and two processes writing at once both land,
the second after the first.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a store opens: a search with no marks never loads SQLite
    import sqlite3

#: How long a writer waits for another's transaction, in milliseconds.
BUSY_TIMEOUT_MS = 10_000


class Store:
    """A store's database in the index folder, open until :meth:`close`."""

    FILENAME: str
    TABLES: str  # CREATE ... IF NOT EXISTS statements

    def __init__(self, folder: str) -> None:
        self._db = connect(folder, self.FILENAME, self.TABLES)

    def close(self) -> None:
        self._db.close()


def connect(folder: str, filename: str, tables: str) -> sqlite3.Connection:
    """The database ``filename`` in ``folder``, with ``tables`` (CREATE ... IF
    NOT EXISTS statements) made if absent; in autocommit mode, so that
    :func:`transaction` alone decides what is committed together."""
    import sqlite3

    db = sqlite3.connect(os.path.join(folder, filename), isolation_level=None)
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    _use_wal(db)
    db.executescript(tables)  # each statement its own transaction: they can be run again
    return db


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch a new file to WAL. Two processes creating the file at once can
    both try, and SQLite answers "database is locked" to the second without
    waiting for its busy timeout: it waits here instead."""
    import sqlite3

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of it is committed, or none of it."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
