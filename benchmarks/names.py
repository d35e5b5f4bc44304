"""Names across eras, scripts and languages: hits of example queries on a mixed archive.

    python -m benchmarks.names

The archive: Reuters-21578 stories (1987) that name Peking, Bombay, Kiev or
Moscow, BBC News stories (2004-5) that name Beijing, Mumbai, Kyiv or Moscow,
and the fixtures of tests/test_scripts.py and tests/test_languages.py
(Ukrainian, Russian, Greek, German, French, Chinese, Japanese, Korean). For
each query: hits as typed (``exact_script``), by default (across scripts),
and with ``variants``; the other names offered.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from newsindex import NewsIndex

from .corpora import bbc_articles, corpus

QUERIES = ("Beijing", "Peking", "Mumbai", "Bombay", "Kyiv", "Kiev", "Київ", "Kharkiv", "Харків", "Kharkov",
           "Athina", "Moscow", "Москва", "Wahlen", "élections", "華為", "東京")
_REUTERS = re.compile(r"<TITLE>(.*?)</TITLE>.*?<BODY>(.*?)</BODY>", re.S)
_OLD = {"peking", "bombay", "kiev", "moscow"}
_NEW = {"beijing", "mumbai", "kyiv", "moscow"}


def build(folder: Path) -> int:
    """Write the archive; the number of files."""
    from tests.test_languages import ARTICLES as LANGUAGE_FIXTURES
    from tests.test_scripts import ARTICLES as SCRIPT_FIXTURES
    from tests.test_scripts import CJK

    count = 0
    for sgm in sorted(corpus("reuters21578").glob("reut2-*.sgm")):
        for n, (title, body) in enumerate(_REUTERS.findall(sgm.read_text(encoding="latin-1"))):
            if _OLD & set(re.findall(r"[a-z]+", body.lower())):
                (folder / f"reuters-{sgm.stem}-{n}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
                count += 1
    for key, text in bbc_articles(corpus("bbc")).items():
        if _NEW & set(re.findall(r"[a-z]+", text.lower())):
            (folder / f"bbc-{key.replace('/', '-')}.txt").write_text(text, encoding="utf-8")
            count += 1
    for prefix, fixtures in (("scripts", {**SCRIPT_FIXTURES, **CJK}), ("languages", LANGUAGE_FIXTURES)):
        for name, text in fixtures.items():
            (folder / f"{prefix}-{name}").write_text(text, encoding="utf-8")
            count += 1
    return count


def main() -> int:
    console = Console(width=200)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        files = build(folder)
        table = Table(title=f"hits on a mixed archive of {files} articles", title_justify="left", box=box.MARKDOWN)
        offers = "other names offered (articles)"
        for column in ("query", "as typed", "default", "--variants", offers):
            table.add_column(column, justify="left" if column in ("query", offers) else "right")
        with NewsIndex(Path(tmp) / "index") as ni:
            ni.add([folder])
            for query in QUERIES:
                exact = ni.search(query, exact_script=True, limit=1)
                default = ni.search(query, limit=1)
                wider = ni.search(query, variants=True, limit=1)
                offered = "; ".join(
                    f"{p.place} ({p.country}): " + ", ".join(f"{v.name} ({v.articles})" for v in p.variants)
                    for p in default.places
                )
                table.add_row(query, str(exact.total), str(default.total), str(wider.total), offered)
    console.print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
