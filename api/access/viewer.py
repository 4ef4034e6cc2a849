"""The caller (`viewer`): who is calling, how they signed in, and their roles."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry import relay

from api.access.types import ServiceClient
from api.admin.types import RoleSourceKind, source_of
from api.context import Info
from api.keys import ID_DESCRIPTION, key_id
from api.nodes import resolve_global_ids
from api.people.types import Person
from api.posts.types import Post
from api.refs import (
    DEPRECATED_PATH,
    DEPRECATED_SUBJECT,
    Actor,
    domain_ref,
    post_of_path,
    source_ref,
    subject_ref,
    unit_of_path,
    units_of_path,
)
from api.tree.types import OrgUnit
from authz.catalogue import ROLE_LABELS
from authz.domains import EVERYTHING, is_post_domain
from authz.links import Link
from authz.models import ServiceClient as ServiceClientRow
from domain.tree.lookups import units_by_path


@strawberry.enum(name="AuthMethod", description="认证方式 — How a caller authenticated")
class AuthMethod(Enum):
    TOKEN = strawberry.enum_value("token", description="令牌 — A token this platform signed")
    OIDC = strawberry.enum_value("oidc", description="统一身份认证 — A token of an external OIDC provider")
    API_KEY = strawberry.enum_value("api_key", description="API密钥 — A machine client's API key")


DEPRECATED_SOURCE = (
    "改用 sourceKind 与 sourceNode — Use sourceKind and sourceNode; this answers the source as "
    "global IDs joined by `/`"
)


@strawberry.type(description="当前角色 — One role the caller holds, where, since when and why")
class ViewerRole:
    role: str = strawberry.field(description="角色 — Role name (admin, principal, agency, …)")
    role_label: str = strawberry.field(description="角色名称 — Role name in Chinese")
    domain: str = strawberry.field(
        description="范围 — Where it holds: `*` everywhere, `/1/2/*` a unit's subtree, `/1/2/` the unit "
        "alone, `/1/2/p33/` one post",
        deprecation_reason=DEPRECATED_PATH,
    )
    subtree: bool = strawberry.field(description="含下级 — Whether it covers everything below the unit")
    unit_id: relay.GlobalID | None = strawberry.field(
        description="单元 — The unit the role is held at (for a post, the post's unit); null for `*`"
    )
    unit_name: str | None = strawberry.field(description="单元名称 — That unit's name")
    post_id: relay.GlobalID | None = strawberry.field(
        description="岗位 — The post, where the role is held on one post"
    )
    source: str = strawberry.field(
        description="来源 — Why the caller holds it, as global IDs of the objects joined by `/` "
        "(an assignment; a charge and its assignment; a contract and its member; …)",
        deprecation_reason=DEPRECATED_SOURCE,
    )
    source_kind: RoleSourceKind = strawberry.field(description="来源类型 — Why the caller holds it")
    source_id: relay.GlobalID | None = strawberry.field(
        description="来源编号 — Global ID of the source object (Assignment, PostCharge, "
        "JointResponsibility, RoleGrant, AgencyContract, ServiceClient)"
    )
    start_date: date = strawberry.field(description="开始日期 — First day it holds")
    end_date: date | None = strawberry.field(description="结束日期 — Last day it holds, if it ends")
    raw_domain: strawberry.Private[str]
    raw_source: strawberry.Private[str]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("ViewerRole", self.role, self.raw_domain, self.start_date, self.raw_source)

    @strawberry.field(description="全局 — Whether it holds everywhere (no unit)")
    def everywhere(self) -> bool:
        return self.raw_domain == EVERYTHING

    @strawberry.field(
        description="单元 — The unit it is held at (for a post, the post's unit); null for everywhere or "
        "if you may not see it"
    )
    async def unit(self, info: Info) -> OrgUnit | None:
        return await unit_of_path(info, self.raw_domain)

    @strawberry.field(
        description="单元路径 — The units from the district down to where it holds, those you may see"
    )
    async def units(self, info: Info) -> list[OrgUnit]:
        return await units_of_path(info, self.raw_domain)

    @strawberry.field(description="岗位 — The post, where it is held on one post and you may see it")
    async def post(self, info: Info) -> Post | None:
        return await post_of_path(info, self.raw_domain)

    @strawberry.field(description="来源对象 — The source object; null if you may not read it")
    async def source_node(self, info: Info) -> relay.Node | None:
        if self.source_id is None:
            return None
        return (await resolve_global_ids(info, [self.source_id]))[0]


def _unit_path_of(domain: str) -> tuple[str | None, int | None]:
    """(the unit's path, the post id) of a link's domain pattern."""
    if domain == EVERYTHING:
        return None, None
    base = domain.removesuffix("*")
    if is_post_domain(base):
        head, _, last = base.rstrip("/").rpartition("/")
        return head + "/", int(last[1:])
    return base, None


async def viewer_roles(info: Info, links: list[Link]) -> list[ViewerRole]:
    paths = {p for p, _ in map(_unit_path_of, (x.domain for x in links)) if p}
    units: dict[str, tuple[int, str]] = {}
    if paths:
        async with info.context.db() as session:
            units = await units_by_path(session, paths)
    roles: list[ViewerRole] = []
    for link in sorted(links, key=lambda x: (x.domain, x.role, x.start, x.source)):
        path, post_id = _unit_path_of(link.domain)
        unit = units.get(path) if path else None
        kind, source_gid = source_of(link.source)
        roles.append(
            ViewerRole(
                role=link.role,
                role_label=ROLE_LABELS.get(link.role, link.role),
                domain=domain_ref(link.domain),
                subtree=link.domain.endswith("*"),
                unit_id=relay.GlobalID("OrgUnit", str(unit[0])) if unit else None,
                unit_name=unit[1] if unit else None,
                post_id=relay.GlobalID("Post", str(post_id)) if post_id is not None else None,
                source=source_ref(link.source),
                source_kind=kind,
                source_id=source_gid,
                start_date=link.start,
                end_date=link.end,
                raw_domain=link.domain,
                raw_source=link.source,
            )
        )
    return roles


@strawberry.type(description="当前调用者 — Who is calling: a person or a service client, and their roles")
class Viewer:
    subject: str = strawberry.field(
        description="授权主体 — Global ID of the calling person or client",
        deprecation_reason=DEPRECATED_SUBJECT,
    )
    method: str = strawberry.field(
        description="认证方式 — How the caller authenticated: token, oidc or api_key",
        deprecation_reason="改用 authMethod — Use authMethod (an enum)",
    )
    person_id: strawberry.Private[int | None]
    client_id: strawberry.Private[int | None]
    raw_subject: strawberry.Private[str]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("Viewer", self.raw_subject)

    @classmethod
    def of(cls, subject: str, method: str, person_id: int | None, client_id: int | None) -> Viewer:
        return cls(
            subject=subject_ref(subject),
            method=method,
            person_id=person_id,
            client_id=client_id,
            raw_subject=subject,
        )

    @strawberry.field(description="认证方式 — How the caller authenticated")
    def auth_method(self) -> AuthMethod:
        return AuthMethod(self.method)

    @strawberry.field(description="调用者 — The calling person or client, as a node")
    async def subject_node(self, info: Info) -> Actor | None:
        # The caller always sees themselves (as `person` and `client` do).
        found: Person | ServiceClient | None = await self.person(info) or await self.client(info)
        return found

    @strawberry.field(description="人员 — The calling person; null for a client")
    async def person(self, info: Info) -> Person | None:
        if self.person_id is None:
            return None
        row = await info.context.loaders.person_by_id.load(self.person_id)
        return Person.from_row(row) if row else None

    @strawberry.field(description="客户端 — The calling client; null for a person")
    async def client(self, info: Info) -> ServiceClient | None:
        if self.client_id is None:
            return None
        async with info.context.db() as session:
            row = await session.get(ServiceClientRow, self.client_id)
        return ServiceClient.from_row(row) if row else None

    @strawberry.field(
        description="角色 — The caller's roles in force on a date (default today), with where and why "
        "they hold"
    )
    async def roles(
        self,
        info: Info,
        on: date | None = None,
    ) -> list[ViewerRole]:
        day = on or info.context.today
        links = [x for x in info.context.authority.rm.links_of(self.raw_subject) if x.active_on(day)]
        return await viewer_roles(info, links)
