"""The Whoosh schema: which fields are searched, stored and sortable.

Search fields and their BM25F weights (``field_boost``):

=========  ======  =============================================================
field      weight  why
=========  ======  =============================================================
title      2.5     a headline names what the article is about
captions   1.5     captions describe the pictures, and pictures show the story
body       1.0
byline     1.0     names, folded but not stemmed
outlet     1.0     names, folded but not stemmed
=========  ======  =============================================================

Everything shown in results but never searched as text (path, credit,
provenance, the change fingerprint...) lives in one stored ``meta`` dict, so a
hit's display costs one stored-field read.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from .analysis import name_analyzer, text_analyzer

SEARCH_FIELDS = ("title", "body", "captions", "byline", "outlet")


def build_schema() -> Schema:
    text = text_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        content_hash=ID,
        title=TEXT(analyzer=text, stored=True, field_boost=2.5),
        body=TEXT(analyzer=text, stored=True),
        captions=TEXT(analyzer=text, stored=True, field_boost=1.5),
        byline=TEXT(analyzer=names),
        outlet=TEXT(analyzer=names),
        # Publication date; the parser's `date:` queries run against it. Naive
        # datetimes are taken as given; aware ones are stored in UTC.
        date=DATETIME(sortable=True),
        meta=STORED,
    )
