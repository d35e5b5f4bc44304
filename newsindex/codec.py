"""How newsindex writes the terms and postings of a segment: Whoosh's W3
layout, written a whole posting list at a time.

Pickled path: ``newsindex.codec.NewsCodec`` is pickled into every index's
table of contents. This module must stay at this path, and the class keep
its name, or every existing index stops opening (tests/test_old_index.py).

Whoosh's W3 codec takes postings one call at a time (a Python call a
posting, the larger part of an add), pickles each block with pickle protocol 2,
where every positions value (a ``bytes``) becomes a call to
``_codecs.encode`` of a latin-1 string and every weight a 9-byte float, and
never inlines a short posting list into its term entry (a misspelt method
behind a limit no list is under): each of the many words used in a single
article costs a block of its own, with its header and pickled summary.

``NewsFieldWriter.write_term`` writes a term's whole posting list from
arrays, in the same layout, which Whoosh's W3 readers read unchanged
(``pickle.loads`` takes any protocol): blocks pickled with the newest
protocol, integral weights as integers, and lists of up to four documents
inlined into their term entries: a smaller index, written faster.

What Whoosh alone cannot read: the stored fields (:class:`StoredDocumentColumn`,
deflated against a preset dictionary) and the positions
(postings.CompactPositions). Whoosh opens a newsindex index only where
newsindex is installed, through the classes pickled in its table of contents.
"""

from __future__ import annotations

import io
import os
import pickle
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate
from operator import sub
from struct import Struct
from typing import Any

from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec
from whoosh.columns import VarBytesColumn
from whoosh.reading import CorruptIndexError
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length

from ._whoosh import TERM_ENTRY, FieldWriter, HashFileWriter, PerDocReader, PerDocWriter, terms_index, w3_block

#: Posting blocks and their heads: protocol 5 writes bytes as bytes (protocol
#: 2 makes each positions value a call to ``_codecs.encode``) and memoizes each
#: in 1 byte; and a block head, which Whoosh unpickles from the file, is read
#: as one frame (protocol 3 has no frames: a read call per opcode).
BLOCK_PROTOCOL = 5
#: Lists inlined in their term's entry, unpickled from bytes: protocol 3 has
#: bytes too, and no 9-byte frame header.
INLINE_PROTOCOL = 3
#: Stored fields: fixed, as STORED_DICTIONARY holds bytes as this protocol writes them.
STORED_PROTOCOL = 5
#: Posting lists up to this long live in their term's entry, read with the term.
INLINE_POSTINGS = 4
#: Postings per block, as Whoosh's W3 codec writes them.
BLOCK = 128
#: After a term entry's fixed part: where its postings start in the postings file, and their length.
_EXTENT = Struct("!qi")
_EXTENT_OFFSET = Struct("!q")  # the first of the two alone, to move it
#: Before each term in the terms file: the lengths of the term and its entry.
_KEY_AND_VALUE = Struct("!ii")


class NewsCodec(W3Codec):
    def field_writer(self, storage: Any, segment: Any) -> NewsFieldWriter:
        return NewsFieldWriter(self, storage, segment)

    def per_document_writer(self, storage: Any, segment: Any) -> NewsPerDocWriter:
        return NewsPerDocWriter(self, storage, segment)

    def per_document_reader(self, storage: Any, segment: Any) -> NewsPerDocReader:
        return NewsPerDocReader(storage, segment)


class StoredDocumentColumn(VarBytesColumn):
    """A document's stored fields: pickled with the newest protocol and
    deflated against a preset dictionary of what every stored document
    repeats (field names, provenance labels, common words), which deflating
    each document on its own cannot share between documents: short news
    articles deflate to about two thirds of their size alone.

    The worker processes of ``add`` pack all but the one stored field the
    writer decides, the cluster (:func:`pack_stored`), which the writer
    appends after the deflated stream as its UTF-8 text. It reads what
    Whoosh's own stored column wrote too (segments written before this
    column): a stream deflated without a dictionary says so in its header,
    and zlib then leaves the dictionary unused."""

    class Writer(VarBytesColumn.Writer):
        def add(self, docnum: int, v: Any) -> None:
            super().add(docnum, v if isinstance(v, bytes) else pack_stored(v))

    class Reader(VarBytesColumn.Reader):
        def __getitem__(self, docnum: int) -> Any:
            data = super().__getitem__(docnum)
            if not data:
                return None
            unpacker = zlib.decompressobj(zdict=STORED_DICTIONARY)
            fields = pickle.loads(unpacker.decompress(data) + unpacker.flush())
            if unpacker.unused_data:
                fields[LATE_STORED_FIELD] = unpacker.unused_data.decode()
            return fields


