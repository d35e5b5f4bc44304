"""Writing segments: postings grouped by term as articles arrive, each term's
list written whole (codec.py), and merges streamed term by term.

Whoosh's SegmentWriter puts every posting in a pool of tuples, sorts the
pool at commit and hands the postings to the codec one call at a time,
looking up the document's field length for each: Python work a posting,
most of an add's time in the one writer process.
``SegmentBuilder`` appends an article's postings to arrays of one entry a
posting, a few C loops an article (``HeldPostings``), and at commit groups
them by term with one stable sort and sorts the terms.

Merging reads the merged segments' posting lists a block at a time and
writes them out with the new articles', term by term, so a merge holds one
term's postings in memory, never a segment's. ``merge_tiers`` is the merge
policy: Whoosh's default (MERGE_SMALL) never merges segments of thousands of
articles, so a large archive would end up in many segments, each with its
own copy of the vocabulary, each searched in turn.
"""

from __future__ import annotations

import contextlib
import copy
import heapq
import os
import pickle
import shutil
import signal
import sys
import threading
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import count, groupby
from operator import itemgetter
from typing import Any

from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.formats import Existence
from whoosh.index import Index
from whoosh.reading import SegmentReader

from .._whoosh import SegmentWriterBase, segment_per_document, segment_terms
from ..analysis import Analysed
from ..codec import INLINE_POSTINGS, LATE_STORED_FIELD, STORED_COLUMN, NewsCodec, SegmentScan, TermRecords
from ._processes import die_with_parent
from .merging import merge_tiers

#: A segment written without merging, of at least this many postings, has its
#: terms written by two processes (SegmentBuilder._write_terms_forked).
FORKED_FLUSH_POSTINGS = 200_000

class HeldPostings:
    """The postings of a segment's own articles until its flush, in arrays
    of one entry a posting, in the order they came: each posting's term (a
    number, by field), weight and value, and each article's document number
    and count of postings. Adding an article's
    postings is a few C loops, where appending each posting to its term's
    arrays would be Python work a posting, in the one writer process; the
    flush groups them by term with one stable sort. The
    values are end to end with their sizes: a list of bytes objects held 35
    bytes or more a posting, and 8 for its place in the list."""

    def __init__(self) -> None:
        self._number = count().__next__
        #: Each field's terms and their numbers, in the order first met.
        self.vocabulary: dict[str, defaultdict[bytes, int]] = {}
        self._valued: set[str] = set()  # fields whose format keeps a value a posting
        self._terms = array("I")
        # Each add's document and number of postings: a document's postings come together.
        self._docs = array("I")
        self._doc_postings = array("I")
        self._weights = array("f")
        self._values = bytearray()
        self._sizes = array("I")
        self._grouped: _Grouped | None = None

    def __len__(self) -> int:
        return len(self._grouped.docs) if self._grouped is not None else len(self._terms)

    def add(
        self, name: str, docnum: int, terms: Iterable[bytes], weights: Iterable[float], values: bytes, sizes: array
    ) -> None:
        """One article's postings in field ``name``: each term once, with its
        weight, and the terms' values end to end (none for a format that
        keeps none) with their ``sizes`` (an array of "I")."""
        vocabulary = self.vocabulary.get(name)
        if vocabulary is None:
            vocabulary = self.vocabulary[name] = defaultdict(self._number)
        before = len(self._terms)
        self._terms.extend(map(vocabulary.__getitem__, terms))
        self._docs.append(docnum)
        self._doc_postings.append(len(self._terms) - before)
        self._weights.extend(weights)
        if values:
            self._valued.add(name)
            self._values += values
        self._sizes.extend(sizes)

    def group(self) -> None:
        """Sort the postings by term, each term's in the order they came (by
        document): once, at the flush, before a term is taken. Each array
        goes as its sorted copy is made. The sort is what the flush holds
        more: about 16 bytes a posting while numpy sorts, then the order,
        4 bytes a posting, and one array's copy."""
        import numpy as np

        terms = np.frombuffer(self._terms, dtype=np.uint32)
        order = np.argsort(terms, kind="stable").astype(np.uint32)  # half the room of its int64
        counts = np.bincount(terms, minlength=sum(map(len, self.vocabulary.values())))
        del terms
        self._terms = array("I")
        values = bytes(self._values)
        self._values = bytearray()
        sizes = np.frombuffer(self._sizes, dtype=np.uint32)
        value_starts = np.cumsum(sizes, dtype=np.uint32 if len(values) < 1 << 32 else np.uint64)
        value_starts -= sizes
        value_starts = _sorted(value_starts, order)
        sizes = _sorted(sizes, order)
        self._sizes = array("I")
        docs = _sorted(np.repeat(np.frombuffer(self._docs, dtype=np.uint32), self._doc_postings), order)
        self._docs, self._doc_postings = array("I"), array("I")
        weights = _sorted(np.frombuffer(self._weights, dtype=np.float32), order)
        self._weights = array("f")
        ends = np.cumsum(counts)
        self._grouped = _Grouped(docs, weights, values, value_starts, sizes, _array(ends - counts), _array(ends))

    def count(self, name: str, btext: bytes) -> int:
        """How many postings the term has (after :meth:`group`)."""
        assert self._grouped is not None
        number = self.vocabulary[name][btext]
        return self._grouped.ends[number] - self._grouped.starts[number]

    def take(self, name: str, btext: bytes) -> tuple[array, array, list[bytes]]:
        """The term's documents, weights and values (after :meth:`group`),
        as new arrays and a list; none for a term the articles do not have."""
        vocabulary = self.vocabulary.get(name)
        number = vocabulary.get(btext) if vocabulary is not None else None
        if number is None:
            return array("I"), array("f"), []
        grouped = self._grouped
        assert grouped is not None
        start, end = grouped.starts[number], grouped.ends[number]
        values = []
        if name in self._valued:
            data = grouped.values
            starts, sizes = grouped.value_starts[start:end], grouped.sizes[start:end]
            values = [data[at : at + size] for at, size in zip(starts, sizes, strict=True)]
        return grouped.docs[start:end], grouped.weights[start:end], values


