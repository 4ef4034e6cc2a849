"""The access matrix, through HTTP: each kind of caller against reads and writes inside and
outside their reach.

One world: district A with the small tree (park → 安全生产部 → 甲化工, 规划建设部 → 乙食品),
its leaders, a 分管负责人 in charge of 安全生产部, a department head, enterprise principals,
two front-line workers on one post, a clerk registered at 甲化工 who holds no post, agency
staff inside and outside their contracts, a district system with an API key and a district
admin; district B (a park and an enterprise with its principal) is outside for everyone. Each row of `CASES` states what one
caller reads — the exact units, posts and persons — and how much contact data it sees; the
tests check lists, lookups by ID (an unreadable object is null, like one that does not
exist), nested lists, and that writes are FORBIDDEN on what the caller reads and NOT_FOUND on
what it does not, leaving the data as it was. Anonymous requests get 401."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz import agencies, clients
from domain.clock import today_shanghai
from domain.people.models import Person
from domain.people.service import create_person
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post, PostCharge
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit
from tests import factories as f
from tests.api.helpers import As, ok, refused, reload

ERRORS = "userErrors { code field message messageEn }"
UPDATE_UNIT = (
    "mutation($input: UpdateUnitInput!) { updateUnit(input: $input) { unit { id name version } "
    + ERRORS
    + " } }"
)
CREATE_POST = (
    "mutation($input: CreatePostInput!) { createPost(input: $input) { post { id kind unit { id } } "
    + ERRORS
    + " } }"
)
ASSIGN = (
    "mutation($input: AssignPersonInput!) { assignPerson(input: $input) "
    "{ assignment { id person { id } post { id } } " + ERRORS + " } }"
)
CONTACT_FIELDS = ("phone", "phoneMasked", "idNumber", "idNumberMasked")
CONTACT = "id name " + " ".join(CONTACT_FIELDS)
READS = (
    """query($ids: [ID!]!, $unitIn: ID!, $unitOut: ID!, $personIn: ID!, $personOut: ID!) {
  units(first: 100) { totalCount nodes { id } }
  persons(first: 100) { totalCount nodes { """
    + CONTACT
    + """ } }
  nodes(ids: $ids) { id }
  unitIn: unit(id: $unitIn) { id }
  nodeIn: node(id: $unitIn) { id }
  unitOut: unit(id: $unitOut) { id }
  nodeOut: node(id: $unitOut) { id }
  personIn: person(id: $personIn) { """
    + CONTACT
    + """ }
  personOut: person(id: $personOut) { id }
}"""
)
NESTED = """unit(id: "{id}") {{
    id
    parent {{ id }}
    ancestors {{ id }}
    children(first: 100) {{ totalCount nodes {{ id }} }}
    descendants(first: 100) {{ totalCount nodes {{ id }} }}
    posts(first: 100) {{ totalCount nodes {{ id }} }}
  }}"""
SNAPSHOT = """query($ids: [ID!]!) {
  nodes(ids: $ids) {
    id
    ... on OrgUnit { name version posts(first: 100) { totalCount } }
    ... on Post { version assignments(first: 100) { totalCount nodes { id person { id } } } }
  }
  auditEvents(first: 1) { totalCount }
}"""
NOWHERE = f.gid("OrgUnit", 999_999)

PARK = frozenset({"park", "safety", "build", "chem", "food"})
DISTRICT = PARK | {"district"}
# Posts are keyed by their (first) holder, and the three 三个责任人 posts 甲化工 gets, unfilled,
# because it is placarded.
PLACARD = {
    "chem_administrative": PostKind.ADMINISTRATIVE_RESPONSIBLE,
    "chem_supervisory": PostKind.SUPERVISORY_RESPONSIBLE,
    "chem_responsible": PostKind.ENTERPRISE_RESPONSIBLE,
}
PLACARD_POSTS = frozenset(PLACARD)
HOLDERS = frozenset({"secretary", "director", "deputy", "dept_head", "chem_boss", "worker", "food_boss"})
PARK_POSTS = PLACARD_POSTS | HOLDERS
# A second front-line worker, and a clerk registered at 甲化工 who holds no post.
PARK_PEOPLE = HOLDERS | {"coworker", "clerk"}

# Who holds which post (both front-line workers hold the one front-line post of 甲化工).
HOLDS = {
    "secretary": "secretary",
    "director": "director",
    "deputy": "deputy",
    "dept_head": "dept_head",
    "chem_boss": "chem_boss",
    "worker": "worker",
    "coworker": "worker",
    "food_boss": "food_boss",
    "outsider": "outsider",
}


@dataclass
class World:
    units: dict[str, OrgUnit]
    posts: dict[str, Post]
    people: dict[str, Person]
    assignments: dict[str, Assignment]  # by holder
    charge: PostCharge  # the 分管负责人's charge of 安全生产部
    system_key: str  # the district system's API key

    def unit(self, key: str) -> str:
        return f.gid("OrgUnit", self.units[key].id)

    def post(self, key: str) -> str:
        return f.gid("Post", self.posts[key].id)

    def person(self, key: str) -> str:
        return f.gid("Person", self.people[key].id)

    def everything(self) -> list[str]:
        """The global ID of every object of the world (units, posts, persons, assignments,
        the charge), and one that names nothing."""
        return [
            *(self.unit(k) for k in self.units),
            *(self.post(k) for k in self.posts),
            *(self.person(k) for k in self.people),
            *(f.gid("Assignment", a.id) for a in self.assignments.values()),
            f.gid("PostCharge", self.charge.id),
            NOWHERE,
        ]


@dataclass(frozen=True)
class Case:
    """One kind of caller and what it reaches. Units, posts and persons are keys of the
    world (see `PARK_POSTS` for the posts' keys)."""

    caller: str  # a key of `World.people`, or "system" for the district system's API key
    units: frozenset[str]
    posts: frozenset[str]
    persons: frozenset[str]
    contact: Literal["none", "masked", "full"]  # on every readable person but themselves
    person_in: str | None  # a person they read (through `person(id:)`), if any
    out_unit: str
    out_post: str
    out_person: str
    # A unit and a post they read but may not change (None for the admin, who may).
    fixed_unit: str | None = None
    fixed_post: str | None = None


# fmt: off
CASES: dict[str, Case] = {
    # 党工委书记
    "park-party-secretary": Case(
        "secretary", units=PARK, posts=PARK_POSTS, persons=PARK_PEOPLE, contact="masked", person_in="chem_boss",
        out_unit="other_ent", out_post="outsider", out_person="outsider", fixed_unit="park", fixed_post="worker",
    ),
    # 管委会主任
    "park-committee-director": Case(
        "director", units=PARK, posts=PARK_POSTS, persons=PARK_PEOPLE, contact="masked", person_in="food_boss",
        out_unit="district", out_post="outsider", out_person="outsider", fixed_unit="food", fixed_post="chem_boss",
    ),
    # 分管负责人 (分管 安全生产部)
    "deputy-in-charge": Case(
        "deputy", units=frozenset({"park", "safety", "chem"}), posts=PLACARD_POSTS | {"deputy", "chem_boss", "worker"},
        persons=frozenset({"deputy", "chem_boss", "worker", "coworker", "clerk"}), contact="masked", person_in="chem_boss",
        out_unit="food", out_post="secretary", out_person="food_boss", fixed_unit="park", fixed_post="chem_boss",
    ),
    # 部室负责人 (规划建设部)
    "department-head": Case(
        "dept_head", units=frozenset({"build", "food"}), posts=frozenset({"dept_head", "food_boss"}),
        persons=frozenset({"dept_head", "food_boss"}), contact="masked", person_in="food_boss",
        out_unit="chem", out_post="chem_boss", out_person="chem_boss", fixed_unit="food", fixed_post="food_boss",
    ),
    # 企业主要负责人 (甲化工)
    "enterprise-principal": Case(
        "chem_boss", units=frozenset({"chem"}), posts=PLACARD_POSTS | {"chem_boss", "worker"},
        persons=frozenset({"chem_boss", "worker", "coworker", "clerk"}), contact="masked", person_in="clerk",
        out_unit="safety", out_post="food_boss", out_person="food_boss", fixed_unit="chem", fixed_post="worker",
    ),
    # 一线岗位 (甲化工)
    "frontline": Case(
        "worker", units=frozenset({"chem"}), posts=frozenset({"worker"}),
        persons=frozenset({"worker", "coworker"}), contact="none", person_in="coworker",
        out_unit="food", out_post="chem_boss", out_person="chem_boss", fixed_unit="chem", fixed_post="worker",
    ),
    # 第三方服务机构人员，合同期内 (乙食品)
    "agency-in-contract": Case(
        "agent", units=frozenset({"food"}), posts=frozenset({"food_boss"}),
        persons=frozenset({"agent", "food_boss"}), contact="none", person_in="food_boss",
        out_unit="chem", out_post="chem_boss", out_person="chem_boss", fixed_unit="food", fixed_post="food_boss",
    ),
    # 第三方服务机构人员，合同已到期
    "agency-contract-ended": Case(
        "lapsed_agent", units=frozenset(), posts=frozenset(), persons=frozenset({"lapsed_agent"}), contact="none",
        person_in=None, out_unit="food", out_post="food_boss", out_person="food_boss",
    ),
    # 第三方服务机构人员，合同明年开始
    "agency-contract-not-started": Case(
        "future_agent", units=frozenset(), posts=frozenset(), persons=frozenset({"future_agent"}), contact="none",
        person_in=None, out_unit="chem", out_post="chem_boss", out_person="chem_boss",
    ),
    # 区级系统 (API key)
    "district-system": Case(
        "system", units=DISTRICT, posts=PARK_POSTS, persons=PARK_PEOPLE, contact="none", person_in="chem_boss",
        out_unit="other_ent", out_post="outsider", out_person="outsider", fixed_unit="district", fixed_post="chem_boss",
    ),
    # 区管理员
    "district-admin": Case(
        "admin", units=DISTRICT, posts=PARK_POSTS, persons=PARK_PEOPLE | {"admin"}, contact="full",
        person_in="chem_boss", out_unit="other_ent", out_post="outsider", out_person="outsider",
    ),
}
# fmt: on


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
            session, name=f"（演示）安全技术服务有限公司{n}", credit_code=f.credit_code()
        )
        await agencies.add_agency_member(
            session, agency_id=agency.id, person_id=people[who].id, start_date=date(2024, 1, 1)
        )
        await agencies.create_contract(
            session,
            agency_id=agency.id,
            code=f"HT-{n}",
            start_date=start,
            end_date=end,
            unit_ids=[units["food"].id] if who == "agent" else [units["chem"].id, units["food"].id],
        )

    system = await clients.create_client(
        session, name="区应急局平台（演示）", kind="DISTRICT_SYSTEM", unit_id=units["district"].id
    )
    _, system_key = await clients.create_api_key(session, client_id=system.id)
    await f.grant_role(session, f"person:{people['admin'].id}", "admin", units["district"].id)

    await reload(app, session)
    return World(units, posts, people, assignments, charge, system_key)


