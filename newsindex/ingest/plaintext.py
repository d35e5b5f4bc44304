"""Metadata carried by an article saved as plain text.

Saved news text keeps the furniture of the page or database it came from: a
headline line, date lines, a byline, labelled fields (``Published:``,
``Author:``, ``Source:``), an outlet and copyright line in database exports,
photo captions, a wire dateline (``KYIV, Nov 25 (Reuters) -``) and a credit
at the end. Each is recognised by its shape, not by the outlet, moved out of
the body into its own field, and recorded with its provenance: the rule and
the line it came from.

Nothing is guessed. A text without a headline line has no title, a dateline
without a year gives no date, a name is never made up from an outlet, and a
value that cannot be right (an update before publication, a date in the
future, a URL as an author) is left out, with the provenance saying why.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from . import ExtractedArticle, check_dates, tidy_paragraphs

#: Header furniture (title, date lines, byline, labels) is looked for in this
#: many non-empty lines at the top of the text.
HEADER_LINES = 15
#: The header ends at this many lines in a row that are not furniture (a
#: standfirst above a byline is one).
_BODY_STARTS = 2
#: Credit and copyright lines are looked for in this many lines at the end.
TRAILER_LINES = 3

_HEADLINE_MAX_CHARS = 200
_HEADLINE_MAX_WORDS = 30
_NAME_MAX_CHARS = 80

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

# -- who wrote it ------------------------------------------------------------------

#: "By" in the languages news archives hold: Par, Von, Por, Di, Door, Av, Af, Od, Від, От.
_BYLINE = re.compile(r"^(?:By|BY|by|Par|PAR|Von|VON|Por|POR|Di|Door|Av|Af|Od|Від|От)\b\s*:?\s*(?P<names>\S.*)$")
_NAME_PARTICLES = frozenset(
    "al bin da das de del della der di dos du el la le van von y".split()
)
ROLE_WORDS = re.compile(
    r"\b(correspondents?|editors?|reporters?|staff|writers?|journalists?|columnists?|"
    r"producers?|presenters?|contributors?|team|desk|agencies|newsroom|bureau|analysts?|reports|services?)\b",
    re.I,
)

#: "and" between names, in the languages whose bylines are read.
_AND = re.compile(r"\s+(?:and|und|et|y|e|en|och|og|i|та|і|и)\s+|\s*&\s*")

#: Wire and syndication credits, and the outlet each stands for.
WIRE_OUTLETS = {
    "new york times news service": "The New York Times",
    "new york times": "The New York Times",
    "the new york times": "The New York Times",
    "reuters": "Reuters",
    "reuter": "Reuters",
    "thomson reuters": "Reuters",
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "upi": "UPI",
    "united press international": "UPI",
    "bloomberg": "Bloomberg",
    "bloomberg news": "Bloomberg",
    "pa": "PA Media",
    "pa media": "PA Media",
    "press association": "PA Media",
    "dpa": "dpa",
    "ansa": "ANSA",
    "efe": "EFE",
    "xinhua": "Xinhua",
    "kyodo": "Kyodo",
    "kyodo news": "Kyodo",
    "yonhap": "Yonhap",
    "tass": "TASS",
    "interfax": "Interfax",
    "aap": "AAP",
    "cp": "The Canadian Press",
    "the canadian press": "The Canadian Press",
    "pti": "PTI",
    "ians": "IANS",
    "ani": "ANI",
    "anadolu": "Anadolu Agency",
    "ukrinform": "Ukrinform",
}
_AGENCY_NAMES = sorted((k for k in WIRE_OUTLETS if k not in ("the new york times",)), key=len, reverse=True)
_AGENCY = "|".join(re.escape(name) for name in _AGENCY_NAMES)
#: "KYIV, Nov 25 (Reuters) -", "OTTAWA (AP) —": a place, perhaps a date, the
#: agency in parentheses, a dash. The date of a dateline has no year and is
#: never read.
_DATELINE_CREDIT = re.compile(
    rf"^[A-Z][\w .,'’/-]{{1,60}}?\s*\((?P<credit>{_AGENCY})\)\s*(?:[-–—]|--)", re.I
)
#: A line that is only a credit: "(Reuters)", "— AFP", "-- Reuter", "Source: dpa".
_CREDIT_LINE = re.compile(
    rf"^(?:\(\s*(?P<paren>[^()]{{2,60}}?)\s*\)|(?:[-–—]+|source\s*:)\s*(?P<dash>{_AGENCY})|(?P<bare>{_AGENCY}))\.?$",
    re.I,
)
_CREDIT_SMALL_WORDS = frozenset("of the and for de la des del news service".split())
_COPYRIGHT = re.compile(
    r"^(?:(?:©|\(c\))|copyright\s*(?:©|\(c\))?\s*(?=(?:19|20)\d\d))\s*(?:(?:19|20)\d\d\s*)?(?:,\s*)?"
    r"(?P<holder>[^.;]{2,80}?)"
    r"(?:[.;,]\s*all rights reserved.*)?\.?$",
    re.I,
)
_WORD_COUNT = re.compile(r"^\d[\d,.]*\s+words$", re.I)

# -- labelled fields ---------------------------------------------------------------

#: Labels of header lines and the field each one fills (None: furniture,
#: dropped from the body and not read).
_LABELS: dict[str, str | None] = {
    **dict.fromkeys(("title", "headline"), "title"),
    **dict.fromkeys(("by", "byline", "author", "authors", "writer", "written by"), "byline"),
    **dict.fromkeys(("published", "published on", "first published", "posted", "posted on", "date",
                     "publication date", "date published", "dateline date"), "published"),
    **dict.fromkeys(("updated", "updated on", "last updated", "modified", "last modified"), "updated"),
    **dict.fromkeys(("source", "publication", "outlet", "publisher", "newspaper"), "outlet"),
    **dict.fromkeys(("url", "link", "source url", "permalink"), "url"),
    **dict.fromkeys(("section", "category"), "section"),
    **dict.fromkeys(("length", "word count", "words", "load-date", "load date", "language",
                     "document type", "publication-type", "publication type", "pg", "page"), None),
}
_LABEL = re.compile(
    r"^\**(?P<label>" + "|".join(re.escape(k) for k in sorted(_LABELS, key=len, reverse=True))
    + r")\**(?P<colon>\s*:)?\**\s+(?P<value>\S.*)$",
    re.I,
)

# -- dates ---------------------------------------------------------------------------

_LABEL_FIRST_WORDS = frozenset(label.split()[0].split("-")[0] for label in _LABELS)

_DATE_LABEL = re.compile(
    r"^(?P<label>(?:first\s+|last\s+)?(?:published|posted|updated|modified)(?:\s+on)?|date)\s*[:\-–]?\s*",
    re.I,
)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?!\d)")
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.I
)
_DAY = re.compile(r"(?<![\d:.])\d{1,2}(?:st|nd|rd|th)?(?![\d:])")
_DOT_TIME = re.compile(r"\b(\d{1,2})\.(\d{2})(?=\s*(?:am|pm|a\.m\.|p\.m\.|[A-Z]{1,5}\b|[+-]\d{2}|$))", re.I)
_PERIOD = re.compile(r"\b([ap])\.m\.?", re.I)
_TIME_ONLY = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+(?:[A-Z]{1,5}|[+-]\d{2}:?\d{2}))?$", re.I)
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
#: Zone names news text writes, as fixed offsets in hours; the North American
#: "ET", "CT", "MT", "PT" depend on the date and are read with the tz database.
_ZONE_HOURS = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "WET": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "IST": 5.5, "SGT": 8, "HKT": 8, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}
_REGIONAL_ZONES = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
                   "PT": "America/Los_Angeles"}


@dataclass
class _Reading:
    """What the header and trailer say, with where each value came from."""

    lines: list[str]
    fields: dict[str, object] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    drop: set[int] = field(default_factory=set)
    line_of: dict[str, int] = field(default_factory=dict)  # the line each value came from

    def take(self, name: str, value: object, source: str, line: int | None = None) -> bool:
        """Set ``name`` unless it is set; True when it was set."""
        if name in self.fields or value in (None, (), ""):
            return False
        self.fields[name] = value
        self.provenance[name] = source if line is None else f"{source} {line + 1}"
        if line is not None:
            self.line_of[name] = line
        return True


def extract(text: str) -> ExtractedArticle:
    """Split a plain-text article into body and metadata fields.

    Provenance names the rule and the line number: ``"byline line 3"``.
    A date line in another language is read with the article's language,
    detected when such a line is met, as dateparser's first guess.
    """
    hint = _LANGUAGE_HINT.set(lru_cache(maxsize=1)(lambda: _detect(text)))
    try:
        return _extract(text)
    finally:
        _LANGUAGE_HINT.reset(hint)


def _detect(text: str) -> str | None:
    from .language import detect

    return detect(text)


def _extract(text: str) -> ExtractedArticle:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    reading = _Reading(lines)
    captions = _find_captions(lines, nonblank, reading.drop)
    if captions:
        reading.take("captions", tuple(captions), "caption lines")
    header = [i for i in nonblank[:HEADER_LINES] if i not in reading.drop]
    copyright_holders = _read_copyright(reading, nonblank)
    _read_header(reading, header, len(nonblank) > 1)
    _read_outlet_line(reading, header, copyright_holders)
    remaining = [i for i in nonblank if i not in reading.drop]
    _read_trailer(reading, remaining)
    _read_dateline(reading, [i for i in remaining if i not in reading.drop][:3])
    if "credit" in reading.fields:
        credit = str(reading.fields["credit"])
        reading.take("outlet", WIRE_OUTLETS.get(credit.lower(), credit), reading.provenance["credit"])
    for holder, line in copyright_holders:
        if holder.lower() in WIRE_OUTLETS:
            reading.take("outlet", WIRE_OUTLETS[holder.lower()], "copyright line", line)
    check_dates(reading.fields, reading.provenance)

    drop = reading.drop
    body = tidy_paragraphs("\n".join(line.rstrip() for i, line in enumerate(lines) if i not in drop))
    return ExtractedArticle(body=body, provenance=reading.provenance, **reading.fields)  # type: ignore[arg-type]


# -- the header ------------------------------------------------------------------------


def _read_header(reading: _Reading, header: list[int], several_lines: bool) -> None:
    lines = reading.lines
    labelled = {
        i: m for i in header
        # "By Name | date" lines are bylines, read below with their date
        if (m := _label(lines[i])) and (m["colon"] or m["label"].lower() != "by")
    }
    for i, match in labelled.items():
        # A label without a colon ("Published 3 March 2023") is read when its
        # value has the field's shape, or when the header is a block of labels.
        if _read_label(reading, i, match, trusted=bool(match["colon"]) or len(labelled) >= 3):
            reading.drop.add(i)

    title_line = _title_line(reading, header) if several_lines and "title" not in reading.fields else None
    body_lines = 0  # lines in a row that are not furniture: the body has begun after two
    for position, i in enumerate(header):
        if i in reading.drop or i == title_line:
            body_lines = 0
            continue
        if _read_furniture(reading, header, position, title_line):
            reading.drop.add(i)
            body_lines = 0
        else:
            body_lines += 1
            if body_lines == _BODY_STARTS:
                break
    if title_line is not None and _ends_header_item(reading, header, title_line):
        reading.take("title", _unheading(lines[title_line]), "headline line", title_line)
        reading.drop.add(title_line)


def _label(line: str) -> re.Match[str] | None:
    """The label of a labelled line; the expression is tried only on lines
    whose first word starts a label."""
    first = line.lstrip(" *_")[:12].split(None, 1)
    if not first or first[0].rstrip(":*_").split("-")[0].lower() not in _LABEL_FIRST_WORDS:
        return None
    return _LABEL.match(_unmark(line))


def _read_furniture(reading: _Reading, header: list[int], position: int, title_line: int | None) -> bool:
    """Read one header line that is a date line, a byline, a bare name line,
    a word count or a time line; True when it was one."""
    i = header[position]
    line = _unmark(reading.lines[i])
    if _read_dates(reading, line, i) or _read_byline(reading, line, i) or _WORD_COUNT.match(line):
        return True
    if _TIME_ONLY.match(line) and position and _add_time(reading, line, i, header[position - 1]):
        return True
    if _is_name_line(reading, header, position, title_line):
        return reading.take("byline", (line,), "name line", i)
    return False


def _read_label(reading: _Reading, i: int, match: re.Match[str], trusted: bool) -> bool:
    """Read one labelled line; True when it was a label (read or furniture)."""
    target = _LABELS[match["label"].lower()]
    value = match["value"].strip().strip("*_").strip()
    if target == "byline":
        return _read_byline(reading, f"By {value.replace(';', ',')}", i, "labelled line")
    if target in ("published", "updated"):
        dates = parse_date_line(value)
        if dates is None:
            return False
        published, updated = dates
        if target == "updated":
            published, updated = None, published or updated
        reading.take("published", published, "labelled line", i)
        reading.take("updated", updated, "labelled line", i)
        return True
    if not trusted:
        return False
    if target == "outlet" and len(value) <= _NAME_MAX_CHARS:
        credit = value if value.lower() in WIRE_OUTLETS else None
        reading.take("credit", credit, "labelled line", i)
        reading.take("outlet", WIRE_OUTLETS.get(value.lower(), value), "labelled line", i)
    elif target in ("title", "section") and len(value) <= _HEADLINE_MAX_CHARS:
        reading.take(target, value, "labelled line", i)
    elif target == "url" and re.match(r"https?://\S+$", value):
        reading.take("url", value, "labelled line", i)
    return True


def _title_line(reading: _Reading, header: list[int]) -> int | None:
    """The first header line, when it is shaped like a headline."""
    first = next((i for i in header if i not in reading.drop), None)
    if first is None or first != header[0]:
        return None  # labels come first: a header of labels says its title, if any
    return first if _is_headline(_unheading(reading.lines[first])) else None


def _ends_header_item(reading: _Reading, header: list[int], title_line: int) -> bool:
    """A headline is followed by a blank line or by header furniture, not by
    more of its paragraph."""
    following = title_line + 1
    return (
        following >= len(reading.lines)
        or not reading.lines[following].strip()
        or following in reading.drop
        or reading.lines[title_line].lstrip().startswith("#")
    )


def _read_dates(reading: _Reading, line: str, i: int) -> bool:
    parts = [p for p in re.split(r"\s+\|\s+|\s+·\s+", line) if p]
    dates = parse_date_line(parts[-1] if len(parts) > 1 and _BYLINE.match(parts[0]) else line)
    if dates is None:
        return False
    if len(parts) > 1 and _BYLINE.match(parts[0]):
        _read_byline(reading, parts[0], i)
    published, updated = dates
    if published and not reading.take("published", published, "date line", i):
        # A second published date ("Posted ... | Modified ..." on two lines) is an update.
        reading.take("updated", published if published != reading.fields["published"] else None, "date line", i)
    reading.take("updated", updated, "date line", i)
    return True


def _add_time(reading: _Reading, time: str, i: int, previous: int) -> bool:
    """A time on a line of its own, just under a date line without one (database exports)."""
    published = reading.fields.get("published")
    if (
        not isinstance(published, datetime)
        or published.time() != datetime.min.time()
        or reading.line_of.get("published") != previous
    ):
        return False
    value = parse_date(f"{published:%d %B %Y} {time}")
    if value is None:
        return False
    reading.fields["published"] = value
    reading.provenance["published"] = f"date lines {previous + 1} and {i + 1}"
    return True


def _read_byline(reading: _Reading, line: str, i: int, source: str = "byline line") -> bool:
    names, outlet, credit = _parse_byline(line)
    if not names:
        return False
    reading.take("byline", names, source, i)
    reading.take("credit", credit, source, i)
    reading.take("outlet", outlet, source, i)
    return True


def _is_name_line(reading: _Reading, header: list[int], position: int, title_line: int | None) -> bool:
    """A bare name between the headline and a date or word-count line, as
    database exports and newspaper sites print the byline."""
    if "byline" in reading.fields or title_line is None or position == 0 or header[position - 1] != title_line:
        return False
    line = _unmark(reading.lines[header[position]])
    if position + 1 >= len(header):
        return False
    following = _unmark(reading.lines[header[position + 1]])
    words = line.split()
    return (
        2 <= len(words) <= 4
        and is_name(line)
        and not ROLE_WORDS.search(line)
        and all(w.isalpha() or re.fullmatch(r"[A-Za-z][A-Za-z.'’-]*", w) for w in words)
        and (parse_date_line(following) is not None or bool(_WORD_COUNT.match(following)))
    )


def _read_outlet_line(reading: _Reading, header: list[int], holders: list[tuple[str, int]]) -> None:
    """The publication line of a database export ("The Guardian (London)",
    "Reuters News"): a short header line naming the copyright holder."""
    if "outlet" in reading.fields or not holders:
        return
    keys = {_first_word(holder) for holder, _ in holders}
    for i in header:
        line = _unmark(reading.lines[i])
        if i in reading.drop or len(line.split()) > 6 or any(c.isdigit() for c in line):
            continue
        if _first_word(line) in keys and i != next(iter(header)):
            reading.take("outlet", line, "outlet line", i)
            reading.drop.add(i)
            return


def _first_word(name: str) -> str:
    words = [w for w in re.findall(r"\w+", name.casefold()) if w != "the"]
    return words[0] if words else ""


def _read_copyright(reading: _Reading, nonblank: list[int]) -> list[tuple[str, int]]:
    """Copyright lines in the header or at the end: dropped from the body; their holders."""
    holders = []
    for i in {*nonblank[:HEADER_LINES], *nonblank[-TRAILER_LINES:]}:
        line = reading.lines[i].strip()
        may_be = len(line) <= 160 and line[:9].lower().startswith(("©", "(c)", "copyright"))
        match = _COPYRIGHT.match(line) if may_be else None
        if match:
            holders.append((re.sub(r"\s+(?:limited|ltd|inc|llc|plc)\.?$", "", match["holder"].strip(), flags=re.I), i))
            reading.drop.add(i)
    return sorted(holders, key=lambda pair: pair[1])


def _read_trailer(reading: _Reading, remaining: list[int]) -> None:
    """A credit line among the last lines: "(Reuters)", "— AFP", "Reuter"."""
    if len(remaining) < 2:
        return
    for i in reversed(remaining[-TRAILER_LINES:]):
        credit = _credit(reading.lines[i].strip())
        if credit:
            reading.take("credit", credit, "credit line", i)
            reading.drop.add(i)
            return


def _read_dateline(reading: _Reading, first_lines: list[int]) -> None:
    if "credit" in reading.fields:
        return
    for i in first_lines:
        match = _DATELINE_CREDIT.match(reading.lines[i].strip())
        if match:
            credit = match["credit"]
            reading.take("credit", _agency_spelling(credit), "dateline", i)
            return


def _agency_spelling(credit: str) -> str:
    """The credit as the text writes it, unless it is all one case ("REUTERS")."""
    return credit if not credit.isupper() or len(credit) <= 4 else credit.title()


# -- captions ------------------------------------------------------------------------


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


# -- shapes ------------------------------------------------------------------------------


def _unmark(line: str) -> str:
    """The line without Markdown emphasis around it."""
    return line.strip().strip("*_").strip()


def _unheading(line: str) -> str:
    return re.sub(r"^#{1,6}\s+", "", line.strip())


def _is_headline(line: str) -> bool:
    """Short, not ended like a sentence, not starting with a lower-case word."""
    first_word = line.split()[0]
    return (
        len(line) <= _HEADLINE_MAX_CHARS
        and len(line.split()) <= _HEADLINE_MAX_WORDS
        and line[-1] not in ",;:"
        and not _ends_sentence(line)
        and not (first_word.isalpha() and first_word.islower())  # "iTunes" is fine
        and parse_date_line(line) is None
        and not parse_byline(line)
        and not ((label := _label(line)) and label["colon"])
    )


def _ends_sentence(line: str) -> bool:
    """Ends with a full stop (perhaps inside closing quotes), not with "..." or an abbreviation ("U.S.")."""
    end = line.rstrip("\"'’”»)")
    return end.endswith(".") and not end.endswith("...") and not re.search(r"\b(?:[A-Z]\.){2,}$", end)


def parse_byline(line: str) -> tuple[str, ...]:
    """Author names from a line such as ``By A, B and C``; empty if it is not a byline."""
    return _parse_byline(line)[0]


def _parse_byline(line: str) -> tuple[tuple[str, ...], str | None, str | None]:
    """(names, outlet, credit) from a byline: "By A and B", "By Name, Associated
    Press", "By Name | The Hill", "By Name for the Daily Mail"."""
    match = _BYLINE.match(line.strip())
    if not match or len(line) > 200 or line.rstrip().endswith("."):
        return (), None, None
    text, outlet, credit = match["names"].strip().strip("*_").strip(), None, None
    if " | " in text:
        text, _, rest = text.partition(" | ")
        rest = rest.strip()
        if rest and parse_date_line(rest) is None and len(rest.split()) <= 6:
            outlet = rest
    for_outlet = re.search(r"\s+for\s+(?P<outlet>(?:the\s+)?[A-Z][\w.&' -]{1,50})$", text)
    if for_outlet:
        outlet, text = outlet or for_outlet["outlet"], text[: for_outlet.start()]
    text = re.split(r"\s+(?:in|at|via)\s+[A-Z]", text)[0]
    comma_parts = [p.strip() for p in text.split(",")]
    last = comma_parts[-1].lower().removeprefix("the ")
    if len(comma_parts) > 1 and (last in WIRE_OUTLETS or f"the {last}" in WIRE_OUTLETS):
        credit = comma_parts.pop()
        outlet = outlet or WIRE_OUTLETS.get(credit.lower(), WIRE_OUTLETS.get(f"the {last}"))
    names: list[str] = []
    for position, part in enumerate(comma_parts):
        pieces = [p.strip() for p in _AND.split(part) if p.strip()]
        for piece in pieces:
            if position > 0 and len(pieces) == 1 and ROLE_WORDS.search(piece):
                continue  # "Anna Smith, Political Editor": a role, not a name
            if not is_name(piece) and not _is_desk_credit(piece):
                return (), None, None
            names.append(piece)
    return tuple(names), outlet, credit


