"""Where the research corpora are, and readers for the ones benchmarks convert."""

from __future__ import annotations

import html
import os
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("NEWSINDEX_CORPORA", ROOT.parent / "shared" / "corpora"))


def corpus(name: str) -> Path:
    path = CORPORA / name
    if not path.is_dir():
        sys.exit(f"corpus {name!r} not found at {path} (set NEWSINDEX_CORPORA to its parent)")
    return path


_TIME_HEADER = re.compile(r"^\*TEXT\s+(\d+)\s+(\d\d)/(\d\d)[/ ]\s*(\d\d)\s+PAGE\s+(\d+)", re.M)


def time_articles(folder: Path) -> dict[str, tuple[str, str]]:
    """TIME.ALL as {document number: (ISO issue date, text)}."""
    raw = (folder / "TIME.ALL").read_text(encoding="latin-1")
    headers = list(_TIME_HEADER.finditer(raw))
    articles = {}
    for header, following in zip(headers, headers[1:] + [None], strict=True):
        end = following.start() if following else raw.find("*STOP", header.end())
        text = raw[header.end() : end if end > 0 else None]
        text = " ".join(line.strip() for line in text.splitlines() if line.strip())
        month, day, year = header[2], header[3], header[4]
        articles[header[1]] = (f"19{year}-{month}-{day}", text)
    return articles


def time_queries(folder: Path) -> dict[str, str]:
    raw = (folder / "TIME.QUE").read_text(encoding="latin-1")
    parts = re.split(r"^\*FIND\s+(\d+)\s*$", raw, flags=re.M)
    return {num: " ".join(text.split()) for num, text in zip(parts[1::2], parts[2::2], strict=True) if text.strip()}


def time_judgements(folder: Path) -> dict[str, set[str]]:
    judged = {}
    for line in (folder / "TIME.REL").read_text().splitlines():
        fields = line.split()
        if len(fields) > 1:
            judged[fields[0]] = set(fields[1:])
    return judged


# -- Reuters-21578 ---------------------------------------------------------------

_REUTERS_DOC = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _element(doc: str, name: str) -> str | None:
    found = re.search(rf"<{name}>(.*?)</{name}>", doc, re.S)
    return html.unescape(_CONTROL.sub("", html.unescape(found[1]))).strip() if found else None


def reuters_articles(folder: Path) -> Iterator[tuple[str, str]]:
    """Each Reuters story with a body as (NEWID, plain-text article): headline,
    date line, then the story with its dateline, ending with the wire credit."""
    for sgm in sorted(folder.glob("reut2-*.sgm")):
        for found in _REUTERS_DOC.finditer(sgm.read_text(encoding="latin-1")):
            doc = found[2]
            body = _element(doc, "BODY")
            if not body:
                continue
            title = _element(doc, "TITLE")
            dateline = _element(doc, "DATELINE")
            lines = [title.title() if title else None, _reuters_date(_element(doc, "DATE") or ""), "",
                     f"{dateline} {body}" if dateline else body]
            yield found[1], "\n".join(line for line in lines if line is not None) + "\n"


def _reuters_date(stamp: str) -> str | None:
    """"26-FEB-1987 15:01:01.79" as a date line; a few stamps have a broken time."""
    found = re.match(r"\s*(\d+-[A-Z]{3}-\d{4})\s+(\d+:\d+)", stamp)
    if not found:
        return None
    day = datetime.strptime(found[1], "%d-%b-%Y")
    try:
        return f"{day.day} {day:%B %Y}, {datetime.strptime(found[2], '%H:%M'):%H:%M}"
    except ValueError:
        return f"{day.day} {day:%B %Y}"


def write_articles(articles: Iterable[tuple[str, str]], out: Path, per_folder: int = 1000) -> tuple[int, int]:
    """Write articles as ``out/NNN/ID.txt`` files; returns (files, bytes of text)."""
    count = size = 0
    for count, (name, text) in enumerate(articles, 1):
        folder = out / f"{(count - 1) // per_folder:03d}"
        if (count - 1) % per_folder == 0:
            folder.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (folder / f"{name}.txt").write_bytes(data)
        size += len(data)
    return count, size


# -- BBC News, and known-item queries drawn from it ------------------------------

_WORD = re.compile(r"[a-z]{3,}")


def bbc_articles(folder: Path) -> dict[str, str]:
    """The BBC articles as {"business/001": text}, headline line included."""
    return {
        f"{path.parent.name}/{path.stem}": path.read_bytes().decode("utf-8", errors="replace")
        for path in sorted(folder.glob("*/*.txt"))
    }


def known_item_queries(
    articles: dict[str, str], count: int, seed: int
) -> list[tuple[str, str, str]]:
    """``count`` (target, clean query, query with one wrong word) triples.

    A reader remembers 3 to 5 words of an article: drawn from its body, without
    repeats, each with a chance in proportion to how often the article uses it
    (stop words and words under three letters left out). The wrong-word query
    swaps one of them for a word the article does not hold, drawn from the
    other articles' words in proportion to how many articles use it: a real
    word, misremembered. Exact duplicate files are never targets (only one of
    each pair is indexed)."""
    import random
    from collections import Counter

    from whoosh.analysis.filters import STOP_WORDS

    rng = random.Random(seed)
    words_of = {key: [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS] for key, text in articles.items()}
    document_frequency: Counter[str] = Counter()
    for words in words_of.values():
        document_frequency.update(set(words))
    vocabulary = sorted(w for w, df in document_frequency.items() if df >= 2)  # not in set order: seeded
    weights = [document_frequency[w] for w in vocabulary]
    seen_texts: set[str] = set()
    unique = []
    for key, text in articles.items():
        if text not in seen_texts:
            seen_texts.add(text)
            unique.append(key)
    triples = []
    for key in rng.sample(unique, count):
        tf = Counter(words_of[key])
        length = rng.randint(3, 5)
        chosen: list[str] = []
        while len(chosen) < min(length, len(tf)):
            candidates = [w for w in tf if w not in chosen]
            chosen.append(rng.choices(candidates, [tf[w] for w in candidates])[0])
        wrong = chosen[:]
        while True:
            replacement = rng.choices(vocabulary, weights)[0]
            if replacement not in tf:
                break
        wrong[rng.randrange(len(wrong))] = replacement
        triples.append((key, " ".join(chosen), " ".join(wrong)))
    return triples
