"""Which reader reads which format: a file's articles, as text or as records."""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import ExtractedArticle, SkipFile, formats
from .files import decode, read_bytes
from .records import BadRecord, Mapping_, Record

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)\b", re.I | re.S)
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)


def read_single(path: str) -> tuple[str, str]:
    """A one-article file's text and its format (text, or html when it is a page,
    whatever its name). SkipFile says why it cannot be read."""
    data = read_bytes(path)
    if formats.by_name(path) == formats.HTML or _HTML_START.match(data[:4096]):
        return decode_page(data), formats.HTML
    return decode(data), formats.TEXT


def extract_single(text: str, fmt: str) -> ExtractedArticle:
    if fmt == formats.HTML:
        from .html import extract

        return extract(text)
    from .plaintext import extract as extract_text

    return extract_text(text)


def read_records(path: str, fmt: str, mapping: Mapping_) -> Iterator[Record | BadRecord]:
    """The records of a many-article file, one at a time."""
    from . import records

    if fmt == formats.JSONL:
        return records.read_json_lines(path, mapping)
    if fmt == formats.JSON:
        return records.read_json(path, mapping)
    if fmt in (formats.CSV, formats.TSV):
        return records.read_csv(path, mapping, "\t" if fmt == formats.TSV else ",")
    if fmt == formats.FEED:
        from .feeds import read_feed

        return read_feed(path)
    if fmt == formats.WARC:
        from .warc import read_warc

        return read_warc(path)
    raise SkipFile(f"no reader for {fmt}")


def record_text(record: Record) -> str:
    """What a record's change and identity are judged by."""
    if record.kind == "html":
        return decode_page(record.data)
    import json

    return json.dumps(record.data, sort_keys=True, ensure_ascii=False, default=str)


def extract_record(record: Record, text: str, mapping: Mapping_) -> ExtractedArticle:
    """The article a record holds; ``text`` is :func:`record_text` of it."""
    if record.kind == "html":
        from .html import extract

        article = extract(text, url=record.url)
    else:
        from .records import to_article

        article = to_article(record, mapping)
    if record.crawled is not None:
        article = article.with_field("crawled", record.crawled, "warc header")
    return article


def decode_page(data: bytes) -> str:
    """A web page's text: UTF-8 when it is, else the charset the page declares,
    else the one charset-normalizer detects."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED_CHARSET.search(data[:8192])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass  # a charset Python does not know: detect it
    return decode(data)
