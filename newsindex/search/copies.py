"""Copies: the clusters of near-identical articles, read from the index for folding and counting.

Each document's cluster key is a fixed-width column; a searcher reads it once
into an array, so folding copies and counting stories cost an array index a
match, and a hit's copies are looked up only when its cluster has more than one.
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Sequence
from typing import Any

from whoosh.collectors import Collector, WrappingCollector
from whoosh.query import Query, Term
from whoosh.searching import Searcher

from .._whoosh import cached_on, fixed_column_bytes
from ..documents import cluster_key, index_datetime
from ..models import Copy
from .counting import matching_docs


def count_stories(
    searcher: Searcher, query: Query, masks: list[tuple[set[int], int]] | None, clusters: array
) -> tuple[int, int]:
    """How many articles match, and how many stories (clusters) they make;
    ``masks``: the documents left out, per segment."""
    matched, stories = story_clusters(searcher, query, masks, clusters)
    return matched, len(stories)


def story_clusters(
    searcher: Searcher, query: Query, masks: list[tuple[set[int], int]] | None, clusters: array
) -> tuple[int, set[int]]:
    """How many articles match, and the cluster keys of their stories."""
    matched = 0
    stories: set[int] = set()
    for segment, (docs, offset) in enumerate(matching_docs(searcher, query)):
        if masks is not None:
            docs -= masks[segment][0]
        matched += len(docs)
        stories.update(map(clusters.__getitem__, map(offset.__add__, docs)))
    return matched, stories


class StoryCounter(WrappingCollector):
    """Counts the matches and their distinct clusters (stories) on their way
    to the collector it wraps, which must not skip any."""

    def __init__(self, child: Collector, clusters: array) -> None:
        super().__init__(child)
        self.clusters = clusters
        self.stories: set[int] = set()
        self.matched = 0

    def collect(self, sub_docnum: int) -> Any:
        self.stories.add(self.clusters[self.offset + sub_docnum])
        self.matched += 1
        return self.child.collect(sub_docnum)


def cluster_numbers(searcher: Searcher) -> array:
    """Each document's cluster key, read once per reader (which the searchers
    of questions and of each shard share): folding and counting copies then
    costs an array index per match."""

    def read() -> array:
        numbers = array("Q")
        for reader, _offset in searcher.reader().leaf_readers():  # in document order
            numbers.extend(column_array(reader, "cluster_key"))
        return numbers

    return cached_on(searcher.reader(), "clusters", read)


#: From this many matches on, their stories are counted in numpy arrays (which
#: a search of fewer does not import: a cold search stays quick).
ARRAY_STORIES = 10_000


def stories_of(searcher: Searcher, docs: Sequence[int]) -> tuple[int, set[int]]:
    """The stories of the documents ``docs`` (a list or a numpy array): how many are of one
    article (a document whose cluster has no other is a story of its own, and
    needs no key looked at), and the cluster keys of the others, few as
    articles with copies are. For ARRAY_STORIES documents and more, in numpy
    arrays, once per reader: a common word matches hundreds of thousands."""
    if len(docs) < ARRAY_STORIES:
        return split_stories(searcher, set(map(cluster_numbers(searcher).__getitem__, docs)))
    import numpy as np

    keys, copied, _ = _cluster_arrays(searcher)
    numbers = np.asarray(docs, np.int64)
    with_copies = numbers[copied[numbers]]
    return len(numbers) - len(with_copies), set(np.unique(keys[with_copies]).tolist())


def split_stories(searcher: Searcher, keys: set[int]) -> tuple[int, set[int]]:
    """Stories given by cluster key, as :func:`stories_of` tells them."""
    shared = keys.intersection(cluster_sizes(searcher))
    return len(keys) - len(shared), shared


def _cluster_arrays(searcher: Searcher) -> tuple[Any, Any, dict[int, int]]:
    """Each document's cluster key, and whether its cluster has another
    document, as numpy arrays; and the clusters of several documents with
    their sizes (:func:`cluster_sizes`): one count of the keys, once per reader."""

    def make() -> tuple[Any, Any, dict[int, int]]:
        import numpy as np

        keys = np.frombuffer(cluster_numbers(searcher), dtype=np.uint64)
        unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        several = counts > 1
        return keys, several[inverse], dict(zip(unique[several].tolist(), counts[several].tolist(), strict=True))

    return cached_on(searcher.reader(), "cluster_arrays", make)


def cluster_sizes(searcher: Searcher) -> dict[int, int]:
    """The cluster keys of more than one document (deleted ones too), with
    how many each has, counted once per reader: a key missing here is a
    story of one article, as most are; a lookup of the cluster's documents
    for each hit shown cost more than the search. From ARRAY_STORIES
    documents on, counted in numpy arrays: a count of every key would take
    about 100 bytes an article."""

    keys = cluster_numbers(searcher)
    if len(keys) >= ARRAY_STORIES:
        return _cluster_arrays(searcher)[2]
    return cached_on(searcher.reader(), "cluster_sizes",
                     lambda: {key: size for key, size in Counter(keys).items() if size > 1})


def cluster_copies(searcher: Searcher, cluster: str, article_id: str) -> tuple[tuple[Copy, ...], bool | None]:
    """The other articles of a cluster, and whether ``article_id`` is its
    first seen (the earliest dated): None when it has no copies, or when no
    article of the cluster is dated, so that nothing can be first."""
    if cluster_key(cluster) not in cluster_sizes(searcher):  # alone: no need to look
        return (), None
    members = [searcher.stored_fields(docnum) for docnum in searcher.docs_for_query(Term("cluster", cluster))]
    if len(members) < 2:
        return (), None
    dated = [m for m in members if m["meta"].get("published") is not None]
    first = min(dated, key=lambda m: index_datetime(m["meta"]["published"]))["id"] if dated else None
    copies = tuple(
        Copy(m["id"], m["path"], m["meta"].get("outlet"), m["meta"].get("published"), m["id"] == first)
        for m in sorted(members, key=lambda m: m["path"])
        if m["id"] != article_id
    )
    return copies, None if first is None else first == article_id


def column_array(reader: Any, name: str) -> array:
    """A segment's 8-byte numeric column as an array, in one read (Whoosh's
    column reader unpacks a value per call)."""
    count = reader.doc_count_all()
    raw = fixed_column_bytes(reader, name, reader.schema[name].column_type, 8)
    if raw is None:  # an empty segment: no column written
        column = reader.column_reader(name, translate=False)
        return array("Q", (column[d] for d in range(count)))
    values = array("Q", raw)
    if sys.byteorder == "little":
        values.byteswap()  # Whoosh writes columns big-endian
    values.extend([0] * (count - len(values)))  # documents after the last written value
    return values
