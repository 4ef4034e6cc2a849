"""The score, its periods, and how one obligation or hazard counts: pure functions.

The contract:

- An obligation counts when it is DONE_ON_TIME (credit 100), DONE_LATE (the scheme's late
  credit) or MISSED (0); DUE, NOT_YET_DUE and NOT_APPLICABLE do not count. It counts in
  the month its period ends (and that month's quarter and year), for its holder (a vacant
  share: for nobody) at its post's unit; a per-holder duty counts at the first unit of its
  scope.
- A hazard counts in a period when it was found by the period's judging day (its last
  day, or `as_of` for a running period), was not rejected, and was not closed before the
  period began. On the judging day it is: closed on time (100), closed late, open past its
  deadline (overdue), open major within its deadline (动态清零 not yet reached), or open
  general within its deadline (100). Its deadline is the ledger's current one.
- score = 100 − points_obligations × ob_lost / (100 × ob_weight)
              − points_hazards × hz_lost / (100 × hz_weight),
  a part with no weight losing nothing; no score at all (None) when nothing counted. Each
  counted item lowers the score by its share: its part's points × weight × (100 − credit)
  / (100 × the part's total weight), so the shares of everything that lowered a score add
  up to 100 − score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.duties.obligations import Status
from domain.hazards.states import HazardState
from domain.scoring.scheme import HazardCredit, Scheme, WeightClass


class PeriodKind(StrEnum):
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    YEAR = "YEAR"


class ScoreScope(StrEnum):
    OWN = "OWN"  # the unit's own posts and hazards
    TREE = "TREE"  # with its whole subtree


def month_of(day: date) -> date:
    return day.replace(day=1)


def period_start(kind: PeriodKind, day: date) -> date:
    if kind is PeriodKind.MONTH:
        return day.replace(day=1)
    if kind is PeriodKind.QUARTER:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def period_end(kind: PeriodKind, start: date) -> date:
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
    m = start.month - 1 + months
    return date(start.year + m // 12, m % 12 + 1, 1) - timedelta(days=1)


def periods_of_month(month: date) -> list[tuple[PeriodKind, date]]:
    """The month, quarter and year a month's tallies count in."""
    return [(k, period_start(k, month)) for k in PeriodKind]


def periods_between(lo: date, hi: date) -> list[tuple[PeriodKind, date]]:
    """Every month, quarter and year overlapping [lo, hi]."""
    out: list[tuple[PeriodKind, date]] = []
    for kind in PeriodKind:
        start = period_start(kind, lo)
        while start <= hi:
            out.append((kind, start))
            start = period_end(kind, start) + timedelta(days=1)
    return out


COUNTED = {Status.DONE_ON_TIME: "on_time", Status.DONE_LATE: "late", Status.MISSED: "missed"}


def obligation_credit(status: Status, scheme: Scheme) -> int:
    if status is Status.DONE_ON_TIME:
        return 100
    if status is Status.DONE_LATE:
        return scheme.late_credit
    return 0


@dataclass(frozen=True)
class HazardFacts:
    id: int
    unit_id: int
    grade: str
    state: str
    found_on: date
    deadline: date | None
    closed_on: date | None


class HazardStanding(StrEnum):
    CLOSED_ON_TIME = "CLOSED_ON_TIME"
    CLOSED_LATE = "CLOSED_LATE"
    OVERDUE = "OVERDUE"
    OPEN_MAJOR = "OPEN_MAJOR"
    OPEN = "OPEN"


def hazard_standing(h: HazardFacts, lo: date, hi: date, as_of: date) -> HazardStanding | None:
    """How a hazard stands for the period [lo, hi] judged on min(hi, as_of); None: it does
    not count in the period."""
    judged = min(hi, as_of)
    if h.state == HazardState.REJECTED or h.found_on > judged or judged < lo:
        return None
    if h.closed_on is not None and h.closed_on < lo:
        return None
    if h.closed_on is not None and h.closed_on <= judged:
        late = h.deadline is not None and h.closed_on > h.deadline
        return HazardStanding.CLOSED_LATE if late else HazardStanding.CLOSED_ON_TIME
    if h.deadline is not None and h.deadline < judged:
        return HazardStanding.OVERDUE
    return HazardStanding.OPEN_MAJOR if h.grade == "MAJOR" else HazardStanding.OPEN


def hazard_credit(standing: HazardStanding, scheme: Scheme) -> int:
    if standing is HazardStanding.CLOSED_LATE:
        return scheme.hazard_credits[HazardCredit.CLOSED_LATE]
    if standing is HazardStanding.OVERDUE:
        return scheme.hazard_credits[HazardCredit.OVERDUE]
    if standing is HazardStanding.OPEN_MAJOR:
        return scheme.hazard_credits[HazardCredit.OPEN_MAJOR]
    return 100