def _is_desk_credit(text: str) -> bool:
    """"Staff Reporter", "Our Foreign Staff", "Telegraph Reporters": kept as the text gives them."""
    words = text.split()
    return 1 <= len(words) <= 5 and bool(ROLE_WORDS.search(text)) and all(w[0].isupper() for w in words)


def is_name(text: str) -> bool:
    """Whether ``text`` is shaped like a person's name: capitalised words (particles aside), no address."""
    words = text.split()
    return (
        1 <= len(words) <= 6
        and len(text) <= _NAME_MAX_CHARS
        and "@" not in text
        and "://" not in text
        and all((w[0].isupper() and not w.isdigit()) or w.lower() in _NAME_PARTICLES for w in words)
    )


def _credit(line: str) -> str | None:
    match = _CREDIT_LINE.match(line)
    if not match:
        return None
    if match["dash"] or match["bare"]:
        return _agency_spelling(match["dash"] or match["bare"])
    credit = match["paren"]
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
    """A complete date (day, month, year; time and zone optional) written out
    in ``text``, or None. A zone the text names gives a fixed UTC offset."""
    text = text.strip().rstrip(".")
    if not text or len(text) > 80 or not _YEAR.search(text):
        return None
    if not (_ISO_DATE.search(text) or (_MONTH.search(text) and _DAY.search(_YEAR.sub("", text)))):
        # not an English date: perhaps one in another language ("12 січня 2023")
        return _foreign_date(text) if _DAY.search(_YEAR.sub("", text)) else None
    common = _common_date(text)
    if common is not None:
        return common
    from dateutil import parser  # imported here: searching never needs it

    english = _PERIOD.sub(r"\1m", _DOT_TIME.sub(r"\1:\2", text))
    english = re.sub(r"(?<=\d)\s+at\s+(?=\d)", " ", english)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unknown zone name leaves the time naive
        try:
            value = parser.parse(english, fuzzy=False, tzinfos=_zone)
        except (ValueError, OverflowError):
            return _foreign_date(text)  # "14 mars 2021": "mar" reads as English, the rest does not
    offset = value.utcoffset()
    return value if offset is None else value.replace(tzinfo=timezone(offset))


