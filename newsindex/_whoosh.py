"""The Whoosh boundary: the one module that reads Whoosh's private internals.

newsindex writes and reads Whoosh's W3 segment files itself (codec.py,
write/segments.py, search/scoring.py), where Whoosh's public API would go a
posting at a time. To do so it relies on private parts of ``whoosh3`` that
no release promises to keep. Every such reach is in this module, so that a
Whoosh upgrade is checked here and nowhere else:

- the W3 term entry's fixed part (``W3TermInfo._struct``);
- the W3 posting block's layout (:func:`w3_block`: its length, negative for
  a term's last, a pickled header, its data) and ``whoosh.system._INT_SIZE``;
  a W3 leaf matcher's postings file, first block and value size
  (``_postfile``, ``_baseoffset``, ``_fixedsize``) and a ``ListMatcher``'s
  lists;
- a segment reader's terms and per-document readers (``_terms``,
  ``_perdoc``), a terms reader's index and field numbers (``_tindex``,
  ``_fieldmap``), and a per-document reader's column cache
  (``_cached_reader``);
- a fixed-width column reader's file, offset and count (``_dbfile``,
  ``_basepos``, ``_count``, ``_fixedlen``);
- the W3 field writer's files and current field (``_postfile``,
  ``_tindex``, ``_fieldmap``, ``_fieldid``, ``_format``,
  ``_codec._compression``), the per-document writer's columns and counts
  (``_create_column``, ``_get_column``, ``_has_column``, ``_doccount``,
  ``_fieldlengths``), and the segment writer's state checks and flush
  (``_check_state``, ``_check_fields``, ``_added``, ``_flush_segment``);
- an ``OrderedHashWriter``'s hash-table and extras steps (``_write_hashes``,
  ``_write_extras``) and its attributes;
- the hooks ``Or._matcher`` and ``SpanNear2Matcher._get_spans``,
  ``SpanNear2._span_context``, and a BM25F scorer's ``dfl``.

The base classes below give those parts names of newsindex's own; the
modules that subclass them touch no private Whoosh name. tests/test_segments.py
and tests/test_docsets.py hold what is written and scored to Whoosh's own
writer and scorer, and tests/test_old_index.py opens an index a past release
wrote: ``scripts/check-whoosh-latest`` runs them against the newest whoosh3.

Importing this module reads Whoosh's version; :func:`require_tested_whoosh`,
which every ``NewsIndex`` calls when it is made, raises
:class:`~newsindex.errors.WhooshVersionError`, whose one line names the tested
range, for any version outside ``TESTED_WHOOSH``, unless
``NEWSINDEX_UNTESTED_WHOOSH=1`` is set (as that script sets it).
"""

from __future__ import annotations

import io
import os
import pickle
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, chain
from struct import Struct
from typing import Any

import whoosh
from whoosh.codec.whoosh3 import W3FieldWriter, W3LeafMatcher, W3PerDocReader, W3PerDocWriter, W3TermInfo
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.matching import ListMatcher
from whoosh.query import Or, SpanNear2
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.util.numlists import GrowableArray
from whoosh.writing import SegmentWriter

from .errors import WhooshVersionError

#: The whoosh3 versions (major, minor) whose internals this module was checked
#: against; setup.cfg pins the same (``whoosh3~=3.54.0``). Raise both together,
#: after scripts/check-whoosh-latest passes on the new version.
TESTED_WHOOSH = {(3, 54)}
UNTESTED_OK_VARIABLE = "NEWSINDEX_UNTESTED_WHOOSH"


def untested_version(version: tuple[int, ...]) -> WhooshVersionError | None:
    """The error to raise for Whoosh ``version``, or None for a tested one
    (or when the environment says to go on anyway)."""
    if tuple(version[:2]) in TESTED_WHOOSH or os.environ.get(UNTESTED_OK_VARIABLE) == "1":
        return None
    major, minor = max(TESTED_WHOOSH)
    return WhooshVersionError(".".join(map(str, version)), f"{major}.{minor}.*")


def require_tested_whoosh() -> None:
    """Raise WhooshVersionError if the installed whoosh3 is not a tested one.
    ``NewsIndex`` calls it before it touches an index; it is not raised at
    import, so that the command line can still report it in one line."""
    problem = untested_version(INSTALLED_WHOOSH)
    if problem is not None:
        raise problem


def _installed_version() -> tuple[int, ...]:
    version = getattr(whoosh, "__version__", None) or getattr(whoosh, "versioninfo", ())
    return tuple(int(part) for part in version if isinstance(part, int))


