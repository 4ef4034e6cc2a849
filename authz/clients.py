"""Service clients (machine callers), their API keys, and external identities.

A DISTRICT_SYSTEM client reads its district; an AGENCY client acts for its agency while the
agency's contracts run; an INTEGRATION client has only the roles granted to it. An API key
is shown once, when it is made; only its hash is kept. Rows are written once: a client is
disabled and a key revoked by filling `disabled_*` / `revoked_*`, never deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.credentials import new_api_key
from authz.domains import ROOT_DOMAIN
from authz.models import Agency, ApiKey, ClientKind, ExternalIdentity, ServiceClient
from domain.actors import Actor
from domain.audit.service import insert_audited, record, record_row, row_snapshot
from domain.changes import mark_authz_dirty
from domain.db import utcnow
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.inputs import clean_text
from domain.people.models import Person
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit

CLIENT_KINDS = (ClientKind.DISTRICT_SYSTEM, ClientKind.AGENCY, ClientKind.INTEGRATION)


async def client_domain(session: AsyncSession, client: ServiceClient) -> str:
    """Where a client lives: its district for a district system, else the root (only a grant
    over everything reaches it)."""
    if client.unit_id is None:
        return ROOT_DOMAIN
    path = await session.scalar(select(OrgUnit.path).where(OrgUnit.id == client.unit_id))
    return path or ROOT_DOMAIN


async def create_client(
    session: AsyncSession,
    *,
    actor: Actor,
    name: str,
    kind: str,
    unit_id: int | None = None,
    agency_id: int | None = None,
    unit_field: str = "unitId",
) -> ServiceClient:
    """`unit_field` names the district in errors (the API calls it `districtId`)."""
    errors = ErrorCollector()
    clean_name = clean_text(errors, "name", name, label_zh="客户端名称", label_en="Name", max_length=200)
    if kind not in CLIENT_KINDS:
        errors.add(
            ErrorCode.INVALID_VALUE,
            "kind",
            "客户端类型无效",
            f"The kind must be one of {', '.join(CLIENT_KINDS)}",
        )
    path = ROOT_DOMAIN
    if kind == ClientKind.DISTRICT_SYSTEM:
        if unit_id is None:
            errors.add(
                ErrorCode.REQUIRED, unit_field, "区级系统须指定所属区", "A district system names its district"
            )
        else:
            unit = await session.get(OrgUnit, unit_id)
            if unit is None:
                errors.extend(not_found(unit_field, "组织单元", "Unit"))
            elif unit.kind != UnitKind.DISTRICT:
                errors.add(
                    ErrorCode.INVALID_VALUE,
                    unit_field,
                    f"“{unit.name}”不是区；区级系统只能属于区",
                    "This unit is not a district; a district system belongs to a district",
                )
            elif unit.archived_at is not None:
                errors.add(ErrorCode.ARCHIVED, unit_field, "该区已撤销", "The district is archived")
            else:
                path = unit.path
    elif unit_id is not None:
        errors.add(
            ErrorCode.INVALID_VALUE,
            unit_field,
            "只有区级系统指定所属区",
            "Only a district system belongs to a district",
        )
    if kind == ClientKind.AGENCY:
        if agency_id is None:
            errors.add(
                ErrorCode.REQUIRED, "agencyId", "机构系统须指定服务机构", "An agency client names its agency"
            )
        elif await session.get(Agency, agency_id) is None:
            errors.extend(not_found("agencyId", "服务机构", "Agency"))
    elif agency_id is not None:
        errors.add(
            ErrorCode.INVALID_VALUE,
            "agencyId",
            "只有机构系统指定服务机构",
            "Only an agency client acts for an agency",
        )
    errors.raise_if_any()
    assert clean_name is not None
    client = ServiceClient(
        name=clean_name,
        kind=kind,
        unit_id=unit_id,
        agency_id=agency_id,
        created_by=actor.subject,
    )
    await insert_audited(session, client, "client.create", path, actor=actor)
    mark_authz_dirty(session, client.subject)
    return client


async def _live_client(session: AsyncSession, client_id: int, field: str = "clientId") -> ServiceClient:
    client = await session.get(ServiceClient, client_id)
    if client is None:
        raise not_found(field, "客户端", "Client")
    if client.disabled_at is not None:
        raise DomainError.one(
            ErrorCode.ALREADY_REVOKED, field, "该客户端已停用", "The client has been disabled"
        )
    return client


async def disable_client(session: AsyncSession, *, actor: Actor, client_id: int) -> ServiceClient:
    """Stop a client at once: its keys and tokens no longer authenticate, its roles end."""
    client = await _live_client(session, client_id)
    before = row_snapshot(client)
    client.disabled_at = utcnow()
    client.disabled_by = actor.subject
    await session.flush()
    await record_row(
        session, "client.disable", client, await client_domain(session, client), before, actor=actor
    )
    mark_authz_dirty(session, client.subject)
    return client


# --- API keys -------------------------------------------------------------------------------


def _key_picture(key: ApiKey) -> dict[str, Any]:
    picture = row_snapshot(key)
    picture.pop("secret_hash", None)
    return picture


async def create_api_key(
    session: AsyncSession, *, actor: Actor, client_id: int, expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key of the client: the row, and the key itself, to be shown once."""
    client = await _live_client(session, client_id)
    if expires_at is not None and expires_at <= utcnow():
        raise DomainError.one(
            ErrorCode.INVALID_VALUE, "expiresAt", "过期时间须在将来", "The expiry must be in the future"
        )
    plain, prefix, secret_hash = new_api_key()
    key = ApiKey(
        client_id=client.id,
        prefix=prefix,
        secret_hash=secret_hash,
        expires_at=expires_at,
        created_by=actor.subject,
    )
    session.add(key)
    await session.flush()
    await record(
        session,
        actor=actor,
        action="client.create_api_key",
        target_type="ApiKey",
        target_id=key.id,
        domain=await client_domain(session, client),
        after=_key_picture(key),
    )
    return key, plain


