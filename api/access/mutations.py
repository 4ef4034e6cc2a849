"""Agencies, contracts, service clients, API keys and external identities.

Who may change what (checked through the enforcer, `ctx.can`):
- agencies and their staff live at the root: (contract, write) over everything;
- a contract: (contract, write) on every enterprise it lists;
- a district system: (client, write) on its district; other clients and their keys: at the
  root (over everything);
- linking an identity to a person: (client, write) wherever the person lives and wherever
  they hold a role, so nobody can sign in as someone who reaches further than they do.
A target the caller may not read is NOT_FOUND; one they may read but not change, FORBIDDEN.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.access.types import (
    Agency,
    AgencyContract,
    AgencyMember,
    ApiKey,
    ExternalIdentity,
    ServiceClient,
    ServiceClientKind,
)
from api.actors import actor
from api.context import Context, Info
from api.errors import UserError, mutate, present
from api.guard import forbidden, read_person, write_unit
from api.ids import decode_id
from authz import agencies, clients
from authz.catalogue import Action, Resource
from authz.domains import EVERYTHING, ROOT_DOMAIN
from authz.models import Agency as AgencyRow
from authz.models import AgencyContract as AgencyContractRow
from authz.models import AgencyMember as AgencyMemberRow
from authz.models import ApiKey as ApiKeyRow
from authz.models import ExternalIdentity as ExternalIdentityRow
from authz.models import ServiceClient as ServiceClientRow
from authz.persons import person_domains
from authz.visibility.access import agencies_visible, clients_visible, contracts_visible
from domain.errors import DomainError, ErrorCollector, not_found
from domain.rows import has_row, value_by_id

# --- guards ---------------------------------------------------------------------------------


def _write_root(ctx: Context, resource: Resource, field: str | Sequence[str], what: tuple[str, str]) -> None:
    if not ctx.can(resource, Action.WRITE, ROOT_DOMAIN):
        raise forbidden(field, *what)


async def _guard_agency(ctx: Context, session: AsyncSession, agency_id: int, field: str) -> None:
    from authz.models import Agency as AgencyRow

    if not await has_row(session, AgencyRow, agency_id, agencies_visible(ctx.reach)):
        raise not_found(field, "服务机构", "Agency")
    _write_root(ctx, Resource.CONTRACT, field, ("服务机构", "Agency"))


async def _guard_contract(ctx: Context, session: AsyncSession, contract_id: int, field: str) -> None:
    if not await has_row(session, AgencyContractRow, contract_id, contracts_visible(ctx.reach)):
        raise not_found(field, "服务合同", "Contract")
    paths = await agencies.contract_unit_paths(session, contract_id)
    if not all(ctx.can(Resource.CONTRACT, Action.WRITE, p) for p in paths):
        raise forbidden(field, "服务合同", "Contract")


async def _guard_client(ctx: Context, session: AsyncSession, client_id: int, field: str) -> None:
    if not await has_row(session, ServiceClientRow, client_id, clients_visible(ctx.reach)):
        raise not_found(field, "客户端", "Client")
    client = await session.get(ServiceClientRow, client_id)
    assert client is not None
    if not ctx.can(Resource.CLIENT, Action.WRITE, await clients.client_domain(session, client)):
        raise forbidden(field, "客户端", "Client")


async def _person_reach(ctx: Context, session: AsyncSession, person_id: int) -> set[str]:
    """Every domain where the person lives or holds a role (a role over everything: the root)."""
    # Where they live (registered by no unit, or no such person: the root) and their posts.
    found = await person_domains(session, [person_id])
    domains: set[str] = set(found.get(person_id) or [ROOT_DOMAIN])
    for link in ctx.authority.rm.links_of(f"person:{person_id}"):
        domains.add(ROOT_DOMAIN if link.domain == EVERYTHING else link.domain.removesuffix("*"))
    return domains


# --- inputs and payloads --------------------------------------------------------------------


@strawberry.input(description="新建服务机构 — A new third-party service agency")
class CreateAgencyInput:
    name: str = strawberry.field(description="名称 — Name")
    credit_code: str = strawberry.field(description="统一社会信用代码 — Unified social credit code")


@strawberry.type(description="服务机构变更结果 — Result of a change to an agency")
class AgencyPayload:
    agency: Agency | None = strawberry.field(description="服务机构 — The agency; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: AgencyRow | None, errors: list[UserError]) -> AgencyPayload:
        return cls(agency=present(Agency.from_row, row), user_errors=errors)


@strawberry.input(description="添加机构人员 — A person works for an agency from a date")
class AddAgencyMemberInput:
    agency_id: relay.GlobalID = strawberry.field(description="服务机构 — The agency")
    person_id: relay.GlobalID = strawberry.field(description="人员 — The person")
    start_date: date = strawberry.field(description="开始日期 — First day with the agency")
    end_date: date | None = strawberry.field(
        default=None, description="结束日期 — Last day with the agency, if known"
    )
    note: str | None = strawberry.field(default=None, description="备注 — Note")


@strawberry.input(description="结束机构人员 — Close an open membership")
class EndAgencyMemberInput:
    member_id: relay.GlobalID = strawberry.field(description="机构人员记录 — The membership")
    end_date: date = strawberry.field(description="结束日期 — Last day with the agency")


@strawberry.type(description="机构人员变更结果 — Result of a change to an agency's staff")
class AgencyMemberPayload:
    member: AgencyMember | None = strawberry.field(
        description="机构人员记录 — The membership; null on errors"
    )
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: AgencyMemberRow | None, errors: list[UserError]) -> AgencyMemberPayload:
        return cls(member=present(AgencyMember.from_row, row), user_errors=errors)


@strawberry.input(description="新建服务合同 — An agency serves the listed enterprises over a period")
class CreateAgencyContractInput:
    agency_id: relay.GlobalID = strawberry.field(description="服务机构 — The agency")
    code: str = strawberry.field(description="合同编号 — Contract code, unique for the agency")
    start_date: date = strawberry.field(description="开始日期 — First day in force")
    end_date: date = strawberry.field(description="结束日期 — Last day in force")
    unit_ids: list[relay.GlobalID] = strawberry.field(
        description="服务企业 — The enterprises served; you need the right to change contracts of each"
    )
    note: str | None = strawberry.field(default=None, description="备注 — Note")


@strawberry.input(description="终止服务合同 — End a contract early")
class TerminateAgencyContractInput:
    contract_id: relay.GlobalID = strawberry.field(description="服务合同 — The contract")
    terminated_on: date | None = strawberry.field(
        default=None, description="终止日期 — First day no longer in force; default today"
    )
    note: str | None = strawberry.field(default=None, description="备注 — Why it was terminated")


@strawberry.type(description="服务合同变更结果 — Result of a change to a contract")
class AgencyContractPayload:
    contract: AgencyContract | None = strawberry.field(description="服务合同 — The contract; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: AgencyContractRow | None, errors: list[UserError]) -> AgencyContractPayload:
        return cls(contract=present(AgencyContract.from_row, row), user_errors=errors)


@strawberry.input(description="新建接入客户端 — Register a machine client")
class CreateServiceClientInput:
    name: str = strawberry.field(description="名称 — Name")
    kind: ServiceClientKind = strawberry.field(description="类型 — Kind of client")
    district_id: relay.GlobalID | None = strawberry.field(
        default=None, description="所属区 — The district a district system reads; only for that kind"
    )
    agency_id: relay.GlobalID | None = strawberry.field(
        default=None, description="服务机构 — The agency an agency client acts for; only for that kind"
    )


@strawberry.input(description="停用接入客户端 — Disable a client: its keys and tokens stop working at once")
class DisableServiceClientInput:
    client_id: relay.GlobalID = strawberry.field(description="客户端 — The client")


@strawberry.type(description="接入客户端变更结果 — Result of a change to a client")
class ServiceClientPayload:
    client: ServiceClient | None = strawberry.field(description="客户端 — The client; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: ServiceClientRow | None, errors: list[UserError]) -> ServiceClientPayload:
        return cls(client=present(ServiceClient.from_row, row), user_errors=errors)


@strawberry.input(description="新建API密钥 — A new API key for a client")
class CreateApiKeyInput:
    client_id: relay.GlobalID = strawberry.field(description="客户端 — The client")
    expires_at: datetime | None = strawberry.field(
        default=None, description="过期时间 — When the key stops working; omitted: until revoked"
    )


@strawberry.type(description="新建API密钥结果 — The new key, shown this once")
class CreateApiKeyPayload:
    key: str | None = strawberry.field(
        description="密钥 — The key itself, shown only now: store it safely. Send it as "
        "`Authorization: Bearer <key>` or `X-API-Key: <key>`"
    )
    api_key: ApiKey | None = strawberry.field(description="API密钥 — The key's record; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, made: tuple[ApiKeyRow, str] | None, errors: list[UserError]) -> CreateApiKeyPayload:
        row, plain = made or (None, None)
        return cls(key=plain, api_key=present(ApiKey.from_row, row), user_errors=errors)


@strawberry.input(description="吊销API密钥 — Revoke a key: it stops working at once")
class RevokeApiKeyInput:
    key_id: relay.GlobalID = strawberry.field(description="API密钥 — The key")


@strawberry.type(description="API密钥变更结果 — Result of a change to an API key")
class ApiKeyPayload:
    api_key: ApiKey | None = strawberry.field(description="API密钥 — The key; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: ApiKeyRow | None, errors: list[UserError]) -> ApiKeyPayload:
        return cls(api_key=present(ApiKey.from_row, row), user_errors=errors)


@strawberry.input(
    description="关联外部身份 — Let an identity provider's user (`iss`, `sub`) sign in as a person or "
    "a client"
)
class LinkExternalIdentityInput:
    issuer: str = strawberry.field(description="签发方 — The provider's issuer (`iss`), as OIDC_ISSUER")
    subject: str = strawberry.field(description="外部标识 — The user's subject at the provider (`sub`)")
    person_id: relay.GlobalID | None = strawberry.field(
        default=None, description="人员 — The person; give this or clientId"
    )
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="客户端 — The client; give this or personId"
    )


@strawberry.type(description="关联外部身份结果 — Result of linking an identity")
class ExternalIdentityPayload:
    identity: ExternalIdentity | None = strawberry.field(description="外部身份 — The link; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: ExternalIdentityRow | None, errors: list[UserError]) -> ExternalIdentityPayload:
        return cls(identity=present(ExternalIdentity.from_row, row), user_errors=errors)


def _decode_all(ids: Sequence[relay.GlobalID], type_name: str, field: str) -> list[int]:
    errors = ErrorCollector()
    found: list[int] = []
    for i, gid in enumerate(ids):
        try:
            found.append(decode_id(gid, type_name, (field, str(i))))
        except DomainError as exc:
            errors.extend(exc)
            found.append(0)
    errors.raise_if_any()
    return found


# --- mutations ------------------------------------------------------------------------------


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="新建服务机构 — Record a third-party service agency (platform admins)")
    async def create_agency(self, info: Info, input: CreateAgencyInput) -> AgencyPayload:
        async def work(session: AsyncSession) -> AgencyRow:
            _write_root(info.context, Resource.CONTRACT, (), ("服务机构", "Agency"))
            return await agencies.create_agency(
                session, actor=actor(info.context), name=input.name, credit_code=input.credit_code
            )

        return await mutate(info, work, AgencyPayload.of)

    @strawberry.mutation(description="添加机构人员 — Record that a person works for an agency")
    async def add_agency_member(self, info: Info, input: AddAgencyMemberInput) -> AgencyMemberPayload:
        async def work(session: AsyncSession) -> AgencyMemberRow:
            ctx = info.context
            agency_id = decode_id(input.agency_id, "Agency", "agencyId")
            person_id = decode_id(input.person_id, "Person", "personId")
            await _guard_agency(ctx, session, agency_id, "agencyId")
            await read_person(ctx, session, person_id, "personId")
            return await agencies.add_agency_member(
                session,
                actor=actor(info.context),
                agency_id=agency_id,
                person_id=person_id,
                start_date=input.start_date,
                end_date=input.end_date,
                note=input.note,
            )

        return await mutate(info, work, AgencyMemberPayload.of)

    @strawberry.mutation(description="结束机构人员 — Record the last day a person works for an agency")
    async def end_agency_member(self, info: Info, input: EndAgencyMemberInput) -> AgencyMemberPayload:
        async def work(session: AsyncSession) -> AgencyMemberRow:
            member_id = decode_id(input.member_id, "AgencyMember", "memberId")
            agency_id = await value_by_id(session, AgencyMemberRow.agency_id, member_id)
            if agency_id is None:
                raise not_found("memberId", "机构人员记录", "Agency member")
            await _guard_agency(info.context, session, agency_id, "memberId")
            return await agencies.end_agency_member(
                session, actor=actor(info.context), member_id=member_id, end_date=input.end_date
            )

        return await mutate(info, work, AgencyMemberPayload.of)

    @strawberry.mutation(
        description="新建服务合同 — Contract an agency to serve enterprises over a period; its staff and "
        "systems then read them and record inspections and hazards for them"
    )
    async def create_agency_contract(
        self, info: Info, input: CreateAgencyContractInput
    ) -> AgencyContractPayload:
        async def work(session: AsyncSession) -> AgencyContractRow:
            from authz.models import Agency as AgencyRow

            ctx = info.context
            agency_id = decode_id(input.agency_id, "Agency", "agencyId")
            if not await has_row(session, AgencyRow, agency_id, agencies_visible(ctx.reach)):
                raise not_found("agencyId", "服务机构", "Agency")
            unit_ids = _decode_all(input.unit_ids, "OrgUnit", "unitIds")
            errors = ErrorCollector()
            for i, unit_id in enumerate(unit_ids):
                try:
                    await write_unit(ctx, session, unit_id, ("unitIds", str(i)), Resource.CONTRACT)
                except DomainError as exc:
                    errors.extend(exc)
            errors.raise_if_any()
            return await agencies.create_contract(
                session,
                actor=actor(info.context),
                agency_id=agency_id,
                code=input.code,
                start_date=input.start_date,
                end_date=input.end_date,
                unit_ids=unit_ids,
                note=input.note,
            )

        return await mutate(info, work, AgencyContractPayload.of)

    @strawberry.mutation(
        description="终止服务合同 — End a contract early: from that day the agency reads nothing of it"
    )
    async def terminate_agency_contract(
        self, info: Info, input: TerminateAgencyContractInput
    ) -> AgencyContractPayload:
        async def work(session: AsyncSession) -> AgencyContractRow:
            contract_id = decode_id(input.contract_id, "AgencyContract", "contractId")
            await _guard_contract(info.context, session, contract_id, "contractId")
            terminated_on = input.terminated_on
            if terminated_on is None:
                # Today; a contract not started yet is called off from its first day.
                row = await session.get(AgencyContractRow, contract_id)
                assert row is not None
                terminated_on = max(info.context.today, row.start_date)
            return await agencies.terminate_contract(
                session,
                actor=actor(info.context),
                contract_id=contract_id,
                terminated_on=terminated_on,
                note=input.note,
            )

        return await mutate(info, work, AgencyContractPayload.of)

    @strawberry.mutation(
        description="新建接入客户端 — Register a district system (for its district), an agency's system "
        "or another integration"
    )
    async def create_service_client(
        self, info: Info, input: CreateServiceClientInput
    ) -> ServiceClientPayload:
        async def work(session: AsyncSession) -> ServiceClientRow:
            ctx = info.context
            unit_id = decode_id(input.district_id, "OrgUnit", "districtId") if input.district_id else None
            agency_id = decode_id(input.agency_id, "Agency", "agencyId") if input.agency_id else None
            if input.kind is ServiceClientKind.DISTRICT_SYSTEM:
                # Without a district the service refuses the input (REQUIRED) before writing.
                if unit_id is not None:
                    await write_unit(ctx, session, unit_id, "districtId", Resource.CLIENT)
            else:
                _write_root(ctx, Resource.CLIENT, "kind", ("客户端", "Client"))
            return await clients.create_client(
                session,
                actor=actor(info.context),
                name=input.name,
                kind=str(input.kind.value),
                unit_id=unit_id,
                agency_id=agency_id,
                unit_field="districtId",
            )

        return await mutate(info, work, ServiceClientPayload.of)

    @strawberry.mutation(description="停用接入客户端 — Disable a client: its keys and tokens stop working")
    async def disable_service_client(
        self, info: Info, input: DisableServiceClientInput
    ) -> ServiceClientPayload:
        async def work(session: AsyncSession) -> ServiceClientRow:
            client_id = decode_id(input.client_id, "ServiceClient", "clientId")
            await _guard_client(info.context, session, client_id, "clientId")
            return await clients.disable_client(session, actor=actor(info.context), client_id=client_id)

        return await mutate(info, work, ServiceClientPayload.of)

    @strawberry.mutation(
        description="新建API密钥 — Make an API key for a client; the key is in the payload this once"
    )
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> CreateApiKeyPayload:
        async def work(session: AsyncSession) -> tuple[ApiKeyRow, str]:
            client_id = decode_id(input.client_id, "ServiceClient", "clientId")
            await _guard_client(info.context, session, client_id, "clientId")
            return await clients.create_api_key(
                session, actor=actor(info.context), client_id=client_id, expires_at=input.expires_at
            )

        return await mutate(info, work, CreateApiKeyPayload.of)

    @strawberry.mutation(description="吊销API密钥 — Revoke an API key at once")
    async def revoke_api_key(self, info: Info, input: RevokeApiKeyInput) -> ApiKeyPayload:
        async def work(session: AsyncSession) -> ApiKeyRow:
            key_id = decode_id(input.key_id, "ApiKey", "keyId")
            client_id = await value_by_id(session, ApiKeyRow.client_id, key_id)
            if client_id is None:
                raise not_found("keyId", "API密钥", "API key")
            try:
                await _guard_client(info.context, session, client_id, "keyId")
            except DomainError as exc:
                if exc.errors[0].code == "NOT_FOUND":
                    raise not_found("keyId", "API密钥", "API key") from exc
                raise
            return await clients.revoke_api_key(session, actor=actor(info.context), key_id=key_id)

        return await mutate(info, work, ApiKeyPayload.of)

    @strawberry.mutation(
        description="关联外部身份 — Let a user of the OIDC provider sign in as a person or a client"
    )
    async def link_external_identity(
        self, info: Info, input: LinkExternalIdentityInput
    ) -> ExternalIdentityPayload:
        async def work(session: AsyncSession) -> ExternalIdentityRow:
            ctx = info.context
            person_id = decode_id(input.person_id, "Person", "personId") if input.person_id else None
            client_id = decode_id(input.client_id, "ServiceClient", "clientId") if input.client_id else None
            if client_id is not None and person_id is None:
                await _guard_client(ctx, session, client_id, "clientId")
            elif person_id is not None and client_id is None:
                await read_person(ctx, session, person_id, "personId")
                reach = await _person_reach(ctx, session, person_id)
                if not all(ctx.can(Resource.CLIENT, Action.WRITE, d) for d in reach):
                    raise forbidden("personId", "人员的登录身份", "Person's sign-in identities")
            return await clients.link_identity(
                session,
                actor=actor(info.context),
                issuer=input.issuer,
                subject=input.subject,
                person_id=person_id,
                client_id=client_id,
            )

        return await mutate(info, work, ExternalIdentityPayload.of)
