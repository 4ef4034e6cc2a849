"""Obligations and their statuses, computed from duty lists, posts, holders and records.

Pure computation over facts loaded in bulk (`domain.duties.facts`); nothing here touches
the database, so the same inputs always give the same statuses.

The contract, in the terms users ask about:

- A duty item with a rule applies to a post (or, for `per: HOLDER` rules, to a person over
  all their posts of the list) for each natural period, critical period or deadline; the
  version of the list in force on the period's first day (or the first version, if the list
  was adopted during the period) decides the rule.
- The rule's variant is chosen from the unit's facts; none applies → no obligation.
- A period is split between holders: each holder owes the requirement pro-rated to the days
  they held the post in that period, rounded half up ("held half of the quarter → owes the
  quarterly inspection"; "held ten days of it → owes nothing", status NOT_APPLICABLE). Days
  when nobody held the post form a vacant share that nobody is answerable for; it shows as
  missed until an exemption covers it.
- A share is due by the period's due date (the weekday of a weekly-on-a-day rule, the
  deadline, the end of a critical period plus its grace) or the holder's last day, whichever
  comes first.
- A record counts for a share when its kind is one the rule names, it was recorded by the
  share's holder, it covers a unit in the share's scope, it names this duty or no duty, and
  it was performed within the share's dates: on time up to the due date, late after it; a
  make-up record (performed later, `makeup_for` a day of the share) counts late.
- Coverage rules and critical periods need every target unit covered; counting rules need
  `required` records.
- An approved exemption makes a share that is not done NOT_APPLICABLE.
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.duties.periods import period_of, periods_between, weekday_in
from domain.duties.rules import Coverage, Per, Rule, Scope, Shape, Timing, UnitFacts, Variant
from domain.duties.statuses import Judged, MatchingDates, judged

# Re-exported: callers have imported the statuses from here.
from domain.duties.statuses import NotApplicableReason as NotApplicableReason
from domain.duties.statuses import Status as Status

ONE_DAY = timedelta(days=1)


# --- facts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Charge:
    unit_id: int
    path: str
    start: date
    end: date | None


@dataclass(frozen=True)
class PostFacts:
    id: int
    unit_id: int
    path: str  # the unit's materialized path
    kind: str
    facts: UnitFacts
    start: date  # first day the post existed
    end: date | None  # last day (archived), or None
    charges: tuple[Charge, ...] = ()
    # The unit's profile over time (effective date, facts), oldest first; empty: `facts`.
    history: tuple[tuple[date, UnitFacts], ...] = ()

    def facts_on(self, day: date) -> UnitFacts:
        """The unit's facts on a day; before its first profile row, the first row."""
        if not self.history:
            return self.facts
        found = self.history[0][1]
        for since, facts in self.history:
            if since > day:
                break
            found = facts
        return found


@dataclass(frozen=True)
class Tenure:
    post_id: int
    person_id: int
    start: date
    end: date | None


@dataclass(frozen=True)
class ItemVersion:
    """An item of one version of a list, with the version's span of dates."""

    list_id: int
    version_id: int
    item_id: int
    key: str
    rule: Rule
    effective_from: date
    effective_until: date | None  # last day, or None for the current version


@dataclass(frozen=True)
class ListFacts:
    id: int
    post_kinds: frozenset[str]
    path: str  # the list's unit path; it applies to posts in this subtree
    first_effective: date
    items: tuple[ItemVersion, ...]  # all versions' items with rules

    def applies_to(self, post: PostFacts) -> bool:
        return post.kind in self.post_kinds and post.path.startswith(self.path)


@dataclass(frozen=True)
class RecordFacts:
    id: int
    kind: str
    performed_on: date
    person_id: int
    unit_paths: tuple[str, ...]
    unit_ids: tuple[int, ...]
    items: frozenset[tuple[int, str]]  # (list id, item key) the record names; empty = any
    makeup_for: date | None = None

    def names(self, list_id: int, key: str) -> bool:
        return not self.items or (list_id, key) in self.items


