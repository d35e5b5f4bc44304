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

from . import ExtractedArticle, SkipFile, check_dates, tidy_paragraphs

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
        if name not in ("title", "byline", "published"):
            take(name, value, source)
    take("outlet", read.sitename, "trafilatura")
    site, page_url = fields.get("outlet"), url or fields.get("url") or read.url
    take("title", *(_title(declared.get("title"), tree, site, page_url) or (read.title, "trafilatura")))
    if "byline" in declared:
        names, source = declared["byline"]
        if not _not_the_site(names, site, page_url):
            # The page declares itself the author: a person named in a byline
            # element is taken instead, else what the page declares.
            take("byline", *_byline_element(tree, site, page_url))
        take("byline", names, source)
    take("byline", *_byline_element(tree, site, page_url))
    take("byline", _not_the_site(_split_authors(read.author), site, page_url), "trafilatura")
    take("url", read.url, "trafilatura")
    take("published", *_published(declared.get("published"), read.date or _htmldate(html)))
    if url:  # where the page was fetched from, when the caller knows it
        take("url", url, "warc header")
    if captions:
        take("captions", tuple(captions), "html figcaption")
    check_dates(fields, provenance)
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
#: A part of a page title between the headline and the site's name ("Opinion",
#: "Avocat") is at most this many words.
_TITLE_SECTION_WORDS = 4


def _title(
    declared: tuple[str, str] | None, tree: Any, site: str | None, url: str | None
) -> tuple[str, str] | None:
    """The headline, chosen between the declared title (JSON-LD headline or
    og:title), the page's <h1> and its <title>, with its source.

    The declared title wins, unless it is an <h1> with something added (a
    date, a section, the site's name), or the page has one <h1> of several
    words that is not the site's name and does not hold the declared title
    (a section label before it): readers see the <h1> as the headline, and
    og:title and JSON-LD often carry a headline rewritten for sharing or
    search. Failing both, a start or end naming the site is cut from the
    declared title. The site's name is recognised as the outlet the page
    declares or the name of its domain.
    """
    headings = [h for h in (" ".join(node.text_content().split()) for node in tree.iter("h1")) if h]
    page_title = " ".join((tree.findtext(".//title") or "").split())
    text, source = declared or (page_title, "html title")
    if not text:
        return (headings[0], "h1") if len(headings) == 1 else None
    folded = _fold(text)
    if text in headings:
        return text, source
    same = [h for h in headings if _fold(h) == folded]
    if same:  # the same words in other quotes or case: as readers see them
        return same[0], "h1"
    inside = [h for h in headings if _is_decorated(folded, _fold(h))]
    if inside:
        return max(inside, key=len), f"h1 (the {source} adds to it)"
    if len(headings) == 1 and folded not in _fold(headings[0]) and _is_headline_heading(headings[0], site, url):
        return headings[0], f"h1 (the page's one heading; the {source} differs)"
    cut = _without_site_name(text, site, url)
    return (cut, f"{source} without the site's name") if cut != text else (text, source)


def _is_headline_heading(heading: str, site: str | None, url: str | None) -> bool:
    """Whether a page's only <h1> reads as a headline: several words, not the site's name."""
    return len(heading.split()) >= 3 and not _names_site(heading, site, url) and len(heading) <= 300


def _is_decorated(title: str, heading: str) -> bool:
    """Whether ``title`` is ``heading`` with a separator and more before or after it."""
    if not heading or len(heading) >= len(title) or len(heading) < len(title) / 3:
        return False
    if title.startswith(heading):
        return bool(_TITLE_SEPARATOR.match(title[len(heading) :]))
    if title.endswith(heading):
        rest = title[: len(title) - len(heading)]
        return bool(re.search(r"\s+[|\-–—·:»]\s+$", rest))
    return False


def _without_site_name(title: str, site: str | None, url: str | None) -> str:
    """The title without the " | Site Name" (or "Site Name | ") that pages add."""
    parts = _TITLE_SEPARATOR.split(title)
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if len(parts) < 2:
        return title
    if _names_site(parts[0], site, url):
        return title[separators[0].end() :]
    for k, separator in enumerate(separators):
        for following in parts[k + 1 :]:
            if _names_site(following, site, url):
                return title[: separator.start()]
            if len(following.split()) > _TITLE_SECTION_WORDS:
                break
    return title


def _names_site(part: str, site: str | None, url: str | None) -> bool:
    """Whether a part of a title is the site's name: its declared name, or its domain's."""
    key = _letters(part)
    if len(key) < 3:
        return False
    if site and _letters(site) in (key, key.removeprefix("the")):
        return True
    host = re.sub(r"^https?://", "", url or "").split("/")[0].lower()
    labels = [_letters(label) for label in host.split(".")[:-1] if label != "www"]
    short = len(part.split()) <= _TITLE_SECTION_WORDS
    return any(len(label) >= 4 and (key == label or short and key.startswith(label)) for label in labels)


