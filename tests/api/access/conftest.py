"""The world of the access tests: two districts, district A with the small tree, a district
admin, agency staff and a park's party secretary.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.people.service import create_person
from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.api.helpers import reload


@pytest.fixture
async def world(session: AsyncSession, app: Any) -> dict[str, Any]:
    """Two districts; district A has the small tree and a district admin."""
    t: dict[str, Any] = dict(await f.small_tree(session))
    other = await f.district(session, name="另一区")
    other_park = await f.unit(session, UnitKind.PARK, other, name="另一园区")
    t["other"] = other
    t["other_ent"] = await f.enterprise(session, other_park, name="丙机械有限公司（演示）")
    admin = await f.person(session, "区管理员甲")
    await f.grant_role(session, f"person:{admin.id}", "admin", t["district"].id)
    t["admin"] = admin
    t["staff"] = await f.person(session, "机构人员甲")
    secretary_post = await f.post(session, t["park"], PostKind.PARTY_SECRETARY, title="党工委书记")
    t["secretary"] = await create_person(
        session,
        name="书记甲",
        id_number=f.id_number(),
        phone="13800009999",
        today=f.TODAY,
        registered_unit_id=t["park"].id,
    )
    await f.assign(session, secretary_post, t["secretary"])
    t["secretary_post"] = secretary_post
    await reload(app, session)
    return t
