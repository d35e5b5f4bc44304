"""A small dated, multi-outlet archive that the tests write out as files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from newsindex import NewsIndex

RECENT = (datetime.now() - timedelta(days=2)).strftime("%-d %B %Y")

# (file, headline, date line or None, byline or None, outlet (sidecar) or None, body)
ARTICLES = [
    ("a1.txt", "Bridge over the Dnipro destroyed", "11 November 2022, 12:51", "By Asher McShane", "LBC",
     "The Antonivskyi bridge over the Dnipro river was destroyed as Russian troops retreated from Kherson."),
    ("a2.txt", "Kherson celebrates liberation", "12 November 2022", "By Anna Smith", "The Guardian",
     "Residents of Kherson celebrated in the main square as Ukrainian troops arrived in the city."),
    ("a3.txt", "Grain deal extended", "17 November 2022", "By Anna Smith and Tom Jones", "The Guardian",
     "The Black Sea grain deal was extended for four months, officials in Istanbul said."),
    ("a4.txt", "Winter power cuts across Ukraine", "2 December 2022", None, "BBC",
     "Power cuts spread across Ukraine as strikes hit the energy grid before winter; Kherson was dark."),
    ("a5.txt", "Kherson shelled again", "24 December 2022", "By Tom Jones", "BBC",
     "Shelling hit the centre of Kherson on Christmas Eve, killing civilians near the market."),
    ("a6.txt", "An undated dispatch from Kherson", None, None, None,
     "A dispatch from Kherson about the river, the bridge and the people who stayed behind."),
    ("a7.txt", "Recent report on the Dnipro dam", RECENT, "By Maria Lopez", "Reuters",
     "Engineers surveyed what remains of the dam on the Dnipro river near Kherson."),
]


def write_archive(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, headline, dateline, byline, outlet, body in ARTICLES:
        lines = [headline, ""]
        if dateline:
            lines += [dateline, ""]
        if byline:
            lines += [byline, ""]
        lines.append(body)
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        if outlet:
            (folder / name.replace(".txt", ".meta.json")).write_text(json.dumps({"outlet": outlet}))
    return folder


def write_texts(folder: Path, texts: dict[str, str]) -> Path:
    """Articles given as {file name: text}, written into ``folder`` (UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def indexed_texts(folder: Path, texts: dict[str, str]) -> Iterator[NewsIndex]:
    """A fixture's body: an index (in ``folder``) of ``texts`` (:func:`write_texts`), closed after the test."""
    ni = NewsIndex(folder / "index")
    ni.add([write_texts(folder / "articles", texts)])
    yield ni
    ni.close()
