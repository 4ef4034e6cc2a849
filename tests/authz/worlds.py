"""Random worlds for the authorization properties: a tree, posts with 分管 charges, people
registered at units, assignments (some ended, some future, some corrected or withdrawn),
admins' grants (some node-only, some revoked, some everywhere), 党政同责 declarations, an
agency with members and contracts, and district systems.

`worlds()` draws a plain description (`WorldSpec`); `build()` writes it through the domain
services, which refuse what the rules forbid (an overlapping holder, a charge outside the
post's unit, …): such a part is skipped, as an admin's refused mutation would be.

Two oracles say what a subject may read:
- `Oracle` asks the Casbin enforcer object by object (the model the SQL filters translate);
- `expected_units` derives, from the description alone and the responsibility principles,
  which units a subject reaches: an implementation of its own, so that a mistake in
  deriving role links is caught too, not only one in translating them to SQL.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from authz import agencies, clients, policy
from authz.authority import Authority
from authz.catalogue import DEFAULT_PERMISSIONS, Action, Resource, Role
from authz.domains import ROOT_DOMAIN, post_domain
from domain.db import create_session_factory
from domain.errors import DomainError
from domain.people.models import Person
from domain.people.service import create_person
from domain.posts import charges as charge_service
from domain.posts import service as posts
from domain.posts.kinds import ALLOWED_UNIT_KINDS, MAY_BE_IN_CHARGE, PostKind
from domain.posts.models import Assignment, Post, PostCharge, effective_assignment
from domain.tree import service as tree
from domain.tree.kinds import Trade, UnitKind
from domain.tree.models import OrgUnit
from tests import factories as f

# Offsets in days from the day the checks are made. Most spans began in the past and many
# still run; some ended, some start later, a few are refused (an end before the start).
offsets = st.one_of(st.integers(-400, -1), st.integers(-400, -1), st.integers(-30, 60))


@st.composite
def spans(draw: st.DrawFn) -> tuple[int, int | None]:
    start = draw(offsets)
    end = draw(st.one_of(st.none(), st.integers(0, 500).map(lambda n: start + n), st.integers(-600, 300)))
    return start, end


@dataclass(frozen=True)
class PostSpec:
    unit: int
    kind: PostKind
    charges: tuple[tuple[int, int, int | None], ...]  # (unit index, start, end)


@dataclass(frozen=True)
class AssignmentSpec:
    post: int  # index into WorldSpec.posts, or -1 - i for the i-th automatic post
    person: int
    start: int
    end: int | None
    fate: str  # "kept", "withdrawn", "corrected" (its replacement starts 30 days later)


@dataclass(frozen=True)
class GrantSpec:
    subject: int  # a person index; -1 - i for the i-th district client
    role: Role
    unit: int | None
    subtree: bool
    start: int
    end: int | None
    revoked: bool


@dataclass(frozen=True)
class WorldSpec:
    units: tuple[tuple[UnitKind, int | None, bool], ...]  # (kind, parent index, placarded)
    persons: tuple[int | None, ...]  # registered unit index
    posts: tuple[PostSpec, ...]
    assignments: tuple[AssignmentSpec, ...]
    grants: tuple[GrantSpec, ...]
    joints: tuple[tuple[int, int, int], ...]  # (post a, post b, start)
    members: tuple[tuple[int, int, int | None], ...]  # (person, start, end)
    contracts: tuple[tuple[tuple[int, ...], int, int], ...]  # (enterprise indexes, start, end)
    district_clients: tuple[int, ...]  # district unit indexes


def _subtree_of(units: list[tuple[UnitKind, int | None, bool]], root: int) -> list[int]:
    found = [root]
    for i, (_, parent, _) in enumerate(units):
        if parent is not None and parent in found:
            found.append(i)
    return found


@st.composite
def worlds(draw: st.DrawFn) -> WorldSpec:
    units: list[tuple[UnitKind, int | None, bool]] = []

    def add(kind: UnitKind, parent: int | None) -> int:
        placarded = kind is UnitKind.ENTERPRISE and draw(st.booleans())
        units.append((kind, parent, placarded))
        return len(units) - 1

    for _ in range(draw(st.integers(1, 2))):
        d = add(UnitKind.DISTRICT, None)
        for _ in range(draw(st.integers(1, 2))):
            p = add(UnitKind.PARK, d)
            for _ in range(draw(st.integers(0, 1))):
                add(UnitKind.ENTERPRISE, p)
            for _ in range(draw(st.integers(0, 2))):
                dep = add(UnitKind.DEPARTMENT, p)
                for _ in range(draw(st.integers(0, 3))):
                    add(UnitKind.ENTERPRISE, dep)
    n_units = len(units)
    unit_index = st.integers(0, n_units - 1)

    n_persons = draw(st.integers(2, 6))
    persons = tuple(draw(st.one_of(st.none(), unit_index)) for _ in range(n_persons))

    post_specs: list[PostSpec] = []
    parks = [i for i, (kind, _, _) in enumerate(units) if kind is UnitKind.PARK]
    for _ in range(draw(st.integers(1, 8))):
        u = draw(st.one_of(unit_index, st.sampled_from(parks)))
        kinds = [k for k, allowed in ALLOWED_UNIT_KINDS.items() if units[u][0] in allowed]
        kind = draw(st.sampled_from(kinds))
        charges: tuple[tuple[int, int, int | None], ...] = ()
        below = _subtree_of(units, u)[1:]
        if kind in MAY_BE_IN_CHARGE and below:
            charges = tuple((u, *draw(spans())) for u in draw(st.lists(st.sampled_from(below), max_size=2)))
        post_specs.append(PostSpec(u, kind, charges))

    # Automatic posts (the three responsible persons of placarded enterprises) are named by
    # negative indexes, resolved at build time. Each post gets up to two holders over time.
    n_auto = 3 * sum(1 for _, _, placarded in units if placarded)
    person_index = st.integers(0, n_persons - 1)
    assignments = tuple(
        AssignmentSpec(
            post,
            draw(person_index),
            *draw(spans()),
            draw(st.sampled_from(["kept", "kept", "kept", "withdrawn", "corrected"])),
        )
        for post in range(-n_auto, len(post_specs))
        for _ in range(draw(st.sampled_from([0, 1, 1, 2])))
    )

    districts = [i for i, (kind, _, _) in enumerate(units) if kind is UnitKind.DISTRICT]
    district_clients = tuple(draw(st.lists(st.sampled_from(districts), max_size=1, unique=True)))
    subjects = st.integers(-len(district_clients), n_persons - 1) if district_clients else person_index
    grants = tuple(
        GrantSpec(
            draw(subjects),
            draw(st.sampled_from(list(Role))),
            draw(st.one_of(unit_index, unit_index, unit_index, st.none())),
            draw(st.booleans()),
            *draw(spans()),
            draw(st.sampled_from([False, False, False, True])),
        )
        for _ in range(draw(st.integers(0, 4)))
    )
    # 党政同责 pairs two posts of one unit.
    pairs = [(a, b) for a in range(len(post_specs)) for b in range(a + 1, len(post_specs))]
    pairs = [(a, b) for a, b in pairs if post_specs[a].unit == post_specs[b].unit]
    joints = (
        [(a, b, draw(offsets)) for a, b in draw(st.lists(st.sampled_from(pairs), max_size=1))]
        if pairs
        else []
    )
    enterprises = [i for i, (kind, _, _) in enumerate(units) if kind is UnitKind.ENTERPRISE]
    members: tuple[tuple[int, int, int | None], ...] = ()
    contracts: tuple[tuple[tuple[int, ...], int, int], ...] = ()
    if enterprises and draw(st.sampled_from([True, True, False])):
        members = tuple((who, *draw(spans())) for who in draw(st.lists(person_index, min_size=1, max_size=2)))
        contracts = tuple(
            (
                tuple(draw(st.lists(st.sampled_from(enterprises), min_size=1, max_size=3, unique=True))),
                start,
                start + draw(st.integers(0, 400)),
            )
            for start in draw(st.lists(offsets, min_size=1, max_size=2))
        )
    return WorldSpec(
        tuple(units),
        persons,
        tuple(post_specs),
        assignments,
        grants,
        tuple(joints),
        members,
        contracts,
        district_clients,
    )


# --- building ---------------------------------------------------------------------------


@dataclass
class Built:
    """What `build` wrote, by the spec's indexes, and the subjects that can call."""

    today: date
    units: list[OrgUnit] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    post_ids: list[int | None] = field(default_factory=list)  # None: refused
    auto_post_ids: list[int] = field(default_factory=list)
    client_subjects: list[str] = field(default_factory=list)
    # What the reference model needs, as written (skips left out).
    held: list[tuple[int, int, date, date | None]] = field(default_factory=list)  # person, post, span
    charges: list[tuple[int, int, date, date | None]] = field(default_factory=list)  # post, unit, span
    grants: list[tuple[str, Role, int | None, bool, date, date | None]] = field(default_factory=list)
    joints: list[tuple[int, int, int, date]] = field(default_factory=list)  # unit, post a, post b, start
    agency: list[tuple[int, date, date | None]] = field(default_factory=list)  # members
    contracts: list[tuple[tuple[int, ...], date, date]] = field(default_factory=list)
    district_clients: list[tuple[str, int]] = field(default_factory=list)

    @property
    def subjects(self) -> list[str]:
        return [f"person:{i}" for i in self.person_ids] + self.client_subjects


