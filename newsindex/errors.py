"""Errors the API raises on purpose.

Each carries the exit status the CLI uses for it, so that the CLI never has to
guess: 1 means "nothing found", 2 means "error, nothing changed".
"""

from __future__ import annotations

import os
import shlex

__all__ = [
    "NewsIndexError",
    "AmbiguousIdError",
    "ArticleNotFoundError",
    "IndexBusyError",
    "IndexDamagedError",
    "IndexNotFoundError",
    "IndexOutdatedError",
    "InputPathError",
    "InvalidValueError",
    "QueryError",
    "WhooshVersionError",
]

class NewsIndexError(Exception):
    """Base class: a one-line, user-facing message and an exit status."""

    exit_code = 2


class IndexNotFoundError(NewsIndexError):
    def __init__(self, path: str, *, has_manifest: bool = False) -> None:
        shown = os.path.abspath(path)
        where = "" if os.path.abspath(path) == os.path.abspath("index") else f" --index {shlex.quote(shown)}"
        if has_manifest:
            message = f"no index at {shown}, but a record of its files: run `newsindex rebuild{where}`"
        else:
            message = f"no index at {shown}: create one with `newsindex add FOLDER{where}`"
        super().__init__(message)
        self.path = path


class IndexOutdatedError(NewsIndexError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"the index at {path} was made by another version of newsindex: "
            "run `newsindex rebuild` to bring it up to date"
        )
        self.path = path


class IndexDamagedError(NewsIndexError):
    def __init__(self, path: str, cause: BaseException) -> None:
        detail = f"{type(cause).__name__}: {cause}" if str(cause) else type(cause).__name__
        super().__init__(
            f"the index at {path} cannot be read ({detail}): run `newsindex check`, then `newsindex rebuild`"
        )
        self.path = path


class WhooshVersionError(NewsIndexError):
    """The installed whoosh3 is not one newsindex was tested with: newsindex
    reads and writes Whoosh's segment files itself (see _whoosh.py)."""

    def __init__(self, found: str, tested: str) -> None:
        super().__init__(
            f"newsindex was tested with whoosh3 {tested}, but whoosh3 {found} is installed: "
            f"run `pip install \"whoosh3=={tested}\"` (or set NEWSINDEX_UNTESTED_WHOOSH=1 to go on anyway)"
        )
        self.found = found
        self.tested = tested


class IndexBusyError(NewsIndexError):
    def __init__(self, path: str, waited: float) -> None:
        super().__init__(
            f"index {path} is busy: another newsindex process is writing to it "
            f"(waited {waited:g}s; retry later or pass a longer --wait)"
        )
        self.path = path


class QueryError(NewsIndexError):
    def __init__(self, query: str, reason: str) -> None:
        shown = query if len(query) <= 80 else query[:80] + "…"
        super().__init__(f"bad query {shown!r}: {reason}")
        self.query = query
        self.reason = reason


class InvalidValueError(NewsIndexError):
    """A metadata value given by the user (flag or sidecar) that cannot be used."""

    def __init__(self, source: str, field: str, reason: str) -> None:
        super().__init__(f"{source}: field {field!r}: {reason}")
        self.source = source
        self.field = field
        self.reason = reason


class InputPathError(NewsIndexError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ArticleNotFoundError(NewsIndexError):
    exit_code = 1

    def __init__(self, ref: str) -> None:
        super().__init__(f"no indexed article matches {ref!r}")
        self.ref = ref


class AmbiguousIdError(NewsIndexError):
    def __init__(self, ref: str, candidates: list[str]) -> None:
        shown = ", ".join(candidates[:5])
        super().__init__(f"id prefix {ref!r} is ambiguous: it matches {shown}")
        self.ref = ref
        self.candidates = candidates
