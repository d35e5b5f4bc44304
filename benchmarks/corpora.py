"""Where the research corpora are, and readers for the ones benchmarks convert."""

from __future__ import annotations

import os
import re
import sys
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
