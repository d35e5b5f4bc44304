"""MinHash signatures of article bodies, their LSH bands, and their similarity.

Each article body gets a MinHash signature (datasketch's permutations) over
its 3-word shingles. The manifest keeps each signature's LSH bands in SQLite
(manifest.py), and the clusterer (neardup.py) checks the candidates they find
against the full signature.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import types
import zlib
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from ..analysis import ascii_words

NUM_PERM = 128
SHINGLE_WORDS = 3
# Only the low 8 bits of each MinHash value are kept ("b-bit minhash"): a
# signature takes 128 bytes instead of 512, and two different values agree by
# chance once in 256, which ``similarity`` takes back out of its estimate.
_VALUE = "<u1"
_CHANCE = 1 / 256
# LSH bands find the candidates; every candidate is then checked against the
# full signature, so the bands are cut for recall: 16 bands of 4 values find a
# copy at similarity 0.7 with probability 0.988 (0.998 at 0.75, 0.93 at 0.6),
# while unrelated articles (similarity 0.05) meet in a band once in 7,500 pairs.
BANDS, ROWS = 16, 4
#: Recorded in the manifest: signatures of another shape are recomputed.
SHAPE = f"minhash-{NUM_PERM}x8-crc32-datasketch2; bands {BANDS}x{ROWS}"
_WORD = re.compile(r"\w+")
#: An ASCII text's words (\w+), lower-cased, by a translation and a split:
#: every byte that is in no word a space, capital letters small.
_ASCII_WORDS = bytes(ord(chr(c).lower()) if chr(c).isalnum() or chr(c) == "_" else 0x20 for c in range(0x80))
_ASCII_WORDS += b" " * 0x80


@lru_cache(maxsize=1)
def _minhash() -> Any:
    """The MinHash whose permutations sign every article, drawn once a process."""
    minhash = _minhash_class()(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32)
    if minhash.scheme != "affine32":  # what _min_hashes computes
        raise RuntimeError(f"datasketch's MinHash has the scheme {minhash.scheme!r}, not affine32")
    return minhash


def _minhash_class() -> Any:
    """datasketch's MinHash, imported when an article is first signed, and
    without the rest of datasketch: its package imports every index it has,
    and through its LSH's parameter search, SciPy: most of a second and tens
    of megabytes in each worker process of every add, for a class that needs
    numpy alone.
    Its module is loaded under a bare package that is then taken away, so a
    later ``import datasketch`` runs the package whole, with this module in it."""
    if "datasketch" in sys.modules:
        from datasketch.minhash import MinHash

        return MinHash
    spec = importlib.util.find_spec("datasketch")
    if spec is None or spec.submodule_search_locations is None:
        raise ImportError("datasketch is not installed")
    bare = types.ModuleType("datasketch")
    bare.__path__ = list(spec.submodule_search_locations)
    sys.modules["datasketch"] = bare
    try:
        from datasketch.minhash import MinHash
    finally:
        del sys.modules["datasketch"]
    return MinHash


def signature(text: str) -> bytes:
    """The MinHash signature of ``text``'s word shingles, as bytes to store."""
    words = _words(text)
    if len(words) < SHINGLE_WORDS:
        return _min_hashes([b" ".join(words)], 1)
    # Encoded once a word, not once a shingle (a fifth less time), and
    # hashed as they are made: no list or set of them.
    shingles = map(b" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False))
    return _min_hashes(shingles, len(words) - SHINGLE_WORDS + 1)


#: Shingles through the permutations at a time: a 4-byte value for each and
#: each permutation (2 MB), whatever the length of the text.
_ROWS = 4096


def _min_hashes(shingles: Iterable[bytes], count: int) -> bytes:
    """What datasketch's MinHash (scheme affine32) holds once updated with
    the ``count`` ``shingles``, low bytes only: each shingle's hash, mixed by
    MurmurHash3's finalizer, through each permutation ``a * h + b`` modulo
    2**32, the least kept. Computed here in place, without the MinHash's
    per-update copies and checks. A shingle met twice changes no minimum: they are not
    made unique first (a set of them), but for a text of more than _ROWS
    shingles, whose hashes then are. tests/test_research.py holds the two
    to the same values."""
    import numpy as np

    a, b = _minhash().permutations
    # CRC-32 as the shingle hash: stable across runs and ten times cheaper than
    # datasketch's default SHA-1, which would be most of the cost of an add.
    hashes = np.fromiter(map(zlib.crc32, shingles), dtype=np.uint32, count=count)
    if count > _ROWS:
        hashes = np.unique(hashes)
    hashes ^= hashes >> 16
    hashes *= np.uint32(0x85EBCA6B)
    hashes ^= hashes >> 13
    hashes *= np.uint32(0xC2B2AE35)
    hashes ^= hashes >> 16
    least = None
    for start in range(0, len(hashes), _ROWS):
        values = np.multiply.outer(hashes[start : start + _ROWS], a)  # uint32: wraps, modulo 2**32
        values += b
        rows = values.min(axis=0)
        least = rows if least is None else np.minimum(least, rows)
    assert least is not None  # one shingle at least
    return least.astype(_VALUE).tobytes()


def _words(text: str) -> list[bytes]:
    """The lower-cased words of ``text``, UTF-8. A text whose words are ASCII
    (analysis.ascii_words) is cut as bytes, by a translation and a split: the
    same words without a regular expression or encoding them one by one."""
    ascii_text = ascii_words(text)
    if ascii_text is not None:
        return ascii_text.encode("ascii").translate(_ASCII_WORDS).split()
    low = text.lower()
    words = _WORD.findall(low)
    # Encoded all at once: no word holds a NUL.
    return "\0".join(words).encode().split(b"\0") if words else []


def bands(sig: bytes) -> list[int]:
    """The signature's LSH band keys: the band's number (4 bits), then the top
    27 of its 32 bits, which fits SQLite's 4-byte integers. Keys of unrelated
    bands then meet once in 2**27, far below the chance of similar values."""
    return [
        band << 27 | int.from_bytes(sig[band * ROWS : (band + 1) * ROWS], "little") >> 5
        for band in range(BANDS)
    ]


def sorted_bands(signatures: Sequence[tuple[int, bytes]]) -> Iterator[tuple[int, int]]:
    """(band key, doc) for each band of each (doc, signature), sorted: what
    :func:`bands` gives, for a whole batch at once, in numpy, handed out a
    few thousand at a time so that Python's tuples of a whole batch never
    exist at once.
    A band's 4 values read as one little-endian 32-bit number, as ``bands``
    reads them."""
    import numpy as np

    if not signatures:
        return
    width = BANDS * ROWS
    values = np.frombuffer(b"".join(sig[:width] for _, sig in signatures), dtype="<u4")
    keys = (values.reshape(len(signatures), BANDS) >> 5 | np.arange(BANDS, dtype=np.uint32) << 27).ravel()
    docs = np.repeat(np.fromiter((doc for doc, _ in signatures), dtype=np.int64, count=len(signatures)), BANDS)
    order = np.lexsort((docs, keys))
    for start in range(0, len(order), 4096):
        part = order[start : start + 4096]
        yield from zip(keys[part].tolist(), docs[part].tolist(), strict=True)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values, less
    the share that 8-bit values have equal by chance."""
    import numpy as np

    equal = float(np.mean(np.frombuffer(a, dtype=_VALUE) == np.frombuffer(b, dtype=_VALUE)))
    return max(0.0, (equal - _CHANCE) / (1 - _CHANCE))
