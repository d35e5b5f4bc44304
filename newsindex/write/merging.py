"""Merge policies: which segments a commit merges into the one it writes.

Whoosh calls a policy at each commit with the writer and the index's other
segments; the policy adds the segments it merges to the writer
(``add_reader``) and returns those left as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any

from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

#: Segments of about the same size merged at once: each article is rewritten
#: about log(archive / batch) / log(MERGE_FACTOR) times over an archive's life.
MERGE_FACTOR = 4

#: Segments of fewer articles are merged by tiers along an add, not left to
#: its last commit: each has a vocabulary of its own, which that last merge
#: reads whole, and many small segments make every later merge slower.
SMALL_SEGMENT = 1_000


def merge_tiers(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: merge the smallest segments once MERGE_FACTOR of
    them are within a factor MERGE_FACTOR of each other's size, cascading."""
    remaining = sorted(segments, key=lambda s: s.doc_count())
    merged: list[Any] = []
    pending = writer.doc_count()  # this writer's own articles count as a segment
    while remaining:
        tier = [pending] if pending else []
        smallest = max(pending, remaining[0].doc_count(), 1)
        group = [s for s in remaining if s.doc_count() < smallest * MERGE_FACTOR]
        if len(tier) + len(group) < MERGE_FACTOR:
            break
        merged += group
        remaining = remaining[len(group) :]
        pending += sum(s.doc_count() for s in group)
    _merge(writer, merged)
    return remaining


def merge_small(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """The merge policy of the commits along an add: segments of fewer than
    SMALL_SEGMENT articles merged by tiers as they come, larger ones left to
    the add's last commit (``merge_at_end``)."""
    small = [s for s in segments if s.doc_count() < SMALL_SEGMENT]
    return merge_tiers(writer, small) + [s for s in segments if s.doc_count() >= SMALL_SEGMENT]


def merge_at_end(written: Container[str]) -> Callable[[SegmentWriter, list[Any]], list[Any]]:
    """The merge policy of the last commit of an ``add`` of many batches,
    whose commits merged only small segments (``merge_small``): the segments
    they ``written`` (by segment id) merged with this commit's articles, in
    one pass, then the tiers. Each article's postings are then written
    twice, whatever the number of batches, where merging by tiers along the
    way rewrote them log4(batches) times, and the add leaves one segment of
    its own."""

    def policy(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
        own = [s for s in segments if s.segment_id() in written]
        if len(own) + (writer.doc_count() > 0) < 2:  # nothing to merge it with: left to the tiers
            own = []
        _merge(writer, own)
        return merge_tiers(writer, [s for s in segments if s not in own])

    return policy


def _merge(writer: SegmentWriter, segments: list[Any]) -> None:
    for segment in segments:
        with SegmentReader(writer.storage, writer.schema, segment) as reader:
            writer.add_reader(reader)
