"""Types of policy administration: role templates, role grants, 党政同责 declarations, the
effective role links, and audit events."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.context import Info
from api.keys import ID_DESCRIPTION, key_id
from api.nodes import NODE_TYPES, LoadedNode, resolve_global_ids
from api.posts.types import Post
from api.refs import (
    DEPRECATED_PATH,
    DEPRECATED_SUBJECT,
    Actor,
    actor_of,
    domain_ref,
    optional_subject_ref,
    post_of_path,
    source_ref,
    subject_gid,
    subject_ref,
    unit_of_path,
    units_of_path,
)
from api.tree.types import OrgUnit
from authz.catalogue import ROLE_LABELS, Action, Resource
from authz.domains import EVERYTHING
from authz.links import Link
from authz.models import JointResponsibility as JointRow
from authz.models import Permission as PermissionRow
from authz.models import RoleGrant as RoleGrantRow
from domain.audit.models import AuditEvent as AuditEventRow

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.loader_registry import Loaders

# The catalogue's enums, registered as GraphQL enums (annotate fields with Resource/Action).
AuthzResource = strawberry.enum(
    Resource, name="AuthzResource", description="授权资源 — A kind of object the policy speaks of"
)
AuthzAction = strawberry.enum(Action, name="AuthzAction", description="授权操作 — Read or write")


@strawberry.enum(name="RoleSourceKind", description="角色来源 — Why a subject holds a role")
class RoleSourceKind(Enum):
    ASSIGNMENT = strawberry.enum_value("ASSIGNMENT", description="任职 — Holding a post")
    CHARGE = strawberry.enum_value("CHARGE", description="分管 — A post in charge of a unit (一岗双责)")
    JOINT = strawberry.enum_value("JOINT", description="党政同责 — A joint responsibility declaration")
    GRANT = strawberry.enum_value("GRANT", description="授权 — An admin's role grant")
    CONTRACT_MEMBER = strawberry.enum_value(
        "CONTRACT_MEMBER", description="合同（机构人员） — An agency contract, as the agency's staff"
    )
    CONTRACT_CLIENT = strawberry.enum_value(
        "CONTRACT_CLIENT", description="合同（机构系统） — An agency contract, as the agency's system"
    )
    DISTRICT_SYSTEM = strawberry.enum_value(
        "DISTRICT_SYSTEM", description="区级系统 — A district system reads its district"
    )
    OTHER = strawberry.enum_value("OTHER", description="其他 — Anything else")


# The first part of a link's source names its kind and the node that explains it.
_SOURCES: dict[str, tuple[RoleSourceKind, str]] = {
    "assignment": (RoleSourceKind.ASSIGNMENT, "Assignment"),
    "charge": (RoleSourceKind.CHARGE, "PostCharge"),
    "joint": (RoleSourceKind.JOINT, "JointResponsibility"),
    "grant": (RoleSourceKind.GRANT, "RoleGrant"),
    "client": (RoleSourceKind.DISTRICT_SYSTEM, "ServiceClient"),
}


def source_of(source: str) -> tuple[RoleSourceKind, relay.GlobalID | None]:
    """("charge:3/assignment:45") → (CHARGE, PostCharge 3)."""
    head, _, rest = source.partition("/")
    kind, _, raw = head.partition(":")
    if not raw.isdigit():
        return RoleSourceKind.OTHER, None
    if kind == "contract":
        found = (
            RoleSourceKind.CONTRACT_CLIENT if rest.startswith("client:") else RoleSourceKind.CONTRACT_MEMBER
        )
        return found, relay.GlobalID("AgencyContract", raw)
    if kind in _SOURCES:
        found, type_name = _SOURCES[kind]
        return found, relay.GlobalID(type_name, raw)
    return RoleSourceKind.OTHER, None


async def _node(info: Info, gid: relay.GlobalID | None) -> relay.Node | None:
    if gid is None:
        return None
    return (await resolve_global_ids(info, [gid]))[0]


@strawberry.type(
    name="Permission",
    description="角色权限 — A role template (`p` line): holders of the role may do the action on the "
    "resource wherever they hold it",
)
class Permission(LoadedNode[PermissionRow]):
    id: relay.NodeID[int]
    role: str = strawberry.field(description="角色 — Role name")
    resource: Resource = strawberry.field(description="资源 — Resource")
    action: Action = strawberry.field(description="操作 — Action")
    created_at: datetime = strawberry.field(description="创建时间 — When it was made")
    created_by: str = strawberry.field(
        description="创建者 — Global ID of the person or client that made it; `cli` or `system`",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    revoked_at: datetime | None = strawberry.field(description="撤销时间 — When it was revoked, if it was")
    revoked_by: str | None = strawberry.field(
        description="撤销者 — Global ID of the person or client that revoked it",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    note: str | None = strawberry.field(description="备注 — Note")
    closing_note: str | None = strawberry.field(
        description="撤销备注 — The note given when it was revoked, if any; `note` stays as it was made"
    )
    row: strawberry.Private[PermissionRow]

    @classmethod
    def from_row(cls, row: PermissionRow) -> Permission:
        return cls(
            id=row.id,
            role=row.role,
            resource=Resource(row.resource),
            action=Action(row.action),
            created_at=row.created_at,
            created_by=subject_ref(row.created_by),
            revoked_at=row.revoked_at,
            revoked_by=optional_subject_ref(row.revoked_by),
            note=row.note,
            closing_note=row.closing_note,
            row=row,
        )

    @strawberry.field(description="创建者 — The person or client that made it, if you may see them")
    async def created_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.created_by)

    @strawberry.field(description="撤销者 — The person or client that revoked it, if you may see them")
    async def revoked_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.revoked_by)

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, PermissionRow | None]:
        return loaders.admin.permission_by_id


@strawberry.type(
    name="RoleGrant",
    description="角色授权 — An admin's grant (`g` line): a subject holds a role at a unit (and below) "
    "or everywhere, over a period",
)
class RoleGrant(LoadedNode[RoleGrantRow]):
    id: relay.NodeID[int]
    subject: str = strawberry.field(
        description="授权对象 — The Person or ServiceClient global ID",
        deprecation_reason="改用 subjectId 或 subjectNode — Use subjectId or subjectNode",
    )
    subject_id: relay.GlobalID | None = strawberry.field(
        description="授权对象编号 — The Person or ServiceClient global ID"
    )
    role: str = strawberry.field(description="角色 — Role name")
    subtree: bool = strawberry.field(description="含下级 — Whether it covers everything below the unit")
    start_date: date = strawberry.field(description="开始日期 — First day it holds")
    end_date: date | None = strawberry.field(description="结束日期 — Last day it holds, if it ends")
    created_at: datetime = strawberry.field(description="创建时间 — When it was made")
    created_by: str = strawberry.field(
        description="创建者 — Global ID of the person or client that made it; `cli` or `system`",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    revoked_at: datetime | None = strawberry.field(
        description="撤销时间 — When it was revoked (it last held the day before), if it was"
    )
    revoked_by: str | None = strawberry.field(
        description="撤销者 — Global ID of the person or client that revoked it",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    note: str | None = strawberry.field(description="备注 — Note")
    closing_note: str | None = strawberry.field(
        description="撤销备注 — The note given when it was revoked, if any; `note` stays as it was made"
    )
    row: strawberry.Private[RoleGrantRow]

    @classmethod
    def from_row(cls, row: RoleGrantRow) -> RoleGrant:
        return cls(
            id=row.id,
            subject=subject_ref(row.subject),
            subject_id=subject_gid(row.subject),
            role=row.role,
            subtree=row.subtree,
            start_date=row.start_date,
            end_date=row.end_date,
            created_at=row.created_at,
            created_by=subject_ref(row.created_by),
            revoked_at=row.revoked_at,
            revoked_by=optional_subject_ref(row.revoked_by),
            note=row.note,
            closing_note=row.closing_note,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, RoleGrantRow | None]:
        return loaders.admin.grant_by_id

    @strawberry.field(description="角色名称 — Role name in Chinese (the name itself for admins' roles)")
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @strawberry.field(description="单元 — The unit; null for a grant over everything or if not visible")
    async def unit(self, info: Info) -> OrgUnit | None:
        if self.row.unit_id is None:
            return None
        row = await info.context.loaders.unit_by_id.load(self.row.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="全局 — Whether the grant holds everywhere (no unit)")
    def everywhere(self) -> bool:
        return self.row.unit_id is None

    @strawberry.field(description="授权对象 — The person or client granted the role, if you may see them")
    async def subject_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.subject)

    @strawberry.field(description="创建者 — The person or client that made it, if you may see them")
    async def created_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.created_by)

    @strawberry.field(description="撤销者 — The person or client that revoked it, if you may see them")
    async def revoked_by_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.revoked_by)


@strawberry.type(
    name="JointResponsibility",
    description="党政同责声明 — The holders of two posts of a unit are both principals of its subtree",
)
class JointResponsibility(LoadedNode[JointRow]):
    id: relay.NodeID[int]
    start_date: date = strawberry.field(description="开始日期 — First day it holds")
    created_at: datetime = strawberry.field(description="创建时间 — When it was declared")
    created_by: str = strawberry.field(description="创建者 — Who declared it")
    revoked_at: datetime | None = strawberry.field(description="撤销时间 — When it was revoked, if it was")
    revoked_by: str | None = strawberry.field(description="撤销者 — Who revoked it")
    note: str | None = strawberry.field(description="备注 — Note")
    closing_note: str | None = strawberry.field(
        description="撤销备注 — The note given when it was revoked, if any; `note` stays as it was made"
    )
    row: strawberry.Private[JointRow]

    @classmethod
    def from_row(cls, row: JointRow) -> JointResponsibility:
        return cls(
            id=row.id,
            start_date=row.start_date,
            created_at=row.created_at,
            created_by=row.created_by,
            revoked_at=row.revoked_at,
            revoked_by=row.revoked_by,
            note=row.note,
            closing_note=row.closing_note,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, JointRow | None]:
        return loaders.admin.joint_by_id

    @strawberry.field(description="单元 — The unit; null if not visible")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.unit_by_id.load(self.row.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="岗位甲 — The first post; null if not visible")
    async def post_a(self, info: Info) -> Post | None:
        row = await info.context.loaders.post_by_id.load(self.row.post_a_id)
        return Post.from_row(row) if row else None

    @strawberry.field(description="岗位乙 — The second post; null if not visible")
    async def post_b(self, info: Info) -> Post | None:
        row = await info.context.loaders.post_by_id.load(self.row.post_b_id)
        return Post.from_row(row) if row else None


@strawberry.type(
    description="角色关联 — A role link in force (`g` line): derived from posts, charges, declarations "
    "and contracts, or granted by an admin"
)
class RoleLink:
    subject: str = strawberry.field(
        description="主体 — The Person or ServiceClient global ID",
        deprecation_reason="改用 subjectId 或 subjectNode — Use subjectId or subjectNode",
    )
    subject_id: relay.GlobalID | None = strawberry.field(
        description="主体编号 — The Person or ServiceClient global ID"
    )
    role: str = strawberry.field(description="角色 — Role name")
    domain: str = strawberry.field(
        description="范围 — Domain pattern: `*` everywhere, `/1/2/*` a subtree, `/1/2/` a unit alone, "
        "`/1/2/p33/` one post",
        deprecation_reason=DEPRECATED_PATH,
    )
    start_date: date = strawberry.field(description="开始日期 — First day it holds")
    end_date: date | None = strawberry.field(description="结束日期 — Last day it holds, if it ends")
    source: str = strawberry.field(
        description="来源 — The objects the link derives from, as global IDs joined by `/` (an "
        "assignment; a charge and its assignment; a contract and its member; a grant; …)",
        deprecation_reason="改用 sourceKind 与 sourceNode — Use sourceKind and sourceNode",
    )
    source_kind: RoleSourceKind = strawberry.field(description="来源类型 — Kind of source")
    source_id: relay.GlobalID | None = strawberry.field(
        description="来源编号 — Global ID of the source object (Assignment, PostCharge, "
        "JointResponsibility, RoleGrant, AgencyContract, ServiceClient)"
    )
    raw_subject: strawberry.Private[str]
    raw_source: strawberry.Private[str]
    raw_domain: strawberry.Private[str]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id(
            "RoleLink", self.raw_subject, self.role, self.raw_domain, self.start_date, self.raw_source
        )

    @classmethod
    def of(cls, link: Link) -> RoleLink:
        kind, gid = source_of(link.source)
        return cls(
            subject=subject_ref(link.subject),
            subject_id=subject_gid(link.subject),
            role=link.role,
            domain=domain_ref(link.domain),
            raw_domain=link.domain,
            start_date=link.start,
            end_date=link.end,
            source=source_ref(link.source),
            source_kind=kind,
            source_id=gid,
            raw_subject=link.subject,
            raw_source=link.source,
        )

    @strawberry.field(description="来源对象 — The source object; null if you may not read it")
    async def source_node(self, info: Info) -> relay.Node | None:
        return await _node(info, self.source_id)

    @strawberry.field(description="主体 — The person or client holding the role, if you may see them")
    async def subject_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.raw_subject)

    @strawberry.field(description="全局 — Whether it holds everywhere (no unit)")
    def everywhere(self) -> bool:
        return self.raw_domain == EVERYTHING

    @strawberry.field(description="含下级 — Whether it covers everything below the unit")
    def subtree(self) -> bool:
        return self.raw_domain.endswith("*")

    @strawberry.field(
        description="单元 — The unit it holds at (for a post, the post's unit); null for everywhere or if "
        "you may not see it"
    )
    async def unit(self, info: Info) -> OrgUnit | None:
        return await unit_of_path(info, self.raw_domain)

    @strawberry.field(description="岗位 — The post, where it holds on one post and you may see it")
    async def post(self, info: Info) -> Post | None:
        return await post_of_path(info, self.raw_domain)


@strawberry.type(
    name="AuditEvent",
    description="审计事件 — One change, written once: who, what, where, and the record before and after",
)
class AuditEvent(LoadedNode[AuditEventRow]):
    id: relay.NodeID[int]
    at: datetime = strawberry.field(description="时间 — When")
    actor: str = strawberry.field(
        description="操作者 — Global ID of the person or client that acted; `cli` or `system`",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    action: str = strawberry.field(description="动作 — What happened, e.g. `policy.grant_role`")
    target_type: str = strawberry.field(description="对象类型 — Kind of record changed, e.g. `RoleGrant`")
    target_id: int | None = strawberry.field(
        description="对象编号 — Row id of the record changed",
        deprecation_reason="改用 target — Use target (the node) or targetGlobalId",
    )
    domain: str = strawberry.field(
        description="范围 — Where the change happened (a domain path)", deprecation_reason=DEPRECATED_PATH
    )
    before: JSON | None = strawberry.field(description="变更前 — The record before (for changes)")
    after: JSON | None = strawberry.field(description="变更后 — The record after")
    request_id: str | None = strawberry.field(description="请求编号 — The request that made the change")
    row: strawberry.Private[AuditEventRow]

    @classmethod
    def from_row(cls, row: AuditEventRow) -> AuditEvent:
        values: dict[str, Any] = {
            name: getattr(row, name)
            for name in (
                "id",
                "at",
                "actor",
                "action",
                "target_type",
                "target_id",
                "domain",
                "before",
                "after",
                "request_id",
            )
        }
        values["actor"] = subject_ref(row.actor)
        values["domain"] = domain_ref(row.domain)
        return cls(**values, row=row)

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, AuditEventRow | None]:
        return loaders.admin.audit_by_id

    @strawberry.field(
        description="操作者 — The person or client that acted (if you may see them), or the platform"
    )
    async def actor_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.actor)

    @strawberry.field(
        description="对象编号 — Global ID of the record changed, where it is a node type; else null"
    )
    def target_global_id(self) -> relay.GlobalID | None:
        if self.row.target_id is None or self.row.target_type not in NODE_TYPES:
            return None
        return relay.GlobalID(self.row.target_type, str(self.row.target_id))

    @strawberry.field(description="对象 — The record changed, if it is a node you may read")
    async def target(self, info: Info) -> relay.Node | None:
        return await _node(info, self.target_global_id())

    @strawberry.field(description="单元 — The unit where the change happened; null for the root")
    async def unit(self, info: Info) -> OrgUnit | None:
        return await unit_of_path(info, self.row.domain)

    @strawberry.field(
        description="单元路径 — The units from the district down to where it happened, those you may see"
    )
    async def units(self, info: Info) -> list[OrgUnit]:
        return await units_of_path(info, self.row.domain)
