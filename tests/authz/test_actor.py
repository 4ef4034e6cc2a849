"""Who the authorization services record: the actor they are given (`actor=`), in the rows
they write (`created_by`, `revoked_by`, `disabled_by`) and in the audit log (subject and
request id)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz import agencies, clients, policy
from authz.models import ClientKind
from domain.actors import Actor
from domain.audit.models import AuditEvent
from tests import factories as f

DAY = date(2026, 11, 22)
ADMIN = Actor("person:7", person_id=7, request_id="req-actor-1")


async def audited(session: AsyncSession, action: str) -> list[tuple[str, str | None]]:
    rows = await session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    )
    return [(e.actor, e.request_id) for e in rows]


async def test_policy_writes_record_the_actor_passed_in(session: AsyncSession) -> None:
    tree = await f.small_tree(session)
    someone = await f.person(session, "授权对象乙")
    grant = await policy.grant_role(
        session,
        actor=ADMIN,
        subject=f"person:{someone.id}",
        role="admin",
        unit_id=tree["park"].id,
        start_date=DAY,
    )
    revoked = await policy.revoke_role_grant(session, actor=Actor("cli"), grant_id=grant.id)
    assert (revoked.created_by, revoked.revoked_by) == ("person:7", "cli")
    assert await audited(session, "policy.grant_role") == [("person:7", "req-actor-1")]
    assert await audited(session, "policy.revoke_role_grant") == [("cli", None)]


async def test_agency_and_client_writes_record_the_actor_passed_in(session: AsyncSession) -> None:
    agency = await agencies.create_agency(
        session, actor=ADMIN, name="安评机构丙", credit_code=f.credit_code()
    )
    client = await clients.create_client(
        session, actor=ADMIN, name="机构系统", kind=ClientKind.AGENCY, agency_id=agency.id
    )
    disabled = await clients.disable_client(session, actor=ADMIN, client_id=client.id)
    assert (agency.created_by, disabled.created_by, disabled.disabled_by) == ("person:7",) * 3
    for action in ("agency.create", "client.create", "client.disable"):
        assert await audited(session, action) == [("person:7", "req-actor-1")]
