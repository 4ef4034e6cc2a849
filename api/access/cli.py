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
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from authz.credentials import mint_token
from authz.demo import demo_subjects
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
    from domain.db import create_engine, create_session_factory

    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
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
    from domain.actors import CLI
    from domain.errors import DomainError

    expires_at = datetime.now(UTC) + timedelta(days=expires_days) if expires_days is not None else None
    async with _session(settings) as session:
        try:
            row, plain = await create_api_key(session, actor=CLI, client_id=client_id, expires_at=expires_at)
        except DomainError as exc:
            raise SystemExit(f"no key made: {exc}") from exc
        await session.commit()
        return f"{plain}\n(prefix {row.prefix}; shown once — store it now)"


async def _revoke_api_key(settings: AuthSettings, prefix: str) -> str:
    from authz.clients import api_key_by_prefix, revoke_api_key
    from domain.actors import CLI
    from domain.errors import DomainError

    async with _session(settings) as session:
        key = await api_key_by_prefix(session, prefix)
        if key is None:
            raise SystemExit(f"no API key with prefix {prefix!r}")
        try:
            await revoke_api_key(session, actor=CLI, key_id=key.id)
        except DomainError as exc:
            raise SystemExit(f"not revoked: {exc}") from exc
        await session.commit()
        return f"revoked API key {key.prefix} of client:{key.client_id}"


# --- demo logins ------------------------------------------------------------------------------


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
