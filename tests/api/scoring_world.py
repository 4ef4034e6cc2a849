"""The world of the scoring and report tests through HTTP: a small tree whose two enterprises
owe a monthly inspection, one done and one missed with a hazard overdue, scored as of TODAY."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.hazards.models import Hazard, HazardCategory
from domain.posts.kinds import PostKind
from domain.scoring.maintain import rebuild
from seeds.hazard_categories import load_hazard_categories
from tests import factories as f

TODAY = f.TODAY  # 2026-11-22
MONTHLY = {"kinds": ["INSPECTION"], "every": "MONTH"}


async def scoring_world(session: AsyncSession) -> dict[str, Any]:
    """Two enterprises owe a monthly inspection; the chemical works did October's, the food
    factory did not and has a general hazard overdue since 20 October."""
    t = await f.small_tree(session)
    await f.duty_list(session, t["park"], [PostKind.ENTERPRISE_PRINCIPAL], {"check": MONTHLY})
    people = {}
    for key in ("chem", "food"):
        who = await f.person(session, name=f"{key}负责人（演示）")
        await f.assign(session, await f.post(session, t[key], PostKind.ENTERPRISE_PRINCIPAL), who)
        people[f"{key}_boss"] = who
    await f.record(session, people["chem_boss"], "INSPECTION", date(2026, 10, 5), [t["chem"]])
    await load_hazard_categories(session)
    category = (await session.scalars(select(HazardCategory).where(HazardCategory.major.is_(False)))).first()
    assert category is not None
    hazard = Hazard(
        unit_id=t["food"].id, category_id=category.id, grade="GENERAL", title="消防通道堵塞（演示）",
        description="演示", evidence=[], source="SELF_CHECK", found_on=date(2026, 10, 2), found_by="system",
        state="RECTIFYING", deadline=date(2026, 10, 20),
    )  # fmt: skip
    session.add(hazard)
    admin = await f.person(session, name="区管理员（演示）")
    await f.grant_role(session, f"person:{admin.id}", "admin", t["district"].id)
    reader = await f.make_client(
        session, name="区级系统（演示）", kind="DISTRICT_SYSTEM", unit_id=t["district"].id
    )
    await f.grant_role(session, reader.subject, "district_reader", t["district"].id)
    outsider = await f.person(session, name="外单位人员（演示）")
    await session.flush()
    await rebuild(session, TODAY)
    return {**t, **people, "hazard": hazard, "admin": admin, "reader": reader, "outsider": outsider}
