"""Larger archives made of real sentences, deterministically from a seed.

Articles are recombined from the sentences and headlines of Reuters-21578 and
the BBC corpus: a headline, a date line, sometimes a byline, paragraphs of
real sentences, sometimes a wire credit; about 2% are lightly edited copies of
an earlier article, as syndicated wire copy is. They are written as one plain
text file per article, in folders of 1,000, the way users hold them. Every
figure measured on them is marked synthetic.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from .corpora import corpus, reuters_articles, write_articles

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_FIRST = ("Anna", "James", "Maria", "Oleh", "Sarah", "David", "Li", "Fatima", "Tom", "Elena", "Peter", "Aisha")
_LAST = ("Smith", "Kovalenko", "Garcia", "Chen", "Jones", "Okafor", "Muller", "Rossi", "Novak", "Brown", "Khan")
_CREDITS = ("(Reuters)", "(AP)", "(AFP)", "(New York Times News Service)", "(Bloomberg)")


def sentence_pool() -> tuple[list[str], list[str]]:
    """(sentences, headlines) from the real corpora."""
    sentences: list[str] = []
    headlines: list[str] = []
    for _, text in reuters_articles(corpus("reuters21578")):
        head, _, rest = text.partition("\n")
        body = rest.partition("\n\n")[2]
        headlines.append(head)
        sentences.extend(_sentences(body))
    for path in sorted(corpus("bbc").rglob("*.txt")):
        head, _, body = path.read_text(encoding="utf-8", errors="replace").partition("\n")
        headlines.append(head.strip())
        sentences.extend(_sentences(body))
    return sentences, [h for h in headlines if 10 < len(h) < 120]


def _sentences(text: str) -> list[str]:
    flat = " ".join(text.split())
    return [s for s in _SENTENCE.split(flat) if 40 <= len(s) <= 400]


def articles(count: int, seed: int = 1) -> Iterator[tuple[str, str]]:
    rng = random.Random(seed)
    sentences, headlines = sentence_pool()
    start = datetime(2015, 1, 1)
    earlier: list[str] = []
    for n in range(count):
        if earlier and rng.random() < 0.02:  # a syndicated copy, lightly edited
            original = rng.choice(earlier)
            head, _, rest = original.partition("\n")
            text = f"{rng.choice(headlines)}\n{rest}\n{rng.choice(sentences)}\n"
        else:
            when = start + timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))
            lines = [rng.choice(headlines), f"{when.day} {when:%B %Y, %H:%M}"]
            if rng.random() < 0.5:
                lines.append(f"By {rng.choice(_FIRST)} {rng.choice(_LAST)}")
            lines.append("")
            for _ in range(rng.randint(3, 9)):
                lines.append(" ".join(rng.choice(sentences) for _ in range(rng.randint(1, 4))))
                lines.append("")
            if rng.random() < 0.3:
                lines.append(rng.choice(_CREDITS))
            text = "\n".join(lines) + "\n"
            if len(earlier) < 5000:
                earlier.append(text)
            else:
                earlier[rng.randrange(5000)] = text
        yield f"s{n:07d}", text


def write(out: Path, count: int, seed: int = 1) -> tuple[int, int]:
    """Write ``count`` synthetic articles under ``out``; returns (files, bytes)."""
    return write_articles(articles(count, seed), out)


if __name__ == "__main__":
    import sys

    print(write(Path(sys.argv[1]), int(sys.argv[2])))
