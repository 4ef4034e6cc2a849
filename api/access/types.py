from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING

import strawberry
from strawberry import relay

from api.connection import Connection, build_connection, page_request
from api.context import Info
from api.keys import ID_DESCRIPTION, key_id
from api.nodes import LoadedNode
from api.people.types import Person
from api.tree.types import OrgUnit
from authz.models import Agency as AgencyRow
from authz.models import AgencyContract as AgencyContractRow
from authz.models import AgencyMember as AgencyMemberRow
from authz.models import ApiKey as ApiKeyRow
from authz.models import ExternalIdentity as ExternalIdentityRow
from authz.models import ServiceClient as ServiceClientRow
from domain.tree.queries import UNIT_ORDER

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.loader_registry import Loaders


@strawberry.enum(name="ServiceClientKind", description="客户端类型 — Kind of machine client")
class ServiceClientKind(Enum):
    DISTRICT_SYSTEM = strawberry.enum_value(
        "DISTRICT_SYSTEM", description="区级系统 — Reads its district, read-only"
    )
    AGENCY = strawberry.enum_value(
        "AGENCY", description="机构系统 — Acts for an agency while its contracts run"
    )
    INTEGRATION = strawberry.enum_value(
        "INTEGRATION", description="其他系统 — Has only the roles granted to it"
    )


@strawberry.type(
    name="Agency",
    description="第三方服务机构 — A third-party safety service agency (第三方安全服务机构)",
)
class Agency(LoadedNode[AgencyRow]):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="名称 — Name")
    credit_code: str = strawberry.field(description="统一社会信用代码 — Unified social credit code")
    created_at: datetime = strawberry.field(description="创建时间 — When the agency was recorded")
    row: strawberry.Private[AgencyRow]

    @classmethod
    def from_row(cls, row: AgencyRow) -> Agency:
        return cls(id=row.id, name=row.name, credit_code=row.credit_code, created_at=row.created_at, row=row)

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, AgencyRow | None]:
        return loaders.access.agency_by_id

    @strawberry.field(description="机构人员 — The agency's staff, past and present, earliest first")
    async def members(self, info: Info) -> list[AgencyMember]:
        rows = await info.context.loaders.access.members_by_agency.load(self.row.id)
        return [AgencyMember.from_row(r) for r in rows]


@strawberry.type(
    name="AgencyMember",
    description="机构人员 — A person working for an agency over a period; inside the agency's "
    "contracts they act for it",
)
class AgencyMember(LoadedNode[AgencyMemberRow]):
    id: relay.NodeID[int]
    start_date: date = strawberry.field(description="开始日期 — First day with the agency")
    end_date: date | None = strawberry.field(description="结束日期 — Last day with the agency, if ended")
    revoked_at: datetime | None = strawberry.field(
        description="撤销时间 — When the record was withdrawn, if it was; it then gives nothing"
    )
    note: str | None = strawberry.field(description="备注 — Note")
    closing_note: str | None = strawberry.field(
        description="撤销备注 — The note given when the record was withdrawn, if any"
    )
    row: strawberry.Private[AgencyMemberRow]

    @classmethod
    def from_row(cls, row: AgencyMemberRow) -> AgencyMember:
        return cls(
            id=row.id,
            start_date=row.start_date,
            end_date=row.end_date,
            revoked_at=row.revoked_at,
            note=row.note,
            closing_note=row.closing_note,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, AgencyMemberRow | None]:
        return loaders.access.member_by_id

    @strawberry.field(description="服务机构 — The agency")
    async def agency(self, info: Info) -> Agency | None:
        row = await info.context.loaders.access.agency_by_id.load(self.row.agency_id)
        return Agency.from_row(row) if row else None

    @strawberry.field(description="人员 — The person; null if you may not see them")
    async def person(self, info: Info) -> Person | None:
        row = await info.context.loaders.person_by_id.load(self.row.person_id)
        return Person.from_row(row) if row else None