#: The stored field a document's packed fields leave out, appended by the writer.
LATE_STORED_FIELD = "cluster"


def pack_stored(fields: dict[str, Any]) -> bytes:
    """Stored fields as the stored column holds them; called by the worker
    processes, so that the one writer process does not deflate."""
    packer = _primed_packer().copy()
    return packer.compress(pickle.dumps(fields, STORED_PROTOCOL)) + packer.flush()


@lru_cache(maxsize=1)
def _primed_packer() -> Any:
    """A compressor with the dictionary loaded, copied for each document:
    the same bytes as loading the dictionary again, which costs more than
    the copy."""
    return zlib.compressobj(6, zdict=STORED_DICTIONARY)


#: Offsets written whatever the segment's size: below Whoosh's cutoff (32,768
#: documents) the reader derives them in a Python loop over every document at
#: each cold search, to spare 4 bytes a document.
STORED_COLUMN = StoredDocumentColumn(write_offsets_cutoff=0)
_RAW_BYTES = VarBytesColumn()
#: The bit of a zlib stream's second byte saying it was deflated against a preset dictionary.
_ZLIB_FDICT = 0x20


class NewsPerDocWriter(PerDocWriter):
    def column_type(self, fieldname: str, column: Any) -> Any:
        # Whoosh's writer creates and fills "_stored" with its own column type.
        return STORED_COLUMN if fieldname == "_stored" else column

    def copy_documents(self, source: Any, alive: Sequence[int], columns: dict[str, Any]) -> None:
        """Append the documents numbered ``alive`` of a merged segment, a
        column at a time: what Whoosh's ``write_per_doc`` writes a document at
        a time, unpickling and pickling each one's stored fields and looking
        each of its columns up by file name (a fifth of a merge).

        Stored fields are copied as the deflated bytes they are; those an
        older version wrote without the dictionary are rewritten with it.
        ``columns`` maps the schema's column names to their column types."""
        start = self.doc_count
        stored = source.column_reader("_stored", _RAW_BYTES) if source.has_column("_stored") else None
        if stored is not None:
            writer = self.column_writer("_stored", STORED_COLUMN)
            for new, old in enumerate(alive, start):
                if data := stored[old]:
                    if data[1] & _ZLIB_FDICT:
                        VarBytesColumn.Writer.add(writer, new, data)
                    else:
                        writer.add(new, pickle.loads(zlib.decompress(data)))
        count = source.doc_count_all()
        dropped = sorted(set(range(count)).difference(alive)) if len(alive) < count else []  # deleted
        for name, column in columns.items():
            if not source.has_column(name):
                continue
            values = source.column_reader(name, column)
            writer = self.column_writer(name, column)
            for new, old in enumerate(alive, start):
                writer.add(new, values[old])
            if column is LENGTHS_COLUMN:
                field = name[1 : -len("_len")]
                self.add_field_length(field, _merged_length(source.field_length(field), values, dropped))
        self.doc_count += len(alive)


def _merged_length(total: int, lengths: Any, dropped: Sequence[int]) -> int:
    """The length of a field over the documents a merge keeps of a segment:
    the segment's own ``total`` (the lengths counted as its articles were
    written), less the stored ``lengths`` (a byte each, approximate) of the
    ``dropped`` ones, deleted. Whoosh's merge sums the stored lengths
    instead, so its totals, and BM25's average lengths with them, depended
    on which articles had been through a merge: an archive's scores on how
    it was batched. Without deletions, these are the totals of one commit."""
    return max(0, int(total) - sum(byte_to_length(lengths[doc]) for doc in dropped if lengths[doc]))


class NewsPerDocReader(PerDocReader):
    def stored_fields(self, docnum: int) -> dict[str, Any]:
        return self.cached_column("_stored", STORED_COLUMN)[docnum] or {}


