"""Duty lists, records, exemptions and obligations through HTTP, on pinned dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.models import DutyList, DutyRecord
from domain.posts import charges
from domain.posts.kinds import PostKind
from seeds.requirements import load_requirements
from tests import factories as f
from tests.api.helpers import error_code, ok, pk, refused, reload
from tests.factories import gid

OBLIGATIONS = """
query($post: ID, $person: ID, $unit: ID, $from: Date!, $to: Date!, $statuses: [ObligationStatus!]) {
  obligations(postId: $post, personId: $person, unitId: $unit, from: $from, to: $to, statuses: $statuses,
              first: 100) {
    totalCount
    summary { doneOnTime doneLate missed due notYetDue notApplicable }
    nodes {
      id periodStart dueDate status required doneCount vacant notApplicableReason
      rule { text }
      dutyItem { key text }
      person { id }
      onTimeRecords { id } lateRecords { id }
      missingUnits { id }
    }
  }
}
"""

RECORD = """
mutation($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) {
    record { id kind performedOn recorderSubject recorder { id } recorderNode { __typename ... on Person { id } } units { id } makeupFor
             participants { name personId person { id name } } }
    userErrors { code field message messageEn }
  }
}
"""

MONTHLY = {"kinds": ["INSPECTION"], "every": "MONTH"}


def pin(app: Any, day: date) -> None:
    app.state.clock = lambda: day


async def _park_with_leader(session: AsyncSession, rules: dict[str, Any]) -> dict[str, Any]:
    t = await f.small_tree(session)
    deputy = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    await charges.add_charge(session, post_id=deputy.id, unit_id=t["safety"].id, start_date=date(2024, 1, 1))
    leader = await f.person(session, name="赵甲")
    await f.assign(session, deputy, leader, start=date(2024, 1, 1))
    lst = await f.duty_list(session, t["park"], [PostKind.DEPUTY_IN_CHARGE], rules)
    return {**t, "deputy": deputy, "leader": leader, "list": lst}


def _record_input(units: list[Any], day: date, kind: str = "INSPECTION", **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "kind": kind,
            "performedOn": day.isoformat(),
            "title": "月度安全检查",
            "unitIds": [gid("OrgUnit", u.id) for u in units],
            **extra,
        }
    }


async def test_a_leader_records_inspections_and_sees_their_statuses(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await _park_with_leader(session, {"check": MONTHLY})
    await reload(app, session)
    pin(app, date(2024, 4, 10))
    leader = as_(f"person:{w['leader'].id}")

    leader_id = gid("Person", w["leader"].id)
    with_leader = _record_input(
        [w["chem"]], date(2024, 1, 10), participants=[{"name": "带队", "personId": leader_id}]
    )
    jan = ok(await leader(RECORD, with_leader))["record"]
    # A participant who is a registered person is a node too.
    (joined,) = jan["participants"]
    assert joined["personId"] == leader_id and joined["person"] == {"id": leader_id, "name": w["leader"].name}
    # The signer is a node; the deprecated string is its global ID, not `person:<id>`.
    assert jan["recorderSubject"] == gid("Person", w["leader"].id)
    assert jan["recorderNode"] == {"__typename": "Person", "id": gid("Person", w["leader"].id)}
    assert jan["recorder"]["id"] == gid("Person", w["leader"].id)
    late = ok(await leader(RECORD, _record_input([w["chem"]], date(2024, 3, 3), makeupFor="2024-02-20")))
    assert late["record"]["makeupFor"] == "2024-02-20"

    body = await leader(
        OBLIGATIONS, {"person": gid("Person", w["leader"].id), "from": "2024-01-01", "to": "2024-04-30"}
    )
    data = body["data"]["obligations"]
    assert [(n["periodStart"], n["status"]) for n in data["nodes"]] == [
        ("2024-01-01", "DONE_ON_TIME"),
        ("2024-02-01", "DONE_LATE"),
        ("2024-03-01", "MISSED"),
        ("2024-04-01", "DUE"),
    ]
    assert data["summary"] == {
        "doneOnTime": 1,
        "doneLate": 1,
        "missed": 1,
        "due": 1,
        "notYetDue": 0,
        "notApplicable": 0,
    }
    assert data["nodes"][0]["rule"]["text"] == "每月至少1次"
    assert data["nodes"][0]["onTimeRecords"] == [{"id": jan["id"]}]
    assert data["nodes"][1]["lateRecords"] == [{"id": late["record"]["id"]}]

    # The same through the post, the unit and the caller's own views.
    by_post = await leader(
        OBLIGATIONS, {"post": gid("Post", w["deputy"].id), "from": "2024-01-01", "to": "2024-04-30"}
    )
    assert by_post["data"]["obligations"]["totalCount"] == 4
    # Each obligation has its own stable id: the same obligation through the post and the
    # person is the same object for a client cache.
    ids = [n["id"] for n in data["nodes"]]
    assert len(set(ids)) == 4 and [n["id"] for n in by_post["data"]["obligations"]["nodes"]] == ids
    missed = await leader(
        OBLIGATIONS,
        {
            "unit": gid("OrgUnit", w["park"].id),
            "from": "2024-01-01",
            "to": "2024-04-30",
            "statuses": ["MISSED"],
        },
    )
    assert [n["periodStart"] for n in missed["data"]["obligations"]["nodes"]] == ["2024-03-01"]
    overdue = await leader("{ overdue { totalCount nodes { periodStart } } }")
    assert [n["periodStart"] for n in overdue["data"]["overdue"]["nodes"]] == ["2024-03-01"]
    week = await leader("{ dueThisWeek { totalCount } myDuties { totalCount nodes { dutyItem { key } } } }")
    assert week["data"]["dueThisWeek"]["totalCount"] == 0  # April's is due on the 30th
    assert [n["dutyItem"]["key"] for n in week["data"]["myDuties"]["nodes"]] == ["check"]
    kinds = await leader(
        '{ i: dutyRecords(kinds: ["INSPECTION"]) { totalCount } '
        "e: dutyRecords(recordKinds: [INSPECTION]) { totalCount nodes { kind recordKind } } "
        "m: dutyRecords(recordKinds: [MEETING, EXEMPTION]) { totalCount } }"
    )
    assert kinds["data"]["i"]["totalCount"] == 2 and kinds["data"]["e"]["totalCount"] == 2
    assert {(n["kind"], n["recordKind"]) for n in kinds["data"]["e"]["nodes"]} == {
        ("INSPECTION", "INSPECTION")
    }
    assert kinds["data"]["m"]["totalCount"] == 0
    # An enum argument refuses a value it does not know at validation.
    refused_kind = await leader("{ dutyRecords(recordKinds: [INSPECTON]) { totalCount } }")
    assert (
        refused_kind.get("data") is None
        and "INSPECTON" in refused_kind["errors"][0]["extensions"]["messageEn"]
    )
    assert (
        error_code(await leader('{ dutyRecords(kinds: ["INSPECTON"]) { totalCount } }')) == "BAD_USER_INPUT"
    )


async def test_records_are_refused_outside_reach_and_nothing_is_written(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await _park_with_leader(session, {"check": MONTHLY})
    elsewhere = await f.district(session, name="他区")
    await reload(app, session)
    pin(app, date(2024, 4, 10))
    leader = as_(f"person:{w['leader'].id}")
    before = await session.scalar(select(func.count()).select_from(DutyRecord))

    # A unit of another district is not theirs to see: not found, as a made-up ID is.
    refused(
        await leader(RECORD, _record_input([elsewhere], date(2024, 4, 1))),
        "NOT_FOUND",
        ["input", "unitIds", "0"],
    )
    refused(
        await leader(RECORD, _record_input([w["chem"]], date(2024, 5, 1))),
        "INVALID_VALUE",
        ["input", "performedOn"],
    )
    refused(
        await leader(RECORD, _record_input([w["chem"]], date(2024, 4, 1), makeupFor="2024-04-02")),
        "INVALID_VALUE",
        ["input", "makeupFor"],
    )
    assert (await as_().raw(RECORD, _record_input([w["chem"]], date(2024, 4, 1)))).status_code == 401
    assert await session.scalar(select(func.count()).select_from(DutyRecord)) == before


async def test_corrections_and_withdrawals_keep_history(app: Any, session: AsyncSession, as_: Any) -> None:
    w = await _park_with_leader(session, {"check": MONTHLY})
    other = await f.person(session, name="钱乙")
    await f.grant_role(session, f"person:{other.id}", "admin", w["park"].id)
    await reload(app, session)
    pin(app, date(2024, 5, 2))
    leader = as_(f"person:{w['leader'].id}")
    first = ok(await leader(RECORD, _record_input([w["chem"]], date(2024, 3, 10))))["record"]

    correct = """
    mutation($input: CorrectRecordInput!) {
      correctRecord(input: $input) { record { id performedOn corrects { id } } userErrors { code field message messageEn } }
    }"""
    fix = {
        "recordId": first["id"],
        "reason": "日期录错",
        "record": _record_input([w["chem"]], date(2024, 4, 2))["input"],
    }
    # Only the recorder corrects their record (谁检查、谁签字、谁负责), not even an admin.
    refused(await as_(f"person:{other.id}")(correct, {"input": fix}), "FORBIDDEN", ["input", "recordId"])
    fixed = ok(await leader(correct, {"input": fix}))["record"]
    assert fixed["corrects"] == {"id": first["id"]} and fixed["performedOn"] == "2024-04-02"
    refused(await leader(correct, {"input": fix}), "ALREADY_CORRECTED", ["input", "recordId"])

    body = await leader(
        OBLIGATIONS, {"post": gid("Post", w["deputy"].id), "from": "2024-03-01", "to": "2024-04-30"}
    )
    assert [n["status"] for n in body["data"]["obligations"]["nodes"]] == ["MISSED", "DONE_ON_TIME"]

    withdraw = """
    mutation($input: WithdrawRecordInput!) {
      withdrawRecord(input: $input) { record { id withdrawn isCurrent } userErrors { code field } }
    }"""
    gone = ok(await leader(withdraw, {"input": {"recordId": fixed["id"], "reason": "检查未实际开展"}}))[
        "record"
    ]
    assert gone["withdrawn"] is True and gone["isCurrent"] is False
    body = await leader(
        OBLIGATIONS, {"post": gid("Post", w["deputy"].id), "from": "2024-03-01", "to": "2024-04-30"}
    )
    assert [n["status"] for n in body["data"]["obligations"]["nodes"]] == ["MISSED", "MISSED"]

    history = await leader(
        "query($u: ID!) { current: dutyRecords(unitId: $u) { totalCount } "
        "all: dutyRecords(unitId: $u, includeHistory: true) { totalCount nodes { id isCurrent correctedBy { id } } } }",
        {"u": gid("OrgUnit", w["park"].id)},
    )
    assert history["data"]["current"]["totalCount"] == 0
    rows = history["data"]["all"]["nodes"]
    assert len(rows) == 3 and not any(r["isCurrent"] for r in rows)
    assert rows[0]["correctedBy"] == {"id": fixed["id"]}


async def test_invalid_rules_and_backdated_revisions_are_refused(
    app: Any, session: AsyncSession, client: Any
) -> None:
    t = await f.small_tree(session)
    await session.commit()
    pin(app, date(2024, 3, 15))
    create = """
    mutation($input: CreateDutyListInput!) {
      createDutyList(input: $input) {
        dutyList { id name isTemplate postKinds versions { totalCount } }
        version { id number effectiveFrom items { nodes { key rule { text definition } } } }
        userErrors { code field message messageEn }
      }
    }"""
    base = {
        "code": "park-leaders",
        "name": "园区领导安全生产职责清单（测试）",
        "postKinds": ["PRINCIPAL"],
        "unitId": gid("OrgUnit", t["park"].id),
        "effectiveFrom": "2024-01-01",
    }
    bad = {
        **base,
        "items": [
            {"key": "check", "text": "每月带队检查", "rule": {"kinds": ["INSPECTION"], "every": "FORTNIGHT"}}
        ],
    }
    body = (await client.post("/graphql", json={"query": create, "variables": {"input": bad}})).json()
    refused(body, "INVALID_RULE", ["input", "items", "0", "rule", "every"])
    assert await session.scalar(select(func.count()).select_from(DutyList)) == 0

    good = {**base, "items": [{"key": "check", "text": "每月至少带队检查1次", "rule": MONTHLY}]}
    created = ok((await client.post("/graphql", json={"query": create, "variables": {"input": good}})).json())
    assert created["version"]["number"] == 1
    assert created["version"]["items"]["nodes"][0]["rule"]["text"] == "每月至少1次"

    revise = """
    mutation($input: ReviseDutyListInput!) {
      reviseDutyList(input: $input) { version { number effectiveFrom } userErrors { code field message messageEn } }
    }"""
    quarterly = [
        {
            "key": "check",
            "text": "每季度至少带队检查1次",
            "rule": {"kinds": ["INSPECTION"], "every": "QUARTER"},
        }
    ]
    revision = {"listId": created["dutyList"]["id"], "items": quarterly, "note": "改为每季度"}
    past = {**revision, "effectiveFrom": "2024-03-01"}
    body = (await client.post("/graphql", json={"query": revise, "variables": {"input": past}})).json()
    refused(body, "INVALID_DATE_RANGE", ["input", "effectiveFrom"])
    future = {**revision, "effectiveFrom": "2024-04-01"}
    assert ok((await client.post("/graphql", json={"query": revise, "variables": {"input": future}})).json())[
        "version"
    ] == {"number": 2, "effectiveFrom": "2024-04-01"}

    # Periods keep the version that applied when they started: monthly to March, then quarterly.
    principal = await f.post(session, t["park"], PostKind.PRINCIPAL)
    boss = await f.person(session, name="孙丙")
    await f.assign(session, principal, boss)
    await session.commit()
    pin(app, date(2024, 7, 10))
    body = (
        await client.post(
            "/graphql",
            json={
                "query": OBLIGATIONS,
                "variables": {"post": gid("Post", principal.id), "from": "2024-01-01", "to": "2024-06-30"},
            },
        )
    ).json()
    periods = [(n["periodStart"], n["rule"]["text"]) for n in body["data"]["obligations"]["nodes"]]
    assert periods == [
        ("2024-01-01", "每月至少1次"),
        ("2024-02-01", "每月至少1次"),
        ("2024-03-01", "每月至少1次"),
        ("2024-04-01", "每季度至少1次"),
    ]


async def test_exemption_needs_approval_from_above(app: Any, session: AsyncSession, as_: Any) -> None:
    w = await _park_with_leader(session, {"check": MONTHLY})
    principal = await f.post(session, w["park"], PostKind.PRINCIPAL)
    boss = await f.person(session, name="周戊")
    await f.assign(session, principal, boss)
    district_admin = await f.person(session, name="吴己")
    await f.grant_role(session, f"person:{district_admin.id}", "admin", w["district"].id)
    await reload(app, session)
    pin(app, date(2024, 4, 10))
    leader = as_(f"person:{w['leader'].id}")
    item = await _item_id(leader, w["deputy"].id)

    request = """
    mutation($input: RequestExemptionInput!) {
      requestExemption(input: $input) { record { id kind reason exemptFrom exemptTo decision { approved } }
                                        userErrors { code field message messageEn } }
    }"""
    asked = ok(
        await leader(
            request,
            {
                "input": {
                    "dutyItemId": item,
                    "postId": gid("Post", w["deputy"].id),
                    "from": "2024-03-01",
                    "to": "2024-03-31",
                    "reason": "三月全月外出培训",
                }
            },
        )
    )["record"]
    assert asked["kind"] == "EXEMPTION" and asked["decision"] is None

    decide = """
    mutation($input: DecideExemptionInput!) {
      decideExemption(input: $input) { record { id decision { approved decidedBy decidedByNode { ... on Person { id } } } } userErrors { code field message messageEn } }
    }"""
    # The holder may not decide; the park principal is at the post's own unit, not above it.
    refused(
        await leader(decide, {"input": {"exemptionId": asked["id"], "approve": True}}),
        "FORBIDDEN",
        ["input", "exemptionId"],
    )
    refused(
        await as_(f"person:{boss.id}")(decide, {"input": {"exemptionId": asked["id"], "approve": True}}),
        "FORBIDDEN",
        ["input", "exemptionId"],
    )
    body = await leader(
        OBLIGATIONS, {"post": gid("Post", w["deputy"].id), "from": "2024-03-01", "to": "2024-03-31"}
    )
    assert body["data"]["obligations"]["nodes"][0]["status"] == "MISSED"

    approved = ok(
        await as_(f"person:{district_admin.id}")(
            decide, {"input": {"exemptionId": asked["id"], "approve": True}}
        )
    )["record"]
    decider = gid("Person", district_admin.id)
    assert approved["decision"] == {"approved": True, "decidedBy": decider, "decidedByNode": {"id": decider}}
    body = await leader(
        OBLIGATIONS, {"post": gid("Post", w["deputy"].id), "from": "2024-03-01", "to": "2024-03-31"}
    )
    node = body["data"]["obligations"]["nodes"][0]
    assert (node["status"], node["notApplicableReason"]) == ("NOT_APPLICABLE", "EXEMPTED")
    refused(
        await as_(f"person:{district_admin.id}")(
            decide, {"input": {"exemptionId": asked["id"], "approve": False, "note": "x"}}
        ),
        "ALREADY_ENDED",
        ["input", "exemptionId"],
    )


async def _item_id(caller: Any, post_id: int) -> str:
    body = await caller(
        "query($p: ID!) { postDuties(postId: $p) { nodes { dutyItem { id key } } } }",
        {"p": gid("Post", post_id)},
    )
    (node,) = body["data"]["postDuties"]["nodes"]
    item_id: str = node["dutyItem"]["id"]
    return item_id


async def test_an_agency_records_for_its_contracted_enterprise_only(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    t = await f.small_tree(session)
    expert = await f.person(session, name="郑庚")
    agency = await f.contracted_agency(
        session, expert, t["chem"], date(2024, 1, 1), date(2024, 12, 31), code="HT-1"
    )
    await reload(app, session)
    pin(app, date(2024, 4, 10))
    staff = as_(f"person:{expert.id}")
    done = ok(await staff(RECORD, _record_input([t["chem"]], date(2024, 4, 8))))["record"]
    row = await session.get(DutyRecord, pk(done["id"]))
    assert row is not None and row.agency_id == agency.id
    refused(
        await staff(RECORD, _record_input([t["food"]], date(2024, 4, 8))),
        "NOT_FOUND",
        ["input", "unitIds", "0"],
    )


async def test_the_catalogue_loads_and_a_park_adopts_a_template(
    app: Any, session: AsyncSession, client: Any
) -> None:
    t = await f.small_tree(session)
    counts = await load_requirements(session)
    # 004 附件2's key-work rows are tasks (seeds/tasks), not duty items.
    assert counts["lists"] >= 20 and counts["items"] >= 100
    assert (await load_requirements(session))["lists"] == 0  # loading again adds nothing
    await session.commit()
    pin(app, date(2024, 1, 10))
    templates = (
        await client.post(
            "/graphql",
            json={
                "query": "{ dutyLists(templates: true, first: 100) { totalCount nodes { id code source { file } } } }"
            },
        )
    ).json()["data"]["dutyLists"]
    assert templates["totalCount"] == counts["lists"]
    principal = next(n for n in templates["nodes"] if n["code"] == "004-park-principal")
    assert principal["source"]["file"].startswith("004_")
    adopt = """
    mutation($input: AdoptDutyListTemplateInput!) {
      adoptDutyListTemplate(input: $input) {
        dutyList { code isTemplate template { code } } version { items { totalCount nodes { key text sourceClause rule { text } } } }
        userErrors { code field message messageEn }
      }
    }"""
    adopted = ok(
        (
            await client.post(
                "/graphql",
                json={
                    "query": adopt,
                    "variables": {
                        "input": {
                            "templateId": principal["id"],
                            "unitId": gid("OrgUnit", t["park"].id),
                            "code": "p1-principal",
                            "effectiveFrom": "2024-01-01",
                        }
                    },
                },
            )
        ).json()
    )
    assert adopted["dutyList"] == {
        "code": "p1-principal",
        "isTemplate": False,
        "template": {"code": "004-park-principal"},
    }
    items = adopted["version"]["items"]
    # Seven clauses; a clause that sets two requirements is two items.
    assert items["totalCount"] == 10 and len({n["sourceClause"] for n in items["nodes"]}) == 7
    texts = {n["rule"]["text"] for n in items["nodes"] if n["rule"]}
    assert "每月至少1次" in texts and "每季度至少1次" in texts
