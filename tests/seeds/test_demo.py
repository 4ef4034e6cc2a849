"""The demo dataset loads through the domain services and serves the 挂牌公示 board."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.kinds import PostKind
from domain.posts.models import Post
from domain.tree.models import OrgUnit
from seeds.loader import DEMO_FILE, load_dataset
from tests import factories as f
from tests.seeds.demo_task_checks import assert_tasks_in_every_state

# SHA-256 prefixes of the officials' names and the phone numbers in the source documents.
# Only digests are kept, so the repository never holds those names or numbers; the test
# hashes every 2–9 character piece of the demo file and looks for them.
FORBIDDEN_DIGESTS = frozenset(
    {
        "d4ed8dd584b07e83", "02c361bc3329432b", "83a56c42239c557b", "f0c141f6e0f1e200",
        "4356d4d2a886ff4e", "0a7baa50ad2b4f24", "f1c4e19f3fc9573d", "3fbb4a2bdd33c088",
        "79af3e7f1b5e47db", "17c9ce1ef16a6f5b", "5050b3aff5ef5afe", "f3f7d268d159c74c",
        "0207885a5664a14c", "04e8ede5457ca7c7", "e059379f0b2c32d0", "579690b1e1981531",
        "be3326110995bda0",
    }
)  # fmt: skip


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_demo_data_is_plainly_fictional() -> None:
    text = DEMO_FILE.read_text(encoding="utf-8")
    pieces = {text[i : i + n] for n in range(2, 10) for i in range(len(text) - n + 1)}
    assert not {_digest(p) for p in pieces} & FORBIDDEN_DIGESTS
    # Fictional markers: phones in the 1380000xxxx block, region code 999999, （演示） names.
    assert "1380000" in text and "999999" in text and "（演示）" in text


def test_the_digest_check_would_catch_a_forbidden_piece() -> None:
    # Built from two halves so the number itself is not written here.
    assert _digest("6127" + "1226") in FORBIDDEN_DIGESTS


BOARD = """
query Board($park: ID!, $on: Date) {
  placardBoard(parkId: $park, on: $on, first: 100) {
    totalCount
    edges { node {
      enterprise { name enterprise { placarded trade } }
      administrative { person { name } post { kind } }
      supervisory { person { name } post { kind } }
      enterpriseResponsible { person { name } post { kind } }
    } }
  }
}
"""


async def test_demo_loads_and_the_board_shows_three_responsible_persons(
    session: AsyncSession, gql: Any, app: Any
) -> None:
    counts = await load_dataset(session, today=f.TODAY)
    await session.flush()
    assert counts["enterprises"] >= 40 and counts["people"] >= 100
    assert counts["records"] > 10_000 and counts["exemptions"] == 1 and counts["corrections"] == 2
    assert counts["work_lists"] >= 1 and counts["task_events"] >= 10
    await assert_tasks_in_every_state(session, f.TODAY)
    park = (await session.scalars(select(OrgUnit).where(OrgUnit.code == "ZY"))).one()

    body = await gql(BOARD, {"park": f.gid("OrgUnit", park.id), "on": "2026-06-01"})
    board = body["data"]["placardBoard"]
    assert board["totalCount"] >= 5
    assert len(board["edges"]) == board["totalCount"]
    for edge in board["edges"]:
        node = edge["node"]
        assert node["enterprise"]["enterprise"]["placarded"] is True
        assert node["administrative"]["post"]["kind"] == "ADMINISTRATIVE_RESPONSIBLE"
        assert node["supervisory"]["post"]["kind"] == "SUPERVISORY_RESPONSIBLE"
        assert node["enterpriseResponsible"]["post"]["kind"] == "ENTERPRISE_RESPONSIBLE"
        assert all(
            node[k]["person"]["name"] for k in ("administrative", "supervisory", "enterpriseResponsible")
        )

    # Before the responsible persons were named (2023-08-01) the board lists the
    # enterprises with nobody in those posts.
    early = await gql(BOARD, {"park": f.gid("OrgUnit", park.id), "on": "2023-07-01"})
    assert all(e["node"]["administrative"] is None for e in early["data"]["placardBoard"]["edges"])

    # A year of records: every status a frontend must show is there.
    app.state.clock = lambda: f.TODAY
    year = await gql(
        """query($park: ID!, $from: Date!, $to: Date!) {
          obligations(unitId: $park, includeDescendants: true, from: $from, to: $to, first: 1) {
            totalCount summary { doneOnTime doneLate missed due notYetDue notApplicable }
          }
          dutyRecords(unitId: $park, from: $from, to: $to, first: 1) { totalCount }
          criticalPeriods { totalCount }
        }""",
        {"park": f.gid("OrgUnit", park.id), "from": "2025-11-23", "to": "2026-11-22"},
    )
    summary = year["data"]["obligations"]["summary"]
    assert summary["doneOnTime"] > summary["doneLate"] > 0 and summary["missed"] > 0
    assert summary["due"] > 0 and summary["notApplicable"] > 0
    assert summary["doneOnTime"] > 0.7 * year["data"]["obligations"]["totalCount"]
    assert year["data"]["dutyRecords"]["totalCount"] > 10_000
    assert year["data"]["criticalPeriods"]["totalCount"] >= 2

    # October 2026: the committee director post changed hands on the 10th; the outgoing
    # holder led the month's inspection on the 5th. The post did its month, in both shares.
    director = (
        await session.scalars(
            select(Post).where(Post.unit_id == park.id, Post.kind == PostKind.COMMITTEE_DIRECTOR.value)
        )
    ).one()
    october = await gql(
        """query($post: ID!) {
          obligations(postId: $post, from: "2026-10-01", to: "2026-10-31", first: 50) {
            edges { node { status shareStart shareEnd dueDate answering heldDays
              dutyItem { key } person { name } onTimeRecords { performedOn } } }
          }
        }""",
        {"post": f.gid("Post", director.id)},
    )
    shares = [
        e["node"]
        for e in october["data"]["obligations"]["edges"]
        if e["node"]["dutyItem"]["key"] == "004-park-principal-6b"
    ]
    assert sorted((s["shareStart"], s["shareEnd"], s["answering"]) for s in shares) == [
        ("2026-10-01", "2026-10-09", True),
        ("2026-10-10", "2026-10-31", False),
    ]
    for share in shares:
        assert share["status"] == "DONE_ON_TIME" and share["dueDate"] == "2026-10-31"
        assert share["onTimeRecords"] == [{"performedOn": "2026-10-05"}]
    assert {s["person"]["name"] for s in shares} >= {"新任主任（演示）"}

    # A realistic ledger: open, overdue, closed, major and general hazards.
    ledger = await gql(
        """query($park: ID!) {
          hazardStats(unitId: $park) { total open overdue majorOpen closed byState { state count } }
          majors: hazards(unitId: $park, filter: {grades: [MAJOR]}) { totalCount }
          majorHazardBoard(parkId: $park) { totalCount nodes { plan { deadline } } }
        }""",
        {"park": f.gid("OrgUnit", park.id)},
    )
    stats = ledger["data"]["hazardStats"]
    assert stats["total"] >= 15 and stats["open"] > 0 and stats["overdue"] > 0 and stats["closed"] > 0
    assert 0 < ledger["data"]["majors"]["totalCount"] < stats["total"]
    assert counts["hazards"] >= 30


async def test_demo_access_admins_agencies_and_clients(session: AsyncSession, app: Any, gql: Any) -> None:
    """The demo's agency staff see their contract's five enterprises; the expired contract
    gives nothing; the district system reads the whole district; the admins hold their grants."""
    from datetime import timedelta

    import httpx

    from authz.credentials import mint_token
    from authz.demo import demo_subjects
    from authz.models import AgencyContract, AgencyMember, RoleGrant, ServiceClient
    from domain.clock import today_shanghai

    counts = await load_dataset(session, today=today_shanghai())
    assert counts["role_grants"] == 2 and counts["agencies"] == 2 and counts["contracts"] == 2
    assert counts["clients"] == 2
    await session.commit()
    await app.state.authority.load(session)

    grants = (await session.scalars(select(RoleGrant).order_by(RoleGrant.id))).all()
    district = (await session.scalars(select(OrgUnit).where(OrgUnit.code == "YS"))).one()
    assert [(g.role, g.unit_id) for g in grants][-2:] == [("admin", district.id), ("admin", None)]
    contracts = (await session.scalars(select(AgencyContract).order_by(AgencyContract.id))).all()
    today = today_shanghai()
    assert contracts[0].start_date < today < contracts[0].end_date
    assert contracts[1].end_date < today - timedelta(days=300)

    logins = {login.label.split("（")[0]: login.subject for login in await demo_subjects(session)}
    assert len(logins) == 11, logins

    async def ask(subject: str, query: str) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {mint_token(app.state.settings, subject)}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            response = await c.post("/graphql", json={"query": query}, headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    enterprises = "{ units(filter: {kinds: [ENTERPRISE]}) { totalCount } }"
    staff = await ask(logins["第三方机构人员"], enterprises)
    assert staff["data"]["units"]["totalCount"] == 5
    agency_system = await ask(logins["第三方机构系统"], enterprises)
    assert agency_system["data"]["units"]["totalCount"] == 5
    former = (
        await session.scalars(select(AgencyMember).where(AgencyMember.agency_id == contracts[1].agency_id))
    ).one()
    assert (await ask(f"person:{former.person_id}", enterprises))["data"]["units"]["totalCount"] == 0
    everything = (await ask(logins["平台管理员"], enterprises))["data"]["units"]["totalCount"]
    assert everything == counts["enterprises"]
    assert (await ask(logins["区级系统"], enterprises))["data"]["units"]["totalCount"] == everything
    assert (await ask(logins["区管理员"], enterprises))["data"]["units"]["totalCount"] == everything
    district_client = (
        await session.scalars(select(ServiceClient).where(ServiceClient.unit_id == district.id))
    ).one()
    assert logins["区级系统"] == district_client.subject
    contracts_seen = await ask(
        logins["区管理员"], "{ agencyContracts { totalCount } serviceClients { totalCount } }"
    )
    assert contracts_seen["data"] == {
        "agencyContracts": {"totalCount": 2},
        "serviceClients": {"totalCount": 1},
    }