class NewsFieldWriter(FieldWriter):
    def __init__(self, codec: Any, storage: Any, segment: Any) -> None:
        super().__init__(codec, storage, segment)
        self.terms_file = TermsFile.taking_over(self.terms_file)

    def start_field(self, fieldname: str, fieldobj: Any) -> None:
        super().start_field(fieldname, fieldobj)
        self._fixed_size = self.field_format.fixed_value_size()

    def write_term(
        self,
        btext: bytes,
        ids: Sequence[int],
        weights: Sequence[float],
        values: Sequence[bytes],
        lengths: Sequence[int] | None,
    ) -> None:
        """Write one term's postings, ``ids`` ascending, for the field
        started last; ``lengths`` are the field's lengths by document number
        as the lengths column holds them, a byte each (None for a field that
        is not scored): the byte of the shortest length is the least byte,
        as each byte stands for a longer length than the byte before.
        Per-posting work is left to C loops (map, min, max, pickle, zlib)."""
        count = len(ids)
        lens = list(map(lengths.__getitem__, ids)) if lengths is not None else None
        # W3TermInfo.to_bytes's fixed part: flags, total weight, documents,
        # shortest and longest length, highest weight, first and last document.
        entry = TERM_ENTRY.pack(
            count <= INLINE_POSTINGS,
            sum(weights),
            count,
            min(lens) if lens else 0,
            max(lens) if lens else 0,
            max(weights),
            ids[0],
            ids[-1],
        )
        if count <= INLINE_POSTINGS:
            entry += pickle.dumps((tuple(ids), _compact(weights), tuple(values)), INLINE_PROTOCOL)
        else:
            postings = self.postings_file
            start = postings.tell()
            postings.write(WHOOSH3_HEADER_MAGIC)
            for at in range(0, count, BLOCK):
                end = at + BLOCK
                self._write_posting_block(
                    ids[at:end], weights[at:end], values[at:end], lens[at:end] if lens else None, last=end >= count
                )
            entry += pack_long(start) + pack_int(postings.tell() - start)
        self.terms_file.add(pack_ushort(self.field_number) + btext, entry)

    def _write_posting_block(
        self, ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes], lens: list[int] | None, last: bool
    ) -> None:
        # The layout of W3PostingsWriter._write_block: the block's length
        # (negative for the last), its pickled summary, its pickled data.
        deltas = (ids[0], *map(sub, ids[1:], ids[:-1]))
        fixed = self._fixed_size
        block_values = tuple(values) if fixed is None or fixed < 0 else None if fixed == 0 else b"".join(values)
        data = pickle.dumps((deltas, _minified(weights), block_values), BLOCK_PROTOCOL)
        compression = self.compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if compression:
            data = zlib.compress(data, compression)
        summary = (
            len(ids),
            ids[-1],
            max(weights),
            compression,
            min(lens) if lens else 0,
            max(lens) if lens else 0,
        )
        head = pickle.dumps(summary, BLOCK_PROTOCOL)
        size = len(head) + len(data)
        self.postings_file.write(pack_int(-size if last else size) + head + data)