@dataclass(frozen=True)
class _Grouped:
    """:class:`HeldPostings` grouped by term: the postings' documents,
    weights, values' starts (in ``values``) and sizes, term after term, and
    where each term's postings start and end (by term number)."""

    docs: array
    weights: array
    values: bytes
    value_starts: array
    sizes: array
    starts: array
    ends: array


#: Postings taken at a time into a sorted array: numpy makes a copy of the
#: order's piece in its own index type, not of the whole order.
_TAKEN = 1 << 20


def _sorted(items: Any, order: Any) -> array:
    """A numpy array's ``items`` in the ``order`` (positions), as an array,
    taken straight into it a piece at a time: no copy in numpy first, no
    copy of the whole order in 64 bits, either of which would raise the
    flush's peak memory by bytes a posting."""
    import numpy as np

    out = array(items.dtype.char, [0]) * len(order)
    into = np.frombuffer(out, dtype=items.dtype)
    for start in range(0, len(order), _TAKEN):
        end = start + _TAKEN
        np.take(items, order[start:end], out=into[start:end], mode="clip")  # "raise" would copy
    return out


def _array(items: Any) -> array:
    """A numpy array as an array of the same type: its items are Python
    numbers again, which pickle as such."""
    out = array(items.dtype.char)
    out.frombytes(memoryview(items).cast("B"))
    return out


