"""How an article becomes a Whoosh document, and a stored document an article again."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .models import Article

if TYPE_CHECKING:  # readers' output: imported by what adds, not by a search
    from .ingest import ExtractedArticle


def path_id(path: str) -> str:
    """The article id for a source path: short, and the same every time."""
    return hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()


def copy_text(article: ExtractedArticle) -> str:
    """What near-identical copies of ``article`` share, for its signature: its
    body, or for a headline-only item its headline (all headline-only items
    would otherwise sign the same empty text, and cluster as copies)."""
    return article.body or article.title or ""


def text_hash(text: str) -> str:
    """Hash of the text with Unicode and white space normalised: equal for the same story."""
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.blake2b(normal.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def source_digest(state: str) -> str:
    """A source's state as read (its text's hash, its overrides, the flags and
    field mapping it was read with) as one 128-bit hash: equal when nothing
    indexed from it can have changed."""
    return hashlib.blake2b(state.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def current_digest(stored: str) -> str:
    """A stored digest as this version computes it: versions before 0.2 stored
    the state itself (hashes joined by colons), which this hashes."""
    return stored if len(stored) == 32 and ":" not in stored else source_digest(stored)


def to_document(
    article: ExtractedArticle,
    *,
    article_id: str,
    path: str,
    record: str = "",
    mapping: tuple[tuple[str, str], ...] = (),
    fingerprint: str,
    content_hash: str,
    digest: str,
    cluster: str | None,
) -> dict[str, Any]:
    """The Whoosh fields for ``article``; empty fields are left out, not stored as ''.

    ``cluster`` names the article's group of near-identical copies (an article
    with no copies is a cluster of its own); None leaves it to
    :func:`set_cluster`, for the writer to decide.
    """
    meta = {
        "outlet": article.outlet,
        **({"section": article.section} if article.section else {}),
        "credit": article.credit,
        "byline": list(article.byline),
        "published": article.published,
        "updated": article.updated,
        "provenance": article.provenance,
        "url": article.url,
        "language": article.language,
        "description": article.description,
        "crawled": article.crawled,
        "record": record,
        **({"mapping": [list(pair) for pair in mapping]} if mapping else {}),
        # What the manifest needs, so that it can be rebuilt from the index.
        "fingerprint": fingerprint,
        "content_hash": content_hash,
        "digest": digest,
    }
    doc: dict[str, Any] = {
        "id": article_id,
        "path": path,
        "body": article.body,
        "meta": meta,
    }
    if article.title:
        doc["title"] = article.title
    if article.captions:
        doc["captions"] = "\n".join(article.captions)
    doc["exact"] = "\n".join(filter(None, (doc.get("title"), article.body, doc.get("captions"))))
    if article.byline:
        doc["byline"] = doc["byline_key"] = "\n".join(article.byline)
    if article.outlet:
        doc["outlet"] = doc["outlet_key"] = article.outlet
    if article.language:
        doc["lang"] = article.language
    doc["undated"] = "1"
    if article.published is not None:
        doc["date"] = index_datetime(article.published)
        doc["month"] = doc["date"].strftime("%Y-%m")
        doc["undated"] = "0"
    if cluster is not None:
        set_cluster(doc, cluster)
    return doc


def set_cluster(doc: dict[str, Any], cluster: str) -> None:
    doc["cluster"] = cluster
    doc["cluster_key"] = cluster_key(cluster)


def cluster_key(cluster: str) -> int:
    """The cluster label as a 64-bit number, for the index's fixed-width column."""
    return int.from_bytes(hashlib.blake2b(cluster.encode(), digest_size=8).digest(), "big")


def cluster_label(article_id: str, content_hash: str) -> str:
    """A new cluster's name: unique to this version of the article, so that
    copies of an older version never fold into a rewritten one."""
    return f"{article_id}-{content_hash[:8]}"


def from_stored(fields: dict[str, Any]) -> ExtractedArticle:
    """The article a stored document holds, as the reader produced it."""
    from .ingest import ExtractedArticle

    meta = fields["meta"]
    captions = fields.get("captions")
    return ExtractedArticle(
        body=fields.get("body", ""),
        title=fields.get("title"),
        captions=tuple(captions.split("\n")) if captions else (),
        byline=tuple(meta.get("byline", ())),
        outlet=meta.get("outlet"),
        section=meta.get("section"),
        credit=meta.get("credit"),
        published=meta.get("published"),
        updated=meta.get("updated"),
        provenance=dict(meta.get("provenance", {})),
        url=meta.get("url"),
        language=meta.get("language"),
        description=meta.get("description"),
        crawled=meta.get("crawled"),
    )


def stored_article(fields: dict[str, Any]) -> Article:
    """The API's view of a stored document."""
    extracted = from_stored(fields)
    return Article(
        id=fields["id"],
        path=fields["path"],
        title=extracted.title,
        body=extracted.body,
        captions=extracted.captions,
        byline=extracted.byline,
        outlet=extracted.outlet,
        section=extracted.section,
        credit=extracted.credit,
        published=extracted.published,
        updated=extracted.updated,
        provenance=extracted.provenance,
        content_hash=fields["meta"]["content_hash"],
        record=fields["meta"].get("record") or None,
        url=extracted.url,
        language=extracted.language,
        description=extracted.description,
        crawled=extracted.crawled,
    )


def index_datetime(value: datetime) -> datetime:
    """Naive datetimes are indexed as written; aware ones in UTC."""
    if value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value
