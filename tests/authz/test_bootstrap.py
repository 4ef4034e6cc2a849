"""Which grants make a platform administrator "already there" for `create-admin`, and that
a refused or invalid bootstrap writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.bootstrap import AdminExists, create_platform_admin, platform_admins
from authz.models import RoleGrant
from authz.policy import revoke_role_grant
from domain.actors import SYSTEM
from domain.audit.models import AuditEvent
from domain.errors import DomainError
from domain.people.models import Person
from tests import factories as f

TODAY = f.TODAY


async def _count(session: AsyncSession, model: type[Person] | type[AuditEvent] | type[RoleGrant]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_only_an_admin_grant_over_everything_in_force_counts(session: AsyncSession) -> None:
    tree = await f.small_tree(session)
    someone = await f.person(session)
    subject = f"person:{someone.id}"
    await f.grant_role(session, subject, "admin", tree["district"].id)  # a district admin
    await f.grant_role(session, subject, "principal")  # everywhere, but not admin
    await f.grant_role(session, subject, "admin", end=TODAY - timedelta(days=1))  # ended
    await f.grant_role(session, subject, "admin", start=TODAY + timedelta(days=1))  # not yet
    revoked = await f.grant_role(session, subject, "admin")
    await revoke_role_grant(session, actor=SYSTEM, grant_id=revoked.id)
    assert await platform_admins(session, TODAY) == []
    client = await f.make_client(session)
    await f.grant_role(session, client.subject, "admin", end=TODAY)
    assert await platform_admins(session, TODAY) == [client.subject]
    # Tomorrow the client's grant has ended and the one that had not begun holds.
    assert await platform_admins(session, TODAY + timedelta(days=1)) == [subject]


async def test_a_second_bootstrap_is_refused_unless_asked_for(session: AsyncSession) -> None:
    first = await create_platform_admin(
        session, actor=SYSTEM, name="甲管理员（演示）", id_number=f.id_number(), phone=None, today=TODAY
    )
    assert first.others == [] and first.grant.unit_id is None and first.grant.role == "admin"
    before = [await _count(session, m) for m in (Person, AuditEvent, RoleGrant)]
    with pytest.raises(AdminExists) as refused:
        await create_platform_admin(
            session, actor=SYSTEM, name="乙管理员（演示）", id_number=f.id_number(), phone=None, today=TODAY
        )
    assert refused.value.subjects == [f"person:{first.person.id}"]
    with pytest.raises(DomainError) as invalid:
        await create_platform_admin(
            session, actor=SYSTEM, name="\u3000", id_number="1", phone="x", today=TODAY, another=True
        )
    assert {e.field for e in invalid.value.errors} == {("name",), ("idNumber",), ("phone",)}
    assert [await _count(session, m) for m in (Person, AuditEvent, RoleGrant)] == before
    second = await create_platform_admin(
        session,
        actor=SYSTEM,
        name="乙管理员（演示）",
        id_number=f.id_number(),
        phone=None,
        today=date(2026, 12, 1),
        another=True,
    )
    assert second.others == [f"person:{first.person.id}"]
