"""Review marks: what a reader has seen, and judged relevant or not.

A mark belongs to an article id, which is the same after a re-add or a
rebuild (it is a hash of the article's source and place), so a mark outlives
both. It lives in ``newsindex-marks.sqlite`` beside the index (see
newsindex._sqlite for what that guarantees); marking takes no index lock, so
a reader can mark while an ``add`` runs.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ._sqlite import Store, transaction
from .errors import InvalidValueError
from .models import MARK_STATUSES, UNMARK, Mark

FILENAME = "newsindex-marks.sqlite"
#: Longer notes are refused: a note is a reader's remark, not a document.
MAX_NOTE_CHARS = 10_000


class MarkStore(Store):
    FILENAME = FILENAME
    TABLES = """
        CREATE TABLE IF NOT EXISTS marks (
            id TEXT PRIMARY KEY, status TEXT NOT NULL, note TEXT, marked TEXT NOT NULL) WITHOUT ROWID;
        """

    def set(self, article_id: str, status: str, note: str | None) -> Mark | None:
        """Mark the article ``status`` (or take its mark away with "unseen");
        a note given replaces the old one, none keeps it."""
        check_status(status, allow_unmark=True)
        if note is not None and len(note) > MAX_NOTE_CHARS:
            raise InvalidValueError("command line", "note", f"longer than {MAX_NOTE_CHARS} characters")
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with transaction(self._db) as db:
            if status == UNMARK:
                db.execute("DELETE FROM marks WHERE id=?", (article_id,))
                return None
            db.execute(
                "INSERT INTO marks VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "status=excluded.status, note=coalesce(excluded.note, marks.note), marked=excluded.marked",
                (article_id, status, note, now),
            )
        return self.get(article_id)

    def get(self, article_id: str) -> Mark | None:
        row = self._db.execute("SELECT * FROM marks WHERE id=?", (article_id,)).fetchone()
        return _mark(row) if row else None

    def all(self) -> dict[str, Mark]:
        """Every mark, by article id: read once for a search or an export."""
        return {row[0]: _mark(row) for row in self._db.execute("SELECT * FROM marks")}


def check_status(status: str, *, allow_unmark: bool = False) -> None:
    known = MARK_STATUSES + ((UNMARK,) if allow_unmark else ())
    if status not in known:
        raise InvalidValueError("command line", "mark", f"{status!r} is not one of {', '.join(known)}")


def strongest(marks: list[Mark]) -> Mark | None:
    """Of several copies' marks, the one a story goes by: relevant over
    irrelevant over seen, the latest of equals."""
    return max(marks, key=lambda m: (MARK_STATUSES.index(m.status), m.marked), default=None)


def _mark(row: tuple[str, str, str | None, str]) -> Mark:
    article_id, status, note, marked = row
    return Mark(article_id, status, note, datetime.fromisoformat(marked))
