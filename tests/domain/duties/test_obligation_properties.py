"""Properties of the obligation calculator on random holders and records (pure Python, no
database): shares cover each period exactly, owe the pro-rated count, and a record never
makes an obligation worse."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.duties.obligations import (
    Calculator,
    Facts,
    ItemVersion,
    ListFacts,
    Obligation,
    PostFacts,
    RecordFacts,
    Status,
    Tenure,
    share_of,
)
from domain.duties.rules import UnitFacts, parse_rule

YEAR_START = date(2025, 1, 1)
TODAY = date(2026, 2, 1)
PARK, ENTERPRISE = "/1/2/", "/1/2/3/"
DONE = {Status.DONE_ON_TIME, Status.DONE_LATE}


def _facts(
    rule: dict[str, object], tenures: list[tuple[int, date, date | None]], records: list[RecordFacts]
) -> Facts:
    parsed = parse_rule(rule)
    item = ItemVersion(1, 1, 1, "duty", parsed, YEAR_START, None)
    lst = ListFacts(1, frozenset({"ENTERPRISE_PRINCIPAL"}), PARK, YEAR_START, (item,))
    post = PostFacts(
        id=10,
        unit_id=3,
        path=ENTERPRISE,
        kind="ENTERPRISE_PRINCIPAL",
        facts=UnitFacts("MACHINERY", False, 50, "B", False),
        start=YEAR_START,
        end=None,
    )
    return Facts(
        posts=[post],
        lists=[lst],
        tenures={10: [Tenure(10, person, s, e) for person, s, e in tenures]},
        records=records,
    )


@st.composite
def holders(draw: st.DrawFn) -> list[tuple[int, date, date | None]]:
    """Consecutive tenures of one post in 2025, with gaps (vacancies) between some."""
    cuts = sorted(draw(st.sets(st.integers(1, 363), max_size=4)))
    out: list[tuple[int, date, date | None]] = []
    start = 0
    for n, cut in enumerate([*cuts, 365]):
        gap = draw(st.integers(0, 3))
        s, e = start + gap, cut - 1
        if s <= e:
            out.append((100 + n, YEAR_START + timedelta(days=s), YEAR_START + timedelta(days=e)))
        start = cut
    return out


@st.composite
def records(draw: st.DrawFn) -> list[RecordFacts]:
    days = draw(st.lists(st.integers(0, 364), max_size=12))
    people = draw(st.lists(st.integers(100, 104), min_size=len(days), max_size=len(days)))
    return [
        RecordFacts(
            id=i + 1,
            kind="INSPECTION",
            performed_on=YEAR_START + timedelta(days=d),
            person_id=p,
            unit_paths=(ENTERPRISE,),
            unit_ids=(3,),
            items=frozenset(),
        )
        for i, (d, p) in enumerate(zip(days, people, strict=True))
    ]


RULES = st.sampled_from(
    [
        {"kinds": ["INSPECTION"], "every": "MONTH"},
        {"kinds": ["INSPECTION"], "every": "QUARTER", "times": 3},
        {"kinds": ["INSPECTION"], "every": "WEEK", "weekday": 4},
        {"kinds": ["INSPECTION"], "every": "HALF_YEAR", "times": 2},
    ]
)


@settings(max_examples=60, deadline=None)
@given(rule=RULES, tenures=holders(), found=records())
def test_a_post_period_is_judged_once_and_shared_by_its_holders(
    rule: dict[str, object], tenures: list[tuple[int, date, date | None]], found: list[RecordFacts]
) -> None:
    obligations = Calculator(_facts(rule, tenures, found), TODAY).for_posts(YEAR_START, date(2025, 12, 31))
    times = int(rule.get("times", 1))  # type: ignore[call-overload]
    periods: dict[tuple[date, date], list[Obligation]] = {}
    for o in obligations:
        periods.setdefault((o.period_start, o.period_end), []).append(o)
    held_on = {
        (p, YEAR_START + timedelta(days=d))
        for p, s, e in tenures
        for d in range((s - YEAR_START).days, ((e or date(2025, 12, 31)) - YEAR_START).days + 1)
    }
    for (start, end), shares in periods.items():
        shares.sort(key=lambda o: o.share_start)
        # The shares of a period are the period itself (from the list's adoption, for the one
        # it began in), cut at the changes of holder.
        assert shares[0].share_start == max(start, YEAR_START) and shares[-1].share_end == end
        for a, b in pairwise(shares):
            assert b.share_start == a.share_end + timedelta(days=1)
        # One judgement for the post: the same requirement, due date, status and records in
        # every share; the requirement counts the days the list applied, not who held it.
        active = (end - shares[0].share_start).days + 1
        length = (end - start).days + 1
        first = shares[0]
        for o in shares:
            assert o.required == share_of(times, active, length)
            assert (o.status, o.due_date, o.on_time_record_ids, o.late_record_ids) == (
                first.status,
                first.due_date,
                first.on_time_record_ids,
                first.late_record_ids,
            )
        # Exactly one share carries the period for the post: the holder's on the due date
        # when someone held it then.
        primary = [o for o in shares if not o.answering]
        assert len(primary) == 1
        holder_on_due = [
            o for o in shares if o.person_id is not None and o.share_start <= first.due_date <= o.share_end
        ]
        if holder_on_due:
            assert primary[0] is holder_on_due[0]
        counted = len(first.on_time_record_ids) + len(first.late_record_ids)
        if first.required == 0:
            assert first.status is Status.NOT_APPLICABLE
        else:
            assert (first.status in DONE) == (counted >= first.required)
        # A record counts only when its maker held the post on the day they acted.
        for r in found:
            if r.id in first.on_time_record_ids or r.id in first.late_record_ids:
                assert (r.person_id, r.performed_on) in held_on


@settings(max_examples=40, deadline=None)
@given(
    rule=RULES, tenures=holders(), found=records(), extra_day=st.integers(0, 364), who=st.integers(100, 104)
)
def test_a_record_never_makes_an_obligation_worse(
    rule: dict[str, object],
    tenures: list[tuple[int, date, date | None]],
    found: list[RecordFacts],
    extra_day: int,
    who: int,
) -> None:
    rank = {
        Status.MISSED: 0,
        Status.DUE: 0,
        Status.NOT_YET_DUE: 0,
        Status.DONE_LATE: 1,
        Status.DONE_ON_TIME: 2,
    }
    before = Calculator(_facts(rule, tenures, found), TODAY).for_posts(YEAR_START, date(2025, 12, 31))
    extra = RecordFacts(
        id=999,
        kind="INSPECTION",
        performed_on=YEAR_START + timedelta(days=extra_day),
        person_id=who,
        unit_paths=(ENTERPRISE,),
        unit_ids=(3,),
        items=frozenset(),
    )
    after = Calculator(_facts(rule, tenures, [*found, extra]), TODAY).for_posts(
        YEAR_START, date(2025, 12, 31)
    )
    assert [o.sort_key for o in before] == [o.sort_key for o in after]
    for b, a in zip(before, after, strict=True):
        if b.status is not Status.NOT_APPLICABLE:
            assert rank[a.status] >= rank[b.status]
