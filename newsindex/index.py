"""The ``NewsIndex`` API: every CLI command is one method here."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from whoosh import index as whoosh_index
from whoosh.util.filelock import FileLock

from ._whoosh import require_tested_whoosh
from .cluster import check_address
from .documents import current_digest, index_datetime, path_id, stored_article
from .errors import (
    AmbiguousIdError,
    ArticleNotFoundError,
    IndexBusyError,
    IndexDamagedError,
    IndexNotFoundError,
    IndexOutdatedError,
    InputPathError,
    InvalidValueError,
    NewsIndexError,
    QueryError,
)
from .models import (
    AddReport,
    Article,
    CheckReport,
    FileOutcome,
    Hit,
    Lineage,
    Mark,
    QuerySummary,
    RebuildReport,
    RemoveReport,
    SearchResults,
    Stats,
    Timeline,
    Watch,
    WatchReport,
)
from .schema import is_current, weighting
from .sharding import ShardSet, check_shard_count, read_layout, write_layout
from .write.storage import create_index, open_index, open_writer

if TYPE_CHECKING:
    # The manifest (SQLite) is imported by what writes, not by a search;
    # Whoosh's searching (and its query and highlighting modules) by what
    # searches, not by an add.
    from whoosh.searching import Searcher

    from .marks import MarkStore
    from .search.run import Filters
    from .search.scope import DaskShards, Scope, ShardProcesses
    from .watches import WatchStore
    from .write.manifest import Entry, Manifest
    from .write.on_cluster import ClusterWriting
    from .write.shards import ShardedManifest

if TYPE_CHECKING:
    from ._sqlite import Store

    S = TypeVar("S", bound=Store)

DEFAULT_INDEX = "index"
LOCK_NAME = "newsindex-write.lock"
#: Articles written between two commits: a killed `add` loses at most one
#: batch. A batch also ends at write.batch.BATCH_POSTINGS postings, which is
#: what bounds memory; an archive of one batch is written once, never merged.
DEFAULT_BATCH_SIZE = 20_000
DEFAULT_WAIT = 5.0

Progress = Callable[[int, int], None]
DateLike = str | date | datetime


class NewsIndex:
    """A news archive's search index, in a folder (default ``./index``).

    >>> with NewsIndex("index") as ni:          # doctest: +SKIP
    ...     ni.add(["seeds/"])
    ...     for hit in ni.search("Dnipro bridge").hits:
    ...         print(hit.rank, hit.title or hit.lede)

    Reading methods raise :class:`IndexNotFoundError` while nothing has been
    added; :meth:`add` creates the index.

    A sharded index (``add(shards=N)``) is searched by a process per shard
    (the first shard by this one), started by the first search and kept
    until :meth:`close`; with ``parallel=False``, shard after shard in this
    process. With ``cluster``
    (cluster.py: "local:N", or "tcp://host:port" of a Dask scheduler whose
    workers see the same files), :meth:`add` reads the articles on the
    cluster's workers, a sharded index's shards are written there by one
    Dask actor per shard (write/on_cluster.py), and searched by another.
    """

    def __init__(
        self, path: str | os.PathLike[str] = DEFAULT_INDEX, *, parallel: bool = True, cluster: str | None = None
    ) -> None:
        require_tested_whoosh()
        self.path = os.fspath(path)
        self.parallel = parallel
        self.cluster = None if cluster is None else check_address(cluster)
        self._client: Any = None
        self._index: whoosh_index.Index | ShardSet | None = None
        self._searcher: Searcher | None = None
        self._processes: ShardProcesses | DaskShards | None = None

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
        if self._processes is not None:
            self._processes.close()
            self._processes = None
        if self._client is not None:
            from .cluster import close

            assert self.cluster is not None
            close(self.cluster)
            self._client = None
        self._index = None

    def exists(self) -> bool:
        if not os.path.isdir(self.path):
            return False
        layout = read_layout(self.path)
        if layout is None:
            return whoosh_index.exists_in(self.path)
        return all(whoosh_index.exists_in(path) for path in layout.paths())

    @property
    def shards(self) -> int:
        """How many shards the index has (sharding.py): 1 unless made with ``shards``."""
        layout = read_layout(self.path) if os.path.isdir(self.path) else None
        return 1 if layout is None else layout.shards

    def _open(self) -> whoosh_index.Index | ShardSet:
        if self._index is None:
            if not self.exists():
                from .write.manifest import FILENAME as MANIFEST_FILENAME

                has_manifest = os.path.exists(os.path.join(self.path, MANIFEST_FILENAME))
                raise IndexNotFoundError(self.path, has_manifest=has_manifest)
            layout = read_layout(self.path)
            if layout is None:
                self._index = _open_one(self.path)
            else:
                self._index = ShardSet(layout, [_open_one(path) for path in layout.paths()])
        return self._index

    def _make_folder(self) -> None:
        if os.path.exists(self.path) and not os.path.isdir(self.path):
            raise InputPathError(self.path, "is a file, not an index folder")
        try:
            os.makedirs(self.path, exist_ok=True)
        except OSError as exc:
            raise InputPathError(self.path, f"cannot create the index folder: {exc.strerror}") from None

    def _open_or_create(self, shards: int | None) -> whoosh_index.Index | ShardSet:
        """The index, created if absent (with ``shards`` shards); call with
        the write lock held, so two first writers cannot both create it."""
        if self.exists():
            ix = self._open()
            if shards is not None and shards != self.shards:
                raise InvalidValueError(
                    "command line", "shards", f"the index at {self.path} has {self.shards}, not {shards}"
                )
            return ix
        from .schema import build_schema

        layout = read_layout(self.path)
        if layout is None and (shards is None or shards == 1):
            self._index = create_index(self.path, build_schema())
            return self._index
        if layout is None:
            layout = write_layout(self.path, shards or 1)
        elif shards is not None and shards != layout.shards:
            has = f"the index at {self.path} has {layout.shards}, not {shards}"
            raise InvalidValueError("command line", "shards", has)
        # Only the shards missing are created (a first add stopped midway, a
        # shard's folder deleted): the others keep what they hold.
        indexes = []
        for path in layout.paths():
            if not whoosh_index.exists_in(path):
                os.makedirs(path, exist_ok=True)
                create_index(path, build_schema())
            indexes.append(_open_one(path))
        self._index = ShardSet(layout, indexes)
        return self._index

    @contextmanager
    def _writing(self, wait: float, shards: int | None = None) -> Iterator[whoosh_index.Index | ShardSet]:
        """The write lock, and the index; a failed write becomes a one-line error.

        Whatever fails here (a full disk, a vanished folder), the index still
        holds its last commit: Whoosh makes a commit visible by renaming its
        table of contents, and the manifest is only a cache of it.
        """
        self._make_folder()
        with self._write_lock(wait), self._write_errors():
            yield self._open_or_create(shards)

    @contextmanager
    def _write_errors(self) -> Iterator[None]:
        import sqlite3

        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise NewsIndexError(
                f"could not write to the index at {self.path}: {reason}; it still holds its last commit"
            ) from None

    def _current_searcher(self) -> Searcher:
        """A searcher on the latest commit, kept open between calls while it is current."""
        if self._searcher is not None and not self._is_current(self._searcher):
            # Not Searcher.refresh(): it reuses segment readers by segment id and
            # so misses deletions committed to a segment it already had open.
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            ix = self._open()
            try:
                if isinstance(ix, ShardSet):
                    from .search.scope import sharded_searcher

                    self._searcher = sharded_searcher(ix, weighting())
                else:
                    self._searcher = ix.searcher(weighting=weighting())
            except Exception as exc:
                raise IndexDamagedError(self.path, exc) from None
        return self._searcher

    def _cluster_client(self) -> Any:
        if self._client is None:
            from .cluster import connect

            assert self.cluster is not None
            self._client = connect(self.cluster)
        return self._client

    def _cluster_writing(self, ix: whoosh_index.Index | ShardSet) -> ClusterWriting | None:
        """On a cluster, the shards of a sharded index are written by its
        workers (write/on_cluster.py); an index of one shard by this process."""
        if self.cluster is None or not isinstance(ix, ShardSet):
            return None
        from .write.on_cluster import ClusterWriting

        return ClusterWriting(self._cluster_client(), ix)

    def _is_current(self, searcher: Searcher) -> bool:
        ix = self._open()
        return ix.is_current(searcher) if isinstance(ix, ShardSet) else searcher.up_to_date()

    def _scope(self) -> Scope:
        """Where a search's matches are found (search/scope.py): the whole
        index, or each shard, in its own process when ``parallel``."""
        from .search.scope import DaskShards, LocalShards, ShardProcesses, Whole

        searcher = self._current_searcher()
        if not isinstance(self._open(), ShardSet):
            return Whole(searcher)
        if not self.parallel:
            return LocalShards(searcher)
        if self._processes is None:
            path = os.path.abspath(self.path)  # as the cluster's workers see it
            self._processes = (ShardProcesses(path, searcher) if self.cluster is None
                               else DaskShards(self._cluster_client(), path, searcher))
        elif self._processes.searcher is not searcher:
            self._processes = self._processes.with_searcher(searcher)
        return self._processes

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

    def _manifest(self, ix: whoosh_index.Index | ShardSet) -> Manifest | ShardedManifest:
        """The manifest (each shard's, as one), rebuilt from the stored fields
        where it lags the index."""
        if isinstance(ix, ShardSet):
            from .write.shards import ShardedManifest

            shards = zip(ix.layout.paths(), ix.indexes, strict=True)
            return ShardedManifest(ix.layout, [_current_manifest(path, shard) for path, shard in shards])
        return _current_manifest(self.path, ix)

    # -- add -----------------------------------------------------------------

    def add(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        title: str | None = None,
        outlet: str | None = None,
        byline: str | Iterable[str] | None = None,
        date: str | datetime | None = None,
        field_map: Mapping[str, str] | None = None,
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        wait: float = DEFAULT_WAIT,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Progress | None = None,
        on_outcome: Callable[[FileOutcome], None] | None = None,
        shards: int | None = None,
    ) -> AddReport:
        """Index the articles at ``paths`` (files or folders, recursively).

        Files may hold one article (text, HTML) or many (JSON, JSON Lines,
        CSV, feeds, WARC), plain or gzipped. ``title``, ``outlet``, ``byline``
        and ``date`` override what the sources say, for every article of this
        call; ``field_map`` names the record keys of fields the records call
        otherwise (``{"body": "story.text"}``). In folders, files whose
        extension names a format newsindex reads are taken, others are told as
        "passed_over"; ``include`` globs take only the files they match (read
        by content), ``exclude`` globs leave files and folders out (a glob
        matches a name, or a path relative to the folder). Unchanged files and records
        are skipped quickly, changed ones replaced, and text already indexed
        elsewhere is reported as a duplicate. Raises :class:`NewsIndexError`
        (nothing changed) for a missing input path, a bad override or map, or
        a busy index.

        In the main thread, a first Ctrl-C (SIGINT) stops the add gracefully:
        no more files are read, what the workers have prepared is written and
        committed, and the report says ``interrupted``; a second raises
        KeyboardInterrupt at once, and the batch in flight is not kept.

        ``progress(done, total)`` is called as files are done. ``on_outcome``
        receives each file's (or record's) outcome once it holds (an added or
        updated article's after the commit that wrote it, so not always in
        the order of the files), and the report then keeps only the counts:
        memory stays flat however many files there are.

        ``shards``: the number of shards of an index this add creates
        (sharding.py); for an existing index, it must be the number it has.
        """
        from .ingest.files import Selection, check_inputs, count_inputs, discover
        from .ingest.records import parse_mapping
        from .ingest.sidecar import parse_overrides
        from .write._processes import GracefulStop
        from .write.batch import Batch
        from .write.prepare import prepared, use_schema
        from .write.sources import FileDone, Job

        started = time.perf_counter()
        flag_values: dict[str, object] = {"title": title, "outlet": outlet, "date": date}
        if byline is not None:
            flag_values["byline"] = [byline] if isinstance(byline, str) else list(byline)
        flags = parse_overrides(flag_values, "command line")
        mapping = parse_mapping([f"{k}={v}" for k, v in (field_map or {}).items()])
        inputs = check_inputs(os.fspath(p) for p in paths)
        selection = Selection(tuple(include), tuple(exclude))

        report = AddReport()

        def emit(outcome: FileOutcome) -> None:
            report.count(outcome)
            (on_outcome or report.outcomes.append)(outcome)

        if shards is not None:
            check_shard_count(shards)
        with self._writing(wait, shards) as ix, GracefulStop() as stop:
            manifest = self._manifest(ix)
            try:
                total = count_inputs(inputs, selection)
                writing = self._cluster_writing(ix)
                batch = Batch(ix, manifest, batch_size, emit, writing and writing.writer)
                try:
                    files_done = 0

                    def jobs() -> Iterator[Job | FileDone]:
                        # Found and planned as the workers need them, not all
                        # first: memory stays flat however many files there are.
                        # A first Ctrl-C stops the planning; what is in flight
                        # is written and committed below.
                        for source in discover(inputs, selection):
                            for planned in batch.plan(source, flags, mapping):
                                if stop.requested:
                                    report.interrupted = True
                                    return
                                if isinstance(planned, FileOutcome):
                                    batch.tell(planned)
                                else:
                                    yield planned

                    use_schema(ix.schema)  # new articles are folded as the index's own
                    cluster = self._cluster_client().get_executor(pure=False) if self.cluster else None
                    try:
                        for ready in prepared(jobs(), total, cluster):
                            outcome = batch.write(ready)
                            if outcome is not None:
                                batch.tell(outcome)
                            elif progress:  # a file's last article was written
                                files_done += 1
                                progress(files_done, max(total, files_done))
                    finally:
                        use_schema(None)
                    batch.commit(last=True)
                except BaseException:
                    batch.cancel()
                    raise
                finally:
                    if writing is not None:
                        writing.close()
            finally:
                manifest.close()
        report.seconds = time.perf_counter() - started
        report.watches = self._watch_gains()
        return report

    # -- remove --------------------------------------------------------------

    def remove(self, refs: Iterable[str], *, wait: float = DEFAULT_WAIT) -> RemoveReport:
        """Take articles out, named by id, unique id prefix, file path or folder."""
        from .write.storage import cancel_quietly

        self._open()
        removed: list[str] = []
        not_found: list[str] = []
        with self._writing(wait) as ix:
            manifest = self._manifest(ix)
            try:
                entries: dict[tuple[str, str], Entry] = {}
                for ref in refs:
                    found = self._resolve_for_removal(ref, manifest)
                    if not found:
                        not_found.append(ref)
                    entries.update(((e.path, e.record), e) for e in found)
                if entries:
                    writer = open_writer(ix)
                    try:
                        for entry in entries.values():
                            writer.delete_by_term("id", entry.id)
                    except BaseException:
                        cancel_quietly(writer)
                        raise
                    writer.commit()
                    manifest.record(
                        [],
                        entries,
                        ix.latest_generation(),
                        unsigned=[e.id for e in entries.values()],
                        # A file that lost records is read again by the next add, like a removed file.
                        containers={path: None for path, record in entries if record},
                    )
                    manifest.commit()
                    removed = [e.id for e in entries.values()]
            finally:
                manifest.close()
        return RemoveReport(tuple(removed), tuple(not_found))

    def _resolve_for_removal(self, ref: str, manifest: Manifest) -> list[Entry]:
        path = os.path.abspath(ref)
        of_file = manifest.of_file(path)
        if of_file:
            return of_file
        if os.path.isdir(path):
            return manifest.under(path)
        try:
            article_id = self._resolve_id(ref)
        except ArticleNotFoundError:
            return []
        entry = manifest.by_id(article_id)
        return [entry] if entry else []

    # -- read ----------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        page: int = 1,
        sort: str = "relevance",
        mode: str = "auto",
        outlet: str | None = None,
        byline: str | None = None,
        since: DateLike | None = None,
        until: DateLike | None = None,
        lang: str | None = None,
        facets: bool = False,
        snippets: bool = True,
        all_copies: bool = False,
        like: str | None = None,
        marked: str | None = None,
        unseen: bool = False,
        review_progress: bool = False,
        explain: bool = False,
        variants: bool = False,
        exact_script: bool = False,
    ) -> SearchResults:
        """Run ``query`` (Whoosh query language) and return one page of hits.

        ``mode``: "all" requires every word, "any" any word; "auto" (default)
        requires all words of a short query and a share of a long one.
        ``sort``: "relevance", "newest" or "oldest" (undated articles last).
        ``outlet``/``byline`` keep articles whose outlet or byline contains
        those words; ``since``/``until`` take ISO dates, "2022-11", or natural
        language ("last week"); ``lang`` keeps articles in that language (a
        code such as "en", as the source declared it or as it was detected).
        ``facets`` counts outlets, bylines, months and languages over all
        hits. ``snippets=False`` skips highlighting, for callers that only
        want ids and metadata. Near-identical copies of an article (the
        same wire story under several outlets) fold into its best hit, listed
        in ``Hit.copies``, unless ``all_copies``. ``like`` (an article id,
        prefix or path) ranks hits by likeness to that article, as
        :meth:`similar` does; ``query`` then only filters, and may be empty.

        Review marks (:meth:`mark`): ``marked`` ("relevant", "irrelevant",
        "seen") keeps the articles marked so, ``unseen`` leaves out every
        story of which a copy was marked; each hit carries its ``mark`` (or
        the strongest of its copies'). ``review_progress`` counts how many of
        the matching stories were reviewed (``SearchResults.review``).

        ``explain`` gives each hit (ranked by relevance) an ``Explanation``:
        each word's score in each field, the words held, and the
        coordination factor when not all are.

        A word that names a city (GeoNames, over 15,000 people) is matched as
        typed; ``SearchResults.places`` lists the city's other names the
        archive holds ("Kiev" and "Київ" for "Kyiv", "Peking" for "Beijing"),
        with how many articles use each. ``variants`` searches them too.

        Words in Latin letters also find Cyrillic and Greek text written the
        usual way (Kharkiv finds Харків), and the other way round (Київ finds
        Kyiv), Ukrainian and Russian conventions both; ``exact_script``
        searches each word in its own script only.
        """
        from .search.run import run_review, run_search
        from .search.scope import StaleSearcher

        if limit < 1 or page < 1:
            raise InvalidValueError("command line", "limit" if limit < 1 else "page", "must be 1 or more")
        marks = self._marks()
        given = {"outlet": outlet, "byline": byline, "since": since, "until": until, "lang": lang}
        filters = self._filters({**given, "marked": marked, "unseen": unseen}, marks)
        search = partial(
            run_search,
            query=query,
            limit=limit,
            page=page,
            sort=sort,
            mode=mode,
            filters=filters,
            facets=facets,
            snippets=snippets,
            fold_copies=not all_copies,
            like=self._docnum(like) if like is not None else None,
            explain=explain,
            variants=variants,
            exact_script=exact_script,
        )
        try:
            results = search(self._scope())
        except StaleSearcher:  # a shard committed meanwhile: once more, on the new commit
            results = search(self._scope())
        searcher = self._current_searcher()
        if review_progress:
            review = run_review(searcher, results.query, mode=mode, filters=self._filters(given), marks=marks)
            results = replace(results, review=review)
        return replace(results, hits=tuple(_with_mark(hit, marks) for hit in results.hits)) if marks else results

    def export(
        self, query: str, *, sort: str = "relevance", mode: str = "auto", all_copies: bool = False,
        **filters: DateLike | None,
    ) -> Iterator[Hit]:
        """Every hit of ``query``, not a page: as :meth:`search` ranks them,
        with their snippets and copies, yielded one at a time so that memory
        does not grow with the export (newsindex.export writes them as CSV or
        JSON Lines). ``filters``: :meth:`search`'s outlet, byline, since,
        until, lang, marked and unseen."""
        from .search.run import every_hit

        marks = self._marks()
        hits = every_hit(
            self._current_searcher(), query, sort=sort, mode=mode, filters=self._filters(filters, marks),
            fold_copies=not all_copies,
        )
        for hit in hits:
            yield _with_mark(hit, marks)

    def batch(
        self, queries: Iterable[str], *, mode: str = "auto", **filters: DateLike | None
    ) -> Iterator[QuerySummary]:
        """One :class:`QuerySummary` a query, in order, yielded as each runs:
        a list of names or terms searched at once. A query that cannot run
        (malformed, too wide) gets its row with the ``error``, and the rest
        run. ``filters``: :meth:`search`'s outlet, byline, since, until and lang."""
        from .search.run import run_summary

        restriction = self._filters(filters)
        for query in queries:
            try:
                yield run_summary(self._current_searcher(), query, mode=mode, filters=restriction)
            except (QueryError, InvalidValueError) as exc:
                yield QuerySummary(query, 0, 0, None, None, (), error=str(exc))

    # -- watches -------------------------------------------------------------

    def watch_add(self, name: str, query: str, *, mode: str = "auto", **given: DateLike | None) -> Watch:
        """Keep ``query`` (with :meth:`search`'s filters: outlet, byline,
        since, until, lang) as the watch ``name``; what the archive already
        holds counts as seen, so its checks report what comes after. Raises
        QueryError for a query that cannot run."""
        from .search.run import story_matches

        self._filters(given)  # unknown filters refused
        filters = {key: str(value) for key, value in given.items() if value is not None}
        if mode != "auto":
            filters["mode"] = mode
        if not name.strip():
            raise InvalidValueError("command line", "watch", "a watch needs a name")
        searcher = self._current_searcher()
        stories = story_matches(searcher, query, mode=mode, filters=self._filters(filters))
        articles = [searcher.stored_fields(doc)["id"] for docs in stories.values() for doc in docs]
        with self._watches() as store:
            return store.add(name.strip(), query, filters, stories, articles)

    def watch_list(self) -> list[Watch]:
        with self._watches() as store:
            return store.all()

    def watch_remove(self, name: str) -> None:
        with self._watches() as store:
            store.remove(name)

    def watch_check(self, names: Iterable[str] | None = None, *, mark_seen: bool = True) -> list[WatchReport]:
        """For each watch (or those named), the stories its query matches that
        it has not shown before, newest first; with ``mark_seen`` (the
        default) they are then seen. A watch whose query no longer runs gets
        its ``error`` and the others run."""
        from .search.run import hits_of

        reports = []
        with self._watches() as store:
            watches = [store.get(name) for name in names] if names is not None else store.all()
            for watch, found in self._watch_findings(store, watches):
                if isinstance(found, str):
                    reports.append(WatchReport(watch.name, watch.query, (), error=found))
                    continue
                stories, new, articles = found
                mode = watch.filters.get("mode", "auto")
                new_hits = hits_of(self._current_searcher(), watch.query, new, mode=mode)
                reports.append(WatchReport(watch.name, watch.query, new_hits))
                if mark_seen:
                    store.mark_seen(watch.name, stories, articles)
        return reports

    def _watch_gains(self) -> dict[str, int]:
        """How many unseen stories each watch has now (for the end of an add).
        Searching is imported only when there are watches: an add without
        them loads no search code."""
        from .watches import FILENAME

        if not os.path.exists(os.path.join(self.path, FILENAME)):
            return {}
        with self._watches() as store:
            findings = self._watch_findings(store, store.all())
            return {watch.name: len(found[1]) for watch, found in findings if not isinstance(found, str) and found[1]}

    def _watch_findings(
        self, store: WatchStore, watches: list[Watch]
    ) -> Iterator[tuple[Watch, str | tuple[dict[int, list[int]], list[int], list[str]]]]:
        """For each watch: its matching stories, the newest document of each
        it has not seen, and the ids read to tell; or why its query no longer
        runs."""
        from .search.run import story_matches

        searcher = self._current_searcher()
        for watch in watches:
            try:
                stories = story_matches(searcher, watch.query, mode=watch.filters.get("mode", "auto"),
                                        filters=self._filters(watch.filters))
            except (QueryError, InvalidValueError) as exc:
                yield watch, str(exc)
                continue
            new, articles = _unseen(searcher, stories, *store.seen(watch.name))
            yield watch, (stories, new, articles)

    def _watches(self) -> AbstractContextManager[WatchStore]:
        from .watches import WatchStore

        return self._store(WatchStore)

    @contextmanager
    def _store(self, kind: type[S]) -> Iterator[S]:
        """A store of the index folder (watches, marks), open for a while;
        the index must exist."""
        self._open()
        store = kind(self.path)
        try:
            yield store
        finally:
            store.close()

    def _filters(self, given: Mapping[str, Any], marks: Mapping[str, Mark] | None = None) -> Filters:
        """:meth:`search`'s filters (outlet, byline, since, until, lang, and
        the review filters marked and unseen, read from ``marks``) as given
        by name, to the other methods that take them; a watch's stored
        filters may also hold its mode, which is not a filter."""
        from .search.run import Filters, Reviewed

        named = set(Filters._fields) - {"review"}
        unknown = set(given) - named - {"mode", "marked", "unseen"}
        if unknown:
            known = ", ".join([*Filters._fields[:-1], "marked", "unseen"])
            raise TypeError(f"unknown filters: {', '.join(sorted(unknown))} (known: {known})")
        review = None
        marked, unseen = given.get("marked"), given.get("unseen")
        if marked is not None and unseen:
            raise InvalidValueError("command line", "marked", "--marked and --unseen exclude each other")
        if marked is not None or unseen:
            from .marks import check_status

            if marked is not None:
                check_status(marked)
            marks = self._marks() if marks is None else marks
            ids = frozenset(i for i, mark in marks.items() if marked is None or mark.status == marked)
            review = Reviewed(ids, only=marked is not None)
        return Filters(**{key: value for key, value in given.items() if key in named}, review=review)

    # -- review marks --------------------------------------------------------

    def mark(self, ref: str, status: str, *, note: str | None = None) -> Mark | None:
        """Mark the article ``ref`` names (id, prefix or path) as "seen",
        "relevant" or "irrelevant", with an optional ``note`` (a new note
        replaces the old, none keeps it); "unseen" takes the mark away (and
        returns None). Marks live beside the index, keyed by article id: a
        re-add or a rebuild keeps them."""
        article_id = self._current_searcher().stored_fields(self._docnum(ref))["id"]
        with self._mark_store() as store:
            return store.set(article_id, status, note)

    def _marks(self) -> dict[str, Mark]:
        """Every review mark by article id; none (and no SQLite opened) while
        nothing was ever marked."""
        from .marks import FILENAME

        if not os.path.exists(os.path.join(self.path, FILENAME)):
            return {}
        with self._mark_store() as store:
            return store.all()

    def _mark_store(self) -> AbstractContextManager[MarkStore]:
        from .marks import MarkStore

        return self._store(MarkStore)

    def similar(self, ref: str, *, limit: int = 10, page: int = 1, all_copies: bool = False) -> SearchResults:
        """Articles like the one ``ref`` names (id, prefix or path), its own copies left out."""
        return self.search("", like=ref, limit=limit, page=page, all_copies=all_copies)

    def _docnum(self, ref: str) -> int:
        """The document number of the article ``ref`` names: the path of an
        indexed file, else an id or a unique prefix of one."""
        searcher = self._current_searcher()
        docnum = searcher.document_number(id=path_id(os.path.abspath(ref)))
        if docnum is None:
            docnum = searcher.document_number(id=self._resolve_id(ref))
        if docnum is None:
            raise ArticleNotFoundError(ref)
        return docnum

    def timeline(
        self,
        query: str,
        *,
        by: str | None = None,
        normalize: bool = False,
        stories: bool = False,
        mode: str = "auto",
        **filters: DateLike | None,
    ) -> Timeline:
        """Hits of ``query`` per "day", "week", "month" or "year" (chosen from the
        span when ``by`` is None), empty periods included. ``stories`` counts
        stories (near-identical copies folded, each in the period of its first
        copy) instead of articles. ``normalize`` gives each period the articles
        (or stories) indexed in it, under the same filters, so that
        ``Period.rate`` reads "share of the archive": a thin month does not
        look like a drop. ``filters``: :meth:`search`'s outlet, byline, since,
        until and lang."""
        return self.timelines([query], by=by, normalize=normalize, stories=stories, mode=mode, **filters)[0]

    def timelines(
        self,
        queries: Iterable[str],
        *,
        by: str | None = None,
        normalize: bool = False,
        stories: bool = False,
        mode: str = "auto",
        **filters: DateLike | None,
    ) -> list[Timeline]:
        """The :meth:`timeline` of each query, over the same periods (from the
        first dated hit of any to the last of any), to compare them. Every
        query is parsed before any runs: a malformed one raises QueryError."""
        from .search.run import run_timelines
        from .search.scope import StaleSearcher

        def timelines(scope: Scope) -> list[Timeline]:
            return run_timelines(scope, list(queries), by=by, mode=mode, filters=self._filters(filters),
                                 normalize=normalize, stories=stories)

        try:
            return timelines(self._scope())
        except StaleSearcher:  # a shard committed meanwhile: once more, on the new commit
            return timelines(self._scope())

    def lineage(self, ref: str) -> Lineage:
        """Where the story of the article ``ref`` names (id, prefix or path)
        came from: its near-identical copies in publication order (undated
        last), the earliest dated marked first, and for each later copy what
        it changed against the earliest: sentences added, removed and
        reworded (word by word), its headline and its credit. An article with
        no copies is a lineage of one."""
        from .search.lineage import story_lineage

        return story_lineage(self._current_searcher(), self._docnum(ref))

    def get(self, ref: str) -> Article:
        """One article by id, unique id prefix, or the path of an indexed file."""
        from .search.copies import cluster_copies

        searcher = self._current_searcher()
        fields = searcher.stored_fields(self._docnum(ref))

        copies, first_seen = cluster_copies(searcher, fields["cluster"], fields["id"])
        return replace(stored_article(fields), copies=copies, first_seen=first_seen,
                       mark=self._marks().get(fields["id"]))

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

    def check(self) -> CheckReport:
        """Verify the index: every segment opens, stored fields read back, counts
        agree; in a sharded index, each shard, and that each article is in
        the shard of its id (what a shard found is told with its name)."""
        if not self.exists():
            raise IndexNotFoundError(self.path)
        from .write.maintenance import check

        layout = read_layout(self.path)
        if layout is None:
            return check(self.path)
        reports = [check(path, (number, layout)) for number, path in enumerate(layout.paths())]

        def named(report: CheckReport, said: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(f"{os.path.basename(report.path)}: {line}" for line in said)

        return CheckReport(
            self.path,
            sum(report.articles for report in reports),
            sum(report.segments for report in reports),
            tuple(line for report in reports for line in named(report, report.problems)),
            tuple(line for report in reports for line in named(report, report.notes)),
        )

    def rebuild(self, *, wait: float = DEFAULT_WAIT) -> RebuildReport:
        """Re-create the index from the files it recorded (their stored copy
        where a file is gone); a sharded index shard by shard, its copies and
        duplicates found across shards."""
        if not os.path.isdir(self.path):
            raise IndexNotFoundError(self.path)
        from .write.maintenance import rebuild
        from .write.neardup import Clusterer

        self.close()
        layout = read_layout(self.path)
        paths = [self.path] if layout is None else layout.paths()
        clusters, seen_hashes = Clusterer(None), set[str]()
        reports = []
        with self._write_lock(wait):
            for path in paths:
                try:
                    ix: whoosh_index.Index | None = open_index(path)
                except Exception:  # damaged beyond opening: rebuilt from the manifest and the files
                    ix = None
                with self._write_errors():
                    reports.append(rebuild(path, ix, clusters=clusters, seen_hashes=seen_hashes))
        return RebuildReport(
            sum(report.articles for report in reports),
            sum(report.from_source for report in reports),
            sum(report.from_index for report in reports),
            tuple(lost for report in reports for lost in report.lost),
            sum(report.seconds for report in reports),
        )

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
        keyed = sorted(dates, key=index_datetime)
        layout = read_layout(self.path)
        folders = [self.path, *(layout.paths() if layout else ())]
        size = sum(entry.stat().st_size for folder in folders for entry in os.scandir(folder) if entry.is_file())
        return Stats(
            path=self.path,
            articles=searcher.doc_count(),
            outlets=dict(outlets.most_common()),
            earliest=keyed[0] if keyed else None,
            latest=keyed[-1] if keyed else None,
            undated=undated,
            size_bytes=size,
            marked=_marks_by_status(self._marks().values()),
        )


def _open_one(path: str) -> whoosh_index.Index:
    """The Whoosh index in ``path`` (an index of one shard, or a shard)."""
    try:
        ix = open_index(path)
    except Exception as exc:
        raise IndexDamagedError(path, exc) from None
    if not is_current(ix.schema):
        raise IndexOutdatedError(path)
    return ix


def _current_manifest(path: str, ix: whoosh_index.Index) -> Manifest:
    """The manifest of the index in ``path``, rebuilt from the stored fields if it lags the index."""
    from .write.manifest import Entry, Manifest, Signature
    from .write.minhash import signature

    manifest = Manifest(path)
    generation = ix.latest_generation()
    if manifest.generation != generation:
        entries, signatures = [], []
        with ix.reader() as reader:
            for fields in reader.all_stored_fields():
                meta = fields["meta"]
                entries.append(
                    Entry(fields["path"], meta.get("record", ""), fields["id"], meta["fingerprint"],
                          meta["content_hash"], current_digest(meta["digest"]))
                )
                sig = signature(fields.get("body", ""))  # not stored: recomputed, on this rare path
                signatures.append(Signature(fields["id"], fields["cluster"], sig))
        manifest.replace_all(entries, generation, signatures)
    return manifest


def _unseen(
    searcher: Searcher, stories: Mapping[int, list[int]], seen_stories: set[int], seen_articles: set[str]
) -> tuple[list[int], list[str]]:
    """Of a watch's matching stories (cluster key: documents, newest first),
    the newest document of each it has not seen, and the ids of the articles
    of the stories not seen by cluster (read only for those): a story is seen
    when its cluster or any of its articles was."""
    new: list[int] = []
    articles: list[str] = []
    for story, docs in stories.items():
        if story in seen_stories:
            continue
        ids = [searcher.stored_fields(doc)["id"] for doc in docs]
        articles += ids
        if not seen_articles.intersection(ids):
            new.append(docs[0])
    return new, articles


def _marks_by_status(marks: Iterable[Mark]) -> dict[str, int]:
    from .models import MARK_STATUSES

    counts = Counter(mark.status for mark in marks)
    return {status: counts[status] for status in reversed(MARK_STATUSES) if counts[status]}


def _with_mark(hit: Hit, marks: Mapping[str, Mark]) -> Hit:
    """The hit with its review mark, or the strongest of its copies' marks."""
    from .marks import strongest

    own = marks.get(hit.id)
    if own is None and hit.copies:
        own = strongest([marks[c.id] for c in hit.copies if c.id in marks])
    return hit if own is None else replace(hit, mark=own)
