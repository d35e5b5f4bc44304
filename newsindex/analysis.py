"""Whoosh analyzers: how text becomes index terms.

Pickled paths: ``newsindex.analysis.SnowballStemFilter``,
``newsindex.analysis.TransliterationFilter`` and
``newsindex.analysis.CJKBigramFilter`` are pickled into every index's
schema; they must not move or be renamed.

Body, title and captions are lower-cased, folded (:data:`FOLD_MAP`),
stop-worded and stemmed with Snowball English through PyStemmer (C, with a
word cache), so ``bridge`` finds ``bridges``, ``Zelenskyy`` folds like
``Zelénskyy``, ``Izmir`` like ``İzmir`` and ``Strassenbahn`` like
``Straßenbahn``. Names (outlet, byline) are folded and stop-worded but not
stemmed.

Words in Cyrillic or Greek letters are also indexed in Latin letters, at
their own positions and marked with :data:`TRANSLIT_MARK` (``~kharkiv`` for
``Харків``), so that a search in either script finds both while
``--exact-script`` can still tell them apart (:class:`TransliterationFilter`).

Each index keeps the analyzers it was written with (pickled in its schema),
so an index written before a change of folding is read with its own, and
index_postings folds with the map of the analyzer it is given.

Queries and highlighting run these chains through Whoosh. Indexing runs
:func:`index_postings` instead, which gives the same terms and positions a
text at a time (one regular-expression scan, one lower-casing, one accent
fold, one batch of stems) rather than a token at a time through five Python
generators, for analysis is most of a worker process's time.
tests/test_analysis.py holds the two to the same output.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, count
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
from whoosh.analysis.filters import STOP_WORDS
from whoosh.analysis.tokenizers import default_pattern
from whoosh.fields import FieldType
from whoosh.support.charset import accent_map

from .postings import CompactPositions, Counts, group_positions

#: Longer "words" (base64 blobs, runs of digits, binary noise that decoded as
#: text) are not indexed: no one searches for them, and they bloat the index.
MAX_TOKEN_CHARS = 64


def _fold_map() -> dict[int, str]:
    """Whoosh's accent map, made Unicode-aware where it is not: the sharp s
    is "ss" (German writes "Strasse" for "Straße" in capitals and in
    Switzerland), the dotless i is "i" and the combining dot that
    lower-casing leaves after a capital dotted I (Turkish "İzmir") goes, as
    does every combining accent of decomposed text; the final sigma is a
    sigma, and typographic ligatures are their letters. Greek letters lose
    their tonos and dialytika as Latin ones lose their accents, and Russian
    "ё" is "е", as Russian text writes it; other Cyrillic letters with marks
    ("й", Ukrainian "ї") are letters of their own and stay."""
    import unicodedata

    table: dict[int, str] = dict(accent_map)
    for code in (*range(0x370, 0x400), *range(0x1F00, 0x2000), ord("ё"), ord("Ё")):
        base = unicodedata.normalize("NFD", chr(code))
        if len(base) > 1 and all(unicodedata.combining(c) for c in base[1:]):
            table.setdefault(code, base[0].lower())
    for first, end in ((0x300, 0x370), (0x1AB0, 0x1B00), (0x1DC0, 0x1E00), (0x20D0, 0x2100), (0xFE20, 0xFE30)):
        table.update(dict.fromkeys(range(first, end), ""))
    table.update({ord("ß"): "ss", ord("ẞ"): "ss", ord("ı"): "i", ord("ς"): "σ"})
    table.update({0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"})
    return table


#: How indexed words are folded after lower-casing.
FOLD_MAP = _fold_map()


def fold_word(word: str) -> str:
    """A word as this version's analyzers fold it (lower case, :data:`FOLD_MAP`), before stop words and stems."""
    return _fold([word], FOLD_MAP)[0]