def caller(as_: Any, world: World, case: Case) -> As:
    if case.caller == "system":
        return as_(**{"X-API-Key": world.system_key})
    return as_(f"person:{world.people[case.caller].id}")


def ids_of(connection: dict[str, Any]) -> set[str]:
    """The IDs a connection lists, checking its totalCount agrees."""
    found = {n["id"] for n in connection["nodes"]}
    assert connection["totalCount"] == len(found) == len(connection["nodes"]), connection
    return found


def contact_of(person: Person, level: str) -> dict[str, str | None]:
    """What `phone phoneMasked idNumber idNumberMasked` show of a person at a level."""
    masked = level in ("masked", "full")
    full = level == "full"
    return {
        "phone": person.phone if full else None,
        "phoneMasked": person.phone_masked if masked else None,
        "idNumber": person.id_number if full else None,
        "idNumberMasked": person.id_number_masked if masked else None,
    }


def visible(world: World, case: Case) -> set[str]:
    """The global IDs among `World.everything()` the case reads: its units, posts and
    persons, the assignments of its posts, and the charge when it reads the charged post."""
    found = {world.unit(k) for k in case.units} | {world.post(k) for k in case.posts}
    found |= {world.person(k) for k in case.persons}
    found |= {f.gid("Assignment", a.id) for who, a in world.assignments.items() if HOLDS[who] in case.posts}
    if "deputy" in case.posts:
        found.add(f.gid("PostCharge", world.charge.id))
    return found


