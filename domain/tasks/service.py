"""Writing work lists and the steps of their tasks. A list and its tasks are written once;
a step is a new event row (never an UPDATE), refused when the task's state does not allow
it (INVALID_TRANSITION) and nothing is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import insert_audited
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.inputs import clean_text
from domain.tasks.models import WorkList, WorkTask, WorkTaskEvent, WorkTaskLeader, WorkTaskUnit
from domain.tasks.states import ALLOWED_FROM, LABELS, TaskEventKind, TaskState, state_of
from domain.tree.models import OrgUnit


@dataclass(frozen=True)
class TaskInput:
    number: int
    title: str
    requirement: str
    deadline: date
    lead_unit_ids: Sequence[int]
    support_unit_ids: Sequence[int] = ()
    leader_post_ids: Sequence[int] = ()
    section: str | None = None
    source_clause: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class WorkListInput:
    code: str
    title: str
    year: int
    park_id: int
    issuing_unit_id: int
    tasks: Sequence[TaskInput] = field(default_factory=tuple)
    source_id: int | None = None
    source_clause: str | None = None


async def create_work_list(session: AsyncSession, data: WorkListInput, *, actor: Actor) -> WorkList:
    """A park's work list with its tasks, their units and leader posts."""
    errors = ErrorCollector()
    park = await session.get(OrgUnit, data.park_id)
    if park is None:
        raise not_found("parkId", "园区", "Park")
    if await session.scalar(select(WorkList.id).where(WorkList.code == data.code)):
        errors.add(ErrorCode.DUPLICATE_CODE, "code", "清单编号已被使用", "The code is already used")
    numbers = [t.number for t in data.tasks]
    if len(set(numbers)) != len(numbers):
        errors.add(ErrorCode.DUPLICATE, "tasks", "任务序号重复", "Task numbers repeat")
    for n, task in enumerate(data.tasks):
        if not task.lead_unit_ids:
            errors.add(
                ErrorCode.REQUIRED,
                ("tasks", str(n), "leadUnitIds"),
                "须有责任部室",
                "A task needs a lead unit",
            )
    errors.raise_if_any()
    lst = await insert_audited(
        session,
        WorkList(
            code=data.code,
            title=data.title,
            year=data.year,
            park_id=data.park_id,
            issuing_unit_id=data.issuing_unit_id,
            source_id=data.source_id,
            source_clause=data.source_clause,
            created_by=actor.subject,
        ),
        "work_list.create",
        park.path,
        actor=actor,
    )
    for task in data.tasks:
        row = WorkTask(
            list_id=lst.id,
            number=task.number,
            title=task.title,
            requirement=task.requirement,
            deadline=task.deadline,
            section=task.section,
            source_clause=task.source_clause,
            note=task.note,
            created_by=actor.subject,
        )
        session.add(row)
        await session.flush()
        lead = list(dict.fromkeys(task.lead_unit_ids))
        support = [u for u in dict.fromkeys(task.support_unit_ids) if u not in lead]
        session.add_all(WorkTaskUnit(task_id=row.id, unit_id=u, role="LEAD") for u in lead)
        session.add_all(WorkTaskUnit(task_id=row.id, unit_id=u, role="SUPPORT") for u in support)
        session.add_all(
            WorkTaskLeader(task_id=row.id, post_id=p) for p in dict.fromkeys(task.leader_post_ids)
        )
    await session.flush()
    return lst


async def load_for_change(session: AsyncSession, task_id: int) -> WorkTask:
    """The task, locked for the step (its events are written one at a time)."""
    task = await session.scalar(select(WorkTask).where(WorkTask.id == task_id).with_for_update())
    if task is None:
        raise not_found("taskId", "任务", "Task")
    return task


async def events_of(session: AsyncSession, task_id: int) -> list[WorkTaskEvent]:
    return list(
        (
            await session.scalars(
                select(WorkTaskEvent).where(WorkTaskEvent.task_id == task_id).order_by(WorkTaskEvent.id)
            )
        ).all()
    )


_NOTE_LABELS = {
    TaskEventKind.PROGRESS: ("进展情况", "Progress"),
    TaskEventKind.SUBMIT: ("完成情况", "Completion report"),
    TaskEventKind.SIGN_OFF: ("销号意见", "Sign-off note"),
    TaskEventKind.RETURN: ("退回理由", "Reason"),
}
_NOTE_REQUIRED = frozenset({TaskEventKind.PROGRESS, TaskEventKind.SUBMIT, TaskEventKind.RETURN})


async def take_step(
    session: AsyncSession,
    *,
    task: WorkTask,
    kind: TaskEventKind,
    note: str | None,
    post_id: int,
    actor: Actor,
    today: date,
    domain: str,
) -> WorkTaskEvent:
    """Append one step to a locked task, through the post the actor acts in."""
    errors = ErrorCollector()
    zh, en = _NOTE_LABELS[kind]
    clean = clean_text(
        errors,
        "reason" if kind is TaskEventKind.RETURN else "note",
        note,
        label_zh=zh,
        label_en=en,
        max_length=2000,
        required=kind in _NOTE_REQUIRED,
    )
    events = await events_of(session, task.id)
    state = state_of(events[-1].kind if events else None)
    if state not in ALLOWED_FROM[kind]:
        errors.add(
            ErrorCode.INVALID_TRANSITION,
            "taskId",
            f"任务当前为“{LABELS[state]}”，不能{_VERB_ZH[kind]}",
            f"The task is {state.value}; it cannot be {_VERB_EN[kind]}",
        )
    elif kind is TaskEventKind.SIGN_OFF and events[-1].actor == actor.subject:
        errors.add(
            ErrorCode.FORBIDDEN,
            "taskId",
            "申请销号的人员不能为本任务销号",
            "Whoever asked for the sign-off may not sign it off",
        )
    errors.raise_if_any()
    return await insert_audited(
        session,
        WorkTaskEvent(
            task_id=task.id,
            kind=kind.value,
            occurred_on=today,
            note=clean,
            actor=actor.subject,
            actor_person_id=actor.person_id,
            post_id=post_id,
        ),
        f"work_task.{kind.value.lower()}",
        domain,
        actor=actor,
    )


_VERB_ZH = {
    TaskEventKind.PROGRESS: "报告进展",
    TaskEventKind.SUBMIT: "申请销号",
    TaskEventKind.SIGN_OFF: "销号",
    TaskEventKind.RETURN: "退回",
}
_VERB_EN = {
    TaskEventKind.PROGRESS: "reported on",
    TaskEventKind.SUBMIT: "submitted for sign-off",
    TaskEventKind.SIGN_OFF: "signed off",
    TaskEventKind.RETURN: "returned",
}

__all__ = ["DomainError", "TaskInput", "TaskState", "WorkListInput", "create_work_list", "take_step"]
