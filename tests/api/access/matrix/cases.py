"""The access matrix's cases: each kind of caller against reads and writes inside and outside
their reach.

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

from dataclasses import dataclass
from typing import Literal

from domain.people.models import Person
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post, PostCharge
from domain.tree.models import OrgUnit
from tests import factories as f

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
