"""This area's per-request loaders. Who may see what is `authz.visibility.tasks`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement

from api.loaders import ByIdLoader, RowsByKeyLoader
from authz.reach import Reach
from authz.visibility.tasks import lists_visible, tasks_visible
from domain.rows import Relation
from domain.tasks import reads
from domain.tasks.models import WorkList, WorkTask

if TYPE_CHECKING:
    from api.context import Context


class TaskByIdLoader(ByIdLoader[WorkTask]):
    model = WorkTask

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return tasks_visible(reach, self.ctx.today)


class WorkListByIdLoader(ByIdLoader[WorkList]):
    model = WorkList

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return lists_visible(reach, self.ctx.today)


class EventsByTaskLoader(RowsByKeyLoader):
    def statement(self) -> Relation:
        return reads.events_by_task()


class UnitsByTaskLoader(RowsByKeyLoader):
    def statement(self) -> Relation:
        return reads.units_by_task()


class LeadersByTaskLoader(RowsByKeyLoader):
    def statement(self) -> Relation:
        return reads.leaders_by_task()


class TaskLoaders:
    def __init__(self, ctx: Context) -> None:
        self.task_by_id = TaskByIdLoader(ctx)
        self.list_by_id = WorkListByIdLoader(ctx)
        self.events_by_task = EventsByTaskLoader(ctx)
        self.units_by_task = UnitsByTaskLoader(ctx)
        self.leaders_by_task = LeadersByTaskLoader(ctx)
