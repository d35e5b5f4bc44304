"""What a file holds: one article (text, a web page) or many (JSON, CSV, feeds, WARC).

The extension says it first; the content decides where the extension is
ambiguous or misleading: ``.json`` files are often JSON Lines or JSON Feeds,
``.xml`` files feeds or web pages, and a file named without a known extension
is read by its first bytes. ``NAME.gz`` is NAME, decompressed on the fly.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib

TEXT = "text"
HTML = "html"
JSON = "json"
JSONL = "jsonl"
CSV = "csv"
TSV = "tsv"
FEED = "feed"
WARC = "warc"

#: Formats whose file is one article; the others hold many records.
SINGLE_ARTICLE = frozenset({TEXT, HTML})

_SUFFIXES = {
    ".txt": TEXT, ".text": TEXT,
    ".html": HTML, ".htm": HTML, ".xhtml": HTML, ".shtml": HTML,
    ".json": JSON, ".jsonl": JSONL, ".ndjson": JSONL,
    ".csv": CSV, ".tsv": TSV,
    ".rss": FEED, ".atom": FEED, ".rdf": FEED, ".xml": FEED,
    ".warc": WARC,
}
#: Extensions whose content is looked at before believing them.
_SNIFFED = frozenset({JSON, FEED})
_HEAD_BYTES = 64 * 1024
_FIRST_LINE_BYTES = 1024 * 1024


#: The first bytes of formats that are not text, newsindex does not read,
#: and that a user's folders hold: named in the reason they are skipped.
_NOT_ARTICLES = (
    (b"%PDF-", "PDF"),
    (b"{\\rtf", "RTF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Microsoft Office document (.doc, .xls, .ppt)"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"ID3", "MP3 audio"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"\x1f\x8b", "gzip data (name the file .gz to have it read)"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "executable"),
)
#: What a ZIP file is, by the names its first entries bear.
_ZIP_KINDS = (
    (b"word/", "Word document (.docx)"),
    (b"xl/", "Excel workbook (.xlsx)"),
    (b"ppt/", "PowerPoint presentation (.pptx)"),
    (b"application/epub+zip", "EPUB book"),
    (b"application/vnd.oasis.opendocument", "OpenDocument file"),
)


def not_an_article(head: bytes) -> str | None:
    """The name of the non-text format the first bytes show (a PDF, an
    Office document, an image, an archive...), or None."""
    if head.startswith(b"PK\x03\x04"):
        return next((kind for marker, kind in _ZIP_KINDS if marker in head[:4096]), "ZIP archive")
    if head[4:8] == b"ftyp":
        return "MP4 or QuickTime video"
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}[head[8:12]]
    return next((kind for magic, kind in _NOT_ARTICLES if head.startswith(magic)), None)


def by_name(name: str) -> str | None:
    """The format a file's name promises, or None when it names no format read here."""
    name = name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return _SUFFIXES.get(os.path.splitext(name)[1])


def detect(path: str) -> str | None:
    """The format of the file at ``path``, or None when it is none newsindex reads.

    Unreadable files are reported as their named format (or text): reading
    them says why they cannot be used.
    """
    named = by_name(path)
    if named is not None and named not in _SNIFFED:
        return named
    try:
        head = _head(path, _FIRST_LINE_BYTES if named == JSON else _HEAD_BYTES)
    except (OSError, EOFError, zlib.error):
        return named or TEXT
    return sniff(head, named)


def sniff(head: bytes, named: str | None = None) -> str | None:
    """The format the first bytes of a file show; ``named`` is what its name says."""
    if head.startswith(b"WARC/"):
        return WARC
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"{", b"[")):
        if start.startswith(b"["):
            return JSON
        if b"jsonfeed.org" in start[:4096]:
            return FEED
        return JSONL if _is_json_lines(start) else JSON
    if start.startswith(b"<"):
        top = start[:4096]
        if re.search(rb"<(?:rss|feed|rdf:rdf)\b", top):
            return FEED
        if re.search(rb"<(?:!doctype html|html|head|body)\b", top):
            return HTML
        return None if named in (FEED, None) else named  # some other XML
    if named in (JSON, FEED):
        return None  # named as structured data, but it is not
    return named or TEXT


def _is_json_lines(start: bytes) -> bool:
    """Whether data starting with an object is one object per line (JSON Lines)."""
    first, newline, rest = start.partition(b"\n")
    if not newline or not rest.strip():
        return False
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


def _head(path: str, size: int) -> bytes:
    if path.lower().endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read(size)
    with open(path, "rb") as f:
        return f.read(size)
