"""Role links (Casbin `g` lines) derived from who holds what, with no manual step.

- Holding a post gives its role at the post's unit for the assignment's dates (党政同责:
  党工委书记, 管委会主任 and 主要负责人 of a park or district are all principals of its
  subtree), and `post_holder` on the post itself.
- 一岗双责: a post in charge of (分管) a unit gives its holders `safety_supervisor` over that
  unit's subtree (a department's subtree holds the enterprises it supervises), for the days
  both the charge and the assignment run.
- A 党政同责 declaration gives the holders of both posts `principal` over the unit.
- An agency contract gives the agency's members and clients `agency` on each enterprise it
  lists, for the days the contract and the membership both run.
- A district system client reads its district (`district_reader`).
- Admins' own grants (`authz_role_grant`).

Each link keeps its source, which `explainAccess` shows.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from authz.catalogue import Role, role_subject
from authz.domains import EVERYTHING, post_domain, subtree
from authz.models import (
    AgencyContract,
    AgencyContractUnit,
    AgencyMember,
    ClientKind,
    JointResponsibility,
    RoleGrant,
    ServiceClient,
)
from domain.clock import SHANGHAI
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post, PostCharge, effective_assignment
from domain.tree.models import OrgUnit

PRINCIPAL_KINDS = frozenset({PostKind.PARTY_SECRETARY, PostKind.COMMITTEE_DIRECTOR, PostKind.PRINCIPAL})

# The role a post's holder has at the post's unit, and whether over its subtree.
POST_ROLES: dict[PostKind, tuple[Role, bool]] = {
    PostKind.PARTY_SECRETARY: (Role.PRINCIPAL, True),
    PostKind.COMMITTEE_DIRECTOR: (Role.PRINCIPAL, True),
    PostKind.PRINCIPAL: (Role.PRINCIPAL, True),
    # A deputy's reach is what they are in charge of (charges); at the park, the node only.
    PostKind.DEPUTY_IN_CHARGE: (Role.STAFF, False),
    PostKind.OTHER_LEADER: (Role.STAFF, False),
    PostKind.DEPARTMENT_HEAD: (Role.DEPARTMENT_HEAD, True),
    PostKind.ENTERPRISE_PRINCIPAL: (Role.ENTERPRISE_MANAGER, True),
    PostKind.SAFETY_MANAGER: (Role.ENTERPRISE_MANAGER, True),
    PostKind.ENTERPRISE_RESPONSIBLE: (Role.ENTERPRISE_MANAGER, True),
    PostKind.ADMINISTRATIVE_RESPONSIBLE: (Role.SAFETY_SUPERVISOR, True),
    PostKind.SUPERVISORY_RESPONSIBLE: (Role.SAFETY_SUPERVISOR, True),
    PostKind.FRONTLINE: (Role.STAFF, False),
}


@dataclass(frozen=True, order=True)
class Link:
    """`g, subject, role:<role>, domain` from `start` to `end` (inclusive; None = open)."""

    subject: str
    role: str
    domain: str
    start: date
    end: date | None
    source: str  # "assignment:45", "charge:3/assignment:45", "grant:7", "contract:2/member:4", …

    @property
    def role_subject(self) -> str:
        return role_subject(self.role)

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def _overlap(
    a_start: date, a_end: date | None, b_start: date, b_end: date | None
) -> tuple[date, date | None] | None:
    start = max(a_start, b_start)
    ends = [e for e in (a_end, b_end) if e is not None]
    end = min(ends) if ends else None
    if end is not None and end < start:
        return None
    return start, end


def _person_filter(stmt: Select, column: object, person_ids: Collection[int] | None) -> Select:  # type: ignore[type-arg]
    if person_ids is None:
        return stmt
    return stmt.where(column.in_(list(person_ids)))  # type: ignore[attr-defined]


async def derive_links(
    session: AsyncSession,
    *,
    person_ids: Collection[int] | None = None,
    client_ids: Collection[int] | None = None,
) -> list[Link]:
    """Every link of the given persons and clients (None: of everyone), at any date."""
    links: list[Link] = []
    if person_ids is None or person_ids:
        links += await _assignment_links(session, person_ids)
        links += await _charge_links(session, person_ids)
        links += await _joint_links(session, person_ids)
        links += await _member_contract_links(session, person_ids)
    if client_ids is None or client_ids:
        links += await _client_links(session, client_ids)
    links += await _grant_links(session, person_ids, client_ids)
    return links


async def _assignment_links(session: AsyncSession, person_ids: Collection[int] | None) -> list[Link]:
    stmt = (
        select(
            Assignment.id,
            Assignment.person_id,
            Assignment.start_date,
            Assignment.end_date,
            Post.id,
            Post.kind,
            OrgUnit.path,
        )
        .join(Post, Post.id == Assignment.post_id)
        .join(OrgUnit, OrgUnit.id == Post.unit_id)
        .where(effective_assignment())
    )
    stmt = _person_filter(stmt, Assignment.person_id, person_ids)
    links: list[Link] = []
    for a_id, person_id, start, end, post_id, kind, path in (await session.execute(stmt)).all():
        subject, source = f"person:{person_id}", f"assignment:{a_id}"
        role, over_subtree = POST_ROLES[PostKind(kind)]
        links.append(Link(subject, role.value, subtree(path) if over_subtree else path, start, end, source))
        links.append(Link(subject, Role.POST_HOLDER.value, post_domain(path, post_id), start, end, source))
    return links


async def _charge_links(session: AsyncSession, person_ids: Collection[int] | None) -> list[Link]:
    stmt = (
        select(
            PostCharge.id,
            PostCharge.start_date,
            PostCharge.end_date,
            OrgUnit.path,
            Assignment.id,
            Assignment.person_id,
            Assignment.start_date,
            Assignment.end_date,
        )
        .join(OrgUnit, OrgUnit.id == PostCharge.unit_id)
        .join(Assignment, Assignment.post_id == PostCharge.post_id)
        .where(effective_assignment())
    )
    stmt = _person_filter(stmt, Assignment.person_id, person_ids)
    links: list[Link] = []
    for c_id, c_start, c_end, path, a_id, person_id, a_start, a_end in (await session.execute(stmt)).all():
        span = _overlap(c_start, c_end, a_start, a_end)
        if span is not None:
            links.append(
                Link(
                    f"person:{person_id}",
                    Role.SAFETY_SUPERVISOR.value,
                    subtree(path),
                    span[0],
                    span[1],
                    f"charge:{c_id}/assignment:{a_id}",
                )
            )
    return links


async def _joint_links(session: AsyncSession, person_ids: Collection[int] | None) -> list[Link]:
    stmt = (
        select(
            JointResponsibility.id,
            JointResponsibility.start_date,
            JointResponsibility.revoked_at,
            OrgUnit.path,
            Assignment.id,
            Assignment.person_id,
            Assignment.start_date,
            Assignment.end_date,
        )
        .join(OrgUnit, OrgUnit.id == JointResponsibility.unit_id)
        .join(
            Assignment,
            or_(
                Assignment.post_id == JointResponsibility.post_a_id,
                Assignment.post_id == JointResponsibility.post_b_id,
            ),
        )
        .where(effective_assignment())
    )
    stmt = _person_filter(stmt, Assignment.person_id, person_ids)
    links: list[Link] = []
    rows = (await session.execute(stmt)).all()
    for j_id, j_start, revoked_at, path, a_id, person_id, a_start, a_end in rows:
        # A revoked declaration never held when it is revoked the day it starts.
        j_end = _day_before(revoked_at) if revoked_at is not None else None
        if j_end is not None and j_end < j_start:
            continue
        span = _overlap(j_start, j_end, a_start, a_end)
        if span is not None:
            links.append(
                Link(
                    f"person:{person_id}",
                    Role.PRINCIPAL.value,
                    subtree(path),
                    span[0],
                    span[1],
                    f"joint:{j_id}/assignment:{a_id}",
                )
            )
    return links


def _contract_rows() -> Select:  # type: ignore[type-arg]
    return (
        select(AgencyContract, OrgUnit.path)
        .join(AgencyContractUnit, AgencyContractUnit.contract_id == AgencyContract.id)
        .join(OrgUnit, OrgUnit.id == AgencyContractUnit.unit_id)
    )


async def _member_contract_links(session: AsyncSession, person_ids: Collection[int] | None) -> list[Link]:
    member = aliased(AgencyMember)
    stmt = _contract_rows().add_columns(member).join(member, member.agency_id == AgencyContract.agency_id)
    stmt = _person_filter(stmt, member.person_id, person_ids)
    links: list[Link] = []
    for contract, path, m in (await session.execute(stmt)).all():
        m_end = m.end_date
        if m.revoked_at is not None:
            m_end = _min_date(m_end, _day_before(m.revoked_at))
        span = _overlap(contract.start_date, contract.last_day, m.start_date, m_end)
        if span is not None:
            links.append(
                Link(
                    f"person:{m.person_id}",
                    Role.AGENCY.value,
                    subtree(path),
                    span[0],
                    span[1],
                    f"contract:{contract.id}/member:{m.id}",
                )
            )
    return links


async def _client_links(session: AsyncSession, client_ids: Collection[int] | None) -> list[Link]:
    links: list[Link] = []
    clients = select(ServiceClient, OrgUnit.path).outerjoin(OrgUnit, OrgUnit.id == ServiceClient.unit_id)
    if client_ids is not None:
        clients = clients.where(ServiceClient.id.in_(list(client_ids)))
    for client, path in (await session.execute(clients)).all():
        if client.kind == ClientKind.DISTRICT_SYSTEM and path is not None:
            end = _day_before(client.disabled_at) if client.disabled_at else None
            start = _local_date(client.created_at)
            if end is None or end >= start:
                links.append(
                    Link(
                        client.subject,
                        Role.DISTRICT_READER.value,
                        subtree(path),
                        start,
                        end,
                        f"client:{client.id}",
                    )
                )
    stmt = (
        _contract_rows()
        .add_columns(ServiceClient)
        .join(
            ServiceClient,
            and_(
                ServiceClient.agency_id == AgencyContract.agency_id, ServiceClient.kind == ClientKind.AGENCY
            ),
        )
    )
    if client_ids is not None:
        stmt = stmt.where(ServiceClient.id.in_(list(client_ids)))
    for contract, path, client in (await session.execute(stmt)).all():
        end = contract.last_day
        if client.disabled_at is not None:
            end = _min_date(end, _day_before(client.disabled_at))
        assert end is not None
        if end >= contract.start_date:
            links.append(
                Link(
                    client.subject,
                    Role.AGENCY.value,
                    subtree(path),
                    contract.start_date,
                    end,
                    f"contract:{contract.id}/client:{client.id}",
                )
            )
    return links


async def _grant_links(
    session: AsyncSession, person_ids: Collection[int] | None, client_ids: Collection[int] | None
) -> list[Link]:
    # Columns, not entities: a full load reads every grant, and ORM identity bookkeeping
    # for tens of thousands of rows cost most of the load time.
    stmt = select(
        RoleGrant.id,
        RoleGrant.subject,
        RoleGrant.role,
        RoleGrant.subtree,
        RoleGrant.start_date,
        RoleGrant.end_date,
        RoleGrant.revoked_at,
        OrgUnit.path,
    ).outerjoin(OrgUnit, OrgUnit.id == RoleGrant.unit_id)
    if person_ids is not None or client_ids is not None:
        subjects = [f"person:{i}" for i in person_ids or ()] + [f"client:{i}" for i in client_ids or ()]
        stmt = stmt.where(RoleGrant.subject.in_(subjects))
    links: list[Link] = []
    rows = (await session.execute(stmt)).all()
    for g_id, g_subject, g_role, g_subtree, g_start, g_end, revoked_at, path in rows:
        end = g_end
        if revoked_at is not None:
            end = _min_date(end, _day_before(revoked_at))
        if end is not None and end < g_start:
            continue
        domain = EVERYTHING if path is None else (subtree(path) if g_subtree else path)
        links.append(Link(g_subject, g_role, domain, g_start, end, f"grant:{g_id}"))
    return links


def _local_date(moment: object) -> date:
    assert isinstance(moment, datetime)
    return moment.astimezone(SHANGHAI).date()


def _day_before(moment: object) -> date:
    """A right revoked at some moment last held on the day before (Asia/Shanghai): revoking
    takes effect at once, and links are granted by whole days."""
    return _local_date(moment) - timedelta(days=1)


def _min_date(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
