"""For installs that took 004 附件2 (the 2023 key-work list) as a duty list, `004-key-work-2023`,
before it became tasks: from the day this runs, that list (the template and every unit's
copy) carries none of those items any more — a new list version without them, the older
versions kept, so history is not rewritten — and every park that had a copy gets the 2023
work list as tasks and, where it has the departments, the 日周月 enforcement list of row 11.
Run by `python -m api load-catalogue` (idempotent)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.duties.lists import adopt_template
from domain.duties.models import DutyList
from domain.duties.retire import retire_items
from domain.errors import DomainError
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit
from seeds.work_lists import adopt_work_list, read_work_lists

OLD_CODE = "004-key-work-2023"
# The duties of 004 附件2 that stay duties (of posts of a kind, or of named departments'
# heads), each park that had the old list takes them from the day this runs.
STAYING = (
    "004-enforcement-2023",
    "004-leaders-key-dates-2023",
    "004-publicity-2023",
    "004-disaster-consultation-2023",
)
NOTE = (
    "2023年重点工作清单各项改为园区部室任务（责任部室、配合部室、责任领导、销号），自本版本起不再作为岗位职责"
)


async def _park_of(session: AsyncSession, unit_id: int) -> OrgUnit | None:
    unit = await session.get(OrgUnit, unit_id)
    while unit is not None and unit.kind != UnitKind.PARK:
        unit = await session.get(OrgUnit, unit.parent_id) if unit.parent_id else None
    return unit


async def move_key_work_to_tasks(session: AsyncSession, *, today: date, actor: Actor) -> dict[str, int]:
    counts = {"key_work_versions": 0, "work_lists": 0, "staying_lists": 0}
    template = await session.scalar(select(DutyList).where(DutyList.code == OLD_CODE))
    if template is None:
        return counts
    copies = (
        await session.scalars(
            select(DutyList).where(DutyList.template_id == template.id).order_by(DutyList.id)
        )
    ).all()
    for lst in (template, *copies):
        version = await retire_items(
            session, lst, lambda key: key.startswith(OLD_CODE + "-"), note=NOTE, actor=actor, today=today
        )
        counts["key_work_versions"] += version is not None
    spec = next(s for s in read_work_lists() if s["code"] == OLD_CODE)
    templates = (await session.scalars(select(DutyList).where(DutyList.code.in_(STAYING)))).all()
    for lst in copies:
        assert lst.unit_id is not None
        park = await _park_of(session, lst.unit_id)
        if park is None:
            continue
        adoption = await adopt_work_list(session, spec, park, on=today, actor=actor)
        counts["work_lists"] += adoption.work_list is not None
        for staying in templates:
            counts["staying_lists"] += await _adopt(session, staying, park, today, actor)
    return counts


async def _adopt(session: AsyncSession, template: DutyList, park: OrgUnit, today: date, actor: Actor) -> int:
    """The park takes a staying list (once); 0 if it has it or lacks its departments."""
    code = f"{template.code}.{park.id}"
    if await session.scalar(select(DutyList.id).where(DutyList.code == code)):
        return 0
    try:
        async with session.begin_nested():
            await adopt_template(
                session, template_id=template.id, unit_id=park.id, code=code,
                effective_from=today, actor=actor, today=today,
            )  # fmt: skip
    except DomainError:
        return 0  # the park has no department of a name the list targets
    return 1
