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
def test_shares_cover_each_period_and_owe_their_pro_rated_count(
    rule: dict[str, object], tenures: list[tuple[int, date, date | None]], found: list[RecordFacts]
) -> None:
    obligations = Calculator(_facts(rule, tenures, found), TODAY).for_posts(YEAR_START, date(2025, 12, 31))
    times = int(rule.get("times", 1))  # type: ignore[call-overload]
    periods: dict[tuple[date, date], list[tuple[date, date]]] = {}
    for o in obligations:
        periods.setdefault((o.period_start, o.period_end), []).append((o.share_start, o.share_end))
        held = (o.share_end - o.share_start).days + 1
        length = (o.period_end - o.period_start).days + 1
        assert o.required == share_of(times, held, length)
        assert o.due_date <= o.share_end
        if o.required == 0:
            assert o.status is Status.NOT_APPLICABLE
        elif o.person_id is None:
            assert o.status is Status.MISSED  # a vacancy: nobody's record, nobody's exemption
        else:
            counted = len(o.on_time_record_ids) + len(o.late_record_ids)
            assert (o.status in DONE) == (counted >= o.required)
            assert all(r.person_id == o.person_id for r in found if r.id in o.on_time_record_ids)
    # The shares of a period are the period itself (from the list's adoption, for the one
    # it began in), cut at the changes of holder.
    for (start, end), shares in periods.items():
        shares.sort()
        assert shares[0][0] == max(start, YEAR_START) and shares[-1][1] == end
        for (_, e1), (s2, _) in pairwise(shares):
            assert s2 == e1 + timedelta(days=1)


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
