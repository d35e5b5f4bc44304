"""Language detection on short news texts: newsindex beside py3langid and lingua alone.

    python -m benchmarks.languages

Texts: every entry of the real feeds in ``feeds/`` (English, German,
Portuguese, Italian), gold being the feed's own language, as headlines
alone and as headline and summary; and 500 HuffPost headlines (English).
Reported: share right, share left without a language (newsindex keeps only
sure answers), share wrong, and time per text; lingua is skipped, saying
so, when it is not installed (``pip install lingua-language-detector``).
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Callable

from rich import box
from rich.console import Console
from rich.table import Table

from newsindex.ingest import ExtractedArticle
from newsindex.ingest.language import with_language

from .corpora import corpus

FEED_LANGUAGES = {
    "guardian-us.rss": "en", "heise-developer.atom": "de", "jn-ultimas.rss": "pt", "uol-noticias.rss": "pt",
    "science-twis.rdf": "en", "varthabharathi.rss": "en", "nbc-newyork.xml": "en",
    "ilgiornale-cronache.xml": "it", "ilmessaggero-mondo.xml": "it", "wirecutter.xml": "en",
    "npr-technology.jsonfeed.json": "en",
}


def texts() -> dict[str, list[tuple[str, str]]]:
    """{set name: [(text, gold code)]}."""
    import feedparser

    headlines, summaries = [], []
    for name, code in FEED_LANGUAGES.items():
        path = corpus("feeds") / name
        if name.endswith(".json"):
            items = [(i.get("title", ""), i.get("content_html", "")) for i in json.loads(path.read_text())["items"]]
        else:
            items = [(e.get("title", ""), e.get("summary", "")) for e in feedparser.parse(path.read_bytes()).entries]
        for title, summary in items:
            plain = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", summary)).split())
            if title.strip():
                headlines.append((title.strip(), code))
                summaries.append((f"{title.strip()}\n{plain[:400]}", code))
    huffpost_file = next(corpus("huffpost").glob("*.json"))
    lines = huffpost_file.read_text(encoding="utf-8").splitlines()[:500]
    huffpost = [(json.loads(line)["headline"], "en") for line in lines]
    return {"feed headlines": headlines, "feed headline + summary": summaries, "HuffPost headlines": huffpost}


def newsindex_detector(text: str) -> str | None:
    title, _, body = text.partition("\n")
    return with_language(ExtractedArticle(body=body or title, title=title if body else None)).language


def py3langid_detector() -> Callable[[str], str | None]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return lambda text: str(identifier.classify(text)[0])


def lingua_detector() -> Callable[[str], str | None] | None:
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError:
        return None
    detector = LanguageDetectorBuilder.from_all_languages().build()

    def detect(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found is not None else None

    return detect


def main() -> int:
    console = Console(width=160)
    systems: dict[str, Callable[[str], str | None] | None] = {
        "newsindex (function words, then py3langid >= 0.9)": newsindex_detector,
        "py3langid alone (best guess)": py3langid_detector(),
        "lingua alone (all languages)": lingua_detector(),
    }
    sets = texts()
    table = Table(title="language detection on short news texts", title_justify="left", box=box.MARKDOWN)
    for column in ("texts", "n", "system", "right", "none", "wrong", "ms a text"):
        table.add_column(column, justify="left" if column in ("texts", "system") else "right")
    for set_name, items in sets.items():
        for name, detect in systems.items():
            if detect is None:
                table.add_row(set_name, str(len(items)), name, "not installed", "", "", "")
                continue
            detect(items[0][0])  # models load outside the timing
            started = time.perf_counter()
            found = [detect(text) for text, _ in items]
            seconds = time.perf_counter() - started
            right = sum(f == gold for f, (_, gold) in zip(found, items, strict=True))
            none = sum(f is None for f in found)
            table.add_row(set_name, str(len(items)), name, f"{right / len(items):.3f}", f"{none / len(items):.3f}",
                          f"{(len(items) - right - none) / len(items):.3f}", f"{seconds / len(items) * 1000:.2f}")
    console.print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