#: Languages whose date lines are read (dateparser's data), besides English.
DATE_LANGUAGES = ("fr", "de", "es", "it", "pt", "nl", "uk", "ru", "pl", "sv", "da", "nb", "fi", "cs", "tr", "ro", "el")
#: The article being read's language, asked only when a date line is in another language.
_LANGUAGE_HINT: ContextVar[Callable[[], str | None] | None] = ContextVar("language_hint", default=None)
#: py3langid's codes that dateparser spells otherwise.
_DATEPARSER_CODES = {"no": "nb"}
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
_LETTERS = re.compile(r"[^\W\d_]+")
#: Labels before a date in other languages: "Publié le", "Veröffentlicht am", "Publicado el"...
_FOREIGN_LABEL = re.compile(r"^[^\d:]{1,40}?(?:\s(?:le|am|el|em|il|op|den|dnia|on)|:)\s+(?=\d)", re.I)


def _foreign_date(text: str) -> datetime | None:
    """A date line in another language ("14 mars 2021", "3. März 2022, 14:05",
    "12 січня 2023"), read by dateparser with day, month and year required;
    only a line naming a month in one of :data:`DATE_LANGUAGES` is read."""
    months = _foreign_months()
    if not any(word.lower().rstrip(".") in months for word in _LETTERS.findall(text)):
        return None
    import dateparser

    hint = _LANGUAGE_HINT.get()
    code = hint() if hint is not None else None
    code = _DATEPARSER_CODES.get(code, code) if code else None
    languages = [code, *(c for c in DATE_LANGUAGES if c != code)] if code in DATE_LANGUAGES else list(DATE_LANGUAGES)
    text = _FOREIGN_LABEL.sub("", text)
    text = re.sub(r"(?<=\d)\s*[hH]\s*(?=\d\d)", ":", re.sub(r"\s+(?:à|um|a las|alle|às|в|о)\s+(?=\d)", " ", text))
    text = re.sub(r"\s+Uhr\b", "", text)
    settings = {"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = dateparser.parse(text, languages=languages, settings=settings)  # type: ignore[arg-type]
    return value


@lru_cache(maxsize=1)
def _foreign_months() -> frozenset[str]:
    """Month names and their abbreviations in :data:`DATE_LANGUAGES`, from dateparser's data."""
    from dateparser.languages import default_loader

    names: set[str] = set()
    for code in DATE_LANGUAGES:
        info = default_loader.get_locale(code).info
        for key in _MONTH_KEYS:
            names.update(name.lower().rstrip(".") for name in info.get(key, ()))
    return frozenset(name for name in names - _MONTH_NUMBERS.keys() if len(name) >= 3)


def _zone(name: str | None, offset: int | None) -> object:
    """The tzinfo of a zone name or offset dateutil found in a date line."""
    from dateutil import tz

    if name and name.upper() in _REGIONAL_ZONES:
        return tz.gettz(_REGIONAL_ZONES[name.upper()])
    if name and name.upper() in _ZONE_HOURS:
        return tz.tzoffset(name, int(_ZONE_HOURS[name.upper()] * 3600))
    return tz.tzoffset(name, offset) if offset is not None else None
