"""newsindex: full-text search for news archives.

>>> from newsindex import NewsIndex
>>> with NewsIndex("index") as ni:                     # doctest: +SKIP
...     ni.add(["seeds/"])
...     results = ni.search("Dnipro bridge")
"""

from .errors import NewsIndexError
from .index import NewsIndex
from .models import (
    AddReport,
    Article,
    FileOutcome,
    Hit,
    RemoveReport,
    SearchResults,
    Snippet,
    Span,
    Stats,
)

__all__ = [
    "NewsIndex",
    "NewsIndexError",
    "AddReport",
    "Article",
    "FileOutcome",
    "Hit",
    "RemoveReport",
    "SearchResults",
    "Snippet",
    "Span",
    "Stats",
]
__version__ = "0.2.0"
