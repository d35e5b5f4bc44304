"""`check` and `rebuild`: verifying an index, and re-creating it from its sources."""

from __future__ import annotations

import os
import sqlite3
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from ..documents import cluster_label, copy_text, current_digest, from_stored, set_cluster, to_document
from ..ingest.files import SourceFile
from ..ingest.records import Mapping_
from ..ingest.sidecar import NO_OVERRIDES, Overrides
from ..models import CheckReport, RebuildReport
from ..schema import ADDED_FIELDS, build_schema, is_current, signature, stale_analysis
from .batch import plan_jobs
from .manifest import Entry, Manifest
from .minhash import signature as neardup_signature
from .neardup import Clusterer
from .prepare import Prepared, prepare
from .sources import Job, article_id_of, stat_fingerprint
from .storage import cancel_quietly, create_index, open_index, open_writer

if TYPE_CHECKING:
    from ..sharding import Layout

_FLAG_FIELDS = ("title", "outlet", "byline", "credit", "published", "updated")


def check(path: str, shard: tuple[int, Layout] | None = None) -> CheckReport:
    """Verify the index in ``path``; with ``shard`` (its number, and the
    layout of the sharded index it belongs to), that each article is in the
    shard of its id."""
    problems: list[str] = []
    notes: list[str] = []
    try:
        ix = open_index(path)
        reader = ix.reader()
    except Exception as exc:  # whatever the damage, say it in one line
        return CheckReport(path, 0, 0, (f"the index cannot be opened: {_describe(exc)}",), ())
    if not is_current(ix.schema):
        problems.append("the index was made by another version of newsindex (rebuild brings it up to date)")
    else:
        notes.extend(_upgrade_notes(stale_analysis(ix.schema)))
    stored: list[dict[str, Any]] = []
    with reader:
        leaves = reader.leaf_readers()
        for number, (segment, _offset) in enumerate(leaves, 1):
            expected = segment.doc_count()
            try:
                docs = list(segment.all_stored_fields())
            except Exception as exc:
                problems.append(f"segment {number} of {len(leaves)}: stored fields unreadable: {_describe(exc)}")
                continue
            if len(docs) != expected:
                problems.append(f"segment {number}: holds {len(docs)} stored documents, its count says {expected}")
            stored.extend(docs)
            try:
                ids = sum(1 for _ in segment.lexicon("id"))
            except Exception as exc:
                problems.append(f"segment {number}: term index unreadable: {_describe(exc)}")
                continue
            if ids < len(docs):
                problems.append(f"segment {number}: {len(docs)} documents but {ids} ids in its term index")
        articles = reader.doc_count()
        segments = len(leaves)
    if len(stored) != articles and not problems:
        problems.append(f"{len(stored)} stored documents but the index counts {articles}")
    bad = [f for f in stored if not {"id", "path", "meta"} <= f.keys() or "fingerprint" not in f.get("meta", {})]
    if bad:
        problems.append(f"{len(bad)} documents lack their id, path or metadata")
    repeated = [i for i, n in Counter(f.get("id") for f in stored).items() if n > 1]
    if repeated:
        problems.append(f"{len(repeated)} ids appear more than once (for example {repeated[0]})")
    if shard is not None:
        number, layout = shard
        strays = [f["id"] for f in stored if "id" in f and layout.shard_of(f["id"]) != number]
        if strays:
            problems.append(f"{len(strays)} articles belong to another shard (for example {strays[0]})")

    try:
        manifest = Manifest(path, upgrade=False)
        try:
            in_step = manifest.generation == ix.latest_generation()
            listed = {(e.path, e.id) for e in manifest.entries()} if in_step else set()
        finally:
            manifest.close()
    except sqlite3.Error as exc:  # a cache: the index itself is what matters
        notes.append(f"the file manifest could not be read ({exc}); the next add rebuilds it")
    else:
        if not in_step:
            notes.append("the file manifest is behind the index; the next add rebuilds it")
        elif listed != {(f.get("path"), f.get("id")) for f in stored}:
            problems.append("the file manifest disagrees with the index (the next add or rebuild rewrites it)")

    missing = changed = 0
    for fields in stored:
        fp = stat_fingerprint(fields.get("path", ""))
        if fp is None:
            missing += 1
        elif not fields.get("meta", {}).get("fingerprint", "").startswith(fp + "|"):
            changed += 1
    if missing:
        notes.append(f"{missing} indexed files are no longer on disk (their indexed copy is kept)")
    if changed:
        notes.append(f"{changed} indexed files changed on disk since they were added (run add to update)")
    return CheckReport(path, articles, segments, tuple(problems), tuple(notes))


