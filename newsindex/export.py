"""Every hit of a query as rows of a spreadsheet (CSV) or of JSON Lines.

The rows are written as the hits come (``NewsIndex.export`` yields them one
at a time), so an export of any size holds one hit in memory. Scraped text is
hostile in a spreadsheet: a cell that starts with ``=``, ``+``, ``-``, ``@``
(or a tab or carriage return) is a formula to Excel and LibreOffice, so such
a cell gets a leading apostrophe, which they show as text (OWASP's advice on
CSV injection). JSON Lines keeps every value as it is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from typing import IO, Any

from .models import Hit

#: The columns of an export, in order.
COLUMNS = (
    "id", "rank", "score", "title", "lede", "outlet", "credit", "byline", "published", "updated", "url", "path",
    "record", "language", "cluster", "copies", "snippet", "review", "note",
)
FORMATS = ("csv", "jsonl")
#: What a spreadsheet reads as the start of a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def row(hit: Hit) -> dict[str, Any]:
    """One hit as an export's row: plain values, dates in ISO 8601, the
    authors joined by "; ", the number of copies folded into it, its first
    snippet's text, and its review mark's status and note."""
    return {
        "id": hit.id,
        "rank": hit.rank,
        "score": round(hit.score, 6) if hit.score is not None else None,
        "title": hit.title,
        "lede": hit.lede,
        "outlet": hit.outlet,
        "credit": hit.credit,
        "byline": "; ".join(hit.byline),
        "published": hit.published.isoformat() if hit.published else None,
        "updated": hit.updated.isoformat() if hit.updated else None,
        "url": hit.url,
        "path": hit.path,
        "record": hit.record,
        "language": hit.language,
        "cluster": hit.cluster,
        "copies": len(hit.copies),
        "snippet": hit.snippets[0].text if hit.snippets else None,
        "review": hit.mark.status if hit.mark else None,
        "note": hit.mark.note if hit.mark else None,
    }


def write(
    hits: Iterable[Hit],
    out: IO[str],
    fmt: str = "csv",
    *,
    bom: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``hits`` to ``out`` as ``fmt`` ("csv" with a header row, or
    "jsonl"), ``bom`` starting a CSV with a UTF-8 byte-order mark (for Excel);
    ``progress(rows written)`` after each row. Returns the rows written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    count = 0
    if fmt == "csv":
        if bom:
            out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
    for hit in hits:
        values = row(hit)
        if fmt == "csv":
            writer.writerow([cell(values[name]) for name in COLUMNS])
        else:
            out.write(json.dumps(values, ensure_ascii=False) + "\n")
        count += 1
        if progress is not None:
            progress(count)
    return count


def cell(value: Any) -> str:
    """A value as a CSV cell a spreadsheet shows as written (see above)."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text
