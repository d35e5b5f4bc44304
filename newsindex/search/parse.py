"""Turning a query string into a Whoosh query.

Whoosh's query language over the search fields (all words must match by
default; "phrases", OR, NOT or -word, field:value), plus Whoosh's date plugin for
``date:2022-11`` and ``date:[2022-11-01 to 2022-11-30]``. Problems are
reported as :class:`QueryError`, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import islice
from math import ceil

from whoosh.fields import DATETIME, Schema
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup
from whoosh.query import And, Every, FuzzyTerm, MultiTerm, NullQuery, Or, Phrase, Query, Term, Wildcard
from whoosh.reading import IndexReader

from ..errors import InvalidValueError, QueryError
from ..schema import SEARCH_FIELDS, search_fields
from .daterange import column_date_ranges
from .queries import AtLeast, ExactPhrase

DATE_FORMS = "2022, 2022-11, 2022-11-11 or [2022-11-01 to 2022-11-30]"
#: Longer query strings are refused rather than parsed.
MAX_QUERY_CHARS = 20_000
#: A wildcard, prefix, fuzzy term or range may stand for at most this many
#: index words; more would make one query take seconds or minutes.
MAX_EXPANSIONS = 1024
MAX_FUZZY_EDITS = 2
#: Queries with more words and operators than this are refused.
MAX_QUERY_TERMS = 1000
MODES = ("auto", "all", "any")
#: In "auto" mode, a query of up to this many words requires every word (when
#: no article holds them all, the search falls back to fewer: see
#: run.fewer_words)...
AUTO_ALL_WORDS = 2
#: ...one of up to this many (a short search: longer is a question) at least
#: half of them, rounded up, so that neither a word misremembered nor an
#: article that words the subject otherwise hides it; holding more of them
#: scores more (COORDINATION)...
SHORT_SEARCH_WORDS = 5
#: ...and a longer one at least this many words, or this share of them
#: (rounded up) if more, as Elasticsearch's minimum_should_match does. Judged
#: relevant news often shares only a few words with a long question.
AUTO_MIN_WORDS = 1
AUTO_SHARE = 0.2
#: Where not every word is required, a match's score is multiplied by (share
#: of the words it holds) ** COORDINATION (** COORDINATION_LONG in a query
#: longer than SHORT_SEARCH_WORDS): holding every word is a strong
#: signal, not a gate.
COORDINATION = 0.5
COORDINATION_LONG = 0.0
#: Query-time weight of a word's score in the title, over the field's own
#: boost in the schema (2.5): a title match then counts for half a body
#: match. Searches for an article by words remembered from its text (and
#: TIME's questions, whose articles have no titles) rank better so.
TITLE_WEIGHT = 0.2
#: Query-time weight of a word's score in the exact forms (schema.py): an
#: article holding the very form typed scores this much more. A question
#: (more than SHORT_SEARCH_WORDS words) is phrased in its own words, not
#: the article's: there they weigh EXACT_WEIGHT_LONG (0: not searched, which
#: also spares a question's many words a second list of postings each).
EXACT_WEIGHT = 4.0
EXACT_WEIGHT_LONG = 0.0
#: A word's exact form is not searched when more than this share of the
#: articles, and more than COMMON_EXACT_ARTICLES, hold it (search.run):
#: reading its long postings would double the word's cost for a score its
#: low idf makes small. Short postings cost little, whatever their share.
COMMON_EXACT_SHARE = 0.05
COMMON_EXACT_ARTICLES = 1000
#: benchmarks/relevance.py chooses these, and BM25's k1 and b (schema.py), by
#: cross-validation on the TIME queries and known-item searches.


def field_weights() -> dict[str, float]:
    """Each search field's query-time weight, where not 1 (read at each
    query: benchmarks/relevance.py sets the constants)."""
    return {"title": TITLE_WEIGHT, "exact": EXACT_WEIGHT}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def parse_query(text: str, schema: Schema, mode: str = "auto") -> Query:
    if mode not in MODES:
        raise InvalidValueError("command line", "mode", f"{mode!r} is not one of {', '.join(MODES)}")
    if not text.strip():
        raise QueryError(text, "the query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(text, f"longer than {MAX_QUERY_CHARS} characters")
    if text.count('"') % 2:
        raise QueryError(text, 'a quoted phrase is not closed: end it with "')
    empty_field = _EMPTY_FIELD.search(text)
    if empty_field and empty_field[1] in schema:
        name = empty_field[1]
        raise QueryError(text, f"{name}: names a field but no word to search for in it ({name}:kherson)")
    date_errors: list[object] = []
    parser = MultifieldParser(list(search_fields(schema)), schema, fieldboosts=field_weights(),
                              group=OrGroup if mode == "any" else AndGroup)
    if _names_a_date_field(text, schema):
        # Only then: building the plugin compiles some seventy patterns, a
        # fifth of a cold search's time, and it reads nothing but "date:...".
        from whoosh.qparser.dateparse import DateParserPlugin

        parser.add_plugin(DateParserPlugin(callback=date_errors.append))
    try:
        query = parser.parse(_minus_as_not(_CONTROL.sub(" ", text)))
    except Exception as exc:
        # Whoosh's range parsers raise (ValueError, or a bare Exception) on
        # bounds that are not dates; nothing else in a query string can.
        raise QueryError(text, f"a range bound is not a date or number (use {DATE_FORMS}): {exc}") from None
    if date_errors:
        raise QueryError(text, f"{date_errors[0]} is not a date (use {DATE_FORMS})")
    if query is NullQuery:
        raise QueryError(text, "nothing to search for (only stop words or punctuation)")
    if sum(1 for _ in query.leaves()) > MAX_QUERY_TERMS:
        raise QueryError(text, f"more than {MAX_QUERY_TERMS} terms")
    query = query.accept(_every_document).accept(lambda q: _phrases_where_positions(q, schema))
    lone = next((q for q in query.leaves() if isinstance(q, Phrase) and not _has_positions(q, schema)), None)
    if lone is not None:
        raise QueryError(text, f"{lone.fieldname}: keeps no word positions, so a phrase cannot be searched in it")
    query = _exact_forms_weighed(column_date_ranges(query, schema)).accept(_union_tree).accept(_exact_phrase)
    return _relax_long_query(query) if mode == "auto" else query


#: A minus starting a word (not inside one, as in "well-known"): "-grain".
_MINUS = re.compile(r"(^|[\s(])-(?=[^\s-])")
#: A minus before a quoted phrase: the end of the text outside the quotes.
_MINUS_BEFORE_QUOTE = re.compile(r"(^|[\s(])-$")


def _minus_as_not(text: str) -> str:
    """``-word`` and ``-"a phrase"`` as ``NOT word``, as search engines read
    them; Whoosh's parser would take the minus for punctuation and *require*
    the word. Inside quoted phrases, nothing changes."""
    parts = text.split('"')
    for i in range(0, len(parts), 2):  # the parts outside quotes
        parts[i] = _MINUS.sub(r"\1NOT ", parts[i])
        if i + 1 < len(parts):  # a quote follows
            parts[i] = _MINUS_BEFORE_QUOTE.sub(r"\1NOT ", parts[i])
    return '"'.join(parts)


#: A field name and its colon followed by nothing (end, space or a closing parenthesis).
_EMPTY_FIELD = re.compile(r"(?:^|[\s(])(\w+):(?=$|[\s)])")


def _names_a_date_field(text: str, schema: Schema) -> bool:
    return any(f"{name}:" in text for name, field in schema.items() if isinstance(field, DATETIME))


class UnionOr(Or):
    """Or, always matched as a tree of unions. Whoosh's automatic choice
    preloads every match into arrays as long as the segment whenever a segment
    holds 5,000 documents or fewer, as ours do: that made a one-word search
    over five fields ten times slower than over one."""

    matcher_type = Or.DEFAULT_MATCHER


def _union_tree(query: Query) -> Query:
    if type(query) is Or and len(query.subqueries) < Or.TOO_MANY_CLAUSES:
        return UnionOr(query.subqueries, boost=query.boost, minmatch=query.minmatch, scale=query.scale)
    return query


def _relax_long_query(query: Query) -> Query:
    """Plain words of a query of more than AUTO_ALL_WORDS become "at least
    k of them", scored with coordination; phrases, field:value terms, dates
    and NOT stay required."""
    clauses = query.subqueries if isinstance(query, And) else [query]
    words = [c for c in clauses if _is_plain_word(c)]
    if len(words) <= AUTO_ALL_WORDS:
        return query
    others = [c for c in clauses if not _is_plain_word(c)]
    coordination = COORDINATION if len(words) <= SHORT_SEARCH_WORDS else COORDINATION_LONG
    relaxed = AtLeast(words, words_required(len(words)), coordination=coordination)
    return And([*others, relaxed]) if others else relaxed


def words_required(words: int) -> int:
    """How many of a query's plain words "auto" mode requires."""
    if words <= AUTO_ALL_WORDS:
        return words
    if words <= SHORT_SEARCH_WORDS:
        return max(AUTO_ALL_WORDS, ceil(words / 2))
    return max(AUTO_MIN_WORDS, ceil(words * AUTO_SHARE))