async def check_lists_and_lookups(who: As, world: World, case: Case) -> None:
    """Lists hold exactly what is in reach; a lookup of anything else is null, exactly like an
    ID that names nothing; contact details as the case says (in full on oneself)."""
    everything = world.everything()
    unit_in = world.unit(min(case.units)) if case.units else NOWHERE
    person_in = world.person(case.person_in) if case.person_in else NOWHERE
    body = await who(
        READS,
        {
            "ids": everything,
            "unitIn": unit_in,
            "unitOut": world.unit(case.out_unit),
            "personIn": person_in,
            "personOut": world.person(case.out_person),
        },
    )
    assert "errors" not in body, body
    data = body["data"]

    assert ids_of(data["units"]) == {world.unit(k) for k in case.units}
    assert ids_of(data["persons"]) == {world.person(k) for k in case.persons}
    expected = visible(world, case)
    assert [n and n["id"] for n in data["nodes"]] == [g if g in expected else None for g in everything]
    assert data["unitIn"] == data["nodeIn"] == ({"id": unit_in} if case.units else None)
    assert data["unitOut"] is None and data["nodeOut"] is None and data["personOut"] is None

    keys = {world.person(k): k for k in world.people}
    for shown in data["persons"]["nodes"]:
        key = keys[shown["id"]]
        level = "full" if key == case.caller else case.contact
        assert {k: shown[k] for k in CONTACT_FIELDS} == contact_of(world.people[key], level), key
    if case.person_in is None:
        assert data["personIn"] is None
    else:
        person = world.people[case.person_in]
        assert data["personIn"] == {"id": person_in, "name": person.name} | contact_of(person, case.contact)


