"""The HTTP API's OpenAPI schema, served at /openapi.json.

Written out here rather than generated: the API is small, and its answers
are the dataclasses' ``to_dict()``, described field by field in docs/api.md.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..models import SORTS

FILTERS = [
    ("outlet", "string", "only articles whose outlet contains these words"),
    ("byline", "string", "only articles whose byline contains these words"),
    ("since", "string", "from this date: 2022-11-01, 2022-11, last week"),
    ("until", "string", "up to this date, the whole of it"),
    ("lang", "string", "only articles in this language: a code (en) or a name"),
]
SEARCH_PARAMETERS = [
    ("q", "string", "the query, in newsindex's query language (at most 1,000 characters)"),
    ("limit", "integer", "hits per page, 1 to 100 (default 10)"),
    ("page", "integer", "which page, 1 to 100 (default 1)"),
    ("sort", "string", f"one of {', '.join(SORTS)}"),
    ("mode", "string", "auto (default), all or any: how many of the words must match"),
    ("all_copies", "boolean", "true: near-identical copies as hits of their own"),
    ("exact_script", "boolean", "true: each word matches in its own script only (Kharkiv does not find Харків)"),
    ("variants", "boolean", "true: a word naming a city matches the city's other names too (places lists them)"),
    ("explain", "boolean", "true: each hit's explanation, its score word by word and field by field"),
    *FILTERS,
]


def _parameters(rows: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    return [{"name": name, "in": "query", "required": False, "description": text, "schema": {"type": kind}}
            for name, kind, text in rows]


def _get(summary: str, parameters: list[dict[str, Any]], answer: str) -> dict[str, Any]:
    error = {"description": "an error: {\"error\": message, \"status\": code}"}
    return {"get": {
        "summary": summary,
        "parameters": parameters,
        "responses": {"200": {"description": answer, "content": {"application/json": {}}},
                      "400": error, "404": error, "503": error},
    }}


ARTICLE_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
               "description": "an article id or a unique prefix of one"}]

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "newsindex", "version": __version__,
             "description": "Read-only search over a news archive; the fields are those of `--json`."},
    "paths": {
        "/api/search": _get("Search: one page of hits", _parameters(SEARCH_PARAMETERS),
                            '{"hits": [Hit...], "summary": {...}} as `newsindex search --json`'),
        "/api/articles/{id}": _get("One article with its metadata and provenance", ARTICLE_ID,
                                   "the Article, as `newsindex show --json`"),
        "/api/articles/{id}/similar": _get("Articles like this one", ARTICLE_ID + _parameters(
            [("limit", "integer", "1 to 100 (default 10)")]), '{"hits": [...], "summary": {...}}'),
        "/api/timeline": _get("Hits per period, of one query or several", _parameters([
            ("q", "string", "a query; repeat q to compare several"),
            ("by", "string", "day, week, month or year (default: from the span)"),
            ("normalize", "boolean", "true: each period's share of the articles indexed in it"),
            ("stories", "boolean", "true: count stories, copies folded"),
            *FILTERS,
        ]), '{"timelines": [{"summary": {...}, "periods": [...]}]}'),
        "/api/stats": _get("Article count, outlets, date range", [], "the Stats, as `newsindex stats --json`"),
    },
}
