"""Who may change the policy (checked through the enforcer, `ctx.can`).

- A grant or a 党政同责 declaration at unit U: (policy, write) where it holds. A grant over
  U's subtree is checked at the probe domain "<U's path>*", which keyMatch accepts only
  for the caller's patterns covering that whole subtree ("*", "<ancestor>*", "<U>*"): a
  caller who holds a right on U alone cannot hand it out over U's subtree. A grant on U
  alone is checked at U's path; a grant over everything (no unit) and every template
  change at the root "/", which only a pattern over everything covers.
- No escalation: the caller must be able to do every (resource, action) of the role's
  templates at that same probe domain (for a template change: the line's own pair at the
  root). Otherwise FORBIDDEN, naming what the caller lacks.
- Revoking follows the rule for making the same grant, template or declaration.
A target the caller may not read is NOT_FOUND (a subject: UNKNOWN_SUBJECT), worded as for
one that does not exist; one they may read but not change, FORBIDDEN.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.context import Context
from authz import objects, policy
from authz.catalogue import Action, Resource, Role
from authz.domains import ROOT_DOMAIN, subtree
from authz.models import JointResponsibility, Permission, RoleGrant, ServiceClient
from authz.visibility.access import clients_visible
from authz.visibility.admin import grants_visible, joints_visible, permissions_visible
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.people.models import Person
from domain.posts.models import Post
from domain.rows import has_row, row_by_id, value_by_id


def probe_domain(path: str | None, node_only: bool = False) -> str:
    """Where a grant at `path` (None: everywhere) is checked; see the module doc."""
    if path is None or path == ROOT_DOMAIN:
        return ROOT_DOMAIN
    return path if node_only else subtree(path)


def _forbidden(field: str, zh: str, en: str) -> DomainError:
    return DomainError.one(ErrorCode.FORBIDDEN, field, zh, en)


def require_policy_write(ctx: Context, domain: str, field: str) -> None:
    if not ctx.can(Resource.POLICY, Action.WRITE, domain):
        if domain == ROOT_DOMAIN:
            raise _forbidden(
                field,
                "只有全局管理员可以修改全局授权或角色权限",
                "Only a platform-wide policy admin may change grants over everything or role templates",
            )
        raise _forbidden(field, "无权修改该范围的授权", "You may not change the policy there")


def require_rights(ctx: Context, pairs: list[tuple[str, str]], domain: str, field: str) -> None:
    """No escalation: the caller may do each (resource, action) at `domain` themselves."""
    lacking = [f"{res}/{act}" for res, act in pairs if not ctx.can(Resource(res), Action(act), domain)]
    if lacking:
        names = ", ".join(lacking)
        raise _forbidden(
            field,
            f"不能授予超出自身权限的权利：您在该范围没有 {names} 权限",
            f"You may not hand out rights you lack: you do not have {names} there",
        )


async def decode_subject(ctx: Context, session: AsyncSession, gid: relay.GlobalID) -> str | None:
    """The subject string of a Person or ServiceClient global ID the caller may read."""
    from api.ids import try_decode_id

    person_id = try_decode_id(gid, "Person")
    if person_id is not None:
        found = await has_row(session, Person, person_id, ctx.reach.persons())
        return f"person:{person_id}" if found else None
    client_id = try_decode_id(gid, "ServiceClient")
    if client_id is not None:
        found = await has_row(session, ServiceClient, client_id, clients_visible(ctx.reach))
        return f"client:{client_id}" if found else None
    return None


def unknown_subject(field: str = "subjectId") -> DomainError:
    return DomainError.one(
        ErrorCode.UNKNOWN_SUBJECT,
        field,
        "授权对象不存在（须为人员或接入客户端）",
        "The subject does not exist (it must be a person or a service client)",
    )


async def readable_unit_path(ctx: Context, session: AsyncSession, unit_id: int) -> str | None:
    path = await objects.unit_path(session, unit_id)
    if path is None or not ctx.reach.allows(Resource.UNIT, Action.READ, path):
        return None
    return path


async def guard_grant(
    ctx: Context,
    session: AsyncSession,
    *,
    subject_gid: relay.GlobalID,
    role: str,
    unit_id: int | None,
    node_only: bool,
) -> str:
    """Checks for a new grant; returns its subject string."""
    errors = ErrorCollector()
    subject = await decode_subject(ctx, session, subject_gid)
    if subject is None:
        errors.extend(unknown_subject())
    path: str | None = ROOT_DOMAIN
    if unit_id is not None:
        path = await readable_unit_path(ctx, session, unit_id)
        if path is None:
            errors.extend(not_found("unitId", "组织单元", "Unit"))
    errors.raise_if_any()
    assert subject is not None
    probe = probe_domain(path, node_only)
    require_policy_write(ctx, probe, "unitId")
    require_rights(ctx, await policy.role_templates(session, role), probe, "role")
    return subject


async def guard_revoke_grant(ctx: Context, session: AsyncSession, grant_id: int) -> None:
    grant = await row_by_id(session, RoleGrant, grant_id, grants_visible(ctx.reach))
    if grant is None:
        raise not_found("grantId", "角色授权", "Role grant")
    probe = probe_domain(await policy.unit_path(session, grant.unit_id), not grant.subtree)
    require_policy_write(ctx, probe, "grantId")
    require_rights(ctx, await policy.role_templates(session, grant.role), probe, "grantId")


def guard_permission(ctx: Context, resource: str, action: str, field: str) -> None:
    require_policy_write(ctx, ROOT_DOMAIN, field)
    require_rights(ctx, [(resource, action)], ROOT_DOMAIN, field)


async def guard_revoke_permission(ctx: Context, session: AsyncSession, permission_id: int) -> None:
    row = await row_by_id(session, Permission, permission_id, permissions_visible(ctx.reach))
    if row is None:
        raise not_found("permissionId", "权限", "Permission")
    guard_permission(ctx, row.resource, row.action, "permissionId")


async def guard_joint(ctx: Context, session: AsyncSession, unit_id: int, post_ids: dict[str, int]) -> None:
    errors = ErrorCollector()
    path = await readable_unit_path(ctx, session, unit_id)
    if path is None:
        errors.extend(not_found("unitId", "组织单元", "Unit"))
    for field, post_id in post_ids.items():
        if not await has_row(session, Post, post_id, ctx.reach.posts()):
            errors.extend(not_found(field, "岗位", "Post"))
    errors.raise_if_any()
    await _joint_rights(ctx, session, path, "unitId")


async def _joint_rights(ctx: Context, session: AsyncSession, path: str | None, field: str) -> None:
    probe = probe_domain(path)
    require_policy_write(ctx, probe, field)
    require_rights(ctx, await policy.role_templates(session, Role.PRINCIPAL.value), probe, field)


async def guard_revoke_joint(ctx: Context, session: AsyncSession, joint_id: int) -> None:
    field = "jointResponsibilityId"
    unit_id = await value_by_id(session, JointResponsibility.unit_id, joint_id, joints_visible(ctx.reach))
    if unit_id is None:
        raise not_found(field, "党政同责声明", "Joint responsibility")
    await _joint_rights(ctx, session, await policy.unit_path(session, unit_id), field)
