"""What the computation gives: a share's status and, with its evidence, its obligation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from domain.duties.rules import Variant


class Status(StrEnum):
    DONE_ON_TIME = "DONE_ON_TIME"
    DONE_LATE = "DONE_LATE"
    MISSED = "MISSED"
    DUE = "DUE"
    NOT_YET_DUE = "NOT_YET_DUE"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class NotApplicableReason(StrEnum):
    # Answered for too little of the period to owe it: held the post, or the list applied,
    # for under half of it (a count rounds to zero).
    PARTIAL_PERIOD = "PARTIAL_PERIOD"
    EXEMPTED = "EXEMPTED"  # an approved exemption


class Judged(NamedTuple):
    """A share's identity and status, as an obligation would have them."""

    list_id: int
    item_key: str
    post_id: int | None  # None for per-holder obligations
    person_id: int | None  # None for a vacant share
    period_start: date
    period_end: date
    event_id: int | None
    variant: Variant
    scope_unit_ids: tuple[int, ...]
    status: Status
    # A holder's share of a post's period whose count the post's primary share carries: it
    # counts in its holder's score only (see `Obligation.answering`).
    answering: bool = False


def judged(ob: Obligation) -> Judged:
    return Judged(
        ob.list_id,
        ob.item_key,
        ob.post_id,
        ob.person_id,
        ob.period_start,
        ob.period_end,
        ob.event_id,
        ob.variant,
        ob.scope_unit_ids,
        ob.status,
        ob.answering,
    )


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
    # A post's period is judged once, for the post, and given to each holder of the period
    # (and each vacant stretch) as a share with the post's status. One share, the primary
    # (the holder on the due date), carries the period's count for the post and its unit;
    # the others are `answering`: they count only in their holder's own score.
    answering: bool = False
    # Records that counted through a delegation of this duty (`DelegationFacts`), by id.
    delegated_record_ids: tuple[int, ...] = ()

    @property
    def held_days(self) -> int:
        """Days of the period this share's holder (or vacancy) answers for."""
        return (self.share_end - self.share_start).days + 1

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
