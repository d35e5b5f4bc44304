"""Hits per day, week, month or year: when did coverage of a story peak?"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from ..errors import InvalidValueError
from ..models import PERIODS, Period, Timeline

_MICROSECONDS_A_DAY = 86_400_000_000


def build_timeline(
    query_text: str, dates: Iterable[int], by: str | None, undated: int
) -> Timeline:
    """The timeline of the dated hits, given as the date column holds them
    (Whoosh's microseconds since 0001-01-01); ``undated`` is how many hits
    have no date."""
    if by is not None and by not in PERIODS:
        raise InvalidValueError("command line", "by", f"{by!r} is not one of {', '.join(PERIODS)}")
    # Counted by day number first: a date object for each distinct day, not for each hit.
    per_day = Counter(value // _MICROSECONDS_A_DAY for value in dates)
    if not per_day:
        return Timeline(query_text, by or "day", (), 0, undated)
    days = {date.fromordinal(1 + number): count for number, count in per_day.items()}
    first, last = min(days), max(days)
    by = by or _period_for_span((last - first).days)
    counts: Counter[date] = Counter()
    for day, count in days.items():
        counts[_start(day, by)] += count
    periods = []
    current = _start(first, by)
    while current <= last:
        periods.append(Period(current, _label(current, by), counts.get(current, 0)))
        current = _next(current, by)
    return Timeline(query_text, by, tuple(periods), sum(per_day.values()), undated)


def _period_for_span(days: int) -> str:
    """About 60 bars at most, so the chart fits a terminal."""
    if days <= 62:
        return "day"
    if days <= 7 * 60:
        return "week"
    if days <= 31 * 60:
        return "month"
    return "year"


def _start(day: date, by: str) -> date:
    if by == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    if by == "month":
        return day.replace(day=1)
    if by == "year":
        return day.replace(month=1, day=1)
    return day


def _next(start: date, by: str) -> date:
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    if by == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def _label(start: date, by: str) -> str:
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return start.strftime("%Y-%m")
    if by == "year":
        return str(start.year)
    return start.isoformat()