@dataclass
class Sums:
    """The additive numbers of a score; a unit's TREE sums are its subtree's OWN sums added."""

    ob_weight: int = 0
    ob_lost: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    hz_weight: int = 0
    hz_lost: int = 0
    hz_counted: int = 0
    hz_overdue: int = 0
    hz_open_major: int = 0
    hz_closed: int = 0

    FIELDS = ("ob_weight", "ob_lost", "on_time", "late", "missed", "hz_weight", "hz_lost", "hz_counted",
              "hz_overdue", "hz_open_major", "hz_closed")  # fmt: skip

    # `add` and `is_zero` name every field rather than loop over FIELDS: a province's
    # rebuild calls them millions of times (a test checks they cover FIELDS).
    def add(self, other: Sums, sign: int = 1) -> None:
        if sign == 1:
            self.ob_weight += other.ob_weight
            self.ob_lost += other.ob_lost
            self.on_time += other.on_time
            self.late += other.late
            self.missed += other.missed
            self.hz_weight += other.hz_weight
            self.hz_lost += other.hz_lost
            self.hz_counted += other.hz_counted
            self.hz_overdue += other.hz_overdue
            self.hz_open_major += other.hz_open_major
            self.hz_closed += other.hz_closed
            return
        self.ob_weight += sign * other.ob_weight
        self.ob_lost += sign * other.ob_lost
        self.on_time += sign * other.on_time
        self.late += sign * other.late
        self.missed += sign * other.missed
        self.hz_weight += sign * other.hz_weight
        self.hz_lost += sign * other.hz_lost
        self.hz_counted += sign * other.hz_counted
        self.hz_overdue += sign * other.hz_overdue
        self.hz_open_major += sign * other.hz_open_major
        self.hz_closed += sign * other.hz_closed

    def is_zero(self) -> bool:
        return not (
            self.ob_weight or self.ob_lost or self.on_time or self.late or self.missed or self.hz_weight
            or self.hz_lost or self.hz_counted or self.hz_overdue or self.hz_open_major or self.hz_closed
        )  # fmt: skip

    def as_tuple(self) -> tuple[int, ...]:
        """The fields' values in the order of FIELDS."""
        return (
            self.ob_weight, self.ob_lost, self.on_time, self.late, self.missed, self.hz_weight,
            self.hz_lost, self.hz_counted, self.hz_overdue, self.hz_open_major, self.hz_closed,
        )  # fmt: skip

    def add_obligations(self, cls: WeightClass, on_time: int, late: int, missed: int, scheme: Scheme) -> None:
        w = scheme.class_weights[cls]
        self.on_time += on_time
        self.late += late
        self.missed += missed
        self.ob_weight += w * (on_time + late + missed)
        self.ob_lost += w * (late * (100 - scheme.late_credit) + missed * 100)

    def add_hazard(self, grade: str, standing: HazardStanding, scheme: Scheme) -> None:
        w = scheme.hazard_weights[grade]
        self.hz_counted += 1
        self.hz_weight += w
        self.hz_lost += w * (100 - hazard_credit(standing, scheme))
        if standing is HazardStanding.OVERDUE:
            self.hz_overdue += 1
        if standing in (HazardStanding.OPEN_MAJOR,) or (
            standing is HazardStanding.OVERDUE and grade == "MAJOR"
        ):
            self.hz_open_major += 1
        if standing in (HazardStanding.CLOSED_ON_TIME, HazardStanding.CLOSED_LATE):
            self.hz_closed += 1


def score_of(s: Sums, scheme: Scheme) -> float | None:
    if s.ob_weight == 0 and s.hz_weight == 0:
        return None
    lost = 0.0
    if s.ob_weight:
        lost += scheme.points_obligations * s.ob_lost / (100 * s.ob_weight)
    if s.hz_weight:
        lost += scheme.points_hazards * s.hz_lost / (100 * s.hz_weight)
    return round(100.0 - lost, 4)


def obligation_share(weight: int, credit: int, total_weight: int, scheme: Scheme) -> float:
    """Points an obligation took off a score whose obligations weigh `total_weight`."""
    if not total_weight:
        return 0.0
    return scheme.points_obligations * weight * (100 - credit) / (100 * total_weight)


def hazard_share(weight: int, credit: int, total_weight: int, scheme: Scheme) -> float:
    if not total_weight:
        return 0.0
    return scheme.points_hazards * weight * (100 - credit) / (100 * total_weight)