INSTALLED_WHOOSH = _installed_version()

#: A W3 term entry's fixed part: flags, total weight, documents, shortest and
#: longest length, highest weight, first and last document.
TERM_ENTRY: Struct = W3TermInfo._struct


# -- reading segments ---------------------------------------------------------


def posting_blocks(matcher: Any) -> Iterator[tuple[Sequence[int], Sequence[float] | None, Sequence[bytes] | None]]:
    """A term's postings as they are stored, a block at a time: (document
    numbers, weights, values), where Whoosh's matchers give them one call at
    a time. ``matcher`` is a term's raw matcher (no deletions filtered)."""
    if isinstance(matcher, ListMatcher):  # inlined in the term entry
        yield matcher._ids, matcher._weights, matcher._values
        return
    assert isinstance(matcher, W3LeafMatcher)
    fixed = matcher._fixedsize
    for gaps, weights, values in _blocks_data(matcher):
        # De-minified as W3LeafMatcher's _read_ids, _read_weights and _read_values do.
        count = len(gaps)
        if weights is None:
            weights = array("f", [1.0]) * count
        elif isinstance(weights, float):
            weights = array("f", [weights]) * count
        yield list(accumulate(gaps)), weights, _values(values, count, fixed)


def posting_arrays(matcher: Any) -> tuple[Any, Any]:
    """A term's postings as two numpy arrays, document numbers (int64) and
    weights (float64, each as the matcher gives it), with no Python step per
    posting and none of the matcher's per block but unpickling: for the
    words with many postings (scoring.py). ``matcher`` is a term's raw
    matcher."""
    import numpy as np

    if isinstance(matcher, ListMatcher):  # inlined in the term entry
        ids = np.asarray(matcher._ids, dtype=np.int64)
        weights = matcher._weights
        return ids, np.ones(len(ids)) if weights is None else np.asarray(weights, dtype=np.float64)
    assert isinstance(matcher, W3LeafMatcher)
    gaps: list[Sequence[int]] = []
    weights: list[Sequence[float]] = []
    for block_gaps, block_weights, _ in _blocks_data(matcher):
        gaps.append(block_gaps)
        if block_weights is None:
            weights.append([1.0] * len(block_gaps))
        elif isinstance(block_weights, float):  # the block's one weight, single precision as _read_weights makes it
            weights.append([float(np.float32(block_weights))] * len(block_gaps))
        else:
            weights.append(block_weights)
    ids = _numbers(gaps)
    return ids, np.fromiter(chain.from_iterable(weights), np.float64, len(ids))


def posting_values(matcher: Any) -> tuple[Any, list[Any]]:
    """A term's document numbers (a numpy array, as :func:`posting_arrays`
    gives them) and values (a list, as :func:`posting_blocks` gives them)."""
    if isinstance(matcher, ListMatcher):  # inlined in the term entry
        import numpy as np

        return np.asarray(matcher._ids, dtype=np.int64), list(matcher._values)
    assert isinstance(matcher, W3LeafMatcher)
    gaps: list[Sequence[int]] = []
    values: list[Any] = []
    for block_gaps, _, block_values in _blocks_data(matcher):
        gaps.append(block_gaps)
        values.extend(_values(block_values, len(block_gaps), matcher._fixedsize))
    return _numbers(gaps), values


def _numbers(gaps: list[Sequence[int]]) -> Any:
    """The document numbers of a term's blocks of gaps, as a numpy array:
    each block's first number is stored whole, the others as gaps, so a
    running sum, less its value before each block."""
    import numpy as np

    counts = np.fromiter(map(len, gaps), np.int64, len(gaps))
    all_gaps = np.fromiter(chain.from_iterable(gaps), np.int64, int(counts.sum()))
    sums = np.cumsum(all_gaps)
    firsts = np.cumsum(counts) - counts
    return sums - np.repeat(sums[firsts] - all_gaps[firsts], counts)


def _values(values: Any, count: int, fixed: int | None) -> Sequence[Any]:
    """A block's values de-minified, as W3LeafMatcher._read_values does."""
    if fixed == 0:
        return (None,) * count
    if fixed is not None and fixed > 0:
        return tuple(values[i : i + fixed] for i in range(0, len(values), fixed))
    return values  # type: ignore[no-any-return]


#: How much of a postings file is read at once when reading a term's blocks in turn.
POSTINGS_READ = 1 << 18


