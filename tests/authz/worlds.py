"""Random worlds for the authorization properties: a tree, posts with 分管 charges, people
registered at units, assignments (some ended, some future, some corrected or withdrawn),
admins' grants (some node-only, some revoked, some everywhere), 党政同责 declarations, an
agency with members and contracts, and district systems.

`worlds()` draws a plain description (`WorldSpec`); `world_build.build()` writes it through
the domain services, and `oracles` says what a subject may read in what was written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from authz.catalogue import Role
from domain.posts.kinds import ALLOWED_UNIT_KINDS, MAY_BE_IN_CHARGE, PostKind
from domain.tree.kinds import UnitKind

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


# Examples per property; HYPOTHESIS_AUTHZ_EXAMPLES=500 for a deeper run.
EXAMPLES = int(os.environ.get("HYPOTHESIS_AUTHZ_EXAMPLES", "25"))
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