class _LanguageFilter(Filter):
    """A filter made for one Snowball language (or none). The schema, and so
    the filter, is pickled into the index's table of contents, and a
    PyStemmer object cannot be pickled: only the language is."""

    def __init__(self, language: str | None) -> None:
        self.language = language
        self._stem = Stemmer.Stemmer(language).stemWord if language else None

    def __getstate__(self) -> dict[str, Any]:
        return {"language": self.language}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["language"])  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.language == self.language  # type: ignore[attr-defined]


class SnowballStemFilter(_LanguageFilter):
    """Stems tokens with PyStemmer's Snowball stemmer."""

    is_morph = True

    def __init__(self, language: str = "english") -> None:
        super().__init__(language)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = self._stem
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


_CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK = re.compile(f"[{_CJK_CHARS}]")
_CJK_RUNS = re.compile(f"[{_CJK_CHARS}]+|[^{_CJK_CHARS}]+")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese, Japanese or Korean character."""
    return _CJK.search(text) is not None


def cjk_pieces(word: str) -> list[str]:
    """A word as :class:`CJKBigramFilter` cuts it: each run of Chinese,
    Japanese or Korean characters into overlapping pairs ("華為公司" ->
    "華為", "為公", "公司"), a lone character kept, other runs whole."""
    pieces: list[str] = []
    for run in _CJK_RUNS.findall(word):
        if _CJK.match(run) and len(run) > 1:
            pieces.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            pieces.append(run)
    return pieces


class CJKBigramFilter(Filter):
    """Cuts Chinese, Japanese and Korean text, which is not written in words
    separated by spaces, into overlapping character pairs, as Lucene's CJK
    analyzer does: no dictionary to ship or keep up to date, and every word
    of two characters or more is found whatever a segmenter would have made
    of it. A lone character is kept, and dropped as other one-letter words
    are. Every piece keeps the word's place in the text, for highlighting."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CJKBigramFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if not _CJK.search(token.text):
                yield token
                continue
            for piece in cjk_pieces(token.text):
                cut = token.copy()
                cut.text = piece
                yield cut


#: Starts an indexed transliteration: never in a word the tokenizer finds.
TRANSLIT_MARK = "~"
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_CYRILLIC_OR_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f]")
_NOT_LATIN_WORD = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=50_000)
def latin_forms(word: str) -> tuple[str, ...]:
    """A folded word in Cyrillic or Greek letters as Latin text writes it,
    the usual ways; () for a word in other letters. Ukrainian's national
    system (translitua: Київ -> kyiv, Харків -> kharkiv), which no general
    library follows, and anyascii's (Russian-style for Cyrillic: Киев ->
    kiev; Greek: Αθήνα -> athina). Apostrophes of soft signs are dropped."""
    if not _CYRILLIC_OR_GREEK.search(word):
        return ()
    from anyascii import anyascii

    forms = [anyascii(word)]
    if _CYRILLIC.search(word):
        from translitua import translit

        forms.insert(0, translit(word))
    folded = (_NOT_LATIN_WORD.sub("", form.lower().translate(FOLD_MAP)) for form in forms)
    return tuple(dict.fromkeys(form for form in folded if len(form) >= _MIN_TOKEN_CHARS))


class TransliterationFilter(_LanguageFilter):
    """After the stemmer: each word in Cyrillic or Greek is followed, at its
    position, by its :func:`latin_forms`, stemmed as the field stems and
    marked (``~kharkiv``). Only when indexing: a query asks for the
    transliterations it wants (search/scripts.py)."""

    def latin_stems(self, term: str) -> tuple[str, ...]:
        """A term's Latin forms, stemmed as the field stems (unmarked); () for a term in Latin letters."""
        forms = latin_forms(term)
        return tuple(dict.fromkeys(map(self._stem, forms))) if self._stem else forms

    def marked(self, term: str) -> tuple[str, ...]:
        """The marked forms indexed beside a term in Cyrillic or Greek."""
        return tuple(TRANSLIT_MARK + stem for stem in self.latin_stems(term))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            yield token
            if token.mode == "query" or token.stopped or not _CYRILLIC_OR_GREEK.search(token.text):
                continue
            for text in self.marked(token.text):
                extra = token.copy()
                extra.text = text
                yield extra


