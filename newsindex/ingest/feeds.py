"""RSS, Atom and RDF feeds (feedparser) and JSON Feeds: each entry an article.

The entry's full content (``content:encoded``, Atom ``content``) is its body,
else its summary; its dates and authors are the entry's own. The outlet is
the publication the feed belongs to, read from the feed's title and site
(:func:`publication`): a feed titled "Il Giornale - Cronache" is the outlet
Il Giornale's section Cronache, and NPR's feed titled "Technology" is a
section of npr.org. Entity expansion is left to feedparser's parser, which
does not resolve external entities, and to expat, which refuses entity bombs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import urlsplit

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
    image = parsed.feed.get("image") or {}
    outlet = publication(parsed.feed.get("title"), parsed.feed.get("link"), image.get("title"))
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
            **outlet,
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
    outlet = publication(_string(feed.get("title")), _string(feed.get("home_page_url")), None)
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
            **outlet,
            "link": item.get("url") or item.get("external_url"),
            "language": item.get("language") or feed.get("language"),
        }
        link = fields["link"] if isinstance(fields["link"], str) else None
        key = link or str(item.get("id") or place)
        yield Record(key=key, where=place, kind="fields", data=fields, url=link, source="feed entry")


#: What separates a publication's name from a section's, or a tagline's, in a feed's title.
_TITLE_PARTS = re.compile(r"\s+[-–—|:]+\s+|:\s+")
#: Host name labels that name no publication.
_GENERIC_LABELS = frozenset({"www", "feeds", "feed", "rss", "m", "news", "com", "org", "net", "co", "gov", "edu"})
#: Longer parts of a feed's title are taglines ("Reviews for the Real World"), not sections.
_SECTION_WORDS = 3


def publication(title: str | None, site: str | None, image_title: str | None) -> dict[str, str]:
    """The outlet (and section) a feed's entries belong to, as record fields
    whose keys say where they come from ("feed title", "feed link",
    "feed section").

    The feed's title is cut at its separators ("Il Giornale - Cronache");
    the part that names the site's host (letters compared, a near miss
    allowed: varthabharathi, varthabahrati.in), or the feed's image title
    when it does, is the outlet, and a short part left over is the section.
    A title of a few words that names no part of the host and has no
    separator ("Technology" on npr.org) is a section of the site, whose
    host is then the outlet. Otherwise the title's first part is the
    outlet, as the feed gives it."""
    title = " ".join((title or "").split())
    if not title:
        return {}
    parts = [p for p in _TITLE_PARTS.split(title) if p]
    labels = _host_labels(site)
    image_parts = [p for p in _TITLE_PARTS.split(" ".join((image_title or "").split())) if p]
    outlet = next((p for p in [*image_parts, *parts] if _names_site(p, labels)), None)
    if outlet is None and len(parts) == 1 and len(title.split()) <= _SECTION_WORDS and labels:
        host = urlsplit(site or "").hostname or ""
        return {"feed link": host.removeprefix("www."), "feed section": title}
    outlet = outlet or parts[0]
    fields = {"feed title": outlet}
    rest = [p for p in parts if p != outlet and not _names_site(p, labels) and len(p.split()) <= _SECTION_WORDS]
    if rest and len(parts) > 1:
        fields["feed section"] = rest[0]
    return fields


def _host_labels(site: str | None) -> list[str]:
    host = urlsplit(site or "").hostname or ""
    return [label for label in host.lower().split(".")[:-1] if label not in _GENERIC_LABELS and len(label) > 1]


def _names_site(name: str, labels: list[str]) -> bool:
    letters = "".join(ch for ch in name.lower() if ch.isalnum())
    if len(letters) < 2:
        return False
    for label in labels:
        if letters == label or (len(label) >= 3 and (label in letters or letters in label)):
            return True
        if SequenceMatcher(None, letters, label).ratio() >= 0.85:
            return True
    return False


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


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
