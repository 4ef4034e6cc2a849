"""Indexes and periods the steps of the computation share: records by holder, enterprises
by path, the periods a post owes, and interval arithmetic over days."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.duties.obligations.inputs import EventFacts, ListFacts, PostFacts, RecordFacts
from domain.duties.rules import Coverage, Rule, Variant

ONE_DAY = timedelta(days=1)

Period = tuple[date, date, date, int | None, tuple[tuple[str, int], ...] | None]


@dataclass(frozen=True, slots=True)
class Span:
    """One share to judge: who, which dates, by when, where."""

    person_id: int | None
    intervals: tuple[tuple[date, date], ...]
    due: date
    scope: tuple[tuple[str, int], ...]  # (path, unit id) roots the share may act on


class RecordIndex:
    def __init__(self, records: Iterable[RecordFacts]) -> None:
        regular: dict[int, list[RecordFacts]] = defaultdict(list)
        makeups: dict[int, list[RecordFacts]] = defaultdict(list)
        for r in records:
            (makeups if r.makeup_for else regular)[r.person_id].append(r)
        self.by_person = {p: sorted(rs, key=lambda r: r.performed_on) for p, rs in regular.items()}
        self.dates = {p: [r.performed_on for r in rs] for p, rs in self.by_person.items()}
        self.makeups = {
            p: sorted(rs, key=lambda r: r.makeup_for or r.performed_on) for p, rs in makeups.items()
        }

    def within(self, person: int, start: date, end: date) -> Sequence[RecordFacts]:
        dates = self.dates.get(person)
        if not dates:
            return ()
        return self.by_person[person][bisect_left(dates, start) : bisect_right(dates, end)]

    def makeups_for(self, person: int, start: date, end: date) -> list[RecordFacts]:
        found = self.makeups.get(person)
        if not found:
            return []
        return [r for r in found if r.makeup_for is not None and start <= r.makeup_for <= end]


class Units:
    def __init__(
        self, enterprises: Iterable[tuple[str, int, bool]], placards: dict[int, list[tuple[date, bool]]]
    ) -> None:
        rows = sorted(enterprises)
        self.paths = [p for p, _, _ in rows]
        self.rows = rows
        self.placards = placards

    def _placarded(self, unit_id: int, now: bool, day: date) -> bool:
        """Placarded on `day` by the enterprise's profile (before its first row: the first
        row; no profile: as it is now)."""
        history = self.placards.get(unit_id)
        if not history:
            return now
        found = history[0][1]
        for since, placarded in history:
            if since > day:
                break
            found = placarded
        return found

    def under(self, path: str, coverage: Coverage, day: date) -> Iterator[int]:
        upper = path[:-1] + "0"
        for _path, unit_id, placarded in self.rows[
            bisect_left(self.paths, path) : bisect_left(self.paths, upper)
        ]:
            if coverage is Coverage.ENTERPRISES or self._placarded(unit_id, placarded, day):
                yield unit_id


def targets_of_event(ev: EventFacts, scope: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    """The units a critical period asks a share to cover: the period's unit where it lies in
    a root of the scope, and the roots that lie under the period's unit."""
    targets = set()
    for root, unit_id in scope:
        if ev.path.startswith(root):
            targets.add((ev.path, ev.unit_id))
        elif root.startswith(ev.path):
            targets.add((root, unit_id))
    return tuple(sorted(targets))


# By the id of a lists object, with the object itself (so the id cannot be reused): facts
# share one lists object while the lists do not change (`domain.duties.facts.load_lists`).
_KINDS: dict[int, tuple[list[ListFacts], dict[int, frozenset[str]]]] = {}


def kinds_of(lists: list[ListFacts]) -> dict[int, frozenset[str]]:
    """The record kinds each item's rule names, by item id."""
    entry = _KINDS.get(id(lists))
    if entry is not None and entry[0] is lists:
        return entry[1]
    kinds = {i.item_id: frozenset(str(k) for k in i.rule.kinds) for lst in lists for i in lst.items}
    if len(_KINDS) > 16:
        _KINDS.clear()
    _KINDS[id(lists)] = (lists, kinds)
    return kinds


def in_scope(paths: Iterable[str], scope: tuple[tuple[str, int], ...]) -> bool:
    return any(p.startswith(root) for p in paths for root, _ in scope)


def clip(intervals: Iterable[tuple[date, date]], start: date, end: date) -> list[tuple[date, date]]:
    out = []
    for s, e in intervals:
        s2, e2 = max(s, start), min(e, end)
        if s2 <= e2:
            out.append((s2, e2))
    return out


def merge(intervals: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1] + ONE_DAY:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def active_periods(
    post: PostFacts,
    lst: ListFacts,
    rule: Rule,
    variant: Variant,
    periods: list[Period],
    start_floor: date,
    end_cap: date | None,
    check: bool,
) -> Iterator[tuple[Period, date, date]]:
    """The periods a post owes under `variant`, each with the part of it the duty was in
    force for the post: from `start_floor` to `end_cap` at most. `check`: the variant is
    the one the unit's profile on the period's first day selects (else the period is
    another variant's)."""
    for period in periods:
        ps, pe = period[0], period[1]
        if check and rule.variant_for(post.facts_on(max(ps, lst.first_effective))) is not variant:
            continue
        start = ps if ps > start_floor else start_floor
        end = end_cap if end_cap is not None and end_cap < pe else pe
        if start <= end:
            yield period, start, end