def text_analyzer() -> Analyzer:
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(FOLD_MAP)
        | CJKBigramFilter()
        | StopFilter(maxsize=MAX_TOKEN_CHARS)
        | SnowballStemFilter("english")
        | TransliterationFilter("english")
    )


def name_analyzer() -> Analyzer:
    # Stop words go here too, so a query of only stop words means the same in every field.
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(FOLD_MAP)
        | CJKBigramFilter()
        | StopFilter(maxsize=MAX_TOKEN_CHARS)
        | TransliterationFilter(None)
    )


#: Whoosh's RegexTokenizer pattern without its capturing group, for findall.
_WORD = re.compile(default_pattern.pattern.replace("(\\.", "(?:\\."))
_MIN_TOKEN_CHARS = 2  # StopFilter's default minsize
_SEPARATOR = "\x00"  # never in a token; ends a word for lower()'s final sigma rule
_NOT_IN_WORD = re.compile(r"[^\w*.]")
#: An ASCII text's words as _WORD finds them, lower-cased, by C calls alone:
#: every character that is not in the pattern's words a space, letters lower
#: case, then each dot that does not join two word characters a space too.
_ASCII_WORDS = str.maketrans(
    {c: c.lower() if c.isalnum() or c in "_*." else " " for c in map(chr, range(128))}
)
_LONE_DOT = re.compile(r"\.(?:(?<![\w*]\.)|(?![\w*]))")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
CHUNK_CHARS = 1 << 20
_PHRASE_MARGIN = 4096  # characters a phrase that starts before a snippet's limit may run on
_COMPACT = CompactPositions()


def ascii_words(text: str) -> str | None:
    """The text with every character outside ASCII a question mark, when
    none of them is in a word (a pound sign, a curly quote, a dash: common
    in news text), so that its words are an ASCII text's; None
    when one is. (\\w is ``isalnum()`` or "_"; no character's lower case is
    a word character when it is not: tests/test_analysis.py.)"""
    if text.isascii():
        return text
    if any(c.isalnum() for c in set(_NON_ASCII.findall(text))):
        return None
    return text.encode("ascii", "replace").decode("ascii")


@dataclass(frozen=True)
class Analysed:
    """A text's postings in one field, as :func:`index_postings` gives them
    to the writer process: byte strings, whatever the number of terms, which
    the writer appends to its arrays whole (segments.HeldPostings). As
    a list of (term, frequency, weight, positions) tuples, the postings
    would take several times the room pickled, and a Python call a posting
    to take in. The numbers are in the machine's byte order: they go from one
    process to another on the same machine, never to disk."""

    #: The terms, UTF-8, joined by NUL (no word has one).
    terms: bytes
    #: Each term's frequency, an array of 32-bit numbers.
    frequencies: bytes
    #: Each term's weight as the index keeps it: its frequency times the
    #: field's boost, an array of 32-bit floats.
    weights: bytes
    #: Each term's positions as the field's format encodes them, end to end.
    values: bytes
    #: The size of each term's value, an array of 32-bit numbers.
    sizes: bytes
    #: The field's length: how many words it indexes.
    length: int

    def postings(self, field_boost: float) -> Iterator[tuple[bytes, int, float, bytes]]:
        """What Whoosh's ``field.index()`` gives: (term, frequency, weight, value)."""
        frequencies = array("I", self.frequencies)
        terms = self.terms.split(b"\0") if frequencies else []
        ends = list(accumulate(array("I", self.sizes)))
        values = map(self.values.__getitem__, map(slice, [0, *ends], ends))
        return zip(terms, frequencies, map(field_boost.__mul__, frequencies), values, strict=True)