async def api_key_by_prefix(session: AsyncSession, prefix: str) -> ApiKey | None:
    """The key with this prefix: the 12 characters after `sdk_` (a whole key is accepted)."""
    text = prefix.strip()
    if text.startswith("sdk_"):
        text = text[4:].partition("_")[0]
    return await session.scalar(select(ApiKey).where(ApiKey.prefix == text))


async def revoke_api_key(session: AsyncSession, *, actor: Actor, key_id: int) -> ApiKey:
    key = await session.get(ApiKey, key_id)
    if key is None:
        raise not_found("keyId", "API密钥", "API key")
    if key.revoked_at is not None:
        raise DomainError.one(
            ErrorCode.ALREADY_REVOKED, "keyId", "该密钥已吊销", "The key is already revoked"
        )
    before = _key_picture(key)
    key.revoked_at = utcnow()
    key.revoked_by = actor.subject
    await session.flush()
    client = await session.get(ServiceClient, key.client_id)
    assert client is not None
    await record(
        session,
        actor=actor,
        action="client.revoke_api_key",
        target_type="ApiKey",
        target_id=key.id,
        domain=await client_domain(session, client),
        before=before,
        after=_key_picture(key),
    )
    return key


# --- external identities -------------------------------------------------------------------


async def link_identity(
    session: AsyncSession,
    *,
    actor: Actor,
    issuer: str,
    subject: str,
    person_id: int | None = None,
    client_id: int | None = None,
) -> ExternalIdentity:
    """Map an identity provider's (`iss`, `sub`) to a person or a client of ours."""
    errors = ErrorCollector()
    clean_issuer = clean_text(errors, "issuer", issuer, label_zh="签发方", label_en="Issuer", max_length=255)
    clean_subject = clean_text(
        errors, "subject", subject, label_zh="外部身份标识", label_en="Subject", max_length=255
    )
    domain = ROOT_DOMAIN
    if (person_id is None) == (client_id is None):
        errors.add(
            ErrorCode.INVALID_VALUE,
            "personId" if person_id is not None else (),
            "须指定且只能指定人员或客户端之一",
            "Give exactly one of personId and clientId",
        )
    elif person_id is not None:
        if await session.get(Person, person_id) is None:
            errors.extend(not_found("personId", "人员", "Person"))
    elif client_id is not None:
        try:
            client = await _live_client(session, client_id)
            domain = await client_domain(session, client)
        except DomainError as exc:
            errors.extend(exc)
    if clean_issuer is not None and clean_subject is not None:
        taken = await session.scalar(
            select(ExternalIdentity.id).where(
                ExternalIdentity.issuer == clean_issuer, ExternalIdentity.subject == clean_subject
            )
        )
        if taken is not None:
            errors.add(
                ErrorCode.DUPLICATE,
                "subject",
                "该外部身份已关联",
                "This identity is already linked",
            )
    errors.raise_if_any()
    assert clean_issuer is not None and clean_subject is not None
    identity = ExternalIdentity(
        issuer=clean_issuer,
        subject=clean_subject,
        person_id=person_id,
        client_id=client_id,
        created_by=actor.subject,
    )
    await insert_audited(session, identity, "identity.link", domain, actor=actor)
    return identity
