"""Rows by id and by parent: a row the predicate refuses reads as a row that does not exist."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.kinds import PostKind
from domain.posts.models import Post
from domain.rows import children, has_row, row_by_id, rows_by_ids, rows_by_key, value_by_id
from domain.tree.models import OrgUnit
from tests import factories as f


async def test_rows_by_id_leave_out_missing_and_refused_ids(session: AsyncSession) -> None:
    units = await f.small_tree(session)
    chem, food = units["chem"], units["food"]
    found = await rows_by_ids(session, OrgUnit, [chem.id, food.id, 10**9])
    assert set(found) == {chem.id, food.id} and found[chem.id] is chem
    only_chem = await rows_by_ids(session, OrgUnit, [chem.id, food.id], OrgUnit.id == chem.id)
    assert set(only_chem) == {chem.id}


async def test_one_row_by_id_obeys_the_predicate(session: AsyncSession) -> None:
    units = await f.small_tree(session)
    park = units["park"]
    assert await row_by_id(session, OrgUnit, park.id) is park
    assert await row_by_id(session, OrgUnit, park.id, OrgUnit.code == "elsewhere") is None
    assert await has_row(session, OrgUnit, park.id)
    assert not await has_row(session, OrgUnit, park.id, OrgUnit.code == "elsewhere")
    assert not await has_row(session, OrgUnit, 10**9)
    assert await value_by_id(session, OrgUnit.path, park.id) == park.path
    assert await value_by_id(session, OrgUnit.path, park.id, OrgUnit.code == "elsewhere") is None
    assert await value_by_id(session, OrgUnit.path, 10**9) is None


async def test_rows_by_key_group_children_in_order(session: AsyncSession) -> None:
    units = await f.small_tree(session)
    chem, food = units["chem"], units["food"]
    first = await f.post(session, chem, PostKind.FRONTLINE, title="B")
    second = await f.post(session, chem, PostKind.FRONTLINE, title="A")
    ours = Post.id.in_([first.id, second.id])
    relation = children(Post.unit_id, Post, Post.title, where=ours)
    found = await rows_by_key(session, relation, [chem.id, food.id])
    assert [p.id for p in found[chem.id]] == [second.id, first.id]
    assert food.id not in found  # the food enterprise's own posts are not among ours
    only_first = children(Post.unit_id, Post, Post.id, where=Post.id == first.id)
    assert [p.id for p in (await rows_by_key(session, only_first, [chem.id]))[chem.id]] == [first.id]
