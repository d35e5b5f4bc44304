"""Snippets: Whoosh's highlighter with a sentence fragmenter and a span formatter.

The fragmenter cuts whole sentences (a line break ends one too, because saved
news text often has none at the end of a paragraph) and trims an over-long
sentence to a window around its matches. The formatter yields plain text plus
the character offsets of every match, so the API returns data and each
renderer (rich, JSON) decides how a match looks.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.highlight import (
    Formatter,
    Fragment,
    Fragmenter,
    Highlighter,
    WholeFragmenter,
)

from .models import Span

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|\n")
_LINE_END = re.compile(r"\n")
ELLIPSIS = "…"


class SentenceFragmenter(Fragmenter):
    """One fragment per sentence holding a match, at most ``maxchars`` long.

    With ``lines=True`` a fragment is a whole line (a caption), not a sentence.
    """

    def __init__(self, maxchars: int = 240, charlimit: int = 2**17, lines: bool = False) -> None:
        self.maxchars = maxchars
        self.charlimit = charlimit
        self.boundary = _LINE_END if lines else _SENTENCE_END

    def fragment_tokens(self, text: str, tokens: Iterable[Any]) -> Iterator[Fragment]:
        matched = []
        for token in tokens:
            if token.endchar > self.charlimit:
                break
            if token.matched:
                matched.append(token.copy())
        if not matched:
            return
        ends = [m.end() for m in self.boundary.finditer(text)]
        group: list[Any] = []
        group_end = -1
        for token in matched:
            if group and token.startchar >= group_end:
                yield self._fragment(text, group, ends)
                group = []
            if not group:
                i = bisect_right(ends, token.startchar)
                group_end = ends[i] if i < len(ends) else len(text)
            group.append(token)
        yield self._fragment(text, group, ends)

    def _fragment(self, text: str, matches: list[Any], ends: list[int]) -> Fragment:
        first, last = matches[0], matches[-1]
        i = bisect_right(ends, first.startchar)
        start = ends[i - 1] if i else 0
        j = bisect_left(ends, last.endchar)
        end = ends[j] if j < len(ends) else len(text)
        while start < first.startchar and text[start].isspace():
            start += 1
        while end > last.endchar and text[end - 1].isspace():
            end -= 1
        cut_start = cut_end = False
        if end - start > self.maxchars:
            # Centre the window on the matches, then widen to whole words.
            room = max(self.maxchars - (last.endchar - first.startchar), 0)
            new_start = max(start, first.startchar - room // 3)
            new_end = min(end, max(last.endchar, new_start + self.maxchars))
            if new_start > start:
                new_start = text.find(" ", new_start, first.startchar) + 1 or first.startchar
                cut_start = True
            if new_end < end:
                space = text.rfind(" ", last.endchar, new_end)
                new_end = space if space > 0 else new_end
                cut_end = True
            start, end = new_start, new_end
            matches = [m for m in matches if start <= m.startchar and m.endchar <= end]
        fragment = Fragment(text, matches, start, end)
        fragment.cut_start, fragment.cut_end = cut_start, cut_end  # type: ignore[attr-defined]
        return fragment


class SpanFormatter(Formatter):
    """Formats fragments as ``(text, spans)`` pairs instead of marked-up strings."""

    def format_fragment(  # type: ignore[override]
        self, fragment: Fragment, replace: bool = False
    ) -> tuple[str, tuple[Span, ...]]:
        prefix = ELLIPSIS if getattr(fragment, "cut_start", False) else ""
        suffix = ELLIPSIS if getattr(fragment, "cut_end", False) else ""
        base = fragment.startchar - len(prefix)
        spans = []
        covered = fragment.startchar
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, -t.endchar)):
            if token.startchar < covered or token.endchar > fragment.endchar:
                continue
            spans.append(Span(token.startchar - base, token.endchar - base))
            covered = token.endchar
        text = prefix + fragment.text[fragment.startchar : fragment.endchar] + suffix
        return text, tuple(spans)

    def format(  # type: ignore[override]
        self, fragments: Iterable[Fragment], replace: bool = False
    ) -> list[tuple[str, tuple[Span, ...]]]:
        return [self.format_fragment(f) for f in fragments]


def snippet_highlighter() -> Highlighter:
    return Highlighter(fragmenter=SentenceFragmenter(), formatter=SpanFormatter())


def caption_highlighter() -> Highlighter:
    return Highlighter(fragmenter=SentenceFragmenter(maxchars=400, lines=True), formatter=SpanFormatter())


def whole_text_highlighter() -> Highlighter:
    """Highlights a short field (the title) whole."""
    return Highlighter(fragmenter=WholeFragmenter(), formatter=SpanFormatter())
