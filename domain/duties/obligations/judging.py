"""Judging one share: what it requires, which of the holder's records count for it (on
time or late, and the units they cover), and its status."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from domain.duties.obligations.inputs import ExemptionFacts, ItemVersion, ListFacts, RecordFacts
from domain.duties.obligations.results import NotApplicableReason, Obligation, Status, share_of
from domain.duties.obligations.spans import RecordIndex, Span, Units
from domain.duties.rules import Variant


class Source(NamedTuple):
    """Whose records count for a post's duty, and for which act dates: a holder for the days
    they held the post, or a delegate for the days of the holder's delegation."""

    person_id: int
    start: date
    end: date
    delegation_id: int | None = None


class ShareJudge:
    """Judges shares against the records, enterprises and exemptions of one computation;
    `today` decides due / missed."""

    def __init__(
        self,
        today: date,
        records: RecordIndex,
        units: Units,
        kinds: dict[int, frozenset[str]],
        exemptions: dict[tuple[int, str], list[ExemptionFacts]],
    ) -> None:
        self.today = today
        self.records = records
        self.units = units
        self.kinds = kinds
        self.exemptions = exemptions

    def judge(
        self,
        lst: ListFacts,
        item: ItemVersion,
        variant: Variant,
        post_id: int | None,
        ps: date,
        pe: date,
        span: Span,
        event_id: int | None,
        is_event: bool,
        sources: tuple[Source, ...] | None = None,
    ) -> Obligation:
        """Judges a share. With `sources` (a post's period), the records that count are those
        of the sources for their act dates within the span; without (a per-holder duty),
        those of the span's person."""
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
        if required and (sources or span.person_id is not None):
            self._match(ob, item, lst.id, span, bool(targets), sources)
        self._status(ob, lst.id)
        return ob

    def _candidates(
        self, span: Span, due: date, sources: tuple[Source, ...] | None
    ) -> tuple[list[tuple[RecordFacts, bool]], set[int]]:
        """The records that may count, each with whether it is late, and the ids of those
        that may count only through a delegation."""
        candidates: list[tuple[RecordFacts, bool]] = []
        delegated: set[int] = set()
        if sources is None:
            person = span.person_id
            assert person is not None
            for s, e in span.intervals:
                for r in self.records.within(person, s, e):
                    candidates.append((r, r.performed_on > due))
                for r in self.records.makeups_for(person, s, e):
                    candidates.append((r, True))
            return candidates, delegated
        first, last = span.intervals[0][0], span.intervals[-1][1]
        seen: set[int] = set()
        # Holders first: a record its maker could have made as holder is not a delegate's.
        for src in sorted(sources, key=lambda x: x.delegation_id is not None):
            s, e = max(src.start, first), min(src.end, last)
            if s <= e:
                for r in self.records.within(src.person_id, s, e):
                    if r.id not in seen:
                        seen.add(r.id)
                        candidates.append((r, r.performed_on > due))
                        if src.delegation_id is not None:
                            delegated.add(r.id)
            # A make-up counts for the post when its maker held the post (or the delegation)
            # on the day they acted.
            for r in self.records.makeups_for(src.person_id, first, last):
                if r.id not in seen and src.start <= r.performed_on <= src.end:
                    seen.add(r.id)
                    candidates.append((r, True))
                    if src.delegation_id is not None:
                        delegated.add(r.id)
        candidates.sort(key=lambda c: (c[0].performed_on, c[0].id))
        return candidates, delegated

    def _match(
        self,
        ob: Obligation,
        item: ItemVersion,
        list_id: int,
        span: Span,
        by_unit: bool,
        sources: tuple[Source, ...] | None,
    ) -> None:
        due = ob.due_date
        delegated: set[int] | tuple[()] = ()
        if sources is not None and len(sources) == 1 and sources[0].delegation_id is None:
            # One holder, no delegation (most posts): their records in their days, in order.
            only = sources[0]
            first, last = span.intervals[0][0], span.intervals[-1][1]
            s = only.start if only.start > first else first
            e = only.end if only.end < last else last
            candidates = [(r, r.performed_on > due) for r in self.records.within(only.person_id, s, e)]
            if only.person_id in self.records.makeups:
                candidates += [
                    (r, True)
                    for r in self.records.makeups_for(only.person_id, first, last)
                    if only.start <= r.performed_on <= only.end
                ]
        else:
            candidates, delegated = self._candidates(span, due, sources)
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
        if delegated:
            counted = set(ob.on_time_record_ids) | set(ob.late_record_ids)
            ob.delegated_record_ids = tuple(sorted(delegated & counted))
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
