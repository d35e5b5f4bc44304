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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a store opens: a search with no marks never loads SQLite
    import sqlite3

#: How long a writer waits for another's transaction, in milliseconds.
BUSY_TIMEOUT_MS = 10_000


def connect(folder: str, filename: str, tables: str) -> sqlite3.Connection:
    """The database ``filename`` in ``folder``, with ``tables`` (CREATE ... IF
    NOT EXISTS statements) made if absent; in autocommit mode, so that
    :func:`transaction` alone decides what is committed together."""
    import sqlite3

    db = sqlite3.connect(os.path.join(folder, filename), isolation_level=None)
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(tables)  # each statement its own transaction: they can be run again
    return db


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
