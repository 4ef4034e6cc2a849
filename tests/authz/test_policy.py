"""Policy administration: the service rules (authz/policy.py), its audit rows, that a refused
change writes nothing, and the authorization keys each change marks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz import policy
from authz.authority import Authority
from authz.models import JointResponsibility, Permission, RoleGrant
from domain.actors import SYSTEM
from domain.audit.models import AuditEvent
from domain.changes import take_authz_dirty
from domain.errors import DomainError
from domain.posts.kinds import PostKind
from tests import factories as f

DAY = date(2026, 11, 22)


def codes(exc: pytest.ExceptionInfo[DomainError]) -> list[tuple[str, tuple[str, ...]]]:
    return [(e.code.value, e.field) for e in exc.value.errors]


async def rows(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def events(session: AsyncSession, action: str) -> list[AuditEvent]:
    return list(
        await session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    )


@pytest.fixture
async def tree(session: AsyncSession) -> dict[str, Any]:
    t: dict[str, Any] = await f.small_tree(session)
    t["person"] = await f.person(session, "授权对象甲")
    take_authz_dirty(session)
    return t


async def test_grant_role_validates_every_field_and_writes_nothing_when_refused(
    session: AsyncSession, tree: dict[str, Any]
) -> None:
    before = (await rows(session, RoleGrant), await rows(session, AuditEvent))
    with pytest.raises(DomainError) as exc:
        await policy.grant_role(
            session,
            actor=SYSTEM,
            subject="person:999999",
            role="no_such_role",
            unit_id=999999,
            start_date=DAY,
            end_date=date(2026, 1, 1),
        )
    assert codes(exc) == [
        ("UNKNOWN_SUBJECT", ("subject",)),
        ("UNKNOWN_ROLE", ("role",)),
        ("NOT_FOUND", ("unitId",)),
        ("INVALID_DATE_RANGE", ("endDate",)),
    ]
    for bad in ("someone:1", "person:abc", "client:999999", "person:"):
        with pytest.raises(DomainError) as exc:
            await policy.grant_role(
                session, actor=SYSTEM, subject=bad, role="admin", unit_id=None, start_date=DAY
            )
        assert codes(exc) == [("UNKNOWN_SUBJECT", ("subject",))]
    assert (await rows(session, RoleGrant), await rows(session, AuditEvent)) == before
    assert take_authz_dirty(session) == set()


async def test_grant_and_revoke_role_audit_and_mark_the_subject(
    session: AsyncSession, tree: dict[str, Any]
) -> None:
    subject = f"person:{tree['person'].id}"
    grant = await policy.grant_role(
        session,
        actor=SYSTEM,
        subject=subject,
        role="admin",
        unit_id=tree["park"].id,
        start_date=DAY,
        note=" 试点 ",
    )
    assert (grant.subtree, grant.end_date, grant.note, grant.created_by) == (True, None, "试点", "system")
    assert take_authz_dirty(session) == {subject}
    (event,) = await events(session, "policy.grant_role")
    assert (event.target_type, event.target_id, event.domain) == ("RoleGrant", grant.id, tree["park"].path)
    assert event.before is None and event.after is not None and event.after["role"] == "admin"

    everywhere = await policy.grant_role(
        session,
        actor=SYSTEM,
        subject=subject,
        role="district_reader",
        unit_id=None,
        start_date=DAY,
        subtree=False,
    )
    assert everywhere.subtree is True  # "everywhere" has no node-alone form
    assert (await events(session, "policy.grant_role"))[-1].domain == "/"
    take_authz_dirty(session)

    revoked = await policy.revoke_role_grant(session, actor=SYSTEM, grant_id=grant.id, note="试点结束")
    assert revoked.revoked_at is not None and revoked.revoked_by == "system"
    # The reason for revoking is kept beside the note the grant was made with, not over it.
    assert (revoked.note, revoked.closing_note) == ("试点", "试点结束")
    assert take_authz_dirty(session) == {subject}
    (event,) = await events(session, "policy.revoke_role_grant")
    assert event.before is not None and event.before["revoked_at"] is None
    assert event.after is not None and event.after["revoked_at"] is not None
    assert (event.before["note"], event.after["note"], event.after["closing_note"]) == (
        "试点",
        "试点",
        "试点结束",
    )
    assert event.domain == tree["park"].path

    with pytest.raises(DomainError) as exc:
        await policy.revoke_role_grant(session, actor=SYSTEM, grant_id=grant.id)
    assert codes(exc) == [("ALREADY_REVOKED", ("grantId",))]
    with pytest.raises(DomainError) as exc:
        await policy.revoke_role_grant(session, actor=SYSTEM, grant_id=999999)
    assert codes(exc) == [("NOT_FOUND", ("grantId",))]


async def test_a_revoked_grant_no_longer_gives_the_role(session: AsyncSession, tree: dict[str, Any]) -> None:
    subject = f"person:{tree['person'].id}"
    grant = await policy.grant_role(
        session,
        actor=SYSTEM,
        subject=subject,
        role="admin",
        unit_id=tree["park"].id,
        start_date=date(2026, 1, 1),
    )
    authority = Authority()
    await authority.load(session)
    from domain.clock import today_shanghai

    today = today_shanghai()
    assert authority.enforce(subject, "unit", "write", tree["chem"].path, today)
    await policy.revoke_role_grant(session, actor=SYSTEM, grant_id=grant.id)
    await authority.refresh(session, take_authz_dirty(session))
    assert not authority.enforce(subject, "unit", "write", tree["chem"].path, today)


async def test_permissions_new_roles_duplicates_and_revocation(session: AsyncSession) -> None:
    with pytest.raises(DomainError) as exc:
        await policy.grant_permission(
            session, actor=SYSTEM, role="Bad Name", resource="reactor", action="delete"
        )
    assert codes(exc) == [
        ("INVALID_VALUE", ("role",)),
        ("UNKNOWN_RESOURCE", ("resource",)),
        ("UNKNOWN_ACTION", ("action",)),
    ]
    assert "inspector" not in await policy.known_roles(session)
    line = await policy.grant_permission(
        session, actor=SYSTEM, role="inspector", resource="hazard", action="read"
    )
    assert take_authz_dirty(session) == {"policy"}
    assert "inspector" in await policy.known_roles(session)
    assert await policy.role_templates(session, "inspector") == [("hazard", "read")]
    (event,) = await events(session, "policy.grant_permission")
    assert (event.target_type, event.target_id, event.domain) == ("Permission", line.id, "/")

    with pytest.raises(DomainError) as exc:
        await policy.grant_permission(
            session, actor=SYSTEM, role="inspector", resource="hazard", action="read"
        )
    assert codes(exc) == [("DUPLICATE", ())]

    await policy.revoke_permission(session, actor=SYSTEM, permission_id=line.id)
    assert take_authz_dirty(session) == {"policy"}
    assert "inspector" not in await policy.known_roles(session)
    assert len(await events(session, "policy.revoke_permission")) == 1
    with pytest.raises(DomainError) as exc:
        await policy.revoke_permission(session, actor=SYSTEM, permission_id=line.id)
    assert codes(exc) == [("ALREADY_REVOKED", ("permissionId",))]
    # Revoked, the same line may be made again.
    again = await policy.grant_permission(
        session, actor=SYSTEM, role="inspector", resource="hazard", action="read"
    )
    assert again.id != line.id and await rows(session, Permission) > 0


async def test_joint_responsibility_rules_links_and_keys(session: AsyncSession, tree: dict[str, Any]) -> None:
    park = tree["park"]
    secretary = await f.post(session, park, PostKind.PARTY_SECRETARY, title="党工委书记")
    director = await f.post(session, park, PostKind.COMMITTEE_DIRECTOR, title="管委会主任")
    elsewhere = await f.post(session, tree["safety"], PostKind.DEPARTMENT_HEAD, title="部长")
    take_authz_dirty(session)
    before = (await rows(session, JointResponsibility), await rows(session, AuditEvent))

    with pytest.raises(DomainError) as exc:
        await policy.declare_joint_responsibility(
            session,
            actor=SYSTEM,
            unit_id=park.id,
            post_a_id=secretary.id,
            post_b_id=elsewhere.id,
            start_date=DAY,
        )
    assert codes(exc) == [("INVALID_VALUE", ("postBId",))]
    with pytest.raises(DomainError) as exc:
        await policy.declare_joint_responsibility(
            session,
            actor=SYSTEM,
            unit_id=park.id,
            post_a_id=secretary.id,
            post_b_id=secretary.id,
            start_date=DAY,
        )
    assert codes(exc) == [("INVALID_VALUE", ("postBId",))]
    with pytest.raises(DomainError) as exc:
        await policy.declare_joint_responsibility(
            session, actor=SYSTEM, unit_id=999999, post_a_id=999998, post_b_id=secretary.id, start_date=DAY
        )
    assert codes(exc) == [("NOT_FOUND", ("unitId",)), ("NOT_FOUND", ("postAId",))]
    assert (await rows(session, JointResponsibility), await rows(session, AuditEvent)) == before

    joint = await policy.declare_joint_responsibility(
        session, actor=SYSTEM, unit_id=park.id, post_a_id=secretary.id, post_b_id=director.id, start_date=DAY
    )
    assert take_authz_dirty(session) == {f"post:{secretary.id}", f"post:{director.id}"}
    (event,) = await events(session, "policy.declare_joint")
    assert event.domain == park.path and event.target_type == "JointResponsibility"

    await policy.revoke_joint_responsibility(session, actor=SYSTEM, joint_id=joint.id)
    assert take_authz_dirty(session) == {f"post:{secretary.id}", f"post:{director.id}"}
    assert len(await events(session, "policy.revoke_joint")) == 1
    with pytest.raises(DomainError) as exc:
        await policy.revoke_joint_responsibility(session, actor=SYSTEM, joint_id=joint.id)
    assert codes(exc) == [("ALREADY_REVOKED", ("jointResponsibilityId",))]
