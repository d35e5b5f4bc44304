"""newsindex: full-text search for news archives.

>>> from newsindex import NewsIndex
>>> with NewsIndex("index") as ni:                     # doctest: +SKIP
...     ni.add(["seeds/"])
...     results = ni.search("Dnipro bridge")

The public API is what this module exports: :class:`NewsIndex`, the plain
dataclasses its methods return, and the errors they raise (each with the exit
status the command line uses). Everything else in the package is internal;
docs/internals.md describes it.
"""

from . import errors, models
from .errors import *  # noqa: F403 (every error, as errors.__all__ lists them)
from .index import NewsIndex
from .models import *  # noqa: F403 (every result type, as models.__all__ lists them)

__version__ = "0.3.0"

__all__ = ["NewsIndex", *models.__all__, *errors.__all__]