class TermsFile(HashFileWriter):
    """Whoosh's terms file, as its OrderedHashWriter lays it out (the terms'
    records in key order, then 256 hash tables of (hash, position), their
    directory, the extras and the records' positions in order), kept
    otherwise. The terms' hashes and positions wait in two arrays: 12 bytes
    a term, where Whoosh's lists of tuples take about 120, and a segment has
    two terms an article besides its words (its id and cluster). A part
    written by another process comes in whole (:meth:`add_records`), and the
    hash tables are laid out in numpy, where Whoosh places and writes each
    term in Python."""

    _hashes: array
    _positions: array

    @classmethod
    def taking_over(cls, opened: Any) -> TermsFile:
        """The terms file Whoosh's field writer opened (its header written), kept by this class."""
        terms = super().taking_over(opened)
        terms.buckets = []  # the hashes and positions live in the arrays
        terms._hashes = array("I")  # Whoosh writes hashes as 32-bit numbers
        terms._positions = array("q")
        return terms

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        self._hashes.append(self.hashfn(key))
        self._positions.append(self.dbfile.tell())
        self.dbfile.write(_KEY_AND_VALUE.pack(len(key), len(value)) + key + value)
        self.lastkey = key

    def add_records(self, data: bytes | bytearray, starts: array, hashes: array, lastkey: bytes) -> None:
        """Records laid out as :meth:`add` writes them, starting at ``starts``
        in ``data``, their keys' ``hashes``, the last key ``lastkey``."""
        base = self.dbfile.tell()
        self.dbfile.write(data)
        self._hashes.extend(hashes)
        self._positions.extend(map(base.__add__, starts))
        self.lastkey = lastkey

    def write_hash_tables(self) -> None:
        """The 256 hash tables: a key's hash picks its table (the low 8 bits)
        and its home slot (the rest, modulo the slots, twice the keys); a key
        sits at its home slot or the first one free after it, as the reader
        looks it up. Within each table the keys are placed in the order of
        their home slots, each at its home or just after the one before (a
        running maximum), which leaves no free slot between a key's home and
        its place; a table where that runs past its end is placed as Whoosh
        places it, key by key, wrapping round."""
        import numpy as np

        hashes = np.frombuffer(self._hashes, dtype=np.uint32)
        positions = np.frombuffer(self._positions, dtype=np.int64)
        tables = (hashes & 255).astype(np.int64)
        counts = np.bincount(tables, minlength=256)
        slots = 2 * counts
        table_starts = np.cumsum(slots) - slots
        homes = (hashes >> 8).astype(np.int64) % slots[tables]
        order = np.lexsort((homes, tables))
        table, home = tables[order], homes[order]
        rank = np.arange(len(order)) - (np.cumsum(counts) - counts)[table]
        apart = table << 40  # keeps each table's running maximum to itself
        place = np.maximum.accumulate(home - rank + apart) - apart + rank
        laid = np.zeros(int(slots.sum()), dtype=[("hash", ">u4"), ("position", ">i8")])
        wrapping = np.unique(table[place >= slots[table]])
        fits = ~np.isin(table, wrapping)
        at = table_starts[table[fits]] + place[fits]
        laid["hash"][at] = hashes[order[fits]]
        laid["position"][at] = positions[order[fits]]
        for k in wrapping.tolist():
            numslots = int(slots[k])
            free = [True] * numslots
            for i in np.flatnonzero(tables == k).tolist():  # in the order they were added
                slot = (int(hashes[i]) >> 8) % numslots
                while not free[slot]:
                    slot = (slot + 1) % numslots
                free[slot] = False
                laid[int(table_starts[k]) + slot] = (hashes[i], positions[i])
        start = self.dbfile.tell()
        self.directory = [(start + laid.itemsize * int(table_starts[k]), int(slots[k])) for k in range(256)]
        self.dbfile.write(laid.tobytes())

    def write_extras(self) -> None:
        self.set_key_positions(self._positions)
        super().write_extras()