#: A text of fewer indexed words has its positions grouped by term in Python,
#: a longer one in numpy (:func:`group_positions`), whose calls cost more
#: than they save on a title.
NUMPY_WORDS = 64


#: Languages stemmed in their own Snowball stemmer (ISO 639-1 code: PyStemmer's
#: name). Others are stemmed as English, which leaves words in other scripts
#: whole (Ukrainian has no Snowball stemmer).
STEMMED_LANGUAGES = {
    "ca": "catalan", "da": "danish", "de": "german", "es": "spanish", "et": "estonian", "fi": "finnish",
    "fr": "french", "hu": "hungarian", "id": "indonesian", "it": "italian", "lt": "lithuanian", "nl": "dutch",
    "no": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "sv": "swedish", "tr": "turkish",
    "ru": "russian", "el": "greek",
}
#: Of those, the languages not written in Latin letters.
_STEMMED_SCRIPTS = frozenset({"ru", "el"})


def stemmed(word: str, stemmer: str) -> str | None:
    """A folded word's term in a text stemmed by ``stemmer`` (a PyStemmer name); None for a word not indexed."""
    return _terms_of(stemmer)[word]


def index_postings(field: FieldType, text: str, language: str | None = None) -> Analysed:
    """``field.index(text)`` for a field analysed by :func:`text_analyzer`
    or :func:`name_analyzer` and stored as :class:`CompactPositions` (or
    :class:`Counts`, which keeps no positions), for each term of the text.
    Each word is numbered by its term in a C loop (a dictionary that numbers
    the terms as they come); the numbers are grouped into each term's
    positions, and those encoded, all at once.
    Long texts go a megabyte at a time, so the word lists of a very long
    text never sit in memory at once. A text in ``language`` (ISO 639-1) is
    stemmed with that language's stemmer where :data:`STEMMED_LANGUAGES` has one."""
    if type(field.format) not in (CompactPositions, Counts):
        raise ValueError(f"index_postings does not know the format {field.format!r}")
    terms_of = _terms(field.analyzer)
    if language in STEMMED_LANGUAGES and terms_of.language is not None:
        terms_of = _terms_of(STEMMED_LANGUAGES[language])
    charmap = _charmap(field.analyzer)
    cjk = cuts_cjk(field.analyzer) and not text.isascii()
    # A text stemmed in Russian or Greek keeps each term's words: their Latin
    # forms are made from the words as written, as a Latin query writes them.
    sources: dict[str, set[str]] | None = {} if language in _STEMMED_SCRIPTS and terms_of.language else None
    numbers: defaultdict[str, int] = defaultdict(count().__next__)
    words = array("I")  # the indexed words, by their terms' numbers
    seen = 0  # words of the chunks before
    first: int | None = None  # StopFilter's renumbering: the first kept word keeps its place, the rest follow on
    for chunk in _chunks(text):
        folded = _folded_words(chunk, charmap)
        places: list[int] | None = None  # each piece's word, where CJK words were cut
        if cjk and _CJK.search(chunk):
            cut = [(place, piece) for place, word in enumerate(folded) for piece in cjk_pieces(word)]
            places, pieces = [place for place, _ in cut], [piece for _, piece in cut]
        terms = list(map(terms_of.__getitem__, folded if places is None else pieces))  # None: not indexed
        if first is None:
            kept = next((i for i, term in enumerate(terms) if term is not None), None)
            first = None if kept is None else seen + (kept if places is None else places[kept])
        words.extend(map(numbers.__getitem__, filter(None, terms)))
        if sources is not None:
            for word, term in zip(folded if places is None else pieces, terms, strict=True):
                if term is not None:
                    sources.setdefault(term, set()).add(word)
        seen += len(folded)
    if first is None:
        return Analysed(b"", b"", b"", b"", b"", 0)
    translit = transliterating(field.analyzer)
    if translit is not None and not text.isascii() and _CYRILLIC_OR_GREEK.search(text):
        return _with_latin_forms(field, numbers, words, first, translit, sources)
    if type(field.format) is Counts:
        frequencies, values, sizes = _counted(words, len(numbers))
    elif len(words) < NUMPY_WORDS:
        frequencies, values, sizes = _grouped_in_python(words, len(numbers), first)
    else:
        frequencies, values, sizes = group_positions(words, len(numbers), first)
    weights = array("f", map(field.format.field_boost.__mul__, array("I", frequencies))).tobytes()
    return Analysed("\0".join(numbers).encode("utf-8"), frequencies, weights, values, sizes, len(words))