async def check_nested_reads(who: As, world: World, case: Case) -> None:
    """From every unit the caller reads: its parent, ancestors, children, descendants and
    posts are exactly those in reach."""
    keys = sorted(case.units)
    if not keys:
        return
    document = (
        "{\n" + "\n".join(f"  u{i}: " + NESTED.format(id=world.unit(k)) for i, k in enumerate(keys)) + "\n}"
    )
    body = await who(document)
    assert "errors" not in body, body

    by_id = {u.id: k for k, u in world.units.items()}
    parent_of = {k: by_id.get(u.parent_id) if u.parent_id else None for k, u in world.units.items()}

    def ancestors(key: str) -> list[str]:
        up = parent_of[key]
        return [*ancestors(up), up] if up else []

    def in_reach(unit_keys: Iterable[str]) -> set[str]:
        return {world.unit(k) for k in unit_keys if k in case.units}

    for i, key in enumerate(keys):
        unit = body["data"][f"u{i}"]
        parent = parent_of[key]
        assert unit["parent"] == ({"id": world.unit(parent)} if parent in case.units else None), key
        assert [a["id"] for a in unit["ancestors"]] == [
            world.unit(a) for a in ancestors(key) if a in case.units
        ]
        assert ids_of(unit["children"]) == in_reach(k for k, p in parent_of.items() if p == key), key
        assert ids_of(unit["descendants"]) == in_reach(k for k in world.units if key in ancestors(k)), key
        assert ids_of(unit["posts"]) == {
            world.post(p) for p in case.posts if world.posts[p].unit_id == world.units[key].id
        }, key


async def snapshot(gql: Any, world: World) -> dict[str, Any]:
    """Units, posts and their assignments, and the audit log's size, as the platform admin sees them."""
    ids = [world.unit(k) for k in world.units] + [world.post(k) for k in world.posts]
    body = await gql(SNAPSHOT, {"ids": ids})
    assert "errors" not in body, body
    return body["data"]


async def unit_version(gql: Any, unit: str) -> int:
    body = await gql("query($id: ID!) { unit(id: $id) { version } }", {"id": unit})
    return body["data"]["unit"]["version"]


