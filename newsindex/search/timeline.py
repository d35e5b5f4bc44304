"""Hits per day, week, month or year: when did coverage of a story peak?"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import NamedTuple

from ..errors import InvalidValueError
from ..models import PERIODS, Period, Timeline

_MICROSECONDS_A_DAY = 86_400_000_000


class Series(NamedTuple):
    """One query's dated hits, given as the date column holds them (Whoosh's
    microseconds since 0001-01-01), and how many hits have no date."""

    query: str
    dates: list[int]
    undated: int


def build_timelines(
    series: list[Series], by: str | None, *, indexed: list[int] | None = None, stories: bool = False
) -> list[Timeline]:
    """The timelines of ``series`` over the same periods: from the first dated
    hit of any to the last of any, by ``by`` (chosen from that span when None).
    ``indexed`` (the dates of what the archive holds, filters applied) gives
    each period its ``indexed`` count, for normalising."""
    if by is not None and by not in PERIODS:
        raise InvalidValueError("command line", "by", f"{by!r} is not one of {', '.join(PERIODS)}")
    # Counted by day number first: a date object for each distinct day, not for each hit.
    per_day = [Counter(value // _MICROSECONDS_A_DAY for value in s.dates) for s in series]
    days = set().union(*per_day)
    if not days:
        return [
            Timeline(s.query, by or "day", (), 0, s.undated, stories=stories, normalized=indexed is not None)
            for s in series
        ]
    first, last = (date.fromordinal(1 + number) for number in (min(days), max(days)))
    by = by or _period_for_span((last - first).days)
    starts = []
    current = _start(first, by)
    while current <= last:
        starts.append(current)
        current = _next(current, by)
    held = _per_period(Counter(value // _MICROSECONDS_A_DAY for value in indexed), by) if indexed is not None else None
    timelines = []
    for s, counts_by_day in zip(series, per_day, strict=True):
        counts = _per_period(counts_by_day, by)
        periods = tuple(
            Period(start, _label(start, by), counts.get(start, 0), None if held is None else held.get(start, 0))
            for start in starts
        )
        timelines.append(
            Timeline(s.query, by, periods, sum(counts_by_day.values()), s.undated, stories=stories,
                     normalized=held is not None)
        )
    return timelines


def _per_period(per_day: Counter[int], by: str) -> Counter[date]:
    counts: Counter[date] = Counter()
    for number, count in per_day.items():
        counts[_start(date.fromordinal(1 + number), by)] += count
    return counts


def period_end(start: date, by: str) -> date:
    """The last day of the period starting on ``start``."""
    return _next(start, by) - timedelta(days=1)


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
