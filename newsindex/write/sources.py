"""One article's source: the job that names it, and how its text is read.

A job is a whole file or one record of a file holding many. Reading it gives
the source text, the sidecar's overrides and a way to extract the article:
what both the worker processes (prepare.py) and ``rebuild`` need.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from ..documents import path_id
from ..errors import InvalidValueError
from ..ingest import ExtractedArticle, SkipFile
from ..ingest.readers import extract_record, extract_single, read_single, record_text
from ..ingest.records import Mapping_, Record
from ..ingest.sidecar import NO_OVERRIDES, Overrides, load_sidecar


@dataclass(frozen=True)
class Job:
    """One article to read: a whole file, or one record of a file holding many."""

    path: str
    sidecar: str | None  # the sidecar's path, when it exists
    flags: Overrides
    fingerprint: str  # size and time of the file and its sidecar, and the flags
    known_digest: str | None  # the indexed version's, to skip extraction when unchanged
    record: Record | None = None
    mapping: Mapping_ = ()  # --map field=key, for records

    @property
    def key(self) -> str:
        return self.record.key if self.record is not None else ""

    @property
    def where(self) -> str | None:
        return self.record.where if self.record is not None else None


@dataclass(frozen=True)
class FileDone:
    """Follows a file's last job through the pipeline, so that the writer
    learns, in order, that all the file's articles are written."""

    path: str


def article_id_of(path: str, record: str) -> str:
    return path_id(path if not record else f"{path}\n{record}")


def read_source(job: Job) -> tuple[str, Overrides, Callable[[], ExtractedArticle]]:
    """An article's source text (a file's, or a record's), its sidecar's
    overrides, and how to extract the article from it; SkipFile says why not."""
    if job.record is None:
        text, fmt = read_single(job.path)
        extract: Callable[[], ExtractedArticle] = lambda: extract_single(text, fmt)  # noqa: E731
    else:
        record = job.record
        text = record_text(record)
        extract = lambda: extract_record(record, text, job.mapping)  # noqa: E731
    overrides = NO_OVERRIDES
    if job.sidecar is not None:
        try:
            overrides = load_sidecar(job.sidecar)
        except InvalidValueError as exc:
            name = os.path.basename(job.sidecar)
            raise SkipFile(f"bad sidecar {name}: field {exc.field!r}: {exc.reason}") from None
    return text, overrides, extract


def extract_article(
    extract: Callable[[], ExtractedArticle], overrides: Overrides, flags: Overrides
) -> ExtractedArticle:
    """The article, with what the sidecar and then the flags say over what the source said."""
    return flags.apply(overrides.apply(extract(), "sidecar"), "flag")


def stat_fingerprint(path: str) -> str | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"
