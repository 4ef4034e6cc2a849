"""Policy administration: role grants (`g` lines an admin makes), role templates (`p` lines)
and 党政同责 declarations.

Contract of every function here: validate the whole input first (all field errors at
once, `ErrorCollector`), then write one row (or fill its `revoked_*` once), write one audit
event in the same transaction (before/after snapshots; domain = the unit's path, or "/"
for what holds everywhere), and mark the authorization keys the change touches
(`domain.changes`) so that every process refreshes after the commit. Nothing is committed
here; on an error nothing is written.

Who may call these is the caller's business (the API checks it through the enforcer,
`api/admin/guards.py`): this module only knows what a valid policy is.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.catalogue import ROLE_NAME_RE, Action, Resource
from authz.domains import ROOT_DOMAIN
from authz.models import JointResponsibility, Permission, RoleGrant, ServiceClient
from domain.actors import Actor
from domain.audit.service import insert_audited, record_row, row_snapshot
from domain.changes import mark_authz_dirty
from domain.db import utcnow
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.inputs import clean_text
from domain.people.models import Person
from domain.posts.models import Post
from domain.tree.models import OrgUnit

SUBJECT_KINDS = ("person", "client")


# --- reading the policy -----------------------------------------------------------------


async def known_roles(session: AsyncSession) -> set[str]:
    """Roles that exist: those with at least one active template (`p` line)."""
    rows = await session.scalars(select(Permission.role).where(Permission.revoked_at.is_(None)).distinct())
    return set(rows)


async def role_templates(session: AsyncSession, role: str) -> list[tuple[str, str]]:
    """The (resource, action) pairs the role's active templates allow."""
    rows = await session.execute(
        select(Permission.resource, Permission.action)
        .where(Permission.role == role, Permission.revoked_at.is_(None))
        .order_by(Permission.id)
    )
    return list(dict.fromkeys((r, a) for r, a in rows.all()))


def parse_subject(subject: str) -> tuple[str, int] | None:
    """("person", 3) for "person:3"; None if it is not a subject's form."""
    kind, _, raw = subject.partition(":")
    if kind not in SUBJECT_KINDS or not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return None
    return kind, int(raw)


async def subject_exists(session: AsyncSession, subject: str) -> bool:
    parsed = parse_subject(subject)
    if parsed is None:
        return False
    kind, row_id = parsed
    model = Person if kind == "person" else ServiceClient
    return await session.scalar(select(model.id).where(model.id == row_id)) is not None


async def unit_path(session: AsyncSession, unit_id: int | None) -> str | None:
    """The unit's path; ROOT_DOMAIN for None (everywhere); None if there is no such unit."""
    if unit_id is None:
        return ROOT_DOMAIN
    return await session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))


def _clean_note(errors: ErrorCollector, note: str | None) -> str | None:
    return clean_text(errors, "note", note, label_zh="备注", label_en="Note", max_length=500, required=False)


PolicyRow = TypeVar("PolicyRow", RoleGrant, Permission, JointResponsibility)


async def _revoke(
    session: AsyncSession,
    model: type[PolicyRow],
    row_id: int,
    note: str | None,
    *,
    actor: Actor,
    field: str,
    what: tuple[str, str],
) -> tuple[PolicyRow, dict[str, Any]]:
    """Revoking is the one change a policy row ever gets: who, when and why are filled in
    once; what the row said stays as it was. Returns the row and its snapshot before."""
    what_zh, what_en = what
    row = await session.get(model, row_id)
    if row is None:
        raise not_found(field, what_zh, what_en)
    if row.revoked_at is not None:
        raise DomainError.one(
            ErrorCode.ALREADY_REVOKED,
            field,
            f"该{what_zh}已撤销",
            f"The {what_en.lower()} is already revoked",
        )
    errors = ErrorCollector()
    clean_note = _clean_note(errors, note)
    errors.raise_if_any()
    before = row_snapshot(row)
    row.revoked_at = utcnow()
    row.revoked_by = actor.subject
    row.closing_note = clean_note or None
    await session.flush()
    return row, before


# --- role grants ------------------------------------------------------------------------


async def grant_role(
    session: AsyncSession,
    *,
    actor: Actor,
    subject: str,
    role: str,
    unit_id: int | None,
    start_date: date,
    subtree: bool = True,
    end_date: date | None = None,
    note: str | None = None,
) -> RoleGrant:
    """`subject` holds `role` at the unit (its subtree unless `subtree` is false), or
    everywhere when `unit_id` is None, from `start_date` to `end_date` inclusive."""
    errors = ErrorCollector()
    if not await subject_exists(session, subject):
        errors.add(
            ErrorCode.UNKNOWN_SUBJECT,
            "subject",
            "授权对象不存在（须为人员或接入客户端）",
            "The subject does not exist (it must be a person or a service client)",
        )
    if role not in await known_roles(session):
        errors.add(
            ErrorCode.UNKNOWN_ROLE,
            "role",
            f"角色“{role}”不存在（没有任何有效权限）",
            f"There is no role '{role}' (it has no active permission)",
        )
    path = await unit_path(session, unit_id)
    if path is None:
        errors.extend(not_found("unitId", "组织单元", "Unit"))
    if end_date is not None and end_date < start_date:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "endDate",
            "结束日期不能早于开始日期",
            "The end date cannot be before the start date",
        )
    clean_note = _clean_note(errors, note)
    errors.raise_if_any()
    assert path is not None
    grant = RoleGrant(
        subject=subject,
        role=role,
        unit_id=unit_id,
        subtree=subtree if unit_id is not None else True,
        start_date=start_date,
        end_date=end_date,
        note=clean_note,
        created_by=actor.subject,
    )
    await insert_audited(session, grant, "policy.grant_role", path, actor=actor)
    mark_authz_dirty(session, subject)
    return grant