class SegmentBuilder(SegmentWriterBase):
    def __init__(self, ix: Index, **options: Any) -> None:
        super().__init__(ix, codec=NewsCodec(), **options)
        unsupported = [n for n, f in self.schema.items() if f.vector or f.separate_spelling()]
        if unsupported:
            raise ValueError(f"term vectors and spelling fields are not supported: {unsupported}")
        self._held = HeldPostings()
        #: Segments merged into this one: (segment, new number of each old document).
        self._merged: list[tuple[Any, int | list[int]]] = []
        self.mergetype = merge_tiers
        #: Work for this process while a forked copy writes terms at the
        #: flush (:meth:`_write_terms_forked`), which takes more of them
        #: meanwhile. Not called when the flush does not fork.
        self.alongside: Callable[[], None] | None = None

    def cancel(self) -> None:
        """Abandon the segment: Whoosh's cancel closes its files and leaves
        them in the index folder until a later commit cleans them up; they
        are removed here at once."""
        try:
            super().cancel()
        finally:
            prefix = self.newsegment.make_filename(".")
            for name in self.storage.list():
                if name.startswith(prefix):
                    with contextlib.suppress(OSError):
                        self.storage.delete_file(name)

    def new_segment_ids(self) -> set[str]:
        """The segment this writer wrote, if it holds any article of its own."""
        return {self.newsegment.segment_id()} if self.doc_count() else set()

    @property
    def postings(self) -> int:
        """Postings held for this segment: what its memory grows with."""
        return len(self._held)

    def add_document(self, **fields: Any) -> None:
        # Whoosh's SegmentWriter.add_document, with postings grouped by term
        # instead of pooled, and no document boosts, term vectors or spelling.
        self.check_open()
        perdoc = self.perdocwriter
        docnum = self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self.check_fields(names)
        # All stored fields but the cluster, packed by a worker process (prepare.py).
        packed: bytes | None = fields.get("_packed_stored")
        indexed: list[tuple[str, Any]] = []
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = self.schema[name]
                length = 0
                if field.indexed:
                    boost = _whole_value_boost(field)
                    if boost is not None and isinstance(value, str):
                        # What an ID field's analyzer and format make of a
                        # value, without their Token objects: a tenth of the time.
                        indexed.append((name, [value.encode("utf-8")], [boost], b"", array("I", [0])))
                        length = 1
                    elif isinstance(value, Analysed):  # by a worker process (prepare.py)
                        terms = value.terms.split(b"\0") if value.length else []
                        weights = array("f", value.weights)
                        indexed.append((name, terms, weights, value.values, array("I", value.sizes)))
                        length = value.length
                    else:
                        postings = list(field.index(value))
                        terms = [term for term, _, _, _ in postings]
                        values = [vbytes for _, _, _, vbytes in postings]
                        weights = [weight for _, _, weight, _ in postings]
                        indexed.append((name, terms, weights, b"".join(values), array("I", map(len, values))))
                        length = sum(frequency for _, frequency, _, _ in postings)
                    if not field.scorable:
                        length = 0
                perdoc.add_field(name, field, value if field.stored and packed is None else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
            if packed is not None:
                late = fields[LATE_STORED_FIELD].encode()
                perdoc.add_column_value("_stored", STORED_COLUMN, packed + late)
        except ValueError:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        for name, terms, weights, values, sizes in indexed:
            self._held.add(name, docnum, terms, weights, values, sizes)
        self.mark_added()
        self.docnum += 1

    def add_reader(self, reader: Any) -> None:
        """Merge a segment: its documents now, its postings at the flush."""
        self.check_open()
        start = self.docnum
        count = reader.doc_count_all()
        alive: Sequence[int] = range(count)
        renumber: int | list[int] = start  # no deletions: document numbers shift by the start
        if reader.has_deletions():
            deleted = set(segment_per_document(reader).deleted_docs())
            alive = [doc for doc in range(count) if doc not in deleted]
            renumber = [-1] * count  # -1: deleted
            for new, old in enumerate(alive, start):
                renumber[old] = new
        columns = {f"_{name}_len": LENGTHS_COLUMN for name, field in self.schema.items() if field.scorable}
        columns.update((name, field.column_type) for name, field in self.schema.items() if field.column_type)
        self.perdocwriter.copy_documents(segment_per_document(reader), alive, columns)
        self.docnum += len(alive)
        self._merged.append((reader.segment(), renumber))
        self.mark_added()

    def flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths_of = self.per_document_reader()
        readers = [(SegmentReader(self.storage, self.schema, segment), renumber) for segment, renumber in self._merged]
        scans: list[tuple[SegmentScan, int | list[int]]] = []
        fieldwriter = self.fieldwriter
        try:
            for reader, renumber in readers:
                scans.append((SegmentScan(self.storage, reader.segment(), segment_terms(reader)), renumber))
            held = self._held
            held.group()
            names = set(held.vocabulary).union(*(r.indexed_field_names() for r, _ in readers))
            names &= set(self.schema.names())
            fields = [
                (name, field, _lengths(lengths_of, name, self.docnum) if field.scorable else None)
                for name, field in ((name, self.schema[name]) for name in sorted(names))
            ]
            if scans:
                for name, field, lengths in fields:
                    fieldwriter.start_field(name, field)
                    for btext, ids, weights, values in self._field_postings(name, scans):
                        fieldwriter.write_term(btext, ids, weights, values, lengths)
                    fieldwriter.finish_field()
            else:
                terms = [(name, field, lengths, sorted(held.vocabulary[name])) for name, field, lengths in fields]
                if self.postings >= FORKED_FLUSH_POSTINGS and _may_fork():
                    self._write_terms_forked(terms)
                else:
                    self._write_terms(fieldwriter, terms)
        finally:
            for scan, _ in scans:
                scan.close()
            for reader, _ in readers:
                reader.close()
            lengths_of.close()
        fieldwriter.close()
        self._held = HeldPostings()

    def _write_terms_forked(self, fields: list[tuple[str, Any, array | None, list[bytes]]]) -> None:
        """:meth:`_write_terms` in two processes: the terms go in parts of
        about equal cost, which this process and a forked copy of it take in
        turn, each as it is free, the copy writing its parts' postings to a
        file of its own; this one then appends that file and files every
        part's entries in order. Writing a term is Python work a term at a
        time, and the last commit of an add runs alone, after the workers
        have stopped. Taken as they are free, the parts keep both processes
        busy to the end whatever a term really costs, and while this process
        does the work it was given besides (``alongside``)."""
        held = self._held
        costs = [[_write_cost(held.count(name, btext)) for btext in terms] for name, *_, terms in fields]
        parts = _parts(fields, costs)
        postings_name = self.newsegment.make_filename(".later_pst")
        entries_name = self.newsegment.make_filename(".later_trm")
        fieldwriter = self.fieldwriter
        # The fields' numbers in the terms' keys, as writing the terms in one
        # process gives them, known to both.
        for name, *_ in fields:
            fieldwriter.field_numbers.setdefault(name, len(fieldwriter.field_numbers))
        # The parts' numbers, in a pipe both processes read from: a part is
        # taken by one read, and no process holds a lock that its death would
        # leave taken. Written whole before anyone reads: at most FLUSH_PARTS
        # and one part a field, 4 bytes each, far below a pipe's 64 kB.
        queue, filler = os.pipe()
        try:
            os.write(filler, array("I", range(len(parts))).tobytes())
        finally:
            os.close(filler)
        pid = os.fork()
        if pid == 0:  # the copy: parts as it takes them, then gone
            status = 1
            try:
                die_with_parent()
                with open(os.path.join(self.storage.folder, postings_name), "wb") as postfile:
                    # A copy of the field writer, to a file of its own: the writer's
                    # own files are left as they are, never freed here, for freeing
                    # them would write out their buffers, which are the parent's.
                    later = copy.copy(fieldwriter)
                    later.postings_file = postfile
                    theirs = self._write_parts(later, parts, _taken(queue))
                with open(os.path.join(self.storage.folder, entries_name), "wb") as out:
                    pickle.dump(theirs, out, pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)  # no exit handlers, no flushing of what the parent holds
        try:
            if self.alongside is not None:
                self.alongside()
            mine = self._write_parts(copy.copy(fieldwriter), parts, _taken(queue))
            _, status = os.waitpid(pid, 0)
            pid = 0
            theirs, moved_by = {}, 0
            if status == 0:
                moved_by = fieldwriter.postings_file.tell()
                with open(os.path.join(self.storage.folder, postings_name), "rb") as later_postings:
                    shutil.copyfileobj(later_postings, fieldwriter.postings_file, 1 << 20)
                with open(os.path.join(self.storage.folder, entries_name), "rb") as later_entries:
                    theirs = pickle.load(later_entries)
            else:  # the copy failed: this process writes its parts too, and meets what stopped it
                left = [k for k in range(len(parts)) if k not in mine]
                mine.update(self._write_parts(copy.copy(fieldwriter), parts, left))
            for k in range(len(parts)):
                if k in mine:
                    mine[k].append_to(fieldwriter.terms_file, 0)
                else:
                    theirs[k].append_to(fieldwriter.terms_file, moved_by)
        finally:
            os.close(queue)
            if pid:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            for name in (postings_name, entries_name):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(os.path.join(self.storage.folder, name))

    def _write_parts(
        self, fieldwriter: Any, parts: list[tuple[str, Any, array | None, list[bytes]]], taken: Iterable[int]
    ) -> dict[int, TermRecords]:
        """Write the postings of the parts ``taken`` (numbers into ``parts``)
        to ``fieldwriter``'s postings file, and their terms' entries to
        records of their own, by part, for the terms file to take in order."""
        records = {}
        for k in taken:
            fieldwriter.terms_file = records[k] = TermRecords(self.fieldwriter.terms_file.hashfn)
            self._write_terms(fieldwriter, [parts[k]])
        return records

    def _write_terms(self, fieldwriter: Any, fields: list[tuple[str, Any, array | None, list[bytes]]]) -> None:
        """Write these terms of these fields, in order, from this writer's
        postings: a segment that merges none (a merge reads the merged
        segments' terms beside these, :meth:`_field_postings`)."""
        take = self._held.take
        for name, field, lengths, terms in fields:
            fieldwriter.start_field(name, field)
            for btext in terms:
                fieldwriter.write_term(btext, *take(name, btext), lengths)
            fieldwriter.finish_field()

    def _field_postings(
        self, name: str, scans: list[tuple[SegmentScan, int | list[int]]]
    ) -> Iterator[tuple[bytes, array, array, list[bytes]]]:
        """Each term of the field, in order, with its postings from this
        writer's articles then each merged segment's, renumbered: what a
        merging segment writes. The merged segments' terms are read in order
        with their entries, not looked up."""
        held = self._held
        streams: list[Iterator[tuple[bytes, int, bytes | None]]] = [
            ((btext, -1, None) for btext in sorted(held.vocabulary.get(name, ())))
        ]
        streams += [_term_entries(scan, name, k) for k, (scan, _) in enumerate(scans)]
        fixed_size = self.schema[name].format.fixed_value_size()
        for btext, group in groupby(heapq.merge(*streams), key=itemgetter(0)):
            # New arrays: the merged postings join them, and they go once written.
            ids, weights, values = held.take(name, btext)
            for _, k, entry in group:
                if entry is None:
                    continue
                scan, renumber = scans[k]
                for block_ids, block_weights, block_values in scan.postings(entry, fixed_size):
                    if isinstance(renumber, int):  # no deletions: shifted by the segment's start
                        ids.extend(map(renumber.__add__, block_ids))
                        weights.extend(block_weights)
                        if block_values:
                            values.extend(block_values)
                        continue
                    for i, old in enumerate(block_ids):
                        if renumber[old] >= 0:  # not deleted
                            ids.append(renumber[old])
                            weights.append(block_weights[i])
                            if block_values:
                                values.append(block_values[i])
            if ids:
                yield btext, ids, weights, values


#: Parts the terms of a segment written by two processes go in: the
#: process that takes the last finishes at most about a part's time after
#: the other, and a part costs a read and a few Python calls.
FLUSH_PARTS = 128


def _parts(
    fields: list[tuple[str, Any, array | None, list[bytes]]], costs: list[list[int]]
) -> list[tuple[str, Any, array | None, list[bytes]]]:
    """The fields' terms, in order, in parts of one field each, cut where the
    cost of writing them (``costs``: a number a term) reaches a
    ``FLUSH_PARTS``th of the whole."""
    share = max(sum(map(sum, costs)) / FLUSH_PARTS, 1)
    parts = []
    for (name, field, lengths, terms), term_costs in zip(fields, costs, strict=True):
        start, spent = 0, 0
        for end, cost in enumerate(term_costs, 1):
            spent += cost
            if spent >= share:
                parts.append((name, field, lengths, terms[start:end]))
                start, spent = end, 0
        if start < len(terms):
            parts.append((name, field, lengths, terms[start:]))
    return parts


def _taken(queue: int) -> Iterator[int]:
    """The parts' numbers this process reads from ``queue`` until none is left."""
    while len(data := os.read(queue, 4)) == 4:
        yield int.from_bytes(data, sys.byteorder)


def _write_cost(postings: int) -> int:
    """The relative cost of writing a term's postings, to cut the terms into
    parts of equal cost: a term whose list is inlined in its entry costs
    9, a list written in blocks 35, and each posting 1 more (ratios
    profiled on Reuters-21578)."""
    return (9 if postings <= INLINE_POSTINGS else 35) + postings


def _may_fork() -> bool:
    """Whether this process can fork safely: a single thread (the workers'
    pool, with its threads, has stopped) on a system that has fork."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _whole_value_boost(field: Any) -> float | None:
    """The weight of an ID field's one term (the whole value), or None for
    fields of other kinds."""
    if isinstance(field.analyzer, IDTokenizer) and type(field.format) is Existence:
        return field.format.field_boost
    return None


def _term_entries(scan: SegmentScan, name: str, source: int) -> Iterator[tuple[bytes, int, bytes | None]]:
    """The field's terms in a merged segment, in order, with their entries."""
    for btext, entry in scan.terms(name):
        yield btext, source, entry


def _lengths(reader: Any, name: str, count: int) -> array:
    """The field's length in each document as Whoosh stores it, one byte,
    which is what a term's entry and a block's summary hold (the codec
    turned each length back into its byte, twice a term), as an array: a
    byte a document and field, where a list of Python ints holds 36."""
    column = f"_{name}_len"
    if not reader.has_column(column):
        return array("B", bytes(count))
    return array("B", reader.column_reader(column, LENGTHS_COLUMN))
