"""Refused person, post and assignment mutations through HTTP: each gets its typed userError
and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.posts.kinds import PostKind
from domain.posts.models import Post
from domain.posts.service import correct_assignment
from domain.tree import service as tree
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.api.mutation_checks import refused
from tests.api.people_posts_mutations import (
    ASSIGN,
    CORRECT,
    CREATE_PERSON,
    CREATE_POST,
    END,
    KNOWN_ID,
    gid,
    id_with_check,
)

# --- what is refused --------------------------------------------------------------------


@pytest.fixture
async def world(session: AsyncSession) -> dict[str, Any]:
    t = await f.small_tree(session)
    responsible = {
        p.kind: p for p in (await session.scalars(select(Post).where(Post.unit_id == t["chem"].id))).all()
    }
    director = await f.post(session, t["park"], PostKind.COMMITTEE_DIRECTOR)
    manager = await f.post(session, t["chem"], PostKind.SAFETY_MANAGER)
    principal = await f.post(session, t["food"], PostKind.ENTERPRISE_PRINCIPAL)
    deputy = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    closed_post = await f.post(session, t["chem"], PostKind.FRONTLINE)
    closed_post.archived_at = utcnow()
    closed_unit = await f.unit(session, UnitKind.DEPARTMENT, t["park"], code="OLD", name="已撤销部室")
    await tree.archive_unit(session, unit_id=closed_unit.id, version=1, today=f.TODAY)

    alice = await f.person(session, name="甲某")
    bob = await f.person(session, name="乙某")
    carol = await create_known(session)
    dave = await f.person(session, name="丁某")
    held = await f.assign(session, director, alice, start=date(2024, 1, 1))
    managed = await f.assign(session, manager, alice, start=date(2024, 1, 1))
    ended = await f.assign(session, principal, bob, start=date(2020, 1, 1), end=date(2023, 12, 31))
    later = await f.assign(session, principal, dave, start=date(2024, 1, 1))
    original = await f.assign(session, deputy, carol, start=date(2022, 1, 1))
    correction = await correct_assignment(session, assignment_id=original.id, version=1, reason="日期",
                                          start_date=date(2022, 2, 1))  # fmt: skip
    mistaken = await f.assign(session, manager, bob, start=date(2021, 1, 1), end=date(2021, 12, 31))
    withdrawal = await correct_assignment(
        session, assignment_id=mistaken.id, version=1, reason="误录", withdraw=True
    )
    await session.flush()
    return {**t, "withdrawal": withdrawal, "responsible": responsible, "director": director, "manager": manager, "principal": principal,
            "deputy": deputy, "closed_post": closed_post, "closed_unit": closed_unit, "alice": alice, "bob": bob,
            "carol": carol, "dave": dave, "held": held, "managed": managed, "ended": ended, "later": later,
            "original": original, "correction": correction}  # fmt: skip


async def create_known(session: AsyncSession) -> Any:
    from domain.people.service import create_person

    return await create_person(session, name="丙某", id_number=KNOWN_ID, phone=None, today=f.TODAY)


def person_input(**overrides: Any) -> dict[str, Any]:
    return {"name": "新人", "idNumber": f.id_number(), **overrides}


def post_input(w: W, unit: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"unitId": gid(w[unit], "OrgUnit"), "kind": kind, **extra}


def assign_input(
    w: W, post: str, person: str, start: str, end: str | None = None, **extra: Any
) -> dict[str, Any]:
    data = {"postId": gid(w[post], "Post"), "personId": gid(w[person], "Person"), "startDate": start, **extra}
    if end is not None:
        data["endDate"] = end
    return data


W = dict[str, Any]
Case = tuple[str, str, Callable[[W], dict[str, Any]], str, list[str]]
UNKNOWN = 999999

CASES: list[Case] = [
    # createPerson
    ("person: ID number with a wrong check character", CREATE_PERSON,
     lambda w: person_input(idNumber="110105194912310021"), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number with an impossible birth date", CREATE_PERSON,
     lambda w: person_input(idNumber=id_with_check("11010519490230002")), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number born in the future", CREATE_PERSON,
     lambda w: person_input(idNumber=id_with_check("11010520991231002")), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number born before 1900", CREATE_PERSON,
     lambda w: person_input(idNumber=id_with_check("11010518991231002")), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number too short", CREATE_PERSON,
     lambda w: person_input(idNumber=KNOWN_ID[:-1]), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number with a letter inside", CREATE_PERSON,
     lambda w: person_input(idNumber="1101051949X231002X"), "INVALID_ID_NUMBER", ["input", "idNumber"]),
    ("person: ID number of another person", CREATE_PERSON,
     lambda w: person_input(idNumber=KNOWN_ID.lower()), "DUPLICATE_ID_NUMBER", ["input", "idNumber"]),
    ("person: phone too short", CREATE_PERSON,
     lambda w: person_input(phone="12345"), "INVALID_PHONE", ["input", "phone"]),
    ("person: mobile with a wrong prefix", CREATE_PERSON,
     lambda w: person_input(phone="12800001234"), "INVALID_PHONE", ["input", "phone"]),
    ("person: phone with letters", CREATE_PERSON,
     lambda w: person_input(phone="138OOOO1234"), "INVALID_PHONE", ["input", "phone"]),
    ("person: blank name", CREATE_PERSON,
     lambda w: person_input(name="  "), "REQUIRED", ["input", "name"]),
    ("person: name too long", CREATE_PERSON,
     lambda w: person_input(name="名" * 101), "TOO_LONG", ["input", "name"]),
    # createPost
    ("post: unknown unit", CREATE_POST,
     lambda w: {"unitId": f.gid("OrgUnit", UNKNOWN), "kind": "PRINCIPAL"}, "NOT_FOUND", ["input", "unitId"]),
    ("post: a Person ID as unit", CREATE_POST,
     lambda w: {"unitId": gid(w["alice"], "Person"), "kind": "PRINCIPAL"}, "NOT_FOUND", ["input", "unitId"]),
    ("post: enterprise post at a park", CREATE_POST,
     lambda w: post_input(w, "park", "SAFETY_MANAGER"), "INVALID_POST_KIND", ["input", "kind"]),
    ("post: department head at an enterprise", CREATE_POST,
     lambda w: post_input(w, "food", "DEPARTMENT_HEAD"), "INVALID_POST_KIND", ["input", "kind"]),
    ("post: archived unit", CREATE_POST,
     lambda w: post_input(w, "closed_unit", "DEPARTMENT_HEAD"), "ARCHIVED", ["input", "unitId"]),
    ("post: a second 行政负责人 post", CREATE_POST,
     lambda w: post_input(w, "chem", "ADMINISTRATIVE_RESPONSIBLE"), "DUPLICATE_POST", ["input", "kind"]),
    ("post: a responsible person's post for several holders", CREATE_POST,
     lambda w: post_input(w, "food", "ENTERPRISE_RESPONSIBLE", singleHolder=False), "INVALID_VALUE", ["input", "singleHolder"]),
    ("post: blank title", CREATE_POST,
     lambda w: post_input(w, "park", "PRINCIPAL", title=""), "REQUIRED", ["input", "title"]),
    ("post: in charge of a unit outside its own", CREATE_POST,
     lambda w: post_input(w, "safety", "DEPARTMENT_HEAD", inChargeOfUnitIds=[gid(w["food"], "OrgUnit")]),
     "INVALID_CHARGE", ["input", "inChargeOfUnitIds", "0"]),
    ("post: in charge of its own unit", CREATE_POST,
     lambda w: post_input(w, "park", "DEPUTY_IN_CHARGE", inChargeOfUnitIds=[gid(w["park"], "OrgUnit")]),
     "INVALID_CHARGE", ["input", "inChargeOfUnitIds", "0"]),
    ("post: in charge of an unknown unit", CREATE_POST,
     lambda w: post_input(w, "park", "DEPUTY_IN_CHARGE",
                          inChargeOfUnitIds=[gid(w["safety"], "OrgUnit"), f.gid("OrgUnit", UNKNOWN)]),
     "NOT_FOUND", ["input", "inChargeOfUnitIds", "1"]),
    ("post: in charge of a Post ID", CREATE_POST,
     lambda w: post_input(w, "park", "DEPUTY_IN_CHARGE", inChargeOfUnitIds=[gid(w["director"], "Post")]),
     "NOT_FOUND", ["input", "inChargeOfUnitIds", "0"]),
    ("post: the position of a bad unit counts repeats", CREATE_POST,
     lambda w: post_input(w, "park", "DEPUTY_IN_CHARGE", inChargeOfUnitIds=[
         gid(w["safety"], "OrgUnit"), gid(w["safety"], "OrgUnit"), gid(w["district"], "OrgUnit")]),
     "INVALID_CHARGE", ["input", "inChargeOfUnitIds", "2"]),
    ("post: in charge of an archived unit", CREATE_POST,
     lambda w: post_input(w, "park", "DEPUTY_IN_CHARGE", inChargeOfUnitIds=[gid(w["closed_unit"], "OrgUnit")]),
     "ARCHIVED", ["input", "inChargeOfUnitIds", "0"]),
    ("post: a front-line post in charge of units", CREATE_POST,
     lambda w: post_input(w, "chem", "FRONTLINE", inChargeOfUnitIds=[gid(w["chem"], "OrgUnit")]),
     "INVALID_CHARGE", ["input", "inChargeOfUnitIds"]),
    # assignPerson
    ("assign: a second holder of a one-holder post", ASSIGN,
     lambda w: assign_input(w, "director", "bob", "2025-01-01"), "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: a closed period ending on the holder's first day", ASSIGN,
     lambda w: assign_input(w, "director", "bob", "2023-01-01", "2024-01-01"),
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: an open period starting before an ended one", ASSIGN,
     lambda w: assign_input(w, "principal", "carol", "2019-01-01"), "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: starting on the last day of the previous holder", ASSIGN,
     lambda w: assign_input(w, "principal", "carol", "2023-12-31", "2023-12-31"),
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: the same person twice on a several-holder post", ASSIGN,
     lambda w: assign_input(w, "manager", "alice", "2025-06-01"), "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: the same person twice on a one-holder post", ASSIGN,
     lambda w: assign_input(w, "director", "alice", "2023-06-01", "2024-02-01"),
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("assign: end before start", ASSIGN,
     lambda w: assign_input(w, "manager", "bob", "2025-03-01", "2025-02-28"), "INVALID_DATE_RANGE", ["input", "endDate"]),
    ("assign: unknown post", ASSIGN,
     lambda w: {**assign_input(w, "director", "bob", "2020-01-01"), "postId": f.gid("Post", UNKNOWN)},
     "NOT_FOUND", ["input", "postId"]),
    ("assign: an OrgUnit ID as post", ASSIGN,
     lambda w: {**assign_input(w, "director", "bob", "2020-01-01"), "postId": gid(w["park"], "OrgUnit")},
     "NOT_FOUND", ["input", "postId"]),
    ("assign: unknown person", ASSIGN,
     lambda w: {**assign_input(w, "manager", "bob", "2020-01-01"), "personId": f.gid("Person", UNKNOWN)},
     "NOT_FOUND", ["input", "personId"]),
    ("assign: a Post ID as person", ASSIGN,
     lambda w: {**assign_input(w, "manager", "bob", "2020-01-01"), "personId": gid(w["manager"], "Post")},
     "NOT_FOUND", ["input", "personId"]),
    ("assign: a person ID beyond the key range", ASSIGN,
     lambda w: {**assign_input(w, "manager", "bob", "2020-01-01"), "personId": f.gid("Person", 2**40)},
     "NOT_FOUND", ["input", "personId"]),
    ("assign: archived post", ASSIGN,
     lambda w: assign_input(w, "closed_post", "bob", "2025-01-01"), "ARCHIVED", ["input", "postId"]),
    ("assign: note too long", ASSIGN,
     lambda w: assign_input(w, "manager", "bob", "2025-01-01", note="注" * 501), "TOO_LONG", ["input", "note"]),
    # endAssignment
    ("end: already ended", END,
     lambda w: {"assignmentId": gid(w["ended"], "Assignment"), "endDate": "2024-06-30"},
     "ALREADY_ENDED", ["input", "assignmentId"]),
    ("end: before the start", END,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "endDate": "2023-12-31"},
     "INVALID_DATE_RANGE", ["input", "endDate"]),
    ("end: stale version", END,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "endDate": "2025-12-31", "version": 2},
     "STALE_VERSION", ["input", "version"]),
    ("end: a corrected record", END,
     lambda w: {"assignmentId": gid(w["original"], "Assignment"), "endDate": "2025-12-31"},
     "ALREADY_CORRECTED", ["input", "assignmentId"]),
    ("end: a withdrawal", END,
     lambda w: {"assignmentId": gid(w["withdrawal"], "Assignment"), "endDate": "2025-12-31"},
     "NOT_FOUND", ["input", "assignmentId"]),
    ("end: unknown assignment", END,
     lambda w: {"assignmentId": f.gid("Assignment", UNKNOWN), "endDate": "2025-12-31"},
     "NOT_FOUND", ["input", "assignmentId"]),
    ("end: a Person ID as assignment", END,
     lambda w: {"assignmentId": gid(w["alice"], "Person"), "endDate": "2025-12-31"},
     "NOT_FOUND", ["input", "assignmentId"]),
    # correctAssignment
    ("correct: an already corrected record", CORRECT,
     lambda w: {"assignmentId": gid(w["original"], "Assignment"), "version": 1, "reason": "再改", "startDate": "2022-03-01"},
     "ALREADY_CORRECTED", ["input", "assignmentId"]),
    ("correct: stale version", CORRECT,
     lambda w: {"assignmentId": gid(w["ended"], "Assignment"), "version": 2, "reason": "改", "startDate": "2020-02-01"},
     "STALE_VERSION", ["input", "version"]),
    ("correct: nothing changes", CORRECT,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "version": 1, "reason": "核对", "startDate": "2024-01-01"},
     "NOTHING_TO_CHANGE", ["input"]),
    ("correct: blank reason", CORRECT,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "version": 1, "reason": " ", "startDate": "2024-02-01"},
     "REQUIRED", ["input", "reason"]),
    ("correct: into another holder's period", CORRECT,
     lambda w: {"assignmentId": gid(w["later"], "Assignment"), "version": 1, "reason": "提前", "startDate": "2023-06-01"},
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("correct: reopening into the next holder's period", CORRECT,
     lambda w: {"assignmentId": gid(w["ended"], "Assignment"), "version": 1, "reason": "未离任", "endDate": None},
     "OVERLAPPING_ASSIGNMENT", ["input", "startDate"]),
    ("correct: end before start", CORRECT,
     lambda w: {"assignmentId": gid(w["ended"], "Assignment"), "version": 1, "reason": "改", "endDate": "2019-12-31"},
     "INVALID_DATE_RANGE", ["input", "endDate"]),
    ("correct: unknown person", CORRECT,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "version": 1, "reason": "改",
                "personId": f.gid("Person", UNKNOWN)}, "NOT_FOUND", ["input", "personId"]),
    ("correct: an OrgUnit ID as person", CORRECT,
     lambda w: {"assignmentId": gid(w["held"], "Assignment"), "version": 1, "reason": "改",
                "personId": gid(w["park"], "OrgUnit")}, "NOT_FOUND", ["input", "personId"]),
    ("correct: a withdrawal", CORRECT,
     lambda w: {"assignmentId": gid(w["withdrawal"], "Assignment"), "version": 1, "reason": "恢复", "withdraw": False,
                "startDate": "2021-01-01"}, "NOT_FOUND", ["input", "assignmentId"]),
    ("correct: unknown assignment", CORRECT,
     lambda w: {"assignmentId": f.gid("Assignment", UNKNOWN), "version": 1, "reason": "改", "withdraw": True},
     "NOT_FOUND", ["input", "assignmentId"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "document", "build", "code", "field"), CASES, ids=[c[0] for c in CASES])
async def test_bad_input_is_refused_and_writes_nothing(
    session: AsyncSession, gql: Any, world: W, name: str, document: str, build: Callable[[W], dict[str, Any]],
    code: str, field: list[str],
) -> None:  # fmt: skip
    await refused(gql, session, document, build(world), code, field)
