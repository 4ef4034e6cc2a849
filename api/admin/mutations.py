"""Policy administration: grant and revoke roles, role templates and 党政同责 declarations.
Who may is in `api/admin/guards.py`; what a valid policy is, in `authz/policy.py`. A change
takes effect for its subjects as soon as the request commits (the HTTP layer refreshes the
authorization state from the keys the service marked, and tells other processes)."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.actors import actor
from api.admin import guards
from api.admin.types import JointResponsibility, Permission, RoleGrant
from api.context import Info
from api.errors import UserError, mutate, present
from api.ids import decode_id
from authz import policy
from authz.catalogue import Action, Resource
from authz.models import JointResponsibility as JointRow
from authz.models import Permission as PermissionRow
from authz.models import RoleGrant as RoleGrantRow


@strawberry.input(description="授予角色 — Give a subject a role at a unit (and below) or everywhere")
class GrantRoleInput:
    subject_id: relay.GlobalID = strawberry.field(
        description="授权对象 — A Person or ServiceClient global ID"
    )
    role: str = strawberry.field(description="角色 — Role name; it must have at least one permission")
    unit_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="单元 — Where the role holds; null: everywhere (platform-wide admins only)",
    )
    subtree: bool = strawberry.field(
        default=True, description="含下级 — Over the unit's whole subtree (default) or the unit alone"
    )
    start_date: date | None = strawberry.field(
        default=None, description="开始日期 — First day; default today"
    )
    end_date: date | None = strawberry.field(default=None, description="结束日期 — Last day, if it ends")
    note: str | None = strawberry.field(default=None, description="备注 — Why")


@strawberry.input(description="撤销角色授权 — End a grant at once")
class RevokeRoleGrantInput:
    grant_id: relay.GlobalID = strawberry.field(description="角色授权 — The grant")
    note: str | None = strawberry.field(default=None, description="备注 — Why")


@strawberry.type(description="角色授权变更结果 — Result of a change to a role grant")
class RoleGrantPayload:
    role_grant: RoleGrant | None = strawberry.field(description="角色授权 — The grant; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: RoleGrantRow | None, errors: list[UserError]) -> RoleGrantPayload:
        return cls(role_grant=present(RoleGrant.from_row, row), user_errors=errors)


@strawberry.input(description="新增角色权限 — Let a role do an action on a resource (a new name: a new role)")
class GrantPermissionInput:
    role: str = strawberry.field(description="角色 — Role name: lowercase letters, digits, underscores")
    resource: Resource = strawberry.field(description="资源 — Resource")
    action: Action = strawberry.field(description="操作 — Action")
    note: str | None = strawberry.field(default=None, description="备注 — Why")


@strawberry.input(description="撤销角色权限 — Withdraw a role template line")
class RevokePermissionInput:
    permission_id: relay.GlobalID = strawberry.field(description="角色权限 — The permission")
    note: str | None = strawberry.field(default=None, description="备注 — Why")


@strawberry.type(description="角色权限变更结果 — Result of a change to a role template")
class PermissionPayload:
    permission: Permission | None = strawberry.field(description="角色权限 — The permission; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: PermissionRow | None, errors: list[UserError]) -> PermissionPayload:
        return cls(permission=present(Permission.from_row, row), user_errors=errors)


@strawberry.input(description="声明党政同责 — The holders of two posts of a unit are both its principals")
class DeclareJointResponsibilityInput:
    unit_id: relay.GlobalID = strawberry.field(description="单元 — The unit")
    post_a_id: relay.GlobalID = strawberry.field(description="岗位甲 — A post of the unit")
    post_b_id: relay.GlobalID = strawberry.field(description="岗位乙 — Another post of the unit")
    start_date: date | None = strawberry.field(
        default=None, description="开始日期 — First day; default today"
    )
    note: str | None = strawberry.field(default=None, description="备注 — Note")


@strawberry.input(description="撤销党政同责声明 — Withdraw a declaration at once")
class RevokeJointResponsibilityInput:
    joint_responsibility_id: relay.GlobalID = strawberry.field(description="党政同责声明 — The declaration")
    note: str | None = strawberry.field(default=None, description="备注 — Why")


@strawberry.type(description="党政同责声明变更结果 — Result of a change to a declaration")
class JointResponsibilityPayload:
    joint_responsibility: JointResponsibility | None = strawberry.field(
        description="党政同责声明 — The declaration; null on errors"
    )
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: JointRow | None, errors: list[UserError]) -> JointResponsibilityPayload:
        return cls(joint_responsibility=present(JointResponsibility.from_row, row), user_errors=errors)


@strawberry.type
class AdminMutation:
    @strawberry.mutation(
        description="授予角色 — Grant a role at a unit or everywhere; you need (policy, write) there and "
        "every right of the role yourself"
    )
    async def grant_role(self, info: Info, input: GrantRoleInput) -> RoleGrantPayload:
        async def work(session: AsyncSession) -> RoleGrantRow:
            ctx = info.context
            unit_id = decode_id(input.unit_id, "OrgUnit", "unitId") if input.unit_id else None
            subject = await guards.guard_grant(
                ctx,
                session,
                subject_gid=input.subject_id,
                role=input.role,
                unit_id=unit_id,
                node_only=not input.subtree,
            )
            return await policy.grant_role(
                session,
                actor=actor(info.context),
                subject=subject,
                role=input.role,
                unit_id=unit_id,
                subtree=input.subtree,
                start_date=input.start_date or ctx.today,
                end_date=input.end_date,
                note=input.note,
            )

        return await mutate(info, work, RoleGrantPayload.of)

    @strawberry.mutation(description="撤销角色授权 — Revoke a grant; it last held yesterday")
    async def revoke_role_grant(self, info: Info, input: RevokeRoleGrantInput) -> RoleGrantPayload:
        async def work(session: AsyncSession) -> RoleGrantRow:
            grant_id = decode_id(input.grant_id, "RoleGrant", "grantId")
            await guards.guard_revoke_grant(info.context, session, grant_id)
            return await policy.revoke_role_grant(
                session, actor=actor(info.context), grant_id=grant_id, note=input.note
            )

        return await mutate(info, work, RoleGrantPayload.of)

    @strawberry.mutation(
        description="新增角色权限 — Add a role template line (platform-wide policy admins, for rights "
        "they hold themselves)"
    )
    async def grant_permission(self, info: Info, input: GrantPermissionInput) -> PermissionPayload:
        async def work(session: AsyncSession) -> PermissionRow:
            resource, action = input.resource.value, input.action.value
            guards.guard_permission(info.context, resource, action, "role")
            return await policy.grant_permission(
                session,
                actor=actor(info.context),
                role=input.role,
                resource=resource,
                action=action,
                note=input.note,
            )

        return await mutate(info, work, PermissionPayload.of)

    @strawberry.mutation(description="撤销角色权限 — Withdraw a role template line")
    async def revoke_permission(self, info: Info, input: RevokePermissionInput) -> PermissionPayload:
        async def work(session: AsyncSession) -> PermissionRow:
            permission_id = decode_id(input.permission_id, "Permission", "permissionId")
            await guards.guard_revoke_permission(info.context, session, permission_id)
            return await policy.revoke_permission(
                session, actor=actor(info.context), permission_id=permission_id, note=input.note
            )

        return await mutate(info, work, PermissionPayload.of)

    @strawberry.mutation(
        description="声明党政同责 — Declare two posts of a unit jointly responsible: both holders become "
        "principals of its subtree"
    )
    async def declare_joint_responsibility(
        self, info: Info, input: DeclareJointResponsibilityInput
    ) -> JointResponsibilityPayload:
        async def work(session: AsyncSession) -> JointRow:
            unit_id = decode_id(input.unit_id, "OrgUnit", "unitId")
            post_a = decode_id(input.post_a_id, "Post", "postAId")
            post_b = decode_id(input.post_b_id, "Post", "postBId")
            await guards.guard_joint(info.context, session, unit_id, {"postAId": post_a, "postBId": post_b})
            return await policy.declare_joint_responsibility(
                session,
                actor=actor(info.context),
                unit_id=unit_id,
                post_a_id=post_a,
                post_b_id=post_b,
                start_date=input.start_date or info.context.today,
                note=input.note,
            )

        return await mutate(info, work, JointResponsibilityPayload.of)

    @strawberry.mutation(description="撤销党政同责声明 — Withdraw a declaration at once")
    async def revoke_joint_responsibility(
        self, info: Info, input: RevokeJointResponsibilityInput
    ) -> JointResponsibilityPayload:
        async def work(session: AsyncSession) -> JointRow:
            field = "jointResponsibilityId"
            joint_id = decode_id(input.joint_responsibility_id, "JointResponsibility", field)
            await guards.guard_revoke_joint(info.context, session, joint_id)
            return await policy.revoke_joint_responsibility(
                session, actor=actor(info.context), joint_id=joint_id, note=input.note
            )

        return await mutate(info, work, JointResponsibilityPayload.of)
