"""The per-file work of ``add``, done in worker processes.

Reading, decoding, hashing, extracting metadata, the near-duplicate signature,
the analysis of every text field into postings and the packing of the stored
fields need nothing but the file, so worker processes do them while the one
writer process decides what each file is (new, changed, a duplicate, a copy)
and writes the documents it gets. The writer is the one part of an add that
cannot be shared between cores: whatever needs only the file is done here.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from whoosh.fields import Schema

from ..analysis import index_postings
from ..codec import pack_stored
from ..documents import copy_text, source_digest, text_hash, to_document
from ..errors import NewsIndexError
from ..ingest import ExtractedArticle, SkipFile
from ..ingest.language import with_language
from ..ingest.records import mapping_digest
from ..schema import PreAnalysableText, build_schema
from ._processes import die_with_parent
from .sources import FileDone, Job

if TYPE_CHECKING:
    from concurrent.futures import Executor

#: Below this many files to read, starting worker processes costs more than it saves.
MIN_PARALLEL_FILES = 64
#: Files handed to a worker at a time, and files submitted to the workers at once.
CHUNK_FILES = 16
CLUSTER_CHUNK_FILES = 256
WINDOW_FILES = 256
#: What the windows in flight may hold, jobs and results, in bytes as they
#: travel (pickled; a result is two to three times its text): enough for the
#: workers to go on through a commit, when the writer stops taking results
#: for seconds. With only two windows in flight they ran dry early in each
#: commit of a large add, and a core idled.
AHEAD_BYTES = 32 << 20
MAX_WINDOWS = 16


@dataclass
class Prepared:
    job: Job
    skip_reason: str | None = None
    content_hash: str = ""  # of headline and text: equal for the same story in any format
    digest: str = ""  # of the source and its overrides: changes when anything indexed may change
    unchanged: bool = False  # same source and overrides as the indexed version
    signature: bytes = b""
    #: The Whoosh document but its cluster (documents.set_cluster): text
    #: fields as their postings, stored fields packed (``_packed_stored``).
    document: dict[str, Any] | None = None


def prepare(job: Job | FileDone) -> Prepared | FileDone:
    """Everything about one article that needs only its file."""
    if isinstance(job, FileDone):
        return job
    from .minhash import signature
    from .sources import article_id_of, extract_article, read_source

    try:
        source, overrides, extract = read_source(job)
    except SkipFile as exc:
        return Prepared(job, skip_reason=str(exc))
    state = f"{text_hash(source)}:{overrides.digest}:{job.flags.digest}:{mapping_digest(job.mapping)}"
    digest = source_digest(state)
    if digest == job.known_digest:
        return Prepared(job, digest=digest, unchanged=True)
    try:
        article = with_language(extract_article(extract, overrides, job.flags))
    except SkipFile as exc:
        return Prepared(job, skip_reason=str(exc))
    except Exception as exc:  # one bad file never stops a batch
        return Prepared(job, skip_reason=f"could not extract: {exc}")
    content_hash = story_hash(article)
    document = to_document(
        article,
        article_id=article_id_of(job.path, job.key),
        path=job.path,
        record=job.key,
        mapping=job.mapping,
        fingerprint=job.fingerprint,
        content_hash=content_hash,
        digest=digest,
        cluster=None,
    )
    return Prepared(
        job,
        content_hash=content_hash,
        digest=digest,
        signature=signature(copy_text(article)),
        document=_for_writer(document),
    )


def story_hash(article: ExtractedArticle) -> str:
    """Equal for the same headline, text and day of publication, whatever format
    they came in. A story sent again on another day is not a duplicate: it is
    indexed, and folded with the first as a copy."""
    day = article.published.date().isoformat() if article.published else ""
    return text_hash(f"{article.title or ''}\n{article.body}\n{day}")


def _for_writer(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its stored fields packed, as the stored column holds
    them, and its text fields as their postings: the writer, the one process
    that cannot share its work, then neither deflates nor analyses."""
    names, stored, analysable = _fields()
    packed = pack_stored({name: value for name, value in document.items() if name in stored})
    language = document["meta"].get("language")
    analysed = {
        name: index_postings(field, document[name], language=language)
        for name, field in analysable if document.get(name)
    }
    # An index of an older version lacks the fields added since (schema.ADDED_FIELDS).
    kept = {name: value for name, value in document.items() if name in names}
    return {**kept, **analysed, "_packed_stored": packed}


#: The schema of the index being written: articles are analysed with its
#: analyzers (an index keeps the folding it was written with). Set before
#: the workers fork, which inherit it.
_schema: Schema | None = None


def use_schema(schema: Schema | None) -> None:
    """Analyse articles with ``schema``'s analyzers from now on (None: this version's)."""
    global _schema
    _schema = schema
    _fields.cache_clear()


