"""Admin mutations on persons, posts and real-name assignments through HTTP, and the
questions they answer: who held a post, who were the three responsible persons, on a date.

History is evidence: ending closes a record, a correction is a new record pointing at the
one it replaces, and nothing refused leaves a trace."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.identifiers import id_number_check_char
from domain.posts.kinds import PostKind
from domain.posts.models import Post
from domain.posts.service import correct_assignment
from domain.tree import service as tree
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.api.test_mutations_tree import check_user_errors, refused, snapshot

KNOWN_ID = "11010519491231002X"

ERRORS = "userErrors { code field message messageEn }"
PERSON_FIELDS = "id name idNumberMasked phoneMasked version"
ASSIGNMENT_FIELDS = "id startDate endDate withdrawn note version endedAt person { name } corrects { id startDate person { name } }"
CREATE_PERSON = f"mutation($input: CreatePersonInput!) {{ createPerson(input: $input) {{ person {{ {PERSON_FIELDS} }} {ERRORS} }} }}"
CREATE_POST = (
    "mutation($input: CreatePostInput!) { createPost(input: $input) { post { id kind title singleHolder "
    "unit { name } inChargeOf { totalCount edges { node { name } } } } " + ERRORS + " } }"
)
ASSIGN = f"mutation($input: AssignPersonInput!) {{ assignPerson(input: $input) {{ assignment {{ {ASSIGNMENT_FIELDS} }} {ERRORS} }} }}"
END = f"mutation($input: EndAssignmentInput!) {{ endAssignment(input: $input) {{ assignment {{ {ASSIGNMENT_FIELDS} }} {ERRORS} }} }}"
CORRECT = f"mutation($input: CorrectAssignmentInput!) {{ correctAssignment(input: $input) {{ assignment {{ {ASSIGNMENT_FIELDS} }} {ERRORS} }} }}"

POST = """
query($id: ID!, $on: Date) {
  post(id: $id) {
    holders(on: $on) { totalCount edges { node { id person { name } } } }
    assignments { totalCount edges { node { id person { name } } } }
    history: assignments(includeHistory: true) {
      totalCount edges { node { id startDate endDate withdrawn person { name } corrects { id } } }
    }
  }
}"""


async def ok(gql: Any, document: str, input: dict[str, Any]) -> dict[str, Any]:
    body = await gql(document, {"input": input})
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    assert payload["userErrors"] == [], payload
    (result,) = (v for k, v in payload.items() if k != "userErrors")
    assert result is not None
    return dict(result)


def gid(obj: Any, type_name: str) -> str:
    return f.gid(type_name, obj.id)


def id_with_check(body17: str) -> str:
    return body17 + id_number_check_char(body17)


async def holders(gql: Any, post_id: str, on: str) -> list[str]:
    body = await gql(POST, {"id": post_id, "on": on})
    return [e["node"]["person"]["name"] for e in body["data"]["post"]["holders"]["edges"]]


# --- persons ----------------------------------------------------------------------------


async def test_create_person_shows_only_masked_numbers(session: AsyncSession, gql: Any) -> None:
    body = await gql(
        CREATE_PERSON,
        {"input": {"name": " 李四 ", "idNumber": KNOWN_ID.lower(), "phone": "+86 138 0000 1234"}},
    )
    person = body["data"]["createPerson"]["person"]
    assert body["data"]["createPerson"]["userErrors"] == []
    assert person["name"] == "李四" and person["version"] == 1
    assert person["idNumberMasked"] == "110***********002X"
    assert person["phoneMasked"] == "138****1234"

    read = await gql(
        """query($id: ID!) { person(id: $id) { idNumberMasked phoneMasked }
                             persons(search: "李") { edges { node { idNumberMasked } } }
                             node(id: $id) { ... on Person { idNumberMasked } } }""",
        {"id": person["id"]},
    )
    for response in (body, read):
        dumped = json.dumps(response, ensure_ascii=False).upper()
        assert KNOWN_ID not in dumped and "13800001234" not in dumped
    # Full numbers only when asked for, and only to those with the right (here an admin of all).
    full = await gql("query($id: ID!) { person(id: $id) { idNumber phone } }", {"id": person["id"]})
    assert full["data"]["person"] == {"idNumber": KNOWN_ID, "phone": "13800001234"}

    landline = await ok(
        gql, CREATE_PERSON, {"name": "王五", "idNumber": f.id_number(), "phone": "010-12345678"}
    )
    assert landline["phoneMasked"].endswith("5678") and "1234" not in landline["phoneMasked"]
    no_phone = await ok(gql, CREATE_PERSON, {"name": "赵六", "idNumber": f.id_number(), "phone": " "})
    assert no_phone["phoneMasked"] is None


# --- posts ------------------------------------------------------------------------------


async def test_create_post_in_charge_of_units(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    await session.flush()
    post = await ok(gql, CREATE_POST, {
        "unitId": gid(t["park"], "OrgUnit"), "kind": "DEPUTY_IN_CHARGE",
        # A unit given twice is one charge.
        "inChargeOfUnitIds": [gid(t["safety"], "OrgUnit"), gid(t["build"], "OrgUnit"), gid(t["safety"], "OrgUnit")],
    })  # fmt: skip
    assert (post["kind"], post["title"], post["singleHolder"]) == ("DEPUTY_IN_CHARGE", "分管负责人", True)
    assert post["unit"] == {"name": "测试园区"}
    assert post["inChargeOf"]["totalCount"] == 2
    assert sorted(e["node"]["name"] for e in post["inChargeOf"]["edges"]) == ["安全生产部", "规划建设部"]

    # The charges start on the day the post is created.
    read = await gql(
        """query($id: ID!) { post(id: $id) { before: inChargeOf(on: "2000-01-01") { totalCount }
                                             charges { totalCount } } }""",
        {"id": post["id"]},
    )
    assert read["data"]["post"] == {"before": {"totalCount": 0}, "charges": {"totalCount": 2}}

    managers = await ok(gql, CREATE_POST, {"unitId": gid(t["chem"], "OrgUnit"), "kind": "SAFETY_MANAGER"})
    assert managers["singleHolder"] is False and managers["title"] == "安全管理人员"
    line = await ok(gql, CREATE_POST, {"unitId": gid(t["chem"], "OrgUnit"), "kind": "FRONTLINE",
                                       "title": " 反应釜操作岗 ", "singleHolder": True})  # fmt: skip
    assert (line["title"], line["singleHolder"], line["inChargeOf"]["totalCount"]) == (
        "反应釜操作岗",
        True,
        0,
    )


# --- assignments over time --------------------------------------------------------------


async def test_who_held_the_post_through_assign_end_correct_and_withdraw(
    session: AsyncSession, gql: Any
) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["park"], PostKind.COMMITTEE_DIRECTOR)
    await session.flush()
    post_id = gid(post, "Post")
    a = (await ok(gql, CREATE_PERSON, {"name": "甲", "idNumber": f.id_number()}))["id"]
    b = (await ok(gql, CREATE_PERSON, {"name": "乙", "idNumber": f.id_number()}))["id"]
    c = (await ok(gql, CREATE_PERSON, {"name": "丙", "idNumber": f.id_number()}))["id"]

    first = await ok(
        gql, ASSIGN, {"postId": post_id, "personId": a, "startDate": "2021-03-01", "note": "任命文件"}
    )
    assert (first["startDate"], first["endDate"], first["version"], first["note"]) == (
        "2021-03-01",
        None,
        1,
        "任命文件",
    )
    assert first["endedAt"] is None and first["corrects"] is None
    assert await holders(gql, post_id, "2021-02-28") == []
    assert await holders(gql, post_id, "2022-06-01") == ["甲"]

    # One holder at a time: the successor cannot start while 甲's assignment is open.
    await refused(gql, session, ASSIGN, {"postId": post_id, "personId": b, "startDate": "2024-05-06"},
                  "OVERLAPPING_ASSIGNMENT", ["input", "startDate"])  # fmt: skip
    ended = await ok(gql, END, {"assignmentId": first["id"], "endDate": "2024-04-30", "version": 1})
    assert (ended["id"], ended["endDate"], ended["version"]) == (first["id"], "2024-04-30", 2)
    assert ended["endedAt"] is not None
    second = await ok(gql, ASSIGN, {"postId": post_id, "personId": b, "startDate": "2024-05-06"})

    assert await holders(gql, post_id, "2024-04-30") == ["甲"]  # the end date is the last day held
    assert await holders(gql, post_id, "2024-05-01") == []
    assert await holders(gql, post_id, "2024-05-06") == ["乙"]

    # 乙 in fact started on 5 May: a new record replaces the old one, which stays.
    fixed = await ok(gql, CORRECT, {"assignmentId": second["id"], "version": 1, "reason": "任职日期录错",
                                    "startDate": "2024-05-01"})  # fmt: skip
    assert fixed["id"] != second["id"]
    assert fixed["corrects"] == {"id": second["id"], "startDate": "2024-05-06", "person": {"name": "乙"}}
    assert (fixed["startDate"], fixed["note"], fixed["version"]) == ("2024-05-01", "任职日期录错", 1)
    assert await holders(gql, post_id, "2024-05-02") == ["乙"]
    read = (await gql(POST, {"id": post_id, "on": "2024-05-07"}))["data"]["post"]
    assert [e["node"]["id"] for e in read["holders"]["edges"]] == [fixed["id"]]  # not the corrected row
    assert [e["node"]["id"] for e in read["assignments"]["edges"]] == [first["id"], fixed["id"]]
    history = [e["node"] for e in read["history"]["edges"]]
    assert [(h["id"], h["startDate"], h["corrects"]) for h in history] == [
        (first["id"], "2021-03-01", None),
        (fixed["id"], "2024-05-01", {"id": second["id"]}),
        (second["id"], "2024-05-06", None),  # the old record, unchanged
    ]

    # The old record cannot be corrected again: corrections go on the record in force.
    await refused(gql, session, CORRECT, {"assignmentId": second["id"], "version": 1, "reason": "再次更正",
                                          "personId": c}, "ALREADY_CORRECTED", ["input", "assignmentId"])  # fmt: skip
    # It was 丙, not 乙: a correction of the correction.
    person_fixed = await ok(
        gql, CORRECT, {"assignmentId": fixed["id"], "version": 1, "reason": "人员录错", "personId": c}
    )
    assert person_fixed["corrects"]["id"] == fixed["id"] and person_fixed["person"] == {"name": "丙"}
    assert await holders(gql, post_id, "2024-06-01") == ["丙"]
    person_b = await gql(
        """query($id: ID!) { person(id: $id) { assignments { totalCount }
                                               all: assignments(includeHistory: true) { totalCount } } }""",
        {"id": b},
    )
    assert person_b["data"]["person"] == {"assignments": {"totalCount": 0}, "all": {"totalCount": 2}}

    # And it never happened at all: withdrawn, the post was vacant after 甲.
    withdrawal = await ok(gql, CORRECT, {"assignmentId": person_fixed["id"], "version": 1, "reason": "任命未生效",
                                         "withdraw": True})  # fmt: skip
    assert withdrawal["withdrawn"] is True and withdrawal["corrects"]["id"] == person_fixed["id"]
    assert await holders(gql, post_id, "2024-06-01") == []
    assert await holders(gql, post_id, "2023-01-01") == ["甲"]
    read = (await gql(POST, {"id": post_id, "on": "2024-06-01"}))["data"]["post"]
    assert read["assignments"]["totalCount"] == 1
    assert read["history"]["totalCount"] == 5
    assert [h["node"]["withdrawn"] for h in read["history"]["edges"]].count(True) == 1

    # After the withdrawal the post is free for someone else from May.
    await ok(gql, ASSIGN, {"postId": post_id, "personId": b, "startDate": "2024-05-01"})
    assert await holders(gql, post_id, "2024-06-01") == ["乙"]


RESPONSIBLE = """
query($e: ID!, $on: Date) {
  responsiblePersons(enterpriseId: $e, on: $on) {
    on enterprise { name }
    administrative { person { name } startDate endDate }
    supervisory { person { name } }
    enterpriseResponsible { person { name } }
  }
}"""
BOARD = """
query($p: ID!, $on: Date) {
  placardBoard(parkId: $p, on: $on) {
    totalCount
    edges { node { on enterprise { code } administrative { person { name } } supervisory { person { name } }
                   enterpriseResponsible { person { name } } } }
  }
}"""


async def test_three_responsible_persons_on_a_date_across_a_mid_year_change(
    session: AsyncSession, gql: Any
) -> None:
    t = await f.small_tree(session)
    await session.flush()
    enterprise = await ok(gql, "mutation($input: CreateUnitInput!) { createUnit(input: $input) { unit { id } userErrors { code } } }", {
        "kind": "ENTERPRISE", "code": "E-NEW", "name": "丁化工（演示）", "parentId": gid(t["safety"], "OrgUnit"),
        "enterprise": {"creditCode": f.credit_code(), "trade": "HAZARDOUS_CHEMICALS", "staffCount": 120, "placarded": True},
    })  # fmt: skip
    read = await gql(
        "query($id: ID!) { unit(id: $id) { posts { edges { node { id kind } } } } }", {"id": enterprise["id"]}
    )
    posts = {e["node"]["kind"]: e["node"]["id"] for e in read["data"]["unit"]["posts"]["edges"]}
    names = ("园区领导甲", "园区领导乙", "安全部部长", "企业法人")
    people = {n: (await ok(gql, CREATE_PERSON, {"name": n, "idNumber": f.id_number()}))["id"] for n in names}

    admin = await ok(gql, ASSIGN, {"postId": posts["ADMINISTRATIVE_RESPONSIBLE"], "personId": people["园区领导甲"],
                                   "startDate": "2024-01-01"})  # fmt: skip
    await ok(gql, ASSIGN, {"postId": posts["SUPERVISORY_RESPONSIBLE"], "personId": people["安全部部长"],
                           "startDate": "2024-01-01"})  # fmt: skip
    await ok(gql, ASSIGN, {"postId": posts["ENTERPRISE_RESPONSIBLE"], "personId": people["企业法人"],
                           "startDate": "2024-01-01"})  # fmt: skip
    # Mid-year the park's leader in charge of the enterprise changes.
    await ok(gql, END, {"assignmentId": admin["id"], "endDate": "2024-06-30"})
    await ok(gql, ASSIGN, {"postId": posts["ADMINISTRATIVE_RESPONSIBLE"], "personId": people["园区领导乙"],
                           "startDate": "2024-07-01"})  # fmt: skip
    # The placard is a single-holder post: a second 行政负责人 at the same time is refused.
    await refused(gql, session, ASSIGN, {"postId": posts["ADMINISTRATIVE_RESPONSIBLE"],
                                         "personId": people["园区领导甲"], "startDate": "2024-09-01"},
                  "OVERLAPPING_ASSIGNMENT", ["input", "startDate"])  # fmt: skip

    async def on(day: str) -> dict[str, Any]:
        body = await gql(RESPONSIBLE, {"e": enterprise["id"], "on": day})
        result: dict[str, Any] = body["data"]["responsiblePersons"]
        assert result["on"] == day and result["enterprise"] == {"name": "丁化工（演示）"}
        return result

    spring = await on("2024-03-15")
    assert spring["administrative"] == {
        "person": {"name": "园区领导甲"},
        "startDate": "2024-01-01",
        "endDate": "2024-06-30",
    }
    assert spring["supervisory"] == {"person": {"name": "安全部部长"}}
    assert spring["enterpriseResponsible"] == {"person": {"name": "企业法人"}}
    assert (await on("2024-06-30"))["administrative"]["person"] == {"name": "园区领导甲"}
    assert (await on("2024-07-01"))["administrative"]["person"] == {"name": "园区领导乙"}
    before = await on("2023-12-31")
    assert (
        before["administrative"] is None
        and before["supervisory"] is None
        and before["enterpriseResponsible"] is None
    )

    async def board(day: str) -> dict[str, dict[str, Any]]:
        body = await gql(BOARD, {"p": gid(t["park"], "OrgUnit"), "on": day})
        page = body["data"]["placardBoard"]
        assert page["totalCount"] == 2  # the two placarded enterprises; the food company is not
        return {e["node"]["enterprise"]["code"]: e["node"] for e in page["edges"]}

    march = await board("2024-03-15")
    assert march["E-NEW"]["administrative"] == {"person": {"name": "园区领导甲"}}
    assert march["E-NEW"]["on"] == "2024-03-15"
    assert march["E-CHEM"]["administrative"] is None  # placarded, nobody named yet
    september = await board("2024-09-01")
    assert september["E-NEW"]["administrative"] == {"person": {"name": "园区领导乙"}}
    assert september["E-NEW"]["supervisory"] == {"person": {"name": "安全部部长"}}
    assert september["E-NEW"]["enterpriseResponsible"] == {"person": {"name": "企业法人"}}


async def test_two_mutations_in_one_request_the_second_failing(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.ENTERPRISE_PRINCIPAL)
    a, b = await f.person(session, name="甲"), await f.person(session, name="乙")
    await session.flush()
    before = await snapshot(session)
    body = await gql(
        """mutation($ok: AssignPersonInput!, $bad: AssignPersonInput!) {
             first: assignPerson(input: $ok) { assignment { id person { name } } userErrors { code } }
             second: assignPerson(input: $bad) { assignment { id } userErrors { code field message messageEn } }
           }""",
        {"ok": {"postId": gid(post, "Post"), "personId": gid(a, "Person"), "startDate": "2024-01-01"},
         # Overlaps what the first mutation of the same request wrote.
         "bad": {"postId": gid(post, "Post"), "personId": gid(b, "Person"), "startDate": "2024-06-01"}},
    )  # fmt: skip
    assert "errors" not in body, body
    assert body["data"]["first"]["userErrors"] == [] and body["data"]["first"]["assignment"]["person"] == {
        "name": "甲"
    }
    assert body["data"]["second"]["assignment"] is None
    errors = body["data"]["second"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("OVERLAPPING_ASSIGNMENT", ["input", "startDate"])]
    check_user_errors(errors)
    after = await snapshot(session)
    assert {k: v for k, v in after.items() if k != "assignment"} == {
        k: v for k, v in before.items() if k != "assignment"
    }
    assert len(after["assignment"]) == len(before["assignment"]) + 1
    assert await holders(gql, gid(post, "Post"), "2024-06-01") == ["甲"]

    body = await gql(
        """mutation($ok: CreatePersonInput!, $bad: CreatePersonInput!) {
             first: createPerson(input: $ok) { person { name } userErrors { code } }
             second: createPerson(input: $bad) { person { name } userErrors { code field } }
           }""",
        {"ok": {"name": "丙", "idNumber": KNOWN_ID}, "bad": {"name": "丁", "idNumber": KNOWN_ID.lower()}},
    )
    assert body["data"]["first"] == {"person": {"name": "丙"}, "userErrors": []}
    assert body["data"]["second"] == {
        "person": None, "userErrors": [{"code": "DUPLICATE_ID_NUMBER", "field": ["input", "idNumber"]}]
    }  # fmt: skip
    assert len((await snapshot(session))["person"]) == len(after["person"]) + 1


# --- what is refused --------------------------------------------------------------------


@pytest.fixture
async def world(session: AsyncSession) -> dict[str, Any]:
    t = await f.small_tree(session)
    responsible = {
        p.kind: p for p in (await session.scalars(select(Post).where(Post.unit_id == t["chem"].id))).all()
    }
    director = await f.post(session, t["park"], PostKind.COMMITTEE_DIRECTOR)
    manager = await f.post(session, t["chem"], PostKind.SAFETY_MANAGER)
    principal = await f.post(session, t["food"], PostKind.ENTERPRISE_PRINCIPAL)
    deputy = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    closed_post = await f.post(session, t["chem"], PostKind.FRONTLINE)
    closed_post.archived_at = utcnow()
    closed_unit = await f.unit(session, UnitKind.DEPARTMENT, t["park"], code="OLD", name="已撤销部室")
    await tree.archive_unit(session, unit_id=closed_unit.id, version=1, today=f.TODAY)

    alice = await f.person(session, name="甲某")
    bob = await f.person(session, name="乙某")
    carol = await create_known(session)
    dave = await f.person(session, name="丁某")
    held = await f.assign(session, director, alice, start=date(2024, 1, 1))
    managed = await f.assign(session, manager, alice, start=date(2024, 1, 1))
    ended = await f.assign(session, principal, bob, start=date(2020, 1, 1), end=date(2023, 12, 31))
    later = await f.assign(session, principal, dave, start=date(2024, 1, 1))
    original = await f.assign(session, deputy, carol, start=date(2022, 1, 1))
    correction = await correct_assignment(session, assignment_id=original.id, version=1, reason="日期",
                                          start_date=date(2022, 2, 1))  # fmt: skip
    mistaken = await f.assign(session, manager, bob, start=date(2021, 1, 1), end=date(2021, 12, 31))
    withdrawal = await correct_assignment(
        session, assignment_id=mistaken.id, version=1, reason="误录", withdraw=True
    )
    await session.flush()
    return {**t, "withdrawal": withdrawal, "responsible": responsible, "director": director, "manager": manager, "principal": principal,
            "deputy": deputy, "closed_post": closed_post, "closed_unit": closed_unit, "alice": alice, "bob": bob,
            "carol": carol, "dave": dave, "held": held, "managed": managed, "ended": ended, "later": later,
            "original": original, "correction": correction}  # fmt: skip


async def create_known(session: AsyncSession) -> Any:
    from domain.people.service import create_person

    return await create_person(session, name="丙某", id_number=KNOWN_ID, phone=None, today=f.TODAY)


def person_input(**overrides: Any) -> dict[str, Any]:
    return {"name": "新人", "idNumber": f.id_number(), **overrides}


def post_input(w: W, unit: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"unitId": gid(w[unit], "OrgUnit"), "kind": kind, **extra}


def assign_input(
    w: W, post: str, person: str, start: str, end: str | None = None, **extra: Any
) -> dict[str, Any]:
    data = {"postId": gid(w[post], "Post"), "personId": gid(w[person], "Person"), "startDate": start, **extra}
    if end is not None:
        data["endDate"] = end
    return data


W = dict[str, Any]
Case = tuple[str, str, Callable[[W], dict[str, Any]], str, list[str]]
UNKNOWN = 999999

CASES: list[Case] = [
    # createPerson
    ("person: ID number with a wrong check character", CREATE_PERSON,
     lambda w: person_input(idNumber="110105194912310021"), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number with an impossible birth date", CREATE_PERSON,
     lambda w: person_input(idNumber=id_with_check("11010519490230002")), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number born in the future", CREATE_PERSON,
     lambda w: person_input(idNumber=id_with_check("11010520991231002")), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number born before 1900", CREATE_PERSON,
     lambda w: person_input(idNumber=id_with_check("11010518991231002")), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number too short", CREATE_PERSON,
     lambda w: person_input(idNumber=KNOWN_ID[:-1]), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number with a letter inside", CREATE_PERSON,
     lambda w: person_input(idNumber="1101051949X231002X"), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number of another person", CREATE_PERSON,
     lambda w: person_input(idNumber=KNOWN_ID.lower()), "DUPLICATE_ID_NUMBER", ["input", "idNumber"]),
    ("person: phone too short", CREATE_PERSON,
     lambda w: person_input(phone="12345"), "INVALID_PHONE", ["input", "phone"]),
    ("person: mobile with a wrong prefix", CREATE_PERSON,
     lambda w: person_input(phone="12800001234"), "INVALID_PHONE", ["input", "phone"]),
    ("person: phone with letters", CREATE_PERSON,
     lambda w: person_input(phone="138OOOO1234"), "INVALID_PHONE", ["input", "phone"]),
    ("person: blank name", CREATE_PERSON,
     lambda w: person_input(name="  "), "REQUIRED", ["input", "name"]),
    ("person: name too long", CREATE_PERSON,
     lambda w: person_input(name="名" * 101), "TOO_LONG", ["input", "name"]),
    # createPost
    ("post: unknown unit", CREATE_POST,
     lambda w: {"unitId": f.gid("OrgUnit", UNKNOWN), "kind": "PRINCIPAL"}, "NOT_FOUND", ["input", "unitId"]),
    ("post: a Person ID as unit", CREATE_POST,
     lambda w: {"unitId": gid(w["alice"], "Person"), "kind": "PRINCIPAL"}, "NOT_FOUND", ["input", "unitId"]),
    ("post: enterprise post at a park", CREATE_POST,
     lambda w: post_input(w, "park", "SAFETY_MANAGER"), "INVALID_POST_KIND", ["input", "kind"]),
    ("post: department head at an enterprise", CREATE_POST,
     lambda w: post_input(w, "food", "DEPARTMENT_HEAD"), "INVALID_POST_KIND", ["input", "kind"]),
    ("post: archived unit", CREATE_POST,
     lambda w: post_input(w, "closed_unit", "DEPARTMENT_HEAD"), "ARCHIVED", ["input", "unitId"]),
    ("post: a second 行政负责人 post", CREATE_POST,
     lambda w: post_input(w, "chem", "ADMINISTRATIVE_RESPONSIBLE"), "DUPLICATE_POST", ["input", "kind"]),
    ("post: a responsible person's post for several holders", CREATE_POST,
     lambda w: post_input(w, "food", "ENTERPRISE_RESPONSIBLE", singleHolder=False), "INVALID_VALUE", ["input", "singleHolder"]),
    ("post: blank title", CREATE_POST,
     lambda w: post_input(w, "park", "PRINCIPAL", title=""), "REQUIRED", ["input", "title"]),
    ("post: in charge of a unit outside its own", CREATE_POST,
     lambda w: post_input(w, "safety", "DEPARTMENT_HEAD", inChargeOfUnitIds=[gid(w["food"], "OrgUnit")]),
     "INVALID_CHARGE", ["input", "inChargeOfUnitIds", "0"]),
    ("post: in charge of its own unit", CREATE_POST,
     lambda w: post_input(w, "park", "DEPUTY_IN_CHARGE", inChargeOfUnitIds=[gid(w["park"], "OrgUnit")]),
     "INVALID_CHARGE", ["input", "inChargeOfUnitIds", "0"]),
    ("post: in charge of an unknown unit", CREATE_POST,
     lambda w: post_input(w, "park", "DEPUTY_IN_CHARGE",
                          inChargeOfUnitIds=[gid(w["safety"], "OrgUnit"), f.gid("OrgUnit", UNKNOWN)]),
     "NOT_FOUND", ["input", "inChargeOfUnitIds", "1"]),
    ("post: in charge of a Post ID", CREATE_POST,
     lambda w: post_input(w, "park", "DEPUTY_IN_CHARGE", inChargeOfUnitIds=[gid(w["director"], "Post")]),
     "NOT_FOUND", ["input", "inChargeOfUnitIds", "0"]),
    ("post: the position of a bad unit counts repeats", CREATE_POST,
     lambda w: post_input(w, "park", "DEPUTY_IN_CHARGE", inChargeOfUnitIds=[
         gid(w["safety"], "OrgUnit"), gid(w["safety"], "OrgUnit"), gid(w["district"], "OrgUnit")]),
     "INVALID_CHARGE", ["input", "inChargeOfUnitIds", "2"]),
    ("post: in charge of an archived unit", CREATE_POST,
     lambda w: post_input(w, "park", "DEPUTY_IN_CHARGE", inChargeOfUnitIds=[gid(w["closed_unit"], "OrgUnit")]),
     "ARCHIVED", ["input", "inChargeOfUnitIds", "0"]),
    ("post: a front-line post in charge of units", CREATE_POST,
     lambda w: post_input(w, "chem", "FRONTLINE", inChargeOfUnitIds=[gid(w["chem"], "OrgUnit")]),
     "INVALID_CHARGE", ["input", "inChargeOfUnitIds"]),
    # assignPerson
    ("assign: a second holder of a one-holder post", ASSIGN,
     lambda w: assign_input(w, "director", "bob", "2025-01-01"), "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: a closed period ending on the holder's first day", ASSIGN,
     lambda w: assign_input(w, "director", "bob", "2023-01-01", "2024-01-01"),
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: an open period starting before an ended one", ASSIGN,
     lambda w: assign_input(w, "principal", "carol", "2019-01-01"), "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: starting on the last day of the previous holder", ASSIGN,
     lambda w: assign_input(w, "principal", "carol", "2023-12-31", "2023-12-31"),
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: the same person twice on a several-holder post", ASSIGN,
     lambda w: assign_input(w, "manager", "alice", "2025-06-01"), "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: the same person twice on a one-holder post", ASSIGN,
     lambda w: assign_input(w, "director", "alice", "2023-06-01", "2024-02-01"),
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: end before start", ASSIGN,
     lambda w: assign_input(w, "manager", "bob", "2025-03-01", "2025-02-28"), "INVALID_DATE_RANGE", ["input", "endDate"]),
    ("assign: unknown post", ASSIGN,
     lambda w: {**assign_input(w, "director", "bob", "2020-01-01"), "postId": f.gid("Post", UNKNOWN)},
     "NOT_FOUND", ["input", "postId"]),
    ("assign: an OrgUnit ID as post", ASSIGN,
     lambda w: {**assign_input(w, "director", "bob", "2020-01-01"), "postId": gid(w["park"], "OrgUnit")},
     "NOT_FOUND", ["input", "postId"]),
    ("assign: unknown person", ASSIGN,
     lambda w: {**assign_input(w, "manager", "bob", "2020-01-01"), "personId": f.gid("Person", UNKNOWN)},
     "NOT_FOUND", ["input", "personId"]),
    ("assign: a Post ID as person", ASSIGN,
     lambda w: {**assign_input(w, "manager", "bob", "2020-01-01"), "personId": gid(w["manager"], "Post")},
     "NOT_FOUND", ["input", "personId"]),
    ("assign: a person ID beyond the key range", ASSIGN,
     lambda w: {**assign_input(w, "manager", "bob", "2020-01-01"), "personId": f.gid("Person", 2**40)},
     "NOT_FOUND", ["input", "personId"]),
    ("assign: archived post", ASSIGN,
     lambda w: assign_input(w, "closed_post", "bob", "2025-01-01"), "ARCHIVED", ["input", "postId"]),
    ("assign: note too long", ASSIGN,
     lambda w: assign_input(w, "manager", "bob", "2025-01-01", note="注" * 501), "TOO_LONG", ["input", "note"]),
    # endAssignment
    ("end: already ended", END,
     lambda w: {"assignmentId": gid(w["ended"], "Assignment"), "endDate": "2024-06-30"},
     "ALREADY_ENDED", ["input", "assignmentId"]),
    ("end: before the start", END,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "endDate": "2023-12-31"},
     "INVALID_DATE_RANGE", ["input", "endDate"]),
    ("end: stale version", END,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "endDate": "2025-12-31", "version": 2},
     "STALE_VERSION", ["input", "version"]),
    ("end: a corrected record", END,
     lambda w: {"assignmentId": gid(w["original"], "Assignment"), "endDate": "2025-12-31"},
     "ALREADY_CORRECTED", ["input", "assignmentId"]),
    ("end: a withdrawal", END,
     lambda w: {"assignmentId": gid(w["withdrawal"], "Assignment"), "endDate": "2025-12-31"},
     "NOT_FOUND", ["input", "assignmentId"]),
    ("end: unknown assignment", END,
     lambda w: {"assignmentId": f.gid("Assignment", UNKNOWN), "endDate": "2025-12-31"},
     "NOT_FOUND", ["input", "assignmentId"]),
    ("end: a Person ID as assignment", END,
     lambda w: {"assignmentId": gid(w["alice"], "Person"), "endDate": "2025-12-31"},
     "NOT_FOUND", ["input", "assignmentId"]),
    # correctAssignment
    ("correct: an already corrected record", CORRECT,
     lambda w: {"assignmentId": gid(w["original"], "Assignment"), "version": 1, "reason": "再改", "startDate": "2022-03-01"},
     "ALREADY_CORRECTED", ["input", "assignmentId"]),
    ("correct: stale version", CORRECT,
     lambda w: {"assignmentId": gid(w["ended"], "Assignment"), "version": 2, "reason": "改", "startDate": "2020-02-01"},
     "STALE_VERSION", ["input", "version"]),
    ("correct: nothing changes", CORRECT,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "version": 1, "reason": "核对", "startDate": "2024-01-01"},
     "NOTHING_TO_CHANGE", ["input"]),
    ("correct: blank reason", CORRECT,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "version": 1, "reason": " ", "startDate": "2024-02-01"},
     "REQUIRED", ["input", "reason"]),
    ("correct: into another holder's period", CORRECT,
     lambda w: {"assignmentId": gid(w["later"], "Assignment"), "version": 1, "reason": "提前", "startDate": "2023-06-01"},
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("correct: reopening into the next holder's period", CORRECT,
     lambda w: {"assignmentId": gid(w["ended"], "Assignment"), "version": 1, "reason": "未离任", "endDate": None},
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("correct: end before start", CORRECT,
     lambda w: {"assignmentId": gid(w["ended"], "Assignment"), "version": 1, "reason": "改", "endDate": "2019-12-31"},
     "INVALID_DATE_RANGE", ["input", "endDate"]),
    ("correct: unknown person", CORRECT,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "version": 1, "reason": "改",
                "personId": f.gid("Person", UNKNOWN)}, "NOT_FOUND", ["input", "personId"]),
    ("correct: an OrgUnit ID as person", CORRECT,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "version": 1, "reason": "改",
                "personId": gid(w["park"], "OrgUnit")}, "NOT_FOUND", ["input", "personId"]),
    ("correct: a withdrawal", CORRECT,
     lambda w: {"assignmentId": gid(w["withdrawal"], "Assignment"), "version": 1, "reason": "恢复", "withdraw": False,
                "startDate": "2021-01-01"}, "NOT_FOUND", ["input", "assignmentId"]),
    ("correct: unknown assignment", CORRECT,
     lambda w: {"assignmentId": f.gid("Assignment", UNKNOWN), "version": 1, "reason": "改", "withdraw": True},
     "NOT_FOUND", ["input", "assignmentId"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "document", "build", "code", "field"), CASES, ids=[c[0] for c in CASES])
async def test_bad_input_is_refused_and_writes_nothing(
    session: AsyncSession, gql: Any, world: W, name: str, document: str, build: Callable[[W], dict[str, Any]],
    code: str, field: list[str],
) -> None:  # fmt: skip
    await refused(gql, session, document, build(world), code, field)