class SegmentScan:
    """A segment's terms and posting lists read front to back, for a merge.

    A merge reads every term of the segments it merges in order, and each
    term's postings, which lie in the postings file in that same order.
    Whoosh's readers go through three layers of Python file objects (a seek
    and a read a call, several calls a term and a block) and decode each
    term's statistics, which the merge computes again: merging 20,000
    articles from five segments made 1.5 million such reads. Here each of
    the two files is read through one buffered file of its own: a term in
    three reads, a posting list in one."""

    def __init__(self, storage: Any, segment: Any, terms: Any) -> None:
        self._tindex, self._fieldmap = terms_index(terms)
        self._terms, self._terms_base = _open_part(storage, segment, W3Codec.TERMS_EXT)
        try:
            self._postings, self._postings_base = _open_part(storage, segment, W3Codec.POSTS_EXT)
        except BaseException:
            self._terms.close()
            raise

    def close(self) -> None:
        self._terms.close()
        self._postings.close()

    def terms(self, fieldname: str) -> Iterator[tuple[bytes, bytes]]:
        """The field's terms in order, each with its entry as stored."""
        if fieldname not in self._fieldmap:
            return
        prefix = pack_ushort(self._fieldmap[fieldname])
        position = self._tindex.closest_key_pos(prefix)
        if position is None:
            return
        read = self._terms.read
        self._terms.seek(self._terms_base + position)
        end = self._tindex.endofdata
        while position < end:
            keylen, datalen = _KEY_AND_VALUE.unpack(read(_KEY_AND_VALUE.size))
            key = read(keylen)
            if key[:2] != prefix:
                return
            yield key[2:], read(datalen)
            position += _KEY_AND_VALUE.size + keylen + datalen

    def postings(self, entry: bytes, fixed_size: int | None) -> Iterator[tuple[Sequence[int], Sequence[float], Any]]:
        """A term's postings, a block at a time, from its entry: (document
        numbers, weights, values as :func:`posting_blocks` gives them)."""
        if entry[0]:  # the flag: inlined in the entry
            ids, weights, values = pickle.loads(entry[TERM_ENTRY.size :])
            yield ids, _all_weights(weights, len(ids)), None if fixed_size == 0 else values
            return
        offset, length = _EXTENT.unpack_from(entry, TERM_ENTRY.size)
        self._postings.seek(self._postings_base + offset)
        data = self._postings.read(length)
        if data[:4] != WHOOSH3_HEADER_MAGIC:
            raise CorruptIndexError(f"bad postings block tag at offset {offset} of segment {self._postings.name!r}")
        stream = io.BytesIO(data)
        position = len(WHOOSH3_HEADER_MAGIC)
        while True:
            block = w3_block(stream, data, position)
            if block is None:
                raise CorruptIndexError(f"a postings block past its term's end at offset {offset} "
                                        f"of segment {self._postings.name!r}")
            position, last, count, (deltas, weights, values) = block
            if fixed_size == 0:
                values = None
            elif fixed_size is not None and fixed_size > 0:
                values = [values[at : at + fixed_size] for at in range(0, len(values), fixed_size)]
            yield list(accumulate(deltas)), _all_weights(weights, count), values
            if last:
                return


class TermRecords:
    """A part of the terms of a segment written by two processes
    (segments.SegmentBuilder._write_terms_forked), as either writes it: their
    records laid out as Whoosh's terms file (an OrderedHashWriter) lays them
    out, with each key's hash. The writer then appends the parts whole, in
    order (:meth:`append_to`), instead of adding the terms one by one, a
    Python call each, in the one writer process."""

    def __init__(self, hashfn: Callable[[bytes], int]) -> None:
        self._hash = hashfn
        self.data = bytearray()
        self.starts = array("q")  # where each record starts in ``data``
        self.hashes = array("I")
        self.offsets = array("q")  # where the postings offset of each entry that has one is
        self.lastkey = b""

    def add(self, key: bytes, entry: bytes) -> None:
        """What ``OrderedHashWriter.add`` writes, into ``data``."""
        at = len(self.data)
        self.starts.append(at)
        self.hashes.append(self._hash(key))
        if not entry[0]:  # postings in the file (not inlined): their offset moves with the file
            self.offsets.append(at + _KEY_AND_VALUE.size + len(key) + TERM_ENTRY.size)
        self.data += _KEY_AND_VALUE.pack(len(key), len(entry)) + key + entry
        self.lastkey = key

    def append_to(self, tindex: TermsFile, moved_by: int) -> None:
        """Append the records to the terms file ``tindex``, whose keys all come
        before these, their postings moved ``moved_by`` bytes further into
        the postings file."""
        if not self.starts:
            return
        data = self.data
        for at in self.offsets if moved_by else ():
            (offset,) = _EXTENT_OFFSET.unpack_from(data, at)
            _EXTENT_OFFSET.pack_into(data, at, offset + moved_by)
        tindex.add_records(data, self.starts, self.hashes, self.lastkey)


def _open_part(storage: Any, segment: Any, ext: str) -> tuple[Any, int]:
    """One of a segment's files opened on its own (buffered), and where it
    starts in the file opened: segments are written as compound files."""
    name = segment.make_filename(ext)
    if not segment.is_compound():
        return open(os.path.join(storage.folder, name), "rb"), 0
    compound = segment.open_compound_file(storage)
    try:
        offset, _ = compound.range(name)
    finally:
        compound.close()
    return open(os.path.join(storage.folder, segment.make_filename(segment.COMPOUND_EXT)), "rb"), offset


def _all_weights(weights: Any, count: int) -> Sequence[float]:
    """W3's minified weights (None when all are 1, one number when all are
    the same) as one weight a posting."""
    if weights is None:
        return [1.0] * count
    if isinstance(weights, float | int):
        return [float(weights)] * count
    return weights


