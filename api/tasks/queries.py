"""Tasks of work lists (挂图作战): by park or list, state, overdue, lead or supporting unit,
leader post and the caller's role; counts by state; the work lists."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.connection import Connection, root_connection
from api.context import Info
from api.ids import try_decode_id
from api.tasks.types import Task, WorkList
from authz.visibility.tasks import lists_visible, role_clause, tasks_visible
from domain.tasks import reads
from domain.tasks import states as st


@strawberry.input(description="任务筛选 — Filters of tasks; all given must hold")
class TaskFilterInput:
    work_list_id: relay.GlobalID | None = strawberry.field(default=None, description="清单 — One work list")
    states: list[st.TaskState] | None = strawberry.field(default=None, description="状态 — States")
    overdue: bool | None = strawberry.field(
        default=None, description="逾期 — Only overdue (true) or not (false)"
    )
    lead_unit_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="责任部室 — Led by one of these units"
    )
    supporting_unit_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="配合部室 — Supported by one of these units"
    )
    leader_post_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="责任领导 — Led by one of these leader posts"
    )
    roles: list[st.TaskRole] | None = strawberry.field(
        default=None, description="我的角色 — Only tasks where you stand in one of these roles today"
    )


@strawberry.type(name="TaskStateCount", description="状态计数 — Tasks in one state")
class TaskStateCount:
    state: st.TaskState = strawberry.field(description="状态 — State")
    count: int = strawberry.field(description="数量 — Count")


@strawberry.type(name="TaskCounts", description="任务统计 — Counts of tasks for a 挂图作战 board")
class TaskCounts:
    total: int = strawberry.field(description="总数 — Tasks matching")
    overdue: int = strawberry.field(description="逾期 — Past their deadline and not signed off")
    signed_off_late: int = strawberry.field(description="逾期销号 — Signed off after their deadline")
    by_state: list[TaskStateCount] = strawberry.field(description="按状态 — Counts by state")


def _ids(values: list[relay.GlobalID] | None, type_name: str) -> list[int] | None:
    if values is None:
        return None
    return [try_decode_id(v, type_name) or 0 for v in values]


def _statement(info: Info, park_id: relay.GlobalID | None, flt: TaskFilterInput | None):  # type: ignore[no-untyped-def]
    ctx = info.context
    f = flt or TaskFilterInput()
    return reads.tasks(
        tasks_visible(ctx.reach, ctx.today),
        ctx.today,
        reads.TaskFilter(
            park_id=(try_decode_id(park_id, "OrgUnit") or 0) if park_id is not None else None,
            list_id=(try_decode_id(f.work_list_id, "WorkList") or 0) if f.work_list_id is not None else None,
            states=f.states,
            overdue=f.overdue,
            lead_unit_ids=_ids(f.lead_unit_ids, "OrgUnit"),
            support_unit_ids=_ids(f.supporting_unit_ids, "OrgUnit"),
            leader_post_ids=_ids(f.leader_post_ids, "Post"),
            roles=None
            if f.roles is None
            else [role_clause(st.TaskRole(r), ctx.reach.person_id, ctx.today) for r in f.roles],
        ),
    )


@strawberry.type
class TasksQuery:
    @strawberry.field(
        description="重点任务 — Tasks you may see (your departments' and those you support or lead; "
        "all of a park for the park and its office), of a park or all, in list and row order"
    )
    async def tasks(
        self,
        info: Info,
        park_id: relay.GlobalID | None = None,
        filter: TaskFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Task]:
        stmt = _statement(info, park_id, filter)
        return await root_connection(info, stmt, reads.TASK_ORDER, Task.from_row, first, after)

    @strawberry.field(
        description="任务统计 — Counts of the same tasks by state, overdue and late, in one query"
    )
    async def task_counts(
        self, info: Info, park_id: relay.GlobalID | None = None, filter: TaskFilterInput | None = None
    ) -> TaskCounts:
        stmt = _statement(info, park_id, filter)
        async with info.context.db() as session:
            counts = await reads.state_counts(session, stmt, info.context.today)
        return TaskCounts(
            total=sum(counts.by_state.values()),
            overdue=counts.overdue,
            signed_off_late=counts.signed_off_late,
            by_state=[TaskStateCount(state=s, count=counts.by_state[s]) for s in st.TaskState],
        )

    @strawberry.field(description="重点工作清单 — Work lists you may see, of a park or all")
    async def work_lists(
        self,
        info: Info,
        park_id: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[WorkList]:
        ctx = info.context
        stmt = reads.lists(
            lists_visible(ctx.reach, ctx.today),
            (try_decode_id(park_id, "OrgUnit") or 0) if park_id is not None else None,
        )
        return await root_connection(info, stmt, reads.LIST_ORDER, WorkList.from_row, first, after)
