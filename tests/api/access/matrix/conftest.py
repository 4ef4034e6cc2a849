"""The access matrix's one world (see cases.py), written through the domain services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz import agencies, clients
from domain.actors import SYSTEM
from domain.clock import today_shanghai
from domain.people.service import create_person
from domain.posts.kinds import PostKind
from domain.posts.models import Post, PostCharge
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit
from tests import factories as f
from tests.api.access.matrix.cases import (
    HOLDS,
    PLACARD,
    World,
)
from tests.api.helpers import reload


@pytest.fixture
async def world(session: AsyncSession, app: Any) -> World:
    today = today_shanghai()
    units: dict[str, OrgUnit] = dict(await f.small_tree(session))
    units["other"] = await f.district(session, name="另一区")
    units["other_park"] = await f.unit(session, UnitKind.PARK, units["other"], name="另一园区")
    units["other_ent"] = await f.enterprise(session, units["other_park"], name="丙机械有限公司（演示）")

    names = {
        "secretary": "书记甲",
        "director": "主任乙",
        "deputy": "分管丙",
        "dept_head": "部长丁",
        "chem_boss": "厂长戊",
        "worker": "工人己",
        "coworker": "工人庚",
        "food_boss": "厂长辛",
        "agent": "机构人员壬",
        "lapsed_agent": "机构人员癸",
        "future_agent": "机构人员子",
        "admin": "区管理员丑",
        "outsider": "外区厂长寅",
    }
    people = {
        key: await f.person(session, name, phone=f"1380000{i:04d}")
        for i, (key, name) in enumerate(names.items())
    }
    people["clerk"] = await create_person(
        session,
        name="文员卯",
        id_number=f.id_number(),
        phone="13800000099",
        today=f.TODAY,
        registered_unit_id=units["chem"].id,
    )

    where = {
        "secretary": ("park", PostKind.PARTY_SECRETARY),
        "director": ("park", PostKind.COMMITTEE_DIRECTOR),
        "deputy": ("park", PostKind.DEPUTY_IN_CHARGE),
        "dept_head": ("build", PostKind.DEPARTMENT_HEAD),
        "chem_boss": ("chem", PostKind.ENTERPRISE_PRINCIPAL),
        "worker": ("chem", PostKind.FRONTLINE),
        "food_boss": ("food", PostKind.ENTERPRISE_PRINCIPAL),
        "outsider": ("other_ent", PostKind.ENTERPRISE_PRINCIPAL),
    }
    posts: dict[str, Post] = {}
    for key, (at, kind) in where.items():
        charged = [units["safety"].id] if kind == PostKind.DEPUTY_IN_CHARGE else []
        posts[key] = await f.post(session, units[at], kind, in_charge_of=charged)
    for key, kind in PLACARD.items():
        placard = select(Post).where(Post.unit_id == units["chem"].id, Post.kind == kind.value)
        posts[key] = (await session.scalars(placard)).one()
    assignments = {who: await f.assign(session, posts[post], people[who]) for who, post in HOLDS.items()}
    charge = await session.scalar(select(PostCharge).where(PostCharge.post_id == posts["deputy"].id))
    assert charge is not None

    # Agencies: one whose contract (乙食品) runs today, one whose contract ended ten days ago,
    # one whose only contract starts next year. Memberships run throughout.
    contracts = {
        "agent": (today - timedelta(days=30), today + timedelta(days=30)),
        "lapsed_agent": (today - timedelta(days=90), today - timedelta(days=10)),
        "future_agent": (date(today.year + 1, 1, 1), date(today.year + 1, 12, 31)),
    }
    for n, (who, (start, end)) in enumerate(contracts.items()):
        agency = await agencies.create_agency(
            session, actor=SYSTEM, name=f"（演示）安全技术服务有限公司{n}", credit_code=f.credit_code()
        )
        await agencies.add_agency_member(
            session, actor=SYSTEM, agency_id=agency.id, person_id=people[who].id, start_date=date(2024, 1, 1)
        )
        await agencies.create_contract(
            session,
            actor=SYSTEM,
            agency_id=agency.id,
            code=f"HT-{n}",
            start_date=start,
            end_date=end,
            unit_ids=[units["food"].id] if who == "agent" else [units["chem"].id, units["food"].id],
        )

    system = await clients.create_client(
        session,
        actor=SYSTEM,
        name="区应急局平台（演示）",
        kind="DISTRICT_SYSTEM",
        unit_id=units["district"].id,
    )
    _, system_key = await clients.create_api_key(session, actor=SYSTEM, client_id=system.id)
    await f.grant_role(session, f"person:{people['admin'].id}", "admin", units["district"].id)

    await reload(app, session)
    return World(units, posts, people, assignments, charge, system_key)
