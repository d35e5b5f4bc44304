"""Snippets: Whoosh's highlighter with a sentence fragmenter and a span formatter.

The fragmenter cuts whole sentences (a line break ends one too, because saved
news text often has none at the end of a paragraph) and trims an over-long
sentence to a window around its matches. The formatter yields plain text plus
the character offsets of every match, so the API returns data and each
renderer (rich, JSON) decides how a match looks.

Whoosh's highlighter runs the field's analyzer over the whole text, a token
at a time through five generators, to find the matched words: most of the
time of a search with snippets. Here the text is analysed in bulk
(analysis.highlight_tokens) and the words matched as Whoosh matches them,
phrases included; tests/test_highlight.py holds the two to the same result.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from whoosh.analysis import Token
from whoosh.highlight import (
    Formatter,
    Fragment,
    Fragmenter,
    Highlighter,
    WholeFragmenter,
    top_fragments,
)
from whoosh.query import Query

from ..analysis import TRANSLIT_MARK, cjk_pieces, has_cjk, highlight_tokens, matched_words, transliterating
from ..models import Snippet, Span

#: Where a sentence ends: its closing mark (and quote), or a line break.
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|\n")
_LINE_END = re.compile(r"\n")
ELLIPSIS = "…"


class SentenceFragmenter(Fragmenter):
    """One fragment per sentence holding a match, at most ``maxchars`` long.

    With ``lines=True`` a fragment is a whole line (a caption), not a sentence.
    """

    def __init__(self, maxchars: int = 240, charlimit: int = 2**17, lines: bool = False) -> None:
        self.maxchars = maxchars
        self.charlimit = charlimit
        self.boundary = _LINE_END if lines else SENTENCE_END

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


class BulkHighlighter(Highlighter):
    """Whoosh's Highlighter, with the matched words found in bulk."""

    def highlight_hit(  # type: ignore[override]
        self,
        hitobj: Any,
        fieldname: str,
        text: str | None = None,
        top: int = 3,
        minscore: float = 1,
        strict_phrase: bool = False,
    ) -> Any:
        results = hitobj.results
        field = results.searcher.schema[fieldname]
        if text is None:
            text = hitobj[fieldname]
        terms, phrases = self._searched(results, fieldname, strict_phrase)
        charlimit = self.fragmenter.charlimit or len(text)
        words = None if phrases else matched_words(field, text, charlimit, terms)
        if words is not None:
            tokens: Iterable[Token] = (
                Token(text=term, startchar=start, endchar=end, matched=True, boost=1.0) for start, end, term in words
            )
        else:
            matches, analysed = highlight_tokens(field, text, charlimit)
            marked = frozenset(term for term in terms if term.startswith(TRANSLIT_MARK))
            if marked:  # a word in another script matched by its Latin form: marked as written
                translit = transliterating(field.analyzer)
                if translit is not None:
                    terms = terms | {word for word in set(analysed) if marked.intersection(translit.marked(word))}
            if any(map(has_cjk, terms)):  # a CJK word matched by one of its pairs: marked whole
                pairs = terms
                terms |= {word for word in set(analysed) if has_cjk(word) and pairs.intersection(cjk_pieces(word))}
            tokens = _matched_tokens(matches, analysed, terms, phrases, charlimit)
        fragments = self.fragmenter.fragment_tokens(text, tokens)
        fragments = top_fragments(fragments, top, self.scorer, self.order, minscore=minscore)
        return self.formatter.format(fragments)

    def _searched(self, results: Any, fieldname: str, strict_phrase: bool) -> tuple[frozenset[str], Sequence[Any]]:
        """The terms (and phrases) to mark, the same for every hit of the results."""
        if self.__dict__.get("_searched_for") is not results:  # kept, so its id is not reused
            self._searched_for = results
            self._searched_cache: dict[tuple[str, bool], tuple[frozenset[str], Sequence[Any]]] = {}
        cache = self._searched_cache
        key = (fieldname, strict_phrase)
        if key not in cache:
            phrases: Sequence[Any] = ()
            if strict_phrase:
                query_terms, phrases = results.q.phrases()
                terms = frozenset(term.text for term in query_terms)
            else:
                if results.has_matched_terms():
                    bterms = [term for term in results.matched_terms() if term[0] == fieldname]
                else:
                    bterms = results.query_terms(expand=True, fieldname=fieldname)
                from_bytes = results.searcher.schema[fieldname].from_bytes
                terms = frozenset(from_bytes(term[1]) for term in bterms)
            cache[key] = (terms, phrases)
        return cache[key]


