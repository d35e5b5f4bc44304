"""Searching across scripts: Kharkiv finds Харків, and Київ finds Kyiv.

Words in Cyrillic or Greek are indexed with their Latin forms beside them,
marked (analysis.TransliterationFilter: ``~kharkiv`` at the place of
``Харків``). A query asks for them: each Latin word also matches the marked
form (Cyrillic and Greek text written the usual way), and each Cyrillic or
Greek word also matches its Latin forms, plain (Latin text) and marked
(other Cyrillic spellings that read the same). Only terms the index holds
are added, and an index that holds no marked form is searched as typed:
an archive in Latin letters pays nothing. ``exact_script`` (``--exact-script``)
searches every word as typed.
"""

from __future__ import annotations

from whoosh.query import Query, Term
from whoosh.searching import Searcher

from .._whoosh import cached_on
from ..analysis import TRANSLIT_MARK, transliterating
from ..schema import search_fields
from .parse import UnionOr


def across_scripts(searcher: Searcher, parsed: Query) -> Query:
    """``parsed`` with each word of the search fields matching its forms in the other scripts."""
    reader = searcher.reader()
    fields = [name for name in search_fields(searcher.schema) if _holds_forms(searcher, name)]
    if not fields:
        return parsed

    def widen(query: Query) -> Query:
        if not isinstance(query, Term) or query.fieldname not in fields or not isinstance(query.text, str):
            return query
        translit = transliterating(searcher.schema[query.fieldname].analyzer)
        assert translit is not None  # _holds_forms checked it
        stems = translit.latin_stems(query.text)
        if stems:  # Cyrillic or Greek: its Latin forms, plain and marked
            wanted = [*stems, *(TRANSLIT_MARK + s for s in stems)]
        else:
            wanted = [TRANSLIT_MARK + query.text]
        terms = [Term(query.fieldname, text, boost=query.boost) for text in dict.fromkeys(wanted)
                 if text != query.text and (query.fieldname, text) in reader]
        return UnionOr([query, *terms], boost=1.0) if terms else query

    return parsed.accept(widen)


def _holds_forms(searcher: Searcher, field: str) -> bool:
    """Whether the index holds marked forms in ``field`` (an index written
    before transliteration, or of Latin text alone, holds none); kept on the reader."""
    reader = searcher.reader()
    held: dict[str, bool] = cached_on(reader, "holds_latin_forms", dict)
    if field not in held:
        analyzer = getattr(searcher.schema[field], "analyzer", None)
        held[field] = bool(
            analyzer is not None
            and transliterating(analyzer) is not None
            and next(iter(reader.expand_prefix(field, TRANSLIT_MARK)), None) is not None
        )
    return held[field]
