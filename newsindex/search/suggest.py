""""Did you mean": a corrected query built from the index's own vocabulary.

Only a suggestion: the query that ran is the one typed. Each query word that
the body's vocabulary lacks is looked up with Whoosh's ``terms_within`` (edit
distance over the term index, sharing the first letter); candidates rank by
edit distance counting a swap of two letters as one edit ("brigde"), then by
how many articles use them. The index holds stems ("bridg"), so the word
shown is the one the best hit of the corrected query actually uses.
"""

from __future__ import annotations

from typing import Any

from whoosh.query import Query, Term
from whoosh.searching import Searcher

#: Searches with fewer hits than this get a suggestion, if one finds more.
SUGGEST_BELOW = 3

Spans = dict[tuple[int, int], str]


def corrections(searcher: Searcher, parsed: Query) -> Spans:
    """For each misspelt query word, its span in the query string and the corrected stem."""
    reader = searcher.reader()
    found: Spans = {}
    for leaf in parsed.leaves():
        if not (isinstance(leaf, Term) and leaf.fieldname == "body" and isinstance(leaf.text, str)):
            continue
        span = (getattr(leaf, "startchar", None), getattr(leaf, "endchar", None))
        if None in span or span in found or len(leaf.text) < 3 or reader.doc_frequency("body", leaf.text):
            continue
        best = best_correction(reader, leaf.text)
        if best is not None:
            found[span] = best  # type: ignore[index]
    return found


def spelled(text: str, fixes: Spans, best_hit: dict[str, Any], analyzer: Any) -> str:
    """The query with each fix spelt as the best hit of the corrected query spells it."""
    words = _surface_words(" ".join(filter(None, (best_hit.get("title"), best_hit.get("body")))), analyzer)
    return apply(text, {span: _cased(text[span[0] : span[1]], words.get(stem, stem)) for span, stem in fixes.items()})


def apply(text: str, replacements: Spans) -> str:
    for (start, end), word in sorted(replacements.items(), reverse=True):
        text = text[:start] + word + text[end:]
    return text


def candidates(reader: Any, stem: str) -> list[str]:
    """The index's stems within one edit of the unknown ``stem`` (two for a
    stem of five letters or more) that share its first letter."""
    maxdist = 1 if len(stem) <= 4 else 2
    return [w for w in reader.terms_within("body", stem, maxdist, prefix=1) if w != stem]


def best_correction(reader: Any, stem: str) -> str | None:
    """The candidate nearest ``stem``, then the one most articles use.

    Weighing how many articles use a word against its distance (a noisy
    channel, which would turn "Blare" into Blair rather than blame) was
    measured and found worse on misspellings made from real queries, typed
    and by ear, on queries it was not tuned on (benchmarks/spelling.py)."""
    found = candidates(reader, stem)
    if not found:
        return None
    return min(found, key=lambda w: (edits(stem, w), -reader.doc_frequency("body", w), w))


def _surface_words(text: str, analyzer: Any) -> dict[str, str]:
    """Each stem's spelling in ``text``; lower case if it ever appears so, since a
    capital may only mean the word opened a sentence or a headline."""
    words: dict[str, str] = {}
    for token in analyzer(text, chars=True, mode="index", removestops=False):
        surface = text[token.startchar : token.endchar]
        if token.text not in words or surface.islower():
            words[token.text] = surface
    return words


def _cased(typed: str, word: str) -> str:
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word if word[:1].isupper() else word.lower()


def edits(a: str, b: str) -> int:
    """Edit distance where swapping two neighbouring letters is one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


#: Names looked through for a close one, at the most: past that, the look-up
#: would cost more than the search.
MAX_NAMES = 20_000


def close_name(searcher: Searcher, key_field: str, value: str) -> str | None:
    """The name among the index's values of ``key_field`` (outlet_key, or
    byline_key with a name a line) closest to ``value``, spelt as the index
    holds it; None when none is close."""
    import difflib

    names: dict[str, str] = {}
    for term in searcher.reader().lexicon(key_field):
        for name in term.decode("utf-8").split("\n"):
            if name:
                names.setdefault(name.lower(), name)
        if len(names) > MAX_NAMES:
            return None
    found = difflib.get_close_matches(" ".join(value.lower().split()), list(names), n=1, cutoff=0.6)
    return names[found[0]] if found else None
