"""Public tip-offs: filed without an account, rate-limited, followed by a code that shows
the status alone; the reporter's contact is seen by the park safety office and nobody else."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.models import AuditEvent
from domain.hazards.models import HazardCategory
from domain.posts.kinds import PostKind
from seeds.hazard_categories import load_hazard_categories
from tests import factories as f
from tests.api.helpers import ok, refused, reload
from tests.factories import gid

CONTACT = "微信 demo-reporter-0001"

TIPS = """query { tipOffs { totalCount nodes { id content contact status hazard { id source description } } } }"""

TRIAGE = """mutation($input: TriageTipOffInput!) {
  triageTipOff(input: $input) { tipOff { id status tipOffStatus hazard { id source state } } userErrors { code field message messageEn } }
}"""


async def _world(session: AsyncSession) -> dict[str, Any]:
    t = await f.small_tree(session)
    await load_hazard_categories(session)
    office = await f.person(session, name="安全办（演示）")
    await f.grant_role(session, f"person:{office.id}", "admin", t["park"].id)
    head = await f.person(session, name="部室负责人（演示）")
    await f.assign(session, await f.post(session, t["safety"], PostKind.DEPARTMENT_HEAD), head)
    district_reader = await f.person(session, name="区级人员（演示）")
    await f.grant_role(session, f"person:{district_reader.id}", "district_reader", t["district"].id)
    lane = await session.scalar(select(HazardCategory.id).where(HazardCategory.code == "fire-lane"))
    return {**t, "office": office, "head": head, "reader": district_reader, "lane": lane}


async def test_a_tip_off_without_an_account_and_its_confidential_contact(
    app: Any, session: AsyncSession, http: httpx.AsyncClient, as_: Any
) -> None:
    w = await _world(session)
    await reload(app, session)
    app.state.clock = lambda: date(2026, 6, 1)
    filed = await http.post(
        "/public/tip-offs",
        json={
            "parkId": gid("OrgUnit", w["park"].id),
            "content": "乙食品厂消防通道被货物堵死",
            "contact": CONTACT,
        },
    )
    assert filed.status_code == 201, filed.text
    code = filed.json()["trackingCode"]
    assert set(filed.json()) == {"trackingCode", "status"} and filed.json()["status"] == "RECEIVED"
    assert (await http.get(f"/public/tip-offs/{code}")).json() == {"trackingCode": code, "status": "RECEIVED"}
    assert (await http.get("/public/tip-offs/NOSUCHCODE00")).status_code == 404

    office, head, reader = (as_(f"person:{w[k].id}") for k in ("office", "head", "reader"))
    seen = (await office(TIPS))["data"]["tipOffs"]
    assert seen["totalCount"] == 1 and seen["nodes"][0]["contact"] == CONTACT
    tip_id = seen["nodes"][0]["id"]
    # Nobody else sees the tip-off, let alone its reporter, by list or by ID.
    for other in (head, reader):
        assert (await other(TIPS))["data"]["tipOffs"]["totalCount"] == 0
        assert (await other("query($id: ID!) { node(id: $id) { id } }", {"id": tip_id}))["data"][
            "node"
        ] is None
        refused(
            await other(TRIAGE, {"input": {"tipOffId": tip_id, "accept": False, "reason": "x"}}),
            "NOT_FOUND",
            ["input", "tipOffId"],
        )

    accept = {
        "tipOffId": tip_id,
        "accept": True,
        "unitId": gid("OrgUnit", w["chem"].id),
        "categoryId": gid("HazardCategory", w["lane"]),
        "grade": "GENERAL",
    }
    refused(await office(TRIAGE, {"input": accept}), "REQUIRED", ["input", "title"])
    accept["title"] = "消防通道堵塞（举报）"
    accepted = ok(await office(TRIAGE, {"input": accept}))["tipOff"]
    assert accepted["status"] == "ACCEPTED" and accepted["hazard"]["source"] == "TIP_OFF"
    assert accepted["tipOffStatus"] == "ACCEPTED"
    by_status = await office(
        "{ a: tipOffs(tipOffStatuses: [ACCEPTED]) { totalCount nodes { tipOffStatus } } "
        "r: tipOffs(tipOffStatuses: [RECEIVED, DISMISSED]) { totalCount } }"
    )
    assert by_status["data"]["a"] == {"totalCount": 1, "nodes": [{"tipOffStatus": "ACCEPTED"}]}
    assert by_status["data"]["r"]["totalCount"] == 0
    assert (await http.get(f"/public/tip-offs/{code}")).json()["status"] == "IN_PROGRESS"

    # The hazard the supervising side works on carries the content, not the reporter.
    hazard = await head(
        "query($id: ID!) { node(id: $id) { ... on Hazard { description foundBy finder { id }"
        " foundByNode { __typename ... on Person { id } } } } }",
        {"id": accepted["hazard"]["id"]},
    )
    office_id = gid("Person", w["office"].id)
    assert hazard["data"]["node"]["foundBy"] == office_id
    # The finder as a node: null where the caller may not see them, as `finder` is.
    assert hazard["data"]["node"]["foundByNode"] == (
        {"__typename": "Person", **hazard["data"]["node"]["finder"]}
        if hazard["data"]["node"]["finder"]
        else None
    )
    own = await office(
        "query($id: ID!) { node(id: $id) { ... on Hazard { foundByNode { __typename ... on Person { id } } } } }",
        {"id": accepted["hazard"]["id"]},
    )
    assert own["data"]["node"]["foundByNode"] == {"__typename": "Person", "id": office_id}
    dumped = str(hazard) + str(
        [(e.before, e.after) for e in (await session.scalars(select(AuditEvent))).all()]
    )
    assert CONTACT not in dumped
    refused(
        await office(TRIAGE, {"input": {"tipOffId": tip_id, "accept": False, "reason": "x"}}),
        "ALREADY_ENDED",
        ["input", "tipOffId"],
    )


async def test_tip_offs_are_rate_limited_and_checked(
    app: Any, session: AsyncSession, http: httpx.AsyncClient
) -> None:
    w = await _world(session)
    await session.commit()
    park = gid("OrgUnit", w["park"].id)
    bad = await http.post("/public/tip-offs", json={"parkId": gid("OrgUnit", w["chem"].id), "content": " "})
    assert bad.status_code == 400
    assert {(e["extensions"]["code"], tuple(e["extensions"]["field"])) for e in bad.json()["errors"]} == {
        ("NOT_FOUND", ("parkId",)),
        ("REQUIRED", ("content",)),
    }
    assert (await http.post("/public/tip-offs", content=b"not json")).status_code == 400
    for n in range(5):
        assert (
            await http.post("/public/tip-offs", json={"parkId": park, "content": f"举报{n}"})
        ).status_code == 201
    limited = await http.post("/public/tip-offs", json={"parkId": park, "content": "再举报"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    (error,) = limited.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED" and error["extensions"]["retryable"] is True
    assert error["code"] == "RATE_LIMITED"  # the deprecated top-level copy, for older clients


async def test_a_retried_tip_off_with_its_idempotency_key_is_filed_once(
    app: Any, session: AsyncSession, http: httpx.AsyncClient
) -> None:
    from domain.hazards.models import TipOff

    w = await _world(session)
    await reload(app, session)
    before = len((await session.scalars(select(TipOff.id))).all())
    body = {"parkId": gid("OrgUnit", w["park"].id), "content": "仓库门口堆放易燃纸箱（演示）"}
    key = {"Idempotency-Key": "0b6c8f0e-6a43-4c38-9a2e-tipoff000001"}
    first = await http.post("/public/tip-offs", json=body, headers=key)
    again = await http.post("/public/tip-offs", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["trackingCode"] == first.json()["trackingCode"]
    other = await http.post("/public/tip-offs", json={**body, "content": "另一件事（演示）"}, headers=key)
    assert other.status_code == 422
    assert other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    malformed = await http.post("/public/tip-offs", json=body, headers={"Idempotency-Key": "a b"})
    assert malformed.status_code == 400
    assert len((await session.scalars(select(TipOff.id))).all()) == before + 1