def w3_block(stream: io.BytesIO, data: bytes, offset: int) -> tuple[int, bool, int, Any] | None:
    """The posting block at ``offset`` of ``data`` (``stream`` reads
    ``data``), laid out as W3 writes it: its length (negative for a term's
    last block), a pickled header, then its data pickled, maybe compressed.
    Returns where it ends, whether it is the last, its count of postings and
    its data as stored (the gaps between document numbers, the weights and
    the values, minified); or None when ``data`` ends before the block does."""
    if offset + _INT_SIZE > len(data):
        return None
    (size,) = unpack_int(data[offset : offset + _INT_SIZE])
    end = offset + _INT_SIZE + abs(size)
    if end > len(data):
        return None
    stream.seek(offset + _INT_SIZE)
    count, _, _, compression, _, _ = pickle.load(stream)
    block = memoryview(data)[stream.tell() : end]
    return end, size < 0, count, pickle.loads(zlib.decompress(block) if compression else block)


def _blocks_data(matcher: Any) -> Iterator[tuple[Any, Any, Any]]:
    """Each posting block's data as W3 stores it (:func:`w3_block`), read a
    large piece of the file at a time and parsed in memory, where the
    matcher reads each block's length, header and data apart
    (W3LeafMatcher._goto, _read_data)."""
    postfile = matcher._postfile
    position = matcher._baseoffset
    data, at = b"", position  # a piece of the file, and where it starts
    stream = io.BytesIO(data)
    while True:
        found = w3_block(stream, data, position - at)
        if found is None:  # the block runs past the piece: a piece from it, as long as the block at least
            data, at = postfile.get(position, POSTINGS_READ), position
            (size,) = unpack_int(data[:_INT_SIZE])
            if _INT_SIZE + abs(size) > len(data):
                data = postfile.get(position, _INT_SIZE + abs(size))
            stream = io.BytesIO(data)
            found = w3_block(stream, data, 0)
            assert found is not None
        end, last, _, block = found
        yield block
        if last:
            return
        position = at + end


def posting_ids(matcher: Any) -> Iterator[Iterable[int]]:
    """Only the document numbers of :func:`posting_blocks`, decoded in C."""
    if isinstance(matcher, ListMatcher):
        yield matcher._ids
        return
    assert isinstance(matcher, W3LeafMatcher)
    for gaps, _, _ in _blocks_data(matcher):
        yield accumulate(gaps)  # stored as gaps


def raw_term_matcher(reader: Any, fieldname: str, btext: bytes, format_: Any) -> Any:
    """A segment's raw matcher for one term: every posting, deleted documents
    included, straight from the segment's terms reader."""
    return reader._terms.matcher(fieldname, btext, format_)


def segment_terms(reader: Any) -> Any:
    """A segment reader's W3 terms reader."""
    return reader._terms


def terms_index(terms: Any) -> tuple[Any, dict[str, int]]:
    """A W3 terms reader's ordered hash reader and its field numbers."""
    return terms._tindex, terms._fieldmap


def segment_per_document(reader: Any) -> Any:
    """A segment reader's per-document reader (stored fields, columns, deletions)."""
    return reader._perdoc


def fixed_column_bytes(reader: Any, column_name: str, column_type: Any, width: int) -> bytes | None:
    """A segment's fixed-width column as the bytes on disk (``width`` bytes a
    document, up to the last document that has a value), in one read; None
    when the column was not written that way (an empty segment, another type)."""
    perdoc = getattr(reader, "_perdoc", None)  # only a segment's reader has one
    if perdoc is None or not perdoc.has_column(column_name):
        return None
    column = perdoc._cached_reader(column_name, column_type)
    raw = getattr(column, "_dbfile", None)
    if raw is None or getattr(column, "_fixedlen", 0) != width:
        return None
    return raw.get(column._basepos, column._count * width)


def cached_on(obj: Any, name: str, make: Callable[[], Any]) -> Any:
    """``make()``, computed once per Whoosh reader or searcher ``obj`` and kept
    on it: such objects live as long as the index is open unchanged, which is
    exactly as long as what is derived from their segments is true."""
    attribute = f"_newsindex_{name}"
    cached = obj.__dict__.get(attribute)
    if cached is None:
        cached = make()
        setattr(obj, attribute, cached)
    return cached


class OrBase(Or):
    """Whoosh's ``Or`` whose matcher over its (normalised, non-empty)
    subqueries is :meth:`combined_matcher`."""

    def combined_matcher(self, subs: Sequence[Any], searcher: Any, context: Any) -> Any:
        return super()._matcher(subs, searcher, context)

    def _matcher(self, subs: Sequence[Any], searcher: Any, context: Any) -> Any:
        return self.combined_matcher(subs, searcher, context)