@dataclass(frozen=True)
class EventFacts:
    id: int
    kind: str
    unit_id: int
    path: str
    start: date
    end: date


@dataclass(frozen=True)
class ExemptionFacts:
    record_id: int
    post_id: int | None
    person_id: int | None
    list_id: int
    item_key: str
    start: date
    end: date


@dataclass
class Facts:
    posts: list[PostFacts]
    lists: list[ListFacts]
    tenures: dict[int, list[Tenure]]  # by post id
    records: list[RecordFacts]
    events: list[EventFacts] = field(default_factory=list)
    exemptions: list[ExemptionFacts] = field(default_factory=list)
    # Enterprises (path, id, placarded now) that coverage rules may target, not archived,
    # and their placard over time (effective date, placarded), oldest first.
    enterprises: list[tuple[str, int, bool]] = field(default_factory=list)
    placards: dict[int, list[tuple[date, bool]]] = field(default_factory=dict)
    # How the records were read (persons, holders, window), to read them again alone.
    record_source: Any = field(default=None, repr=False, compare=False)


# --- results -------------------------------------------------------------------------


@dataclass(slots=True)
class Obligation:
    list_id: int
    version_id: int
    item_id: int
    item_key: str
    post_id: int | None  # None for per-holder obligations
    person_id: int | None  # None for a vacant share
    period_start: date
    period_end: date
    share_start: date
    share_end: date
    due_date: date
    required: int
    variant: Variant
    target_unit_ids: tuple[int, ...] = ()  # coverage and critical periods
    scope_unit_ids: tuple[int, ...] = ()  # roots of the subtrees where records count
    event_id: int | None = None
    on_time_record_ids: list[int] = field(default_factory=list)
    late_record_ids: list[int] = field(default_factory=list)
    covered_unit_ids: tuple[int, ...] = ()
    covered_on_time_unit_ids: tuple[int, ...] = ()
    status: Status = Status.NOT_YET_DUE
    not_applicable_reason: NotApplicableReason | None = None
    exemption_record_id: int | None = None

    @property
    def done_count(self) -> int:
        return len(self.on_time_record_ids) + len(self.late_record_ids)

    @property
    def missing_unit_ids(self) -> tuple[int, ...]:
        covered = set(self.covered_unit_ids)
        return tuple(u for u in self.target_unit_ids if u not in covered)

    @property
    def sort_key(self) -> tuple[date, int, int, date, int, int]:
        return (
            self.due_date,
            self.post_id or 0,
            self.item_id,
            self.period_start,
            self.person_id or 0,
            self.event_id or 0,
        )


