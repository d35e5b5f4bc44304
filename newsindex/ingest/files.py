"""Finding input files and decoding them to text."""

from __future__ import annotations

import codecs
import fnmatch
import gzip
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import InputPathError
from . import SkipFile
from .formats import by_name, not_an_article

SIDECAR_SUFFIX = ".meta.json"
#: Larger files (or records, or decompressed .gz files) are skipped: no news
#: article is this long, and reading one whole would cost memory proportional
#: to its size. Files holding many records are read a record at a time.
MAX_FILE_BYTES = 20 * 1024 * 1024
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class SourceFile:
    path: str  # absolute, not resolved: the name the user knows it by
    size: int
    mtime_ns: int

    @property
    def sidecar(self) -> str:
        return os.path.splitext(self.path)[0] + SIDECAR_SUFFIX


@dataclass(frozen=True)
class UnreadablePath:
    path: str
    reason: str


@dataclass(frozen=True)
class PassedOver:
    """A file found in a folder whose name says it is of a type newsindex
    does not read (a .pdf, a .docx, a .py): told, not read."""

    path: str

    @property
    def kind(self) -> str:
        """Its extension, lower-cased (".pdf"), or "no extension"."""
        return os.path.splitext(self.path)[1].lower() or "no extension"


@dataclass(frozen=True)
class Selection:
    """Which files a folder walk takes: those whose extension names a format
    newsindex reads, or, given ``include`` globs, only the files they match
    (read by their content, as grep --include does); ``exclude`` globs leave
    files and folders out. A glob matches a name or a path relative to the
    folder given."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def excluded(self, relative: str) -> bool:
        return _matches(relative, self.exclude)

    def included(self, relative: str) -> bool:
        return _matches(relative, self.include)


EVERYTHING_READABLE = Selection()


def _matches(relative: str, globs: tuple[str, ...]) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(name, glob) or fnmatch.fnmatchcase(relative, glob) for glob in globs)


def check_inputs(paths: Iterable[str]) -> list[str]:
    """Absolute paths of the inputs, or an error naming the first that does not exist."""
    checked = []
    for p in paths:
        if not os.path.lexists(p):
            raise InputPathError(p, "no such file or directory")
        checked.append(os.path.abspath(p))
    return checked


def discover(
    paths: Iterable[str], selection: Selection = EVERYTHING_READABLE
) -> Iterator[SourceFile | UnreadablePath | PassedOver]:
    """Every article file under ``paths``, in a stable order, found as it is
    needed: an archive of any size is never listed whole in memory.

    Folders are walked recursively; symlinks are followed, but a folder already
    visited (a symlink loop) is not entered twice. Hidden files and folders,
    sidecars and what ``selection`` excludes are left out silently; files
    whose extension names no format newsindex reads (and no include glob
    takes) come as :class:`PassedOver`, to be told. A file named in
    ``paths`` is always read.
    """
    for found in _candidates(list(paths), selection):
        yield found if isinstance(found, UnreadablePath | PassedOver) else _source(found)


def count_inputs(paths: Iterable[str], selection: Selection = EVERYTHING_READABLE) -> int:
    """How many inputs :func:`discover` yields, counted from the folder
    listings alone: a progress total for a fraction of the walk's cost (no
    stat of each file)."""
    return sum(1 for _ in _candidates(list(paths), selection))


def _candidates(paths: list[str], selection: Selection) -> Iterator[str | UnreadablePath | PassedOver]:
    # A file named on the command line and also found in a folder given
    # there is read once, at its own place in the list.
    named = frozenset(p for p in paths if not os.path.isdir(p))
    seen_dirs: set[tuple[int, int]] = set()
    seen_named: set[str] = set()
    for top in paths:
        if os.path.isdir(top):
            yield from _walk(top, "", seen_dirs, named, selection)
        elif top not in seen_named:
            seen_named.add(top)
            yield top


def _walk(
    top: str, relative: str, seen_dirs: set[tuple[int, int]], named: frozenset[str], selection: Selection
) -> Iterator[str | UnreadablePath | PassedOver]:
    try:
        st = os.stat(top)
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError as exc:
        yield UnreadablePath(top, _os_reason(exc))
        return
    key = (st.st_dev, st.st_ino)
    if key in seen_dirs:
        return
    seen_dirs.add(key)
    for entry in entries:
        path_in_folder = f"{relative}{entry.name}"
        if entry.name.startswith(".") or selection.excluded(path_in_folder):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(entry.path, f"{path_in_folder}/", seen_dirs, named, selection)
        elif entry.name.endswith(SIDECAR_SUFFIX) or entry.path in named:
            continue
        elif selection.include:  # only what the globs take, whatever its name says, read by its content
            if selection.included(path_in_folder):
                yield entry.path
        elif by_name(entry.name) is not None:
            yield entry.path
        else:
            yield PassedOver(entry.path)


def _source(path: str) -> SourceFile | UnreadablePath:
    try:
        st = os.stat(path)
    except OSError as exc:
        return UnreadablePath(path, _os_reason(exc))
    if not stat.S_ISREG(st.st_mode):
        return UnreadablePath(path, "not a regular file")
    return SourceFile(path, st.st_size, st.st_mtime_ns)


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def read_text(path: str) -> str:
    """The file's text (decompressed when it is a ``.gz`` file): see :func:`decode`.

    Raises :class:`SkipFile` for empty, binary, oversized, undecodable or
    unreadable files.
    """
    return decode(read_bytes(path))


def read_bytes(path: str) -> bytes:
    """The file's bytes, decompressed when its name ends in ``.gz``, up to the size limit."""
    too_large = SkipFile(f"larger than the {MAX_FILE_BYTES // (1024 * 1024)} MB limit for one article")
    try:
        if path.lower().endswith(".gz"):
            with gzip.open(path, "rb") as f:
                data = f.read(MAX_FILE_BYTES + 1)  # a gzip bomb stops at the limit
        else:
            with open(path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size > MAX_FILE_BYTES:
                    raise too_large
                # Bounded even if the file grows meanwhile. A read of the limit
                # would allocate it whole for every file, however small.
                data = f.read(size + 1)
                if len(data) > size:
                    data += f.read(MAX_FILE_BYTES + 1 - len(data))
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, OSError) and exc.strerror:
            raise SkipFile(f"unreadable: {_os_reason(exc)}") from None
        raise SkipFile(f"not a readable gzip file ({exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise too_large
    return data


def decode(data: bytes) -> str:
    """Text from bytes: UTF-8 when it is, else the encoding charset-normalizer detects.

    Raises :class:`SkipFile` for empty, binary or undecodable data.
    """
    if not data.strip():
        raise SkipFile("empty file")
    kind = not_an_article(data[:_SNIFF_BYTES])
    if kind is not None:
        raise SkipFile(f"unsupported format: {kind}")
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise SkipFile("binary file (not text)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_mostly_utf8(data)
        if text is None:
            text = _decode_detected(data)
    if _looks_binary(text):
        raise SkipFile("binary file (not text)")
    return text


def _cp1252_for_invalid_bytes(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error("newsindex-cp1252", _cp1252_for_invalid_bytes)

#: Up to this share of bytes may be invalid UTF-8 for a file to count as UTF-8
#: with a few stray legacy bytes.
_STRAY_BYTES_SHARE = 0.01


def _decode_mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few stray Windows-1252 bytes (a pasted "£"), or None.

    Saved articles often mix encodings, and an encoding detector asked about
    one stray byte guesses at random among single-byte code pages; read as
    UTF-8 with the stray bytes as Windows-1252, the web's usual legacy
    encoding, such text comes out as written.
    """
    invalid = data.decode("utf-8", errors="replace").count("\ufffd")
    if invalid > len(data) * _STRAY_BYTES_SHARE:
        return None
    return data.decode("utf-8", errors="newsindex-cp1252").removeprefix("\ufeff")


def _decode_detected(data: bytes) -> str:
    from charset_normalizer import from_bytes  # only paid for when a file is not UTF-8

    best = from_bytes(data).best()
    if best is None:
        raise SkipFile("binary file or unknown text encoding")
    return str(best)


#: Control characters that text does not hold (all below the space but tab,
#: newline, form feed and carriage return).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _looks_binary(text: str) -> bool:
    sample = text[:_SNIFF_BYTES]
    return len(_CONTROL.findall(sample)) > len(sample) * 0.01
