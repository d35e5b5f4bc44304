"""Metadata carried by an article saved as plain text.

Saved news text keeps the furniture of the page it came from: a headline line,
a date line, a byline, photo captions (often twice: alt text, then the caption
with its picture credit), and a wire credit at the end. Each is recognised by
its shape, moved out of the body into its own field, and recorded with its
provenance. Nothing is guessed: a text without a headline line has no title,
and a text without a date line is undated.
"""

from __future__ import annotations

import re
import warnings
from datetime import datetime

from . import ExtractedArticle, tidy_paragraphs

#: Header furniture (title, date line, byline) is looked for in this many
#: non-empty lines at the top of the text.
HEADER_LINES = 15

_HEADLINE_MAX_CHARS = 200
_HEADLINE_MAX_WORDS = 30

_CAPTION = re.compile(
    r"^(?P<text>.*?\S)\s*(?:"
    r"(?:Picture|Photo|Photograph|Image|Pic|Credit)s?\s*:\s*(?P<who>[^:()]{1,80}?)\.?"
    r"|\((?:Picture|Photo|Photograph|Image|Pic)s?\s*:\s*(?P<who2>[^:()]{1,80})\)\.?"
    r")$"
)
#: What every caption line holds (each word of _CAPTION's starts with one):
#: the expression, which tries its endings at every character, reads only
#: the lines that have one.
_CAPTION_WORDS = ("Pic", "Photo", "Image", "Credit")
_BYLINE = re.compile(r"^(?:By|BY)\s+(?P<names>\S.*)$")
_NAME_PARTICLES = frozenset(
    "al bin da das de del della der di dos du el la le van von y".split()
)
_ROLE_WORDS = re.compile(
    r"\b(correspondent|editor|reporter|staff|writer|journalist|columnist|"
    r"producer|presenter|contributor|team|desk|agencies|newsroom)\b",
    re.I,
)
_CREDIT = re.compile(r"^\(\s*(?P<credit>[^()]{2,60}?)\s*\)$")
_CREDIT_SMALL_WORDS = frozenset("of the and for de la des del news service".split())
_DATELINE_CREDIT = re.compile(
    r"^[A-Z][A-Za-z .,'-]{1,40}?\s*\((?P<credit>Reuters|Reuter|AP|AFP|UPI|dpa|Bloomberg|PA)\)\s*[-–—]"
)

#: Wire and syndication credits whose outlet has a longer usual name.
WIRE_OUTLETS = {
    "new york times news service": "The New York Times",
    "new york times": "The New York Times",
    "the new york times": "The New York Times",
    "reuters": "Reuters",
    "reuter": "Reuters",
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "upi": "UPI",
    "bloomberg": "Bloomberg",
    "pa": "PA Media",
    "dpa": "dpa",
}

