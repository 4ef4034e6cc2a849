"""A park on fixed 2023 dates with the departments 004 附件2 names, its leaders and
department heads, the catalogue loaded and the 2023 key-work list taken as tasks."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.charges import add_charge
from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind
from seeds.requirements import load_requirements
from seeds.work_lists import adopt_work_list, read_work_lists
from tests import factories as f

START = date(2023, 1, 1)
ISSUED = date(2023, 7, 16)


async def task_world(session: AsyncSession) -> dict[str, Any]:
    t = await f.small_tree(session)
    park = t["park"]
    for key, name in (("office", "党政办"), ("finance", "财政财务部"), ("economy", "经济运行部")):
        t[key] = await f.unit(session, UnitKind.DEPARTMENT, park, code=key.upper(), name=name)
    people: dict[str, Any] = {}
    posts: dict[str, Any] = {}
    for key, unit, kind in (
        ("director", park, PostKind.COMMITTEE_DIRECTOR),
        ("deputy", park, PostKind.DEPUTY_IN_CHARGE),
        ("other", park, PostKind.OTHER_LEADER),
        ("safety_head", t["safety"], PostKind.DEPARTMENT_HEAD),
        ("build_head", t["build"], PostKind.DEPARTMENT_HEAD),
        ("office_head", t["office"], PostKind.DEPARTMENT_HEAD),
        ("finance_head", t["finance"], PostKind.DEPARTMENT_HEAD),
        ("economy_head", t["economy"], PostKind.DEPARTMENT_HEAD),
    ):
        who = await f.person(session, name=f"{key}（演示）")
        post = await f.post(session, unit, kind)
        await f.assign(session, post, who, start=START)
        people[key], posts[key] = who, post
    for unit in (t["safety"], t["build"]):
        await add_charge(session, post_id=posts["deputy"].id, unit_id=unit.id, start_date=START)
    await add_charge(session, post_id=posts["other"].id, unit_id=t["economy"].id, start_date=START)
    await load_requirements(session)
    spec = next(s for s in read_work_lists() if s["code"] == "004-key-work-2023")
    adoption = await adopt_work_list(session, spec, park, on=ISSUED)
    assert adoption.work_list is not None
    return {
        **t,
        "people": people,
        "posts": posts,
        "work_list": adoption.work_list,
        "missing": adoption.missing,
    }
