"""Command-line access tools (`python -m api …`):

token           a bearer token for an existing person or client (development, scripts)
create-api-key  a new API key of a client, printed once
revoke-api-key  revoke a key by its prefix
demo-logins     one ready-made login per demo role, for the demo database
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.credentials import mint_token
from authz.settings import AuthSettings

COMMANDS = ("token", "create-api-key", "revoke-api-key", "demo-logins")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = sub.add_parser("token", help="print a bearer token for a person or a client")
    who = token.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", type=int, metavar="ID", help="the person's id")
    who.add_argument("--client", type=int, metavar="ID", help="the service client's id")
    token.add_argument("--hours", type=float, default=None, help="lifetime (default TOKEN_TTL_MINUTES)")
    create = sub.add_parser("create-api-key", help="make an API key for a client; printed once")
    create.add_argument("--client", type=int, required=True, metavar="ID", help="the service client's id")
    create.add_argument("--expires-days", type=int, default=None, metavar="N", help="expire after N days")
    revoke = sub.add_parser("revoke-api-key", help="revoke an API key")
    revoke.add_argument("--prefix", required=True, help="the key's prefix (the 12 characters after sdk_)")
    sub.add_parser("demo-logins", help="print a token for each demo role (demo database)")


def run(args: argparse.Namespace, settings: AuthSettings) -> None:
    if args.command == "token":
        print(asyncio.run(_token(settings, args.person, args.client, args.hours)))
    elif args.command == "create-api-key":
        print(asyncio.run(_create_api_key(settings, args.client, args.expires_days)))
    elif args.command == "revoke-api-key":
        print(asyncio.run(_revoke_api_key(settings, args.prefix)))
    elif args.command == "demo-logins":
        for line in asyncio.run(_demo_logins(settings)):
            print(line)


@asynccontextmanager
async def _session(settings: AuthSettings) -> AsyncIterator[AsyncSession]:
    from domain.audit.service import Actor, bind_actor
    from domain.db import create_engine, create_session_factory

    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            bind_actor(session, Actor("cli"))
            yield session
    finally:
        await engine.dispose()


async def _token(
    settings: AuthSettings, person_id: int | None, client_id: int | None, hours: float | None
) -> str:
    from authz.models import ServiceClient
    from domain.people.models import Person

    async with _session(settings) as session:
        if person_id is not None:
            if await session.get(Person, person_id) is None:
                raise SystemExit(f"no person with id {person_id}")
            subject = f"person:{person_id}"
        else:
            assert client_id is not None
            client = await session.get(ServiceClient, client_id)
            if client is None:
                raise SystemExit(f"no service client with id {client_id}")
            if client.disabled_at is not None:
                raise SystemExit(f"service client {client_id} is disabled")
            subject = client.subject
    ttl = timedelta(hours=hours) if hours is not None else None
    if ttl is not None and ttl <= timedelta(0):
        raise SystemExit("--hours must be positive")
    return mint_token(settings, subject, ttl=ttl)


async def _create_api_key(settings: AuthSettings, client_id: int, expires_days: int | None) -> str:
    from authz.clients import create_api_key
    from domain.errors import DomainError

    expires_at = datetime.now(UTC) + timedelta(days=expires_days) if expires_days is not None else None
    async with _session(settings) as session:
        try:
            row, plain = await create_api_key(session, client_id=client_id, expires_at=expires_at)
        except DomainError as exc:
            raise SystemExit(f"no key made: {exc}") from exc
        await session.commit()
        return f"{plain}\n(prefix {row.prefix}; shown once — store it now)"


async def _revoke_api_key(settings: AuthSettings, prefix: str) -> str:
    from authz.clients import api_key_by_prefix, revoke_api_key
    from domain.errors import DomainError

    async with _session(settings) as session:
        key = await api_key_by_prefix(session, prefix)
        if key is None:
            raise SystemExit(f"no API key with prefix {prefix!r}")
        try:
            await revoke_api_key(session, key_id=key.id)
        except DomainError as exc:
            raise SystemExit(f"not revoked: {exc}") from exc
        await session.commit()
        return f"revoked API key {key.prefix} of client:{key.client_id}"


# --- demo logins ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    role: str  # a short key: GraphiQL's `/graphql?as=<role>` in development
    label: str
    name: str
    subject: str


async def demo_subjects(session: AsyncSession) -> list[DemoLogin]:
    """A caller for each demo role, found in the demo data as loaded (today); none without
    the demo data (its park ZY)."""
    from authz.models import AgencyContract, AgencyMember, ClientKind, RoleGrant, ServiceClient
    from domain.clock import today_shanghai
    from domain.people.models import Person
    from domain.posts.kinds import PostKind
    from domain.posts.models import Assignment, Post, effective_assignment
    from domain.tree.kinds import UnitKind
    from domain.tree.models import OrgUnit, subtree_upper_bound

    today = today_shanghai()
    park = await session.scalar(
        select(OrgUnit).where(OrgUnit.kind == UnitKind.PARK, OrgUnit.code == "ZY").order_by(OrgUnit.id)
    )
    if park is None:
        return []  # no demo data
    in_park = (OrgUnit.path >= park.path) & (OrgUnit.path < subtree_upper_bound(park.path))
    found: list[DemoLogin] = []

    async def holder(role: str, label: str, kind: PostKind, *where: object) -> None:
        row = (
            await session.execute(
                select(Person.id, Person.name, OrgUnit.name, Post.title)
                .join(Assignment, Assignment.person_id == Person.id)
                .join(Post, Post.id == Assignment.post_id)
                .join(OrgUnit, OrgUnit.id == Post.unit_id)
                .where(
                    Post.kind == kind.value,
                    effective_assignment(),
                    Assignment.start_date <= today,
                    (Assignment.end_date.is_(None)) | (Assignment.end_date >= today),
                    *where,  # type: ignore[arg-type]
                )
                .order_by(OrgUnit.id, Post.id, Assignment.id)
                .limit(1)
            )
        ).first()
        if row is not None:
            person_id, name, unit_name, title = row
            found.append(DemoLogin(role, f"{label}（{unit_name} {title}）", name, f"person:{person_id}"))

    await holder("park-secretary", "园区党工委书记", PostKind.PARTY_SECRETARY, OrgUnit.id == park.id)
    await holder("park-director", "园区管委会主任", PostKind.COMMITTEE_DIRECTOR, OrgUnit.id == park.id)
    await holder("deputy", "分管负责人", PostKind.DEPUTY_IN_CHARGE, OrgUnit.id == park.id)
    await holder("department-head", "部室负责人", PostKind.DEPARTMENT_HEAD, in_park)
    await holder("enterprise-principal", "企业主要负责人", PostKind.ENTERPRISE_PRINCIPAL, in_park)
    await holder("frontline", "一线岗位人员", PostKind.FRONTLINE, in_park)

    staff = (
        await session.execute(
            select(Person.id, Person.name, AgencyContract.code)
            .join(AgencyMember, AgencyMember.person_id == Person.id)
            .join(AgencyContract, AgencyContract.agency_id == AgencyMember.agency_id)
            .where(
                AgencyMember.revoked_at.is_(None),
                AgencyMember.start_date <= today,
                (AgencyMember.end_date.is_(None)) | (AgencyMember.end_date >= today),
                AgencyContract.start_date <= today,
                AgencyContract.end_date >= today,
                (AgencyContract.terminated_on.is_(None)) | (AgencyContract.terminated_on > today),
            )
            .order_by(AgencyMember.id)
            .limit(1)
        )
    ).first()
    if staff is not None:
        found.append(
            DemoLogin("agency-staff", f"第三方机构人员（合同 {staff[2]}）", staff[1], f"person:{staff[0]}")
        )
    for role, kind, label in (
        ("district-system", ClientKind.DISTRICT_SYSTEM, "区级系统"),
        ("agency-system", ClientKind.AGENCY, "第三方机构系统"),
    ):
        client = await session.scalar(
            select(ServiceClient)
            .where(ServiceClient.kind == kind, ServiceClient.disabled_at.is_(None))
            .order_by(ServiceClient.id)
            .limit(1)
        )
        if client is not None:
            found.append(DemoLogin(role, label, client.name, client.subject))
    for role, label, unit_clause in (
        ("district-admin", "区管理员", RoleGrant.unit_id.is_not(None)),
        ("platform-admin", "平台管理员", RoleGrant.unit_id.is_(None)),
    ):
        admin = (
            await session.execute(
                select(Person.id, Person.name)
                .join(RoleGrant, RoleGrant.subject == "person:" + Person.id.cast(String()))
                .where(RoleGrant.role == "admin", RoleGrant.revoked_at.is_(None), unit_clause)
                .order_by(RoleGrant.id)
                .limit(1)
            )
        ).first()
        if admin is not None:
            found.append(DemoLogin(role, label, admin[1], f"person:{admin[0]}"))
    return found


async def _demo_logins(settings: AuthSettings) -> list[str]:
    async with _session(settings) as session:
        logins = await demo_subjects(session)
    if not logins:
        raise SystemExit("this database holds no demo data (no park ZY); run `python -m api load-demo` first")
    lines = [
        '# Demo logins: in GraphiQL, Headers pane: {"Authorization": "Bearer <token>"}',
        f"# Tokens last {settings.token_ttl_minutes // 60} hours. role | name | subject | token",
        "# Development server: /graphql?as=<key> opens GraphiQL with the header filled in; keys: "
        + ", ".join(login.role for login in logins),
    ]
    for login in logins:
        token = mint_token(settings, login.subject)
        lines.append(f"{login.label} | {login.name} | {login.subject} | {token}")
    return lines
