"""Articles as records: JSON (an array or one object), JSON Lines, CSV and TSV.

Scrapers and datasets name the same fields in many ways; the common names are
recognised without configuration, and ``--map field=key`` (dotted paths for
nested values) names any other. Each field's provenance is the key it came
from (``json key "headline"``).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..errors import InvalidValueError
from . import ExtractedArticle, SkipFile, tidy_paragraphs
from .files import MAX_FILE_BYTES
from .plaintext import WIRE_OUTLETS

#: Article fields and the record keys recognised for each, in order of preference.
KNOWN_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "body": ("text", "body", "content", "articleBody", "article_body", "maintext", "full_text",
             "content_text", "content_html", "article", "story"),
    "description": ("description", "summary", "short_description", "abstract", "standfirst", "lead",
                    "teaser"),
    "published": ("date", "published", "publish_date", "datePublished", "date_publish", "pubDate",
                  "published_at", "date_published", "publication_date", "pub_date", "time"),
    "updated": ("updated", "dateModified", "date_modify", "modified", "updated_at", "date_modified"),
    "byline": ("author", "authors", "byline", "creator", "writer"),
    "outlet": ("outlet", "source", "publisher", "feed title", "source_domain", "site_name", "sitename", "site",
               "domain", "feed link"),
    "section": ("section", "category", "department", "desk", "feed section"),
    "url": ("url", "link", "canonical_url", "href", "permalink"),
    "language": ("language", "lang", "inLanguage"),
}
MAPPABLE = tuple(KNOWN_KEYS)
#: A whole-JSON file is parsed at once; above this, JSON Lines is the format to use.
MAX_JSON_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Record:
    """One record of a file holding many: what it says, and where it is."""

    key: str  # its identity in the file: its URL when it has one, else its place
    where: str  # its place, for messages: a line number ("1042") or "record 7"
    kind: str  # "fields" (a mapping of values) or "html" (a web page, from a WARC)
    data: Any
    url: str | None = None
    crawled: datetime | None = None  # WARC-Date, for pages from a web archive
    source: str = "json key"  # how provenance names where a field came from


@dataclass(frozen=True)
class BadRecord:
    where: str
    reason: str


Mapping_ = tuple[tuple[str, str], ...]  # (article field, record key path)


def mapping_digest(mapping: Mapping_) -> str:
    """The mapping as a string, so that a change of ``--map`` re-indexes a file."""
    return ",".join(f"{field}={key}" for field, key in mapping)


def parse_mapping(values: list[str] | tuple[str, ...]) -> Mapping_:
    """``--map field=key`` values; errors name the value and the reason."""
    pairs = []
    for value in values:
        field, sep, key = value.partition("=")
        field, key = field.strip(), key.strip()
        if field == "date":
            field = "published"
        if not sep or not key:
            raise InvalidValueError("--map", field or value, "expected FIELD=KEY, for example body=story.text")
        if field not in MAPPABLE:
            raise InvalidValueError("--map", field, f"unknown field (known: date, {', '.join(MAPPABLE)})")
        pairs.append((field, key))
    return tuple(pairs)


# -- reading records -----------------------------------------------------------


def read_json_lines(path: str, mapping: Mapping_) -> Iterator[Record | BadRecord]:
    with _open_text(path) as f:
        for number, line in enumerate(_lines(f), 1):
            if isinstance(line, BadRecord):
                yield BadRecord(str(number), line.reason)
                continue
            if not line.strip():
                continue
            try:
                value = json.loads(line.rstrip("\r\n"))
            except RecursionError:
                yield BadRecord(str(number), "JSON nested too deeply")
                continue
            except ValueError as exc:
                yield BadRecord(str(number), f"not valid JSON ({exc})")
                continue
            yield _record(value, str(number), f"line {number}", mapping)


def read_json(path: str, mapping: Mapping_) -> Iterator[Record | BadRecord]:
    from .files import decode

    with _open_binary(path) as f:
        raw = f.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise SkipFile(f"JSON file larger than {MAX_JSON_BYTES // (1024 * 1024)} MB: use JSON Lines for bigger sets")
    try:
        data = json.loads(decode(raw))
    except RecursionError:
        raise SkipFile("JSON nested too deeply") from None
    except ValueError as exc:
        raise SkipFile(f"not valid JSON ({exc})") from None
    if isinstance(data, dict):
        items = _record_list(data)
        if items is None:
            yield _record(data, "record 1", "record 1", mapping)
            return
        data = items
    if not isinstance(data, list):
        raise SkipFile("JSON holds neither an object nor an array of objects")
    for number, value in enumerate(data, 1):
        yield _record(value, f"record {number}", f"record {number}", mapping)


def _record_list(data: dict[str, Any]) -> list[Any] | None:
    """The articles of a JSON object that wraps them: ``{"articles": [...]}``."""
    for key in ("articles", "items", "records", "results", "data", "documents", "docs", "entries"):
        value = data.get(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value[:10]):
            return value
    return None


def read_csv(path: str, mapping: Mapping_, delimiter: str) -> Iterator[Record | BadRecord]:
    csv.field_size_limit(min(sys.maxsize, MAX_FILE_BYTES))
    with _open_text(path, newline="") as f:
        reader = csv.DictReader(f, delimiter=delimiter)
        try:
            _ = reader.fieldnames  # reads the header
        except csv.Error as exc:
            raise SkipFile(f"bad CSV header ({exc})") from None
        line = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield BadRecord(str(reader.line_num), f"bad CSV row ({exc})")
                return  # the reader cannot find the next row's start after this
            where, line = str(line + 1), reader.line_num
            if None in row:
                yield BadRecord(where, "more cells than the header has columns")
                continue
            record = _record({k: v for k, v in row.items() if k}, where, f"line {where}", mapping)
            yield replace(record, source="csv column") if isinstance(record, Record) else record


def _record(value: Any, where: str, place: str, mapping: Mapping_) -> Record | BadRecord:
    if not isinstance(value, dict):
        return BadRecord(where, f"not a JSON object but {type(value).__name__}")
    url = _text(_lookup(value, "url", mapping)[1])
    return Record(key=url or place, where=where, kind="fields", data=value, url=url)


# -- records to articles ---------------------------------------------------------


def to_article(record: Record, mapping: Mapping_) -> ExtractedArticle:
    """The article a record holds; SkipFile (naming no file: the caller knows it) when none."""
    fields: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    for name in KNOWN_KEYS:
        key, value = _lookup(record.data, name, mapping)
        value = _convert(name, value)
        if value:
            fields[name] = value
            provenance[name] = f'{record.source} "{key}"'
    byline = fields.get("byline", ())
    if byline and byline[-1].lower() in WIRE_OUTLETS:  # "Ana Silva, AP": a wire credit, not an author
        fields["credit"], provenance["credit"] = byline[-1], provenance["byline"]
        fields["byline"] = byline[:-1]
        if not fields["byline"]:
            del fields["byline"], provenance["byline"]
        if "outlet" not in fields:
            fields["outlet"], provenance["outlet"] = WIRE_OUTLETS[byline[-1].lower()], provenance["credit"]
    for name in ("body", "description"):
        if fields.get(name) and looks_like_html(fields[name]):
            fields[name] = html_to_text(fields[name])
    body = fields.pop("body", None)
    if not body:
        if fields.get("description"):
            # A record with only a standfirst (many datasets hold no full text):
            # that is the text there is to search, and the provenance says so.
            body = fields["description"]
            provenance["body"] = provenance["description"]
        elif fields.get("title") and (fields.get("url") or fields.get("published")):
            # A headline with its link or date (feeds of headlines, RSS 1.0
            # especially): a news item to find by its headline, with no text;
            # the article says it is headline-only.
            body = ""
        else:
            raise SkipFile("no text field" + (" (only a title)" if fields.get("title") else ""))
    return ExtractedArticle(body=body, provenance=provenance, **fields)


def _lookup(data: Mapping[str, Any], name: str, mapping: Mapping_) -> tuple[str, Any]:
    for field, path in mapping:  # a record without the mapped key falls back to the usual names
        if field == name and _dotted(data, path) not in (None, "", [], {}):
            return path, _dotted(data, path)
    for key in KNOWN_KEYS[name]:
        for candidate in (key, key.lower()):
            if candidate in data and data[candidate] not in (None, "", [], {}):
                return candidate, data[candidate]
    return "", None


def _dotted(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def _convert(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "byline":
        return _names(value)
    if name in ("published", "updated"):
        return parse_record_date(value)
    if name == "outlet":
        names = _names(value)
        return names[0] if names else None
    if name == "language":
        text = _text(value)
        return text.split("-")[0].lower() if text and re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z]{2,4})?", text) else None
    if name == "body":
        if isinstance(value, list):
            value = "\n\n".join(v for v in value if isinstance(v, str))
        return value.strip() if isinstance(value, str) else None
    return _text(value)


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or value.get("href")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _names(value: Any) -> tuple[str, ...]:
    """Authors from a string ("A, B and C"), a list, or objects with a name."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        text = _text(item)
        if not text:
            continue
        for name in split_names(text):
            if name not in names:
                names.append(name)
    return tuple(names)


