"""Where persons live for authorization: the unit that registered them and every post they
hold or held (see authz.reach), read for many persons at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.domains import ROOT_DOMAIN, post_domain
from domain.people.models import Person
from domain.posts.models import Assignment, Post, effective_assignment
from domain.tree.models import OrgUnit


async def person_domains(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[str]]:
    """Each person's domains: registered unit first, then their posts; absent ids are left out."""
    found: dict[int, list[str]] = defaultdict(list)
    for person_id, path in await session.execute(
        select(Person.id, OrgUnit.path)
        .outerjoin(OrgUnit, OrgUnit.id == Person.registered_unit_id)
        .where(Person.id.in_(list(ids)))
    ):
        # Registered by no unit: only a grant over everything ("*") reaches the root.
        found[person_id].append(path or ROOT_DOMAIN)
    for person_id, path, post_id in await session.execute(
        select(Assignment.person_id, OrgUnit.path, Post.id)
        .join(Post, Post.id == Assignment.post_id)
        .join(OrgUnit, OrgUnit.id == Post.unit_id)
        .where(Assignment.person_id.in_(list(ids)), effective_assignment())
    ):
        found[person_id].append(post_domain(path, post_id))
    return found
