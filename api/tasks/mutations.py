"""Steps of a task: progress (进展报告) and sign-off requests by its lead departments,
sign-off (销号) and return (退回) by the office that set its list. A step the task's state
does not allow is refused with INVALID_TRANSITION and nothing is written."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.actors import actor
from api.context import Info
from api.duties.guards import write_duties
from api.errors import UserError, mutate, present
from api.ids import decode_id
from api.tasks.guards import task_for_step
from api.tasks.types import Task, WorkList
from domain.tasks import service
from domain.tasks.models import WorkList as WorkListRow
from domain.tasks.models import WorkTask as WorkTaskRow
from domain.tasks.states import TaskEventKind
from seeds.work_lists import adopt_catalogue_work_list


@strawberry.input(description="报告任务进展 — Report progress on a task of your department")
class ReportTaskProgressInput:
    task_id: relay.GlobalID = strawberry.field(description="任务 — The task")
    note: str = strawberry.field(description="进展情况 — What was done")


@strawberry.input(description="申请销号 — Report a task of your department done and ask for sign-off")
class SubmitTaskForSignOffInput:
    task_id: relay.GlobalID = strawberry.field(description="任务 — The task")
    note: str = strawberry.field(description="完成情况 — How it was completed")


@strawberry.input(description="销号 — Sign off a task submitted (the office that set its list)")
class SignOffTaskInput:
    task_id: relay.GlobalID = strawberry.field(description="任务 — The task")
    note: str | None = strawberry.field(default=None, description="销号意见 — Note")


@strawberry.input(
    description="退回 — Return a task submitted, with the reason (the office that set its list)"
)
class ReturnTaskInput:
    task_id: relay.GlobalID = strawberry.field(description="任务 — The task")
    reason: str = strawberry.field(description="退回理由 — Why")


@strawberry.type(description="任务变更结果 — Result of a step of a task")
class TaskPayload:
    task: Task | None = strawberry.field(description="任务 — The task as it is now; null on errors")
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: WorkTaskRow | None, errors: list[UserError]) -> TaskPayload:
        return cls(task=present(Task.from_row, row), user_errors=errors)


@strawberry.input(
    description="采用重点工作清单 — A park takes a catalogue work list (e.g. 004-key-work-2023): its "
    "departments by name, its leader posts, the issuing office"
)
class AdoptWorkListInput:
    park_id: relay.GlobalID = strawberry.field(description="园区 — The park")
    code: str = strawberry.field(
        description="清单编号 — The catalogue work list's code, e.g. 004-key-work-2023"
    )


@strawberry.type(description="采用重点工作清单结果 — Result of taking a work list")
class WorkListPayload:
    work_list: WorkList | None = strawberry.field(
        description="重点工作清单 — The park's list; null on errors"
    )
    user_errors: list[UserError] = strawberry.field(description="错误 — What was wrong; empty on success")

    @classmethod
    def of(cls, row: WorkListRow | None, errors: list[UserError]) -> WorkListPayload:
        return cls(work_list=present(WorkList.from_row, row), user_errors=errors)


async def _step(info: Info, task_id: relay.GlobalID, kind: TaskEventKind, note: str | None) -> TaskPayload:
    async def work(session: AsyncSession) -> WorkTaskRow:
        step = await task_for_step(info.context, session, decode_id(task_id, "Task", "taskId"), kind)
        await service.take_step(
            session,
            task=step.task,
            kind=kind,
            note=note,
            post_id=step.post_id,
            actor=actor(info.context),
            today=info.context.today,
            domain=step.domain,
        )
        return step.task

    return await mutate(info, work, TaskPayload.of)


@strawberry.type
class TasksMutation:
    @strawberry.mutation(
        description="采用重点工作清单 — The park (duty-write on it) takes a catalogue work list as tasks; "
        "a park without a named department is refused"
    )
    async def adopt_work_list(self, info: Info, input: AdoptWorkListInput) -> WorkListPayload:
        async def work(session: AsyncSession) -> WorkListRow:
            park_id = decode_id(input.park_id, "OrgUnit", "parkId")
            await write_duties(info.context, session, park_id, "parkId")
            return await adopt_catalogue_work_list(
                session, code=input.code, park_id=park_id, today=info.context.today, actor=actor(info.context)
            )

        return await mutate(info, work, WorkListPayload.of)

    @strawberry.mutation(description="报告任务进展 — A member of a lead department reports progress")
    async def report_task_progress(self, info: Info, input: ReportTaskProgressInput) -> TaskPayload:
        return await _step(info, input.task_id, TaskEventKind.PROGRESS, input.note)

    @strawberry.mutation(description="申请销号 — A member of a lead department reports it done (待销号)")
    async def submit_task_for_sign_off(self, info: Info, input: SubmitTaskForSignOffInput) -> TaskPayload:
        return await _step(info, input.task_id, TaskEventKind.SUBMIT, input.note)

    @strawberry.mutation(
        description="销号 — The issuing office signs off a submitted task (not whoever submitted it)"
    )
    async def sign_off_task(self, info: Info, input: SignOffTaskInput) -> TaskPayload:
        return await _step(info, input.task_id, TaskEventKind.SIGN_OFF, input.note)

    @strawberry.mutation(description="退回 — The issuing office returns a submitted task with the reason")
    async def return_task(self, info: Info, input: ReturnTaskInput) -> TaskPayload:
        return await _step(info, input.task_id, TaskEventKind.RETURN, input.reason)