def split_names(text: str) -> list[str]:
    """Names from one free-text author string: "A, B and C", "A; B", "By A | B"."""
    text = re.sub(r"^by\s+", "", text.strip(), flags=re.I)
    surname_first = re.fullmatch(r"([^,;]+),\s*((?:[A-Z]\.\s*)+)", text)  # "Hines, P. J."
    if surname_first:
        return [f"{surname_first[2].strip()} {surname_first[1].strip()}"]
    text = re.split(r"\s+(?:in|at|for|via)\s+(?=[A-Z])", text)[0]  # "A in Washington", "B for the BBC"
    return [p for p in re.split(r"\s*(?:;|\||,|\s+and\s+|\s+&\s+)\s*", text) if p and len(p) <= 100]


def parse_record_date(value: Any) -> datetime | None:
    """A date as datasets write it: ISO 8601, a written-out date, or a Unix timestamp."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds, as JavaScript writes them
        try:
            from datetime import timezone

            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    text = _text(value)
    if not text:
        return None
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)
    iso = re.sub(r"(\d{2}:\d{2}:\d{2})\.\d+", r"\1", iso)
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        from .plaintext import parse_date

        return parse_date(text)


# -- HTML inside records ---------------------------------------------------------

_HTML_TAG = re.compile(r"<(?:p|br|div|span|a|em|strong|b|i|img|figure|ul|li|h[1-6])\b[^>]*>", re.I)


def looks_like_html(text: str) -> bool:
    return len(_HTML_TAG.findall(text[:20000])) >= 2 or text.lstrip().startswith("<")


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed entry's content), a paragraph a line.

    Figures, scripts and styles are dropped: captions and code are not the story.
    """
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, TypeError):
        return fragment
    for bad in root.xpath(".//script|.//style|.//figure|.//figcaption|.//noscript|.//iframe"):
        bad.drop_tree()
    for block in root.xpath(".//p|.//div|.//br|.//li|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//blockquote|.//tr"):
        block.tail = "\n\n" + (block.tail or "") if block.tag != "br" else "\n" + (block.tail or "")
    text = root.text_content()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return tidy_paragraphs("\n".join(lines))


# -- files ---------------------------------------------------------------------


def _open_binary(path: str) -> io.BufferedIOBase:
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _open_text(path: str, newline: str | None = None) -> io.TextIOWrapper:
    """The file as text: UTF-8 (a BOM allowed), with undecodable bytes replaced,
    so that one bad byte costs one character, not the file."""
    return io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig", errors="replace", newline=newline)


def _lines(f: io.TextIOWrapper) -> Iterator[str | BadRecord]:
    """The file's lines, each read up to the size limit: a giant line is
    skipped without holding it in memory."""
    while True:
        line = f.readline(MAX_FILE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_FILE_BYTES and not line.endswith("\n"):
            while line and not line.endswith("\n"):  # skip the rest of it
                line = f.readline(1024 * 1024)
            yield BadRecord("", f"line longer than {MAX_FILE_BYTES // (1024 * 1024)} MB")
            continue
        yield line
