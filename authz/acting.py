"""Whom a caller acts as at units: the agency (第三方机构) they act for, through a contract
covering one of the units, and the posts they hold there today. Record writes ask this for
every unit they name, so the statements are built once per shape and take their values as
parameters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Date, Integer, Select, bindparam, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.models import AgencyContract, AgencyContractUnit, AgencyMember, ServiceClient
from domain.posts.models import Assignment, Post, assignment_on, effective_assignment
from domain.tree.models import OrgUnit


def _agency_of(person: Any, units: Any, today: Any) -> Select[Any]:
    """The agency a person acts for at these units today (through a contract covering one
    of them), if any."""
    return (
        select(AgencyMember.agency_id)
        .join(AgencyContract, AgencyContract.agency_id == AgencyMember.agency_id)
        .join(AgencyContractUnit, AgencyContractUnit.contract_id == AgencyContract.id)
        .where(
            AgencyMember.person_id == person,
            AgencyMember.revoked_at.is_(None),
            AgencyMember.start_date <= today,
            or_(AgencyMember.end_date.is_(None), AgencyMember.end_date >= today),
            AgencyContract.revoked_at.is_(None),
            AgencyContract.start_date <= today,
            AgencyContract.end_date >= today,
            or_(AgencyContract.terminated_on.is_(None), AgencyContract.terminated_on >= today),
            AgencyContractUnit.unit_id.in_(units),
        )
        .limit(1)
    )


_PERSON = bindparam("person_id", type_=Integer)
_TODAY = bindparam("today", type_=Date)
_UNITS: Any = bindparam("unit_ids", expanding=True)


@cache
def _agency_statement() -> Select[Any]:
    return _agency_of(_PERSON, _UNITS, _TODAY)


async def client_agency(session: AsyncSession, client_id: int) -> int | None:
    """The agency a service client belongs to, if any."""
    return await session.scalar(select(ServiceClient.agency_id).where(ServiceClient.id == client_id))


async def person_agency(
    session: AsyncSession, person_id: int, unit_ids: Sequence[int], today: date
) -> int | None:
    """The agency the person acts for at one of these units today, if any."""
    values = {"person_id": person_id, "unit_ids": list(unit_ids), "today": today}
    agency_id: int | None = await session.scalar(_agency_statement(), values)
    return agency_id


class UnitAsActor(NamedTuple):
    """One unit as a writer meets it: a post the caller holds there today (one row per
    post; None for none), the agency they act for at the units, and whether it is archived."""

    unit_id: int
    path: str
    post_id: int | None
    agency_id: int | None
    archived_at: Any


@cache
def _units_statement(person: bool, own_agency: bool) -> Any:
    """The units' paths with the posts the caller holds today at them, the agency they act
    for there, and whether the units are archived: built once per shape (the commonest
    write of all runs it)."""
    if not person:
        stmt = select(
            OrgUnit.id,
            OrgUnit.path,
            literal(None).label("post_id"),
            literal(None).label("agency_id"),
            OrgUnit.archived_at,
        )
    else:
        held_posts = (
            select(Post.id, Post.unit_id)
            .join(Assignment, Assignment.post_id == Post.id)
            .where(Assignment.person_id == _PERSON, effective_assignment(), assignment_on(_TODAY))
            .subquery()
        )
        agency = _agency_of(_PERSON, _UNITS, _TODAY).scalar_subquery() if own_agency else literal(None)
        stmt = select(
            OrgUnit.id, OrgUnit.path, held_posts.c.id, agency.label("agency_id"), OrgUnit.archived_at
        ).outerjoin(held_posts, held_posts.c.unit_id == OrgUnit.id)
    return stmt.where(OrgUnit.id.in_(_UNITS))


async def units_as_actor(
    session: AsyncSession, unit_ids: Sequence[int], person_id: int | None, today: date, *, own_agency: bool
) -> list[UnitAsActor]:
    """The units (those that exist) with the posts `person_id` holds at them today and, if
    `own_agency`, the agency they act for there; one statement."""
    stmt = _units_statement(person_id is not None, own_agency)
    values = {"unit_ids": list(unit_ids), "person_id": person_id, "today": today}
    return [UnitAsActor(*row) for row in (await session.execute(stmt, values)).all()]
