"""Where a search's work on the matches runs: in this process, or on each shard in parallel.

A search reads statistics, parses and renders hits through one searcher over
the whole index (for a sharded index, every shard's segments read as one:
:func:`sharded_searcher`), so it ranks as one index does. What grows with
the archive, finding and scoring every match, counting facets, is done by
tasks: a function of a searcher and plain arguments, returning plain data.
:meth:`Scope.map` runs a task once per shard, each on a view of the whole
index that holds only that shard's segments (the same document numbers,
the same statistics), and the caller merges what they return.

:class:`Whole` runs a task once, on the whole index (an index of one shard).
:class:`LocalShards` runs it for each shard in turn in this process.
:class:`ShardProcesses` runs the first shard's here and each other's in a
process of its own, which keeps that shard's view open between searches, so
every core of a machine works on one search. :class:`DaskShards` runs each
shard's on a Dask actor (cluster.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from whoosh.searching import Searcher

from .._whoosh import cached_on
from ..errors import NewsIndexError
from ..sharding import ShardSet, read_layout

T = TypeVar("T")


class ShardedSearcher(Searcher):
    """A searcher over every shard's segments read as one index's
    (:func:`sharded_searcher`), which knows the generations of the shards
    it read and which of its segments are each shard's."""

    def __init__(self, reader: Any, *, generations: tuple[int, ...] = (), shard_leaves: list[range] | None = None,
                 **options: Any) -> None:
        # Whoosh makes a searcher of this class for each segment, with options only: it has no shards.
        super().__init__(reader, **options)
        self.generations = generations
        self.shard_leaves = shard_leaves or []


def sharded_searcher(shards: ShardSet, weighting: Any) -> ShardedSearcher:
    """A searcher over every shard's segments, as if they were one index's:
    document frequencies, counts and field lengths are the whole archive's,
    so articles score as they would in an index of one shard. Document
    numbers run shard after shard."""
    from whoosh.reading import MultiReader

    generations = shards.latest_generation()
    leaves: list[Any] = []
    by_shard: list[range] = []  # each shard's leaves, by their place among all
    readers = [ix.reader() for ix in shards.indexes]
    for reader in readers:
        if not reader.doc_count_all():  # a shard with nothing committed yet: no segment to read
            own = []
        else:
            own = [reader] if reader.is_atomic() else [leaf for leaf, _offset in reader.leaf_readers()]
        by_shard.append(range(len(leaves), len(leaves) + len(own)))
        leaves.extend(own)
    whole = MultiReader(leaves) if leaves else readers[0]
    return ShardedSearcher(whole, weighting=weighting, generations=generations, shard_leaves=by_shard)


class Scope(Protocol):
    #: The whole index: statistics, parsing, and reading the hits shown.
    searcher: Searcher
    #: How many views a task runs on (the merge of one view's result is that result).
    parts: int

    def map(self, task: Callable[..., T], *args: Any) -> list[T]:
        """``task(view, *args)`` for each view, in shard order."""
        ...

    def for_questions(self) -> Scope:
        """The same scope, ranking with BM25's parameters for questions (schema.weighting)."""
        ...


class Whole:
    """An index of one shard: a task runs once, on the whole index."""

    parts = 1

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher

    def map(self, task: Callable[..., T], *args: Any) -> list[T]:
        return [task(self.searcher, *args)]

    def for_questions(self) -> Whole:
        return Whole(for_questions(self.searcher))


def for_questions(searcher: Searcher) -> Searcher:
    """A searcher over the same reader that ranks with BM25's parameters for
    questions (schema.weighting); one per searcher, so that what is cached on
    a searcher (copies' clusters) is read once for it too."""
    from ..schema import weighting

    def make() -> Searcher:
        asked = weighting(question=True)
        if isinstance(searcher, ShardedSearcher):
            return ShardedSearcher(searcher.reader(), weighting=asked, generations=searcher.generations,
                                   shard_leaves=searcher.shard_leaves, closereader=False)
        return Searcher(searcher.reader(), weighting=asked, closereader=False)

    return cached_on(searcher, "for_questions", make)


