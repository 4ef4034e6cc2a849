"""Demo tasks: each demo park that has the departments takes the 2023 key-work list (004
附件2) as tasks, and its departments move some of them along, so the demo shows tasks in
every state: not started, in progress, submitted (待销号), signed off on time, signed off
late, returned, and overdue (every 2023 task not signed off). The steps go through the
task service, each by the current holder of the acting department's head post."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post
from domain.tasks import service
from domain.tasks.models import WorkList, WorkTask, WorkTaskUnit
from domain.tasks.states import TaskEventKind as K
from domain.tree.models import OrgUnit
from seeds.work_lists import adopt_work_list, read_work_lists

# (task number, [(step, day, note)]); the lead department's head reports and submits, the
# issuing office's head signs off and returns.
_PLAN: list[tuple[int, list[tuple[K, date, str | None]]]] = [
    (2, [(K.PROGRESS, date(2023, 9, 10), "完成燃气安全场景需求梳理（演示）")]),
    (3, [(K.SUBMIT, date(2023, 12, 20), "办公场所规范化建设完成（演示）")]),
    (
        4,
        [
            (K.PROGRESS, date(2023, 8, 15), "完成火情监控点选址（演示）"),
            (K.SUBMIT, date(2023, 12, 1), "各项建设均已完成（演示）"),
            (K.SIGN_OFF, date(2023, 12, 10), "对账无误，予以销号（演示）"),
        ],
    ),
    (
        5,
        [
            (K.SUBMIT, date(2024, 1, 20), "推广应用3项技术（演示）"),
            (K.SIGN_OFF, date(2024, 2, 5), "逾期完成，予以销号（演示）"),
        ],
    ),
    (
        6,
        [
            (K.SUBMIT, date(2023, 12, 15), "宣传活动已开展（演示）"),
            (K.RETURN, date(2023, 12, 22), "科普体验基地尚未建成，请补充（演示）"),
        ],
    ),
    (
        14,
        [
            (K.PROGRESS, date(2023, 9, 1), "举报奖励宣传进企业（演示）"),
            (K.SUBMIT, date(2023, 11, 1), "知晓率调查完成（演示）"),
            (K.RETURN, date(2023, 11, 8), "缺少参与率数据（演示）"),
            (K.SUBMIT, date(2023, 11, 30), "补充参与率数据（演示）"),
            (K.SIGN_OFF, date(2023, 12, 5), "予以销号（演示）"),
        ],
    ),
]


async def _head(session: AsyncSession, unit_id: int) -> tuple[int, int] | None:
    """(post, person) of the unit's department head who holds it now."""
    row = (
        await session.execute(
            select(Post.id, Assignment.person_id)
            .join(Assignment, Assignment.post_id == Post.id)
            .where(Post.unit_id == unit_id, Post.kind == PostKind.DEPARTMENT_HEAD.value)
            .order_by(Assignment.start_date.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def load_demo_tasks(session: AsyncSession, parks: list[OrgUnit], today: date) -> dict[str, int]:
    spec = next(s for s in read_work_lists() if s["code"] == "004-key-work-2023")
    counts = {"work_lists": 0, "tasks": 0, "task_events": 0}
    for park in parks:
        adoption = await adopt_work_list(session, spec, park, on=today)
        if adoption.work_list is None:
            continue
        work_list: WorkList = adoption.work_list
        counts["work_lists"] += 1
        tasks = {
            t.number: t
            for t in (await session.scalars(select(WorkTask).where(WorkTask.list_id == work_list.id))).all()
        }
        counts["tasks"] += len(tasks)
        office = await _head(session, work_list.issuing_unit_id)
        for number, steps in _PLAN:
            task = tasks.get(number)
            if task is None or office is None:
                continue
            lead_unit = await session.scalar(
                select(WorkTaskUnit.unit_id)
                .where(WorkTaskUnit.task_id == task.id, WorkTaskUnit.role == "LEAD")
                .order_by(WorkTaskUnit.id)
                .limit(1)
            )
            lead = await _head(session, lead_unit) if lead_unit is not None else None
            if lead is None:
                continue
            for kind, day, note in steps:
                post_id, person_id = office if kind in (K.SIGN_OFF, K.RETURN) else lead
                await service.take_step(
                    session,
                    task=task,
                    kind=kind,
                    note=note,
                    post_id=post_id,
                    actor=Actor(f"person:{person_id}", person_id=person_id),
                    today=day,
                    domain=park.path,
                )
                counts["task_events"] += 1
    return counts
