"""The first platform administrator of a new installation.

A platform administrator is a person holding the `admin` role everywhere: a role grant with
no unit (`unit_id` NULL, the root domain "/"), exactly what `grantRole(unitId: null)` makes
and what the demo data gives its 平台管理员. Nobody can sign in to a fresh database, so the
first one is made from the command line (`python -m api create-admin`), by whoever runs
the server; after that, admins grant roles through the API.

Contract: in one transaction, the person is created (validated as `createPerson` does),
the grant made, an external identity linked if asked, and an `admin.bootstrap` audit entry
written beside the entries of each of those; on any error nothing is written. While a
platform administrator is in force the call is refused (`AdminExists`) unless `another` is
given: a second administrator from the command line is a deliberate act, not a mistake of
running the setup twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from authz.catalogue import Role
from authz.clients import link_identity
from authz.domains import ROOT_DOMAIN
from authz.models import ExternalIdentity, RoleGrant
from authz.policy import grant_role
from domain.actors import Actor
from domain.audit.service import record, record_row
from domain.people.models import Person
from domain.people.service import create_person

# Two bootstraps at once on PostgreSQL would both find no administrator: they take this
# transaction-scoped advisory lock first (SQLite serialises writers with BEGIN IMMEDIATE).
_LOCK_KEY = 0x5AFE_AD01


class AdminExists(Exception):
    """A platform administrator is already in force; `subjects` says who."""

    def __init__(self, subjects: list[str]) -> None:
        super().__init__(", ".join(subjects))
        self.subjects = subjects


@dataclass(frozen=True)
class Bootstrapped:
    person: Person
    grant: RoleGrant
    identity: ExternalIdentity | None
    # The platform administrators there were before (empty for the first one).
    others: list[str]


async def platform_admins(session: AsyncSession, today: date) -> list[str]:
    """Subjects (persons or clients) with an admin grant over everything in force today."""
    rows = await session.scalars(
        select(RoleGrant.subject)
        .where(
            RoleGrant.role == Role.ADMIN.value,
            RoleGrant.unit_id.is_(None),
            RoleGrant.revoked_at.is_(None),
            RoleGrant.start_date <= today,
            or_(RoleGrant.end_date.is_(None), RoleGrant.end_date >= today),
        )
        .order_by(RoleGrant.id)
    )
    return list(dict.fromkeys(rows))


async def create_platform_admin(
    session: AsyncSession,
    *,
    name: str,
    id_number: str,
    phone: str | None,
    today: date,
    oidc: tuple[str, str] | None = None,
    another: bool = False,
    actor: Actor,
) -> Bootstrapped:
    """A new person holding `admin` everywhere from `today`, linked to the OIDC identity
    (issuer, subject) if given. Raises AdminExists (see the module) or DomainError (bad
    input: the person's fields, or an identity already linked). `actor` is who does it (the
    command line), in the rows and the audit log. Nothing is committed."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    others = await platform_admins(session, today)
    if others and not another:
        raise AdminExists(others)
    person = await create_person(session, name=name, id_number=id_number, phone=phone, today=today)
    await record_row(session, "people.create_person", person, ROOT_DOMAIN, actor=actor)
    grant = await grant_role(
        session,
        actor=actor,
        subject=f"person:{person.id}",
        role=Role.ADMIN.value,
        unit_id=None,
        start_date=today,
        note="平台管理员（命令行创建） — platform administrator made from the command line",
    )
    identity = None
    if oidc is not None:
        issuer, subject = oidc
        identity = await link_identity(
            session, actor=actor, issuer=issuer, subject=subject, person_id=person.id
        )
    await record(
        session,
        actor=actor,
        action="admin.bootstrap",
        target_type="Person",
        target_id=person.id,
        domain=ROOT_DOMAIN,
        after={
            "subject": f"person:{person.id}",
            "grant_id": grant.id,
            "sign_in": "oidc" if identity is not None else "token",
            "oidc_issuer": identity.issuer if identity is not None else None,
            "oidc_subject": identity.subject if identity is not None else None,
            "other_admins": others,
        },
    )
    return Bootstrapped(person, grant, identity, others)
