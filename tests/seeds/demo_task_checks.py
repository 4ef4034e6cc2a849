"""What the demo's tasks must show (called by tests/seeds/test_demo.py on the loaded demo)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.tasks.models import WorkTask
from domain.tasks.reads import overdue_clause
from domain.tasks.states import TaskState, signed_off_on, state_column


async def assert_tasks_in_every_state(session: AsyncSession, today: date) -> None:
    rows = (
        await session.execute(
            select(state_column(), signed_off_on(), WorkTask.deadline, overdue_clause(today))
        )
    ).all()
    states = {TaskState(r[0]) for r in rows}
    assert states == set(TaskState), states
    assert any(r[1] is not None and r[1] > r[2] for r in rows), "a task signed off late"
    assert any(r[1] is not None and r[1] <= r[2] for r in rows), "a task signed off on time"
    assert any(r[3] for r in rows), "an overdue task"
