"""Dates typed by people: ``--since 2022-11``, ``--until "last week"``.

A date names a period (a year, a month, a day); ``since`` takes its first
moment and ``until`` its last, so ``--since 2022-11 --until 2022-11`` is all of
November. Exact forms are read first; Whoosh's English date parser takes
"yesterday", "nov 2022" and "last tuesday"; dateparser takes the rest of
natural language ("last week", "3 days ago"), relative to now.
"""

from __future__ import annotations

import re
import warnings
from calendar import monthrange
from datetime import date, datetime, time

from ..errors import InvalidValueError

_PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
#: Day and month in either order, then the year: 11/03/2021, 11.03.2021.
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_bound(value: str | date | datetime, *, end: bool, option: str) -> datetime:
    """The first (or, with ``end``, the last) moment of the period ``value`` names."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime.combine(value, time.max if end else time.min)
    text = " ".join(str(value).split())
    bad = InvalidValueError("command line", option, f"{value!r} is not a date I can read")
    if _PERIOD.match(text):
        found = _period(text, end)
        if found is None:
            raise bad
        return found
    if _NUMERIC.match(text):
        return _numeric(text, end, option)
    found = _iso(text) or _whoosh_english(text, end) or _natural(text)
    if found is None:
        raise bad
    return found


def _period(text: str, end: bool) -> datetime | None:
    match = _PERIOD.match(text)
    assert match
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if end else 1)
    if not 1 <= month <= 12:
        return None
    last_day = monthrange(year, month)[1]
    day = int(match[3]) if match[3] else (last_day if end else 1)
    if not 1 <= day <= last_day:
        return None
    return datetime.combine(date(year, month, day), time.max if end else time.min)


def _numeric(text: str, end: bool, option: str) -> datetime:
    """11/03/2021 is 11 March in most of the world and 3 November in the
    United States: read only when one order is impossible (25/03/2021) or
    both agree (05/05/2021), refused otherwise, naming both readings."""
    match = _NUMERIC.match(text)
    assert match
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    readings = {(day, month) for day, month in ((first, second), (second, first)) if 1 <= month <= 12}
    readings = {(day, month) for day, month in readings if 1 <= day <= monthrange(year, month)[1]}
    if len(readings) != 1:
        options = " or ".join(f"{year}-{month:02d}-{day:02d}" for day, month in sorted(readings, key=lambda r: r[::-1]))
        reason = (
            f"{text!r} could be either {options}: write the date as YYYY-MM-DD"
            if readings else f"{text!r} is not a date I can read"
        )
        raise InvalidValueError("command line", option, reason)
    ((day, month),) = readings
    return datetime.combine(date(year, month, day), time.max if end else time.min)


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


def _whoosh_english(text: str, end: bool) -> datetime | None:
    from whoosh.qparser.dateparse import English

    try:
        found = English().date_from(text.lower(), datetime.now())
    except Exception:  # its grammar raises on some inputs instead of saying "no"
        return None
    if found is None:
        return None
    if hasattr(found, "start"):  # a span: a day, a month...
        found = found.end if end else found.start
    elif hasattr(found, "floor"):  # an ambiguous date
        found = found.ceil() if end else found.floor()
    return found.replace(tzinfo=None)


def _natural(text: str) -> datetime | None:
    import dateparser  # slow to import: only when nothing else could read the date

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = dateparser.parse(text, settings={"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False})
    return found
