"""The write-side door of tasks (conventions of api/guard.py: not readable → NOT_FOUND,
readable but not yours to change → FORBIDDEN). Progress and sign-off requests are the lead
departments' (a person holding a post on a lead unit today); sign-off and return are the
issuing office's (a person holding a post on the list's issuing unit today)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from api.context import Context
from api.guard import forbidden
from authz.objects import unit_path
from authz.visibility.tasks import lead_post, office_post, tasks_visible
from domain.errors import not_found
from domain.rows import has_row
from domain.tasks import service
from domain.tasks.models import WorkList, WorkTask
from domain.tasks.states import BY_LEAD, TaskEventKind


@dataclass(frozen=True)
class Step:
    task: WorkTask
    post_id: int
    domain: str


async def task_for_step(ctx: Context, session: AsyncSession, task_id: int, kind: TaskEventKind) -> Step:
    if not await has_row(session, WorkTask, task_id, tasks_visible(ctx.reach, ctx.today)):
        raise not_found("taskId", "任务", "Task")
    task = await service.load_for_change(session, task_id)
    work_list = await session.get(WorkList, task.list_id)
    assert work_list is not None
    person_id = ctx.caller.person_id if ctx.caller else None
    if kind in BY_LEAD:
        post_id = await lead_post(session, person_id, task.id, ctx.today)
        if post_id is None:
            raise forbidden(
                "taskId",
                "任务（进展和申请销号由责任部室人员报告）",
                "Task (its lead departments report on it)",
            )
    else:
        post_id = await office_post(session, person_id, work_list.issuing_unit_id, ctx.today)
        if post_id is None:
            raise forbidden(
                "taskId",
                "任务（销号、退回由设定清单的单位进行）",
                "Task (the office that set the list signs off and returns)",
            )
    path = await unit_path(session, work_list.park_id)
    assert path is not None
    return Step(task, post_id, path)