def _matched_tokens(
    matches: list[re.Match[str]], words: list[str], terms: frozenset[str], phrases: Sequence[Any], charlimit: int
) -> Iterator[Token]:
    """The matched words, as Whoosh's set_matched_filter (or, with phrases,
    set_matched_filter_phrases) marks them among all the tokens."""
    matched = {i for i, word in enumerate(words) if word in terms}
    for phrase in phrases:
        matched |= _phrase_matches(words, list(phrase.words), phrase.slop)
    for i in sorted(matched):
        start, end = matches[i].span()
        if end > charlimit:
            return
        yield Token(text=words[i], startchar=start, endchar=end, matched=True, boost=1.0)


def _phrase_matches(words: list[str], phrase: list[str], slop: int) -> set[int]:
    """Where the phrase occurs, by the algorithm of Whoosh's
    set_matched_filter_phrases: exact runs, or with ``slop``, each next word
    the last one within ``slop`` words of the one before."""
    found: set[int] = set()
    first, rest, size = phrase[0], phrase[1:], len(phrase)
    i = 0
    while i < len(words):
        if words[i] != first:
            i += 1
        elif slop == 1:
            if words[i + 1 : i + size] == rest:
                found.update(range(i, i + size))
                i += size
            else:
                i += 1
        else:
            at = i
            places = [i]
            for word in rest:
                window = words[at + 1 : at + 1 + slop]
                if word not in window:
                    i += 1
                    break
                at += len(window) - window[::-1].index(word)
                places.append(at)
            else:
                i = at
                found.update(places)
    return found


def snippet_highlighter() -> Highlighter:
    return BulkHighlighter(fragmenter=SentenceFragmenter(), formatter=SpanFormatter())


def caption_highlighter() -> Highlighter:
    return BulkHighlighter(fragmenter=SentenceFragmenter(maxchars=400, lines=True), formatter=SpanFormatter())


def whole_text_highlighter() -> Highlighter:
    """Highlights a short field (the title) whole."""
    return BulkHighlighter(fragmenter=WholeFragmenter(), formatter=SpanFormatter())


class Highlighters(NamedTuple):
    body: Highlighter
    captions: Highlighter
    title: Highlighter
    strict: bool

    @classmethod
    def for_query(cls, parsed: Query) -> Highlighters:
        # Whoosh's phrase-aware highlighting marks a phrase's words only where
        # they form the phrase; it is only right (and needed) when there is one.
        strict = bool(parsed.phrases()[1])
        return cls(snippet_highlighter(), caption_highlighter(), whole_text_highlighter(), strict)


def highlight_hit(
    result: Any, fields: dict[str, Any], highlighters: Highlighters
) -> tuple[list[Snippet], tuple[Span, ...]]:
    strict = highlighters.strict
    found = [
        Snippet("body", text, spans)
        for text, spans in highlighters.body.highlight_hit(result, "body", top=3, strict_phrase=strict)
    ]
    if not found and fields.get("captions"):
        found = [
            Snippet("captions", text, spans)
            for text, spans in highlighters.captions.highlight_hit(result, "captions", top=2, strict_phrase=strict)
        ]
    title_matches: tuple[Span, ...] = ()
    if fields.get("title"):
        formatted = highlighters.title.highlight_hit(result, "title", top=1, strict_phrase=strict)
        title_matches = formatted[0][1] if formatted else ()
    return found, title_matches
