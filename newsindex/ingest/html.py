"""Saved web pages: main text by trafilatura, metadata from what the page declares.

The page's own structured metadata is trusted first, because the publisher
wrote it for machines: JSON-LD (``NewsArticle`` and its kin), then meta tags
(OpenGraph, ``article:published_time``, ``author``, ``description``...).
Where a page declares nothing, trafilatura's reading of the page (and
htmldate's, for the publication date) fills in, and the provenance says so.
A field nothing gives stays empty.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from . import ExtractedArticle, SkipFile, tidy_paragraphs

#: JSON-LD types that describe the article itself (not the site or a breadcrumb).
_ARTICLE_TYPES = frozenset(
    "Article NewsArticle ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle "
    "BackgroundNewsArticle ReviewNewsArticle BlogPosting LiveBlogPosting Report "
    "ScholarlyArticle SocialMediaPosting WebPage".split()
)
_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "date", "dc.date.issued", "dc.date", "dcterms.created", "sailthru.date", "parsely-pub-date",
)
_UPDATED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "lastmod")
_AUTHOR_META = ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author")
#: Below this many characters, trafilatura's precise extraction missed the
#: article (it kept a headline or a teaser): its recall-oriented mode is asked.
_MIN_PRECISE_CHARS = 250
_MAX_JSON_LD_BYTES = 2 * 1024 * 1024


def extract(html: str, url: str | None = None) -> ExtractedArticle:
    """The article a saved page holds; SkipFile when it holds no text."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, TypeError) as exc:  # lxml's ParserError is a ValueError
        raise SkipFile(f"not readable as HTML ({exc})") from None
    declared = _declared(tree)
    captions = _captions(tree)
    body, read = _read_page(html, url, captions)

    fields: dict[str, Any] = {}
    provenance: dict[str, str] = {}

    def take(name: str, value: Any, source: str) -> None:
        if value and name not in fields:
            fields[name] = value
            provenance[name] = source

    for name, (value, source) in declared.items():
        take(name, value, source)
    if "title" in fields:
        fields["title"] = _without_site_name(fields["title"], fields.get("outlet"), tree)
    take("title", read.title, "trafilatura")
    take("byline", _split_authors(read.author), "trafilatura")
    take("outlet", read.sitename, "trafilatura")
    take("url", read.url, "trafilatura")
    take("published", _date(read.date), "htmldate")  # trafilatura asks htmldate for it
    if url:  # where the page was fetched from, when the caller knows it
        take("url", url, "warc header")
    if captions:
        take("captions", tuple(captions), "html figcaption")
    if not body and fields.get("description"):
        raise SkipFile("no article text on the page (only a description)")
    if not body:
        raise SkipFile("no article text on the page")
    return ExtractedArticle(body=body, provenance=provenance, **fields)


# -- main text -----------------------------------------------------------------


def _read_page(html: str, url: str | None, captions: list[str]) -> tuple[str, Any]:
    """The main text, and trafilatura's reading of the page's metadata."""
    import trafilatura

    options: dict[str, Any] = dict(url=url, include_comments=False, include_tables=True, deduplicate=False)
    read = trafilatura.bare_extraction(html, favor_precision=True, with_metadata=True, **options)
    if read is None:
        read = _NOTHING
    text = read.text or ""
    if len(text) < _MIN_PRECISE_CHARS:
        text = max(text, trafilatura.extract(html, favor_recall=True, **options) or "", key=len)
    if captions:  # a caption is indexed once, in its own field
        caption_set = {" ".join(c.split()) for c in captions}
        text = "\n".join(line for line in text.split("\n") if " ".join(line.split()) not in caption_set)
    return tidy_paragraphs(text), read


class _Nothing:
    """trafilatura's answer for a page it cannot read: no text, no metadata."""

    text = title = author = sitename = url = date = None


_NOTHING = _Nothing()


_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—·:»]\s+")


def _without_site_name(title: str, outlet: str | None, tree: Any) -> str:
    """The headline without the " | Site Name" that pages append to their titles.

    Cut only when the page says so: the part left is the page's own <h1>, or
    the part cut is the outlet's name.
    """
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    headings = {_fold(h.text_content()) for h in tree.iter("h1")}
    for cut in range(len(parts) - 1, 0, -1):
        head = _TITLE_SEPARATOR.split(title, maxsplit=cut)
        kept = title[: len(title) - len(head[-1])].rstrip(" |-–—·:»")
        if _fold(kept) in headings:
            return kept
    if outlet and _fold(parts[-1]) == _fold(outlet):
        return title[: title.rfind(parts[-1])].rstrip(" |-–—·:»")
    return title


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _captions(tree: Any) -> list[str]:
    seen: dict[str, None] = {}
    for node in tree.iter("figcaption"):
        text = " ".join(node.text_content().split())
        if text:
            seen.setdefault(text, None)
    return list(seen)


