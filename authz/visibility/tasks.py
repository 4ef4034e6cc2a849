"""Who may see work lists and their tasks (004 附件2, 000 挂图作战).

A task: the members of its lead departments (people holding a post on a lead unit today),
of its supporting departments, the holders of its leader posts (责任领导), the members of
the issuing office (who sign it off), and the park: callers whose duty-read scope holds the
park unit itself (its park-level posts, admins). Nobody else: to them a task is not found.
A list: whoever may see one of its tasks, the issuing office and the park.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from authz.catalogue import Resource
from authz.reach import Reach
from domain.posts.models import Assignment, Post, assignment_on, effective_assignment
from domain.tasks.models import WorkList, WorkTask, WorkTaskLeader, WorkTaskUnit
from domain.tasks.states import TaskRole
from domain.tree.models import OrgUnit


def held_posts(person_id: int, today: date) -> Any:
    """The posts a person holds today."""
    return select(Assignment.post_id).where(
        Assignment.person_id == person_id, assignment_on(today), effective_assignment()
    )


def member_units(person_id: int, today: date) -> Any:
    """The units a person holds a post on today (their departments)."""
    return select(Post.unit_id).where(Post.id.in_(held_posts(person_id, today)))


def role_clause(role: TaskRole, person_id: int | None, today: date) -> ColumnElement[bool]:
    """Tasks where the caller stands in `role` today."""
    if person_id is None:
        return false()
    if role is TaskRole.LEADER:
        return exists(
            select(WorkTaskLeader.id).where(
                WorkTaskLeader.task_id == WorkTask.id,
                WorkTaskLeader.post_id.in_(held_posts(person_id, today)),
            )
        )
    return exists(
        select(WorkTaskUnit.id).where(
            WorkTaskUnit.task_id == WorkTask.id,
            WorkTaskUnit.role == role.value,
            WorkTaskUnit.unit_id.in_(member_units(person_id, today)),
        )
    )


def _park_or_office_lists(reach: Reach, today: date) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    scopes = reach.scopes(Resource.DUTY)
    if not scopes.empty:
        conds.append(WorkList.park_id.in_(select(OrgUnit.id).where(scopes.unit_clause())))
    if reach.person_id is not None:
        conds.append(WorkList.issuing_unit_id.in_(member_units(reach.person_id, today)))
    return conds


def tasks_visible(reach: Reach, today: date) -> ColumnElement[bool]:
    if reach.scopes(Resource.DUTY).everything:
        return true()
    conds = [role_clause(role, reach.person_id, today) for role in TaskRole] if reach.person_id else []
    lists = _park_or_office_lists(reach, today)
    if lists:
        conds.append(WorkTask.list_id.in_(select(WorkList.id).where(or_(*lists))))
    return or_(*conds) if conds else false()


def lists_visible(reach: Reach, today: date) -> ColumnElement[bool]:
    if reach.scopes(Resource.DUTY).everything:
        return true()
    conds = _park_or_office_lists(reach, today)
    if reach.person_id is not None:
        task_roles = or_(*(role_clause(role, reach.person_id, today) for role in TaskRole))
        conds.append(WorkList.id.in_(select(WorkTask.list_id).where(task_roles)))
    return or_(*conds) if conds else false()


async def office_post(
    session: AsyncSession, person_id: int | None, issuing_unit_id: int, today: date
) -> int | None:
    """A post the caller holds today on the issuing unit (they may sign off), if any."""
    if person_id is None:
        return None
    found: int | None = await session.scalar(
        select(Post.id)
        .where(Post.unit_id == issuing_unit_id, Post.id.in_(held_posts(person_id, today)))
        .order_by(Post.id)
        .limit(1)
    )
    return found


async def lead_post(session: AsyncSession, person_id: int | None, task_id: int, today: date) -> int | None:
    """A post the caller holds today on a lead unit of the task (they may report on it), if any."""
    if person_id is None:
        return None
    lead_units = select(WorkTaskUnit.unit_id).where(
        WorkTaskUnit.task_id == task_id, WorkTaskUnit.role == "LEAD"
    )
    found: int | None = await session.scalar(
        select(Post.id)
        .where(Post.id.in_(held_posts(person_id, today)), Post.unit_id.in_(lead_units))
        .order_by(Post.id)
        .limit(1)
    )
    return found