def plain_words(query: Query) -> list[Query]:
    """The plain words of a parsed query, each as the parser spread it over the search fields."""
    clauses = query.subqueries if isinstance(query, (And, AtLeast)) else [query]
    return [c for c in clauses if _is_plain_word(c)]


def typed_word(clause: Query) -> str | None:
    """A plain word's text as the name fields index it (folded, not stemmed),
    or None for a word the parser split (a hyphenated word)."""
    for term in clause.subqueries:
        if isinstance(term, Term) and term.fieldname == "byline":
            return str(term.text)
    return None


def replace_clauses(query: Query, replaced: dict[int, Query]) -> Query:
    """``query`` with the clauses whose ids are keys of ``replaced`` replaced
    (plain words: the query itself, or the clauses of its And or AtLeast)."""
    if id(query) in replaced:
        return replaced[id(query)]
    if isinstance(query, AtLeast):
        return AtLeast([replace_clauses(q, replaced) for q in query.subqueries], query.k, boost=query.boost,
                       coordination=query.coordination)
    if isinstance(query, And):
        return And([replace_clauses(q, replaced) for q in query.subqueries], boost=query.boost)
    return query


def _is_plain_word(query: Query) -> bool:
    """A word typed without a field or operator: the parser searched it in every
    search field (a hyphenated or possessive word, as its parts together)."""
    return (
        isinstance(query, Or)
        and len(query.subqueries) > 1
        and all(_is_field_term(q) for q in query.subqueries)
    )


