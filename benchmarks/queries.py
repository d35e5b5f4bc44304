"""A fixed, mixed list of benchmark queries, drawn from the corpus itself.

Words are picked by document frequency from a sample of the articles, with a
seeded random generator, so the same corpus always gives the same list. Each
query is written in every system's own syntax; ``None`` where a system cannot
express it (the peers' indexes have no dates).
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from whoosh.analysis import STOP_WORDS

_WORD = re.compile(r"[a-z]{4,}")
_DATE_LINE = re.compile(r"^(\d{1,2}) ([A-Z][a-z]+) (\d{4})", re.M)


@dataclass(frozen=True)
class Query:
    kind: str
    newsindex: str
    whoosh: str | None  # the naive script's QueryParser (all words required)
    fts5: str | None
    tantivy: str | None
    grep: str | None  # a ripgrep regular expression, for single words and phrases


def build(texts: Iterable[str], seed: int = 7) -> list[Query]:
    rng = random.Random(seed)
    df: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    titles: Counter[str] = Counter()
    days: list[date] = []
    count = 0
    for text in texts:
        count += 1
        lower = text.lower()
        words = _WORD.findall(lower)
        df.update(set(words) - STOP_WORDS)
        titles.update(set(_WORD.findall(lower.partition("\n")[0])) - STOP_WORDS)
        tokens = re.findall(r"[a-z]+", lower)
        pairs.update({(a, b) for a, b in itertools.pairwise(tokens) if len(a) > 3 and len(b) > 3
                      and a not in STOP_WORDS and b not in STOP_WORDS})
        found = _DATE_LINE.search(text[:300])
        if found:
            try:
                days.append(date.fromisoformat(f"{found[3]}-{_MONTHS[found[2]]:02d}-{int(found[1]):02d}"))
            except (KeyError, ValueError):
                pass
    by_df = sorted(df.items())
    rare = [w for w, n in by_df if 3 <= n <= 20]
    common = [w for w, n in by_df if n >= count / 20]
    medium = [w for w, n in by_df if count / 400 <= n <= count / 20]
    phrases = sorted(p for p, n in pairs.items() if n >= 5)
    title_words = sorted(w for w, n in titles.items() if n >= 5)
    queries: list[Query] = []
    for w in rng.sample(rare, 20) + rng.sample(common, 20):
        queries.append(_word("rare word" if df[w] <= 20 else "common word", w))
    for a, b in (rng.sample(medium, 2) for _ in range(20)):
        queries.append(Query("AND of two", f"{a} {b}", f"{a} {b}", f"{a} {b}", f"+{a} +{b}", None))
    for a, b in rng.sample(phrases, 20):
        queries.append(Query("phrase", f'"{a} {b}"', f'"{a} {b}"', f'"{a} {b}"', f'"{a} {b}"', rf"(?i)\b{a}\s+{b}\b"))
    for a, b in (rng.sample(medium, 2) for _ in range(10)):
        queries.append(Query("OR", f"{a} OR {b}", f"{a} OR {b}", f"{a} OR {b}", f"{a} OR {b}", None))
    for a, b in (rng.sample(medium, 2) for _ in range(10)):
        queries.append(Query("NOT", f"{a} NOT {b}", f"{a} NOT {b}", f"{a} NOT {b}", f"+{a} -{b}", None))
    for w in rng.sample(title_words, 10):
        queries.append(Query("field", f"title:{w}", f"title:{w}", f"title:{w}", f"title:{w}", None))
    if days:
        days.sort()
        for w in rng.sample(medium, 10):
            start = days[rng.randrange(len(days))]
            end = start + timedelta(days=30)
            queries.append(Query("date range", f"{w} date:[{start} to {end}]", None, None, None, None))
    return queries


def _word(kind: str, w: str) -> Query:
    return Query(kind, w, w, w, w, rf"(?i)\b{w}\b")


_MONTHS = {m: i for i, m in enumerate(
    ("January February March April May June July August September October November December").split(), 1)}
