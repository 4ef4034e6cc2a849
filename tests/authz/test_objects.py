"""Where objects live for authorization, read from the database."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from authz import objects
from authz.domains import post_domain
from authz.persons import person_domains
from domain.posts.kinds import PostKind
from tests import factories as f


async def test_units_posts_and_assignments_live_where_their_unit_is(session: AsyncSession) -> None:
    units = await f.small_tree(session)
    chem = units["chem"]
    post = await f.post(session, chem, PostKind.FRONTLINE)
    held = await f.assign(session, post, await f.person(session))
    assert await objects.unit_path(session, chem.id) == chem.path
    assert await objects.post_unit_path(session, post.id) == chem.path
    assert await objects.post_domain_of(session, post.id) == post_domain(chem.path, post.id)
    assert await objects.assignment_domain(session, held.id) == post_domain(chem.path, post.id)
    for missing in (
        await objects.unit_path(session, 10**9),
        await objects.post_domain_of(session, 10**9),
        await objects.assignment_domain(session, 10**9),
        await objects.charge_domain(session, 10**9),
    ):
        assert missing is None


async def test_a_person_lives_at_their_registering_unit_and_posts(session: AsyncSession) -> None:
    units = await f.small_tree(session)
    food = units["food"]
    person = await f.person(session)
    post = await f.post(session, food, PostKind.FRONTLINE)
    await f.assign(session, post, person)
    found = await person_domains(session, [person.id, 10**9])
    assert found[person.id][-1] == post_domain(food.path, post.id)
    assert 10**9 not in found
