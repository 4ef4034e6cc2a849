"""The duties area's lists as the API offers them: sources, duty lists, records, critical
periods, and the posts whose obligations or duties a list shows. Builders take the caller's
visibility predicates (authz.visibility.duties, authz.reach) and add them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.models import (
    CriticalPeriod,
    DutyList,
    DutyRecord,
    DutyRecordUnit,
    DutySource,
    effective_period,
    effective_record,
)
from domain.posts.models import Assignment, Post, assignment_on, effective_assignment
from domain.tree.models import OrgUnit, subtree_upper_bound


def post_by_id(post_id: int) -> Select[Any]:
    """The post's id, as a selection of posts (none if there is no such post)."""
    return select(Post.id).where(Post.id == post_id)


def posts_among(posts: Select[Any], where: ColumnElement[bool]) -> Select[Any]:
    """Of the posts `posts` selects (ids), those `where` admits."""
    return select(Post.id).where(Post.id.in_(posts), where)


async def posts_held_on(session: AsyncSession, person_id: int, day: date) -> list[int]:
    """The posts the person holds on the day."""
    found = await session.scalars(
        select(Assignment.post_id).where(
            Assignment.person_id == person_id, effective_assignment(), assignment_on(day)
        )
    )
    return list(found.all())


async def posts_by_ids(
    session: AsyncSession, post_ids: Sequence[int], *where: ColumnElement[bool]
) -> list[Post]:
    """The posts of these ids that every `where` admits."""
    found = await session.scalars(select(Post).where(Post.id.in_(list(post_ids)), *where))
    return list(found.all())


def sources() -> Select[DutySource]:
    return select(DutySource)


def duty_lists(
    visible: ColumnElement[bool], *, unit_id: int | None = None, templates: bool | None = None
) -> Select[DutyList]:
    """Lists, of a unit if given; only catalogue templates (bound to no unit) or only
    bound lists if `templates` says so."""
    stmt = select(DutyList).where(visible)
    if unit_id is not None:
        stmt = stmt.where(DutyList.unit_id == unit_id)
    if templates is not None:
        stmt = stmt.where(DutyList.unit_id.is_(None) if templates else DutyList.unit_id.is_not(None))
    return stmt


def records(
    visible: ColumnElement[bool],
    *,
    include_history: bool = False,
    unit_given: bool = False,
    unit: OrgUnit | None = None,
    include_descendants: bool = True,
    recorder_person_id: int | None = None,
    kinds: Sequence[Sequence[str]] = (),
    start: date | None = None,
    end: date | None = None,
) -> Select[DutyRecord]:
    """Records: in force only unless `include_history`; covering the unit (or its subtree)
    if a unit was given (given but not found, `unit` None: none); by a recorder; of a kind
    in every one of the `kinds` sets; performed in [start, end]."""
    stmt = select(DutyRecord).where(visible)
    if not include_history:
        stmt = stmt.where(effective_record())
    if unit_given:
        if unit is None:
            stmt = stmt.where(false())
        else:
            units = select(OrgUnit.id).where(
                and_(OrgUnit.path >= unit.path, OrgUnit.path < subtree_upper_bound(unit.path))
                if include_descendants
                else OrgUnit.id == unit.id
            )
            covered = select(DutyRecordUnit.record_id).where(
                DutyRecordUnit.record_id == DutyRecord.id, DutyRecordUnit.unit_id.in_(units)
            )
            stmt = stmt.where(exists(covered))
    if recorder_person_id is not None:
        stmt = stmt.where(DutyRecord.recorder_person_id == recorder_person_id)
    for allowed in kinds:
        stmt = stmt.where(DutyRecord.kind.in_(list(allowed)))
    if start is not None:
        stmt = stmt.where(DutyRecord.performed_on >= start)
    if end is not None:
        stmt = stmt.where(DutyRecord.performed_on <= end)
    return stmt


def periods(
    visible: ColumnElement[bool],
    *,
    include_history: bool = False,
    start: date | None = None,
    end: date | None = None,
) -> Select[CriticalPeriod]:
    """Critical periods overlapping [start, end]; in force only unless `include_history`."""
    stmt = select(CriticalPeriod).where(visible)
    if not include_history:
        stmt = stmt.where(effective_period())
    if start is not None:
        stmt = stmt.where(CriticalPeriod.end_date >= start)
    if end is not None:
        stmt = stmt.where(CriticalPeriod.start_date <= end)
    return stmt
