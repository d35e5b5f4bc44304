"""Whoosh analyzers: how text becomes index terms.

Body, title and captions are lower-cased, accent-folded, stop-worded and
stemmed with Snowball English through PyStemmer (C, with a word cache), so
``bridge`` finds ``bridges`` and ``Zelenskyy`` folds like ``Zelénskyy``.
Names (outlet, byline) are folded and stop-worded but not stemmed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import Stemmer
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)
from whoosh.support.charset import accent_map

#: Longer "words" (base64 blobs, runs of digits, binary noise that decoded as
#: text) are not indexed: no one searches for them, and they bloat the index.
MAX_TOKEN_CHARS = 64


class SnowballStemFilter(Filter):
    """Stems tokens with PyStemmer's Snowball stemmer.

    The schema (and so this filter) is pickled into the index's table of
    contents, and a PyStemmer object cannot be pickled: only the language is.
    """

    is_morph = True

    def __init__(self, language: str = "english") -> None:
        self.language = language
        self._stem = Stemmer.Stemmer(language).stemWord

    def __getstate__(self) -> dict[str, Any]:
        return {"language": self.language}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["language"])  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SnowballStemFilter) and other.language == self.language

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = self._stem
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


def text_analyzer() -> Analyzer:
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(maxsize=MAX_TOKEN_CHARS)
        | SnowballStemFilter("english")
    )


def name_analyzer() -> Analyzer:
    # Stop words go here too, so a query of only stop words means the same in every field.
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter(maxsize=MAX_TOKEN_CHARS)