def _with_latin_forms(
    field: FieldType,
    numbers: dict[str, int],
    words: array,
    first: int,
    translit: TransliterationFilter,
    sources: dict[str, set[str]] | None = None,
) -> Analysed:
    """index_postings of a text with words in Cyrillic or Greek: each such
    term's positions go to its marked Latin forms too, as
    TransliterationFilter puts them; with ``sources`` (a text stemmed in its
    own language), the forms of the words the term stands for. The field's
    length counts the forms too, as Whoosh's writer counts every token
    (tests/test_segments.py)."""
    positions: list[list[int]] = [[] for _ in range(len(numbers))]
    for position, term in enumerate(words, first):
        positions[term].append(position)
    by_term = dict(zip(numbers, positions, strict=True))
    added: dict[str, list[int]] = {}
    for term, places in zip(numbers, positions, strict=True):
        if not _CYRILLIC_OR_GREEK.search(term):
            continue
        written = sorted(sources.get(term, {term})) if sources is not None else [term]
        for form in dict.fromkeys(form for word in written for form in translit.marked(word)):
            added.setdefault(form, []).extend(places)
    by_term.update((form, sorted(set(places))) for form, places in added.items())
    values = list(map(field.format.encode, by_term.values()))
    frequencies = array("I", map(len, by_term.values()))
    weights = array("f", map(field.format.field_boost.__mul__, frequencies)).tobytes()
    return Analysed("\0".join(by_term).encode("utf-8"), frequencies.tobytes(), weights, b"".join(values),
                    array("I", map(len, values)).tobytes(), sum(frequencies))


def word_terms(field: FieldType, text: str) -> list[str]:
    """The terms a field's analyzer makes of a short text, as a query of it
    would: by the tables :func:`index_postings` uses, not a token at a time
    through Whoosh's chain (for many short texts: a city's other names)."""
    terms_of = _terms(field.analyzer)
    return [term for term in map(terms_of.__getitem__, _fold(_WORD.findall(text), _charmap(field.analyzer))) if term]


def _counted(words: array, terms: int) -> tuple[bytes, bytes, bytes]:
    """Each term's frequency, for a field that keeps no positions (:class:`Counts`): no values."""
    frequencies = array("I", bytes(4 * terms))
    for term, frequency in Counter(words).items():
        frequencies[term] = frequency
    return frequencies.tobytes(), b"", bytes(4 * terms)


def _grouped_in_python(words: array, terms: int, first: int) -> tuple[bytes, bytes, bytes]:
    """:func:`group_positions`, a word at a time: for short texts."""
    positions: list[list[int]] = [[] for _ in range(terms)]
    for position, term in enumerate(words, first):
        positions[term].append(position)
    values = list(map(_COMPACT.encode, positions))
    frequencies = array("I", map(len, positions)).tobytes()
    return frequencies, b"".join(values), array("I", map(len, values)).tobytes()