def shard_view(searcher: ShardedSearcher, number: int) -> Searcher:
    """A searcher over the whole index's reader (its statistics, its document
    numbers, its weighting) whose segments are only shard ``number``'s: what
    steps through segments (matching, scoring, counting) sees that shard alone."""
    view = Searcher(searcher.reader(), weighting=searcher.weighting, closereader=False)
    view.subsearchers = [view.subsearchers[i] for i in searcher.shard_leaves[number]] if view.subsearchers else []
    return view


class LocalShards:
    """A sharded index searched in this process, shard after shard."""

    def __init__(self, searcher: ShardedSearcher) -> None:
        self.searcher = searcher
        self.parts = len(searcher.shard_leaves)
        self.views = [shard_view(searcher, number) for number in range(self.parts)]

    def map(self, task: Callable[..., T], *args: Any) -> list[T]:
        return [task(view, *args) for view in self.views]

    def for_questions(self) -> LocalShards:
        return cached_on(self.searcher, "local_shards_for_questions",
                         lambda: LocalShards(for_questions(self.searcher)))


class ShardProcesses:
    """A sharded index searched by one process per shard, each keeping its
    shard's view open between searches: the first shard by this process
    (which has the whole index open, and would otherwise wait), each other
    by a process of its own.

    Each process opens the whole index (for its statistics and document
    numbers) at the generations this process's searcher was opened at; a
    commit in between makes the task fail with :class:`StaleSearcher`, and
    the caller opens a new searcher and asks again. A process that dies
    (killed, out of memory) has its task given to a new process; if that
    one dies too, the search fails with a one-line error naming the shard,
    never a result without that shard's hits.
    """

    def __init__(self, path: str, searcher: ShardedSearcher, *, question: bool = False,
                 pools: list[Any] | None = None) -> None:
        self.path = path
        self.searcher = searcher
        self.parts = len(searcher.shard_leaves)
        self.question = question
        # One process a shard for all the NewsIndex objects of this process
        # (the web app's several): a shard's searches then take turns on it.
        self._pools: list[Any] = _POOLS.setdefault((path, self.parts), [None] * self.parts) if pools is None else pools

    def for_questions(self) -> ShardProcesses:
        return ShardProcesses(self.path, for_questions(self.searcher), question=True, pools=self._pools)

    def with_searcher(self, searcher: ShardedSearcher) -> ShardProcesses:
        """The same processes, searching ``searcher``'s generations (after a commit)."""
        return ShardProcesses(self.path, searcher, question=self.question, pools=self._pools)

    def map(self, task: Callable[..., T], *args: Any) -> list[T]:
        """The task on every shard at once. A shard whose process died (now or
        since the last search) is given to a new process, once."""
        from concurrent.futures.process import BrokenProcessPool

        from .counting import search_key

        generations = self.searcher.generations
        search = search_key()

        def submit(number: int) -> Any:
            job = (_run_on_shard, self.path, number, generations, self.question, search, task, args)
            try:
                return self._pool(number).submit(*job)
            except BrokenProcessPool:  # it died after the last search
                self._pools[number] = None
                return self._pool(number).submit(*job)

        futures = [submit(number) for number in range(1, self.parts)]
        results = [task(cached_on(self.searcher, "first_shard", lambda: shard_view(self.searcher, 0)), *args)]
        for number, future in enumerate(futures, 1):
            for last_try in (False, True):
                try:
                    results.append(future.result())
                    break
                except BrokenProcessPool:
                    self._pools[number] = None
                    if last_try:
                        raise NewsIndexError(
                            f"the process searching shard {number} of {self.path} died twice; "
                            "the search was not finished"
                        ) from None
                    future = submit(number)
        return results

    def _pool(self, number: int) -> Any:
        if self._pools[number] is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from ..write._processes import die_with_parent

            context = multiprocessing.get_context("forkserver" if _threaded() else "fork")
            self._pools[number] = ProcessPoolExecutor(1, mp_context=context, initializer=die_with_parent)
        return self._pools[number]

    def close(self) -> None:
        """Stop the shard processes and wait for them: a pool still stopping
        when the interpreter exits races its exit handler (Python 3.11
        prints an "Exception ignored" traceback)."""
        for number, pool in enumerate(self._pools):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
                self._pools[number] = None


