"""Where a story came from: its copies in publication order, and what each
later copy changed against the earliest.

Bodies are compared sentence by sentence (difflib's matching of sequences,
sentences cut as snippets cut them). In a run of sentences replaced by
others, an old sentence and a new one that share most of their words are a
sentence reworded, shown as a word-level edit; the rest are added or removed
sentences. The earliest copy is the earliest dated one; when no copy
is dated, the copies are compared with the first by path, and none is first.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from whoosh.query import Term
from whoosh.searching import Searcher

from ..documents import index_datetime, stored_article
from ..models import Article, CopyChanges, Lineage, LineageCopy, SentenceEdit
from .highlight import SENTENCE_END

#: A reworded sentence shares at least this share of its words with the one it replaces.
SAME_SENTENCE = 0.5


def story_lineage(searcher: Searcher, docnum: int) -> Lineage:
    cluster = searcher.stored_fields(docnum)["cluster"]
    members = [stored_article(searcher.stored_fields(doc)) for doc in searcher.docs_for_query(Term("cluster", cluster))]
    dated = sorted((a for a in members if a.published is not None),
                   key=lambda a: (index_datetime(a.published), a.path))  # type: ignore[arg-type]
    undated = sorted((a for a in members if a.published is None), key=lambda a: a.path)
    ordered = dated + undated
    base = ordered[0]
    base_sentences = sentences(base.body)
    copies = tuple(
        _copy(article, first_seen=bool(dated) and article is base,
              changes=None if article is base else _changes(base, base_sentences, article))
        for article in ordered
    )
    return Lineage(cluster, copies, base.id if dated else None)


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (a line break ends one too), spaces evened."""
    found, start = [], 0
    for end in [m.end() for m in SENTENCE_END.finditer(text)] + [len(text)]:
        sentence = " ".join(text[start:end].split())
        if sentence:
            found.append(sentence)
        start = end
    return found


def _copy(article: Article, *, first_seen: bool, changes: CopyChanges | None) -> LineageCopy:
    return LineageCopy(article.id, article.path, article.title, article.outlet, article.credit, article.byline,
                       article.published, article.url, first_seen, changes)


def _changes(base: Article, base_sentences: list[str], article: Article) -> CopyChanges:
    added: list[str] = []
    removed: list[str] = []
    edited: list[SentenceEdit] = []
    theirs = sentences(article.body)
    for op, i1, i2, j1, j2 in SequenceMatcher(None, base_sentences, theirs, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        old, new = base_sentences[i1:i2], theirs[j1:j2]
        # In a replaced run, each old sentence is paired, in order, with the
        # next new one it shares most words with; what is left is added or removed.
        next_new = 0
        for before in old:
            for k in range(next_new, len(new)):
                edit = _edit(before, new[k])
                if edit is not None:
                    added += new[next_new:k]
                    edited.append(edit)
                    next_new = k + 1
                    break
            else:
                removed.append(before)
        added += new[next_new:]
    return CopyChanges(
        headline=_change(base.title, article.title),
        credit=_change(base.credit, article.credit),
        added=tuple(added),
        removed=tuple(removed),
        edited=tuple(edited),
    )


def _edit(before: str, after: str) -> SentenceEdit | None:
    """The word-level edit from ``before`` to ``after``; None when they share
    too few words to be one sentence reworded."""
    old, new = before.split(), after.split()
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < SAME_SENTENCE:
        return None
    words: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            words.append(("=", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            words.append(("-", " ".join(old[i1:i2])))
        if j2 > j1:
            words.append(("+", " ".join(new[j1:j2])))
    return SentenceEdit(before, after, tuple(words))


def _change(before: Any, after: Any) -> tuple[Any, Any] | None:
    return None if before == after else (before, after)
