"""Other names of the places a query names, as they occur in the archive.

An archive spans decades: Reuters wrote Peking, Bombay and Kiev in 1987,
today's outlets write Beijing, Mumbai and Kyiv, Ukrainian ones Київ. When a
plain word of a query is the name of a city (search/gazetteer.py), the
other names of that city that the archive holds are counted and offered,
city by city (a river or a person of the same name is not a city: the
offer says which place it means). They are never applied silently: with
``variants=True`` each such word matches any of them, and the results say
which were added.
"""

from __future__ import annotations

from dataclasses import replace

from whoosh.query import Or, Query, Term
from whoosh.searching import Searcher

from .._whoosh import cached_on
from ..analysis import fold_word, latin_forms, word_terms
from ..models import PlaceVariant, PlaceVariants
from ..schema import search_fields
from .parse import UnionOr, field_weights, plain_words, replace_clauses, typed_word

#: Places offered for one word, the most populous first.
MAX_PLACES = 2
#: Other names offered for one place, the most used in the archive first.
MAX_NAMES = 6
#: A place's other names shorter than this are left out: short ones are
#: abbreviations or words of their own far more often than the city ("Civ").
MIN_OTHER_NAME_CHARS = 4
#: Words of a query looked up; a long query pasted from a note names places
#: among many other words, and the first ones are looked up.
MAX_WORDS = 8


#: Words whose offers a reader keeps (they hold for as long as it is open).
CACHED_WORDS = 1024


def place_variants(
    searcher: Searcher, parsed: Query, *, apply: bool, exact_script: bool = False
) -> tuple[Query, tuple[PlaceVariants, ...]]:
    """The query (with each place word matching its other names when
    ``apply``), and the places its words name with their other names the
    archive holds. Unless ``exact_script``, a name the search finds across
    scripts already (Харків for Kharkiv) is not offered."""
    found: list[PlaceVariants] = []
    replaced: dict[int, Query] = {}
    for clause in plain_words(parsed)[:MAX_WORDS]:
        word = typed_word(clause)
        if word is None:
            continue
        offers = _offers(searcher, word, exact_script)
        found.extend(replace(place, applied=apply) for place, _ in offers)
        extra = [term for _, terms in offers for term in terms]
        if apply and extra:
            replaced[id(clause)] = UnionOr([*clause.subqueries, *extra], boost=clause.boost)
    return (replace_clauses(parsed, replaced) if replaced else parsed), tuple(found)


def _offers(searcher: Searcher, word: str, exact_script: bool) -> list[tuple[PlaceVariants, list[Term]]]:
    """The places ``word`` names that have other names in the archive, each
    with the terms of those names; kept on the reader, which they hold for."""
    cache: dict[tuple[str, bool], list[tuple[PlaceVariants, list[Term]]]] = cached_on(
        searcher.reader(), "place_offers", dict
    )
    key = (word, exact_script)
    if key not in cache:
        if len(cache) >= CACHED_WORDS:
            cache.clear()
        cache[key] = _look_up(searcher, word, exact_script)
    return cache[key]


def _look_up(searcher: Searcher, word: str, exact_script: bool) -> list[tuple[PlaceVariants, list[Term]]]:
    from .gazetteer import places_named

    # A name offered once, or searched already (the word's own stem:
    # "Parys" is searched by "Paris"; across scripts, Харків by "Kharkiv"),
    # is not offered again.
    own = {fold_word(word), *(t.text for t in _terms(searcher, word))}
    if not exact_script:  # a word in Cyrillic or Greek finds its Latin forms already
        own.update(latin_forms(fold_word(word)))
    offered = set(own)
    offers = []
    for place in places_named(word)[:MAX_PLACES]:
        names = []
        for name in place.names:
            terms = _terms(searcher, name)
            keys = {fold_word(name), *(t.text for t in terms if t.fieldname == "body")}
            if keys & offered or (name != place.name and len(name) < MIN_OTHER_NAME_CHARS):
                continue
            if not exact_script and own.intersection(latin_forms(fold_word(name))):
                continue
            offered |= keys
            articles = _articles(searcher, terms)
            if articles:
                names.append((PlaceVariant(name, articles), terms))
        names.sort(key=lambda pair: -pair[0].articles)
        names = names[:MAX_NAMES]
        if names:
            variants = tuple(v for v, _ in names)
            offers.append((PlaceVariants(word, place.name, place.country, place.population, variants, applied=False),
                           [term for _, terms in names for term in terms]))
    return offers


def _terms(searcher: Searcher, name: str) -> list[Term]:
    """A name as each search field indexes it, one term a field (boosts as the
    parser gives them). Fields that share an analyzer analyse it once."""
    terms = []
    weights = field_weights()
    analysed: dict[int, list[str]] = {}
    for field in search_fields(searcher.schema):
        schema_field = searcher.schema[field]
        if id(schema_field.analyzer) not in analysed:
            analysed[id(schema_field.analyzer)] = word_terms(schema_field, name)
        texts = analysed[id(schema_field.analyzer)]
        if len(texts) == 1:
            terms.append(Term(field, texts[0], boost=weights.get(field, 1.0)))
    return terms


def _articles(searcher: Searcher, terms: list[Term]) -> int:
    """How many articles hold one of the terms. A name no article's body or
    title holds is not looked for in the other fields (captions, bylines and
    outlets hold place names only beside a body that does)."""
    reader = searcher.reader()
    if not any((t.fieldname, t.text) in reader for t in terms if t.fieldname in ("body", "title")):
        return 0
    present = [t for t in terms if (t.fieldname, t.text) in reader]
    return sum(1 for _ in searcher.docs_for_query(Or(present)))
