"""Two oracles of what a subject may read in a built world:
- `Oracle` asks the Casbin enforcer object by object (the model the SQL filters translate);
- `expected_units` derives, from the description alone and the responsibility principles,
  which units a subject reaches: an implementation of its own, so that a mistake in
  deriving role links is caught too, not only one in translating them to SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.authority import Authority
from authz.catalogue import DEFAULT_PERMISSIONS, Action, Resource
from authz.domains import ROOT_DOMAIN, post_domain
from domain.people.models import Person
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post, PostCharge, effective_assignment
from domain.tree.models import OrgUnit
from tests.authz.world_build import Built

# --- the oracles ------------------------------------------------------------------------

# The responsibility principles: whose post reaches the post's unit and everything under it
# (党政同责 for the principals; department heads; an enterprise's managers; the three
# responsible persons), and whose reaches the unit itself only (a deputy or another leader
# reaches further only through what they are in charge of, 一岗双责; a front-line holder
# their own post).
SUBTREE_POSTS = frozenset(
    {
        PostKind.PARTY_SECRETARY,
        PostKind.COMMITTEE_DIRECTOR,
        PostKind.PRINCIPAL,
        PostKind.DEPARTMENT_HEAD,
        PostKind.ENTERPRISE_PRINCIPAL,
        PostKind.SAFETY_MANAGER,
        PostKind.ENTERPRISE_RESPONSIBLE,
        PostKind.ADMINISTRATIVE_RESPONSIBLE,
        PostKind.SUPERVISORY_RESPONSIBLE,
    }
)
UNIT_READERS = frozenset(
    r for r, rights in DEFAULT_PERMISSIONS.items() if (Resource.UNIT, Action.READ) in rights
)


def _during(day: date, start: date, end: date | None) -> bool:
    return start <= day and (end is None or day <= end)


def expected_units(built: Built, subject: str, post_units: dict[int, tuple[int, str]]) -> set[int]:
    """Unit ids `subject` may read on `built.today`, from the description alone."""
    today = built.today
    paths = {u.id: u.path for u in built.units}
    subtrees: set[str] = set()  # path prefixes
    nodes: set[str] = set()

    def reach(unit_id: int, subtree: bool) -> None:
        (subtrees if subtree else nodes).add(paths[unit_id])

    kind, _, raw = subject.partition(":")
    if kind == "person":
        person_id = int(raw)
        holding = [
            (post, s, e) for who, post, s, e in built.held if who == person_id and _during(today, s, e)
        ]
        for post_id, _, _ in holding:
            unit_id, post_kind = post_units[post_id]
            reach(unit_id, PostKind(post_kind) in SUBTREE_POSTS)
            for charged_post, unit, start, end in built.charges:
                if charged_post == post_id and _during(today, start, end):
                    reach(unit, True)
            for unit, a, b, start in built.joints:
                if post_id in (a, b) and start <= today:
                    reach(unit, True)
        if any(who == person_id and _during(today, s, e) for who, s, e in built.agency):
            for unit_ids, start, end in built.contracts:
                if _during(today, start, end):
                    for unit_id in unit_ids:
                        reach(unit_id, True)
    for client, district in built.district_clients:
        if client == subject:
            reach(district, True)
    for grantee, role, granted_at, subtree, start, end in built.grants:
        if grantee == subject and role in UNIT_READERS and _during(today, start, end):
            if granted_at is None:
                subtrees.add("")
            else:
                reach(granted_at, subtree)
    return {uid for uid, path in paths.items() if path in nodes or any(path.startswith(p) for p in subtrees)}


@dataclass
class Objects:
    """Every object of the world with its Casbin domain(s)."""

    units: dict[int, str]  # id → path
    posts: dict[int, str]  # id → post domain
    post_units: dict[int, tuple[int, str]]  # id → (unit id, kind)
    assignments: dict[int, str]  # id → its post's domain (corrected and withdrawn rows too)
    charges: dict[int, str]
    person_domains: dict[int, list[str]]  # id → registered unit (or "/") and posts held


async def objects(session: AsyncSession, built: Built) -> Objects:
    unit_ids = [u.id for u in built.units]
    units = dict(
        (await session.execute(select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.in_(unit_ids)))).all()
    )
    post_rows = (
        await session.execute(select(Post.id, Post.unit_id, Post.kind).where(Post.unit_id.in_(unit_ids)))
    ).all()
    post_domains = {pid: post_domain(units[uid], pid) for pid, uid, _ in post_rows}
    assignment_rows = (
        await session.execute(
            select(Assignment.id, Assignment.post_id).where(Assignment.post_id.in_(list(post_domains)))
        )
    ).all()
    charge_rows = (
        await session.execute(
            select(PostCharge.id, PostCharge.post_id).where(PostCharge.post_id.in_(list(post_domains)))
        )
    ).all()
    person_domains: dict[int, list[str]] = {}
    for pid, registered in (
        await session.execute(
            select(Person.id, Person.registered_unit_id).where(Person.id.in_(built.person_ids))
        )
    ).all():
        person_domains[pid] = [units[registered] if registered is not None else ROOT_DOMAIN]
    for person_id, post_id in (
        await session.execute(
            select(Assignment.person_id, Assignment.post_id).where(
                Assignment.person_id.in_(built.person_ids), effective_assignment()
            )
        )
    ).all():
        person_domains[person_id].append(post_domains[post_id])
    return Objects(
        units=units,
        posts=post_domains,
        post_units={pid: (uid, kind) for pid, uid, kind in post_rows},
        assignments={aid: post_domains[post_id] for aid, post_id in assignment_rows},
        charges={cid: post_domains[post_id] for cid, post_id in charge_rows},
        person_domains=person_domains,
    )


@dataclass
class Oracle:
    """What `enforce` allows one subject, object by object."""

    authority: Authority
    subject: str
    day: date
    # One answer per (resource, action, domain): many objects share a domain (the posts of a
    # unit, the assignments and charges of a post) and `enforce` answers the same for each,
    # so it is asked once (it is the bulk of the property tests' time). The policy does not
    # change while an oracle is in use.
    _answers: dict[tuple[Resource, Action, str], bool] = field(default_factory=dict, init=False, repr=False)

    @property
    def person_id(self) -> int | None:
        kind, _, raw = self.subject.partition(":")
        return int(raw) if kind == "person" else None

    def can(self, resource: Resource, domain: str, action: Action = Action.READ) -> bool:
        key = (resource, action, domain)
        if key not in self._answers:
            self._answers[key] = self.authority.enforce(
                self.subject, resource.value, action.value, domain, self.day
            )
        return self._answers[key]

    def on_person(self, resource: Resource, person_id: int, domains: list[str]) -> bool:
        """Callers always see themselves; others where one of the person's domains allows."""
        return person_id == self.person_id or any(self.can(resource, d) for d in domains)

    def units(
        self, objs: Objects, resource: Resource = Resource.UNIT, action: Action = Action.READ
    ) -> set[int]:
        return {i for i, d in objs.units.items() if self.can(resource, d, action)}

    def posts(
        self, objs: Objects, resource: Resource = Resource.POST, action: Action = Action.READ
    ) -> set[int]:
        return {i for i, d in objs.posts.items() if self.can(resource, d, action)}

    def assignments(self, objs: Objects) -> set[int]:
        return {i for i, d in objs.assignments.items() if self.can(Resource.ASSIGNMENT, d)}

    def charges(self, objs: Objects) -> set[int]:
        return {i for i, d in objs.charges.items() if self.can(Resource.ASSIGNMENT, d)}

    def persons(self, objs: Objects, resource: Resource = Resource.PERSON) -> set[int]:
        return {i for i, ds in objs.person_domains.items() if self.on_person(resource, i, ds)}