def highlight_tokens(field: FieldType, text: str, charlimit: int) -> tuple[list[re.Match[str]], list[str]]:
    """The words of ``text`` up to a little past ``charlimit`` (enough for a
    phrase to end): each word's match (its offsets), and its text as the
    field's analyzer leaves it with stop words kept (``removestops=False``:
    stop words folded, not stemmed), which is what Whoosh's highlighter
    matches query terms and phrases against."""
    matches = list(_WORD.finditer(text, 0, _analysed_end(text, charlimit)))
    folded = _fold([m.group() for m in matches], _charmap(field.analyzer))
    terms = map(_terms(field.analyzer).__getitem__, folded)
    return matches, [word if term is None else term for word, term in zip(folded, terms, strict=True)]


def matched_words(
    field: FieldType, text: str, charlimit: int, terms: frozenset[str]
) -> list[tuple[int, int, str]] | None:
    """The words of ``text`` up to ``charlimit`` that the field's analyzer
    turns into one of ``terms``: (start, end, term), as highlight_tokens
    would find them, without analysing the other words. Only where it is
    exact: an ASCII text, whose lower-casing keeps every offset and folds no
    accent. A Snowball stem keeps all but the last letter of its word, save
    "dying" -> "die" and its kind (checked over the 285,000 ASCII words of
    the research corpora), so only words starting with those letters are
    analysed; on a snippet's worth of text that is a few words, not all.
    None for a text this cannot read (non-ASCII, a one-letter term)."""
    if not text.isascii() or any(len(term) < 2 for term in terms):
        return None
    if not terms:
        return []
    end = _analysed_end(text, charlimit)
    low = text.lower()
    terms_of = _terms(field.analyzer)
    found = []
    for start in _starts_of(terms).finditer(low, 0, end):
        word = _WORD.match(low, start.start(), end)
        assert word is not None  # a start of a word was found
        folded = word.group()
        term = terms_of[folded] or folded
        if term in terms:
            if word.end() > charlimit:
                break
            found.append((word.start(), word.end(), term))
    return found


@lru_cache(maxsize=64)
def _starts_of(terms: frozenset[str]) -> re.Pattern[str]:
    """Where a word that may analyse to one of ``terms`` starts: at a word's
    start (not after a letter, nor after a letter and a dot: _WORD would
    have gone on), the term less its last letter, or "Xy" for "Xie"."""
    prefixes = {term[:-1] for term in terms} | {term[:-2] + "y" for term in terms if term.endswith("ie")}
    alternatives = "|".join(map(re.escape, sorted(prefixes, key=len, reverse=True)))
    return re.compile(rf"(?<!\w)(?<!\w\.)(?:{alternatives})")


def _analysed_end(text: str, charlimit: int) -> int:
    """Where highlighting stops reading: a little past ``charlimit`` (enough
    for a phrase to end), at the end of a word."""
    end = len(text)
    if end > charlimit + _PHRASE_MARGIN:
        boundary = _NOT_IN_WORD.search(text, charlimit + _PHRASE_MARGIN)
        end = boundary.start() if boundary else end
    return end


def _charmap(analyzer: Analyzer) -> dict[int, str]:
    """The fold map of one of the analyzers above (:func:`_terms` checks its parts)."""
    charmap: dict[int, str] = analyzer.items[2].charmap
    return charmap


def _fold(words: list[str], charmap: dict[int, str]) -> list[str]:
    """LowercaseFilter and CharsetFilter(charmap) over all the words at once."""
    if not words:
        return []
    folded = _SEPARATOR.join(words).lower()
    # No fold map changes a lower-case ASCII letter: English news is spared a
    # dictionary lookup a character.
    return (folded if folded.isascii() else folded.translate(charmap)).split(_SEPARATOR)


