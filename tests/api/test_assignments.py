"""Who held a post, and who were the three responsible persons, on any date; corrections
are new records and the history keeps every record."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts import service as posts
from domain.posts.kinds import PostKind
from domain.posts.models import Post
from tests import factories as f

HOLDERS = """
query($post: ID!, $on: Date) {
  post(id: $post) {
    kind title singleHolder
    unit { name }
    holders(on: $on) { totalCount edges { node { startDate endDate person { name } } } }
    assignments(includeHistory: true) { totalCount edges { node { id startDate endDate withdrawn note corrects { id } person { name } } } }
  }
}"""

MUTATE = """
mutation($assign: AssignPersonInput!) {
  assignPerson(input: $assign) { assignment { id version startDate person { name } } userErrors { code } }
}"""


async def _holders(gql: Any, post: Post, on: str) -> list[str]:
    body = await gql(HOLDERS, {"post": f.gid("Post", post.id), "on": on})
    return [e["node"]["person"]["name"] for e in body["data"]["post"]["holders"]["edges"]]


async def test_who_held_a_post_on_a_date_across_a_change_of_holder(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["park"], PostKind.COMMITTEE_DIRECTOR)
    first, second = await f.person(session, name="前任"), await f.person(session, name="现任")
    await session.flush()

    body = await gql(MUTATE, {"assign": {"postId": f.gid("Post", post.id), "personId": f.gid("Person", first.id),
                                         "startDate": "2021-03-01"}})  # fmt: skip
    old = body["data"]["assignPerson"]["assignment"]
    ended = await gql(
        "mutation($i: EndAssignmentInput!) { endAssignment(input: $i) { assignment { endDate version } userErrors { code } } }",
        {"i": {"assignmentId": old["id"], "endDate": "2024-04-30", "version": old["version"]}},
    )
    assert ended["data"]["endAssignment"]["assignment"] == {"endDate": "2024-04-30", "version": 2}
    body = await gql(MUTATE, {"assign": {"postId": f.gid("Post", post.id), "personId": f.gid("Person", second.id),
                                         "startDate": "2024-05-06"}})  # fmt: skip
    assert body["data"]["assignPerson"]["userErrors"] == []

    assert await _holders(gql, post, "2021-02-28") == []
    assert await _holders(gql, post, "2021-03-01") == ["前任"]
    assert await _holders(gql, post, "2024-04-30") == ["前任"]  # the end date is the last day held
    assert await _holders(gql, post, "2024-05-01") == []  # vacant between the two
    assert await _holders(gql, post, "2024-05-06") == ["现任"]
    assert await _holders(gql, post, "2026-01-01") == ["现任"]


async def test_a_correction_is_a_new_record_and_the_old_one_stays(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.ENTERPRISE_PRINCIPAL)
    wrong, right = await f.person(session, name="误录"), await f.person(session, name="正确")
    record = await f.assign(session, post, wrong, start=date(2024, 1, 1))
    await session.flush()

    body = await gql(
        """mutation($i: CorrectAssignmentInput!) {
             correctAssignment(input: $i) { assignment { id person { name } corrects { id person { name } } note } userErrors { code } }
           }""",
        {"i": {"assignmentId": f.gid("Assignment", record.id), "version": 1, "reason": "任命文件写的是另一人",
               "personId": f.gid("Person", right.id)}},
    )  # fmt: skip
    corrected = body["data"]["correctAssignment"]["assignment"]
    assert corrected["person"]["name"] == "正确"
    assert corrected["corrects"] == {"id": f.gid("Assignment", record.id), "person": {"name": "误录"}}
    assert corrected["note"] == "任命文件写的是另一人"

    assert await _holders(gql, post, "2024-06-01") == ["正确"]
    history = await gql(HOLDERS, {"post": f.gid("Post", post.id), "on": "2024-06-01"})
    rows = history["data"]["post"]["assignments"]
    assert rows["totalCount"] == 2
    assert [e["node"]["person"]["name"] for e in rows["edges"]] == ["误录", "正确"]
    without_history = await gql(
        "query($p: ID!) { post(id: $p) { assignments { totalCount } } }", {"p": f.gid("Post", post.id)}
    )
    assert without_history["data"]["post"]["assignments"]["totalCount"] == 1


async def test_withdrawing_a_record_leaves_the_post_vacant(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.ENTERPRISE_PRINCIPAL)
    record = await f.assign(session, post, await f.person(session), start=date(2024, 1, 1))
    await session.flush()
    body = await gql(
        "mutation($i: CorrectAssignmentInput!) { correctAssignment(input: $i) { assignment { withdrawn } userErrors { code } } }",
        {
            "i": {
                "assignmentId": f.gid("Assignment", record.id),
                "version": 1,
                "reason": "从未任职",
                "withdraw": True,
            }
        },
    )
    assert body["data"]["correctAssignment"] == {"assignment": {"withdrawn": True}, "userErrors": []}
    assert await _holders(gql, post, "2024-06-01") == []


RESPONSIBLE = """
query($e: ID!, $on: Date) {
  responsiblePersons(enterpriseId: $e, on: $on) {
    on
    enterprise { name }
    administrative { person { name } }
    supervisory { person { name } }
    enterpriseResponsible { person { name } }
  }
}"""


async def test_the_three_responsible_persons_on_a_date(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    from sqlalchemy import select

    by_kind = {
        p.kind: p for p in (await session.scalars(select(Post).where(Post.unit_id == t["chem"].id))).all()
    }
    leader_a, leader_b = (
        await f.person(session, name="园区领导甲"),
        await f.person(session, name="园区领导乙"),
    )
    head, boss = await f.person(session, name="部室负责人"), await f.person(session, name="企业负责人")
    admin_a = await f.assign(session, by_kind["ADMINISTRATIVE_RESPONSIBLE"], leader_a, start=date(2023, 8, 1))
    await posts.end_assignment(session, assignment_id=admin_a.id, end_date=date(2024, 6, 30))
    await f.assign(session, by_kind["ADMINISTRATIVE_RESPONSIBLE"], leader_b, start=date(2024, 7, 1))
    await f.assign(session, by_kind["SUPERVISORY_RESPONSIBLE"], head, start=date(2023, 8, 1))
    await f.assign(session, by_kind["ENTERPRISE_RESPONSIBLE"], boss, start=date(2023, 8, 1))
    await session.flush()

    chem = f.gid("OrgUnit", t["chem"].id)
    spring = (await gql(RESPONSIBLE, {"e": chem, "on": "2024-03-01"}))["data"]["responsiblePersons"]
    assert spring["administrative"]["person"]["name"] == "园区领导甲"
    assert spring["supervisory"]["person"]["name"] == "部室负责人"
    assert spring["enterpriseResponsible"]["person"]["name"] == "企业负责人"
    autumn = (await gql(RESPONSIBLE, {"e": chem, "on": "2024-09-01"}))["data"]["responsiblePersons"]
    assert autumn["administrative"]["person"]["name"] == "园区领导乙"
    before = (await gql(RESPONSIBLE, {"e": chem, "on": "2023-01-01"}))["data"]["responsiblePersons"]
    assert before["administrative"] is None and before["supervisory"] is None

    board = await gql(
        """query($p: ID!) { placardBoard(parkId: $p, on: "2024-09-01") {
             totalCount edges { node { enterprise { name } administrative { person { name } } } } } }""",
        {"p": f.gid("OrgUnit", t["park"].id)},
    )
    edges = board["data"]["placardBoard"]["edges"]
    assert board["data"]["placardBoard"]["totalCount"] == 1  # only the placarded enterprise
    assert edges[0]["node"]["administrative"]["person"]["name"] == "园区领导乙"

    not_enterprise = await gql(RESPONSIBLE, {"e": f.gid("OrgUnit", t["park"].id)})
    assert not_enterprise["data"]["responsiblePersons"] is None


async def test_a_persons_posts_and_masked_personal_data(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    who = await f.person(session, name="兼职者", phone="13800001234")
    await f.assign(
        session, await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE), who, start=date(2024, 1, 1)
    )
    await f.assign(
        session, await f.post(session, t["safety"], PostKind.DEPARTMENT_HEAD), who, start=date(2024, 3, 1)
    )
    await session.flush()
    body = await gql(
        """query($p: ID!) { person(id: $p) { name idNumberMasked phoneMasked
             assignments(on: "2024-02-01") { totalCount edges { node { post { kind unit { name } } } } }
             all: assignments { totalCount } } }""",
        {"p": f.gid("Person", who.id)},
    )
    person = body["data"]["person"]
    assert person["phoneMasked"] == "138****1234"
    assert person["idNumberMasked"] == who.id_number[:3] + "*" * 11 + who.id_number[-4:]
    assert who.id_number not in str(body)
    assert person["assignments"]["totalCount"] == 1
    assert person["assignments"]["edges"][0]["node"]["post"] == {
        "kind": "DEPUTY_IN_CHARGE",
        "unit": {"name": "测试园区"},
    }
    assert person["all"]["totalCount"] == 2


async def test_charges_of_a_deputy(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    await session.flush()
    body = await gql(
        """mutation($i: CreatePostInput!) { createPost(input: $i) {
             post { kind title singleHolder inChargeOf { totalCount edges { node { name } } } } userErrors { code field } } }""",
        {"i": {"unitId": f.gid("OrgUnit", t["park"].id), "kind": "DEPUTY_IN_CHARGE", "title": "分管安全副主任",
               "inChargeOfUnitIds": [f.gid("OrgUnit", t["safety"].id), f.gid("OrgUnit", t["build"].id)]}},
    )  # fmt: skip
    post = body["data"]["createPost"]["post"]
    assert post["singleHolder"] is True
    assert sorted(e["node"]["name"] for e in post["inChargeOf"]["edges"]) == ["安全生产部", "规划建设部"]

    outside = await gql(
        "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id } userErrors { code field } } }",
        {"i": {"unitId": f.gid("OrgUnit", t["safety"].id), "kind": "DEPARTMENT_HEAD",
               "inChargeOfUnitIds": [f.gid("OrgUnit", t["build"].id)]}},
    )  # fmt: skip
    assert outside["data"]["createPost"]["userErrors"] == [
        {"code": "INVALID_CHARGE", "field": ["input", "inChargeOfUnitIds", "0"]}
    ]


CHARGES = """
query($post: ID!, $on: Date) {
  post(id: $post) {
    inChargeOf(on: $on) { edges { node { name } } }
    charges(includeEnded: true) { totalCount edges { node { id startDate endDate unit { name } } } }
  }
}"""


async def test_charges_change_over_time_and_keep_their_history(session: AsyncSession, gql: Any) -> None:
    t = await f.small_tree(session)
    deputy = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    await session.flush()
    post_id = f.gid("Post", deputy.id)
    add = """mutation($i: AddPostChargeInput!) { addPostCharge(input: $i) {
               charge { id startDate unit { name } } userErrors { code field } } }"""
    first = await gql(
        add, {"i": {"postId": post_id, "unitId": f.gid("OrgUnit", t["safety"].id), "startDate": "2024-01-01"}}
    )
    charge_id = first["data"]["addPostCharge"]["charge"]["id"]
    await gql(
        add, {"i": {"postId": post_id, "unitId": f.gid("OrgUnit", t["build"].id), "startDate": "2024-07-01"}}
    )
    ended = await gql(
        "mutation($i: EndPostChargeInput!) { endPostCharge(input: $i) { charge { endDate } userErrors { code } } }",
        {"i": {"chargeId": charge_id, "endDate": "2024-06-30"}},
    )
    assert ended["data"]["endPostCharge"] == {"charge": {"endDate": "2024-06-30"}, "userErrors": []}

    async def in_charge(on: str) -> list[str]:
        body = await gql(CHARGES, {"post": post_id, "on": on})
        return sorted(e["node"]["name"] for e in body["data"]["post"]["inChargeOf"]["edges"])

    assert await in_charge("2024-03-01") == ["安全生产部"]
    assert await in_charge("2024-08-01") == ["规划建设部"]
    history = (await gql(CHARGES, {"post": post_id}))["data"]["post"]["charges"]
    assert history["totalCount"] == 2
    assert [e["node"]["endDate"] for e in history["edges"]] == ["2024-06-30", None]

    overlapping = await gql(
        add, {"i": {"postId": post_id, "unitId": f.gid("OrgUnit", t["build"].id), "startDate": "2025-01-01"}}
    )
    assert overlapping["data"]["addPostCharge"]["userErrors"] == [
        {"code": "OVERLAPPING_CHARGE", "field": ["input", "startDate"]}
    ]
    outside = await gql(
        add,
        {"i": {"postId": post_id, "unitId": f.gid("OrgUnit", t["district"].id), "startDate": "2025-01-01"}},
    )
    assert outside["data"]["addPostCharge"]["userErrors"] == [
        {"code": "INVALID_CHARGE", "field": ["input", "unitId"]}
    ]
    frontline = await f.post(session, t["chem"], PostKind.FRONTLINE)
    await session.flush()
    refused = await gql(
        add,
        {
            "i": {
                "postId": f.gid("Post", frontline.id),
                "unitId": f.gid("OrgUnit", t["chem"].id),
                "startDate": "2025-01-01",
            }
        },
    )
    assert [e["code"] for e in refused["data"]["addPostCharge"]["userErrors"]] == ["INVALID_CHARGE"]
    again = await gql(
        "mutation($i: EndPostChargeInput!) { endPostCharge(input: $i) { charge { id } userErrors { code } } }",
        {"i": {"chargeId": charge_id, "endDate": "2024-12-31"}},
    )
    assert again["data"]["endPostCharge"]["userErrors"] == [{"code": "ALREADY_ENDED"}]
