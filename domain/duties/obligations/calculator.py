"""Enumerating the shares: the periods each post (or holder) owes under each list item,
split between holders; each share is judged by `judging.ShareJudge`, or, where statuses
alone are asked and the share is simple, counted by `statuses.MatchingDates`."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, timedelta

from domain.duties.obligations.holders import holder_item
from domain.duties.obligations.inputs import (
    DelegationFacts,
    EventFacts,
    ExemptionFacts,
    Facts,
    ItemVersion,
    ListFacts,
    PostFacts,
    Tenure,
)
from domain.duties.obligations.judging import ShareJudge, Source
from domain.duties.obligations.results import Judged, Obligation, Status, judged, share_of
from domain.duties.obligations.spans import (
    ONE_DAY,
    Period,
    RecordIndex,
    Span,
    Units,
    active_periods,
    kinds_of,
    merge,
    targets_of_event,
)
from domain.duties.obligations.statuses import MatchingDates
from domain.duties.periods import period_of, periods_between, weekday_in
from domain.duties.rules import Per, Rule, Scope, Shape, Timing, Variant


class Calculator:
    """Computes obligations over the facts; `today` decides due / missed."""

    def __init__(self, facts: Facts, today: date, due_between: tuple[date, date] | None = None) -> None:
        self.facts = facts
        self.today = today
        # Only the shares due in these days (first, last) are judged and given, the others
        # skipped: a page of obligations (`domain.duties.pages`) wants one window of them.
        self.due_between = due_between
        self.records = RecordIndex(facts.records)
        self.units = Units(facts.enterprises, facts.placards)
        self.exemptions: dict[tuple[int, str], list[ExemptionFacts]] = defaultdict(list)
        for ex in facts.exemptions:
            self.exemptions[(ex.list_id, ex.item_key)].append(ex)
        self.events_by_kind: dict[str, list[EventFacts]] = defaultdict(list)
        for ev in facts.events:
            self.events_by_kind[ev.kind].append(ev)
        self.events_by_id = {ev.id: ev for ev in facts.events}
        self._source_cache: dict[tuple[int, int, str], tuple[Source, ...]] = {}
        self.delegations: dict[tuple[int, int, str], list[DelegationFacts]] = defaultdict(list)
        for d in facts.delegations:
            self.delegations[(d.post_id, d.list_id, d.item_key)].append(d)
        self.kinds = kinds_of(facts.lists)
        self._judge = ShareJudge(today, self.records, self.units, self.kinds, self.exemptions).judge
        # Periods do not depend on the post (critical periods aside): computed once per
        # list item, timing and span, then shared by every post of the list.
        self._period_cache: dict[tuple[int, int, int, date, date], list[Period]] = {}
        # For `statuses`: a holder's matching record days by (person, list, item, roots).
        self._matching: dict[
            tuple[int, int, int, tuple[str, ...], date, date | None], MatchingDates | None
        ] = {}

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
                targets = targets_of_event(ev, scope)
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
        evidence (see `domain.duties.obligations.statuses`)."""
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
            out.extend(holder_item(self, posts, lst, items, lo, hi, post_ids))
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
            periods: list[Period] = []
            for period in self._version_periods(
                lst, item, timing, lo, hi, self._scope(post, rule, None, None)
            ):
                ps, pe, due, event_id, _ = period
                assert event_id is not None
                targets = targets_of_event(self.events_by_id[event_id], self._scope(post, rule, ps, pe))
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
            and (post.id, lst.id, item.key) not in self.delegations
        ):
            yield from self._count_shares(
                post, lst, item, variant, tenures[0], periods, start_floor, end_cap, own_scope, check
            )
            return
        sources = self._sources(post, lst.id, item.key, tenures)
        for (ps, pe, due, event_id, event_targets), active_start, active_end in active_periods(
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
                sources,
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
        sources: tuple[Source, ...],
    ) -> Iterator[Obligation]:
        """A post's period, active over [start, end], judged once for the post against the
        records of whoever held it (or a delegation of it) on the day they acted, due on
        the period's due date; then given as one share per holder's stretch and per vacant
        stretch, each with the post's status. The share of the holder on the due date (or
        the last holder before it) is the primary; the others are `answering`."""
        if due > end:
            due = end
        window = self.due_between
        if window is not None and not window[0] <= due <= window[1]:
            return
        tenures = self.facts.tenures.get(post.id, ())
        only = tenures[0] if len(tenures) == 1 else None
        if only is not None and only.start <= start and (only.end is None or only.end >= end):
            segments: list[tuple[int | None, date, date]] = [(only.person_id, start, end)]
        else:
            segments = list(self._segments(post, start, end))
        primary = _primary(segments, due) if len(segments) > 1 else 0
        ob = self._judge(
            lst,
            item,
            variant,
            post.id,
            ps,
            pe,
            Span(segments[primary][0], ((start, end),), due, event_targets or scope),
            event_id,
            bool(event_targets),
            sources,
        )
        if len(segments) == 1:
            yield ob
            return
        for n, (person, s, e) in enumerate(segments):
            yield replace(ob, person_id=person, share_start=s, share_end=e, answering=n != primary)

    def _sources(
        self, post: PostFacts, list_id: int, key: str, tenures: Iterable[Tenure]
    ) -> tuple[Source, ...]:
        """Whose records count for the post's duty: each holder for the days they held it,
        each delegate of the duty for the days of the delegation (kept per post and duty:
        a daily duty asks for them 365 times a year)."""
        cache_key = (post.id, list_id, key)
        found = self._source_cache.get(cache_key)
        if found is None:
            out = [Source(t.person_id, t.start, t.end or date.max) for t in tenures]
            out += [
                Source(d.delegate_person_id, d.start, d.end, d.id)
                for d in self.delegations.get(cache_key, ())
            ]
            found = self._source_cache[cache_key] = tuple(out)
        return found

    def _count_shares(
        self,
        post: PostFacts,
        lst: ListFacts,
        item: ItemVersion,
        variant: Variant,
        tenure: Tenure,
        periods: list[Period],
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
        key = (person, lst.id, item.item_id, tuple(root for root, _ in scope), held_from, held_until)
        if key in self._matching:
            dates = self._matching[key]
        else:
            until = held_until or date.max
            dates = self._matching[key] = MatchingDates.of(
                self.records.by_person.get(person, ()),
                # A make-up counts for the post when made while holding it (`judging`).
                [r for r in self.records.makeups.get(person, ()) if held_from <= r.performed_on <= until],
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
        for (ps, pe, due, event_id, event_targets), start, end in active_periods(
            post, lst, rule, variant, periods, start_floor, end_cap, check
        ):
            if held_from > start or (held_until is not None and held_until < end):
                sources = self._sources(post, lst.id, item.key, self.facts.tenures.get(post.id, ()))
                yield from self._period_shares(
                    post, lst, item, variant, ps, pe, due, event_id, event_targets, start, end, scope, sources
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
        for s, e in merge(held):
            if s > cursor:
                yield None, cursor, s - ONE_DAY
            cursor = max(cursor, e + ONE_DAY)
        if cursor <= end:
            yield None, cursor, end


def _primary(segments: list[tuple[int | None, date, date]], due: date) -> int:
    """The index of the share that carries a post's period: the holder's on the due date, or
    else the last holder's before it, or else the first holder's; a period nobody held is
    carried by its (first) vacant stretch."""
    held = [n for n, (person, _, _) in enumerate(segments) if person is not None]
    for n in held:
        if segments[n][1] <= due <= segments[n][2]:
            return n
    before = [n for n in held if segments[n][2] < due]
    if before:
        return before[-1]
    return held[0] if held else 0


def periods_for(timing: Timing, day: date) -> tuple[date, date]:
    """The natural period of a periodic timing that holds `day`."""
    assert timing.every is not None
    return period_of(timing.every, day, timing.interval, timing.anchor_year)
