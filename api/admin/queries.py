"""Reading the policy and the audit log. Every list is filtered by the caller's reach
(`api/admin/loaders.py`); `totalCount` counts only what the caller may see."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from api.admin.explain import AccessExplanation, PolicyExport, explain_access, policy_export
from api.admin.loaders import AUDIT_ORDER, GRANT_ORDER, JOINT_ORDER, PERMISSION_ORDER
from api.admin.types import (
    AuditEvent,
    JointResponsibility,
    Permission,
    RoleGrant,
    RoleLink,
)
from api.connection import Connection, computed_connection, root_connection
from api.context import Info
from api.ids import try_decode_id
from api.instants import aware
from authz import objects, policy_lists
from authz.catalogue import Action, Resource
from authz.domains import EVERYTHING, ROOT_DOMAIN
from authz.links import Link
from authz.visibility.admin import audit_visible, grants_visible, joints_visible, permissions_visible
from domain.audit import lists as audit_lists

T = TypeVar("T")


def _subject_filter(subject: relay.GlobalID | None) -> str | None:
    """ "person:<id>" / "client:<id>" of a Person or ServiceClient ID; "" (matches nothing)
    for an ID of another type."""
    if subject is None:
        return None
    for type_name, kind in (("Person", "person"), ("ServiceClient", "client")):
        row_id = try_decode_id(subject, type_name)
        if row_id is not None:
            return f"{kind}:{row_id}"
    return ""


def _actor_filter(actor: str) -> str:
    """The stored actor of an `actor` argument: a Person or ServiceClient global ID, or `cli` /
    `system` (a stored subject such as `person:8` is still understood)."""
    try:
        gid = relay.GlobalID.from_id(actor)
    except GlobalIDValueError:  # not a global ID: a stored actor as it is
        return actor
    return _subject_filter(gid) or actor


def _at_unit(base: str, unit_path: str) -> bool:
    """A link's domain (without its "*") is the unit itself or one of its posts."""
    rest = base[len(unit_path) :] if base.startswith(unit_path) else None
    return rest == "" or (rest is not None and rest.startswith("p") and rest.count("/") == 1)


def _link_key(link: Link) -> list[str]:
    return [link.subject, link.role, link.domain, link.start.isoformat(), link.source]


@strawberry.type
class AdminQuery:
    @strawberry.field(
        description="角色权限列表 — Role templates (`p` lines); for callers with any right to read the policy"
    )
    async def permissions(
        self,
        info: Info,
        role: str | None = None,
        resource: Resource | None = None,
        action: Action | None = None,
        include_revoked: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Permission]:
        stmt = policy_lists.permissions(
            permissions_visible(info.context.reach),
            role=role,
            resource=resource.value if resource is not None else None,
            action=action.value if action is not None else None,
            include_revoked=include_revoked,
        )
        return await root_connection(info, stmt, PERMISSION_ORDER, Permission.from_row, first, after)

    @strawberry.field(
        description="角色授权列表 — Admins' grants at units where you may read the policy (grants over "
        "everything only for platform-wide readers)"
    )
    async def role_grants(
        self,
        info: Info,
        subject: relay.GlobalID | None = None,
        role: str | None = None,
        unit_id: relay.GlobalID | None = None,
        active_on: date | None = None,
        include_revoked: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[RoleGrant]:
        stmt = policy_lists.grants(
            grants_visible(info.context.reach),
            subject=_subject_filter(subject),
            role=role,
            unit_id=(try_decode_id(unit_id, "OrgUnit") or 0) if unit_id is not None else None,
            active_on=active_on,
            include_revoked=include_revoked,
        )
        return await root_connection(info, stmt, GRANT_ORDER, RoleGrant.from_row, first, after)

    @strawberry.field(
        description="角色关联列表 — Effective role links (derived and granted) whose domain lies where you "
        "may read the policy; default: in force today"
    )
    async def role_links(
        self,
        info: Info,
        subject: relay.GlobalID | None = None,
        role: str | None = None,
        unit_id: relay.GlobalID | None = None,
        active_on: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[RoleLink]:
        ctx = info.context
        rm = ctx.authority.rm
        subject_text = _subject_filter(subject)
        links = rm.links_of(subject_text) if subject_text is not None else rm.all_links()
        day = active_on or ctx.today
        unit_path: str | None = None
        if unit_id is not None:
            async with ctx.db() as session:
                unit_path = await objects.unit_path(session, try_decode_id(unit_id, "OrgUnit") or 0)
            unit_path = unit_path or "?"
        reach = ctx.reach

        def keep(link: Link) -> bool:
            if not link.active_on(day) or (role is not None and link.role != role):
                return False
            base = ROOT_DOMAIN if link.domain == EVERYTHING else link.domain.removesuffix("*")
            if unit_path is not None and not _at_unit(base, unit_path):
                return False
            return reach.allows(Resource.POLICY, Action.READ, base)

        return computed_connection(info, [x for x in links if keep(x)], _link_key, RoleLink.of, first, after)

    @strawberry.field(description="党政同责声明列表 — Declarations at units where you may read the policy")
    async def joint_responsibilities(
        self,
        info: Info,
        unit_id: relay.GlobalID | None = None,
        include_revoked: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[JointResponsibility]:
        stmt = policy_lists.joints(
            joints_visible(info.context.reach),
            unit_id=(try_decode_id(unit_id, "OrgUnit") or 0) if unit_id is not None else None,
            include_revoked=include_revoked,
        )
        return await root_connection(info, stmt, JOINT_ORDER, JointResponsibility.from_row, first, after)

    @strawberry.field(description="审计日志 — Changes where you may read the audit log, newest first")
    async def audit_events(
        self,
        info: Info,
        actor: str | None = None,
        action: str | None = None,
        target_type: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEvent]:
        stmt = audit_lists.events(
            audit_visible(info.context.reach),
            actor=_actor_filter(actor) if actor is not None else None,
            action=action,
            target_type=target_type,
            since=aware(since, "since"),
            until=aware(until, "until"),
        )
        return await root_connection(info, stmt, AUDIT_ORDER, AuditEvent.from_row, first, after)

    @strawberry.field(
        description="权限解释 — Whether a person or client may do an action on a resource at an object "
        "(on a day, default today), and which templates and role links decide it. Needs the right to "
        "read the policy where the object lives"
    )
    async def explain_access(
        self,
        info: Info,
        subject: relay.GlobalID,
        resource: Resource,
        action: Action,
        object: relay.GlobalID,
        on: date | None = None,
    ) -> AccessExplanation:
        return await explain_access(info, subject, Resource(resource), Action(action), object, on)

    @strawberry.field(
        description="策略导出 — The model and the policy in force on a day (default today) as Casbin CSV; "
        "only for callers who may read the whole policy (others: a FORBIDDEN error)"
    )
    def policy_export(self, info: Info, on: date | None = None) -> PolicyExport:
        return policy_export(info, on)
