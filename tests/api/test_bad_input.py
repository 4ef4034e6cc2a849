"""Bad input of each kind gets its typed userError and leaves the database as it was."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.kinds import PostKind
from tests import factories as f

TABLES = ("org_unit", "person", "post", "post_charge", "assignment")


async def snapshot(session: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    rows = {}
    for table in TABLES:
        result = await session.execute(text(f"SELECT * FROM {table} ORDER BY id"))
        rows[table] = [tuple(r) for r in result.all()]
    return rows


CREATE_UNIT = """
mutation($input: CreateUnitInput!) {
  createUnit(input: $input) { unit { id version } userErrors { code field message messageEn } }
}"""
UPDATE_UNIT = """
mutation($input: UpdateUnitInput!) {
  updateUnit(input: $input) { unit { id version name } userErrors { code field message messageEn } }
}"""
MOVE_UNIT = """
mutation($input: MoveUnitInput!) {
  moveUnit(input: $input) { unit { id } userErrors { code field message messageEn } }
}"""
ARCHIVE_UNIT = """
mutation($input: ArchiveUnitInput!) {
  archiveUnit(input: $input) { unit { id } userErrors { code field message messageEn } }
}"""
CREATE_PERSON = """
mutation($input: CreatePersonInput!) {
  createPerson(input: $input) { person { id } userErrors { code field message messageEn } }
}"""
CREATE_POST = """
mutation($input: CreatePostInput!) {
  createPost(input: $input) { post { id } userErrors { code field message messageEn } }
}"""
ASSIGN = """
mutation($input: AssignPersonInput!) {
  assignPerson(input: $input) { assignment { id } userErrors { code field message messageEn } }
}"""
END = """
mutation($input: EndAssignmentInput!) {
  endAssignment(input: $input) { assignment { id } userErrors { code field message messageEn } }
}"""
CORRECT = """
mutation($input: CorrectAssignmentInput!) {
  correctAssignment(input: $input) { assignment { id } userErrors { code field message messageEn } }
}"""


def enterprise_input(**overrides: Any) -> dict[str, Any]:
    data = {"creditCode": f.credit_code(), "trade": "FOOD", "staffCount": 10}
    data.update(overrides)
    return data


@pytest.fixture
async def world(session: AsyncSession) -> dict[str, Any]:
    t = await f.small_tree(session)
    principal = await f.post(session, t["chem"], PostKind.ENTERPRISE_PRINCIPAL)
    alice = await f.person(session, name="甲某")
    bob = await f.person(session, name="乙某")
    held = await f.assign(session, principal, alice)
    ended = await f.assign(session, await f.post(session, t["food"], PostKind.ENTERPRISE_PRINCIPAL), bob,
                           end=date(2024, 6, 30))  # fmt: skip
    await session.flush()
    return {**t, "principal": principal, "alice": alice, "bob": bob, "held": held, "ended": ended}


def gid(kind: str, obj: Any) -> str:
    return f.gid(kind, obj.id)


CASES: list[tuple[str, str, Any, str, list[str]]] = [
    # (name, document, input builder, expected code, expected field)
    ("duplicate sibling code", CREATE_UNIT,
     lambda w: {"kind": "DEPARTMENT", "code": "AQ", "name": "重复", "parentId": gid("OrgUnit", w["park"])},
     "DUPLICATE_CODE", ["input", "code"]),
    ("invalid credit code", CREATE_UNIT,
     lambda w: {"kind": "ENTERPRISE", "code": "N1", "name": "新企业", "parentId": gid("OrgUnit", w["safety"]),
                "enterprise": enterprise_input(creditCode="91350100M000100Y44")},
     "INVALID_CREDIT_CODE", ["input", "enterprise", "creditCode"]),
    ("duplicate credit code", CREATE_UNIT,
     lambda w: {"kind": "ENTERPRISE", "code": "N2", "name": "新企业", "parentId": gid("OrgUnit", w["safety"]),
                "enterprise": enterprise_input(creditCode=w["chem"].credit_code)},
     "DUPLICATE_CREDIT_CODE", ["input", "enterprise", "creditCode"]),
    ("enterprise without its details", CREATE_UNIT,
     lambda w: {"kind": "ENTERPRISE", "code": "N3", "name": "新企业", "parentId": gid("OrgUnit", w["safety"])},
     "REQUIRED", ["input", "enterprise"]),
    ("enterprise details on a department", CREATE_UNIT,
     lambda w: {"kind": "DEPARTMENT", "code": "N4", "name": "新部室", "parentId": gid("OrgUnit", w["park"]),
                "enterprise": enterprise_input()},
     "ENTERPRISE_FIELDS_NOT_ALLOWED", ["input", "enterprise"]),
    ("parent of the wrong kind", CREATE_UNIT,
     lambda w: {"kind": "PARK", "code": "N5", "name": "新园区", "parentId": gid("OrgUnit", w["park"])},
     "INVALID_PARENT", ["input", "parentId"]),
    ("unknown parent", CREATE_UNIT,
     lambda w: {"kind": "PARK", "code": "N6", "name": "新园区", "parentId": f.gid("OrgUnit", 999999)},
     "NOT_FOUND", ["input", "parentId"]),
    ("an ID of another type as parent", CREATE_UNIT,
     lambda w: {"kind": "DEPARTMENT", "code": "N7", "name": "新部室", "parentId": gid("Post", w["principal"])},
     "NOT_FOUND", ["input", "parentId"]),
    ("stale version on update", UPDATE_UNIT,
     lambda w: {"id": gid("OrgUnit", w["park"]), "version": 7, "name": "改名"},
     "STALE_VERSION", ["input", "version"]),
    ("invalid credit code on update", UPDATE_UNIT,
     lambda w: {"id": gid("OrgUnit", w["chem"]), "version": 1, "enterprise": {"creditCode": "123"}},
     "INVALID_CREDIT_CODE", ["input", "enterprise", "creditCode"]),
    ("move under its own descendant", MOVE_UNIT,
     lambda w: {"id": gid("OrgUnit", w["park"]), "version": 1, "newParentId": gid("OrgUnit", w["safety"])},
     "MOVE_INTO_OWN_SUBTREE", ["input", "newParentId"]),
    ("move under itself", MOVE_UNIT,
     lambda w: {"id": gid("OrgUnit", w["safety"]), "version": 1, "newParentId": gid("OrgUnit", w["safety"])},
     "MOVE_INTO_OWN_SUBTREE", ["input", "newParentId"]),
    ("move with a stale version", MOVE_UNIT,
     lambda w: {"id": gid("OrgUnit", w["chem"]), "version": 3, "newParentId": gid("OrgUnit", w["build"])},
     "STALE_VERSION", ["input", "version"]),
    ("archive a unit with active children", ARCHIVE_UNIT,
     lambda w: {"id": gid("OrgUnit", w["park"]), "version": 1},
     "HAS_ACTIVE_CHILDREN", ["input", "id"]),
    ("invalid ID number", CREATE_PERSON,
     lambda w: {"name": "丙某", "idNumber": "110105194912310021"},
     "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("impossible birth date", CREATE_PERSON,
     lambda w: {"name": "丙某", "idNumber": "110105194902300021"},
     "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("duplicate ID number", CREATE_PERSON,
     lambda w: {"name": "丙某", "idNumber": w["alice"].id_number},
     "DUPLICATE_ID_NUMBER", ["input", "idNumber"]),
    ("invalid phone", CREATE_PERSON,
     lambda w: {"name": "丙某", "idNumber": f.id_number(), "phone": "12345"},
     "INVALID_PHONE", ["input", "phone"]),
    ("post kind at the wrong unit", CREATE_POST,
     lambda w: {"unitId": gid("OrgUnit", w["park"]), "kind": "SAFETY_MANAGER"},
     "INVALID_POST_KIND", ["input", "kind"]),
    ("unknown unit for a post", CREATE_POST,
     lambda w: {"unitId": f.gid("OrgUnit", 999999), "kind": "PRINCIPAL"},
     "NOT_FOUND", ["input", "unitId"]),
    ("overlapping holders of a one-holder post", ASSIGN,
     lambda w: {"postId": gid("Post", w["principal"]), "personId": gid("Person", w["bob"]), "startDate": "2025-03-01"},
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("the same person twice at once", ASSIGN,
     lambda w: {"postId": gid("Post", w["principal"]), "personId": gid("Person", w["alice"]), "startDate": "2024-02-01"},
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("end before start", ASSIGN,
     lambda w: {"postId": gid("Post", w["principal"]), "personId": gid("Person", w["bob"]),
                "startDate": "2020-03-01", "endDate": "2020-02-01"},
     "INVALID_DATE_RANGE", ["input", "endDate"]),
    ("unknown person", ASSIGN,
     lambda w: {"postId": gid("Post", w["principal"]), "personId": f.gid("Person", 999999), "startDate": "2020-01-01"},
     "NOT_FOUND", ["input", "personId"]),
    ("ending an ended assignment", END,
     lambda w: {"assignmentId": gid("Assignment", w["ended"]), "endDate": "2024-12-31"},
     "ALREADY_ENDED", ["input", "assignmentId"]),
    ("ending before the start", END,
     lambda w: {"assignmentId": gid("Assignment", w["held"]), "endDate": "2023-12-31"},
     "INVALID_DATE_RANGE", ["input", "endDate"]),
    ("correction without a reason", CORRECT,
     lambda w: {"assignmentId": gid("Assignment", w["held"]), "version": 1, "reason": " ", "startDate": "2024-02-01"},
     "REQUIRED", ["input", "reason"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "document", "build", "code", "field"), CASES, ids=[c[0] for c in CASES])
async def test_bad_input_is_refused_and_changes_nothing(
    session: AsyncSession, gql: Any, world: dict[str, Any], name: str, document: str, build: Any, code: str,
    field: list[str],
) -> None:  # fmt: skip
    before = await snapshot(session)
    body = await gql(document, {"input": build(world)})
    assert "errors" not in body, body
    payload = next(iter(body["data"].values()))
    result = next(v for k, v in payload.items() if k != "userErrors")
    assert result is None
    errors = payload["userErrors"]
    assert [e["code"] for e in errors] == [code], errors
    assert errors[0]["field"] == field
    assert errors[0]["message"] and errors[0]["messageEn"]
    assert errors[0]["message"] != errors[0]["messageEn"]
    assert await snapshot(session) == before


async def test_correcting_a_corrected_record_is_refused(
    session: AsyncSession, gql: Any, world: dict[str, Any]
) -> None:
    first = await gql(CORRECT, {"input": {"assignmentId": gid("Assignment", world["held"]), "version": 1,
                                          "reason": "录入错误", "startDate": "2024-02-01"}})  # fmt: skip
    assert first["data"]["correctAssignment"]["userErrors"] == []
    before = await snapshot(session)
    again = await gql(CORRECT, {"input": {"assignmentId": gid("Assignment", world["held"]), "version": 1,
                                          "reason": "再次更正", "startDate": "2024-03-01"}})  # fmt: skip
    assert [e["code"] for e in again["data"]["correctAssignment"]["userErrors"]] == ["ALREADY_CORRECTED"]
    assert await snapshot(session) == before


async def test_every_problem_of_an_input_is_reported_at_once(
    session: AsyncSession, gql: Any, world: dict[str, Any]
) -> None:
    before = await snapshot(session)
    body = await gql(CREATE_UNIT, {"input": {
        "kind": "ENTERPRISE", "code": "E-CHEM", "name": "", "parentId": gid("OrgUnit", world["safety"]),
        "enterprise": enterprise_input(creditCode="bad", staffCount=-1)}})  # fmt: skip
    codes = sorted(e["code"] for e in body["data"]["createUnit"]["userErrors"])
    assert codes == ["DUPLICATE_CODE", "INVALID_CREDIT_CODE", "INVALID_VALUE", "REQUIRED"]
    assert await snapshot(session) == before


async def test_a_failing_mutation_keeps_the_earlier_one_of_the_same_request(
    session: AsyncSession, gql: Any, world: dict[str, Any]
) -> None:
    document = """
    mutation($ok: CreatePersonInput!, $bad: CreatePersonInput!) {
      first: createPerson(input: $ok) { person { id name } userErrors { code } }
      second: createPerson(input: $bad) { person { id } userErrors { code } }
    }"""
    before = await snapshot(session)
    body = await gql(document, {"ok": {"name": "丁某", "idNumber": f.id_number()},
                                "bad": {"name": "戊某", "idNumber": "123"}})  # fmt: skip
    assert body["data"]["first"]["person"]["name"] == "丁某"
    assert body["data"]["second"]["userErrors"] == [{"code": "INVALID_ID_NUMBER"}]
    after = await snapshot(session)
    assert len(after["person"]) == len(before["person"]) + 1


async def test_a_malformed_global_id_is_a_clear_request_error(gql: Any, world: dict[str, Any]) -> None:
    body = await gql(ARCHIVE_UNIT, {"input": {"id": "not-a-global-id", "version": 1}})
    assert body["data"] is None  # the payload is non-null, so the error reaches the root
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ID"
    assert "Unexpected" not in body["errors"][0]["message"]
