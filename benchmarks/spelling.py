"""'Did you mean': how often the correction of a misspelt word is the word meant.

    python -m benchmarks.spelling

Misspellings are made from the words of real queries: the TIME collection's
83 queries (its articles indexed), and, on an archive of another kind, the
headlines of the BBC articles (their articles indexed). Each word of four
letters or more whose stem the index holds gets one typing slip, drawn with a
fixed seed: a letter dropped, doubled, swapped with the next, or replaced by
a neighbour on the keyboard, never the first letter (which the look-up
keeps). A slip that makes another word of the index is left out: nothing
would be corrected. The correction must be the stem of the word meant.

The ranking's edit weight is chosen on the odd-numbered TIME queries (the
tuning half) and reported on the even-numbered ones and on the BBC
headlines (never used for the choice), beside the ranking without weight.
"""

from __future__ import annotations

import math
import random
import re
import tempfile
from datetime import date
from pathlib import Path

from benchmarks.corpora import corpus, time_articles, time_queries
from newsindex import NewsIndex
from newsindex.search.suggest import best_correction, candidates, edits

KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
WEIGHTS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0)
SEED = 29


def neighbours(letter: str) -> str:
    for row_number, row in enumerate(KEYBOARD):
        if letter in row:
            at = row.index(letter)
            near = row[max(at - 1, 0) : at] + row[at + 1 : at + 2]
            for other in (row_number - 1, row_number + 1):
                if 0 <= other < len(KEYBOARD):
                    near += KEYBOARD[other][max(at - 1, 0) : at + 1]
            return near
    return "e"


#: Spellings of one sound, for misspellings by ear ("Blare" for Blair).
SOUNDS = [("air", "are"), ("ai", "a"), ("ee", "ea"), ("ie", "ei"), ("ph", "f"), ("ck", "k"), ("ou", "ow"),
          ("tion", "sion"), ("er", "ar"), ("ll", "l"), ("ss", "s"), ("mm", "m"), ("nn", "n"), ("tt", "t")]


def by_ear(word: str, rng: random.Random) -> str | None:
    """The word spelt another way it sounds, or None when no known sound is in it after its first letter."""
    options = [(a, b) for x, y in SOUNDS for a, b in ((x, y), (y, x)) if a in word[1:]]
    if not options:
        return None
    a, b = rng.choice(options)
    at = word.index(a, 1)
    return word[:at] + b + word[at + len(a) :]


def slip(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word))
    kind = rng.choice(("drop", "double", "swap", "near"))
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    if kind == "double":
        return word[:at] + word[at] + word[at:]
    if kind == "swap" and at < len(word) - 1:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + rng.choice(neighbours(word[at])) + word[at + 1 :]


def cases(ni: NewsIndex, texts: list[str], rng: random.Random, ear: bool = False) -> list[tuple[str, str]]:
    """(stem of the misspelt word, stem of the word meant) for each usable word of ``texts``."""
    searcher = ni._current_searcher()
    reader = searcher.reader()
    analyzer = searcher.schema["body"].analyzer
    out = []
    for text in texts:
        for word in re.findall(r"[a-z]{4,}", text.lower()):
            meant = [t.text for t in analyzer(word)]
            if len(meant) != 1 or not reader.doc_frequency("body", meant[0]):
                continue
            wrong = by_ear(word, rng) if ear else slip(word, rng)
            if wrong is None:
                continue
            typed = [t.text for t in analyzer(wrong)]
            if len(typed) != 1 or reader.doc_frequency("body", typed[0]):
                continue
            out.append((typed[0], meant[0]))
    return out


def noisy_channel(reader: object, stem: str, weight: float) -> str | None:
    """The alternative measured: the candidate highest in log(articles using it + 1) - weight x edits."""
    found = candidates(reader, stem)
    if not found:
        return None
    return max(found, key=lambda w: (math.log(reader.doc_frequency("body", w) + 1) - weight * edits(stem, w), w))


def accuracy(ni: NewsIndex, pairs: list[tuple[str, str]], weight: float | None) -> float:
    """The share of ``pairs`` corrected to the word meant: by newsindex's
    ranking (``weight`` None), or by the noisy channel of that weight."""
    reader = ni._current_searcher().reader()
    pick = (lambda stem: best_correction(reader, stem)) if weight is None else (
        lambda stem: noisy_channel(reader, stem, weight))
    return sum(pick(typed) == meant for typed, meant in pairs) / max(len(pairs), 1)


def main() -> None:
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "time"
        archive.mkdir()
        for number, (issued, text) in time_articles(corpus("time")).items():
            dateline = date.fromisoformat(issued).strftime("%-d %B %Y")
            (archive / f"{number}.txt").write_text(f"{dateline}\n\n{text}\n", encoding="utf-8")
        time_index = NewsIndex(Path(tmp) / "time-index")
        time_index.add([archive])
        queries = time_queries(corpus("time"))
        tuning = cases(time_index, [t for q, t in queries.items() if int(q) % 2], rng)
        check = cases(time_index, [t for q, t in queries.items() if not int(q) % 2], rng)

        bbc_folder = corpus("bbc")
        bbc_index = NewsIndex(Path(tmp) / "bbc-index")
        bbc_index.add([bbc_folder])
        headlines = [p.read_text(encoding="latin-1").split("\n", 1)[0] for p in sorted(bbc_folder.glob("*/*.txt"))]
        bbc = cases(bbc_index, random.Random(SEED).sample(headlines, 400), rng)

        sets = {
            "slips": (tuning, check, bbc),
            "by ear": (
                cases(time_index, [t for q, t in queries.items() if int(q) % 2], rng, ear=True),
                cases(time_index, [t for q, t in queries.items() if not int(q) % 2], rng, ear=True),
                cases(bbc_index, random.Random(SEED).sample(headlines, 400), rng, ear=True),
            ),
        }
        both_tuning = sets["slips"][0] + sets["by ear"][0]
        scores = {w: accuracy(time_index, both_tuning, w) for w in WEIGHTS}
        before = accuracy(time_index, both_tuning, None)
        chosen = max(WEIGHTS, key=lambda w: (scores[w], -w))
        print("misspellings (TIME tuning, TIME check, BBC): "
              + "; ".join(f"{k} {len(a)}, {len(b)}, {len(c)}" for k, (a, b, c) in sets.items()))
        print(f"on the tuning halves: before {before:.3f}; edit weight "
              + ", ".join(f"{w}: {scores[w]:.3f}" for w in WEIGHTS))
        print(f"chosen: {chosen}")
        print("| ranking | misspellings | TIME tuning half | TIME check half | BBC headlines |")
        print("|---|---|---|---|---|")
        for kind, (a, b, c) in sets.items():
            for label, weight in (("nearest, then most used", None), (f"noisy channel, weight {chosen}", chosen)):
                row = [accuracy(time_index, a, weight), accuracy(time_index, b, weight), accuracy(bbc_index, c, weight)]
                print(f"| {label} | {kind} | " + " | ".join(f"{v:.3f}" for v in row) + " |")
        time_index.close()
        bbc_index.close()


if __name__ == "__main__":
    main()
