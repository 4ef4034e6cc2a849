"""The access matrix through HTTP: each kind of caller (a row of cases.CASES) against reads
and writes inside and outside their reach; the district admin's writes; anonymous callers.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.clock import today_shanghai
from tests.api.access.matrix.cases import (
    ASSIGN,
    CASES,
    CREATE_POST,
    UPDATE_UNIT,
    Case,
    World,
)
from tests.api.access.matrix.checks import (
    caller,
    check_lists_and_lookups,
    check_nested_reads,
    check_writes_refused,
    unit_version,
)
from tests.api.helpers import ok


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_access_matrix(as_: Any, gql: Any, world: World, case: Case) -> None:
    """One kind of caller: what it reads (lists, lookups, nested lists, contact details) and
    the writes it is refused, inside and outside its reach."""
    who = caller(as_, world, case)
    await check_lists_and_lookups(who, world, case)
    await check_nested_reads(who, world, case)
    await check_writes_refused(gql, who, world, case)


async def test_the_district_admin_writes_inside_its_district(as_: Any, gql: Any, world: World) -> None:
    """The admin's refusals outside the district are in the matrix; inside, its writes succeed."""
    admin = caller(as_, world, CASES["district-admin"])
    food = world.unit("food")
    version = await unit_version(gql, food)
    renamed = ok(
        await admin(UPDATE_UNIT, {"input": {"id": food, "version": version, "name": "乙食品（改名）"}})
    )
    assert renamed["unit"] == {"id": food, "name": "乙食品（改名）", "version": version + 1}

    chem = world.unit("chem")
    created = ok(await admin(CREATE_POST, {"input": {"unitId": chem, "kind": "FRONTLINE"}}))["post"]
    assert created["kind"] == "FRONTLINE" and created["unit"] == {"id": chem}
    post, food_boss = created["id"], world.person("food_boss")
    today = str(today_shanghai())
    assigned = ok(await admin(ASSIGN, {"input": {"postId": post, "personId": food_boss, "startDate": today}}))
    assert assigned["assignment"]["person"] == {"id": food_boss}
    assert assigned["assignment"]["post"] == {"id": post}

    # The platform admin reads the changes.
    after = await gql(
        """query($food: ID!, $post: ID!) {
          unit(id: $food) { name version }
          post(id: $post) { holders { nodes { person { name } } } }
        }""",
        {"food": food, "post": post},
    )
    assert after["data"] == {
        "unit": {"name": "乙食品（改名）", "version": version + 1},
        "post": {"holders": {"nodes": [{"person": {"name": "厂长辛"}}]}},
    }


async def test_anonymous_callers_get_401(as_: Any, gql: Any, world: World) -> None:
    """No credentials, or credentials that name nobody: 401 UNAUTHENTICATED for any document,
    and nothing changes."""
    food = world.unit("food")
    version = await unit_version(gql, food)
    documents = [
        ("{ units(first: 100) { totalCount nodes { id } } }", None),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": food}),
        ("{ persons { totalCount } }", None),
        (UPDATE_UNIT, {"input": {"id": food, "version": version, "name": "匿名改名"}}),
        (CREATE_POST, {"input": {"unitId": world.unit("chem"), "kind": "FRONTLINE"}}),
    ]
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"X-API-Key": "sdk_nothing_here"}):
        for document, variables in documents:
            response = await as_(**headers).raw(document, variables)
            assert response.status_code == 401, (headers, response.text)
            body = response.json()
            assert "data" not in body, body
            assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"], body
    assert await unit_version(gql, food) == version
