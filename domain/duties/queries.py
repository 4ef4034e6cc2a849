"""Obligations of posts, persons and units for a date range, with their statuses."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.facts import load_facts
from domain.duties.models import DutyItem, DutyList, DutyListVersion
from domain.duties.obligations import Calculator, Obligation
from domain.duties.rules import UnitFacts, parse_rule
from domain.duties.targets import target_units_by_list
from domain.posts.models import Assignment, Post, assignment_overlaps, effective_assignment
from domain.tree.models import EnterpriseProfile, OrgUnit, subtree_upper_bound


async def obligations_of_posts(
    session: AsyncSession, posts: Select[Any], lo: date, hi: date, today: date
) -> list[Obligation]:
    """Obligations of the selected posts (a statement of post ids) for periods overlapping
    [lo, hi], including per-holder duties that any of those posts takes part in."""
    facts = await load_facts(session, posts, lo, hi)
    wanted = set((await session.scalars(posts)).all())
    return Calculator(facts, today).for_posts(lo, hi, wanted)


def posts_of_unit(unit_path: str, *, subtree: bool) -> Select[Any]:
    stmt = select(Post.id).join(OrgUnit, OrgUnit.id == Post.unit_id)
    if subtree:
        return stmt.where(OrgUnit.path >= unit_path, OrgUnit.path < subtree_upper_bound(unit_path))
    return stmt.where(OrgUnit.path == unit_path)


def posts_of_person(person_id: int, lo: date, hi: date) -> Select[Any]:
    return select(Assignment.post_id).where(
        Assignment.person_id == person_id, effective_assignment(), assignment_overlaps(lo, hi)
    )


async def obligations_of_person(
    session: AsyncSession, person_id: int, lo: date, hi: date, today: date
) -> list[Obligation]:
    """What the person owed: their shares of their posts' obligations."""
    found = await obligations_of_posts(session, posts_of_person(person_id, lo, hi), lo, hi, today)
    return [o for o in found if o.person_id == person_id]


async def duty_items_of_posts(
    session: AsyncSession, post_ids: list[int], on: date
) -> dict[int, list[tuple[DutyList, DutyItem]]]:
    """Each post's duties on a date: the items of the version in force then of every list
    its kind and place carry, less items whose rule does not apply to its unit as it was that
    day (a duty only for small-micro enterprises is not on a large one's list). In list and
    item order."""
    if not post_ids:
        return {}
    posts = (
        await session.execute(
            select(
                Post.id,
                Post.kind,
                Post.unit_id,
                OrgUnit.path,
                OrgUnit.trade,
                OrgUnit.high_risk,
                OrgUnit.staff_count,
                OrgUnit.risk_class,
                OrgUnit.placarded,
            )
            .join(OrgUnit, OrgUnit.id == Post.unit_id)
            .where(Post.id.in_(post_ids))
        )
    ).all()
    lists = (
        await session.execute(
            select(DutyList, OrgUnit.path).join(OrgUnit, OrgUnit.id == DutyList.unit_id).order_by(DutyList.id)
        )
    ).all()
    targets = await target_units_by_list(session)
    in_force = (
        select(DutyListVersion.list_id, func.max(DutyListVersion.effective_from).label("since"))
        .where(DutyListVersion.effective_from <= on)
        .group_by(DutyListVersion.list_id)
        .subquery()
    )
    items = (
        await session.execute(
            select(DutyListVersion.list_id, DutyItem)
            .join(DutyItem, DutyItem.version_id == DutyListVersion.id)
            .join(
                in_force,
                and_(
                    in_force.c.list_id == DutyListVersion.list_id,
                    in_force.c.since == DutyListVersion.effective_from,
                ),
            )
            .order_by(DutyListVersion.list_id, DutyItem.position)
        )
    ).all()
    by_list: dict[int, list[DutyItem]] = {}
    for list_id, item in items:
        by_list.setdefault(list_id, []).append(item)
    profiles: dict[int, UnitFacts] = {}
    for prof in (
        await session.scalars(
            select(EnterpriseProfile)
            .where(EnterpriseProfile.unit_id.in_(select(Post.unit_id).where(Post.id.in_(post_ids))))
            .order_by(EnterpriseProfile.unit_id, EnterpriseProfile.effective_from, EnterpriseProfile.id)
        )
    ).all():
        # The row in force on `on`; before the first row, the first row.
        if prof.unit_id not in profiles or prof.effective_from <= on:
            profiles[prof.unit_id] = UnitFacts(
                prof.trade, prof.high_risk, prof.staff_count, prof.risk_class, prof.placarded
            )
    out: dict[int, list[tuple[DutyList, DutyItem]]] = {}
    for p in posts:
        facts = profiles.get(p.unit_id) or UnitFacts(
            p.trade, p.high_risk, p.staff_count, p.risk_class, p.placarded
        )
        found: list[tuple[DutyList, DutyItem]] = []
        for lst, path in lists:
            if p.kind not in lst.post_kinds or not p.path.startswith(path):
                continue
            if lst.id in targets and p.unit_id not in targets[lst.id]:
                continue
            for item in by_list.get(lst.id, ()):
                if item.rule is not None and parse_rule(item.rule).variant_for(facts) is None:
                    continue
                found.append((lst, item))
        out[p.id] = found
    return out