@strawberry.type(
    name="AgencyContract",
    description="服务合同 — An agency serves the listed enterprises over a period: its staff and its "
    "systems read them and record inspections and hazards for them",
)
class AgencyContract(LoadedNode[AgencyContractRow]):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="合同编号 — Contract code")
    start_date: date = strawberry.field(description="开始日期 — First day in force")
    end_date: date = strawberry.field(description="结束日期 — Last day in force as agreed")
    terminated_on: date | None = strawberry.field(
        description="终止日期 — First day no longer in force, if terminated early"
    )
    last_day: date = strawberry.field(
        description="最后有效日 — Last day in force (before the start if it never was)"
    )
    note: str | None = strawberry.field(description="备注 — Note")
    closing_note: str | None = strawberry.field(
        description="终止备注 — The note given when the contract was terminated, if any"
    )
    created_at: datetime = strawberry.field(description="创建时间 — When the contract was recorded")
    row: strawberry.Private[AgencyContractRow]

    @classmethod
    def from_row(cls, row: AgencyContractRow) -> AgencyContract:
        return cls(
            id=row.id,
            code=row.code,
            start_date=row.start_date,
            end_date=row.end_date,
            terminated_on=row.terminated_on,
            last_day=row.last_day,
            note=row.note,
            closing_note=row.closing_note,
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, AgencyContractRow | None]:
        return loaders.access.contract_by_id

    @strawberry.field(description="是否有效 — Whether the contract is in force on a date (default today)")
    def in_force(self, info: Info, on: date | None = None) -> bool:
        day = on or info.context.today
        return self.row.start_date <= day <= self.row.last_day

    @strawberry.field(description="服务机构 — The agency")
    async def agency(self, info: Info) -> Agency | None:
        row = await info.context.loaders.access.agency_by_id.load(self.row.agency_id)
        return Agency.from_row(row) if row else None

    @strawberry.field(description="服务企业 — The enterprises the contract lists; only those you may read")
    async def enterprises(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[OrgUnit]:
        loader = info.context.loaders.access.enterprises_by_contract
        page = await loader.load((self.row.id, page_request(info, first, after, UNIT_ORDER), None))
        return build_connection(page, OrgUnit.from_row, lambda: loader.counts.load((self.row.id, None)))


@strawberry.type(
    name="ApiKey",
    description="API密钥 — An API key of a service client. The key itself is shown once, when it is "
    "created; only its prefix is shown afterwards",
)
class ApiKey(LoadedNode[ApiKeyRow]):
    id: relay.NodeID[int]
    prefix: str = strawberry.field(
        description="前缀 — The key's public prefix (the 12 characters after `sdk_`), to tell keys apart"
    )
    created_at: datetime = strawberry.field(description="创建时间 — When the key was made")
    expires_at: datetime | None = strawberry.field(description="过期时间 — When the key expires, if it does")
    revoked_at: datetime | None = strawberry.field(
        description="吊销时间 — When the key was revoked, if it was"
    )
    row: strawberry.Private[ApiKeyRow]

    @classmethod
    def from_row(cls, row: ApiKeyRow) -> ApiKey:
        return cls(
            id=row.id,
            prefix=row.prefix,
            created_at=row.created_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, ApiKeyRow | None]:
        return loaders.access.api_key_by_id

    @strawberry.field(description="客户端 — The client the key belongs to")
    async def client(self, info: Info) -> ServiceClient | None:
        row = await info.context.loaders.access.client_by_id.load(self.row.client_id)
        return ServiceClient.from_row(row) if row else None


@strawberry.type(
    name="ServiceClient",
    description="接入客户端 — A machine client: a district system, an agency's system or another "
    "integration; it authenticates with API keys or tokens",
)
class ServiceClient(LoadedNode[ServiceClientRow]):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="名称 — Name")
    kind: ServiceClientKind = strawberry.field(description="类型 — Kind of client")
    subject: str = strawberry.field(
        description="授权主体 — The client's global ID (the same as `id`)",
        deprecation_reason="改用 id — Use id",
    )
    created_at: datetime = strawberry.field(description="创建时间 — When the client was registered")
    disabled_at: datetime | None = strawberry.field(
        description="停用时间 — When the client was disabled, if it was"
    )
    row: strawberry.Private[ServiceClientRow]

    @classmethod
    def from_row(cls, row: ServiceClientRow) -> ServiceClient:
        return cls(
            id=row.id,
            name=row.name,
            kind=ServiceClientKind(row.kind),
            subject=str(relay.GlobalID("ServiceClient", str(row.id))),
            created_at=row.created_at,
            disabled_at=row.disabled_at,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, ServiceClientRow | None]:
        return loaders.access.client_by_id

    @strawberry.field(description="所属区 — The district of a district system; null for other kinds")
    async def district(self, info: Info) -> OrgUnit | None:
        if self.row.unit_id is None:
            return None
        row = await info.context.loaders.unit_by_id.load(self.row.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description="服务机构 — The agency an agency client acts for; null for other kinds")
    async def agency(self, info: Info) -> Agency | None:
        if self.row.agency_id is None:
            return None
        row = await info.context.loaders.access.agency_by_id.load(self.row.agency_id)
        return Agency.from_row(row) if row else None

    @strawberry.field(
        description="API密钥 — The client's keys, revoked and expired ones included: prefix and dates, "
        "never the key"
    )
    async def api_keys(self, info: Info) -> list[ApiKey]:
        rows = await info.context.loaders.access.api_keys_by_client.load(self.row.id)
        return [ApiKey.from_row(r) for r in rows]


@strawberry.type(description="外部身份 — An identity provider's subject mapped to a person or a client")
class ExternalIdentity:
    issuer: str = strawberry.field(description="签发方 — The provider's issuer (`iss`)")
    subject: str = strawberry.field(description="外部标识 — The subject at the provider (`sub`)")
    created_at: datetime = strawberry.field(description="关联时间 — When the identity was linked")
    row: strawberry.Private[ExternalIdentityRow]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("ExternalIdentity", self.row.id)

    @classmethod
    def from_row(cls, row: ExternalIdentityRow) -> ExternalIdentity:
        return cls(issuer=row.issuer, subject=row.subject, created_at=row.created_at, row=row)

    @strawberry.field(description="人员 — The person it signs in as; null for a client or if not visible")
    async def person(self, info: Info) -> Person | None:
        if self.row.person_id is None:
            return None
        row = await info.context.loaders.person_by_id.load(self.row.person_id)
        return Person.from_row(row) if row else None

    @strawberry.field(description="客户端 — The client it signs in as; null for a person or if not visible")
    async def client(self, info: Info) -> ServiceClient | None:
        if self.row.client_id is None:
            return None
        row = await info.context.loaders.access.client_by_id.load(self.row.client_id)
        return ServiceClient.from_row(row) if row else None