@lru_cache(maxsize=1)
def _fields() -> tuple[frozenset[str], frozenset[str], tuple[tuple[str, PreAnalysableText], ...]]:
    """The schema's fields, its stored fields, and its text fields a worker
    analyses, in order: looked up once, not for every article (Whoosh's
    ``Schema.items`` sorts the fields at each call)."""
    schema = _schema or build_schema()
    return (
        frozenset(schema.names()),
        frozenset(schema.stored_names()),
        tuple((name, field) for name, field in schema.items() if isinstance(field, PreAnalysableText)),
    )


def prepared(
    jobs: Iterable[Job | FileDone], count: int, cluster: Executor | None = None
) -> Iterator[Prepared | FileDone]:
    """``prepare`` for every job, in order: in worker processes when there are
    enough jobs and cores to gain from them, in this process otherwise; on
    the workers of a Dask ``cluster`` (its concurrent.futures executor, of
    tasks that are not pure: jobs of the same file are read again), when given,
    which reruns elsewhere the tasks of a worker that dies."""
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
    if cluster is None and (
        workers < 2 or count < MIN_PARALLEL_FILES or "fork" not in multiprocessing.get_all_start_methods()
    ):
        yield from map(prepare, jobs)
        return
    # Imported here: an add of a few files reads them in this process, and
    # spares importing the pool's modules.
    from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor

    context = multiprocessing.get_context("fork")  # workers inherit the loaded code: no re-import
    # concurrent.futures, not multiprocessing.Pool: the Pool's worker-handler
    # thread wakes whenever results wait in its pipe (tens of thousands of
    # times in an add), and takes the writer's CPU and GIL each time.
    # A worker that dies (killed for memory) breaks the pool, which raises,
    # where the Pool replaced it and waited for its results for ever.
    pool = cluster or ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent)
    # A cluster's task costs a millisecond of its scheduler's: one is a window's worth of files.
    chunk = CLUSTER_CHUNK_FILES if cluster is not None else CHUNK_FILES
    try:
        windows: deque[_Window] = deque()
        jobs = iter(jobs)
        received = [0, 0]  # results taken, and their bytes
        # Two windows in flight at least: the workers fill the next while the
        # writer drains this one; more while what they hold stays under AHEAD_BYTES.
        while True:
            while len(windows) < 2 or (len(windows) < MAX_WINDOWS and _held(windows, received) < AHEAD_BYTES):
                window = list(itertools.islice(jobs, WINDOW_FILES))
                if not window:
                    break
                tasks = [pickle.dumps(job, pickle.HIGHEST_PROTOCOL) for job in window if isinstance(job, Job)]
                chunks = [tasks[start : start + chunk] for start in range(0, len(tasks), chunk)]
                results = itertools.chain.from_iterable(pool.map(_prepare_chunk, chunks))
                windows.append(_Window(sum(map(len, tasks)), len(tasks), _in_order(window, results, received)))
            if not windows:
                break
            yield from windows.popleft().results
    except BaseException as exc:  # an error, Ctrl-C, or the writer stopped reading: drop what waits
        if cluster is None:
            # Waits for the chunks the workers hold, no more: a pool still
            # stopping when the interpreter exits races its exit handler
            # (Python 3.11 prints an "Exception ignored" traceback).
            pool.shutdown(wait=True, cancel_futures=True)
        if isinstance(exc, BrokenProcessPool):
            raise NewsIndexError(
                "a worker process reading the articles died (killed for lack of memory?): "
                "the add stopped; the index still holds its last commit"
            ) from None
        raise
    if cluster is None:
        pool.shutdown()  # all done: the workers and the pool's threads end before the last commit, which may fork


@dataclass(frozen=True)
class _Window:
    job_bytes: int  # its jobs, pickled: a record's carries its data
    jobs: int
    results: Iterator[Prepared | FileDone]


def _held(windows: Iterable[_Window], received: list[int]) -> float:
    """What the windows in flight hold: their jobs, and their results at the
    mean size of those received so far (unbounded before the first)."""
    if not received[0]:
        return float("inf")
    mean = received[1] / received[0]
    return sum(w.job_bytes + w.jobs * mean for w in windows)


def _prepare_chunk(tasks: list[bytes]) -> list[bytes]:
    """``prepare`` of pickled jobs, their results pickled by the worker: results
    waiting for the writer stay bytes (a fifth of the room of the objects)
    until it takes them, and their size is known."""
    return [pickle.dumps(prepare(pickle.loads(task)), pickle.HIGHEST_PROTOCOL) for task in tasks]


def _in_order(
    window: list[Job | FileDone], results: Iterator[bytes], received: list[int]
) -> Iterator[Prepared | FileDone]:
    """The workers' results with the window's FileDone markers back in their
    places: markers need no worker, so they never travel to one. Counts the
    results taken and their bytes in ``received``."""
    for job in window:
        if isinstance(job, FileDone):
            yield job
            continue
        data = next(results)
        received[0] += 1
        received[1] += len(data)
        yield pickle.loads(data)

