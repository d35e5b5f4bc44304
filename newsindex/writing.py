"""The write path of ``add``: source files in, Whoosh documents out, in committed batches."""

from __future__ import annotations

import os
from typing import Any

from whoosh.index import Index

from .documents import cluster_label, path_id, to_document
from .errors import InvalidValueError
from .ingest import ExtractedArticle, SkipFile
from .ingest.files import SourceFile, UnreadablePath, read_text
from .ingest.sidecar import Overrides, load_sidecar
from .manifest import Entry, Manifest
from .models import FileOutcome
from .neardup import Clusterer
from .prepare import Job, Prepared

#: Whoosh's posting buffer; a batch of the default size fits in it.
WRITER_MEMORY_MB = 256


class Batch:
    """Writes articles to the index, committing every ``batch_size`` changes.

    The manifest is updated only after each commit, so it never claims more
    than the index holds, and a killed run loses at most the batch in flight.
    """

    def __init__(self, ix: Index, manifest: Manifest, batch_size: int) -> None:
        self.ix = ix
        self.manifest = manifest
        self.batch_size = max(1, batch_size)
        self.writer: Any = None
        self.changes = 0
        self.upserts: dict[str, Entry] = {}
        self.deletes: set[str] = set()
        self.hashes: dict[str, str] = {}  # content hash -> id, for this batch
        self.clusters = Clusterer(manifest)

    def plan(self, source: SourceFile | UnreadablePath, flags: Overrides) -> FileOutcome | Job:
        """What a file needs: an outcome at once (unreadable, unchanged since
        the last add), or reading, as a job for :func:`prepare`."""
        if isinstance(source, UnreadablePath):
            return FileOutcome(source.path, "skipped", reason=source.reason)
        sidecar_fp = stat_fingerprint(source.sidecar)
        fingerprint = f"{source.size}:{source.mtime_ns}|{sidecar_fp}|{flags.digest()}"
        entry = self.manifest.get(source.path)
        if entry and entry.fingerprint == fingerprint:
            return FileOutcome(source.path, "unchanged", id=entry.id)
        sidecar = source.sidecar if sidecar_fp else None
        return Job(source.path, sidecar, flags, fingerprint, entry.digest if entry else None)

    def write(self, prepared: Prepared) -> FileOutcome:
        """Index a prepared file, unless it is unchanged or a duplicate."""
        job = prepared.job
        path = job.path
        if prepared.skip_reason is not None:
            return FileOutcome(path, "skipped", reason=prepared.skip_reason)
        entry = self.manifest.get(path)
        content_hash, digest = prepared.content_hash, prepared.digest
        if prepared.unchanged and entry:  # touched, not changed
            self.upserts[path] = Entry(path, entry.id, job.fingerprint, content_hash, digest)
            return FileOutcome(path, "unchanged", id=entry.id)

        article_id = path_id(path)
        original = self.hashes.get(content_hash)
        if original is None:
            known = self.manifest.by_hash(content_hash)
            if known and known.path != path and known.path not in self.deletes:
                original = known.id
        if original is not None and original != article_id:
            if entry:  # this file used to hold other text: its old version goes
                self._writer().delete_by_term("id", entry.id)
                self.clusters.remove(entry.id)
                self.deletes.add(path)
                self.upserts.pop(path, None)
                self._changed()
            return FileOutcome(path, "duplicate", duplicate_of=original)

        assert prepared.article is not None
        doc = to_document(
            prepared.article,
            article_id=article_id,
            path=path,
            fingerprint=job.fingerprint,
            content_hash=content_hash,
            digest=digest,
            cluster=self.clusters.assign(article_id, cluster_label(article_id, content_hash), prepared.signature),
        )
        for name, analysed in prepared.analysed.items():
            doc[f"_stored_{name}"], doc[name] = doc[name], analysed
        self._writer().update_document(**doc)
        self.hashes[content_hash] = article_id
        self.upserts[path] = Entry(path, article_id, job.fingerprint, content_hash, digest)
        self.deletes.discard(path)
        self._changed()
        return FileOutcome(path, "updated" if entry else "added", id=article_id)

    def _writer(self) -> Any:
        if self.writer is None:
            # Room for a whole batch's postings in memory: spilling them to
            # temporary files and merging those back doubles the cost of a commit.
            self.writer = self.ix.writer(limitmb=WRITER_MEMORY_MB)
        return self.writer

    def _changed(self) -> None:
        self.changes += 1
        if self.changes >= self.batch_size:
            self.commit(final=False)

    def commit(self, final: bool = True) -> None:
        """Commit the batch. Segments are merged only at the ``final`` commit of
        an add: Whoosh's merges rewrite every posting of the merged segments, and
        merging after each batch would cost more than indexing itself."""
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.commit(merge=final)  # if this fails, Whoosh has cleaned up and released its lock
        if self.upserts or self.deletes:
            self.manifest.apply(
                self.upserts.values(),
                self.deletes,
                self.ix.latest_generation(),
                signatures=self.clusters.pending.values(),
                unsigned=self.clusters.removed,
            )
        self.upserts, self.deletes, self.hashes, self.changes = {}, set(), {}, 0
        self.clusters.reset()

    def cancel(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            cancel_quietly(writer)


def cancel_quietly(writer: Any) -> None:
    """Abandon an uncommitted writer while an error is on its way up: that error
    is the one to report, not a second one from cleaning up after it."""
    try:
        writer.cancel()
    except Exception:
        pass


def read_source(path: str, sidecar: str | None) -> tuple[str, Overrides]:
    """The file's text and its sidecar's overrides; SkipFile says why not."""
    text = read_text(path)
    overrides = Overrides()
    if sidecar is not None:
        try:
            overrides = load_sidecar(sidecar)
        except InvalidValueError as exc:
            name = os.path.basename(sidecar)
            raise SkipFile(f"bad sidecar {name}: field {exc.field!r}: {exc.reason}") from None
    return text, overrides


def extract_article(text: str, overrides: Overrides, flags: Overrides) -> ExtractedArticle:
    from .ingest.plaintext import extract

    return flags.apply(overrides.apply(extract(text), "sidecar"), "flag")


def stat_fingerprint(path: str) -> str | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"