def _minified(weights: Sequence[float]) -> Any:
    """W3's minified weights: None when all are 1, one number when all are the
    same, else all of them."""
    first = weights[0]
    if weights.count(first) == len(weights):
        return None if first == 1.0 else first
    return _compact(weights)


def _compact(weights: Sequence[float]) -> tuple[float, ...]:
    """Whole numbers as integers: 2 bytes pickled, not 9."""
    if all(map(float.is_integer, weights)):
        return tuple(map(int, weights))
    return tuple(weights)


#: What a stored document is deflated against. Never to be changed: segments
#: written with it cannot be read without it (zlib checks its Adler-32). Words and
#: labels common in news and in newsindex's metadata, then a typical stored
#: document as pickle protocol 5 writes it, last because deflate reaches the
#: end of its dictionary most cheaply.
STORED_DICTIONARY = (
    b"year years month months week day days today yesterday tomorrow monday tuesday wednesday thursday "
    b"friday saturday sunday january february march april may june july august september october "
    b"november december percent billion million thousand dollars pounds euros shares stock stocks "
    b"prices price rate rates bank banks interest economy economic growth trade exports imports oil "
    b"gas energy market markets investors analysts profit profits loss losses quarter earnings revenue "
    b"sales company companies group firm business industry government minister ministers president "
    b"prime officials official spokesman spokeswoman statement report reported reports according "
    b"sources source agency news told says say saying added expected expects increase increased rise "
    b"rose fell fall down higher lower new first second third last next since while would could should "
    b"might must also about after before during between against under over into through more most less "
    b"than other such only some many they their them there these those this that which who whom whose "
    b"what when where why how been being have has had will said says the and for with from was were "
    b"are not but his her its our your all any one two three four five six seven eight nine ten police "
    b"court election party parties vote country countries state states national world international "
    b"foreign united nations european union america american britain british china chinese russia "
    b"russian ukraine ukrainian war military forces security people public city region capital north "
    b"south east west "
    b"the of to and a in that is for on was with he it as at by said from his be has have are an not "
    b"but which had this were they will been who would their its more or after one year new also about "
    b"two first people government president minister country than up out over last police told there "
    b"when other we could into per cent million time state years some week officials reported percent "
    b"company market byline line credit line caption lines sidecar flag json-ld meta tag html lang "
    b"html figcaption trafilatura htmldate warc header json key csv column feed entry "
    b"\x80\x05\x95\r\x02\x00\x00\x00\x00\x00\x00}\x94(\x8c\x07cluster\x94\x8c\x150123456789ab-01234567"
    b"\x94\x8c\x02id\x94\x8c\x0c0123456789ab\x94\x8c\x04meta\x94}\x94(\x8c\x06outlet\x94N\x8c\x06credi"
    b"t\x94N\x8c\x06byline\x94]\x94\x8c\tpublished\x94\x8c\x08datetime\x94\x8c\x08datetime\x94\x93\x94"
    b"C\n\x07\xe6\x0b\x0b\x0c\x00\x00\x00\x00\x00\x94\x85\x94R\x94\x8c\x07updated\x94N\x8c\nprovenance"
    b"\x94}\x94(\x8c\x05title\x94\x8c\rheadline line\x94h\x0b\x8c\tdate line\x94u\x8c\x03url\x94N\x8c"
    b"\x08language\x94N\x8c\x0bdescription\x94N\x8c\x07crawled\x94N\x8c\x06record\x94\x8c\x00\x94\x8c"
    b"\x0bfingerprint\x94\x8c\x1a0:0|None|0123456789abcdef|\x94\x8c\x0ccontent_hash\x94\x8c 0123456789"
    b"abcdef0123456789abcdef\x94\x8c\x06digest\x94\x8cC0123456789abcdef0123456789abcdef:0123456789abcd"
    b"ef:0123456789abcdef:\x94u\x8c\x04path\x94\x8c\x14/home/articles/0.txt\x94h\x15\x8c\x05Title\x94"
    b"\x8c\x04body\x94\x8c\x04Body\x94\x8c\x08captions\x94\x8c\x08Captions\x94u."
)
