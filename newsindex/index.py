"""The ``NewsIndex`` API: every CLI command is one method here."""

from __future__ import annotations

import hashlib
import os
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from types import TracebackType
from typing import Any, NamedTuple

from whoosh import index as whoosh_index
from whoosh.highlight import Highlighter
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.filelock import FileLock

from .errors import (
    AmbiguousIdError,
    ArticleNotFoundError,
    IndexBusyError,
    IndexNotFoundError,
    InputPathError,
    InvalidValueError,
    NewsIndexError,
)
from .highlight import caption_highlighter, snippet_highlighter, whole_text_highlighter
from .ingest import ExtractedArticle, SkipFile
from .manifest import Entry, Manifest
from .models import (
    AddReport,
    Article,
    FileOutcome,
    Hit,
    RemoveReport,
    SearchResults,
    Snippet,
    Span,
    Stats,
    first_sentence,
)
from .query import parse_query

DEFAULT_INDEX = "index"
LOCK_NAME = "newsindex-write.lock"
#: Articles written between two commits: a killed `add` loses at most one batch.
DEFAULT_BATCH_SIZE = 1000
DEFAULT_WAIT = 5.0

Progress = Callable[[int, int], None]


class NewsIndex:
    """A news archive's search index, in a folder (default ``./index``).

    >>> with NewsIndex("index") as ni:          # doctest: +SKIP
    ...     ni.add(["seeds/"])
    ...     for hit in ni.search("Dnipro bridge").hits:
    ...         print(hit.rank, hit.title or hit.lede)

    Reading methods raise :class:`IndexNotFoundError` while nothing has been
    added; :meth:`add` creates the index.
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_INDEX) -> None:
        self.path = os.fspath(path)
        self._index: whoosh_index.Index | None = None
        self._searcher: Searcher | None = None

    # -- lifecycle -----------------------------------------------------------

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._index = None

    def exists(self) -> bool:
        return os.path.isdir(self.path) and whoosh_index.exists_in(self.path)

    def _open(self) -> whoosh_index.Index:
        if self._index is None:
            if not self.exists():
                raise IndexNotFoundError(self.path)
            self._index = whoosh_index.open_dir(self.path)
        return self._index

    def _open_or_create(self) -> whoosh_index.Index:
        if self.exists():
            return self._open()
        if os.path.exists(self.path) and not os.path.isdir(self.path):
            raise InputPathError(self.path, "is a file, not an index folder")
        from .schema import build_schema

        os.makedirs(self.path, exist_ok=True)
        self._index = whoosh_index.create_in(self.path, build_schema())
        return self._index

    def _current_searcher(self) -> Searcher:
        """A searcher on the latest commit, kept open between calls while it is current."""
        if self._searcher is not None and not self._searcher.up_to_date():
            # Not Searcher.refresh(): it reuses segment readers by segment id and
            # so misses deletions committed to a segment it already had open.
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self._open().searcher(weighting=BM25F())
        return self._searcher

    @contextmanager
    def _write_lock(self, wait: float) -> Iterator[None]:
        """One writer at a time, across processes.

        An flock is released by the kernel when its holder dies, so a killed
        `add` never leaves a stale lock behind.
        """
        lock = FileLock(os.path.join(self.path, LOCK_NAME))
        deadline = time.monotonic() + wait
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise IndexBusyError(self.path, wait)
            time.sleep(0.05)
        try:
            yield
        finally:
            lock.release()

    def _manifest(self, ix: whoosh_index.Index) -> Manifest:
        """The manifest, rebuilt from the stored fields if it lags the index."""
        manifest = Manifest(self.path)
        generation = ix.latest_generation()
        if manifest.generation != generation:
            with ix.reader() as reader:
                entries = [
                    Entry(
                        fields["path"],
                        fields["id"],
                        fields["meta"]["fingerprint"],
                        fields["meta"]["content_hash"],
                        fields["meta"]["digest"],
                    )
                    for fields in reader.all_stored_fields()
                ]
            manifest.replace_all(entries, generation)
        return manifest

    # -- add -----------------------------------------------------------------

    def add(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        title: str | None = None,
        outlet: str | None = None,
        byline: str | Iterable[str] | None = None,
        date: str | datetime | None = None,
        wait: float = DEFAULT_WAIT,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Progress | None = None,
    ) -> AddReport:
        """Index the article files at ``paths`` (files or folders, recursively).

        ``title``, ``outlet``, ``byline`` and ``date`` override what the files
        say, for every file of this call. Unchanged files are skipped quickly,
        changed ones replaced, and text already indexed under another path is
        reported as a duplicate. Raises :class:`NewsIndexError` (nothing
        changed) for a missing input path, a bad override or a busy index.
        """
        from .ingest.files import check_inputs, discover
        from .ingest.sidecar import parse_overrides

        started = time.perf_counter()
        flag_values: dict[str, object] = {"title": title, "outlet": outlet, "date": date}
        if byline is not None:
            flag_values["byline"] = [byline] if isinstance(byline, str) else list(byline)
        flags = parse_overrides(flag_values, "command line")
        inputs = check_inputs(os.fspath(p) for p in paths)

        report = AddReport()
        ix = self._open_or_create()
        with self._write_lock(wait):
            manifest = self._manifest(ix)
            try:
                sources = list(discover(inputs))
                batch = _Batch(ix, manifest, batch_size)
                try:
                    for done, source in enumerate(sources, 1):
                        report.outcomes.append(batch.add(source, flags))
                        if progress:
                            progress(done, len(sources))
                    batch.commit()
                except BaseException:
                    batch.cancel()
                    raise
            finally:
                manifest.close()
        report.seconds = time.perf_counter() - started
        return report

    # -- remove --------------------------------------------------------------

    def remove(self, refs: Iterable[str], *, wait: float = DEFAULT_WAIT) -> RemoveReport:
        """Take articles out, named by id, unique id prefix, file path or folder."""
        ix = self._open()
        removed: list[str] = []
        not_found: list[str] = []
        with self._write_lock(wait):
            manifest = self._manifest(ix)
            try:
                entries: dict[str, Entry] = {}
                for ref in refs:
                    found = self._resolve_for_removal(ref, manifest)
                    if not found:
                        not_found.append(ref)
                    entries.update((e.path, e) for e in found)
                if entries:
                    writer = ix.writer()
                    try:
                        for entry in entries.values():
                            writer.delete_by_term("id", entry.id)
                        writer.commit()
                    except BaseException:
                        writer.cancel()
                        raise
                    manifest.apply([], entries, ix.latest_generation())
                    removed = [e.id for e in entries.values()]
            finally:
                manifest.close()
        return RemoveReport(tuple(removed), tuple(not_found))

    def _resolve_for_removal(self, ref: str, manifest: Manifest) -> list[Entry]:
        path = os.path.abspath(ref)
        entry = manifest.get(path)
        if entry:
            return [entry]
        if os.path.isdir(path):
            return manifest.under(path)
        try:
            article_id = self._resolve_id(ref)
        except ArticleNotFoundError:
            return []
        entry = manifest.by_id(article_id)
        return [entry] if entry else []

    # -- read ----------------------------------------------------------------

    def search(self, query: str, *, limit: int = 10) -> SearchResults:
        """Run ``query`` (Whoosh query language) and return the best ``limit`` hits."""
        started = time.perf_counter()
        searcher = self._current_searcher()
        parsed = parse_query(query, searcher.schema)
        results = searcher.search(parsed, limit=max(limit, 1), terms=True)
        # Whoosh's phrase-aware highlighting marks a phrase's words only where
        # they form the phrase; it is only right (and needed) when there is one.
        strict = bool(parsed.phrases()[1])
        highlighters = _Highlighters(
            snippet_highlighter(), caption_highlighter(), whole_text_highlighter(), strict
        )
        hits = tuple(
            self._hit(rank, result, highlighters) for rank, result in enumerate(results[:limit], 1)
        )
        return SearchResults(query, len(results), hits, time.perf_counter() - started)

    def _hit(self, rank: int, result: Any, highlighters: _Highlighters) -> Hit:
        fields = result.fields()
        meta = fields["meta"]
        found = [
            Snippet("body", text, spans)
            for text, spans in highlighters.body.highlight_hit(result, "body", top=3, strict_phrase=highlighters.strict)
        ]
        if not found and fields.get("captions"):
            found = [
                Snippet("captions", text, spans)
                for text, spans in highlighters.captions.highlight_hit(
                    result, "captions", top=2, strict_phrase=highlighters.strict
                )
            ]
        title_matches: tuple[Span, ...] = ()
        if fields.get("title"):
            formatted = highlighters.title.highlight_hit(result, "title", top=1, strict_phrase=highlighters.strict)
            title_matches = formatted[0][1] if formatted else ()
        return Hit(
            rank=rank,
            score=float(result.score),
            id=fields["id"],
            path=fields["path"],
            title=fields.get("title"),
            title_matches=title_matches,
            lede=first_sentence(fields.get("body", "")),
            outlet=meta.get("outlet"),
            credit=meta.get("credit"),
            byline=tuple(meta.get("byline", ())),
            published=meta.get("published"),
            updated=meta.get("updated"),
            provenance=dict(meta.get("provenance", {})),
            snippets=tuple(found),
        )

    def get(self, ref: str) -> Article:
        """One article by id, unique id prefix, or the path of an indexed file."""
        searcher = self._current_searcher()
        fields = searcher.document(path=os.path.abspath(ref))
        if fields is None:
            fields = searcher.document(id=self._resolve_id(ref))
        if fields is None:
            raise ArticleNotFoundError(ref)
        return _article(fields)

    def _resolve_id(self, ref: str) -> str:
        ref = ref.strip().lower()
        if not ref or any(c not in "0123456789abcdef" for c in ref):
            raise ArticleNotFoundError(ref)
        reader = self._current_searcher().reader()
        candidates = [
            term.decode() if isinstance(term, bytes) else term
            for term in reader.expand_prefix("id", ref)
        ]
        if not candidates:
            raise ArticleNotFoundError(ref)
        if len(candidates) > 1:
            raise AmbiguousIdError(ref, candidates)
        return candidates[0]

    def stats(self) -> Stats:
        """Article count, outlets, date range, undated count and size on disk."""
        searcher = self._current_searcher()
        outlets: Counter[str] = Counter()
        dates: list[datetime] = []
        undated = 0
        for fields in searcher.reader().all_stored_fields():
            meta = fields["meta"]
            if meta.get("outlet"):
                outlets[meta["outlet"]] += 1
            if meta.get("published") is not None:
                dates.append(meta["published"])
            else:
                undated += 1
        keyed = sorted(dates, key=_sort_key)
        size = sum(entry.stat().st_size for entry in os.scandir(self.path) if entry.is_file())
        return Stats(
            path=self.path,
            articles=searcher.doc_count(),
            outlets=dict(outlets.most_common()),
            earliest=keyed[0] if keyed else None,
            latest=keyed[-1] if keyed else None,
            undated=undated,
            size_bytes=size,
        )


class _Highlighters(NamedTuple):
    body: Highlighter
    captions: Highlighter
    title: Highlighter
    strict: bool


class _Batch:
    """Writes articles to the index, committing every ``batch_size`` changes.

    The manifest is updated only after each commit, so it never claims more
    than the index holds.
    """

    def __init__(self, ix: whoosh_index.Index, manifest: Manifest, batch_size: int) -> None:
        self.ix = ix
        self.manifest = manifest
        self.batch_size = max(1, batch_size)
        self.writer: Any = None
        self.changes = 0
        self.upserts: dict[str, Entry] = {}
        self.deletes: set[str] = set()
        self.hashes: dict[str, str] = {}  # content hash -> id, for this batch

    def add(self, source: Any, flags: Any) -> FileOutcome:
        from .ingest.files import UnreadablePath

        if isinstance(source, UnreadablePath):
            return FileOutcome(source.path, "skipped", reason=source.reason)
        path = source.path
        sidecar_fp = _stat_fingerprint(source.sidecar)
        fingerprint = f"{source.size}:{source.mtime_ns}|{sidecar_fp}|{flags.digest()}"
        entry = self.upserts.get(path) or self.manifest.get(path)
        if entry and entry.fingerprint == fingerprint:
            return FileOutcome(path, "unchanged", id=entry.id)
        try:
            text, overrides = _read(source, sidecar_fp is not None)
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
                self.deletes.add(path)
                self.upserts.pop(path, None)
                self._changed()
            return FileOutcome(path, "duplicate", id=None, duplicate_of=original)

        try:
            article = _extract(text, overrides, flags)
        except Exception as exc:  # one bad file never stops a batch
            return FileOutcome(path, "skipped", reason=f"could not extract: {exc}")
        meta = {
            "outlet": article.outlet,
            "credit": article.credit,
            "byline": list(article.byline),
            "published": article.published,
            "updated": article.updated,
            "provenance": article.provenance,
            "fingerprint": fingerprint,
            "content_hash": content_hash,
            "digest": digest,
        }
        doc: dict[str, Any] = {
            "id": article_id,
            "path": path,
            "content_hash": content_hash,
            "body": article.body,
            "meta": meta,
        }
        if article.title:
            doc["title"] = article.title
        if article.captions:
            doc["captions"] = "\n".join(article.captions)
        if article.byline:
            doc["byline"] = "\n".join(article.byline)
        if article.outlet:
            doc["outlet"] = article.outlet
        if article.published is not None:
            doc["date"] = _index_datetime(article.published)
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
            self.writer.commit()
            self.writer = None
        if self.upserts or self.deletes:
            self.manifest.apply(self.upserts.values(), self.deletes, self.ix.latest_generation())
        self.upserts, self.deletes, self.hashes, self.changes = {}, set(), {}, 0

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None


def _read(source: Any, has_sidecar: bool) -> tuple[str, Any]:
    from .ingest.files import read_text
    from .ingest.sidecar import Overrides, load_sidecar

    text = read_text(source.path)
    overrides = Overrides()
    if has_sidecar:
        try:
            overrides = load_sidecar(source.sidecar)
        except InvalidValueError as exc:
            name = os.path.basename(source.sidecar)
            raise SkipFile(f"bad sidecar {name}: field {exc.field!r}: {exc.reason}") from None
    return text, overrides


def _extract(text: str, overrides: Any, flags: Any) -> ExtractedArticle:
    from .ingest.plaintext import extract

    article = overrides.apply(extract(text), "sidecar")
    return flags.apply(article, "flag")


def _stat_fingerprint(path: str) -> str | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


def path_id(path: str) -> str:
    """The article id for a source path: short, and the same every time."""
    return hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()


def text_hash(text: str) -> str:
    """Hash of the text with Unicode and white space normalised: equal for the same story."""
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.blake2b(normal.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _index_datetime(value: datetime) -> datetime:
    if value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _sort_key(value: datetime) -> datetime:
    return _index_datetime(value)


def _article(fields: dict[str, Any]) -> Article:
    meta = fields["meta"]
    captions = fields.get("captions")
    return Article(
        id=fields["id"],
        path=fields["path"],
        title=fields.get("title"),
        body=fields.get("body", ""),
        captions=tuple(captions.split("\n")) if captions else (),
        byline=tuple(meta.get("byline", ())),
        outlet=meta.get("outlet"),
        credit=meta.get("credit"),
        published=meta.get("published"),
        updated=meta.get("updated"),
        provenance=dict(meta.get("provenance", {})),
        content_hash=meta["content_hash"],
    )


__all__ = ["NewsIndex", "NewsIndexError"]
