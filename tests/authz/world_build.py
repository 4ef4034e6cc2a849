"""Writing a drawn world (`WorldSpec`) through the domain services: what the rules refuse is
skipped, as an admin's refused mutation would be; `Built` keeps what was written.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz import agencies, clients, policy
from authz.catalogue import Role
from domain.actors import SYSTEM
from domain.errors import DomainError
from domain.inputs import UNSET
from domain.people.service import create_person
from domain.posts import charges as charge_service
from domain.posts import service as posts
from domain.posts.models import Assignment, Post, PostCharge, effective_assignment
from domain.tree import service as tree
from domain.tree.kinds import Trade, UnitKind
from domain.tree.models import OrgUnit
from tests import factories as f
from tests.authz.worlds import WorldSpec

T = TypeVar("T")


@dataclass
class Built:
    """What `build` wrote, by the spec's indexes, and the subjects that can call."""

    today: date
    units: list[OrgUnit] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    post_ids: list[int | None] = field(default_factory=list)  # None: refused
    auto_post_ids: list[int] = field(default_factory=list)
    client_subjects: list[str] = field(default_factory=list)
    # What the reference model needs, as written (skips left out).
    held: list[tuple[int, int, date, date | None]] = field(default_factory=list)  # person, post, span
    charges: list[tuple[int, int, date, date | None]] = field(default_factory=list)  # post, unit, span
    grants: list[tuple[str, Role, int | None, bool, date, date | None]] = field(default_factory=list)
    joints: list[tuple[int, int, int, date]] = field(default_factory=list)  # unit, post a, post b, start
    agency: list[tuple[int, date, date | None]] = field(default_factory=list)  # members
    contracts: list[tuple[tuple[int, ...], date, date]] = field(default_factory=list)
    district_clients: list[tuple[str, int]] = field(default_factory=list)

    @property
    def subjects(self) -> list[str]:
        return [f"person:{i}" for i in self.person_ids] + self.client_subjects


async def _attempt(session: AsyncSession, write: Awaitable[T]) -> T | None:
    """Run a service call in a savepoint; a refused one leaves nothing and gives None."""
    try:
        async with session.begin_nested():
            return await write
    except DomainError:
        return None


async def build(session: AsyncSession, spec: WorldSpec, today: date) -> Built:
    """Write `spec` as of `today`, part by part; each step reads what the earlier ones wrote."""
    out = Built(today)
    await _units(session, spec, out)
    await _persons(session, spec, out)
    await _posts(session, spec, out)
    await _assignments(session, spec, out)
    await _read_back(session, out)
    await _clients(session, spec, out)
    await _grants(session, spec, out)
    await _joints(session, spec, out)
    await _agency(session, spec, out)
    await session.flush()
    return out


def _on(out: Built, offset: int) -> date:
    return out.today + timedelta(days=offset)


def _day(out: Built, offset: int | None) -> date | None:
    return None if offset is None else _on(out, offset)


async def _units(session: AsyncSession, spec: WorldSpec, out: Built) -> None:
    for kind, parent, placarded in spec.units:
        parent_id = out.units[parent].id if parent is not None else None
        attrs = None
        if kind is UnitKind.ENTERPRISE:
            attrs = tree.EnterpriseAttrs(
                credit_code=f.credit_code(), trade=Trade.INDUSTRY_TRADE, staff_count=40, placarded=placarded
            )
        unit = await tree.create_unit(
            session,
            kind=kind,
            code=f"W{len(out.units)}",
            name=f"单元{len(out.units)}（演示）",
            parent_id=parent_id,
            enterprise=attrs,
            today=_on(out, -500),
        )
        out.units.append(unit)
    out.auto_post_ids = list(
        await session.scalars(
            select(Post.id).where(Post.unit_id.in_([u.id for u in out.units])).order_by(Post.id)
        )
    )


async def _persons(session: AsyncSession, spec: WorldSpec, out: Built) -> None:
    for i, registered in enumerate(spec.persons):
        person = await create_person(
            session,
            name=f"测试人员{i}",
            id_number=f.id_number(),
            phone=f"138000{i:05d}",
            today=_on(out, -500),
            registered_unit_id=out.units[registered].id if registered is not None else None,
        )
        out.person_ids.append(person.id)


async def _posts(session: AsyncSession, spec: WorldSpec, out: Built) -> None:
    for p in spec.posts:
        post = await _attempt(
            session,
            posts.create_post(
                session, unit_id=out.units[p.unit].id, kind=p.kind, title=p.kind.value, today=_on(out, -500)
            ),
        )
        out.post_ids.append(post.id if post is not None else None)
        if post is None:
            continue
        for unit_index, start, end in p.charges:
            charge = await _attempt(
                session,
                charge_service.add_charge(
                    session, post_id=post.id, unit_id=out.units[unit_index].id, start_date=_on(out, start)
                ),
            )
            if charge is not None and end is not None and end >= start:
                await charge_service.end_charge(session, charge_id=charge.id, end_date=_on(out, end))


