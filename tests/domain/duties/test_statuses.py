"""`Calculator.statuses` (counting, for scores) gives exactly the statuses of
`Calculator.for_posts` (full obligations), on random facts: posts that begin or end within
the year, one or several holders with gaps, 分管 charges, profile changes that switch a
rule's variant, two versions of a list, rules with start and end days, records of other
kinds, duties, units and persons, make-up records, exemptions, and any day as today."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.duties.obligations import (
    Calculator,
    Charge,
    EventFacts,
    ExemptionFacts,
    Facts,
    ItemVersion,
    Judged,
    ListFacts,
    PostFacts,
    RecordFacts,
    Status,
    Tenure,
    judged,
)
from domain.duties.rules import UnitFacts, parse_rule

Y = date(2025, 1, 1)
END = date(2025, 12, 31)
PARK = "/1/2/"
# Units under the park: two enterprises, and a department with one enterprise under it.
UNITS = {3: "/1/2/3/", 4: "/1/2/4/", 5: "/1/2/5/", 6: "/1/2/5/6/"}
HIGH, LOW = UnitFacts("CHEMICAL", True, 50, "D", True), UnitFacts("MACHINERY", False, 50, "A", False)
PERSONS = [100, 101, 102]

RULES: list[dict[str, Any]] = [
    {"kinds": ["INSPECTION"], "every": "DAY"},
    {"kinds": ["INSPECTION"], "every": "DAY", "times": 2},
    {"kinds": ["INSPECTION", "ON_SITE"], "every": "DAY", "scope": "UNIT"},
    {"kinds": ["INSPECTION"], "every": "WEEK", "weekday": 4},
    # Due on Monday: a share from Wednesday owes one and all its records are late.
    {"kinds": ["INSPECTION"], "every": "WEEK", "weekday": 1, "times": 2},
    {"kinds": ["INSPECTION"], "every": "WEEK", "from": "2025-03-05", "to": "2025-09-20"},
    {"kinds": ["MEETING"], "every": "MONTH"},
    {"kinds": ["INSPECTION"], "every": "QUARTER", "times": 3},
    {"kinds": ["TRAINING"], "every": "HALF_YEAR", "times": 2},
    {"kinds": ["REPORT"], "deadline": "2025-06-30"},
    {
        "kinds": ["INSPECTION"],
        "variants": [{"when": {"high_risk": True}, "every": "WEEK"}, {"every": "MONTH"}],
    },
    {"kinds": ["INSPECTION"], "every": "HALF_YEAR", "coverage": "ENTERPRISES"},
    {"kinds": ["ON_SITE"], "events": ["KEY_DATE"], "within_days": 2},
    {"kinds": ["INSPECTION"], "every": "MONTH", "per": "HOLDER"},
]

days = st.integers(0, 364).map(lambda n: Y + timedelta(days=n))
days_in = [date(2025, 7, 16), date(2025, 11, 30)]


@st.composite
def tenures(draw: st.DrawFn, post_id: int, start: date) -> list[Tenure]:
    """One holder throughout, or a few in turn with gaps (sometimes overlapping)."""
    if draw(st.booleans()):
        # One holder: from the post's first day or later, to its last or earlier.
        first = max(start, draw(st.sampled_from([start, date(2025, 5, 7)])))
        return [
            Tenure(
                post_id, draw(st.sampled_from(PERSONS)), first, draw(st.sampled_from([None, None, *days_in]))
            )
        ]
    cuts = sorted(draw(st.sets(days, min_size=1, max_size=3)))
    out, s = [], start
    for cut in [*cuts, None]:
        person = draw(st.sampled_from(PERSONS))
        if cut is None or cut >= s:
            gap = timedelta(days=draw(st.integers(-1, 3)))
            out.append(Tenure(post_id, person, s, cut))
            s = (cut or END) + timedelta(days=1) + gap
    return out


@st.composite
def scenario(draw: st.DrawFn) -> tuple[Facts, date]:
    chosen = draw(st.lists(st.sampled_from(range(len(RULES))), min_size=1, max_size=3, unique=True))
    items = []
    for n, i in enumerate(chosen):
        rule = parse_rule(RULES[i])
        if draw(st.booleans()):
            # A second version of the list from a day in the year, with another rule.
            cut = draw(days)
            other = parse_rule(
                RULES[draw(st.sampled_from(range(len(RULES))))] | {"per": RULES[i].get("per", "POST")}
            )
            items.append(ItemVersion(1, 1, n + 1, f"duty{n}", rule, Y, cut - timedelta(days=1)))
            items.append(ItemVersion(1, 2, 100 + n, f"duty{n}", other, cut, None))
        else:
            items.append(ItemVersion(1, 1, n + 1, f"duty{n}", rule, Y, None))
    first = draw(st.sampled_from([Y, date(2025, 2, 14)]))
    lst = ListFacts(1, frozenset({"SAFETY_MANAGER"}), PARK, first, tuple(items))
    posts, tenure_map = [], {}
    for post_id, unit_id in ((10, 3), (11, 4), (12, 5)):
        start = draw(st.sampled_from([date(2024, 6, 1), date(2025, 4, 9)]))
        end = draw(st.sampled_from([None, None, date(2025, 10, 17)]))
        history: tuple[tuple[date, UnitFacts], ...] = ()
        if draw(st.booleans()):
            history = ((date(2024, 1, 1), LOW), (draw(days), HIGH))
        charges: tuple[Charge, ...] = ()
        if unit_id == 5 and draw(st.booleans()):
            charges = (Charge(3, UNITS[3], draw(days), draw(st.sampled_from([None, date(2025, 8, 31)]))),)
        posts.append(
            PostFacts(
                post_id,
                unit_id,
                UNITS[unit_id],
                "SAFETY_MANAGER",
                history[-1][1] if history else LOW,
                start,
                end,
                charges,
                history,
            )
        )
        tenure_map[post_id] = draw(tenures(post_id, start))
    records = []
    for n in range(draw(st.integers(0, 40))):
        performed = draw(days)
        makeup = draw(st.sampled_from([None, None, None, performed - timedelta(days=3)]))
        unit_id = draw(st.sampled_from(sorted(UNITS)))
        named = draw(
            st.sampled_from([frozenset(), frozenset(), frozenset({(1, "duty0")}), frozenset({(1, "x")})])
        )
        records.append(
            RecordFacts(
                id=n + 1,
                kind=draw(
                    st.sampled_from(["INSPECTION", "INSPECTION", "MEETING", "TRAINING", "ON_SITE", "REPORT"])
                ),
                performed_on=performed,
                person_id=draw(st.sampled_from(PERSONS)),
                unit_paths=(UNITS[unit_id],),
                unit_ids=(unit_id,),
                items=named,
                makeup_for=makeup,
            )
        )
    exemptions = []
    for n in range(draw(st.integers(0, 3))):
        s = draw(days)
        exemptions.append(
            ExemptionFacts(
                record_id=1000 + n,
                post_id=draw(st.sampled_from([10, 11, 12, None])),
                person_id=draw(st.sampled_from(PERSONS)),
                list_id=1,
                item_key=draw(st.sampled_from(["duty0", "duty1"])),
                start=s,
                end=s + timedelta(days=draw(st.integers(0, 60))),
            )
        )
    events = [EventFacts(500, "KEY_DATE", 2, PARK, date(2025, 5, 1), date(2025, 5, 5))]
    enterprises = [(UNITS[3], 3, True), (UNITS[4], 4, False), (UNITS[6], 6, True)]
    facts = Facts(posts, [lst], tenure_map, records, events, exemptions, enterprises=enterprises)
    return facts, draw(st.sampled_from([date(2025, 3, 1), date(2025, 8, 15), date(2026, 1, 5)]))


def _key(j: Judged) -> tuple[Any, ...]:
    return (j.list_id, j.item_key, j.post_id or 0, j.person_id or 0, j.period_start, j.event_id or 0)


@settings(max_examples=int(os.environ.get("HYPOTHESIS_STATUSES_EXAMPLES", "150")), deadline=None)
@given(case=scenario(), window=st.sampled_from([(Y, END), (date(2025, 6, 3), date(2025, 6, 3))]))
def test_statuses_equal_the_full_obligations(case: tuple[Facts, date], window: tuple[date, date]) -> None:
    facts, today = case
    lo, hi = window
    wanted = {10, 11}
    full = sorted((judged(o) for o in Calculator(facts, today).for_posts(lo, hi, wanted)), key=_key)
    counted = sorted(Calculator(facts, today).statuses(lo, hi, wanted), key=_key)
    assert counted == full


def test_a_daily_check_counted_on_its_day_late_when_made_up_and_missed_otherwise() -> None:
    """The counting path on its own figures: one holder, a daily check, a record on 2
    January, a make-up for 3 January, nothing for 4 January, judged on 5 January."""
    rule = parse_rule({"kinds": ["INSPECTION"], "every": "DAY"})
    lst = ListFacts(
        1, frozenset({"SAFETY_MANAGER"}), PARK, Y, (ItemVersion(1, 1, 1, "duty0", rule, Y, None),)
    )
    post = PostFacts(10, 3, UNITS[3], "SAFETY_MANAGER", LOW, date(2025, 1, 2), None)

    def record(n: int, day: date, makeup: date | None = None) -> RecordFacts:
        return RecordFacts(n, "INSPECTION", day, 100, (UNITS[3],), (3,), frozenset(), makeup)

    facts = Facts(
        [post],
        [lst],
        {10: [Tenure(10, 100, date(2025, 1, 2), None)]},
        [record(1, date(2025, 1, 2)), record(2, date(2025, 1, 4), makeup=date(2025, 1, 3))],
    )
    found = Calculator(facts, date(2025, 1, 5)).statuses(Y, date(2025, 1, 6))
    by_day = {j.period_start: j.status for j in found}
    assert by_day == {
        date(2025, 1, 2): Status.DONE_ON_TIME,
        date(2025, 1, 3): Status.DONE_LATE,
        date(2025, 1, 4): Status.MISSED,
        date(2025, 1, 5): Status.DUE,
        date(2025, 1, 6): Status.NOT_YET_DUE,
    }