def _is_field_term(query: Query) -> bool:
    if isinstance(query, And):
        return all(_is_field_term(q) for q in query.subqueries)
    return isinstance(query, Term) and query.fieldname in SEARCH_FIELDS


def is_question(query: Query) -> bool:
    """Whether a parsed query (before search.scripts and search.stems widen
    it) is a question: more than SHORT_SEARCH_WORDS words searched in the
    text, in any mode. A question is ranked with its own parameters
    (COORDINATION_LONG, EXACT_WEIGHT_LONG, schema.BM25_K1_LONG and _B_LONG,
    search.feedback)."""
    return sum(1 for leaf in query.leaves() if type(leaf) is Term and leaf.fieldname == "body") > SHORT_SEARCH_WORDS


def _exact_forms_weighed(query: Query) -> Query:
    """The exact forms of a question's words at EXACT_WEIGHT_LONG (or left out at 0)."""
    if EXACT_WEIGHT_LONG == EXACT_WEIGHT or not is_question(query):
        return query

    def weigh(q: Query) -> Query:
        if _is_exact_form(q) and EXACT_WEIGHT_LONG:
            return q.with_boost(EXACT_WEIGHT_LONG)
        if type(q) is Or and not EXACT_WEIGHT_LONG:
            return without_clauses(q, _is_exact_form)
        return q

    return query.accept(weigh)


def _is_exact_form(query: Query) -> bool:
    """A word's exact form: a term of the exact field, or a hyphenated
    word's exact parts together."""
    if type(query) is And:
        return all(_is_exact_form(q) for q in query.subqueries)
    return type(query) is Term and query.fieldname == "exact"


def _phrases_where_positions(query: Query, schema: Schema) -> Query:
    """A phrase spread over the fields, searched only in those that keep
    positions (the exact forms keep none)."""
    if type(query) is Or:
        return without_clauses(query, lambda q: isinstance(q, Phrase) and not _has_positions(q, schema))
    return query


def without_clauses(query: Or, unwanted: Callable[[Query], bool]) -> Or:
    """``query`` (an Or of its own type) without the clauses ``unwanted``
    picks, its boost, minimum match and scaling kept; itself when none is."""
    kept = [q for q in query.subqueries if not unwanted(q)]
    if len(kept) == len(query.subqueries):
        return query
    return type(query)(kept, boost=query.boost, minmatch=query.minmatch, scale=query.scale)


def _has_positions(phrase: Phrase, schema: Schema) -> bool:
    return phrase.fieldname not in schema or bool(schema[phrase.fieldname].format.supports("positions"))


def _exact_phrase(query: Query) -> Query:
    if type(query) is Phrase:
        q = query
        return ExactPhrase(q.fieldname, q.words, slop=q.slop, boost=q.boost, char_ranges=q.char_ranges)
    return query


def _every_document(query: Query) -> Query:
    """``*`` means every article: Whoosh's per-field ``Every`` would read every
    posting of the field to find the documents that have it."""
    if isinstance(query, Every) and query.fieldname:
        return Every(boost=query.boost)
    return query


def check_expansions(query: Query, text: str, reader: IndexReader) -> None:
    """Refuse wildcards, prefixes, fuzzy terms and ranges that stand for too many words."""
    for leaf in query.leaves():
        if not isinstance(leaf, MultiTerm):
            continue
        typed = _as_typed(leaf, text)
        if isinstance(leaf, Wildcard) and leaf.text[:1] in ("*", "?"):
            raise QueryError(text, f"{typed} starts with a wildcard, which would scan every word in the index")
        if isinstance(leaf, FuzzyTerm) and leaf.maxdist > MAX_FUZZY_EDITS:
            raise QueryError(text, f"fuzzy terms allow at most {MAX_FUZZY_EDITS} edits (word~{MAX_FUZZY_EDITS})")
        words = sum(1 for _ in islice(leaf.expanded_terms(reader), MAX_EXPANSIONS + 1))
        if words > MAX_EXPANSIONS:
            raise QueryError(
                text, f"{typed} matches more than {MAX_EXPANSIONS} different words: make it more specific"
            )


def _as_typed(leaf: MultiTerm, text: str) -> str:
    """A wildcard, prefix, fuzzy term or range as the user typed it: without
    the field when they named none (the parser spreads a word over every
    searched field)."""
    shown = str(leaf)
    field = f"{leaf.field()}:"
    if shown.startswith(field) and field not in text:
        shown = shown[len(field) :]
    return shown
