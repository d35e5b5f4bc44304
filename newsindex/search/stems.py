"""Searching articles stemmed in their own language.

An article in German is stemmed with the German stemmer, one in French with
the French (analysis.STEMMED_LANGUAGES), so "Wahlen" and "Wahl" meet in a
German article. A query does not say its language: each plain word also
matches its stem in every stemmed language the archive holds, where that
stem is a term of the index. An archive of one language pays nothing.
"""

from __future__ import annotations

from whoosh.query import Query, Term
from whoosh.searching import Searcher

from .._whoosh import cached_on
from ..analysis import STEMMED_LANGUAGES, stemmed
from .parse import UnionOr, plain_words, replace_clauses, typed_word

#: The fields stemmed by language.
STEMMED_FIELDS = ("title", "body", "captions")


def in_archive_languages(searcher: Searcher, parsed: Query) -> Query:
    """``parsed`` with each plain word matching its stems in the archive's other languages."""
    languages = _stemmed_languages(searcher)
    if not languages:
        return parsed
    reader = searcher.reader()
    replaced: dict[int, Query] = {}
    for clause in plain_words(parsed):
        word = typed_word(clause)
        if word is None:
            continue
        own = {(t.fieldname, t.text): t for t in clause.subqueries if isinstance(t, Term)}
        extra = []
        for field in STEMMED_FIELDS:
            english = next((t for (name, _), t in own.items() if name == field), None)
            if english is None:
                continue
            for stem in dict.fromkeys(stemmed(word, STEMMED_LANGUAGES[code]) for code in languages):
                if stem and (field, stem) not in own and (field, stem) in reader:
                    extra.append(Term(field, stem, boost=english.boost))
        if extra:
            replaced[id(clause)] = UnionOr([*clause.subqueries, *extra], boost=clause.boost)
    return replace_clauses(parsed, replaced) if replaced else parsed


def _stemmed_languages(searcher: Searcher) -> tuple[str, ...]:
    """The languages with a stemmer of their own that the archive's articles are in; kept on the reader."""
    reader = searcher.reader()

    def read() -> tuple[str, ...]:
        codes = {str(code) for code in reader.field_terms("lang")} if "lang" in searcher.schema else set()
        return tuple(sorted(codes & STEMMED_LANGUAGES.keys())) or ("",)

    languages: tuple[str, ...] = cached_on(reader, "stemmed_languages", read)
    return tuple(code for code in languages if code)
