"""Tasks as lists: filtered by state, overdue, lead or supporting unit, leader post and the
caller's role; counts by state; a task's events, units and leaders for loaders. Each
builder takes the caller's visibility predicate (authz.visibility.tasks) and adds it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.pagination import Ordering
from domain.rows import Relation, children
from domain.tasks.models import WorkList, WorkTask, WorkTaskEvent, WorkTaskLeader, WorkTaskUnit
from domain.tasks.states import TaskState, signed_off_on, state_column

TASK_ORDER: Ordering[WorkTask] = Ordering(
    (WorkTask.list_id, WorkTask.number), key=lambda t: (t.list_id, t.number)
)
LIST_ORDER: Ordering[WorkList] = Ordering((WorkList.id,), key=lambda w: (w.id,))


@dataclass(frozen=True)
class TaskFilter:
    """All given must hold (None: not filtered)."""

    list_id: int | None = None
    park_id: int | None = None
    states: Sequence[TaskState] | None = None
    overdue: bool | None = None
    lead_unit_ids: Sequence[int] | None = None
    support_unit_ids: Sequence[int] | None = None
    leader_post_ids: Sequence[int] | None = None
    # The caller's roles (LEAD, SUPPORT, LEADER) as predicates from authz: any must hold.
    roles: Sequence[ColumnElement[bool]] | None = None


def overdue_clause(today: date) -> ColumnElement[bool]:
    """Past its deadline and not signed off (a late sign-off ends it: signedOffLate)."""
    return and_(WorkTask.deadline < today, signed_off_on().is_(None))


def _with_unit(role: str, unit_ids: Sequence[int]) -> ColumnElement[bool]:
    return exists(
        select(WorkTaskUnit.id).where(
            WorkTaskUnit.task_id == WorkTask.id,
            WorkTaskUnit.role == role,
            WorkTaskUnit.unit_id.in_(list(unit_ids)),
        )
    )


def tasks(visible: ColumnElement[bool], today: date, flt: TaskFilter | None = None) -> Select[Any]:
    stmt = select(WorkTask).where(visible)
    if flt is None:
        return stmt
    if flt.list_id is not None:
        stmt = stmt.where(WorkTask.list_id == flt.list_id)
    if flt.park_id is not None:
        stmt = stmt.where(WorkTask.list_id.in_(select(WorkList.id).where(WorkList.park_id == flt.park_id)))
    if flt.states:
        stmt = stmt.where(state_column().in_([s.value for s in flt.states]))
    if flt.overdue is not None:
        stmt = stmt.where(overdue_clause(today) if flt.overdue else ~overdue_clause(today))
    if flt.lead_unit_ids:
        stmt = stmt.where(_with_unit("LEAD", flt.lead_unit_ids))
    if flt.support_unit_ids:
        stmt = stmt.where(_with_unit("SUPPORT", flt.support_unit_ids))
    if flt.leader_post_ids:
        stmt = stmt.where(
            exists(
                select(WorkTaskLeader.id).where(
                    WorkTaskLeader.task_id == WorkTask.id,
                    WorkTaskLeader.post_id.in_(list(flt.leader_post_ids)),
                )
            )
        )
    if flt.roles is not None:
        stmt = stmt.where(or_(*flt.roles)) if flt.roles else stmt.where(false())
    return stmt


@dataclass(frozen=True)
class StateCounts:
    by_state: dict[TaskState, int]
    overdue: int
    signed_off_late: int


async def state_counts(session: AsyncSession, stmt: Select[Any], today: date) -> StateCounts:
    """Counts of the tasks `stmt` selects, by state, overdue and signed off late."""
    ids = stmt.with_only_columns(WorkTask.id).order_by(None)
    state = state_column()
    signed = signed_off_on()
    rows = (
        await session.execute(
            select(
                state.label("state"),
                func.count().label("n"),
                func.sum(case((overdue_clause(today), 1), else_=0)).label("overdue"),
                func.sum(case((and_(signed.is_not(None), signed > WorkTask.deadline), 1), else_=0)).label(
                    "late"
                ),
            )
            .where(WorkTask.id.in_(ids))
            .group_by(state)
        )
    ).all()
    by_state = {s: 0 for s in TaskState}
    overdue = late = 0
    for st, n, o, lt in rows:
        by_state[TaskState(st)] = int(n)
        overdue += int(o or 0)
        late += int(lt or 0)
    return StateCounts(by_state, overdue, late)


def events_by_task() -> Relation:
    return children(WorkTaskEvent.task_id, WorkTaskEvent, WorkTaskEvent.id)


def units_by_task() -> Relation:
    return children(WorkTaskUnit.task_id, WorkTaskUnit, WorkTaskUnit.id)


def leaders_by_task() -> Relation:
    return children(WorkTaskLeader.task_id, WorkTaskLeader, WorkTaskLeader.id)


def lists(visible: ColumnElement[bool], park_id: int | None = None) -> Select[Any]:
    stmt = select(WorkList).where(visible)
    return stmt if park_id is None else stmt.where(WorkList.park_id == park_id)