async def _attempt(session: AsyncSession, write: object) -> object | None:
    """Run a service call in a savepoint; a refused one leaves nothing and gives None."""
    try:
        async with session.begin_nested():
            return await write  # type: ignore[misc]
    except DomainError:
        return None


async def build(session: AsyncSession, spec: WorldSpec, today: date) -> Built:
    out = Built(today)

    def day(offset: int | None) -> date | None:
        return None if offset is None else today + timedelta(days=offset)

    def on(offset: int) -> date:
        return today + timedelta(days=offset)

    for kind, parent, placarded in spec.units:
        parent_id = out.units[parent].id if parent is not None else None
        attrs = None
        if kind is UnitKind.ENTERPRISE:
            attrs = tree.EnterpriseAttrs(
                credit_code=f.credit_code(), trade=Trade.INDUSTRY_TRADE, staff_count=40, placarded=placarded
            )
        unit = await tree.create_unit(
            session,
            kind=kind,
            code=f"W{len(out.units)}",
            name=f"单元{len(out.units)}（演示）",
            parent_id=parent_id,
            enterprise=attrs,
            today=on(-500),
        )
        out.units.append(unit)
    out.auto_post_ids = list(
        await session.scalars(
            select(Post.id).where(Post.unit_id.in_([u.id for u in out.units])).order_by(Post.id)
        )
    )
    for i, registered in enumerate(spec.persons):
        person = await create_person(
            session,
            name=f"测试人员{i}",
            id_number=f.id_number(),
            phone=f"138000{i:05d}",
            today=on(-500),
            registered_unit_id=out.units[registered].id if registered is not None else None,
        )
        out.person_ids.append(person.id)
    for p in spec.posts:
        post = await _attempt(
            session,
            posts.create_post(
                session, unit_id=out.units[p.unit].id, kind=p.kind, title=p.kind.value, today=on(-500)
            ),
        )
        out.post_ids.append(post.id if isinstance(post, Post) else None)
        if not isinstance(post, Post):
            continue
        for unit_index, start, end in p.charges:
            charge = await _attempt(
                session,
                charge_service.add_charge(
                    session, post_id=post.id, unit_id=out.units[unit_index].id, start_date=on(start)
                ),
            )
            if isinstance(charge, PostCharge) and end is not None and on(end) >= on(start):
                await charge_service.end_charge(session, charge_id=charge.id, end_date=on(end))
    for a in spec.assignments:
        post_id = out.post_ids[a.post] if a.post >= 0 else out.auto_post_ids[-1 - a.post]
        if post_id is None:
            continue
        row = await _attempt(
            session,
            posts.assign(
                session,
                post_id=post_id,
                person_id=out.person_ids[a.person],
                start_date=on(a.start),
                end_date=day(a.end),
            ),
        )
        if not isinstance(row, Assignment):
            continue
        if a.fate != "kept":
            fixed = await _attempt(
                session,
                posts.correct_assignment(
                    session,
                    assignment_id=row.id,
                    version=row.version,
                    reason="测试更正",
                    withdraw=a.fate == "withdrawn",
                    **({} if a.fate == "withdrawn" else {"start_date": on(a.start + 30)}),
                ),
            )
            if isinstance(fixed, Assignment):
                row = fixed
    for person_id, post_id, start, end in (
        await session.execute(
            select(
                Assignment.person_id, Assignment.post_id, Assignment.start_date, Assignment.end_date
            ).where(Assignment.person_id.in_(out.person_ids), effective_assignment())
        )
    ).all():
        out.held.append((person_id, post_id, start, end))
    for post_id, unit_id, start, end in (
        await session.execute(
            select(PostCharge.post_id, PostCharge.unit_id, PostCharge.start_date, PostCharge.end_date).where(
                PostCharge.post_id.in_([i for i in out.post_ids if i is not None])
            )
        )
    ).all():
        out.charges.append((post_id, unit_id, start, end))

    for district in spec.district_clients:
        client = await clients.create_client(
            session, name=f"区级系统{district}", kind="DISTRICT_SYSTEM", unit_id=out.units[district].id
        )
        out.client_subjects.append(client.subject)
        out.district_clients.append((client.subject, out.units[district].id))

    for g in spec.grants:
        subject = (
            f"person:{out.person_ids[g.subject]}" if g.subject >= 0 else out.client_subjects[-1 - g.subject]
        )
        unit_id = out.units[g.unit].id if g.unit is not None else None
        end = day(g.end)
        grant = await _attempt(
            session,
            policy.grant_role(
                session,
                subject=subject,
                role=g.role.value,
                unit_id=unit_id,
                subtree=g.subtree,
                start_date=on(g.start),
                end_date=end,
            ),
        )
        if grant is None:
            continue
        if g.revoked:
            await policy.revoke_role_grant(session, grant_id=grant.id)  # type: ignore[attr-defined]
            # Revoked now: it last held yesterday.
            yesterday = today - timedelta(days=1)
            end = yesterday if end is None else min(end, yesterday)
        if end is None or end >= on(g.start):
            out.grants.append((subject, g.role, unit_id, g.subtree or unit_id is None, on(g.start), end))

    for a, b, start in spec.joints:
        post_a, post_b = out.post_ids[a], out.post_ids[b]
        if post_a is None or post_b is None:
            continue
        unit_id = out.units[spec.posts[a].unit].id
        joint = await _attempt(
            session,
            policy.declare_joint_responsibility(
                session,
                unit_id=unit_id,
                post_a_id=post_a,
                post_b_id=post_b,
                start_date=on(start),
            ),
        )
        if joint is not None:
            out.joints.append((unit_id, post_a, post_b, on(start)))

    if spec.members:
        agency = await agencies.create_agency(
            session, name="（演示）测试安全服务机构", credit_code=f.credit_code()
        )
        for person, start, end in spec.members:
            member = await _attempt(
                session,
                agencies.add_agency_member(
                    session,
                    agency_id=agency.id,
                    person_id=out.person_ids[person],
                    start_date=on(start),
                    end_date=day(end),
                ),
            )
            if member is not None:
                out.agency.append((out.person_ids[person], on(start), day(end)))
        for n, (enterprises, start, end) in enumerate(spec.contracts):
            unit_ids = tuple(out.units[e].id for e in enterprises)
            contract = await _attempt(
                session,
                agencies.create_contract(
                    session,
                    agency_id=agency.id,
                    code=f"HT-{n}",
                    start_date=on(start),
                    end_date=on(end),
                    unit_ids=list(unit_ids),
                ),
            )
            if contract is not None:
                out.contracts.append((unit_ids, on(start), on(end)))
    await session.flush()
    return out


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
    for grantee, role, unit_id, subtree, start, end in built.grants:
        if grantee == subject and role in UNIT_READERS and _during(today, start, end):
            if unit_id is None:
                subtrees.add("")
            else:
                reach(unit_id, subtree)
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


@asynccontextmanager
async def rolled_back(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory inside one transaction that is rolled back afterwards: each
    Hypothesis example starts from the empty database, as each test does."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        try:
            yield create_session_factory(conn, join_transaction_mode="create_savepoint")
        finally:
            await outer.rollback()


# Examples per property; HYPOTHESIS_AUTHZ_EXAMPLES=500 for a deeper run.
EXAMPLES = int(os.environ.get("HYPOTHESIS_AUTHZ_EXAMPLES", "25"))
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