def rebuild(
    path: str, ix: whoosh_index.Index | None, *, clusters: Clusterer | None = None,
    seen_hashes: set[str] | None = None,
) -> RebuildReport:
    """Re-create the index: every article from its file where it can be read,
    else from the index's stored copy. Call with the write lock held.

    Values given as ``add`` flags are recorded in the provenance and given
    again, so a later ``add`` with the same flags finds nothing changed.

    The shards of a sharded index are rebuilt one after the other with the
    same ``clusters`` and ``seen_hashes``, so that copies and duplicates are
    found across shards as an add finds them.
    """
    started = time.perf_counter()
    files: dict[str, dict[str, dict[str, Any] | None]] = {}  # path -> record -> stored fields
    if ix is not None:
        try:
            with ix.reader() as reader:
                for segment, _offset in reader.leaf_readers():
                    try:
                        for fields in segment.all_stored_fields():
                            files.setdefault(fields["path"], {})[fields["meta"].get("record", "")] = fields
                    except Exception:
                        continue  # that segment's articles come from the manifest and their files
        except Exception:
            pass
    manifest = Manifest(path)
    try:
        for entry in manifest.entries():
            files.setdefault(entry.path, {}).setdefault(entry.record, None)
    finally:
        manifest.close()

    if ix is None:
        ix = create_index(path, build_schema())
    writer = open_writer(ix)
    _bring_schema_up_to_date(writer, ix.schema, build_schema())
    entries: list[Entry] = []
    from_source = from_index = 0
    lost: list[str] = []
    seen_hashes = set() if seen_hashes is None else seen_hashes
    clusters = Clusterer(None) if clusters is None else clusters  # found again, among the rebuilt articles only
    try:
        for source_path in sorted(files):
            known = files[source_path]
            docs = _from_source(source_path, known, clusters)
            from_source += len(docs)
            for record, stored in sorted(known.items()):
                if record in docs:
                    continue
                if stored is not None:
                    docs[record] = _carry_over(stored, clusters)
                    from_index += 1
                else:
                    lost.append(f"{source_path}:{record}" if record else source_path)
            for doc in docs.values():
                meta = doc["meta"]
                if meta["content_hash"] in seen_hashes:
                    clusters.remove(doc["id"])
                    continue
                seen_hashes.add(meta["content_hash"])
                writer.add_document(**doc)
                entries.append(
                    Entry(source_path, meta["record"], doc["id"], meta["fingerprint"], meta["content_hash"],
                          current_digest(meta["digest"]))
                )
    except BaseException:
        cancel_quietly(writer)
        raise
    writer.commit(mergetype=CLEAR)
    manifest = Manifest(path)
    try:
        own = {entry.id for entry in entries}
        signatures = [signature for signature in clusters.pending.values() if signature.id in own]
        manifest.replace_all(entries, ix.latest_generation(), signatures)
    finally:
        manifest.close()
    return RebuildReport(len(entries), from_source, from_index, tuple(lost), time.perf_counter() - started)


def _upgrade_notes(stale: list[str]) -> list[str]:
    """What ``rebuild`` would bring to an index of an older version, a line a change."""
    notes = []
    if set(stale) - set(ADDED_FIELDS):
        notes.append(
            "the index analyses words as newsindex 0.2 did (\"Straße\" apart from \"Strasse\", \"Харків\""
            " apart from \"Kharkiv\"): `newsindex rebuild` brings Unicode folding and transliteration to it"
        )
    if "exact" in stale:
        notes.append(
            "the index predates the exact word forms of newsindex 0.3, which rank an article holding the very"
            " words searched for above one holding other forms of them: `newsindex rebuild` adds them"
        )
    return notes


def _bring_schema_up_to_date(writer: Any, old: Any, new: Any) -> None:
    """Make the rebuilt index's schema this version's, in the same commit."""
    old_signature = dict((row[0], row) for row in signature(old))
    new_signature = dict((row[0], row) for row in signature(new))
    changed = {
        name for name in {*old.names(), *new.names()}
        if old_signature.get(name) != new_signature.get(name) or name in stale_analysis(old)
    }
    for name in old.names():
        if name in changed:
            writer.remove_field(name)
    for name in new.names():
        if name in changed:
            writer.add_field(name, new[name])


def _from_source(
    source_path: str, known: dict[str, dict[str, Any] | None], clusters: Clusterer
) -> dict[str, dict[str, Any]]:
    """The documents of every article the file holds now, by record key; none
    when the file is gone or unreadable."""
    stored = next((fields for fields in known.values() if fields is not None), None)
    flags, mapping = _recorded_flags(stored), _recorded_mapping(stored)
    try:
        source = SourceFile(source_path, *_size_and_time(source_path))
    except OSError:
        return {}
    docs: dict[str, dict[str, Any]] = {}
    for job in plan_jobs(source, flags, mapping, lambda record: None):
        if not isinstance(job, Job):
            continue
        ready = prepare(job)
        if not isinstance(ready, Prepared) or ready.document is None:
            continue
        article_id = article_id_of(source_path, job.key)
        cluster = clusters.assign(article_id, cluster_label(article_id, ready.content_hash), ready.signature)
        set_cluster(ready.document, cluster)
        docs[job.key] = ready.document
    return docs


def _size_and_time(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def _recorded_mapping(stored: dict[str, Any] | None) -> Mapping_:
    return tuple(tuple(pair) for pair in stored["meta"].get("mapping", ())) if stored else ()  # type: ignore[misc]


def _recorded_flags(stored: dict[str, Any] | None) -> Overrides:
    if stored is None:
        return NO_OVERRIDES
    meta = stored["meta"]
    provenance = meta.get("provenance", {})
    values: dict[str, Any] = {}
    for name in _FLAG_FIELDS:
        if provenance.get(name) == "flag":
            value = stored.get("title") if name == "title" else meta.get(name)
            values[name] = tuple(value) if name == "byline" else value
    return Overrides(**values)


def _carry_over(stored: dict[str, Any], clusters: Clusterer) -> dict[str, Any]:
    meta = stored["meta"]
    article = from_stored(stored)
    sig = neardup_signature(copy_text(article))
    return to_document(
        article,
        article_id=stored["id"],
        path=stored["path"],
        record=meta.get("record", ""),
        mapping=_recorded_mapping(stored),
        fingerprint=meta["fingerprint"],
        content_hash=meta["content_hash"],
        digest=current_digest(meta["digest"]),
        cluster=clusters.assign(stored["id"], cluster_label(stored["id"], meta["content_hash"]), sig),
    )


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