def _letters(text: str) -> str:
    """Letters and digits only, accents folded: "Últimas Noticias" -> "ultimasnoticias"."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


#: Typographic quotes and their typewriter forms, which titles mix.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"'})


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold().translate(_QUOTES)


# -- authors ---------------------------------------------------------------------

_BYLINE_NODES = (
    "//*[@rel='author' or @itemprop='author' or contains(@class,'byline') or contains(@class,'author')"
    " or contains(@class,'contributor') or contains(@data-testid,'byline')]"
)
_BYLINE_MAX_CHARS = 120
_BYLINE_DATE = re.compile(
    r"(?:posted|published|updated)?\s*(?:on\s+)?(?:\w+day,?\s+)?"
    r"(?:\d{1,2}\s+[A-Za-z]{3,9}\.?|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?),?\s+\d{4}"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?|\d{4}-\d{2}-\d{2}",
    re.I,
)


def _byline_element(tree: Any, site: str | None, url: str | None) -> tuple[tuple[str, ...], str]:
    """Authors from the page's first byline element that names people
    (rel=author, itemprop=author, class "byline", "author" or "contributor")."""
    for node in tree.xpath(_BYLINE_NODES):
        if not isinstance(node.tag, str) or node.tag in ("meta", "link", "script", "style", "body", "html"):
            continue
        text = " ".join(node.text_content().split())
        if not text or len(text) > _BYLINE_MAX_CHARS:
            continue
        names = _byline_names(text, site, url)
        if names:
            return names, "byline element"
    return (), "byline element"


def _byline_names(text: str, site: str | None, url: str | None) -> tuple[str, ...]:
    """Names in a byline element's text: "Posted on May 4, 2020 by Ann Lee" -> ("Ann Lee",)."""
    from .plaintext import is_name

    text = _BYLINE_DATE.sub(" ", text)
    by = list(re.finditer(r"(?:^|\s)(?:by|von|par|por|di|door|av|af)\s+", text, re.I))
    if by:
        text = text[by[-1].end() :]
    text = re.split(r"\s+[|·•]\s+|\s+-\s+", text.strip(" |·•-"))[0]
    names = _not_the_site(_split_authors(text), site, url)
    return names if names and all(is_name(n) for n in names) else ()


def _not_the_site(names: tuple[str, ...], site: str | None, url: str | None) -> tuple[str, ...]:
    """The names without the outlet's own name, which pages put in author fields."""
    site_key = _letters(site or "")
    return tuple(
        n for n in names
        if _letters(n) != site_key and (" " in n.strip() or not _names_site(n, None, url))
    )


# -- publication date ------------------------------------------------------------

#: The zones news is published in, in hours from UTC (Hawaii to New Zealand):
#: a declared time in UTC can fall on the page's next or previous day by this much.
_ZONE_RANGE = (-10, 12)


def _htmldate(html: str) -> str | None:
    """htmldate's day on the page as saved, asked when trafilatura's reading
    (which it makes on its own cleaned tree, bounded by today) finds none."""
    import htmldate

    return htmldate.find_date(html, original_date=True)


def _published(declared: tuple[datetime, str] | None, found: str | None) -> tuple[datetime | None, str]:
    """The publication date, from the page's declaration and htmldate's reading.

    ``found`` is htmldate's day (``YYYY-MM-DD``, as trafilatura asks it with
    ``original_date=True``): it weighs the page's markup, visible dates and
    URL, declarations included. Its day decides;
    the declared date (JSON-LD, meta tags) gives the time and zone when it
    falls on that day, and the date when htmldate finds none. One exception:
    a declared UTC (or zoneless) time a day off htmldate's day at an hour no
    publisher's zone could move across midnight (10:00 UTC is "the day
    before" nowhere east of UTC-10) is kept, and htmldate's day is not.
    """
    shown = datetime.strptime(found, "%Y-%m-%d") if found else None
    if declared is None:
        return shown, "htmldate"
    value, source = declared
    if shown is None or shown.date() == value.date():
        return value, source
    days = (shown.date() - value.date()).days
    hours = value.hour + value.minute / 60
    if abs(days) == 1 and not value.utcoffset() and not (
        (days == -1 and hours + _ZONE_RANGE[0] < 0) or (days == 1 and hours + _ZONE_RANGE[1] >= 24)
    ):
        return value, f"{source} (htmldate's {found} is no zone's day for {value:%Y-%m-%d %H:%M} UTC)"
    return shown, f"htmldate (the {source} says {value:%Y-%m-%d})"


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


#: Values pages put in author fields that name nobody.
_NOT_AUTHORS = frozenset(
    ("by", "von", "par", "por", "di", "no author", "unknown", "unknown author", "admin", "administrator",
     "author", "none", "null", "n/a")
)


def _split_authors(value: str | None) -> tuple[str, ...]:
    """Several authors in one string: "A; B", "A, B and C", "A | B"."""
    if not value:
        return ()
    from .plaintext import ROLE_WORDS

    value = re.sub(r"^(?:by|von|par|por|di)\s+", "", " ".join(value.split()), flags=re.I)
    parts: list[str] = []
    for part in re.split(r"\s*[;|,]\s*", value):
        # "Staff and news service reports" is one credit, not two authors
        joined = ROLE_WORDS.search(part)
        parts += [part] if joined else re.split(r"\s+(?:and|&|und|et|y|e)\s+", part)
    return tuple(
        p for p in parts
        if p and len(p) <= 80 and p.casefold() not in _NOT_AUTHORS and "@" not in p and "://" not in p
        and not re.search(r"\s(?:says|said|wrote)$", p)  # a commenter, as comment headers name them
    )


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