async def revoke_role_grant(
    session: AsyncSession, *, actor: Actor, grant_id: int, note: str | None = None
) -> RoleGrant:
    """End a grant at once: it last held the day before (see authz.links)."""
    grant, before = await _revoke(
        session, RoleGrant, grant_id, note, actor=actor, field="grantId", what=("角色授权", "Role grant")
    )
    path = await unit_path(session, grant.unit_id)
    await record_row(session, "policy.revoke_role_grant", grant, path or ROOT_DOMAIN, before, actor=actor)
    mark_authz_dirty(session, grant.subject)
    return grant


# --- role templates ---------------------------------------------------------------------


async def grant_permission(
    session: AsyncSession, *, actor: Actor, role: str, resource: str, action: str, note: str | None = None
) -> Permission:
    """A new template: holders of `role` may do `action` on `resource` wherever they hold it.
    A new role name makes a new role."""
    errors = ErrorCollector()
    if not ROLE_NAME_RE.match(role):
        errors.add(
            ErrorCode.INVALID_VALUE,
            "role",
            "角色名须以小写字母开头，只含小写字母、数字和下划线，2至40个字符",
            "A role name is 2 to 40 lowercase letters, digits or underscores, starting with a letter",
        )
    if resource not in {r.value for r in Resource}:
        errors.add(ErrorCode.UNKNOWN_RESOURCE, "resource", "资源类型不存在", f"Unknown resource '{resource}'")
    if action not in {a.value for a in Action}:
        errors.add(ErrorCode.UNKNOWN_ACTION, "action", "操作不存在", f"Unknown action '{action}'")
    clean_note = _clean_note(errors, note)
    if not errors.errors:
        same = await session.scalar(
            select(Permission.id).where(
                Permission.role == role,
                Permission.resource == resource,
                Permission.action == action,
                Permission.revoked_at.is_(None),
            )
        )
        if same is not None:
            errors.add(
                ErrorCode.DUPLICATE,
                (),
                "该角色已有相同的有效权限",
                "The role already has this permission",
            )
    errors.raise_if_any()
    permission = Permission(
        role=role, resource=resource, action=action, note=clean_note, created_by=actor.subject
    )
    await insert_audited(session, permission, "policy.grant_permission", ROOT_DOMAIN, actor=actor)
    mark_authz_dirty(session, "policy")
    return permission


async def revoke_permission(
    session: AsyncSession, *, actor: Actor, permission_id: int, note: str | None = None
) -> Permission:
    permission, before = await _revoke(
        session,
        Permission,
        permission_id,
        note,
        actor=actor,
        field="permissionId",
        what=("权限", "Permission"),
    )
    await record_row(session, "policy.revoke_permission", permission, ROOT_DOMAIN, before, actor=actor)
    mark_authz_dirty(session, "policy")
    return permission


# --- 党政同责 declarations ----------------------------------------------------------------


async def declare_joint_responsibility(
    session: AsyncSession,
    *,
    actor: Actor,
    unit_id: int,
    post_a_id: int,
    post_b_id: int,
    start_date: date,
    note: str | None = None,
) -> JointResponsibility:
    """The holders of both posts (of that unit) are principals of its subtree from
    `start_date` (authz.links derives the links)."""
    errors = ErrorCollector()
    path = await session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))
    if path is None:
        errors.extend(not_found("unitId", "组织单元", "Unit"))
    for field, post_id in (("postAId", post_a_id), ("postBId", post_b_id)):
        post_unit = await session.scalar(select(Post.unit_id).where(Post.id == post_id))
        if post_unit is None:
            errors.extend(not_found(field, "岗位", "Post"))
        elif path is not None and post_unit != unit_id:
            errors.add(
                ErrorCode.INVALID_VALUE,
                field,
                "该岗位不属于此单元",
                "The post does not belong to this unit",
            )
    if post_a_id == post_b_id:
        errors.add(
            ErrorCode.INVALID_VALUE,
            "postBId",
            "党政同责须为两个不同的岗位",
            "A joint responsibility names two different posts",
        )
    clean_note = _clean_note(errors, note)
    errors.raise_if_any()
    assert path is not None
    joint = JointResponsibility(
        unit_id=unit_id,
        post_a_id=post_a_id,
        post_b_id=post_b_id,
        start_date=start_date,
        note=clean_note,
        created_by=actor.subject,
    )
    await insert_audited(session, joint, "policy.declare_joint", path, actor=actor)
    mark_authz_dirty(session, f"post:{post_a_id}", f"post:{post_b_id}")
    return joint


async def revoke_joint_responsibility(
    session: AsyncSession, *, actor: Actor, joint_id: int, note: str | None = None
) -> JointResponsibility:
    joint, before = await _revoke(
        session,
        JointResponsibility,
        joint_id,
        note,
        actor=actor,
        field="jointResponsibilityId",
        what=("党政同责声明", "Joint responsibility"),
    )
    path = await session.scalar(select(OrgUnit.path).where(OrgUnit.id == joint.unit_id))
    await record_row(session, "policy.revoke_joint", joint, path or ROOT_DOMAIN, before, actor=actor)
    mark_authz_dirty(session, f"post:{joint.post_a_id}", f"post:{joint.post_b_id}")
    return joint
