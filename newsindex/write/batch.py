"""The write path of ``add``: source files in, Whoosh documents out, in committed batches."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from whoosh.index import Index

from ..documents import cluster_label, set_cluster
from ..ingest import SkipFile
from ..ingest.files import PassedOver, SourceFile, UnreadablePath
from ..ingest.formats import SINGLE_ARTICLE, by_name, detect
from ..ingest.readers import read_records
from ..ingest.records import BadRecord, Mapping_, mapping_digest
from ..ingest.sidecar import Overrides
from ..models import FileOutcome
from ..sharding import ShardSet
from .manifest import Entry, Manifest
from .merging import merge_at_end, merge_small
from .neardup import Clusterer
from .prepare import Prepared
from .shards import ShardedManifest
from .sources import FileDone, Job, article_id_of, stat_fingerprint
from .storage import cancel_quietly, open_writer

#: A batch also ends when its articles hold this many postings, whatever their
#: number: what bounds the writer's memory for archives of long articles as of
#: short ones (benchmarks/RESULTS.md has the peaks). Each batch but the last is written
#: twice (its own segment, then the last commit's merge): an archive that
#: fits in one batch is written once.
BATCH_POSTINGS = 5_000_000


_NOT_PLANNED: Any = object()


class Batch:
    """Writes articles to the index, committing every ``batch_size`` changes
    or ``BATCH_POSTINGS`` postings: a segment a commit, all merged by the last
    (merging.merge_at_end).

    The manifest is updated only after each commit, so it never claims more
    than the index holds, and a killed run loses at most the batch in flight.
    Outcomes go to ``emit`` once they hold: an article's after the commit
    that wrote it.
    """

    def __init__(
        self, ix: Index | ShardSet, manifest: Manifest | ShardedManifest, batch_size: int,
        emit: Callable[[FileOutcome], None], new_writer: Callable[[], Any] | None = None,
    ) -> None:
        self.ix = ix
        #: Opens each batch's writer: the index's (storage.open_writer), or
        #: the shards' on a cluster's workers (on_cluster.py).
        self.new_writer = new_writer or (lambda: open_writer(ix))
        self.emit = emit
        self.held: list[FileOutcome] = []
        self.manifest = manifest
        self.batch_size = max(1, batch_size)
        self.writer: Any = None
        self.changes = 0
        self.upserts: dict[tuple[str, str], Entry] = {}
        self.deletes: set[tuple[str, str]] = set()
        self.containers: dict[str, str | None] = {}
        #: What the manifest held of each source planned and not yet written:
        #: a path is planned once an add, and no commit changes its entry meanwhile.
        self.planned: dict[tuple[str, str], Entry | None] = {}
        #: Files of records planned to their end, until their FileDone is written.
        self.read_whole: dict[str, RecordsRead] = {}
        #: Each file planned and not yet done: its fingerprint, and what was
        #: skipped of it so far as (record, reason).
        self.fingerprints: dict[str, str] = {}
        self.file_skips: dict[str, list[tuple[str, str]]] = {}
        #: What files done since the last commit skipped, with their
        #: fingerprints, for the manifest: unchanged, they are not read again.
        self.skips: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        self.hashes: dict[str, str] = {}  # content hash -> id, for this batch
        self.clusters = Clusterer(manifest)
        #: Segments written by this add's commits so far (ids), merged by its last.
        self.written: set[str] = set()

    def plan(
        self, source: SourceFile | UnreadablePath | PassedOver, flags: Overrides, mapping: Mapping_ = ()
    ) -> Iterator[FileOutcome | Job | FileDone]:
        """What a file needs: outcomes at once (unreadable, unchanged since the
        last add), or reading, as jobs for :func:`prepare`: one for a file
        holding one article, one per record for a file holding many. A
        FileDone follows each file's jobs."""
        if isinstance(source, UnreadablePath):
            yield FileOutcome(source.path, "skipped", reason=source.reason)
        elif isinstance(source, PassedOver):
            yield FileOutcome(source.path, "passed_over", reason=f"{source.kind}: not a type newsindex reads")
        else:
            yield from self._plan(source, flags, mapping)
        yield FileDone(source.path)

    def _plan(self, source: SourceFile, flags: Overrides, mapping: Mapping_) -> Iterator[FileOutcome | Job]:
        fingerprint = source_fingerprint(source, stat_fingerprint(source.sidecar), flags, mapping)
        if is_single_article(source.path):
            entry = self.manifest.get(source.path)
            if entry and entry.fingerprint == fingerprint:
                yield FileOutcome(source.path, "unchanged", id=entry.id)
                return
            earlier = None if entry else self.manifest.skipped(source.path, fingerprint)
            if earlier is not None:
                yield from _skipped_earlier(source.path, earlier)
                return
            known = {"": entry} if entry else {}
        else:
            known = {e.record: e for e in self.manifest.of_file(source.path)}
            if self.manifest.container(source.path) == fingerprint:
                for entry in known.values():
                    yield FileOutcome(source.path, "unchanged", id=entry.id, record=entry.record)
                yield from _skipped_earlier(source.path, self.manifest.skipped(source.path, fingerprint) or [])
                return
        self.fingerprints[source.path] = fingerprint
        # What the manifest knows of the file's articles, looked up once: it
        # only spares extracting an unchanged article; write() decides.
        for planned in plan_jobs(source, flags, mapping, known.get):
            if isinstance(planned, RecordsRead):
                self.read_whole[source.path] = planned
            else:
                if isinstance(planned, Job):  # for write(), which then need not look it up again
                    self.planned[(planned.path, planned.key)] = known.get(planned.key)
                yield planned

    def tell(self, outcome: FileOutcome) -> None:
        """Emit ``outcome``: an article written at the next commit (so at
        most a batch of them wait), any other now."""
        if outcome.status in ("added", "updated") and self.changes:
            self.held.append(outcome)
        else:
            if outcome.status == "skipped" and outcome.path in self.fingerprints:
                self.file_skips.setdefault(outcome.path, []).append((outcome.record or "", outcome.reason or ""))
            self.emit(outcome)

    def write(self, prepared: Prepared | FileDone) -> FileOutcome | None:
        """Index a prepared article, unless it is unchanged or a duplicate; at
        the end of a file of records, forget the records it no longer holds."""
        if isinstance(prepared, FileDone):
            self._file_done(prepared.path)
            return None
        job = prepared.job
        path, key, where = job.path, job.key, job.where
        entry = self.planned.pop((path, key), _NOT_PLANNED)
        if prepared.skip_reason is not None:
            return FileOutcome(path, "skipped", reason=prepared.skip_reason, record=where)
        if entry is _NOT_PLANNED:
            entry = self.manifest.get(path, key)
        content_hash, digest = prepared.content_hash, prepared.digest
        if prepared.unchanged and entry:  # touched, not changed
            self.upserts[(path, key)] = replace(entry, fingerprint=job.fingerprint)
            self._changed()
            return FileOutcome(path, "unchanged", id=entry.id, record=where)

        article_id = article_id_of(path, key)
        original = self.hashes.get(content_hash)
        if original is None:
            known = self.manifest.by_hash(content_hash)
            if known and (known.path, known.record) != (path, key) and (known.path, known.record) not in self.deletes:
                original = known.id
        if original is not None and original != article_id:
            if entry:  # this source used to hold other text: its old version goes
                self._delete(entry)
            return FileOutcome(path, "duplicate", duplicate_of=original, record=where)

        doc = prepared.document
        assert doc is not None
        set_cluster(doc, self.clusters.assign(article_id, cluster_label(article_id, content_hash), prepared.signature))
        if entry:  # its old version goes
            self._writer().update_document(**doc)
        else:  # not in the index: no need to look for it there
            self._writer().add_document(**doc)
        self.hashes[content_hash] = article_id
        self.upserts[(path, key)] = Entry(path, key, article_id, job.fingerprint, content_hash, digest)
        self.deletes.discard((path, key))
        self._changed()
        return FileOutcome(path, "updated" if entry else "added", id=article_id, record=where)

    def _file_done(self, path: str) -> None:
        """Every article of the file at ``path`` is written (or skipped): what
        it skipped is kept for the manifest, so that the next add, finding the
        file unchanged, says so without reading it again (unless reading it
        failed in a way the next read may not: an I/O error)."""
        read = self.read_whole.pop(path, None)
        if read is not None:
            self._records_done(read)
        fingerprint = self.fingerprints.pop(path, None)
        skipped = self.file_skips.pop(path, [])
        if skipped and fingerprint is not None and (read is None or read.finished):
            self.skips[path] = (fingerprint, skipped)

    def _records_done(self, read: RecordsRead) -> None:
        """Every record of a file of many is written: records it no longer holds
        go, and its fingerprint makes the next add a no-op. A file read only in
        part keeps every record it had; it is read again next time if its
        reading stopped on an I/O error."""
        if read.complete:
            for entry in self.manifest.of_file(read.path):
                if entry.record not in read.keys:
                    self._delete(entry)
        self.containers[read.path] = read.fingerprint if read.finished else None
        self._changed()

    def _delete(self, entry: Entry) -> None:
        self._writer().delete_by_term("id", entry.id)
        self.clusters.remove(entry.id)
        self.deletes.add((entry.path, entry.record))
        self.upserts.pop((entry.path, entry.record), None)
        self._changed()

    def _writer(self) -> Any:
        if self.writer is None:
            # Room for a whole batch's postings in memory: spilling them to
            # temporary files and merging those back doubles the cost of a commit.
            self.writer = self.new_writer()
        return self.writer

    def _changed(self) -> None:
        self.changes += 1
        if self.changes >= self.batch_size or (self.writer is not None and self.writer.postings >= BATCH_POSTINGS):
            self.commit()

    def commit(self, *, last: bool = False) -> None:
        """Commit the batch. The commits along an add write a segment each
        and merge only small ones (merging.merge_small); the ``last`` merges
        those segments with its own articles in one pass, then by tiers
        (merging.merge_at_end)."""
        if last and self.writer is None and self.written:
            self._writer()  # nothing left to write, segments to merge
        committed = self.writer is not None
        recorded = False
        if self.writer is not None:
            writer, self.writer = self.writer, None

            def record() -> None:  # done while a forked copy writes terms (segments.py)
                nonlocal recorded
                self._record(writer.generation)
                recorded = True

            writer.alongside = record
            try:
                if last:
                    writer.commit(mergetype=merge_at_end(self.written))
                else:
                    writer.commit(mergetype=merge_small)
                    self.written |= writer.new_segment_ids()
            except BaseException:  # Whoosh has cleaned up and released its lock
                if recorded:
                    self.manifest.rollback()
                raise
        if not recorded and (committed or self.upserts or self.deletes or self.containers or self.skips):
            self._record(self.ix.latest_generation())
            recorded = True
        if recorded:  # the manifest matches the index only now that the index holds the batch
            self.manifest.commit()
        self.upserts, self.deletes, self.containers, self.skips, self.hashes, self.changes = {}, set(), {}, {}, {}, 0
        self.clusters.reset()
        held, self.held = self.held, []
        for outcome in held:
            self.emit(outcome)

    def _record(self, generation: Any) -> None:
        """The batch into the manifest, as matching the index's ``generation``,
        left for Manifest.commit."""
        self.manifest.record(
            self.upserts.values(),
            self.deletes,
            generation,
            signatures=self.clusters.pending.values(),
            unsigned=self.clusters.removed,
            containers=self.containers,
            skips=self.skips,
        )

    def cancel(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            cancel_quietly(writer)


@dataclass(frozen=True)
class RecordsRead:
    """The end of planning a file of records: what the writer needs to finish it."""

    path: str
    fingerprint: str
    complete: bool  # read to the end, every record readable
    finished: bool  # read to the end or stopped by its content, not by an I/O error: the same next time
    keys: frozenset[str]  # the records it holds now


def plan_jobs(
    source: SourceFile, flags: Overrides, mapping: Mapping_, known: Callable[[str], Entry | None]
) -> Iterator[FileOutcome | Job | RecordsRead]:
    """The jobs for the articles of a file: one for a file of one article, one
    per record (then a RecordsRead) for a file of many; ``known`` gives the
    indexed version of a record key ("" for a whole file), if any."""
    sidecar_fp = stat_fingerprint(source.sidecar)
    fingerprint = source_fingerprint(source, sidecar_fp, flags, mapping)
    sidecar = source.sidecar if sidecar_fp else None
    fmt = detect(source.path)
    if fmt is None:
        reason = "not a format newsindex reads (text, HTML, JSON, CSV, feed, WARC)"
        yield FileOutcome(source.path, "skipped", reason=reason)
        return
    if fmt in SINGLE_ARTICLE:
        entry = known("")
        yield Job(source.path, sidecar, flags, fingerprint, entry.digest if entry else None)
        return
    keys: set[str] = set()
    complete = finished = True
    try:
        for record in read_records(source.path, fmt, mapping):
            if isinstance(record, BadRecord):
                complete = False
                yield FileOutcome(source.path, "skipped", reason=record.reason, record=record.where)
                continue
            if record.key in keys:  # the same URL twice: told apart by place
                record = replace(record, key=f"{record.key} ({record.where})")
            keys.add(record.key)
            entry = known(record.key)
            yield Job(source.path, sidecar, flags, fingerprint, entry.digest if entry else None, record, mapping)
    except SkipFile as exc:
        complete = False
        yield FileOutcome(source.path, "skipped", reason=str(exc))
    except (OSError, EOFError, zlib.error, UnicodeError, ValueError) as exc:
        complete = False
        finished = not isinstance(exc, OSError)
        yield FileOutcome(source.path, "skipped", reason=f"stopped reading after {len(keys)} records: {exc}")
    yield RecordsRead(source.path, fingerprint, complete, finished, frozenset(keys))


def _skipped_earlier(path: str, skipped: list[tuple[str, str]]) -> Iterator[FileOutcome]:
    """The outcomes of what an unchanged file's last read skipped."""
    for record, reason in skipped:
        yield FileOutcome(path, "skipped_earlier", reason=reason, record=record or None)


def is_single_article(path: str) -> bool:
    """Whether the file's name promises one article; a guess that only saves a
    manifest lookup: :func:`plan_jobs` decides by content."""
    return by_name(path) in SINGLE_ARTICLE


def source_fingerprint(source: SourceFile, sidecar_fp: str | None, flags: Overrides, mapping: Mapping_) -> str:
    """What must stay the same for a file to count as unchanged without reading
    it: its size and time, its sidecar's (``sidecar_fp``), the flags and map."""
    return f"{source.size}:{source.mtime_ns}|{sidecar_fp}|{flags.digest}|{mapping_digest(mapping)}"
