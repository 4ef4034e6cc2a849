"""The SQL list filters (`Reach`) against Casbin's `enforce`, object by object, on random
worlds: for every subject and every (resource, action), the rows a filter keeps are exactly
the objects `enforce` allows. And the units `enforce` lets a subject read are those the
responsibility principles give it (`worlds.expected_units`, derived independently)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from authz.authority import Authority
from authz.catalogue import Action, Resource
from domain.clock import today_shanghai
from domain.people.models import Person
from domain.posts.models import Assignment, Post, PostCharge
from domain.tree.models import OrgUnit
from tests.authz.oracles import Oracle, expected_units, objects
from tests.authz.world_build import build
from tests.authz.worlds import PROPERTY_SETTINGS, WorldSpec, worlds
from tests.rollback import rolled_back

PAIRS = [(r, a) for r in Resource for a in Action]


async def kept(
    session: AsyncSession, key: Any, ids: list[int], clauses: list[ColumnElement[bool]]
) -> list[set[int]]:
    """For each clause, the ids among `ids` whose row it keeps (one query for all clauses)."""
    rows = (await session.execute(select(key, *clauses).where(key.in_(ids)))).all()
    return [{row[0] for row in rows if row[i + 1]} for i in range(len(clauses))]


@PROPERTY_SETTINGS
@given(spec=worlds())
async def test_sql_filters_keep_exactly_what_enforce_allows(engine: AsyncEngine, spec: WorldSpec) -> None:
    today = today_shanghai()
    async with rolled_back(engine) as factory, factory() as session:
        built = await build(session, spec, today)
        authority = Authority()
        await authority.load(session)
        objs = await objects(session, built)
        unit_ids, post_ids = list(objs.units), list(objs.posts)
        for subject in built.subjects:
            oracle = Oracle(authority, subject, today)
            reach = authority.reach(subject, oracle.person_id, today)

            assert oracle.units(objs) == expected_units(built, subject, objs.post_units), subject

            by_units = await kept(
                session, OrgUnit.id, unit_ids, [reach.scopes(r, a).unit_clause() for r, a in PAIRS]
            )
            by_posts = await kept(
                session, Post.id, post_ids, [reach.scopes(r, a).post_clause() for r, a in PAIRS]
            )
            for (resource, action), sql_units, sql_posts in zip(PAIRS, by_units, by_posts, strict=True):
                assert sql_units == oracle.units(objs, resource, action), (subject, resource, action)
                assert sql_posts == oracle.posts(objs, resource, action), (subject, resource, action)

            person_kinds = [Resource.PERSON, Resource.CONTACT, Resource.PII]
            by_person = await kept(
                session, Person.id, built.person_ids, [reach.persons(r) for r in person_kinds]
            )
            for resource, sql_persons in zip(person_kinds, by_person, strict=True):
                assert sql_persons == oracle.persons(objs, resource), (subject, resource)

            (sql_assignments,) = await kept(
                session, Assignment.id, list(objs.assignments), [reach.assignments()]
            )
            assert sql_assignments == oracle.assignments(objs), subject
            (sql_charges,) = await kept(session, PostCharge.id, list(objs.charges), [reach.charges()])
            assert sql_charges == oracle.charges(objs), subject
