"""What one case checks: lists and lookups by ID, nested lists, contact details, and writes
refused (FORBIDDEN on what the caller reads, NOT_FOUND on what it does not) with the data
left as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from domain.clock import today_shanghai
from domain.people.models import Person
from tests import factories as f
from tests.api.access.matrix.cases import (
    ASSIGN,
    CONTACT_FIELDS,
    CREATE_POST,
    HOLDS,
    NESTED,
    NOWHERE,
    READS,
    SNAPSHOT,
    UPDATE_UNIT,
    Case,
    World,
)
from tests.api.helpers import As, refused


def caller(as_: Callable[..., As], world: World, case: Case) -> As:
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
    data: dict[str, Any] = body["data"]
    return data


async def unit_version(gql: Any, unit: str) -> int:
    body = await gql("query($id: ID!) { unit(id: $id) { version } }", {"id": unit})
    version: int = body["data"]["unit"]["version"]
    return version


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