class SpanNearMatcherBase(SpanNear2.SpanNear2Matcher):
    """Whoosh's span-near matcher whose check of a document is :meth:`matching_spans`."""

    def matching_spans(self) -> list[Any]:
        return super()._get_spans()

    def _get_spans(self) -> list[Any]:
        return self.matching_spans()


def words_context(context: Any) -> Any:
    """The search context a phrase's word matchers need (positions on)."""
    return SpanNear2._span_context(context)


def read_lengths_with(scorer: Any, length_of: Callable[[int], float]) -> None:
    """Make a BM25F scorer take each document's field length from ``length_of``."""
    scorer.dfl = length_of


# -- writing segments ---------------------------------------------------------


class FieldWriter(W3FieldWriter):
    """Whoosh's W3 field writer, its files and current field named."""

    @property
    def postings_file(self) -> Any:
        return self._postfile

    @postings_file.setter
    def postings_file(self, value: Any) -> None:
        self._postfile = value

    @property
    def terms_file(self) -> Any:
        return self._tindex

    @terms_file.setter
    def terms_file(self, value: Any) -> None:
        self._tindex = value

    @property
    def field_numbers(self) -> dict[str, int]:
        """Field name -> the number that starts its terms' keys."""
        return self._fieldmap

    @property
    def field_number(self) -> int:
        return self._fieldid

    @property
    def field_format(self) -> Any:
        return self._format

    @property
    def compression(self) -> int:
        """The zlib level of posting blocks (0: none)."""
        return self._codec._compression


class PerDocWriter(W3PerDocWriter):
    """Whoosh's W3 per-document writer, its columns and counts named, with a
    hook choosing the type of each column it creates (:meth:`column_type`)."""

    def column_type(self, fieldname: str, column: Any) -> Any:
        """The column type to create for ``fieldname``, asked ``column``."""
        return column

    def _create_column(self, fieldname: str, column: Any) -> None:
        super()._create_column(fieldname, self.column_type(fieldname, column))

    def column_writer(self, fieldname: str, column: Any) -> Any:
        """The writer of the column, created if the segment has none yet."""
        if not self._has_column(fieldname):
            self._create_column(fieldname, column)
        return self._get_column(fieldname)

    @property
    def doc_count(self) -> int:
        return self._doccount

    @doc_count.setter
    def doc_count(self, value: int) -> None:
        self._doccount = value

    def add_field_length(self, fieldname: str, total: int) -> None:
        """Count ``total`` more terms in the field, as its segment-wide length."""
        self._fieldlengths[fieldname] += total


class PerDocReader(W3PerDocReader):
    """Whoosh's W3 per-document reader with its cached column readers named."""

    def cached_column(self, fieldname: str, column: Any) -> Any:
        return self._cached_reader(fieldname, column)


class HashFileWriter(OrderedHashWriter):
    """Whoosh's ordered hash writer (a terms file), its closing steps named:
    :meth:`write_hash_tables` and :meth:`write_extras`."""

    @classmethod
    def taking_over(cls, opened: OrderedHashWriter) -> Any:
        """A writer of this class continuing one Whoosh opened (its header written)."""
        writer = cls.__new__(cls)
        writer.__dict__.update(opened.__dict__)
        return writer

    def set_key_positions(self, positions: array) -> None:
        """The records' positions in key order, as the extras hold them: in
        the smallest type that holds the last (the largest), as Whoosh's
        GrowableArray grows to hold them."""
        largest = positions[-1] if positions else 0
        typecode = "H" if largest < 2**16 else "i" if largest < 2**31 else "I" if largest < 2**32 else "q"
        self.index = GrowableArray(typecode)
        self.index.array = array(typecode, positions)

    def write_hash_tables(self) -> None:
        super()._write_hashes()

    def write_extras(self) -> None:
        super()._write_extras()

    def _write_hashes(self) -> None:
        self.write_hash_tables()

    def _write_extras(self) -> None:
        self.write_extras()


class SegmentWriterBase(SegmentWriter):
    """Whoosh's segment writer, its state checks and flush named:
    :meth:`flush_segment` writes the segment's terms and postings."""

    def check_open(self) -> None:
        """Raise if the writer was committed or cancelled."""
        self._check_state()

    def check_fields(self, names: Iterable[str]) -> None:
        """Raise if a name is not a field of the schema."""
        self._check_fields(self.schema, names)

    def mark_added(self) -> None:
        """Say that this writer has documents to commit."""
        self._added = True

    def flush_segment(self) -> None:
        super()._flush_segment()

    def _flush_segment(self) -> None:
        self.flush_segment()
