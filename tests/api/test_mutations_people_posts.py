"""Admin mutations on persons, posts and real-name assignments through HTTP, and the
questions they answer: who held a post, who were the three responsible persons, on a date.

History is evidence: ending closes a record, a correction is a new record pointing at the
one it replaces, and nothing refused leaves a trace (refusals:
test_mutations_people_posts_refused.py)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.kinds import PostKind
from tests import factories as f
from tests.api.mutation_checks import check_user_errors, refused, snapshot
from tests.api.people_posts_mutations import (
    ASSIGN,
    CORRECT,
    CREATE_PERSON,
    CREATE_POST,
    END,
    KNOWN_ID,
    POST,
    gid,
    holders,
    ok,
)

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