class ShardActor:
    """A shard's searcher kept open on a Dask worker (a Dask actor)."""

    def __init__(self, path: str, number: int) -> None:
        self.path = path
        self.number = number

    def run(self, generations: tuple[int, ...], question: bool, search: tuple[int, int] | None,
            task: Callable[..., T], args: Any) -> T:
        return _run_on_shard(self.path, self.number, generations, question, search, task, args)


class DaskShards:
    """A sharded index searched on a Dask cluster (cluster.py): an actor per
    shard, spread over the workers, each keeping its shard's view open.

    As with :class:`ShardProcesses`, a worker that dies has its shard's task
    given to a new actor on a worker still up, once; a second failure fails
    the search with a one-line error naming the shard.
    """

    def __init__(self, client: Any, path: str, searcher: ShardedSearcher, *, question: bool = False,
                 actors: list[Any] | None = None) -> None:
        self.client = client
        self.path = path
        self.searcher = searcher
        self.parts = len(searcher.shard_leaves)
        self.question = question
        self._actors: list[Any] = [None] * self.parts if actors is None else actors

    def for_questions(self) -> DaskShards:
        return DaskShards(self.client, self.path, for_questions(self.searcher), question=True, actors=self._actors)

    def with_searcher(self, searcher: ShardedSearcher) -> DaskShards:
        return DaskShards(self.client, self.path, searcher, question=self.question, actors=self._actors)

    def map(self, task: Callable[..., T], *args: Any) -> list[T]:
        from .counting import search_key

        generations = self.searcher.generations
        search = search_key()

        def call(number: int) -> Any:
            return self._actor(number).run(generations, self.question, search, task, args)

        futures = [call(number) for number in range(self.parts)]
        results = []
        for number, future in enumerate(futures):
            for last_try in (False, True):
                try:
                    results.append(future.result())
                    break
                except (StaleSearcher, NewsIndexError):  # the task's own answer, not a worker lost
                    raise
                except Exception as exc:  # the worker, or the connection to it, is gone
                    self._actors[number] = None
                    if last_try:
                        raise NewsIndexError(
                            f"the Dask worker searching shard {number} of {self.path} failed twice "
                            f"({type(exc).__name__}); the search was not finished"
                        ) from None
                    future = call(number)
        return results

    def _actor(self, number: int) -> Any:
        if self._actors[number] is None:
            from ..cluster import start_actor

            self._actors[number] = start_actor(self.client, number, ShardActor, self.path, number)
        return self._actors[number]

    def close(self) -> None:
        self._actors[:] = [None] * self.parts


#: The processes of each sharded index this process searches, by (folder, shards).
_POOLS: dict[tuple[str, int], list[Any]] = {}


class StaleSearcher(Exception):
    """The index has committed since the searcher a task was sent for was opened."""


def _threaded() -> bool:
    """Whether other threads run here (a web server's): a fork copies only
    the calling thread, and a lock another held stays locked in the copy."""
    import threading

    return threading.active_count() > 1


#: In a shard's process: the whole index's searcher and the shard's view, by (index, shard).
_OPEN: dict[tuple[str, int], tuple[Searcher, Searcher]] = {}


def _run_on_shard(
    path: str, number: int, generations: tuple[int, ...], question: bool, search: tuple[int, int] | None,
    task: Callable[..., T], args: Any
) -> T:
    from ..schema import weighting
    from ..write.storage import open_index
    from .counting import shared_postings

    opened = _OPEN.get((path, number))
    if opened is None or opened[0].generations != generations:
        if opened is not None:
            del _OPEN[(path, number)]
            opened[0].close()
        layout = read_layout(path)
        if layout is None:
            raise NewsIndexError(f"no sharded index at {path} as this worker sees it: workers must see the index "
                                 "folder at the same path")
        shards = ShardSet(layout, [open_index(shard) for shard in layout.paths()])
        searcher = sharded_searcher(shards, weighting())
        if searcher.generations != generations:
            searcher.close()
            raise StaleSearcher(os.path.join(path, f"shard {number}"))
        opened = _OPEN[(path, number)] = (searcher, shard_view(searcher, number))
    searcher, view = opened
    if question:
        view = cached_on(searcher, "shard_view_for_questions", lambda: shard_view(for_questions(searcher), number))
    with shared_postings(search):
        return task(view, *args)
