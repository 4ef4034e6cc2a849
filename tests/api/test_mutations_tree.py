"""Admin mutations on the tree through HTTP: create, update, move and archive units, what
works (refusals: test_mutations_tree_refused.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.api.mutation_checks import check_user_errors, refused, snapshot
from tests.api.tree_mutations import ARCHIVE_UNIT, CREATE_UNIT, MOVE_UNIT, UPDATE_UNIT, gid, ok, read_unit

# --- what works -------------------------------------------------------------------------


async def test_build_district_park_department_enterprise(session: AsyncSession, gql: Any) -> None:
    district = await ok(gql, CREATE_UNIT, {"kind": "DISTRICT", "code": " QX ", "name": " 测试新区 "})
    assert (district["kind"], district["code"], district["name"]) == ("DISTRICT", "QX", "测试新区")
    assert (district["depth"], district["version"], district["parent"], district["ancestors"]) == (
        0,
        1,
        None,
        [],
    )
    assert district["enterprise"] is None

    park = await ok(
        gql, CREATE_UNIT, {"kind": "PARK", "code": "YQ", "name": "经开园区", "parentId": district["id"]}
    )
    department = await ok(
        gql, CREATE_UNIT, {"kind": "DEPARTMENT", "code": "AQ", "name": "安全生产部", "parentId": park["id"]}
    )
    assert department["depth"] == 2 and department["parent"] == {"id": park["id"], "name": "经开园区"}

    code = f.credit_code()
    enterprise = await ok(gql, CREATE_UNIT, {
        "kind": "ENTERPRISE", "code": "E1", "name": "甲化工有限公司（演示）", "parentId": department["id"],
        "enterprise": {"creditCode": f" {code.lower()} ", "trade": "HAZARDOUS_CHEMICALS", "staffCount": 25,
                       "placarded": True, "riskClass": "C"},
    })  # fmt: skip
    assert enterprise["depth"] == 3 and enterprise["version"] == 1
    assert [a["name"] for a in enterprise["ancestors"]] == ["测试新区", "经开园区", "安全生产部"]
    assert enterprise["enterprise"] == {
        "creditCode": code,  # stored canonical: trimmed, upper case
        "trade": "HAZARDOUS_CHEMICALS",
        "highRisk": True,  # from the trade
        "staffCount": 25,
        "smallMicro": True,
        "riskClass": "C",
        "placarded": True,
    }
    # A placarded enterprise gets the posts of its three responsible persons, one holder each.
    read = await read_unit(gql, enterprise["id"])
    assert sorted(e["node"]["kind"] for e in read["posts"]["edges"]) == [
        "ADMINISTRATIVE_RESPONSIBLE", "ENTERPRISE_RESPONSIBLE", "SUPERVISORY_RESPONSIBLE"
    ]  # fmt: skip
    assert all(e["node"]["singleHolder"] for e in read["posts"]["edges"])

    # An enterprise may hang directly under a park; the trade's default can be overridden.
    direct = await ok(gql, CREATE_UNIT, {
        "kind": "ENTERPRISE", "code": "E2", "name": "乙食品（演示）", "parentId": park["id"],
        "enterprise": {"creditCode": f.credit_code(), "trade": "FOOD", "staffCount": 40, "highRisk": True},
    })  # fmt: skip
    assert direct["depth"] == 2
    assert direct["enterprise"]["highRisk"] is True and direct["enterprise"]["placarded"] is False
    assert (await read_unit(gql, direct["id"]))["posts"]["totalCount"] == 0
    tree_below = await read_unit(gql, district["id"])
    assert sorted(e["node"]["code"] for e in tree_below["descendants"]["edges"]) == ["AQ", "E1", "E2", "YQ"]


async def test_update_bumps_the_version_and_refuses_stale_writes(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    await session.flush()
    food = gid(t["food"])

    first = await ok(
        gql, UPDATE_UNIT, {"id": food, "version": 1, "name": "乙食品股份公司（演示）", "code": "E-FOOD2"}
    )
    assert (first["name"], first["code"], first["version"]) == ("乙食品股份公司（演示）", "E-FOOD2", 2)

    # Someone who read version 1 cannot overwrite the change.
    error = await refused(gql, session, UPDATE_UNIT, {"id": food, "version": 1, "name": "旧名"},
                          "STALE_VERSION", ["input", "version"])  # fmt: skip
    assert "刷新" in error["message"]

    second = await ok(gql, UPDATE_UNIT, {"id": food, "version": 2, "enterprise": {
        "trade": "METALLURGY", "staffCount": 31, "riskClass": None, "placarded": True}})  # fmt: skip
    assert second["version"] == 3
    assert second["enterprise"] == {
        "creditCode": t["food"].credit_code, "trade": "METALLURGY", "highRisk": True, "staffCount": 31,
        "smallMicro": False, "riskClass": None, "placarded": True,
    }  # fmt: skip
    # Placarding an enterprise gives it the three responsible persons' posts.
    assert (await read_unit(gql, food))["posts"]["totalCount"] == 3

    # Giving the values it already has changes nothing, not even the version.
    same = await ok(gql, UPDATE_UNIT, {"id": food, "version": 3, "name": "乙食品股份公司（演示）"})
    assert same["version"] == 3


async def test_move_a_department_with_its_enterprises_to_another_park(
    session: AsyncSession, gql: Any
) -> None:
    t = await f.small_tree(session)
    other = await f.unit(session, UnitKind.PARK, t["district"], code="P2", name="第二园区")
    await session.flush()

    moved = await ok(gql, MOVE_UNIT, {"id": gid(t["safety"]), "version": 1, "newParentId": gid(other)})
    assert moved["version"] == 2 and moved["depth"] == 2
    assert moved["parent"] == {"id": gid(other), "name": "第二园区"}

    chem = await read_unit(gql, gid(t["chem"]))
    assert [a["name"] for a in chem["ancestors"]] == ["测试区", "第二园区", "安全生产部"]
    assert chem["depth"] == 3
    assert chem["version"] == 1  # the enterprise itself did not change
    assert [e["node"]["code"] for e in (await read_unit(gql, gid(other)))["descendants"]["edges"]] == [
        "AQ",
        "E-CHEM",
    ]
    assert [e["node"]["code"] for e in (await read_unit(gql, gid(t["park"])))["descendants"]["edges"]] == [
        "E-FOOD", "GH"
    ]  # fmt: skip

    # The move was decided against version 1: repeating it with that version is stale.
    await refused(gql, session, MOVE_UNIT, {"id": gid(t["safety"]), "version": 1, "newParentId": gid(t["park"])},
                  "STALE_VERSION", ["input", "version"])  # fmt: skip
    back = await ok(gql, MOVE_UNIT, {"id": gid(t["safety"]), "version": 2, "newParentId": gid(t["park"])})
    assert back["version"] == 3
    assert [a["name"] for a in (await read_unit(gql, gid(t["chem"])))["ancestors"]] == [
        "测试区",
        "测试园区",
        "安全生产部",
    ]

    # An enterprise moves from its department to directly under the park.
    food = await ok(gql, MOVE_UNIT, {"id": gid(t["food"]), "version": 1, "newParentId": gid(other)})
    assert food["depth"] == 2 and [a["name"] for a in food["ancestors"]] == ["测试区", "第二园区"]


async def test_archive(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    principal = await f.post(session, t["chem"], PostKind.ENTERPRISE_PRINCIPAL)
    await f.assign(
        session, principal, await f.person(session), start=date(2020, 1, 1), end=date(2023, 12, 31)
    )
    await session.flush()

    # Past assignments do not keep a unit alive.
    chem = await ok(gql, ARCHIVE_UNIT, {"id": gid(t["chem"]), "version": 1})
    assert chem["archivedAt"] is not None and chem["version"] == 2
    await refused(
        gql, session, ARCHIVE_UNIT, {"id": gid(t["chem"]), "version": 2}, "ARCHIVED", ["input", "id"]
    )
    await refused(gql, session, UPDATE_UNIT, {"id": gid(t["chem"]), "version": 2, "name": "改名"},
                  "ARCHIVED", ["input", "id"])  # fmt: skip
    await refused(gql, session, MOVE_UNIT, {"id": gid(t["chem"]), "version": 2, "newParentId": gid(t["build"])},
                  "ARCHIVED", ["input", "id"])  # fmt: skip

    # Archived units stay readable and in history; the department's only child is archived.
    safety = await read_unit(gql, gid(t["safety"]))
    assert safety["children"]["totalCount"] == 1 and safety["descendants"]["totalCount"] == 0
    archived_safety = await ok(gql, ARCHIVE_UNIT, {"id": gid(t["safety"]), "version": 1})
    assert archived_safety["archivedAt"] is not None
    await refused(gql, session, CREATE_UNIT,
                  {"kind": "ENTERPRISE", "code": "N", "name": "新企业", "parentId": gid(t["safety"]),
                   "enterprise": {"creditCode": f.credit_code(), "trade": "FOOD", "staffCount": 3}},
                  "ARCHIVED", ["input", "parentId"])  # fmt: skip


async def test_two_mutations_in_one_request_the_second_failing(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    await session.flush()
    before = await snapshot(session)
    body = await gql(
        """mutation($ok: CreateUnitInput!, $bad: CreateUnitInput!) {
             first: createUnit(input: $ok) { unit { id code version } userErrors { code } }
             second: createUnit(input: $bad) { unit { id } userErrors { code field message messageEn } }
           }""",
        {
            "ok": {"kind": "DEPARTMENT", "code": "DZ", "name": "党政办", "parentId": gid(t["park"])},
            # The same code under the same park: refused because of what the first one wrote.
            "bad": {"kind": "DEPARTMENT", "code": "DZ", "name": "党政办（重复）", "parentId": gid(t["park"])},
        },
    )
    assert "errors" not in body, body
    assert body["data"]["first"]["userErrors"] == []
    assert body["data"]["second"]["unit"] is None
    errors = body["data"]["second"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("DUPLICATE_CODE", ["input", "code"])]
    check_user_errors(errors)

    after = await snapshot(session)
    assert {k: v for k, v in after.items() if k != "org_unit"} == {
        k: v for k, v in before.items() if k != "org_unit"
    }
    new_rows = [r for r in after["org_unit"] if r not in before["org_unit"]]
    assert len(new_rows) == 1 and len(after["org_unit"]) == len(before["org_unit"]) + 1
    created = await read_unit(gql, body["data"]["first"]["unit"]["id"])
    assert created["name"] == "党政办"

    # A later mutation of the same request sees the version the first one wrote.
    body = await gql(
        """mutation($a: UpdateUnitInput!, $b: UpdateUnitInput!) {
             a: updateUnit(input: $a) { unit { version } userErrors { code } }
             b: updateUnit(input: $b) { unit { version } userErrors { code field } }
           }""",
        {"a": {"id": gid(t["park"]), "version": 1, "name": "园区甲"},
         "b": {"id": gid(t["park"]), "version": 1, "name": "园区乙"}},
    )  # fmt: skip
    assert body["data"]["a"] == {"unit": {"version": 2}, "userErrors": []}
    assert body["data"]["b"] == {
        "unit": None,
        "userErrors": [{"code": "STALE_VERSION", "field": ["input", "version"]}],
    }
    assert (await read_unit(gql, gid(t["park"])))["name"] == "园区甲"


async def test_each_payload_of_a_request_reads_what_the_mutations_so_far_wrote(
    session: AsyncSession, gql: Any
) -> None:
    t = await f.small_tree(session)
    await session.flush()
    park = gid(t["park"])
    payload = (
        "unit { code parent { children { totalCount } descendants { totalCount } } } userErrors { code }"
    )
    body = await gql(
        f"""mutation($a: CreateUnitInput!, $b: CreateUnitInput!, $m: MoveUnitInput!) {{
              a: createUnit(input: $a) {{ {payload} }}
              b: createUnit(input: $b) {{ {payload} }}
              m: moveUnit(input: $m) {{ {payload} }}
            }}""",
        {"a": {"kind": "DEPARTMENT", "code": "X1", "name": "一部", "parentId": park},
         "b": {"kind": "DEPARTMENT", "code": "X2", "name": "二部", "parentId": park},
         "m": {"id": gid(t["food"]), "version": 1, "newParentId": gid(t["safety"])}},
    )  # fmt: skip
    assert "errors" not in body, body
    counts = {k: v["unit"]["parent"] for k, v in body["data"].items()}
    assert counts["a"] == {"children": {"totalCount": 3}, "descendants": {"totalCount": 5}}
    assert counts["b"] == {"children": {"totalCount": 4}, "descendants": {"totalCount": 6}}
    assert counts["m"] == {"children": {"totalCount": 2}, "descendants": {"totalCount": 2}}  # 安全生产部


async def test_every_problem_of_an_update_is_reported_at_once(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    await session.flush()
    before = await snapshot(session)
    body = await gql(UPDATE_UNIT, {"input": {
        "id": gid(t["chem"]), "version": 1, "code": "E-FOOD", "name": "  ",
        "enterprise": {"creditCode": "91350100M000100Y44", "staffCount": -5, "trade": None}}})  # fmt: skip
    payload = body["data"]["updateUnit"]
    assert payload["unit"] is None
    assert sorted((e["code"], e["field"]) for e in payload["userErrors"]) == [
        ("INVALID_CREDIT_CODE", ["input", "enterprise", "creditCode"]),
        ("INVALID_VALUE", ["input", "enterprise", "staffCount"]),
        ("REQUIRED", ["input", "enterprise", "trade"]),
        ("REQUIRED", ["input", "name"]),
    ]
    check_user_errors(payload["userErrors"])
    assert await snapshot(session) == before


async def test_ids_that_can_name_no_unit_read_as_missing(gql: Any) -> None:
    for number in (0, 2**31, 10**20):
        body = await gql("query($id: ID!) { unit(id: $id) { id } }", {"id": f.gid("OrgUnit", number)})
        assert body == {"data": {"unit": None}, "extensions": body.get("extensions")}, body


async def test_a_malformed_global_id_is_a_request_error_and_writes_nothing(
    session: AsyncSession, gql: Any
) -> None:
    t = await f.small_tree(session)
    await session.flush()
    before = await snapshot(session)
    body = await gql(MOVE_UNIT, {"input": {"id": gid(t["safety"]), "version": 1, "newParentId": "%%%"}})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ID"
    assert await snapshot(session) == before
