"""Metadata accuracy (title, byline, dates, outlet) on plain text and web pages.

    python -m benchmarks.metadata                 # both halves of both sets
    python -m benchmarks.metadata --half tuning --misses

Plain text: the dev set of ``benchmarks.plaintext_layouts`` (real stories in
14 layouts of saved text), added through ``NewsIndex.add`` and read back.
Every field is scored on every article, so a value where the text gives
none (an invented title, date or author) counts as wrong, and is also
counted apart.

Web pages: ``news_html_gold`` (pages with annotated title, authors and
publication day), scored on the pages annotating each field, for newsindex
and, in the same run, trafilatura alone (default settings) and htmldate
alone (default, and with ``original_date=True``).

Both sets are split into a tuning half and a check half with a fixed seed
before anything is tuned (``plaintext_layouts.split``); rules are tuned on
the tuning half only, and both halves are reported.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from newsindex import NewsIndex
from newsindex.models import Article

from .corpora import corpus
from .extraction import read_page
from .plaintext_layouts import Sample, dev_set, split

PLAIN_FIELDS = ("title", "byline", "published", "updated", "outlet")
INVENTED = ("title", "byline", "published")


def add_and_read(files: dict[str, tuple[str, bytes]]) -> dict[str, Article | None]:
    """{key: (file name, content)} through ``NewsIndex.add``; each article read back by key."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for name, data in files.values():
            (folder / name).write_bytes(data)
        with NewsIndex(Path(tmp) / "index") as ni:
            report = ni.add([folder])
            ids = {Path(o.path).name: o.id for o in report.outcomes if o.id}
            return {key: ni.get(ids[name]) if name in ids else None for key, (name, _) in files.items()}


# -- plain text ------------------------------------------------------------------


def plain_values(article: Article | None) -> dict[str, Any]:
    if article is None:
        return {}
    return {"title": article.title, "byline": list(article.byline) or None, "published": article.published,
            "updated": article.updated, "outlet": article.outlet}


def same_plain(field: str, found: Any, want: Any) -> bool:
    if want is None:
        return found in (None, [], "")
    if found is None:
        return False
    if field in ("published", "updated"):
        return same_moment(found, want)
    if field == "byline":
        return [_norm(n) for n in found] == [_norm(n) for n in want]
    if field == "outlet":
        return _outlet(found) == _outlet(want)
    return _norm(found) == _norm(want)


def same_moment(found: datetime, want: str) -> bool:
    """A day is a day; a time must be the same instant, and carry the zone the text gives."""
    if len(want) == 10:
        return found.date().isoformat() == want
    wanted = datetime.fromisoformat(want)
    if (wanted.tzinfo is None) != (found.tzinfo is None):
        return False
    return found == wanted


def _outlet(name: str) -> str:
    return re.sub(r"^the\s+|\s*\(.*\)$", "", _norm(name))


def plain_text(corpora: Path, console: Console, halves: list[str], misses: bool) -> None:
    samples = dev_set(corpora)
    tuning, check = split([s.key for s in samples])
    half_keys = {"tuning": tuning, "check": check}
    articles = add_and_read({s.key: (f"{s.key}.txt", s.text.encode("utf-8")) for s in samples})
    layouts = sorted({s.layout for s in samples})
    table = Table(title=f"plain text: {len(samples)} articles in {len(layouts)} layouts (share correct)",
                  title_justify="left", box=box.MARKDOWN)
    table.add_column("field")
    for half in halves:
        table.add_column(f"{half} half ({len(half_keys[half])})", justify="right")
    for name in PLAIN_FIELDS:
        row = [name]
        for half in halves:
            chosen = [s for s in samples if s.key in half_keys[half]]
            right = sum(same_plain(name, plain_values(articles[s.key]).get(name), s.gold[name]) for s in chosen)
            row.append(f"{right / len(chosen):.3f}")
        table.add_row(*row)
    row = ["invented title, byline or date"]
    for half in halves:
        row.append(str(sum(_invented(s, articles[s.key]) for s in samples if s.key in half_keys[half])))
    table.add_row(*row)
    console.print(table)
    if misses:
        shown = [s for s in samples if s.key in set().union(*(half_keys[h] for h in halves))]
        _print_plain_misses(shown, articles, console)


def _invented(sample: Sample, article: Article | None) -> int:
    found = plain_values(article)
    return sum(1 for name in INVENTED if sample.gold[name] is None and found.get(name))


