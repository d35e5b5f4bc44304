"""RSS, Atom and RDF feeds (feedparser) and JSON Feeds: each entry an article.

The entry's full content (``content:encoded``, Atom ``content``) is its body,
else its summary; its dates and authors are the entry's own, and the outlet is
the feed's title. Entity expansion is left to feedparser's parser, which does
not resolve external entities, and to expat, which refuses entity bombs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from . import SkipFile
from .files import decode, read_bytes
from .records import BadRecord, Record


def read_feed(path: str) -> Iterator[Record | BadRecord]:
    data = read_bytes(path)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        yield from _json_feed(data)
        return
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise SkipFile(f"not a readable feed ({problem})" if problem else "a feed with no entries")
    outlet = " ".join((parsed.feed.get("title") or "").split()) or None
    language = parsed.feed.get("language")
    for number, entry in enumerate(parsed.entries, 1):
        content = entry.get("content") or []
        body = next((c.get("value") for c in content if c.get("value")), None)
        fields = {
            "title": entry.get("title"),
            "content": body,
            "summary": entry.get("summary") if entry.get("summary") != body else None,
            # dict.get: feedparser's own get() answers <updated> when asked for
            # <published>, and an update time is not a publication date.
            # RSS 1.0 journals give the date as prism:publicationDate
            # (their dc:date, which feedparser reads as <updated>, is not it).
            "published": _struct_time(dict.get(entry, "published_parsed") or dict.get(entry, "created_parsed"))
            or entry.get("prism_publicationdate"),
            "updated": _struct_time(dict.get(entry, "updated_parsed")),
            "authors": [a.get("name") for a in entry.get("authors", []) if a.get("name")] or entry.get("author"),
            "feed title": outlet,
            "link": entry.get("link"),
            "language": language,
        }
        link = entry.get("link") or entry.get("id")
        place = f"entry {number}"
        yield Record(
            key=link or place, where=place, kind="fields", data=fields, url=entry.get("link"), source="feed entry"
        )


def _json_feed(data: bytes) -> Iterator[Record | BadRecord]:
    try:
        feed = json.loads(decode(data))
    except (ValueError, RecursionError) as exc:
        raise SkipFile(f"not valid JSON ({exc})") from None
    if not isinstance(feed, dict) or not isinstance(feed.get("items"), list):
        raise SkipFile("a JSON Feed with no items")
    outlet = feed.get("title")
    feed_authors = _json_feed_authors(feed)
    for number, item in enumerate(feed["items"], 1):
        place = f"entry {number}"
        if not isinstance(item, dict):
            yield BadRecord(place, "not a JSON object")
            continue
        fields = {
            "title": item.get("title"),
            "content": item.get("content_html") or item.get("content_text"),
            "summary": item.get("summary"),
            "published": item.get("date_published"),
            "updated": item.get("date_modified"),
            "authors": _json_feed_authors(item) or feed_authors,
            "feed title": outlet,
            "link": item.get("url") or item.get("external_url"),
            "language": item.get("language") or feed.get("language"),
        }
        link = fields["link"] if isinstance(fields["link"], str) else None
        key = link or str(item.get("id") or place)
        yield Record(key=key, where=place, kind="fields", data=fields, url=link, source="feed entry")


def _json_feed_authors(obj: dict[str, Any]) -> list[str]:
    authors = obj.get("authors") or ([obj["author"]] if isinstance(obj.get("author"), dict) else [])
    return [a["name"] for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)]


def _struct_time(value: Any) -> datetime | None:
    """feedparser's parsed dates are UTC."""
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None
