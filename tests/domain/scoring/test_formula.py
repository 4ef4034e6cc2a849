"""The score formula, hazard standings and schemes: pure functions, checked by hand."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain.errors import DomainError, ErrorCollector
from domain.scoring.formula import (
    HazardFacts,
    HazardStanding,
    PeriodKind,
    Sums,
    hazard_share,
    hazard_standing,
    obligation_share,
    period_end,
    period_start,
    periods_between,
    score_of,
)
from domain.scoring.scheme import DEFAULT_SCHEME, RiskLevel, WeightClass, load_scheme, parse_scheme

OCT = (date(2026, 10, 1), date(2026, 10, 31))


def _hazard(**kw: object) -> HazardFacts:
    base: dict[str, object] = {
        "id": 1, "unit_id": 1, "grade": "GENERAL", "state": "RECTIFYING", "found_on": date(2026, 10, 2),
        "deadline": date(2026, 10, 20), "closed_on": None,
    }  # fmt: skip
    base.update(kw)
    return HazardFacts(**base)  # type: ignore[arg-type]


def test_periods() -> None:
    assert period_start(PeriodKind.QUARTER, date(2026, 11, 22)) == date(2026, 10, 1)
    assert period_end(PeriodKind.QUARTER, date(2026, 10, 1)) == date(2026, 12, 31)
    assert period_end(PeriodKind.MONTH, date(2024, 2, 1)) == date(2024, 2, 29)
    got = periods_between(date(2026, 12, 30), date(2027, 1, 2))
    assert (PeriodKind.MONTH, date(2027, 1, 1)) in got and (PeriodKind.YEAR, date(2026, 1, 1)) in got
    assert len(got) == 6


@pytest.mark.parametrize(
    ("kw", "as_of", "expected"),
    [
        ({}, date(2026, 11, 22), HazardStanding.OVERDUE),
        ({}, date(2026, 10, 15), HazardStanding.OPEN),  # the running month, judged on as_of
        ({"grade": "MAJOR"}, date(2026, 10, 15), HazardStanding.OPEN_MAJOR),
        ({"closed_on": date(2026, 10, 18)}, date(2026, 11, 22), HazardStanding.CLOSED_ON_TIME),
        ({"closed_on": date(2026, 10, 25)}, date(2026, 11, 22), HazardStanding.CLOSED_LATE),
        ({"closed_on": date(2026, 9, 30)}, date(2026, 11, 22), None),  # closed before the period
        ({"found_on": date(2026, 11, 2)}, date(2026, 11, 22), None),  # found after it
        ({"state": "REJECTED"}, date(2026, 11, 22), None),
        ({"deadline": None, "state": "REPORTED"}, date(2026, 11, 22), HazardStanding.OPEN),
    ],
)
def test_hazard_standing(kw: dict[str, object], as_of: date, expected: HazardStanding | None) -> None:
    assert hazard_standing(_hazard(**kw), *OCT, as_of) == expected


def test_score_and_shares_add_up() -> None:
    s = Sums()
    s.add_obligations(WeightClass.MONTHLY, on_time=3, late=1, missed=1, scheme=DEFAULT_SCHEME)
    s.add_obligations(WeightClass.DAILY, on_time=20, late=0, missed=10, scheme=DEFAULT_SCHEME)
    s.add_hazard("MAJOR", HazardStanding.OPEN_MAJOR, DEFAULT_SCHEME)
    s.add_hazard("GENERAL", HazardStanding.CLOSED_ON_TIME, DEFAULT_SCHEME)
    score = score_of(s, DEFAULT_SCHEME)
    assert score is not None
    lost = (
        obligation_share(6, 50, s.ob_weight, DEFAULT_SCHEME)
        + obligation_share(6, 0, s.ob_weight, DEFAULT_SCHEME)
        + 10 * obligation_share(1, 0, s.ob_weight, DEFAULT_SCHEME)
        + hazard_share(10, 50, s.hz_weight, DEFAULT_SCHEME)
    )
    assert 100 - score == pytest.approx(lost)
    assert (s.hz_open_major, s.hz_closed, s.hz_overdue) == (1, 1, 0)
    assert score_of(Sums(), DEFAULT_SCHEME) is None


def test_scheme_round_trips_and_refuses_nonsense() -> None:
    assert load_scheme(DEFAULT_SCHEME.to_dict()) == DEFAULT_SCHEME
    errors = ErrorCollector()
    parse_scheme(
        {
            "points": {"obligations": 70, "hazards": 20},
            "classWeights": {"HOURLY": 1, "DAILY": 1.5},
            "lateCredit": 120,
            "classRule": [{"class": "B", "minScore": 80, "maxRisk": "HIGHER"},
                          {"class": "A", "minScore": 90, "maxRisk": "LOW"}],
            "colour": "red",
        },
        errors,
    )  # fmt: skip
    fields = sorted(".".join(e.field) for e in errors.errors)
    assert fields == [
        "weights.classRule.1.class",
        "weights.classWeights.DAILY",
        "weights.classWeights.HOURLY",
        "weights.colour",
        "weights.lateCredit",
        "weights.points",
    ]
    with pytest.raises(DomainError):
        errors.raise_if_any()


def test_class_rule() -> None:
    assert DEFAULT_SCHEME.classify(95, RiskLevel.LOW) == "A"
    assert DEFAULT_SCHEME.classify(95, RiskLevel.HIGHER) == "B"
    assert DEFAULT_SCHEME.classify(95, RiskLevel.MAJOR) == "C"
    assert DEFAULT_SCHEME.classify(59.9, RiskLevel.LOW) == "D"
    assert DEFAULT_SCHEME.classify(None, RiskLevel.LOW) is None


def test_sums_add_and_is_zero_cover_every_field() -> None:
    """`add` and `is_zero` name the fields one by one: each field counts in both."""
    assert [f.name for f in dataclasses.fields(Sums)] == list(Sums.FIELDS)
    for n, name in enumerate(Sums.FIELDS):
        one = Sums(**{name: n + 2})
        assert not one.is_zero()
        total = Sums()
        total.add(one)
        total.add(one)
        assert getattr(total, name) == 2 * (n + 2)
        assert total.as_tuple() == tuple(2 * (n + 2) if f == name else 0 for f in Sums.FIELDS)
        total.add(one, -3)
        assert getattr(total, name) == -(n + 2)
        assert sum(abs(v) for v in total.as_tuple()) == n + 2
        total.add(one)
        assert total.is_zero()