def _print_plain_misses(samples: list[Sample], articles: dict[str, Article | None], console: Console) -> None:
    for s in samples:
        found = plain_values(articles[s.key])
        for name in PLAIN_FIELDS:
            if not same_plain(name, found.get(name), s.gold[name]):
                provenance = articles[s.key].provenance.get(name) if articles[s.key] else None
                console.print(f"{s.key} {name}: got {found.get(name)!r} ({provenance}), want {s.gold[name]!r}",
                              markup=False, highlight=False)


# -- web pages -------------------------------------------------------------------

Judge = Callable[[dict[str, Any], Any], bool]


def web_pages(folder: Path, console: Console, halves: list[str], misses: bool) -> None:
    gold = {}
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold[record["id"]] = record
    tuning, check = split(list(gold))
    half_keys = {"tuning": tuning, "check": check}
    articles = add_and_read({key: (Path(r["html"]).name, (folder / r["html"]).read_bytes()) for key, r in gold.items()})

    import htmldate
    import trafilatura

    systems: dict[str, dict[str, dict[str, Any]]] = {"newsindex": {}, "trafilatura": {}, "htmldate": {},
                                                      "htmldate original": {}}
    for key, record in gold.items():
        page = read_page(folder / record["html"])
        a = articles[key]
        systems["newsindex"][key] = (
            {"title": a.title, "authors": list(a.byline), "date": a.published} if a else {}
        )
        t = trafilatura.bare_extraction(page, with_metadata=True)
        t = t.as_dict() if t is not None else {}
        systems["trafilatura"][key] = {"title": t.get("title"), "authors": _split(t.get("author")),
                                       "date": t.get("date")}
        systems["htmldate"][key] = {"date": htmldate.find_date(page)}
        systems["htmldate original"][key] = {"date": htmldate.find_date(page, original_date=True)}

    judges: dict[str, Judge] = {"title": _same_title, "authors": _same_authors, "date_published": _same_day}
    table = Table(title=f"web pages: {len(gold)} pages of {folder.name} (share correct of the pages annotating it)",
                  title_justify="left", box=box.MARKDOWN)
    for column in ("field", "half", "pages", *systems):
        table.add_column(column, justify="left" if column in ("field", "half") else "right")
    for field, judge in judges.items():
        for half in halves:
            annotated = [key for key in sorted(half_keys[half]) if gold[key].get(field)]
            row = [field, half, str(len(annotated))]
            for name, found in systems.items():
                if field != "date_published" and name.startswith("htmldate"):
                    row.append("")
                    continue
                right = sum(1 for key in annotated if judge(found[key], gold[key][field]))
                row.append(f"{right / len(annotated):.3f}")
            table.add_row(*row)
    console.print(table)
    if misses:
        for half in halves:
            for key in sorted(half_keys[half]):
                for field, judge in judges.items():
                    want = gold[key].get(field)
                    if want and not judge(systems["newsindex"][key], want):
                        a = articles[key]
                        source = a.provenance.get({"authors": "byline", "date_published": "published"}.get(
                            field, field)) if a else None
                        got = {k: v for k, v in systems["newsindex"][key].items() if k in field}
                        console.print(f"{key} {field}: got {got} ({source}), want {want!r}", markup=False,
                                      highlight=False)


def _norm(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def _split(value: object) -> list[str]:
    return [p for p in re.split(r"\s*;\s*", str(value)) if p] if value else []


def _same_title(found: dict[str, Any], want: str) -> bool:
    return _norm(found.get("title")) == _norm(want)


def _same_authors(found: dict[str, Any], want: list[str]) -> bool:
    got = _norm("; ".join(found.get("authors") or []))
    return bool(got) and all(_norm(name) in got for name in want)


def _same_day(found: dict[str, Any], want: str) -> bool:
    value = found.get("date")
    return value is not None and str(value)[:10] == want


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("tuning", "check", "both"), default="both")
    parser.add_argument("--misses", action="store_true", help="list every wrong field of newsindex")
    parser.add_argument("--only", choices=("plain", "web"), help="measure one of the two sets")
    args = parser.parse_args(argv)
    halves = ["tuning", "check"] if args.half == "both" else [args.half]
    console = Console(width=200)
    if args.only != "web":
        corpora = corpus("reuters21578").parent
        corpus("bbc")
        plain_text(corpora, console, halves, args.misses)
    if args.only != "plain":
        web_pages(corpus("news_html_gold"), console, halves, args.misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