def _folded_words(text: str, charmap: dict[int, str]) -> list[str]:
    """``_fold(_WORD.findall(text))``, lower-casing the text whole instead of
    its words joined, which is cheaper: the same words wherever
    lower() turns each character into one character, and not by its
    neighbours (only a capital sigma is; a dotted capital I becomes two),
    for no character's lower case is a word character when it is not, or
    the other way round (tests/test_analysis.py checks every code point).
    A text whose words are ASCII is cut by a translation and a split
    instead, where the pattern cuts it, cheaper still."""
    ascii_text = ascii_words(text)
    if ascii_text is not None:
        spaced = ascii_text.translate(_ASCII_WORDS)
        return (_LONE_DOT.sub(" ", spaced) if "." in spaced else spaced).split()
    low = text.lower()
    if len(low) != len(text) or "\u03a3" in text:
        return _fold(_WORD.findall(text), charmap)
    words = _WORD.findall(low)
    if low.isascii():
        return words
    joined = _SEPARATOR.join(words)
    return words if joined.isascii() else joined.translate(charmap).split(_SEPARATOR)


def _indexed(word: str) -> bool:
    """What StopFilter lets through."""
    return _MIN_TOKEN_CHARS <= len(word) <= MAX_TOKEN_CHARS and word not in STOP_WORDS


def _chunks(text: str) -> Iterator[str]:
    """The text in pieces of about CHUNK_CHARS, cut where no word can go on."""
    start = 0
    while len(text) - start > CHUNK_CHARS:
        boundary = _NOT_IN_WORD.search(text, start + CHUNK_CHARS)
        if boundary is None:
            break
        yield text[start : boundary.start()]
        start = boundary.start()
    yield text[start:]


def _terms(analyzer: Analyzer) -> _Terms:
    """The analyzer's terms of folded words, looked up by ``terms[word]``;
    an analyzer made of other parts than the two above is refused."""
    # The filters that add terms or cut words (index_postings does their
    # work) change no word's term.
    parts = [type(part) for part in analyzer.items if type(part) not in (TransliterationFilter, CJKBigramFilter)]
    if parts == [RegexTokenizer, LowercaseFilter, CharsetFilter, StopFilter, SnowballStemFilter]:
        return _terms_of(next(p.language for p in analyzer.items if isinstance(p, SnowballStemFilter)))
    if parts == [RegexTokenizer, LowercaseFilter, CharsetFilter, StopFilter]:
        return _terms_of(None)
    raise ValueError(f"index_postings does not know the analyzer {analyzer!r}")


def cuts_cjk(analyzer: Analyzer) -> bool:
    """Whether the analyzer cuts CJK text into pairs (not an index written before 0.3)."""
    return any(isinstance(part, CJKBigramFilter) for part in analyzer.items)


def transliterating(analyzer: Analyzer) -> TransliterationFilter | None:
    """The analyzer's TransliterationFilter: None for an index written before it."""
    last = analyzer.items[-1]
    return last if isinstance(last, TransliterationFilter) else None


#: Words whose terms a process keeps: about 200 bytes a word. Larger than a
#: news corpus's working vocabulary, so that the cache does not keep purging
#: itself as PyStemmer's own (10,000 words by default) does.
TERM_CACHE_WORDS = 50_000


class _Terms(dict[str, str | None]):
    """Each folded word's term: its Snowball stem (or the word, unstemmed),
    or None for a word StopFilter drops (a stop word, too short or too long);
    computed the first time it is asked for. Looking the words up is a C loop
    (``map(terms.__getitem__, words)``, then ``filter(None, ...)``), where
    PyStemmer's own cache (``stemWords``) and a stop-word test in Python
    cost a call a word each."""

    def __init__(self, language: str | None) -> None:
        super().__init__()
        self.language = language
        # No cache of PyStemmer's own: this is one.
        self._stem = Stemmer.Stemmer(language, 0).stemWord if language else None

    def __missing__(self, word: str) -> str | None:
        if len(self) >= TERM_CACHE_WORDS:
            self.clear()
        term = self[word] = (self._stem(word) if self._stem else word) if _indexed(word) else None
        return term


@lru_cache(maxsize=len(STEMMED_LANGUAGES) + 2)
def _terms_of(language: str | None) -> _Terms:
    return _Terms(language)
