"""Reading delegations: as facts for the engine (of the posts in play, or to a delegate),
the days a person held a post, and whether a delegate holds a post in the park."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.delegations.models import DutyDelegation, effective_delegation
from domain.duties.obligations.inputs import DelegationFacts
from domain.posts.models import Assignment, Post, assignment_overlaps, effective_assignment
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit, subtree_upper_bound


def _facts(rows: Iterable[DutyDelegation]) -> list[DelegationFacts]:
    return [
        DelegationFacts(
            id=d.id,
            post_id=d.post_id,
            list_id=d.list_id,
            item_key=d.item_key,
            delegate_person_id=d.delegate_person_id,
            start=d.start_date,
            end=d.end_date,
        )
        for d in rows
    ]


def in_force(start: date, end: date) -> Select[Any]:
    """Delegations in force overlapping [start, end], in id order."""
    return (
        select(DutyDelegation)
        .where(effective_delegation(), DutyDelegation.end_date >= start, DutyDelegation.start_date <= end)
        .order_by(DutyDelegation.id)
    )


async def delegations_of_posts(
    session: AsyncSession,
    posts: Sequence[int] | Select[Any],
    start: date,
    end: date,
    params: dict[str, Any] | None = None,
) -> list[DelegationFacts]:
    """Delegations in force of the posts (ids, or a statement of ids with its `params`)
    overlapping the days."""
    if not isinstance(posts, Select) and not posts:
        return []
    chosen = DutyDelegation.post_id.in_(posts if isinstance(posts, Select) else list(posts))
    rows: Sequence[DutyDelegation] = (
        await session.scalars(in_force(start, end).where(chosen), params or {})
    ).all()
    return _facts(rows)


async def delegations_to(
    session: AsyncSession, persons: Iterable[int], start: date, end: date
) -> list[DelegationFacts]:
    """Delegations in force to these persons overlapping the days."""
    ids = sorted(set(persons))
    if not ids:
        return []
    stmt = in_force(start, end).where(DutyDelegation.delegate_person_id.in_(ids))
    rows: Sequence[DutyDelegation] = (await session.scalars(stmt)).all()
    return _facts(rows)


async def tenures(
    session: AsyncSession, person_id: int, posts: Select[Any] | Sequence[int], start: date, end: date
) -> list[tuple[date, date | None]]:
    """The person's tenures of the posts overlapping [start, end], by first day."""
    chosen = Assignment.post_id.in_(posts if isinstance(posts, Select) else list(posts))
    rows = await session.execute(
        select(Assignment.start_date, Assignment.end_date)
        .where(
            Assignment.person_id == person_id, chosen, effective_assignment(), assignment_overlaps(start, end)
        )
        .order_by(Assignment.start_date)
    )
    return [(s, e) for s, e in rows]


def covers(spans: Sequence[tuple[date, date | None]], start: date, end: date) -> bool:
    """Whether the spans (by first day) together cover every day of [start, end]."""
    day = start
    for first, last in spans:
        if first > day:
            return False
        if last is None:
            return True
        day = max(day, last + timedelta(days=1))
        if day > end:
            return True
    return day > end


async def park_path(session: AsyncSession, unit_path: str) -> str:
    """The path of the park a unit lies in (itself, or its nearest park ancestor); the unit's
    own path when it lies in none (a district's post)."""
    parts = unit_path.strip("/").split("/")
    ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    parks = (
        await session.scalars(
            select(OrgUnit.path).where(OrgUnit.path.in_(ancestors), OrgUnit.kind == UnitKind.PARK.value)
        )
    ).all()
    return max(parks, key=len) if parks else unit_path


def posts_under(path: str) -> Select[Any]:
    """Posts at a unit of the subtree at `path`."""
    return (
        select(Post.id)
        .join(OrgUnit, OrgUnit.id == Post.unit_id)
        .where(and_(OrgUnit.path >= path, OrgUnit.path < subtree_upper_bound(path)))
    )


async def delegations_of_records(
    session: AsyncSession, record_ids: Sequence[int], visible: Any
) -> dict[int, list[DutyDelegation]]:
    """Each record's delegations in force to its recorder on its act's date (or the day it
    makes up for) that `visible` admits: the duties of others its record may count for."""
    from domain.duties.models import DutyRecord

    day = DutyRecord.performed_on
    rows = (
        await session.execute(
            select(DutyRecord.id, DutyDelegation)
            .join(DutyDelegation, DutyDelegation.delegate_person_id == DutyRecord.recorder_person_id)
            .where(
                DutyRecord.id.in_(list(record_ids)),
                effective_delegation(),
                DutyDelegation.start_date <= day,
                DutyDelegation.end_date >= day,
                visible,
            )
            .order_by(DutyRecord.id, DutyDelegation.id)
        )
    ).all()
    found: dict[int, list[DutyDelegation]] = {i: [] for i in record_ids}
    for rid, delegation in rows:
        found[rid].append(delegation)
    return found
