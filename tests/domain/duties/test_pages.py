"""A page computed alone (`domain.duties.pages`) is the whole computation, filtered and
sliced: on random holders, records (make-ups included), exemptions and critical periods, every
page walked with its cursor gives the rows of `Calculator.for_posts`, with the same statuses
and evidence, whatever the page size, span and filters (pure Python, no database)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.duties.obligations import (
    Calculator,
    EventFacts,
    ExemptionFacts,
    Facts,
    ItemVersion,
    ListFacts,
    Obligation,
    PostFacts,
    RecordFacts,
    Status,
    Tenure,
)
from domain.duties.pages import PageKey, Wanted, page_key, page_of_facts
from domain.duties.rules import UnitFacts, parse_rule

START = date(2025, 1, 1)
PARK, DEPT, ENT_A, ENT_B = "/1/2/", "/1/2/3/", "/1/2/3/4/", "/1/2/3/5/"
UNITS = {PARK: 2, DEPT: 3, ENT_A: 4, ENT_B: 5}
KINDS = ("INSPECTION", "REPORT")

RULES: dict[str, dict[str, object]] = {
    "daily": {"kinds": ["INSPECTION"], "every": "DAY"},
    "weekly": {"kinds": ["REPORT"], "every": "WEEK", "weekday": 4},
    "monthly": {"kinds": ["INSPECTION"], "every": "MONTH", "times": 2},
    "quarterly": {"kinds": ["INSPECTION", "REPORT"], "every": "QUARTER", "scope": "SUBTREE"},
    "yearly": {"kinds": ["REPORT"], "every": "YEAR"},
    "one-off": {"kinds": ["REPORT"], "deadline": "2025-03-15"},
    "holder": {"kinds": ["INSPECTION"], "every": "MONTH", "per": "HOLDER"},
    "coverage": {"kinds": ["INSPECTION"], "every": "QUARTER", "coverage": "ENTERPRISES"},
    "event": {"kinds": ["INSPECTION"], "events": ["KEY_DATE"], "within_days": 3},
}


def _post(post_id: int, path: str, kind: str) -> PostFacts:
    return PostFacts(
        id=post_id,
        unit_id=UNITS[path],
        path=path,
        kind=kind,
        facts=UnitFacts("MACHINERY", False, 50, "B", True),
        start=START,
        end=None,
    )


POSTS = [
    _post(10, ENT_A, "ENTERPRISE_PRINCIPAL"),
    _post(11, ENT_B, "ENTERPRISE_PRINCIPAL"),
    _post(12, DEPT, "DEPARTMENT_HEAD"),
]


def _lists(keys: list[str]) -> list[ListFacts]:
    items = tuple(
        ItemVersion(1, 1, n + 1, key, parse_rule(RULES[key]), START, None) for n, key in enumerate(keys)
    )
    kinds = frozenset({"ENTERPRISE_PRINCIPAL", "DEPARTMENT_HEAD"})
    return [ListFacts(1, kinds, PARK, START, items)]


@st.composite
def tenures(draw: st.DrawFn) -> dict[int, list[Tenure]]:
    """Each post held by a few people in turn (person 100 may hold several posts), with gaps."""
    out: dict[int, list[Tenure]] = {}
    for post in POSTS:
        cuts = sorted(draw(st.sets(st.integers(1, 300), max_size=2)))
        held: list[Tenure] = []
        begin = 0
        for n, cut in enumerate([*cuts, 400]):
            gap = draw(st.sampled_from((0, 0, 5)))
            person = draw(st.sampled_from((100, 100 + post.id * 10 + n)))
            end = None if cut == 400 else START + timedelta(days=cut - 1)
            if begin + gap <= cut - 1:
                held.append(Tenure(post.id, person, START + timedelta(days=begin + gap), end))
            begin = cut
        out[post.id] = held
    return out


# First days of months and quarters: where periods and shares begin and end.
BOUNDS = sorted(
    {date(2025, m, 1) for m in range(1, 13)} | {date(2025, m, 1) - timedelta(days=1) for m in range(2, 13)}
)


@st.composite
def records(draw: st.DrawFn, persons: list[int], days: list[date]) -> list[RecordFacts]:
    """Records on any day, many on the first or last day of a period or of a share."""
    out = []
    edges = sorted({*BOUNDS, *days})
    for n in range(draw(st.integers(0, 80))):
        day = draw(
            st.one_of(st.sampled_from(edges), st.integers(0, 400).map(lambda d: START + timedelta(days=d)))
        )
        makeup = draw(st.one_of(st.none(), st.integers(1, 40)))
        unit = draw(st.sampled_from(sorted(UNITS)[1:]))
        out.append(
            RecordFacts(
                id=n + 1,
                kind=draw(st.sampled_from(KINDS)),
                performed_on=day,
                person_id=draw(st.sampled_from(persons)),
                unit_paths=(unit,),
                unit_ids=(UNITS[unit],),
                items=frozenset(),
                makeup_for=day - timedelta(days=makeup) if makeup else None,
            )
        )
    return out


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    held = draw(tenures())
    persons = sorted({t.person_id for ts in held.values() for t in ts} | {100})
    keys = draw(st.lists(st.sampled_from(sorted(RULES)), min_size=1, max_size=5, unique=True))
    events = [
        EventFacts(n + 1, "KEY_DATE", UNITS[path], path, START + timedelta(days=s), START + timedelta(days=s + 4))
        for n, (path, s) in enumerate(draw(st.lists(st.tuples(st.sampled_from(sorted(UNITS)), st.integers(0, 360)), max_size=2)))
    ]  # fmt: skip
    exemptions = [
        ExemptionFacts(900 + n, post, None, 1, key, START + timedelta(days=s), START + timedelta(days=s + 40))
        for n, (post, key, s) in enumerate(draw(st.lists(st.tuples(st.sampled_from((10, 11, 12)), st.sampled_from(keys), st.integers(0, 330)), max_size=2)))
    ]  # fmt: skip
    return Facts(
        posts=POSTS,
        lists=_lists(keys),
        tenures=held,
        records=draw(
            records(persons, [d for ts in held.values() for t in ts for d in (t.start, t.end) if d])
        ),
        events=events,
        exemptions=exemptions,
        enterprises=[(ENT_A, 4, True), (ENT_B, 5, False)],
    )


def _evidence(found: list[Obligation]) -> list[tuple[object, ...]]:
    return [
        (page_key(o), o.status, o.required, o.on_time_record_ids, o.late_record_ids, o.covered_unit_ids,
         o.target_unit_ids, o.exemption_record_id, o.not_applicable_reason)
        for o in found
    ]  # fmt: skip


async def _walk(
    full: Facts, posts: set[int], lo: date, hi: date, today: date, size: int, wanted: Wanted
) -> list[Obligation]:
    asked: list[tuple[set[int], date, date]] = []

    async def load(persons: set[int], start: date, end: date) -> list[RecordFacts]:
        asked.append((persons, start, end))
        return [
            r
            for r in full.records
            if r.person_id in persons
            and (
                start <= r.performed_on <= end or (r.makeup_for is not None and start <= r.makeup_for <= end)
            )
        ]

    found: list[Obligation] = []
    after: PageKey | None = None
    while True:
        page = await page_of_facts(full, posts, lo, hi, today, load, size=size, after=after, wanted=wanted)
        assert len(page.items) <= size
        found.extend(page.items)
        if not page.has_next:
            return found
        assert len(page.items) == size
        after = page_key(page.items[-1])


@settings(max_examples=80, deadline=None)
@given(
    full=facts(),
    span=st.tuples(st.integers(0, 364), st.integers(0, 120)),
    today=st.integers(0, 420),
    size=st.integers(1, 40),
    posts=st.sets(st.sampled_from((10, 11, 12)), min_size=1),
    person=st.sampled_from((None, None, 100, 110)),
    statuses=st.one_of(st.none(), st.sets(st.sampled_from(list(Status)), min_size=1).map(frozenset)),
    due=st.one_of(st.none(), st.tuples(st.integers(-10, 380), st.integers(0, 60))),
)
def test_pages_walked_are_the_whole_computation_filtered_and_sliced(
    full: Facts,
    span: tuple[int, int],
    today: int,
    size: int,
    posts: set[int],
    person: int | None,
    statuses: frozenset[Status] | None,
    due: tuple[int, int] | None,
) -> None:
    lo = START + timedelta(days=span[0])
    hi = lo + timedelta(days=span[1])
    day = START + timedelta(days=today)
    due_from = START + timedelta(days=due[0]) if due else None
    due_to = due_from + timedelta(days=due[1]) if due_from and due else None
    wanted = Wanted(person=person, due_from=due_from, due_to=due_to, statuses=statuses)
    expected = sorted(
        (o for o in Calculator(full, day).for_posts(lo, hi, posts) if wanted.fits(o)), key=page_key
    )
    walked = asyncio.run(_walk(full, posts, lo, hi, day, size, wanted))
    assert _evidence(walked) == _evidence(expected)


@pytest.mark.parametrize("size", [1, 7, 100])
def test_a_page_after_the_last_row_is_empty_and_before_the_first_is_the_first(size: int) -> None:
    held = {10: [Tenure(10, 100, START, None)], 11: [Tenure(11, 101, START, date(2025, 6, 30))]}
    full = Facts(posts=POSTS[:2], lists=_lists(["daily", "monthly", "yearly"]), tenures=held, records=[])
    lo, hi, today = date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 15)
    expected = Calculator(full, today).for_posts(lo, hi, {10, 11})

    async def none(persons: set[int], start: date, end: date) -> list[RecordFacts]:
        return []

    async def page(after: PageKey | None) -> tuple[list[Obligation], bool]:
        found = await page_of_facts(full, {10, 11}, lo, hi, today, none, size=size, after=after)
        return found.items, found.has_next

    first, more = asyncio.run(page(None))
    assert _evidence(first) == _evidence(sorted(expected, key=page_key)[:size]) and more
    last_key = max(page_key(o) for o in expected)
    assert asyncio.run(page(last_key)) == ([], False)
    past = (date(2027, 1, 1), 0, 0, date(2027, 1, 1), 0, 0, date(2027, 1, 1))
    assert asyncio.run(page(past)) == ([], False)