async def _assignments(session: AsyncSession, spec: WorldSpec, out: Built) -> None:
    for a in spec.assignments:
        post_id = out.post_ids[a.post] if a.post >= 0 else out.auto_post_ids[-1 - a.post]
        if post_id is None:
            continue
        row = await _attempt(
            session,
            posts.assign(
                session,
                post_id=post_id,
                person_id=out.person_ids[a.person],
                start_date=_on(out, a.start),
                end_date=_day(out, a.end),
            ),
        )
        if row is None or a.fate == "kept":
            continue
        await _attempt(
            session,
            posts.correct_assignment(
                session,
                assignment_id=row.id,
                version=row.version,
                reason="测试更正",
                withdraw=a.fate == "withdrawn",
                start_date=UNSET if a.fate == "withdrawn" else _on(out, a.start + 30),
            ),
        )


async def _read_back(session: AsyncSession, out: Built) -> None:
    """The tenures and charges in force as written (corrections applied, refusals left out)."""
    held = await session.execute(
        select(Assignment.person_id, Assignment.post_id, Assignment.start_date, Assignment.end_date).where(
            Assignment.person_id.in_(out.person_ids), effective_assignment()
        )
    )
    for person_id, post_id, start, end in held:
        out.held.append((person_id, post_id, start, end))
    charges = await session.execute(
        select(PostCharge.post_id, PostCharge.unit_id, PostCharge.start_date, PostCharge.end_date).where(
            PostCharge.post_id.in_([i for i in out.post_ids if i is not None])
        )
    )
    for post_id, unit_id, start, end in charges:
        out.charges.append((post_id, unit_id, start, end))


async def _clients(session: AsyncSession, spec: WorldSpec, out: Built) -> None:
    for district in spec.district_clients:
        client = await clients.create_client(
            session,
            actor=SYSTEM,
            name=f"区级系统{district}",
            kind="DISTRICT_SYSTEM",
            unit_id=out.units[district].id,
        )
        out.client_subjects.append(client.subject)
        out.district_clients.append((client.subject, out.units[district].id))


async def _grants(session: AsyncSession, spec: WorldSpec, out: Built) -> None:
    for g in spec.grants:
        subject = (
            f"person:{out.person_ids[g.subject]}" if g.subject >= 0 else out.client_subjects[-1 - g.subject]
        )
        unit_id = out.units[g.unit].id if g.unit is not None else None
        start, end = _on(out, g.start), _day(out, g.end)
        grant = await _attempt(
            session,
            policy.grant_role(
                session,
                actor=SYSTEM,
                subject=subject,
                role=g.role.value,
                unit_id=unit_id,
                subtree=g.subtree,
                start_date=start,
                end_date=end,
            ),
        )
        if grant is None:
            continue
        if g.revoked:
            await policy.revoke_role_grant(session, actor=SYSTEM, grant_id=grant.id)
            # Revoked now: it last held yesterday.
            yesterday = out.today - timedelta(days=1)
            end = yesterday if end is None else min(end, yesterday)
        if end is None or end >= start:
            out.grants.append((subject, g.role, unit_id, g.subtree or unit_id is None, start, end))


async def _joints(session: AsyncSession, spec: WorldSpec, out: Built) -> None:
    for a, b, start in spec.joints:
        post_a, post_b = out.post_ids[a], out.post_ids[b]
        if post_a is None or post_b is None:
            continue
        unit_id = out.units[spec.posts[a].unit].id
        joint = await _attempt(
            session,
            policy.declare_joint_responsibility(
                session,
                actor=SYSTEM,
                unit_id=unit_id,
                post_a_id=post_a,
                post_b_id=post_b,
                start_date=_on(out, start),
            ),
        )
        if joint is not None:
            out.joints.append((unit_id, post_a, post_b, _on(out, start)))


async def _agency(session: AsyncSession, spec: WorldSpec, out: Built) -> None:
    if not spec.members:
        return
    agency = await agencies.create_agency(
        session, actor=SYSTEM, name="（演示）测试安全服务机构", credit_code=f.credit_code()
    )
    for person, start, end in spec.members:
        member = await _attempt(
            session,
            agencies.add_agency_member(
                session,
                actor=SYSTEM,
                agency_id=agency.id,
                person_id=out.person_ids[person],
                start_date=_on(out, start),
                end_date=_day(out, end),
            ),
        )
        if member is not None:
            out.agency.append((out.person_ids[person], _on(out, start), _day(out, end)))
    for n, (enterprises, first, last) in enumerate(spec.contracts):
        unit_ids = tuple(out.units[e].id for e in enterprises)
        contract = await _attempt(
            session,
            agencies.create_contract(
                session,
                actor=SYSTEM,
                agency_id=agency.id,
                code=f"HT-{n}",
                start_date=_on(out, first),
                end_date=_on(out, last),
                unit_ids=list(unit_ids),
            ),
        )
        if contract is not None:
            out.contracts.append((unit_ids, _on(out, first), _on(out, last)))
