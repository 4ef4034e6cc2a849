"""The province's shape: its options and proportions, the summary of what was written, and the
steps that write it in chunks.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from domain.hazards.states import HazardState

CHUNK = 5_000
DEPARTMENTS = 8  # per park
DEPUTIES = 3  # per park
MAJOR_SHARE = 0.10
STATES = {HazardState.REPORTED: 8, HazardState.CONFIRMED: 8, HazardState.REJECTED: 5,
          HazardState.RECTIFYING: 17, HazardState.RECTIFIED: 7, HazardState.CLOSED: 55}  # fmt: skip
PAST_CONFIRMED = (HazardState.CONFIRMED, HazardState.RECTIFYING, HazardState.RECTIFIED, HazardState.CLOSED)
SOURCES = {
    "SELF_CHECK": 60,
    "SUPERVISION": 25,
    "INSPECTION": 15,
}  # → found by safety manager, head, principal
EXPLICIT_ID_TABLES = ("org_unit", "person", "post", "post_charge", "assignment", "enterprise_profile",
                      "critical_period", "duty_record", "hazard", "hazard_event", "hazard_plan")  # fmt: skip


class NotEmpty(Exception):
    pass


@dataclass
class Options:
    districts: int = 1
    parks: int = 20
    enterprises: int = 10_000
    posts: int = 50_000
    records: int = 1_000_000
    hazards: int = 100_000
    year: int = 2025
    seed: int = 1


@dataclass
class Summary:
    units: Counter[str] = field(default_factory=Counter)
    placarded: int = 0
    posts: Counter[str] = field(default_factory=Counter)
    persons: int = 0
    assignments: int = 0
    charges: int = 0
    profiles: int = 0
    periods: int = 0
    lists: int = 0
    records: int = 0
    corrections: int = 0
    categories: int = 0
    hazards: Counter[str] = field(default_factory=Counter)
    major: int = 0
    overdue: int = 0
    events: int = 0
    plans: int = 0
    park_paths: list[str] = field(default_factory=list)
    times: dict[str, float] = field(default_factory=dict)


@dataclass
class Enterprise:
    unit_id: int
    principal: int  # persons
    safety: int
    head: int


def spread(total: int, parts: int, i: int) -> int:
    """The i-th of `parts` nearly equal shares of `total`."""
    return total * (i + 1) // parts - total * i // parts


class Step:
    def __init__(self, summary: Summary, out: Callable[[str], None]) -> None:
        self.summary, self.out = summary, out

    def __call__(self, name: str) -> Step:
        self.name = name
        return self

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            took = time.perf_counter() - self.started
            self.summary.times[self.name] = took
            self.out(f"  {self.name:<28} {took:8.1f} s")
