"""A task's state is its latest event's: no event NOT_STARTED; PROGRESS (进展报告)
IN_PROGRESS; SUBMIT (申请销号) SUBMITTED (待销号); SIGN_OFF (销号) SIGNED_OFF (已销号, final);
RETURN (退回) RETURNED. Which step may follow which, and who takes it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, case, select

from domain.tasks.models import WorkTask, WorkTaskEvent


class TaskState(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    SUBMITTED = "SUBMITTED"
    SIGNED_OFF = "SIGNED_OFF"
    RETURNED = "RETURNED"


class TaskEventKind(StrEnum):
    PROGRESS = "PROGRESS"
    SUBMIT = "SUBMIT"
    SIGN_OFF = "SIGN_OFF"
    RETURN = "RETURN"


class TaskRole(StrEnum):
    """How a caller stands to a task."""

    LEAD = "LEAD"  # a member of a lead department (责任部室)
    SUPPORT = "SUPPORT"  # a member of a supporting department (配合部室)
    LEADER = "LEADER"  # holds a leader post in charge (责任领导)


STATE_AFTER = {
    TaskEventKind.PROGRESS: TaskState.IN_PROGRESS,
    TaskEventKind.SUBMIT: TaskState.SUBMITTED,
    TaskEventKind.SIGN_OFF: TaskState.SIGNED_OFF,
    TaskEventKind.RETURN: TaskState.RETURNED,
}

# The states each step may be taken from.
ALLOWED_FROM = {
    TaskEventKind.PROGRESS: frozenset({TaskState.NOT_STARTED, TaskState.IN_PROGRESS, TaskState.RETURNED}),
    TaskEventKind.SUBMIT: frozenset({TaskState.NOT_STARTED, TaskState.IN_PROGRESS, TaskState.RETURNED}),
    TaskEventKind.SIGN_OFF: frozenset({TaskState.SUBMITTED}),
    TaskEventKind.RETURN: frozenset({TaskState.SUBMITTED}),
}

# Steps of the lead departments; the others are the issuing office's.
BY_LEAD = frozenset({TaskEventKind.PROGRESS, TaskEventKind.SUBMIT})

LABELS = {
    TaskState.NOT_STARTED: "未启动",
    TaskState.IN_PROGRESS: "推进中",
    TaskState.SUBMITTED: "待销号",
    TaskState.SIGNED_OFF: "已销号",
    TaskState.RETURNED: "已退回",
}


def state_of(last_kind: str | None) -> TaskState:
    return TaskState.NOT_STARTED if last_kind is None else STATE_AFTER[TaskEventKind(last_kind)]


def latest_kind() -> ColumnElement[str]:
    """The kind of a task's latest event (NULL without one), as a correlated subquery."""
    return (
        select(WorkTaskEvent.kind)
        .where(WorkTaskEvent.task_id == WorkTask.id)
        .order_by(WorkTaskEvent.id.desc())
        .limit(1)
        .correlate(WorkTask)
        .scalar_subquery()
    )


def state_column() -> ColumnElement[str]:
    last = latest_kind()
    return case(
        *((last == kind.value, state.value) for kind, state in STATE_AFTER.items()),
        else_=TaskState.NOT_STARTED.value,
    )


def signed_off_on() -> ColumnElement[date]:
    """The day a task was signed off (NULL if not)."""
    return (
        select(WorkTaskEvent.occurred_on)
        .where(WorkTaskEvent.task_id == WorkTask.id, WorkTaskEvent.kind == TaskEventKind.SIGN_OFF.value)
        .limit(1)
        .correlate(WorkTask)
        .scalar_subquery()
    )
