"""`chainVerification`: the evidence chains as an administrator who may read an audit log
sees them, the first broken link named after a row is changed in the database, and a
caller without an audit right refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.chain.sealing import seal_backlog
from tests import factories as f
from tests.api.helpers import error_code, reload
from tests.domain.audit.chain_helpers import tamper, world

QUERY = """query($chains: [String!]) { chainVerification(chains: $chains) {
  checkedAt ok chains { chain length headHash ok unsealedRows firstBrokenLink { seq rowId reason } } } }"""


async def test_an_admin_sees_the_chains_hold_then_the_changed_row(
    gql: Any, session: AsyncSession, app: Any
) -> None:
    await seal_backlog(session)
    w = await world(session)
    await reload(app, session)
    body = await gql(QUERY)
    assert "errors" not in body, body
    result = body["data"]["chainVerification"]
    assert result["ok"] is True
    by_chain = {c["chain"]: c for c in result["chains"]}
    assert by_chain["duty_record"]["length"] >= 1 and len(by_chain["duty_record"]["headHash"]) == 64
    await tamper(
        session, "duty_record", "UPDATE duty_record SET findings = 'x' WHERE id = :id", id=w["record"].id
    )
    await session.commit()
    body = await gql(QUERY, {"chains": ["duty_record"]})
    (status,) = body["data"]["chainVerification"]["chains"]
    assert body["data"]["chainVerification"]["ok"] is False and status["ok"] is False
    assert status["firstBrokenLink"]["rowId"] == str(w["record"].id)
    assert status["firstBrokenLink"]["reason"] == "ROW_CHANGED"


async def test_an_unknown_chain_is_not_found(gql: Any) -> None:
    assert error_code(await gql(QUERY, {"chains": ["person"]})) == "NOT_FOUND"


async def test_a_caller_without_an_audit_right_is_refused(as_: Any, session: AsyncSession, app: Any) -> None:
    someone = await f.person(session, "无权限人员")
    await reload(app, session)
    assert error_code(await as_(f"person:{someone.id}")(QUERY)) == "FORBIDDEN"


async def test_a_district_admin_may_verify(as_: Any, session: AsyncSession, app: Any) -> None:
    district = await f.district(session)
    admin = await f.person(session, "区管理员")
    await f.grant_role(session, f"person:{admin.id}", "admin", district.id)
    await seal_backlog(session)
    await reload(app, session)
    body = await as_(f"person:{admin.id}")(QUERY, {"chains": ["audit_event"]})
    assert "errors" not in body, body
    assert body["data"]["chainVerification"]["ok"] is True


async def test_mutations_of_one_request_are_sealed_with_it(gql: Any, session: AsyncSession) -> None:
    """The second mutation runs in a savepoint, the third fails in its own: the entries the
    request kept are sealed when it commits, and nothing it undid."""
    from sqlalchemy import func, select

    from domain.audit.chain.models import ChainLink
    from domain.audit.models import AuditEvent

    t = await f.small_tree(session)
    await seal_backlog(session)
    await session.commit()
    body = await gql(
        """mutation($a: CreateUnitInput!, $b: CreateUnitInput!, $c: CreateUnitInput!) {
             a: createUnit(input: $a) { userErrors { code } }
             b: createUnit(input: $b) { userErrors { code } }
             c: createUnit(input: $c) { userErrors { code } } }""",
        {
            "a": {
                "kind": "DEPARTMENT",
                "code": "DZ",
                "name": "党政办",
                "parentId": f.gid("OrgUnit", t["park"].id),
            },
            "b": {
                "kind": "DEPARTMENT",
                "code": "JJ",
                "name": "经济发展局",
                "parentId": f.gid("OrgUnit", t["park"].id),
            },
            "c": {
                "kind": "DEPARTMENT",
                "code": "DZ",
                "name": "重复",
                "parentId": f.gid("OrgUnit", t["park"].id),
            },
        },
    )
    assert [body["data"][k]["userErrors"] for k in "abc"][:2] == [[], []], body
    assert body["data"]["c"]["userErrors"][0]["code"] == "DUPLICATE_CODE"
    links = await session.scalar(select(func.count()).where(ChainLink.chain == "audit_event"))
    assert links == await session.scalar(select(func.count()).select_from(AuditEvent))
    result = await gql(QUERY, {"chains": ["audit_event"]})
    assert result["data"]["chainVerification"]["ok"] is True