# -- declared metadata ---------------------------------------------------------


def _declared(tree: Any) -> dict[str, tuple[Any, str]]:
    """Fields the page declares, each with where it was declared; JSON-LD first."""
    found: dict[str, tuple[Any, str]] = {}

    def put(name: str, value: Any, source: str) -> None:
        if value and name not in found:
            found[name] = (value, source)

    for item in _json_ld_articles(tree):
        put("title", _text(item.get("headline") or item.get("name")), "json-ld")
        put("byline", _names(item.get("author") or item.get("creator")), "json-ld")
        put("published", _date(item.get("datePublished") or item.get("dateCreated")), "json-ld")
        put("updated", _date(item.get("dateModified")), "json-ld")
        put("outlet", next(iter(_names(item.get("publisher"))), None), "json-ld")
        put("url", _text(item.get("url") or item.get("mainEntityOfPage")), "json-ld")
        put("description", _text(item.get("description")), "json-ld")
        put("language", _language(_text(item.get("inLanguage"))), "json-ld")

    meta = _meta_tags(tree)
    put("title", meta.get("og:title") or meta.get("twitter:title"), "meta tag")
    author = next((meta[k] for k in _AUTHOR_META if _is_name_value(meta.get(k))), None)
    put("byline", _split_authors(author), "meta tag")
    put("published", next(filter(None, (_date(meta.get(k)) for k in _PUBLISHED_META)), None), "meta tag")
    put("updated", next(filter(None, (_date(meta.get(k)) for k in _UPDATED_META)), None), "meta tag")
    put("outlet", meta.get("og:site_name") or meta.get("application-name"), "meta tag")
    put("description", meta.get("description") or meta.get("og:description"), "meta tag")
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    put("url", canonical[0].strip() if canonical else meta.get("og:url"), "meta tag")
    lang = tree.get("lang") or meta.get("content-language") or meta.get("og:locale")
    put("language", _language(lang), "html lang" if tree.get("lang") else "meta tag")
    return found


def _json_ld_articles(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        raw = script.text or ""
        if len(raw) > _MAX_JSON_LD_BYTES:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue  # publishers' JSON-LD is often broken; the meta tags remain
        yield from (item for item in _walk_json_ld(data, 0) if _is_article(item))


def _walk_json_ld(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_json_ld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk_json_ld(data["@graph"], depth + 1)


def _is_article(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k in _ARTICLE_TYPES for k in kinds) and (
        "headline" in item or "datePublished" in item or "author" in item
    )


def _meta_tags(tree: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    for node in tree.iter("meta"):
        name = node.get("property") or node.get("name") or node.get("itemprop") or node.get("http-equiv")
        key = (name or "").strip().lower()
        content = " ".join((node.get("content") or "").split())
        if key and content:
            meta.setdefault(key, content)
    return meta


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str) and value.strip():
        return " ".join(html_lib.unescape(value).split())  # JSON-LD often holds HTML entities
    return None


def _names(value: Any) -> tuple[str, ...]:
    """Names from JSON-LD persons or organisations: a string, an object, or a list of them."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, list):
            name = name[0] if name else None
        if isinstance(name, str) and _is_name_value(name):
            names.extend(n for n in _split_authors(name) if n not in names)
    return tuple(names)


def _is_name_value(value: str | None) -> bool:
    return bool(value) and not re.match(r"https?://|www\.", value.strip())  # type: ignore[union-attr]


def _split_authors(value: str | None) -> tuple[str, ...]:
    """Several authors in one string: "A; B", "A, B and C", "A | B"."""
    if not value:
        return ()
    value = re.sub(r"^(?:by|von|par|por|di)\s+", "", " ".join(value.split()), flags=re.I)
    parts = re.split(r"\s*(?:;|\||,|\s+and\s+|\s+&\s+|\s+und\s+|\s+et\s+|\s+y\s+|\s+e\s+)\s*", value)
    return tuple(p for p in parts if p and len(p) <= 80)


def _date(value: Any) -> datetime | None:
    """An ISO 8601 date or datetime as pages declare them; anything else is not trusted."""
    text = _text(value)
    if not text:
        return None
    text = text.replace("Z", "+00:00").replace(" ", "T", 1) if "T" not in text else text.replace("Z", "+00:00")
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0100 -> +01:00
    text = re.sub(r"\.\d+(?=[+-]|$)", "", text)  # fractions of a second
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        from .plaintext import parse_date

        return parse_date(text)


def _language(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None
