"""Work lists (重点工作清单) and their tasks (重点任务) as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import strawberry
from strawberry import relay

from api.context import Info
from api.keys import ID_DESCRIPTION, key_id
from api.nodes import LoadedNode
from api.people.types import Person
from api.posts.types import Post
from api.refs import Actor, actor_of
from api.tree.types import OrgUnit
from domain.tasks import states as st
from domain.tasks.models import WorkList as WorkListRow
from domain.tasks.models import WorkTask as WorkTaskRow
from domain.tasks.models import WorkTaskEvent as WorkTaskEventRow

if TYPE_CHECKING:
    from api.dataloader import DataLoader
    from api.loader_registry import Loaders

TaskState = strawberry.enum(
    st.TaskState,
    name="TaskState",
    description="任务状态 — NOT_STARTED 未启动, IN_PROGRESS 推进中, SUBMITTED 待销号, SIGNED_OFF 已销号, "
    "RETURNED 已退回",
)
TaskEventKind = strawberry.enum(
    st.TaskEventKind,
    name="TaskEventKind",
    description="任务进展类型 — PROGRESS 进展报告, SUBMIT 申请销号, SIGN_OFF 销号, RETURN 退回",
)
TaskRole = strawberry.enum(
    st.TaskRole,
    name="TaskRole",
    description="与任务的关系 — LEAD 责任部室人员, SUPPORT 配合部室人员, LEADER 责任领导",
)


async def _unit(info: Info, unit_id: int) -> OrgUnit | None:
    row = await info.context.loaders.unit_by_id.load(unit_id)
    return OrgUnit.from_row(row) if row else None


async def _post(info: Info, post_id: int | None) -> Post | None:
    if post_id is None:
        return None
    row = await info.context.loaders.post_by_id.load(post_id)
    return Post.from_row(row) if row else None


@strawberry.type(name="TaskEvent", description="任务进展 — One step of a task (append-only)")
class TaskEvent:
    kind: st.TaskEventKind = strawberry.field(description="类型 — What was done")
    occurred_on: date = strawberry.field(description="日期 — The day it was done")
    note: str | None = strawberry.field(description="说明 — Progress, completion report, note or reason")
    created_at: datetime = strawberry.field(description="记录时间 — When it was entered")
    row: strawberry.Private[WorkTaskEventRow]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("TaskEvent", self.row.id)

    @classmethod
    def from_row(cls, row: WorkTaskEventRow) -> TaskEvent:
        return cls(
            kind=st.TaskEventKind(row.kind),
            occurred_on=row.occurred_on,
            note=row.note,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="状态 — The task's state after this step")
    def state_after(self) -> st.TaskState:
        return st.STATE_AFTER[st.TaskEventKind(self.row.kind)]

    @strawberry.field(description="岗位 — The post the person acted in, if you may see it")
    async def post(self, info: Info) -> Post | None:
        return await _post(info, self.row.post_id)

    @strawberry.field(description="人员 — The person who acted, if you may see them")
    async def person(self, info: Info) -> Person | None:
        if self.row.actor_person_id is None:
            return None
        row = await info.context.loaders.person_by_id.load(self.row.actor_person_id)
        return Person.from_row(row) if row else None

    @strawberry.field(description="操作人 — The person or client that acted, if you may see them")
    async def actor_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.row.actor)


@strawberry.type(
    name="WorkList", description="重点工作清单 — A park's work list for a year, set by an office"
)
class WorkList(LoadedNode[WorkListRow]):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="编号 — Code")
    title: str = strawberry.field(description="名称 — Title")
    year: int = strawberry.field(description="年度 — Year")
    source_clause: str | None = strawberry.field(description="出处条款 — Clause of the source document")
    row: strawberry.Private[WorkListRow]

    @classmethod
    def from_row(cls, row: WorkListRow) -> WorkList:
        return cls(
            id=row.id, code=row.code, title=row.title, year=row.year, source_clause=row.source_clause, row=row
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, WorkListRow | None]:
        return loaders.tasks.list_by_id

    @strawberry.field(description="园区 — The park it belongs to, if you may see it")
    async def park(self, info: Info) -> OrgUnit | None:
        return await _unit(info, self.row.park_id)

    @strawberry.field(description="设定与销号单位 — The office that set it and signs its tasks off")
    async def issuing_unit(self, info: Info) -> OrgUnit | None:
        return await _unit(info, self.row.issuing_unit_id)


@strawberry.type(
    name="Task",
    description="重点任务 — A task of a work list: its lead and supporting departments, leader posts, "
    "deadline, progress and sign-off (销号)",
)
class Task(LoadedNode[WorkTaskRow]):
    id: relay.NodeID[int]
    number: int = strawberry.field(description="序号 — Its row number in the source (as printed)")
    title: str = strawberry.field(description="重点任务 — Title")
    requirement: str = strawberry.field(description="工作要求 — The requirement text")
    deadline: date = strawberry.field(description="完成时限 — Deadline")
    section: str | None = strawberry.field(description="分类 — Section of the list")
    source_clause: str | None = strawberry.field(description="出处条款 — Clause of the source document")
    note: str | None = strawberry.field(description="说明 — e.g. whether the deadline is the document's")
    row: strawberry.Private[WorkTaskRow]

    @classmethod
    def from_row(cls, row: WorkTaskRow) -> Task:
        return cls(
            id=row.id,
            number=row.number,
            title=row.title,
            requirement=row.requirement,
            deadline=row.deadline,
            section=row.section,
            source_clause=row.source_clause,
            note=row.note,
            row=row,
        )

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, WorkTaskRow | None]:
        return loaders.tasks.task_by_id

    async def _events(self, info: Info) -> list[WorkTaskEventRow]:
        rows: list[WorkTaskEventRow] = await info.context.loaders.tasks.events_by_task.load(self.row.id)
        return rows

    @strawberry.field(description="状态 — Its state, from the latest step")
    async def state(self, info: Info) -> st.TaskState:
        events = await self._events(info)
        return st.state_of(events[-1].kind if events else None)

    @strawberry.field(description="销号日期 — The day it was signed off; null if not")
    async def signed_off_on(self, info: Info) -> date | None:
        return next((e.occurred_on for e in await self._events(info) if e.kind == "SIGN_OFF"), None)

    @strawberry.field(description="逾期 — Past its deadline and not signed off")
    async def overdue(self, info: Info) -> bool:
        return self.row.deadline < info.context.today and await self.signed_off_on(info) is None

    @strawberry.field(description="逾期销号 — Signed off after its deadline")
    async def signed_off_late(self, info: Info) -> bool:
        day = await self.signed_off_on(info)
        return day is not None and day > self.row.deadline

    @strawberry.field(description="剩余天数 — Days to the deadline (negative past it); null once signed off")
    async def days_left(self, info: Info) -> int | None:
        if await self.signed_off_on(info) is not None:
            return None
        return (self.row.deadline - info.context.today).days

    @strawberry.field(description="进展 — Every step, oldest first")
    async def progress(self, info: Info) -> list[TaskEvent]:
        return [TaskEvent.from_row(r) for r in await self._events(info)]

    @strawberry.field(description="清单 — The work list")
    async def work_list(self, info: Info) -> WorkList | None:
        row = await info.context.loaders.tasks.list_by_id.load(self.row.list_id)
        return WorkList.from_row(row) if row else None

    async def _units(self, info: Info, role: str) -> list[OrgUnit]:
        rows = await info.context.loaders.tasks.units_by_task.load(self.row.id)
        found = await info.context.loaders.unit_by_id.load_many([r.unit_id for r in rows if r.role == role])
        return [OrgUnit.from_row(u) for u in found if u is not None]

    @strawberry.field(description="责任部室 — Lead departments (those you may see)")
    async def lead_units(self, info: Info) -> list[OrgUnit]:
        return await self._units(info, "LEAD")

    @strawberry.field(description="配合部室 — Supporting departments (those you may see)")
    async def supporting_units(self, info: Info) -> list[OrgUnit]:
        return await self._units(info, "SUPPORT")

    @strawberry.field(description="责任领导 — The leader posts in charge (those you may see)")
    async def leader_posts(self, info: Info) -> list[Post]:
        rows = await info.context.loaders.tasks.leaders_by_task.load(self.row.id)
        found = await info.context.loaders.post_by_id.load_many([r.post_id for r in rows])
        return [Post.from_row(p) for p in found if p is not None]
