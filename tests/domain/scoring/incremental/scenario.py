"""Scenarios for the incremental-maintenance property: the days, the duty lists, the drawn
enterprises, tenures, evidence and operations (see tests/domain/scoring/test_incremental.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from domain.actors import Actor

# The tree, its enterprises' first profiles and the duty lists date from EARLY. Every day of
# a scenario lies in 2026 up to LAST_DAY, so scores count from SINCE (the first day of last
# year) and a post created during a scenario (stamped with the wall clock, later than any
# scenario day) owes nothing yet, as a post created on the day it is created.
EARLY = date(2024, 1, 1)
SINCE = date(2025, 1, 1)
LAST_DAY = date(2026, 10, 31)
CHARGE_FROM = date(2025, 7, 1)  # the deputy takes charge of the safety department
EVIDENCE_FROM = date(2024, 12, 16)  # records may straddle SINCE (a week, a one-off deadline)
HOLDERS_FROM = date(2024, 6, 1)
# Days where periods of different lengths meet SINCE, a year's end or the charge's start.
EDGE_DAYS = (
    date(2024, 12, 30), date(2024, 12, 31), SINCE, date(2025, 3, 31), date(2025, 6, 30), CHARGE_FROM,
    date(2025, 12, 29), date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 31),
)  # fmt: skip
PERSONS = 6
RECORD_KINDS = ("INSPECTION", "MEETING", "REPORT", "ON_SITE", "PLAN", "ASSESSMENT", "STUDY")

LEADER_RULES: dict[str, dict[str, Any]] = {
    "monthly-check": {"kinds": ["INSPECTION"], "every": "MONTH"},
    "quarterly-study": {"kinds": ["MEETING", "STUDY"], "every": "QUARTER", "times": 2},
    "thursday-report": {"kinds": ["REPORT"], "every": "WEEK", "weekday": 4},
    "cover-placarded": {"kinds": ["INSPECTION"], "every": "QUARTER", "coverage": "PLACARDED"},
    "critical-periods": {"kinds": ["ON_SITE"], "events": ["KEY_DATE", "ACCIDENT"], "within_days": 3},
    "yearly-plan": {"kinds": ["PLAN"], "every": "YEAR"},
}
DEPARTMENT_RULES: dict[str, dict[str, Any]] = {
    "own-meeting": {"kinds": ["MEETING"], "every": "MONTH", "scope": "UNIT"},
}
PRINCIPAL_RULES: dict[str, dict[str, Any]] = {
    "risk-check": {
        "kinds": ["INSPECTION"],
        "variants": [{"when": {"high_risk": True}, "every": "MONTH"}, {"every": "QUARTER"}],
    },
    # Its one period runs from the list's adoption (2024) past SINCE.
    "first-plan": {"kinds": ["PLAN"], "deadline": "2025-03-31"},
    "yearly-assessment": {"kinds": ["ASSESSMENT"], "every": "YEAR", "when": {"small_micro": False}},
    "key-dates": {"kinds": ["ON_SITE", "INSPECTION"], "events": ["KEY_DATE"]},
}
SAFETY_RULES: dict[str, dict[str, Any]] = {"weekly-check": {"kinds": ["INSPECTION"], "every": "WEEK"}}
# Daily from a date (a rule's own start), which keeps the daily obligations to a few months.
FRONTLINE_RULES: dict[str, dict[str, Any]] = {
    "daily-check": {"kinds": ["INSPECTION"], "every": "DAY", "from": "2025-11-01"},
}
HOLDER_RULES: dict[str, dict[str, Any]] = {
    "monthly-guidance": {"kinds": ["INSPECTION"], "every": "MONTH", "per": "HOLDER"},
    "half-year-coverage": {
        "kinds": ["INSPECTION"],
        "every": "HALF_YEAR",
        "coverage": "PLACARDED",
        "per": "HOLDER",
    },
    "on-site": {"kinds": ["ON_SITE"], "events": ["KEY_DATE", "ACCIDENT"], "within_days": 2, "per": "HOLDER"},
    "risk-assessment": {
        "kinds": ["ASSESSMENT"],
        "per": "HOLDER",
        "variants": [{"when": {"high_risk": True}, "every": "MONTH"}, {"every": "QUARTER"}],
    },
}

OFFICER = Actor(subject="officer", person_id=None)  # files exemption requests
SUPERVISOR = Actor(subject="supervisor", person_id=None)  # decides them
HAZARD_SUPERVISOR = Actor("supervisor")
HAZARD_ENTERPRISE = Actor("enterprise")

# --- scenarios ---------------------------------------------------------------------------

Op = tuple[str, int, int, int, int]

# Weighted by repetition: records and new days are the everyday changes.
OP_KINDS = (
    "record",
    "record",
    "record",
    "correct_record",
    "withdraw_record",
    "assign",
    "end_assignment",
    "correct_assignment",
    "exemption",
    "declare_period",
    "withdraw_period",
    "correct_period",
    "report_hazard",
    "hazard_step",
    "hazard_step",
    "move_day",
    "move_day",
    "update_profile",
    "add_charge",
    "end_charge",
)

numbers = st.integers(0, 10_000)


@dataclass(frozen=True)
class EnterpriseSpec:
    placarded: bool
    high_risk: bool
    under_safety: bool  # under the safety department, else under the building one
    small: bool


@dataclass(frozen=True)
class Scenario:
    day0: date
    enterprises: tuple[EnterpriseSpec, ...]
    tenures: tuple[tuple[int, int, int, int | None], ...]  # post, person, start offset, length
    periods: tuple[tuple[int, int, int, int], ...]  # critical periods (as op_declare_period)
    records: tuple[tuple[int, int, int, int], ...]
    hazards: tuple[tuple[int, int, int], ...]
    ops: tuple[Op, ...]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    day0 = date(2026, 1, 5) + timedelta(days=draw(st.integers(0, 100)))
    enterprises = draw(
        st.lists(st.builds(EnterpriseSpec, st.booleans(), st.booleans(), st.booleans(), st.booleans()),
                 min_size=1, max_size=2)
    )  # fmt: skip
    tenures = draw(
        st.lists(
            st.tuples(numbers, st.integers(0, PERSONS - 1), st.one_of(st.integers(0, 200), st.integers(0, 600)),
                      st.one_of(st.none(), st.integers(0, 500))),
            min_size=4, max_size=8,
        )
    )  # fmt: skip
    periods = draw(st.lists(st.tuples(numbers, numbers, numbers, numbers), max_size=2))
    records = draw(st.lists(st.tuples(numbers, numbers, numbers, numbers), max_size=6))
    found = draw(st.lists(st.tuples(numbers, numbers, numbers), max_size=2))
    ops = draw(
        st.lists(
            st.tuples(st.sampled_from(OP_KINDS), numbers, numbers, numbers, numbers), min_size=3, max_size=8
        )
    )
    return Scenario(
        day0, tuple(enterprises), tuple(tenures), tuple(periods), tuple(records), tuple(found), tuple(ops)
    )


def pick(n: int, span_from: date, span_to: date) -> date:
    """A day of [span_from, span_to] chosen by n (span_from if the span is empty)."""
    days = (span_to - span_from).days
    return span_from + timedelta(days=n % (days + 1)) if days > 0 else span_from


@dataclass(frozen=True)
class ItemRef:
    list_id: int
    key: str
    per_holder: bool
    post_kinds: tuple[str, ...]
    record_kinds: tuple[str, ...]
