from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, ErrorCode
from domain.tree import service
from domain.tree.kinds import Trade, UnitKind
from domain.tree.models import OrgUnit
from domain.tree.queries import UnitFilter, units_stmt
from tests import factories as f


async def test_paths_and_subtree_query(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    assert t["park"].path == f"{t['district'].path}{t['park'].id}/"
    under_park = (await session.scalars(units_stmt(UnitFilter(), under_path=t["park"].path))).all()
    assert {u.id for u in under_park} == {t["safety"].id, t["build"].id, t["chem"].id, t["food"].id}


async def test_subtree_range_does_not_leak_into_id_prefix_siblings(session: AsyncSession) -> None:
    d = await f.district(session)
    parks = [await f.unit(session, UnitKind.PARK, d, code=f"P{i}") for i in range(12)]
    # Some park ids share a decimal prefix with others (e.g. 3 and 30-39).
    for p in parks:
        inside = (await session.scalars(units_stmt(UnitFilter(), under_path=p.path))).all()
        assert inside == []
    dep = await f.unit(session, UnitKind.DEPARTMENT, parks[0])
    inside = (await session.scalars(units_stmt(UnitFilter(), under_path=parks[0].path))).all()
    assert [u.id for u in inside] == [dep.id]


async def test_move_rewrites_the_subtree_paths(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    other_park = await f.unit(session, UnitKind.PARK, t["district"], code="P2")
    moved = await service.move_unit(session, unit_id=t["safety"].id, version=1, new_parent_id=other_park.id)
    assert moved.path == f"{other_park.path}{moved.id}/"
    assert moved.version == 2
    chem = (await session.scalars(select(OrgUnit).where(OrgUnit.id == t["chem"].id))).one()
    await session.refresh(chem)
    assert chem.path == f"{moved.path}{chem.id}/"
    assert chem.depth == 3


async def test_move_under_own_descendant_is_refused(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    with pytest.raises(DomainError) as exc:
        await service.move_unit(session, unit_id=t["park"].id, version=1, new_parent_id=t["safety"].id)
    assert exc.value.errors[0].code is ErrorCode.MOVE_INTO_OWN_SUBTREE


async def test_kinds_hang_only_where_allowed(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    with pytest.raises(DomainError) as exc:
        await service.create_unit(
            session, kind=UnitKind.PARK, code="X", name="错位园区", parent_id=t["park"].id, today=f.TODAY
        )
    assert exc.value.errors[0].code is ErrorCode.INVALID_PARENT


async def test_create_collects_every_problem(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    with pytest.raises(DomainError) as exc:
        await service.create_unit(
            session,
            kind=UnitKind.ENTERPRISE,
            code="E-CHEM",
            name="",
            parent_id=t["safety"].id,
            enterprise=service.EnterpriseAttrs(
                credit_code="91350100M000100Y44", trade=Trade.FOOD, staff_count=3
            ),
            today=f.TODAY,
        )
    codes = {e.code for e in exc.value.errors}
    assert codes == {ErrorCode.REQUIRED, ErrorCode.INVALID_CREDIT_CODE, ErrorCode.DUPLICATE_CODE}


async def test_placarded_enterprise_gets_the_three_responsible_posts(session: AsyncSession) -> None:
    from domain.posts.models import Post

    t = await f.small_tree(session)
    kinds = set((await session.scalars(select(Post.kind).where(Post.unit_id == t["chem"].id))).all())
    assert kinds == {"ADMINISTRATIVE_RESPONSIBLE", "SUPERVISORY_RESPONSIBLE", "ENTERPRISE_RESPONSIBLE"}


async def test_stale_version_is_refused(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    await service.update_unit(session, unit_id=t["park"].id, version=1, name="新名称")
    with pytest.raises(DomainError) as exc:
        await service.update_unit(session, unit_id=t["park"].id, version=1, name="另一个名称")
    assert exc.value.errors[0].code is ErrorCode.STALE_VERSION


async def test_archive_refuses_units_with_active_children(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    with pytest.raises(DomainError) as exc:
        await service.archive_unit(session, unit_id=t["park"].id, version=1, today=f.TODAY)
    assert exc.value.errors[0].code is ErrorCode.HAS_ACTIVE_CHILDREN
    archived = await service.archive_unit(session, unit_id=t["food"].id, version=1, today=f.TODAY)
    assert archived.archived_at is not None