def share_of(times: int, held: int, period: int) -> int:
    """What a holder owes of `times` for holding `held` of `period` days (half rounds up)."""
    if held >= period:
        return times
    return int((Decimal(times * held) / Decimal(period)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- computation ---------------------------------------------------------------------

# (period start, end, due date, critical period id, critical period's target roots)
_Period = tuple[date, date, date, int | None, tuple[tuple[str, int], ...] | None]


@dataclass(frozen=True, slots=True)
class _Span:
    """One share to judge: who, which dates, by when, where."""

    person_id: int | None
    intervals: tuple[tuple[date, date], ...]
    due: date
    scope: tuple[tuple[str, int], ...]  # (path, unit id) roots the share may act on


class _RecordIndex:
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


class _Units:
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


def _event_targets(ev: EventFacts, scope: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
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


def _kinds_of(lists: list[ListFacts]) -> dict[int, frozenset[str]]:
    """The record kinds each item's rule names, by item id."""
    entry = _KINDS.get(id(lists))
    if entry is not None and entry[0] is lists:
        return entry[1]
    kinds = {i.item_id: frozenset(str(k) for k in i.rule.kinds) for lst in lists for i in lst.items}
    if len(_KINDS) > 16:
        _KINDS.clear()
    _KINDS[id(lists)] = (lists, kinds)
    return kinds


def _in_scope(paths: Iterable[str], scope: tuple[tuple[str, int], ...]) -> bool:
    return any(p.startswith(root) for p in paths for root, _ in scope)


def _clip(intervals: Iterable[tuple[date, date]], start: date, end: date) -> list[tuple[date, date]]:
    out = []
    for s, e in intervals:
        s2, e2 = max(s, start), min(e, end)
        if s2 <= e2:
            out.append((s2, e2))
    return out


def _merge(intervals: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1] + ONE_DAY:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _active(
    post: PostFacts,
    lst: ListFacts,
    rule: Rule,
    variant: Variant,
    periods: list[_Period],
    start_floor: date,
    end_cap: date | None,
    check: bool,
) -> Iterator[tuple[_Period, date, date]]:
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


class Calculator:
    """Computes obligations over the facts; `today` decides due / missed."""

    def __init__(self, facts: Facts, today: date, due_between: tuple[date, date] | None = None) -> None:
        self.facts = facts
        self.today = today
        # Only the shares due in these days (first, last) are judged and given, the others
        # skipped: a page of obligations (`domain.duties.pages`) wants one window of them.
        self.due_between = due_between
        self.records = _RecordIndex(facts.records)
        self.units = _Units(facts.enterprises, facts.placards)
        self.exemptions: dict[tuple[int, str], list[ExemptionFacts]] = defaultdict(list)
        for ex in facts.exemptions:
            self.exemptions[(ex.list_id, ex.item_key)].append(ex)
        self.events_by_kind: dict[str, list[EventFacts]] = defaultdict(list)
        for ev in facts.events:
            self.events_by_kind[ev.kind].append(ev)
        self.events_by_id = {ev.id: ev for ev in facts.events}
        self.kinds = _kinds_of(facts.lists)
        # Periods do not depend on the post (critical periods aside): computed once per
        # list item, timing and span, then shared by every post of the list.
        self._period_cache: dict[tuple[int, int, int, date, date], list[_Period]] = {}
        # For `statuses`: a holder's matching record days by (person, list, item, roots).
        self._matching: dict[tuple[int, int, int, tuple[str, ...]], MatchingDates | None] = {}

    # -- enumeration of periods ---------------------------------------------------

    def _periods(
        self, timing: Timing, rule: Rule, first: date, lo: date, hi: date
    ) -> Iterator[tuple[date, date, date, int | None, tuple[tuple[str, int], ...] | None]]:
        """(period start, end, due, event id, event targets) overlapping [lo, hi]."""
        start = max(first, rule.start) if rule.start else first
        if timing.shape is Shape.ONE_OFF:
            assert timing.deadline is not None
            if timing.deadline >= start and timing.deadline >= lo and start <= hi:
                yield start, timing.deadline, timing.deadline, None, None
            return
        if timing.shape is Shape.EVENT:
            return  # critical periods are enumerated per scope by _event_periods
        assert timing.every is not None
        lo2 = max(lo, start)
        hi2 = min(hi, rule.end) if rule.end else hi
        if lo2 > hi2:
            return
        for ps, pe in periods_between(timing.every, lo2, hi2, timing.interval, timing.anchor_year):
            due = weekday_in(ps, timing.weekday) if timing.weekday is not None else pe
            yield ps, pe, due, None, None

    def _event_periods(
        self, timing: Timing, rule: Rule, first: date, lo: date, hi: date, scope: tuple[tuple[str, int], ...]
    ) -> Iterator[tuple[date, date, date, int | None, tuple[tuple[str, int], ...] | None]]:
        start = max(first, rule.start) if rule.start else first
        for kind in timing.events:
            for ev in self.events_by_kind.get(kind, ()):
                end = ev.end + timedelta(days=timing.within_days)
                if ev.start < start or (rule.end and ev.start > rule.end) or end < lo or ev.start > hi:
                    continue
                targets = _event_targets(ev, scope)
                if targets:
                    yield ev.start, end, end, ev.id, targets

    # -- posts ----------------------------------------------------------------------

    def for_posts(self, lo: date, hi: date, post_ids: set[int] | None = None) -> list[Obligation]:
        """Obligations of periods overlapping [lo, hi] for the posts (all if None)."""
        # A park's year is about a million small objects none of which form cycles: the
        # cycle collector would walk them again and again (a fifth of the time) for nothing.
        enabled = gc.isenabled()
        gc.disable()
        try:
            found = self._for_posts(lo, hi, post_ids, compact=False)
        finally:
            if enabled:
                gc.enable()
        obligations = [o for o in found if isinstance(o, Obligation)]
        obligations.sort(key=lambda o: o.sort_key)
        return obligations

    def statuses(self, lo: date, hi: date, post_ids: set[int] | None = None) -> list[Judged]:
        """The statuses `for_posts` would give, in no particular order, without the
        evidence (see `domain.duties.statuses`)."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            found = self._for_posts(lo, hi, post_ids, compact=True)
        finally:
            if enabled:
                gc.enable()
        return [judged(o) if isinstance(o, Obligation) else o for o in found]

    def _for_posts(
        self, lo: date, hi: date, post_ids: set[int] | None, *, compact: bool
    ) -> list[Obligation | Judged]:
        out: list[Obligation | Judged] = []
        holder_posts: dict[tuple[int, str], list[PostFacts]] = defaultdict(list)
        for post in self.facts.posts:
            for lst in self.facts.lists:
                if not lst.applies_to(post):
                    continue
                for item in lst.items:
                    if item.rule.per is Per.HOLDER:
                        holder_posts[(lst.id, item.key)].append(post)
                        continue
                    if post_ids is not None and post.id not in post_ids:
                        continue
                    out.extend(self._post_item(post, lst, item, lo, hi, compact))
        for (list_id, _key), posts in holder_posts.items():
            lst = next(lst for lst in self.facts.lists if lst.id == list_id)
            items = [i for i in lst.items if i.key == _key]
            out.extend(self._holder_item(posts, lst, items, lo, hi, post_ids))
        return out

    def _version_periods(
        self,
        lst: ListFacts,
        item: ItemVersion,
        timing: Timing,
        lo: date,
        hi: date,
        scope: tuple[tuple[str, int], ...],
    ) -> Iterator[tuple[date, date, date, int | None, tuple[tuple[str, int], ...] | None]]:
        """Periods this version of the item decides: those whose first day (or the list's
        adoption day) falls in the version's span."""
        first = lst.first_effective
        if timing.shape is Shape.EVENT:
            periods = self._event_periods(timing, item.rule, first, lo, hi, scope)
        else:
            periods = self._periods(timing, item.rule, first, lo, hi)
        for period in periods:
            anchor = max(period[0], first)
            if anchor < item.effective_from or (item.effective_until and anchor > item.effective_until):
                continue
            yield period

    def _scope(
        self, post: PostFacts, rule: Rule, start: date | None, end: date | None
    ) -> tuple[tuple[str, int], ...]:
        """The roots the post acts on: its unit, and (SUBTREE rules) the units it was in
        charge of at some time in [start, end] (None: ever)."""
        roots = [(post.path, post.unit_id)]
        if rule.scope is Scope.SUBTREE:
            roots += [
                (c.path, c.unit_id)
                for c in post.charges
                if (end is None or c.start <= end) and (start is None or c.end is None or c.end >= start)
            ]
        return tuple(roots)

    def _post_item(
        self, post: PostFacts, lst: ListFacts, item: ItemVersion, lo: date, hi: date, compact: bool
    ) -> Iterator[Obligation | Judged]:
        """A rule that depends on the unit takes, for each period, the variant the unit's
        profile on the period's first day selects: a change of class or trade applies from
        the next period of the new timing, and periods already begun keep theirs."""
        if item.rule.depends_on_unit and post.history:
            for variant in item.rule.variants:
                yield from self._post_variant(post, lst, item, variant, lo, hi, check=True, compact=compact)
            return
        found = item.rule.variant_for(post.facts)
        if found is not None:
            yield from self._post_variant(post, lst, item, found, lo, hi, check=False, compact=compact)

    def _post_variant(
        self,
        post: PostFacts,
        lst: ListFacts,
        item: ItemVersion,
        variant: Variant,
        lo: date,
        hi: date,
        *,
        check: bool,
        compact: bool = False,
    ) -> Iterator[Obligation | Judged]:
        timing = variant.timing
        rule = item.rule
        if timing.shape is Shape.EVENT:
            # A critical period reaches the post through the units it was in charge of while
            # the period lasted, whatever span the obligations are computed for.
            periods: list[_Period] = []
            for period in self._version_periods(
                lst, item, timing, lo, hi, self._scope(post, rule, None, None)
            ):
                ps, pe, due, event_id, _ = period
                assert event_id is not None
                targets = _event_targets(self.events_by_id[event_id], self._scope(post, rule, ps, pe))
                if targets:
                    periods.append((ps, pe, due, event_id, targets))
        else:
            key = (lst.id, item.item_id, id(variant), lo, hi)
            cached = self._period_cache.get(key)
            if cached is None:
                cached = self._period_cache[key] = list(self._version_periods(lst, item, timing, lo, hi, ()))
            periods = cached
        own_scope = ((post.path, post.unit_id),)
        tenures = self.facts.tenures.get(post.id, ())
        start_floor = (
            max(lst.first_effective, post.start, rule.start)
            if rule.start
            else max(lst.first_effective, post.start)
        )
        end_cap = rule.end if rule.end and timing.shape is not Shape.ONE_OFF else None
        if post.end is not None and (end_cap is None or post.end < end_cap):
            end_cap = post.end
        charged = bool(post.charges) and rule.scope is Scope.SUBTREE
        if (
            compact
            and timing.shape is not Shape.EVENT
            and timing.coverage is None
            and len(tenures) == 1
            and not charged
        ):
            yield from self._count_shares(
                post, lst, item, variant, tenures[0], periods, start_floor, end_cap, own_scope, check
            )
            return
        for (ps, pe, due, event_id, event_targets), active_start, active_end in _active(
            post, lst, rule, variant, periods, start_floor, end_cap, check
        ):
            scope = self._scope(post, rule, ps, pe) if charged else own_scope
            yield from self._period_shares(
                post,
                lst,
                item,
                variant,
                ps,
                pe,
                due,
                event_id,
                event_targets,
                active_start,
                active_end,
                scope,
            )

    def _period_shares(
        self,
        post: PostFacts,
        lst: ListFacts,
        item: ItemVersion,
        variant: Variant,
        ps: date,
        pe: date,
        due: date,
        event_id: int | None,
        event_targets: tuple[tuple[str, int], ...] | None,
        start: date,
        end: date,
        scope: tuple[tuple[str, int], ...],
    ) -> Iterator[Obligation]:
        """The shares of a post's period, active over [start, end]: one per holder's stretch
        and one per vacant stretch."""
        tenures = self.facts.tenures.get(post.id, ())
        only = tenures[0] if len(tenures) == 1 else None
        if only is not None and only.start <= start and (only.end is None or only.end >= end):
            segments: Iterable[tuple[int | None, date, date]] = ((only.person_id, start, end),)
        else:
            segments = self._segments(post, start, end)
        window = self.due_between
        for person, s, e in segments:
            share_due = due if due < e else e
            if window is not None and not window[0] <= share_due <= window[1]:
                continue
            yield self._judge(
                lst,
                item,
                variant,
                post.id,
                ps,
                pe,
                _Span(person, ((s, e),), share_due, event_targets or scope),
                event_id,
                bool(event_targets),
            )

    def _count_shares(
        self,
        post: PostFacts,
        lst: ListFacts,
        item: ItemVersion,
        variant: Variant,
        tenure: Tenure,
        periods: list[_Period],
        start_floor: date,
        end_cap: date | None,
        scope: tuple[tuple[str, int], ...],
        check: bool,
    ) -> Iterator[Obligation | Judged]:
        """`_period_shares`, `_judge` and `_status` for a post's periodic duty with one holder
        and no units to cover, judged by counting the holder's matching records. Most of a
        rebuild's shares are these (daily checks): everything that does not change from
        one period to the next is worked out once."""
        rule = item.rule
        times = variant.timing.times
        person = tenure.person_id
        held_from, held_until = tenure.start, tenure.end
        key = (person, lst.id, item.item_id, tuple(root for root, _ in scope))
        if key in self._matching:
            dates = self._matching[key]
        else:
            dates = self._matching[key] = MatchingDates.of(
                self.records.by_person.get(person, ()),
                self.records.makeups.get(person, ()),
                self.kinds[item.item_id],
                lst.id,
                item.key,
                key[3],
            )
        exempted = bool(self.exemptions.get((lst.id, item.key)))
        today = self.today
        scope_ids = tuple(u for _, u in scope)
        head = (lst.id, item.key, post.id, person)
        on_time_s, late_s, missed_s, due_s = (
            Status.DONE_ON_TIME,
            Status.DONE_LATE,
            Status.MISSED,
            Status.DUE,
        )
        for (ps, pe, due, event_id, event_targets), start, end in _active(
            post, lst, rule, variant, periods, start_floor, end_cap, check
        ):
            if held_from > start or (held_until is not None and held_until < end):
                yield from self._period_shares(
                    post, lst, item, variant, ps, pe, due, event_id, event_targets, start, end, scope
                )
                continue
            if due > end:
                due = end
            if start == ps and end == pe:
                required = times
            else:
                required = share_of(times, (end - start).days + 1, (pe - ps).days + 1)
            if not required:
                status = Status.NOT_APPLICABLE
            else:
                on_time, late = dates.count(start, due, end) if dates is not None else (0, 0)
                if on_time >= required:
                    status = on_time_s
                elif on_time + late >= required:
                    status = late_s
                elif exempted and self._exempted(lst.id, item.key, post.id, person, start, end):
                    status = Status.NOT_APPLICABLE
                elif today > due:
                    status = missed_s
                elif today >= start:
                    status = due_s
                else:
                    status = Status.NOT_YET_DUE
            yield Judged(*head, ps, pe, None, variant, scope_ids, status)

    def _exempted(
        self, list_id: int, key: str, post_id: int | None, person_id: int | None, start: date, end: date
    ) -> bool:
        return any(
            (ex.post_id == post_id if post_id is not None else ex.person_id == person_id)
            and ex.start <= start
            and end <= ex.end
            for ex in self.exemptions.get((list_id, key), ())
        )

    def _segments(self, post: PostFacts, start: date, end: date) -> Iterator[tuple[int | None, date, date]]:
        """Holders' (and vacant) stretches of [start, end]."""
        held: list[tuple[date, date]] = []
        for t in self.facts.tenures.get(post.id, ()):
            s, e = max(t.start, start), min(t.end or end, end)
            if s <= e:
                held.append((s, e))
                yield t.person_id, s, e
        cursor = start
        for s, e in _merge(held):
            if s > cursor:
                yield None, cursor, s - ONE_DAY
            cursor = max(cursor, e + ONE_DAY)
        if cursor <= end:
            yield None, cursor, end

    def _holder_item(
        self,
        posts: list[PostFacts],
        lst: ListFacts,
        items: list[ItemVersion],
        lo: date,
        hi: date,
        post_ids: set[int] | None,
    ) -> Iterator[Obligation]:
        """Per-holder items: one obligation per person and period over all their posts. A
        rule that depends on the unit takes, for each period, the first of its variants that
        a unit of the posts held in the period selects by its profile on the period's first
        day (as `_post_item` does for a post): periods already begun keep theirs."""
        by_person: dict[int, list[tuple[PostFacts, date, date]]] = defaultdict(list)
        for post in posts:
            for t in self.facts.tenures.get(post.id, ()):
                end = min(t.end, post.end) if (t.end and post.end) else (t.end or post.end)
                by_person[t.person_id].append((post, max(t.start, post.start), end or date.max))
        for person, held in by_person.items():
            if post_ids is not None and not any(p.id in post_ids for p, _, _ in held):
                continue
            scope = tuple(sorted({(p.path, p.unit_id) for p, _, _ in held}))
            for item in items:
                rule = item.rule
                # A rule that does not depend on the unit has its one variant.
                for variant in rule.variants if rule.depends_on_unit else rule.variants[:1]:
                    yield from self._holder_variant(lst, item, variant, person, held, scope, lo, hi)

    def _holder_variant(
        self,
        lst: ListFacts,
        item: ItemVersion,
        variant: Variant,
        person: int,
        held: list[tuple[PostFacts, date, date]],
        scope: tuple[tuple[str, int], ...],
        lo: date,
        hi: date,
    ) -> Iterator[Obligation]:
        timing = variant.timing
        rule = item.rule
        for ps, pe, due, event_id, event_targets in self._version_periods(lst, item, timing, lo, hi, scope):
            start = max(ps, lst.first_effective)
            if rule.start:
                start = max(start, rule.start)
            end = min(pe, rule.end) if rule.end and timing.shape is not Shape.ONE_OFF else pe
            intervals = _merge(_clip(((s, e) for _, s, e in held), start, end))
            if not intervals:
                continue
            share_due = min(due, intervals[-1][1])
            window = self.due_between
            if window is not None and not window[0] <= share_due <= window[1]:
                continue
            in_period = [p for p, s, e in held if s <= intervals[-1][1] and e >= intervals[0][0]]
            if rule.depends_on_unit:
                anchor = max(ps, lst.first_effective)
                chosen = [
                    v for v in (rule.variant_for(p.facts_on(anchor)) for p in in_period) if v is not None
                ]
                if not chosen or min(chosen, key=rule.variants.index) is not variant:
                    continue
            roots = {(p.path, p.unit_id) for p in in_period}
            targets = event_targets
            if event_targets is not None:
                targets = tuple(t for t in event_targets if _in_scope([t[0]], tuple(roots)))
                if not targets:
                    continue
            span = _Span(person, tuple(intervals), share_due, targets or tuple(sorted(roots)))
            yield self._judge(lst, item, variant, None, ps, pe, span, event_id, event_targets is not None)

    # -- judging a share --------------------------------------------------------------

    def _judge(
        self,
        lst: ListFacts,
        item: ItemVersion,
        variant: Variant,
        post_id: int | None,
        ps: date,
        pe: date,
        span: _Span,
        event_id: int | None,
        is_event: bool,
    ) -> Obligation:
        timing = variant.timing
        held = 0
        for s, e in span.intervals:
            held += (e - s).days + 1
        period_days = (pe - ps).days + 1
        targets: tuple[int, ...] = ()
        if is_event:
            targets = tuple(sorted({u for _, u in span.scope}))
            required = len(targets) if share_of(1, held, period_days) else 0
        elif timing.coverage is not None:
            found: set[int] = set()
            for root, _ in span.scope:
                # The set to cover is fixed on the period's first day, as its rule is.
                found.update(self.units.under(root, timing.coverage, ps))
            targets = tuple(sorted(found))
            required = len(targets) if share_of(1, held, period_days) else 0
        else:
            required = share_of(timing.times, held, period_days)
        ob = Obligation(
            list_id=lst.id,
            version_id=item.version_id,
            item_id=item.item_id,
            item_key=item.key,
            post_id=post_id,
            person_id=span.person_id,
            period_start=ps,
            period_end=pe,
            share_start=span.intervals[0][0],
            share_end=span.intervals[-1][1],
            due_date=span.due,
            required=required,
            variant=variant,
            target_unit_ids=targets,
            scope_unit_ids=tuple(u for _, u in span.scope),
            event_id=event_id,
        )
        if span.person_id is not None and required:
            self._match(ob, item, lst.id, span, bool(targets))
        self._status(ob, lst.id)
        return ob

    def _match(self, ob: Obligation, item: ItemVersion, list_id: int, span: _Span, by_unit: bool) -> None:
        person = span.person_id
        assert person is not None
        candidates: list[tuple[RecordFacts, bool]] = []
        due = ob.due_date
        for s, e in span.intervals:
            for r in self.records.within(person, s, e):
                candidates.append((r, r.performed_on > due))
            for r in self.records.makeups_for(person, s, e):
                candidates.append((r, True))
        if not candidates:
            return
        kinds = self.kinds[item.item_id]
        target_paths = {}
        if by_unit:
            wanted = set(ob.target_unit_ids)
            target_paths = {unit_id: path for path, unit_id in span.scope if unit_id in wanted}
        covered_on_time: set[int] = set()
        covered_late: set[int] = set()
        roots = [root for root, _ in span.scope]
        for r, late in candidates:
            if r.kind not in kinds or not r.names(list_id, item.key):
                continue
            if by_unit:
                hit = self._covers(r, ob.target_unit_ids, target_paths)
                if not hit:
                    continue
                (covered_late if late else covered_on_time).update(hit)
            elif not any(p.startswith(root) for p in r.unit_paths for root in roots):
                continue
            (ob.late_record_ids if late else ob.on_time_record_ids).append(r.id)
        if by_unit:
            ob.covered_unit_ids = tuple(sorted(covered_on_time | covered_late))
            ob.covered_on_time_unit_ids = tuple(sorted(covered_on_time))

    def _covers(self, record: RecordFacts, targets: tuple[int, ...], paths: dict[int, str]) -> set[int]:
        wanted = set(targets)
        hit = {u for u in record.unit_ids if u in wanted}
        # A target that is a unit with a subtree is covered by a record at it or below.
        for unit_id, path in paths.items():
            if any(p.startswith(path) for p in record.unit_paths):
                hit.add(unit_id)
        return hit

    def _status(self, ob: Obligation, list_id: int) -> None:
        if ob.required == 0:
            ob.status = Status.NOT_APPLICABLE
            ob.not_applicable_reason = NotApplicableReason.PARTIAL_PERIOD
            return
        if ob.target_unit_ids:
            done_on_time = len(ob.covered_on_time_unit_ids) >= ob.required
            done = len(ob.covered_unit_ids) >= ob.required
        else:
            done_on_time = len(ob.on_time_record_ids) >= ob.required
            done = ob.done_count >= ob.required
        if done_on_time:
            ob.status = Status.DONE_ON_TIME
            return
        if done:
            ob.status = Status.DONE_LATE
            return
        exemption = self._exemption(ob, list_id)
        if exemption is not None:
            ob.status = Status.NOT_APPLICABLE
            ob.not_applicable_reason = NotApplicableReason.EXEMPTED
            ob.exemption_record_id = exemption.record_id
        elif self.today > ob.due_date:
            ob.status = Status.MISSED
        elif self.today >= ob.share_start:
            ob.status = Status.DUE
        else:
            ob.status = Status.NOT_YET_DUE

    def _exemption(self, ob: Obligation, list_id: int) -> ExemptionFacts | None:
        for ex in self.exemptions.get((list_id, ob.item_key), ()):
            if ob.post_id is not None and ex.post_id != ob.post_id:
                continue
            if ob.post_id is None and ex.person_id != ob.person_id:
                continue
            if ex.start <= ob.share_start and ob.share_end <= ex.end:
                return ex
        return None


def periods_for(timing: Timing, day: date) -> tuple[date, date]:
    """The natural period of a periodic timing that holds `day`."""
    assert timing.every is not None
    return period_of(timing.every, day, timing.interval, timing.anchor_year)