_DATE_LABEL = re.compile(
    r"^(?P<label>(?:first\s+|last\s+)?(?:published|posted|updated|modified)(?:\s+on)?|date)\s*[:\-–]?\s*",
    re.I,
)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.I
)
_DAY = re.compile(r"(?<![\d:.])\d{1,2}(?:st|nd|rd|th)?(?![\d:])")
_DOT_TIME = re.compile(r"\b(\d{1,2})\.(\d{2})(?=\s*(?:am|pm|[A-Z]{2,4}\b|$))", re.I)
# The date lines most news text carries ("26 February 1987, 15:01", "Nov 11,
# 2022"), read without dateutil, which takes a tenth of a worker's time per
# article on Reuters-21578; anything else still goes to dateutil.
_MONTH_NUMBERS = {
    name: number
    for number, month in enumerate(
        ("january february march april may june july august september october november december").split(), 1
    )
    for name in (month, month[:3], *(("sept",) if number == 9 else ()))
}
_TIME = r"(?:,?\s+(?P<hour>\d{1,2}):(?P<minute>\d{2}))?"
_COMMON_DATES = (
    re.compile(r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\s+(?P<year>\d{4})" + _TIME),
    re.compile(r"(?P<month>[A-Za-z]{3,9})\s+(?P<day>\d{1,2}),\s+(?P<year>\d{4})" + _TIME),
)


def extract(text: str) -> ExtractedArticle:
    """Split a plain-text article into body and metadata fields."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    drop: set[int] = set()
    fields: dict[str, object] = {}
    provenance: dict[str, str] = {}

    def take(name: str, value: object, source: str) -> None:
        fields[name] = value
        provenance[name] = source

    captions = _find_captions(lines, nonblank, drop)
    if captions:
        take("captions", tuple(captions), "caption lines")

    header = [i for i in nonblank[:HEADER_LINES] if i not in drop]
    if header and len(nonblank) > 1 and _is_headline(lines[header[0]].strip()):
        take("title", lines[header[0]].strip(), "headline line")
        drop.add(header[0])
    for i in header:
        if i in drop:
            continue
        line = lines[i].strip()
        if "published" not in fields and "updated" not in fields:
            dates = parse_date_line(line)
            if dates is not None:
                published, updated = dates
                if published:
                    take("published", published, "date line")
                if updated:
                    take("updated", updated, "date line")
                drop.add(i)
                continue
        if "byline" not in fields:
            names = parse_byline(line)
            if names:
                take("byline", names, "byline line")
                drop.add(i)

    remaining = [i for i in nonblank if i not in drop]
    if len(remaining) > 1:
        credit = _credit(lines[remaining[-1]].strip())
        if credit:
            take("credit", credit, "credit line")
            drop.add(remaining[-1])
    if "credit" not in fields and remaining:
        match = _DATELINE_CREDIT.match(lines[remaining[0]].strip())
        if match:
            take("credit", match["credit"], "dateline")
    if "credit" in fields:
        credit = str(fields["credit"])
        take("outlet", WIRE_OUTLETS.get(credit.lower(), credit), provenance["credit"])

    body = tidy_paragraphs("\n".join(line.rstrip() for i, line in enumerate(lines) if i not in drop))
    return ExtractedArticle(body=body, provenance=provenance, **fields)  # type: ignore[arg-type]


def _find_captions(lines: list[str], nonblank: list[int], drop: set[int]) -> list[str]:
    """Caption lines, with the alt-text line repeated just above each dropped too."""
    captions = []
    previous: int | None = None
    for i in nonblank:
        line = lines[i].strip()
        may_be = len(line) <= 600 and any(word in line for word in _CAPTION_WORDS)
        match = _CAPTION.match(line) if may_be else None
        if match and len((match["who"] or match["who2"] or "").split()) <= 6:
            captions.append(line)
            drop.add(i)
            if previous is not None and _same_words(lines[previous], match["text"]):
                drop.add(previous)
        previous = i
    return captions


def _same_words(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(s.split()).rstrip(" .!?").casefold()

    return bool(a.strip()) and norm(a) == norm(b)


def _is_headline(line: str) -> bool:
    """Short, not ended like a sentence, not starting with a lower-case word."""
    first_word = line.split()[0]
    return (
        len(line) <= _HEADLINE_MAX_CHARS
        and len(line.split()) <= _HEADLINE_MAX_WORDS
        and line[-1] not in ",;:"
        and (not line.endswith(".") or line.endswith("..."))
        and not (first_word.isalpha() and first_word.islower())  # "iTunes" is fine
        and parse_date_line(line) is None
        and not parse_byline(line)
    )


def parse_byline(line: str) -> tuple[str, ...]:
    """Author names from a line such as ``By A, B and C``; empty if it is not a byline."""
    match = _BYLINE.match(line)
    if not match or len(line) > 150 or line.endswith("."):
        return ()
    names_text = re.split(r"\s+(?:for|in|at|via)\s+", match["names"])[0]
    names = []
    for part in re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", names_text):
        part = part.strip()
        if not part or _ROLE_WORDS.search(part):
            continue
        if not _is_name(part):
            return ()
        names.append(part)
    return tuple(names)


def _is_name(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 6 and all(
        (w[0].isupper() and not w.isdigit()) or w.lower() in _NAME_PARTICLES for w in words
    )


def _credit(line: str) -> str | None:
    match = _CREDIT.match(line)
    if not match:
        return None
    credit = match["credit"]
    words = credit.split()
    if len(words) > 6 or any(c.isdigit() for c in credit):
        return None
    if not all(w[0].isupper() or w.lower() in _CREDIT_SMALL_WORDS for w in words):
        return None
    return credit


def parse_date_line(line: str) -> tuple[datetime | None, datetime | None] | None:
    """(published, updated) from a date line, or None if the line is not one.

    Every ``|``-separated part must be a complete date with a day, a month
    name (or an ISO date) and a year; a part labelled "Updated" is the update
    time. Dates without a timezone stay naive.
    """
    if len(line) > 150 or not _YEAR.search(line):
        return None
    published = updated = None
    for part in line.split("|"):
        part = part.strip()
        label = _DATE_LABEL.match(part)
        if label:
            part = part[label.end() :]
        value = parse_date(part)
        if value is None:
            return None
        if label and re.search(r"updated|modified", label["label"], re.I):
            updated = updated or value
        else:
            published = published or value
    return published, updated


def _common_date(text: str) -> datetime | None:
    """The date of a line in one of the common shapes, as dateutil reads it, or None."""
    for shape in _COMMON_DATES:
        found = shape.fullmatch(text)
        if found is None:
            continue
        month = _MONTH_NUMBERS.get(found["month"].lower())
        if month is None:
            return None
        hour, minute = found["hour"], found["minute"]
        try:
            return datetime(int(found["year"]), month, int(found["day"]), int(hour or 0), int(minute or 0))
        except ValueError:
            return None
    return None


def parse_date(text: str) -> datetime | None:
    """A complete date (day, month, year; time optional) written out in ``text``, or None."""
    text = text.strip().rstrip(".")
    if not text or len(text) > 80 or not _YEAR.search(text):
        return None
    if not (_ISO_DATE.search(text) or (_MONTH.search(text) and _DAY.search(_YEAR.sub("", text)))):
        return None
    common = _common_date(text)
    if common is not None:
        return common
    from dateutil import parser  # imported here: searching never needs it

    text = _DOT_TIME.sub(r"\1:\2", text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown zone names (EST, BST) leave the time naive
        try:
            return parser.parse(text, fuzzy=False)
        except (ValueError, OverflowError):
            return None