async def attempt_writes(gql: Any, who: As, world: World, unit: str, post: str) -> list[dict[str, Any]]:
    """As `who`: rename `unit`, create a post at it, and assign someone to `post`."""
    today = str(today_shanghai())
    version = await unit_version(gql, world.unit(unit))
    return [
        await who(
            UPDATE_UNIT, {"input": {"id": world.unit(unit), "version": version, "name": "改名（演示）"}}
        ),
        await who(CREATE_POST, {"input": {"unitId": world.unit(unit), "kind": "FRONTLINE"}}),
        await who(
            ASSIGN,
            {"input": {"postId": world.post(post), "personId": world.person("coworker"), "startDate": today}},
        ),
    ]


FIELDS = (["input", "id"], ["input", "unitId"], ["input", "postId"])


async def check_writes_refused(gql: Any, who: As, world: World, case: Case) -> None:
    """NOT_FOUND on what the caller cannot read (as for an ID that names nothing); FORBIDDEN
    on what it reads but may not change; and nothing changes."""
    before = await snapshot(gql, world)

    for body, field in zip(
        await attempt_writes(gql, who, world, case.out_unit, case.out_post), FIELDS, strict=True
    ):
        refused(body, "NOT_FOUND", field)
    if case.fixed_unit is not None and case.fixed_post is not None:
        attempts = await attempt_writes(gql, who, world, case.fixed_unit, case.fixed_post)
        for body, field in zip(attempts, FIELDS, strict=True):
            refused(body, "FORBIDDEN", field)

    assert await snapshot(gql, world) == before


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_access_matrix(as_: Any, gql: Any, world: World, case: Case) -> None:
    """One kind of caller: what it reads (lists, lookups, nested lists, contact details) and
    the writes it is refused, inside and outside its reach."""
    who = caller(as_, world, case)
    await check_lists_and_lookups(who, world, case)
    await check_nested_reads(who, world, case)
    await check_writes_refused(gql, who, world, case)


async def test_the_district_admin_writes_inside_its_district(as_: Any, gql: Any, world: World) -> None:
    """The admin's refusals outside the district are in the matrix; inside, its writes succeed."""
    admin = caller(as_, world, CASES["district-admin"])
    food = world.unit("food")
    version = await unit_version(gql, food)
    renamed = ok(
        await admin(UPDATE_UNIT, {"input": {"id": food, "version": version, "name": "乙食品（改名）"}})
    )
    assert renamed["unit"] == {"id": food, "name": "乙食品（改名）", "version": version + 1}

    chem = world.unit("chem")
    created = ok(await admin(CREATE_POST, {"input": {"unitId": chem, "kind": "FRONTLINE"}}))["post"]
    assert created["kind"] == "FRONTLINE" and created["unit"] == {"id": chem}
    post, food_boss = created["id"], world.person("food_boss")
    today = str(today_shanghai())
    assigned = ok(await admin(ASSIGN, {"input": {"postId": post, "personId": food_boss, "startDate": today}}))
    assert assigned["assignment"]["person"] == {"id": food_boss}
    assert assigned["assignment"]["post"] == {"id": post}

    # The platform admin reads the changes.
    after = await gql(
        """query($food: ID!, $post: ID!) {
          unit(id: $food) { name version }
          post(id: $post) { holders { nodes { person { name } } } }
        }""",
        {"food": food, "post": post},
    )
    assert after["data"] == {
        "unit": {"name": "乙食品（改名）", "version": version + 1},
        "post": {"holders": {"nodes": [{"person": {"name": "厂长辛"}}]}},
    }


async def test_anonymous_callers_get_401(as_: Any, gql: Any, world: World) -> None:
    """No credentials, or credentials that name nobody: 401 UNAUTHENTICATED for any document,
    and nothing changes."""
    food = world.unit("food")
    version = await unit_version(gql, food)
    documents = [
        ("{ units(first: 100) { totalCount nodes { id } } }", None),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": food}),
        ("{ persons { totalCount } }", None),
        (UPDATE_UNIT, {"input": {"id": food, "version": version, "name": "匿名改名"}}),
        (CREATE_POST, {"input": {"unitId": world.unit("chem"), "kind": "FRONTLINE"}}),
    ]
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"X-API-Key": "sdk_nothing_here"}):
        for document, variables in documents:
            response = await as_(**headers).raw(document, variables)
            assert response.status_code == 401, (headers, response.text)
            body = response.json()
            assert "data" not in body, body
            assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"], body
    assert await unit_version(gql, food) == version
