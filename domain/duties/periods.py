"""Natural calendar periods (Asia/Shanghai dates): which period a day is in, and the
periods of a kind that overlap a date range. Weeks are ISO weeks, Monday to Sunday."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from enum import StrEnum


class Every(StrEnum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    HALF_YEAR = "HALF_YEAR"
    YEAR = "YEAR"


EVERY_LABELS = {
    Every.DAY: "每日",
    Every.WEEK: "每周",
    Every.MONTH: "每月",
    Every.QUARTER: "每季度",
    Every.HALF_YEAR: "每半年",
    Every.YEAR: "每年",
}

_MONTHS_PER = {Every.MONTH: 1, Every.QUARTER: 3, Every.HALF_YEAR: 6, Every.YEAR: 12}


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def period_of(
    every: Every, day: date, interval: int = 1, anchor_year: int | None = None
) -> tuple[date, date]:
    """The period of kind `every` (every `interval` years from `anchor_year`) holding `day`."""
    if every is Every.DAY:
        return day, day
    if every is Every.WEEK:
        start = day - timedelta(days=day.isoweekday() - 1)
        return start, start + timedelta(days=6)
    if every is Every.YEAR and interval > 1:
        anchor = anchor_year if anchor_year is not None else day.year
        first = day.year - (day.year - anchor) % interval
        return date(first, 1, 1), date(first + interval - 1, 12, 31)
    size = _MONTHS_PER[every]
    first_month = (day.month - 1) // size * size + 1
    end_year, end_month = _add_months(day.year, first_month, size - 1)
    return date(day.year, first_month, 1), _month_end(end_year, end_month)


def periods_between(
    every: Every, start: date, end: date, interval: int = 1, anchor_year: int | None = None
) -> Iterator[tuple[date, date]]:
    """Every whole natural period that overlaps [start, end], in order."""
    day = start
    while day <= end:
        ps, pe = period_of(every, day, interval, anchor_year)
        yield ps, pe
        day = pe + timedelta(days=1)


def weekday_in(week_start: date, weekday: int) -> date:
    """The date of ISO `weekday` (1 = Monday) in the week starting `week_start`."""
    return week_start + timedelta(days=weekday - 1)


def days(start: date, end: date) -> int:
    """Days in the inclusive range."""
    return (end - start).days + 1


def format_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
