"""The write path of ``add``: source files in, Whoosh documents out, in committed batches."""

from __future__ import annotations

import os
from typing import Any

from whoosh.index import Index

from .documents import cluster_label, path_id, text_hash, to_document
from .errors import InvalidValueError
from .ingest import ExtractedArticle, SkipFile
from .ingest.files import SourceFile, UnreadablePath, read_text
from .ingest.sidecar import Overrides, load_sidecar
from .manifest import Entry, Manifest
from .models import FileOutcome
from .neardup import Clusterer, signature


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

    def add(self, source: SourceFile | UnreadablePath, flags: Overrides) -> FileOutcome:
        if isinstance(source, UnreadablePath):
            return FileOutcome(source.path, "skipped", reason=source.reason)
        path = source.path
        sidecar_fp = stat_fingerprint(source.sidecar)
        fingerprint = f"{source.size}:{source.mtime_ns}|{sidecar_fp}|{flags.digest()}"
        entry = self.upserts.get(path) or self.manifest.get(path)
        if entry and entry.fingerprint == fingerprint:
            return FileOutcome(path, "unchanged", id=entry.id)
        try:
            text, overrides = read_source(source.path, source.sidecar if sidecar_fp else None)
        except SkipFile as exc:
            return FileOutcome(path, "skipped", reason=str(exc))
        content_hash = text_hash(text)
        digest = f"{content_hash}:{overrides.digest()}:{flags.digest()}"
        if entry and entry.digest == digest:
            self.upserts[path] = Entry(path, entry.id, fingerprint, content_hash, digest)
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

        try:
            article = extract_article(text, overrides, flags)
        except Exception as exc:  # one bad file never stops a batch
            return FileOutcome(path, "skipped", reason=f"could not extract: {exc}")
        sig = signature(article.body)
        doc = to_document(
            article,
            article_id=article_id,
            path=path,
            fingerprint=fingerprint,
            content_hash=content_hash,
            digest=digest,
            cluster=self.clusters.assign(article_id, cluster_label(article_id, content_hash), sig),
            minhash=sig,
        )
        self._writer().update_document(**doc)
        self.hashes[content_hash] = article_id
        self.upserts[path] = Entry(path, article_id, fingerprint, content_hash, digest)
        self.deletes.discard(path)
        self._changed()
        return FileOutcome(path, "updated" if entry else "added", id=article_id)

    def _writer(self) -> Any:
        if self.writer is None:
            self.writer = self.ix.writer()
        return self.writer

    def _changed(self) -> None:
        self.changes += 1
        if self.changes >= self.batch_size:
            self.commit()

    def commit(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.commit()  # if this fails, Whoosh has cleaned up and released its lock
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
