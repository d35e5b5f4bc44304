"""How a word's positions in an article are stored in the index.

Pickled path: ``newsindex.postings.CompactPositions`` and
``newsindex.postings.Counts`` are pickled into every index's schema; they
must not move or be renamed.

Whoosh's ``Positions`` format stores each posting's positions as a 4-byte
count and a pickled list of gaps: 13 bytes or more for a word used once, and
positions are most of an index. ``CompactPositions`` stores the gaps as one
typed array, one byte a gap when they are all under 256 (nearly always in an
article), then two or four, which makes the postings much smaller. Encoding
and decoding are C array operations, as fast as pickle.
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Iterable
from itertools import accumulate
from operator import sub
from typing import Any

from whoosh.formats import Existence, Positions, tokens

_SIZES = {b"B"[0]: 1, b"H"[0]: 2, b"I"[0]: 4}
#: The typecode of gaps of 1, 2 and 4 bytes, at their size.
_TYPECODES = b"\0BH\0I"
#: The value of a word used once in the first 256 words: most postings of an
#: article, encoded once and shared.
_ONCE = [b"B" + bytes((position,)) for position in range(0x100)]


class CompactPositions(Positions):
    """Positions as a typecode byte and an array of gaps (the first from 0)."""

    def encode(self, poslist: Iterable[int]) -> bytes:
        positions = poslist if type(poslist) is list else list(poslist)
        if len(positions) == 1 and positions[0] < 0x100:
            return _ONCE[positions[0]]
        gaps = list(map(sub, positions, [0, *positions]))
        try:  # gaps under 256, nearly always in an article: no byte order, no max
            return b"B" + array("B", gaps).tobytes()
        except OverflowError:
            pass
        values = array("H" if max(gaps) < 0x10000 else "I", gaps)
        if sys.byteorder == "big":  # stored little-endian, whatever the machine
            values.byteswap()
        return values.typecode.encode() + values.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        values = array(chr(valuestring[0]), valuestring[1:])
        if sys.byteorder == "big":
            values.byteswap()
        return list(accumulate(values))

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // _SIZES[valuestring[0]]

    def positions_in_bulk(self, values: list[bytes]) -> tuple[Any, Any]:
        """The positions of many postings, as :meth:`decode_positions` gives
        them, in two numpy arrays: each position's posting (its number in
        ``values``), and the position, in the postings' order and each
        posting's positions in order. The gaps of the postings of each width
        are taken out together, then summed within each posting."""
        import numpy as np

        sizes = np.fromiter(map(len, values), np.int64, len(values))
        data = np.frombuffer(b"".join(values), np.uint8)
        starts = np.cumsum(sizes) - sizes
        typecodes = data[starts]
        byte_of = np.repeat(np.arange(len(values)), sizes)  # each byte's posting
        is_gap = np.ones(len(data), bool)
        is_gap[starts] = False
        gap_of, gaps = [], []
        for typecode, size in _SIZES.items():
            chosen = typecodes == typecode
            if chosen.any():  # stored little-endian (encode)
                gaps.append(data[is_gap & chosen[byte_of]].view(f"<u{size}").astype(np.int64))
                gap_of.append(np.repeat(np.flatnonzero(chosen), (sizes[chosen] - 1) // size))
        if not gaps:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        all_gaps, all_gap_of = np.concatenate(gaps), np.concatenate(gap_of)
        if len(gaps) > 1:  # back in the postings' order: a merge of the widths' runs
            order = np.argsort(all_gap_of, kind="stable")
            all_gaps, all_gap_of = all_gaps[order], all_gap_of[order]
        # Each posting's gaps lie together: their running sum, less its value before the posting's first.
        sums = np.cumsum(all_gaps)
        firsts = np.flatnonzero(np.r_[True, all_gap_of[1:] != all_gap_of[:-1]])
        counts = np.diff(np.r_[firsts, len(all_gaps)])
        return all_gap_of, sums - np.repeat(sums[firsts] - all_gaps[firsts], counts)

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost


class Counts(Existence):
    """How often a word occurs in an article, kept in the posting's weight
    alone (the count times the field's boost, as Whoosh's ``Frequency``
    weighs it), with no value: for a field that is scored but never searched
    for phrases (the exact forms, schema.py), whose positions the body
    keeps already. ``decode_frequency`` says 1, as ``Existence`` does: the
    count is the weight, which is what BM25 reads."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterable[tuple[bytes, int, float, bytes]]:
        counts = Counter(token.text for token in tokens(value, analyzer, kwargs))
        return ((word, count, count * self.field_boost, b"") for word, count in counts.items())

    def decode_weight(self, valuestring: bytes) -> float:
        raise TypeError("a Counts posting's weight is in the weights the codec stores, not in its value")


def group_positions(words: array, terms: int, first: int) -> tuple[bytes, bytes, bytes]:
    """Each term's positions, encoded as :meth:`CompactPositions.encode`
    encodes them, for a text whose indexed words are ``words`` (each its
    term's number, the terms numbered ``0`` to ``terms - 1`` in order of
    first use) at positions ``first``, ``first + 1``...: the frequencies
    (array of 32-bit numbers), the values end to end, and their sizes (the
    same). In numpy, a few calls a text, where grouping and encoding a term
    at a time would be most of a text's analysis."""
    import numpy as np

    numbers = np.frombuffer(words, dtype=np.uint32)
    positions = np.argsort(numbers, kind="stable")  # grouped by term, in order within each
    positions += first
    frequencies = np.bincount(numbers, minlength=terms)
    ends = np.cumsum(frequencies)
    starts = ends - frequencies
    gaps = positions.copy()
    gaps[1:] -= positions[:-1]
    gaps[starts] = positions[starts]  # a term's first gap is from 0
    widest = np.maximum.reduceat(gaps, starts)
    if widest.max() < 0x100:  # one byte a gap, as nearly always in a short text
        sizes = frequencies + 1
        value_starts = starts + np.arange(len(starts))
        out = np.empty(len(gaps) + len(starts), dtype=np.uint8)
        out[value_starts] = ord("B")
        out[np.repeat(value_starts + 1 - starts, frequencies) + np.arange(len(gaps))] = gaps
    else:
        width = 1 + (widest >= 0x100) + 2 * (widest >= 0x10000)
        sizes = 1 + frequencies * width
        value_ends = np.cumsum(sizes)
        value_starts = value_ends - sizes
        out = np.empty(int(value_ends[-1]), dtype=np.uint8)
        out[value_starts] = np.frombuffer(_TYPECODES, dtype=np.uint8)[width]
        # Each gap's bytes, little-endian, after its value's typecode.
        gap_width = np.repeat(width, frequencies)
        at = np.repeat(value_starts + 1 - starts * width, frequencies) + np.arange(len(gaps)) * gap_width
        out[at] = gaps & 0xFF
        for byte in range(1, 4):
            wide = gap_width > byte
            if not wide.any():
                break
            out[at[wide] + byte] = (gaps[wide] >> (8 * byte)) & 0xFF
    return frequencies.astype(np.uint32).tobytes(), out.tobytes(), sizes.astype(np.uint32).tobytes()
