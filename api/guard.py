"""The write-side door: every mutation asks here before it changes anything.

A target the caller may not read is NOT_FOUND, worded as for an ID with no row, so a
mutation cannot be used to probe what exists. A target the caller may read but not change
is FORBIDDEN. Checks go through the Casbin enforcer (`Context.can`), one object at a time.
Each guard also returns what the audit entry needs: the target's domain.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Context
from authz import objects
from authz.catalogue import Action, Resource
from authz.domains import ROOT_DOMAIN
from domain.errors import DomainError, ErrorCode, not_found
from domain.people.models import Person
from domain.rows import has_row


def forbidden(field: str | Sequence[str], what_zh: str, what_en: str) -> DomainError:
    return DomainError.one(
        ErrorCode.FORBIDDEN,
        field,
        f"无权修改该{what_zh}",
        f"You may read this {what_en.lower()} but not change it",
    )


def _require(
    ctx: Context,
    resource: Resource,
    domain: str | None,
    field: str | Sequence[str],
    what: tuple[str, str],
    *,
    read_as: Resource,
) -> str:
    if domain is None or not ctx.reach.allows(read_as, Action.READ, domain):
        raise not_found(field, *what)
    if not ctx.can(resource, Action.WRITE, domain):
        raise forbidden(field, *what)
    return domain


unit_domain_of = objects.unit_path
post_domain_of = objects.post_domain_of


async def write_unit(
    ctx: Context,
    session: AsyncSession,
    unit_id: int,
    field: str | Sequence[str],
    resource: Resource = Resource.UNIT,
) -> str:
    """The caller may change `resource` things at the unit (e.g. create a post there)."""
    domain = await unit_domain_of(session, unit_id)
    return _require(ctx, resource, domain, field, ("组织单元", "Unit"), read_as=Resource.UNIT)


def write_root(ctx: Context, field: str | Sequence[str]) -> str:
    """Creating a district: only a grant over everything ("*") covers the root."""
    if not ctx.can(Resource.UNIT, Action.WRITE, ROOT_DOMAIN):
        raise DomainError.one(
            ErrorCode.FORBIDDEN,
            field,
            "只有全局管理员可以新建区",
            "Only a platform-wide admin may create a district",
        )
    return ROOT_DOMAIN


async def write_post(
    ctx: Context,
    session: AsyncSession,
    post_id: int,
    field: str | Sequence[str],
    resource: Resource = Resource.ASSIGNMENT,
) -> str:
    domain = await post_domain_of(session, post_id)
    return _require(ctx, resource, domain, field, ("岗位", "Post"), read_as=Resource.POST)


async def write_assignment(ctx: Context, session: AsyncSession, assignment_id: int, field: str) -> str:
    domain = await objects.assignment_domain(session, assignment_id)
    return _require(
        ctx, Resource.ASSIGNMENT, domain, field, ("任职记录", "Assignment"), read_as=Resource.ASSIGNMENT
    )


async def write_charge(ctx: Context, session: AsyncSession, charge_id: int, field: str) -> str:
    domain = await objects.charge_domain(session, charge_id)
    return _require(
        ctx, Resource.ASSIGNMENT, domain, field, ("分管记录", "Charge"), read_as=Resource.ASSIGNMENT
    )


async def read_person(
    ctx: Context, session: AsyncSession, person_id: int, field: str | Sequence[str]
) -> None:
    """The caller may see the person (to assign them, say)."""
    if not await has_row(session, Person, person_id, ctx.reach.persons()):
        raise not_found(field, "人员", "Person")
