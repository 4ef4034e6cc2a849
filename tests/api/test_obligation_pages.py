"""Obligation lists through HTTP: a page computed alone (no `totalCount` or `summary` asked for)
is the page of the whole list — the same rows, statuses, evidence and cursors, page after
page, for `obligations` (with and without statuses, of a unit or a person) and `overdue`; and
a cursor that is not one of these lists is INVALID_CURSOR."""

from __future__ import annotations

import base64
import json
import random
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.duties.obligation_types import OBLIGATION_CURSOR_TAG
from domain.posts import charges
from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.api.helpers import error_code, reload
from tests.factories import gid

TODAY = date(2026, 4, 20)

NODE = "id status dueDate periodStart required doneCount vacant person { id } post { id } onTimeRecords { id } lateRecords { id }"
LISTS = {
    "obligations": (
        'obligations(unitId: $unit, personId: $person, includeDescendants: true, from: "2026-01-01", '
        'to: "2026-04-30", statuses: $statuses, first: $first, after: $after)',
        "$unit: ID, $person: ID, $statuses: [ObligationStatus!], ",
    ),
    "overdue": ('overdue(unitId: $unit, since: "2026-02-01", first: $first, after: $after)', "$unit: ID, "),
}


def _query(name: str, whole: bool) -> str:
    field, params = LISTS[name]
    counts = "totalCount summary { missed doneOnTime }" if whole else ""
    return (
        f"query({params}$first: Int, $after: String) {{ {field} {{ {counts} "
        f"pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {NODE} }} }} }} }}"
    )


async def _data(session: AsyncSession) -> dict[str, Any]:
    """A park with a deputy in charge of a department and three enterprises, their principals
    (one changes, one post vacant for a while), daily, weekly, monthly and per-holder duties,
    and records (make-ups among them) from January to April."""
    t = await f.small_tree(session)
    park, dept = t["park"], t["safety"]
    deputy = await f.post(session, park, PostKind.DEPUTY_IN_CHARGE)
    await charges.add_charge(session, post_id=deputy.id, unit_id=dept.id, start_date=date(2024, 1, 1))
    leader = await f.person(session, name="领导")
    await f.assign(session, deputy, leader)
    await f.duty_list(
        session,
        park,
        [PostKind.ENTERPRISE_PRINCIPAL, PostKind.DEPUTY_IN_CHARGE],
        {
            "daily": {"kinds": ["INSPECTION"], "every": "DAY"},
            "weekly": {"kinds": ["REPORT"], "every": "WEEK", "weekday": 4},
            "monthly": {"kinds": ["INSPECTION"], "every": "MONTH", "times": 2},
            "holder": {"kinds": ["INSPECTION"], "every": "MONTH", "per": "HOLDER"},
        },
    )
    rng = random.Random(20)
    enterprises = [t["chem"], await f.enterprise(session, dept), await f.enterprise(session, dept)]
    holders: list[tuple[Any, Any, date, date]] = [(leader, park, date(2026, 1, 1), TODAY)]
    first = None
    for n, ent in enumerate(enterprises):
        post = await f.post(session, ent, PostKind.ENTERPRISE_PRINCIPAL)
        who = await f.person(session, name=f"负责人{n}")
        first = first or who
        if n == 1:  # hands over on 10 March; the next holder from 20 March
            await f.assign(session, post, who, end=date(2026, 3, 9))
            later = await f.person(session, name="继任")
            await f.assign(session, post, later, start=date(2026, 3, 20))
            holders += [
                (who, ent, date(2026, 1, 1), date(2026, 3, 9)),
                (later, ent, date(2026, 3, 20), TODAY),
            ]
        else:
            await f.assign(session, post, who)
            holders.append((who, ent, date(2026, 1, 1), TODAY))
    for who, unit, start, end in holders:
        for _ in range(25):
            day = start + timedelta(days=rng.randrange((end - start).days + 1))
            makeup = day - timedelta(days=rng.randrange(1, 9)) if rng.random() < 0.2 else None
            kind = rng.choice(("INSPECTION", "INSPECTION", "REPORT"))
            await f.record(
                session, who, kind, day, [unit if unit.kind != UnitKind.PARK else dept], makeup_for=makeup
            )
    await session.commit()
    return {"park": park, "first": first}


async def _walk(gql: Any, name: str, whole: bool, size: int, variables: dict[str, Any]) -> list[Any]:
    rows: list[Any] = []
    after = None
    while True:
        body = await gql(_query(name, whole), {**variables, "first": size, "after": after})
        assert "errors" not in body, body
        data = body["data"][name]
        rows.extend(data["edges"])
        if whole:
            assert data["totalCount"] >= len(rows)
        if not data["pageInfo"]["hasNextPage"]:
            assert len(data["edges"]) <= size
            return rows
        assert len(data["edges"]) == size
        assert data["pageInfo"]["endCursor"] == data["edges"][-1]["cursor"]
        after = data["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    ("name", "statuses", "by_person", "size"),
    [
        ("obligations", None, False, 7),
        ("obligations", ["MISSED", "DONE_LATE"], False, 5),
        ("obligations", None, True, 4),
        ("overdue", None, False, 6),
    ],
)
async def test_pages_computed_alone_are_the_pages_of_the_whole_list(
    app: Any,
    session: AsyncSession,
    gql: Any,
    name: str,
    statuses: list[str] | None,
    by_person: bool,
    size: int,
) -> None:
    data = await _data(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    variables: dict[str, Any] = {"unit": gid("OrgUnit", data["park"].id)}
    if name == "obligations":
        variables["statuses"] = statuses
        if by_person:
            variables = {"person": gid("Person", data["first"].id)}
    whole = await _walk(gql, name, True, 100, variables)
    alone = await _walk(gql, name, False, size, variables)
    assert len(whole) > 2 * size  # several pages
    assert alone == whole
    body = await gql(_query(name, True), {**variables, "first": 100})
    assert body["data"][name]["totalCount"] == len(whole)


def _cursor(*values: Any) -> str:
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "after",
    [
        _cursor(OBLIGATION_CURSOR_TAG, "2026-01-01", 1, 1),
        _cursor(OBLIGATION_CURSOR_TAG, "not a day", 1, 1, "2026-01-01", 0, 0, "2026-01-01"),
        _cursor(OBLIGATION_CURSOR_TAG, "2026-01-01", "1", 1, "2026-01-01", 0, 0, "2026-01-01"),
        _cursor("00000000", "2026-01-01", 1, 1, "2026-01-01", 0, 0, "2026-01-01"),
        "not a cursor",
    ],
)
async def test_a_cursor_not_of_the_list_is_refused(
    app: Any, session: AsyncSession, gql: Any, after: str
) -> None:
    data = await _data(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    body = await gql(_query("overdue", False), {"unit": gid("OrgUnit", data["park"].id), "after": after})
    assert error_code(body) == "INVALID_CURSOR"
