"""Writing a sharded index's shards on the workers of a Dask cluster.

An add with ``--cluster`` runs its reading on the workers (prepare.py) and
its decisions in the add's process (batch.py): what each article is, a
duplicate, a near copy of an article in any shard. The writing, where a
batch's postings are grouped, written and merged, runs on the workers too:
each shard has a :class:`ShardWriterActor` on a worker (shards go round the
workers), which holds that shard's Whoosh write lock and writer from its
batch's first article to its commit. The add's process sends each shard's
articles to its actor a few hundred at a time, one call in flight per
actor (an actor's calls may overtake each other), and keeps them, pickled
as sent, until the commit. It then asks every shard to commit at once, and
records the manifest as before once all have (shards.py: a manifest
lagging a shard's commit is rebuilt by the next add).

A worker lost before its shard's commit loses that shard's batch in
progress and nothing else: the add gives the batch again to a new actor on
a worker still up, once, and goes on. If the shard's commit may have
landed (its generation moved), the batch is not given again, which could
index it twice; the add fails with one line, and running it again finds
what was committed and writes the rest.

The actor answers with what its call returned or the exception it raised,
as a value: Dask raises a lost worker's calls as OSError, the exception a
full disk raises too, and only a lost worker's are given again.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from ..errors import NewsIndexError
from ..sharding import ShardSet
from .shards import ShardedWriter

#: Articles (or deletions) sent to a shard's actor in one call: a call costs a
#: few milliseconds of the scheduler's and the network's, a batch holds thousands.
SEND_CHANGES = 250

Answer = tuple[bool, Any]  # (True, what the call returned) or (False, the exception it raised)


def _answer(call: Callable[..., Any], *args: Any) -> Answer:
    try:
        return True, call(*args)
    except Exception as exc:  # told to the add's process, which raises it there
        return False, exc


class ShardWriterActor:
    """On a Dask worker: one shard's writer (segments.py), open from its
    batch's first change to its commit, with the shard's write lock."""

    def __init__(self, shard_path: str) -> None:
        self.shard_path = shard_path
        self.writer: Any = None

    def write(self, sent: list[bytes]) -> Answer:
        """Apply the changes of each of ``sent`` (pickled lists) in order:
        ("add" | "update", fields) or ("delete", id). Answers the postings
        the writer holds."""
        return _answer(self._write, sent)

    def commit(self, options: dict[str, Any]) -> Answer:
        """Commit the batch (a writer that got no change commits an empty one,
        as a shard's writer does in one process, or merges). Answers the new
        generation and the segment ids written."""
        return _answer(self._commit, options)

    def cancel(self) -> None:
        if self.writer is not None:
            from .storage import cancel_quietly

            writer, self.writer = self.writer, None
            cancel_quietly(writer)

    def _writer(self) -> Any:
        if self.writer is None:
            from whoosh.index import LockError

            from .segments import SegmentBuilder
            from .storage import open_index

            try:
                self.writer = SegmentBuilder(open_index(self.shard_path))
            except LockError:  # the add holds the index's lock: a writer left over
                raise NewsIndexError(
                    f"{self.shard_path} is still locked by the actor of an add that stopped; "
                    "retry once the cluster has noticed (a few seconds)"
                ) from None
        return self.writer

    def _write(self, sent: list[bytes]) -> int:
        writer = self._writer()
        for kind, change in itertools.chain.from_iterable(map(pickle.loads, sent)):
            if kind == "add":
                writer.add_document(**change)
            elif kind == "update":
                writer.update_document(**change)
            else:
                writer.delete_by_term("id", change)
        return int(writer.postings)

    def _commit(self, options: dict[str, Any]) -> tuple[int, set[str]]:
        writer = self._writer()
        self.writer = None  # whether it commits or fails, Whoosh has released its lock
        writer.commit(**options)
        return writer.generation, writer.new_segment_ids()


class ClusterWriting:
    """The actors writing each shard of ``shards`` for one add, on the cluster
    of ``client``: :meth:`writer` is the batch's writer (batch.py)."""

    def __init__(self, client: Any, shards: ShardSet) -> None:
        self.client = client
        self.shards = shards
        self._actors: list[Any] = [None] * shards.layout.shards

    def writer(self) -> ShardedWriter:
        return ShardsOnCluster(self)

    def actor(self, number: int) -> Any:
        if self._actors[number] is None:
            from ..cluster import start_actor

            self._actors[number] = start_actor(self.client, number, ShardWriterActor,
                                               self.shards.layout.paths()[number])
        return self._actors[number]

    def cancel(self, number: int) -> None:
        """Abandon shard ``number``'s batch on its actor, if it has one still."""
        actor = self._actors[number]
        if actor is not None:
            with suppress(Exception):  # a lost actor has nothing left to cancel
                actor.cancel().result()

    def lost(self, number: int) -> None:
        """The actor of shard ``number`` is gone with its worker: the next is started anew."""
        self._actors[number] = None

    def close(self) -> None:
        """Let the actors go: each is deleted on its worker once no handle holds it."""
        self._actors[:] = [None] * len(self._actors)


class ShardsOnCluster(ShardedWriter):
    """A batch's writer for every shard, each shard's on its actor: the
    shards' commits run at once."""

    def __init__(self, writing: ClusterWriting) -> None:
        count = writing.shards.layout.shards
        super().__init__(writing.shards.layout, [RemoteShardWriter(writing, number) for number in range(count)])

    def commit(self, **options: Any) -> None:
        """Every shard's commit at once; the first failure is raised once all
        have ended (the shards that committed keep the batch: shards.py).
        A shard that fails before its commit starts is cancelled."""
        failure: BaseException | None = None
        started = []
        for writer in self.writers:
            try:
                writer.start_commit(options)
                started.append(writer)
            except BaseException as exc:
                failure = failure or exc
                writer.cancel()
        for writer in started:
            try:
                writer.finish_commit()
            except BaseException as exc:
                failure = failure or exc
        if failure is not None:
            raise failure
        if self.alongside is not None:
            self.alongside()


class RemoteShardWriter:
    """The add's handle on one shard's actor for one batch: what the shard's
    writer is in one process (add_document, update_document, delete_by_term,
    postings, cancel; the commit in two halves), its changes sent in calls
    of ``SEND_CHANGES`` and kept until the commit, to be given again to a
    new actor if the worker is lost."""

    def __init__(self, writing: ClusterWriting, number: int) -> None:
        self.writing = writing
        self.number = number
        #: The shard's generation as the batch began: a lost actor's batch is
        #: given again only while it is the shard's latest.
        self.began = writing.shards.indexes[number].latest_generation()
        self.unsent: list[tuple[str, Any]] = []
        #: The changes sent in this batch, as sent: pickled, which holds
        #: them in a fraction of the memory their objects take.
        self.sent: list[bytes] = []
        self.pending: tuple[str, Any] | None = None  # the call in flight: ("write" | "commit", its future)
        self.options: dict[str, Any] = {}
        self.replaced = False
        #: What the actor answered last: its postings held, then its commit's.
        self.postings = 0
        self.generation = self.began + 1
        self._new_segments: set[str] = set()

    def add_document(self, **fields: Any) -> None:
        self._change("add", fields)

    def update_document(self, **fields: Any) -> None:
        self._change("update", fields)

    def delete_by_term(self, fieldname: str, text: str) -> None:
        assert fieldname == "id", "a shard's actor deletes by article id"
        self._change("delete", text)

    def new_segment_ids(self) -> set[str]:
        return self._new_segments

    def start_commit(self, options: dict[str, Any]) -> None:
        self._send()
        self._settle()
        self.options = options
        self._start("commit", options)

    def finish_commit(self) -> None:
        self._settle()

    def cancel(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:  # ended first: a cancel could overtake it, and a write open a writer after
            with suppress(Exception):
                pending[1]()
        self.writing.cancel(self.number)

    def _change(self, kind: str, change: Any) -> None:
        self.unsent.append((kind, change))
        if len(self.unsent) >= SEND_CHANGES:
            self._send()

    def _send(self) -> None:
        """The changes not yet sent, in one call, after the call in flight has ended."""
        if not self.unsent:
            return
        self._settle()
        self.sent.append(pickle.dumps(self.unsent, pickle.HIGHEST_PROTOCOL))
        self.unsent = []
        self._start("write", self.sent[-1:])

    def _start(self, kind: str, argument: Any) -> None:
        """Call the actor's ``kind`` (its answer is waited for by :meth:`_settle`)."""
        self.pending = (kind, self._call(kind, argument))

    def _call(self, method: str, argument: Any) -> Callable[[], Answer]:
        """Call the actor's ``method``; what waits for its answer. The handle
        of an actor whose worker Dask knows is lost raises at once, and
        starting an actor can fail: the wait raises that, as a call lost."""
        try:
            return getattr(self.writing.actor(self.number), method)(argument).result  # type: ignore[no-any-return]
        except Exception as exc:
            def lost(failure: Exception = exc) -> Answer:
                raise failure

            return lost

    def _settle(self) -> None:
        """Wait for the call in flight and take its answer."""
        if self.pending is None:
            return
        (kind, answer_of), self.pending = self.pending, None
        try:
            answer = answer_of()
        except Exception as exc:  # the worker, or the connection to it, is lost
            answer = self._again(kind, exc)
        self._take(kind, answer)

    def _again(self, kind: str, lost: Exception) -> Answer:
        """The batch's changes so far (and its commit, if that was the call
        lost) given to a new actor: once, and only while the shard's commit
        cannot have landed."""
        self.writing.lost(self.number)
        shard = self.writing.shards.layout.paths()[self.number]
        if self.replaced or self.writing.shards.indexes[self.number].latest_generation() != self.began:
            why = str(lost).strip().partition("\n")[0]
            raise NewsIndexError(
                f"the Dask worker writing {shard} was lost ({type(lost).__name__}{': ' if why else ''}{why}) "
                f"{'again' if self.replaced else 'while it committed'}; run the add again: "
                "it keeps what was committed and writes the rest"
            ) from None
        self.replaced = True
        try:
            answer = self._call("write", self.sent)()
            if kind == "commit" and answer[0]:
                answer = self._call("commit", self.options)()
        except Exception as exc:
            return self._again(kind, exc)
        return answer

    def _take(self, kind: str, answer: Answer) -> None:
        done, value = answer
        if not done:
            raise value
        if kind == "write":
            self.postings = value
        else:
            self.generation, self._new_segments = value
