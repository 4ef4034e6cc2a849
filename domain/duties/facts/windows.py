"""Which days of records the facts need: the periods the lists' timings touch around the
requested span, widened by grace days and critical periods."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.duties.obligations import (
    EventFacts,
    ListFacts,
)
from domain.duties.periods import period_of
from domain.duties.rules import Shape

_Timings = tuple[frozenset[tuple[Any, ...]], tuple[tuple[date, date], ...], int]
# By the id of a lists object, with the object itself: held here, its id cannot be reused.
_TIMINGS: dict[int, tuple[list[ListFacts], _Timings]] = {}


def _timings(lists: list[ListFacts]) -> _Timings:
    """The distinct periodic timings, the one-off deadlines (with their list's first day) and
    the longest grace after a critical period, of all the lists. A few dozen, where the
    lists hold over a thousand items: worked out once per set of lists (`load_lists`
    keeps the same list object while the lists do not change)."""
    entry = _TIMINGS.get(id(lists))
    if entry is not None and entry[0] is lists:
        return entry[1]
    periodic: set[tuple[Any, ...]] = set()
    one_off: set[tuple[date, date]] = set()
    grace = 0
    for lst in lists:
        for item in lst.items:
            for v in item.rule.variants:
                t = v.timing
                if t.shape is Shape.PERIODIC:
                    periodic.add((t.every, t.interval, t.anchor_year))
                elif t.shape is Shape.ONE_OFF:
                    assert t.deadline is not None
                    one_off.add((t.deadline, lst.first_effective))
                else:
                    grace = max(grace, t.within_days)
    found = (frozenset(periodic), tuple(sorted(one_off)), grace)
    if len(_TIMINGS) > 16:
        _TIMINGS.clear()
    _TIMINGS[id(lists)] = (lists, found)
    return found


def record_window(lists: list[ListFacts], lo: date, hi: date) -> tuple[date, date]:
    """The dates a record may have and still count for a period overlapping [lo, hi], as far
    as the lists' timings tell; a critical period's own dates widen it further
    (`widened_by_events`)."""
    periodic, one_off, grace = _timings(lists)
    start, end = lo, hi
    for every, interval, anchor in periodic:
        start = min(start, period_of(every, lo, interval, anchor)[0])
        end = max(end, period_of(every, hi, interval, anchor)[1])
    for deadline, first in one_off:
        if deadline >= lo:
            start = min(start, first)
            end = max(end, deadline)
    return start, max(end, hi + timedelta(days=grace))


def grace_days(lists: list[ListFacts]) -> int:
    """The most days after a critical period any event rule gives to act in."""
    return _timings(lists)[2]


def widened_by_events(events: list[EventFacts], start: date) -> date:
    """The window's first day, taken back to the first day of any critical period found: a
    period that began before the window still counts records from its own first day."""
    return min([start, *(e.start for e in events)])
