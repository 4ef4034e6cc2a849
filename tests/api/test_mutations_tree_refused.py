"""Refused tree mutations through HTTP: every refused input gets its typed userError (code,
field path, Chinese and English message), a null result, and leaves every table exactly as
it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.kinds import PostKind
from domain.tree import service as tree
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.api.mutation_checks import refused
from tests.api.tree_mutations import ARCHIVE_UNIT, CREATE_UNIT, MOVE_UNIT, UPDATE_UNIT, gid

# --- what is refused --------------------------------------------------------------------


@pytest.fixture
async def world(session: AsyncSession) -> dict[str, Any]:
    t = await f.small_tree(session)
    other_district = await f.district(session, code="D-OTHER", name="另一区")
    other_park = await f.unit(session, UnitKind.PARK, t["district"], code="P2", name="第二园区")
    other_safety = await f.unit(session, UnitKind.DEPARTMENT, other_park, code="AQ", name="第二园区安全部")
    closed = await f.unit(session, UnitKind.DEPARTMENT, t["park"], code="OLD", name="已撤销部室")
    await tree.archive_unit(session, unit_id=closed.id, version=1, today=f.TODAY)
    principal = await f.post(session, t["food"], PostKind.ENTERPRISE_PRINCIPAL)
    holder = await f.person(session, name="在任者")
    held = await f.assign(session, principal, holder)  # open-ended
    await session.flush()
    return {**t, "other_district": other_district, "other_park": other_park, "other_safety": other_safety,
            "closed": closed, "principal": principal, "holder": holder, "held": held}  # fmt: skip


def enterprise_input(**overrides: Any) -> dict[str, Any]:
    return {"creditCode": f.credit_code(), "trade": "FOOD", "staffCount": 10, **overrides}


def new_unit(kind: str, parent: str | None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": kind, "code": "NEW", "name": "新单元", **extra}
    if parent is not None:
        data["parentId"] = parent
    return data


W = dict[str, Any]
Case = tuple[str, str, Callable[[W], dict[str, Any]], str, list[str]]

CASES: list[Case] = [
    # createUnit
    ("create: duplicate sibling code", CREATE_UNIT,
     lambda w: new_unit("DEPARTMENT", gid(w["park"]), code="AQ"), "DUPLICATE_CODE", ["input", "code"]),
    ("create: duplicate district code among the roots", CREATE_UNIT,
     lambda w: new_unit("DISTRICT", None, code=w["district"].code), "DUPLICATE_CODE", ["input", "code"]),
    ("create: credit code with a wrong check character", CREATE_UNIT,
     lambda w: new_unit("ENTERPRISE", gid(w["safety"]), enterprise=enterprise_input(creditCode="91350100M000100Y44")),
     "INVALID_CREDIT_CODE", ["input", "enterprise", "creditCode"]),
    ("create: credit code with a letter outside the alphabet", CREATE_UNIT,
     lambda w: new_unit("ENTERPRISE", gid(w["safety"]), enterprise=enterprise_input(creditCode="91350100M000100I43")),
     "INVALID_CREDIT_CODE", ["input", "enterprise", "creditCode"]),
    ("create: credit code of the wrong length", CREATE_UNIT,
     lambda w: new_unit("ENTERPRISE", gid(w["safety"]), enterprise=enterprise_input(creditCode="91350100M000100Y4")),
     "INVALID_CREDIT_CODE", ["input", "enterprise", "creditCode"]),
    ("create: credit code of another enterprise", CREATE_UNIT,
     lambda w: new_unit("ENTERPRISE", gid(w["safety"]), enterprise=enterprise_input(creditCode=w["chem"].credit_code.lower())),
     "DUPLICATE_CREDIT_CODE", ["input", "enterprise", "creditCode"]),
    ("create: negative staff count", CREATE_UNIT,
     lambda w: new_unit("ENTERPRISE", gid(w["safety"]), enterprise=enterprise_input(staffCount=-1)),
     "INVALID_VALUE", ["input", "enterprise", "staffCount"]),
    ("create: enterprise without its details", CREATE_UNIT,
     lambda w: new_unit("ENTERPRISE", gid(w["safety"])), "REQUIRED", ["input", "enterprise"]),
    ("create: enterprise details on a department", CREATE_UNIT,
     lambda w: new_unit("DEPARTMENT", gid(w["park"]), enterprise=enterprise_input()),
     "ENTERPRISE_FIELDS_NOT_ALLOWED", ["input", "enterprise"]),
    ("create: enterprise details on a district", CREATE_UNIT,
     lambda w: new_unit("DISTRICT", None, enterprise=enterprise_input()),
     "ENTERPRISE_FIELDS_NOT_ALLOWED", ["input", "enterprise"]),
    ("create: park under a park", CREATE_UNIT,
     lambda w: new_unit("PARK", gid(w["park"])), "INVALID_PARENT", ["input", "parentId"]),
    ("create: enterprise under a district", CREATE_UNIT,
     lambda w: new_unit("ENTERPRISE", gid(w["district"]), enterprise=enterprise_input()),
     "INVALID_PARENT", ["input", "parentId"]),
    ("create: district with a parent", CREATE_UNIT,
     lambda w: new_unit("DISTRICT", gid(w["other_district"])), "INVALID_PARENT", ["input", "parentId"]),
    ("create: department without a parent", CREATE_UNIT,
     lambda w: new_unit("DEPARTMENT", None), "REQUIRED", ["input", "parentId"]),
    ("create: unknown parent", CREATE_UNIT,
     lambda w: new_unit("DEPARTMENT", f.gid("OrgUnit", 999999)), "NOT_FOUND", ["input", "parentId"]),
    ("create: a Post ID as parent", CREATE_UNIT,
     lambda w: new_unit("DEPARTMENT", gid(w["principal"], "Post")), "NOT_FOUND", ["input", "parentId"]),
    ("create: archived parent", CREATE_UNIT,
     lambda w: new_unit("ENTERPRISE", gid(w["closed"]), enterprise=enterprise_input()),
     "ARCHIVED", ["input", "parentId"]),
    ("create: blank name", CREATE_UNIT,
     lambda w: new_unit("DEPARTMENT", gid(w["park"]), name=" \t "), "REQUIRED", ["input", "name"]),
    ("create: code too long", CREATE_UNIT,
     lambda w: new_unit("DEPARTMENT", gid(w["park"]), code="X" * 65), "TOO_LONG", ["input", "code"]),
    # updateUnit
    ("update: stale version", UPDATE_UNIT,
     lambda w: {"id": gid(w["park"]), "version": 2, "name": "改名"}, "STALE_VERSION", ["input", "version"]),
    ("update: unknown unit", UPDATE_UNIT,
     lambda w: {"id": f.gid("OrgUnit", 999999), "version": 1, "name": "改名"}, "NOT_FOUND", ["input", "id"]),
    ("update: a Person ID as unit", UPDATE_UNIT,
     lambda w: {"id": gid(w["holder"], "Person"), "version": 1, "name": "改名"}, "NOT_FOUND", ["input", "id"]),
    ("update: code of a sibling", UPDATE_UNIT,
     lambda w: {"id": gid(w["safety"]), "version": 1, "code": "GH"}, "DUPLICATE_CODE", ["input", "code"]),
    ("update: invalid credit code", UPDATE_UNIT,
     lambda w: {"id": gid(w["chem"]), "version": 1, "enterprise": {"creditCode": "123"}},
     "INVALID_CREDIT_CODE", ["input", "enterprise", "creditCode"]),
    ("update: credit code of another enterprise", UPDATE_UNIT,
     lambda w: {"id": gid(w["chem"]), "version": 1, "enterprise": {"creditCode": w["food"].credit_code}},
     "DUPLICATE_CREDIT_CODE", ["input", "enterprise", "creditCode"]),
    ("update: enterprise details on a park", UPDATE_UNIT,
     lambda w: {"id": gid(w["park"]), "version": 1, "enterprise": {"staffCount": 5}},
     "ENTERPRISE_FIELDS_NOT_ALLOWED", ["input", "enterprise"]),
    ("update: removing the credit code", UPDATE_UNIT,
     lambda w: {"id": gid(w["chem"]), "version": 1, "enterprise": {"creditCode": None}},
     "REQUIRED", ["input", "enterprise", "creditCode"]),
    ("update: removing the trade", UPDATE_UNIT,
     lambda w: {"id": gid(w["chem"]), "version": 1, "enterprise": {"trade": None}},
     "REQUIRED", ["input", "enterprise", "trade"]),
    ("update: removing the staff count", UPDATE_UNIT,
     lambda w: {"id": gid(w["chem"]), "version": 1, "enterprise": {"staffCount": None}},
     "REQUIRED", ["input", "enterprise", "staffCount"]),
    ("update: removing placarded", UPDATE_UNIT,
     lambda w: {"id": gid(w["chem"]), "version": 1, "enterprise": {"placarded": None}},
     "REQUIRED", ["input", "enterprise", "placarded"]),
    ("update: removing high-risk", UPDATE_UNIT,
     lambda w: {"id": gid(w["chem"]), "version": 1, "enterprise": {"highRisk": None}},
     "REQUIRED", ["input", "enterprise", "highRisk"]),
    ("update: archived unit", UPDATE_UNIT,
     lambda w: {"id": gid(w["closed"]), "version": 2, "name": "复活"}, "ARCHIVED", ["input", "id"]),
    ("update: null name", UPDATE_UNIT,
     lambda w: {"id": gid(w["park"]), "version": 1, "name": None}, "REQUIRED", ["input", "name"]),
    # moveUnit
    ("move: under itself", MOVE_UNIT,
     lambda w: {"id": gid(w["safety"]), "version": 1, "newParentId": gid(w["safety"])},
     "MOVE_INTO_OWN_SUBTREE", ["input", "newParentId"]),
    ("move: under its child", MOVE_UNIT,
     lambda w: {"id": gid(w["park"]), "version": 1, "newParentId": gid(w["safety"])},
     "MOVE_INTO_OWN_SUBTREE", ["input", "newParentId"]),
    ("move: under its grandchild", MOVE_UNIT,
     lambda w: {"id": gid(w["park"]), "version": 1, "newParentId": gid(w["chem"])},
     "MOVE_INTO_OWN_SUBTREE", ["input", "newParentId"]),
    ("move: department under a district", MOVE_UNIT,
     lambda w: {"id": gid(w["safety"]), "version": 1, "newParentId": gid(w["other_district"])},
     "INVALID_PARENT", ["input", "newParentId"]),
    ("move: department under a department", MOVE_UNIT,
     lambda w: {"id": gid(w["build"]), "version": 1, "newParentId": gid(w["other_safety"])},
     "INVALID_PARENT", ["input", "newParentId"]),
    ("move: enterprise under a district", MOVE_UNIT,
     lambda w: {"id": gid(w["food"]), "version": 1, "newParentId": gid(w["district"])},
     "INVALID_PARENT", ["input", "newParentId"]),
    ("move: district under another district", MOVE_UNIT,
     lambda w: {"id": gid(w["other_district"]), "version": 1, "newParentId": gid(w["district"])},
     "INVALID_PARENT", ["input", "newParentId"]),
    ("move: stale version", MOVE_UNIT,
     lambda w: {"id": gid(w["safety"]), "version": 0, "newParentId": gid(w["park"])},
     "STALE_VERSION", ["input", "version"]),
    ("move: unknown unit", MOVE_UNIT,
     lambda w: {"id": f.gid("OrgUnit", 999999), "version": 1, "newParentId": gid(w["park"])},
     "NOT_FOUND", ["input", "id"]),
    ("move: unknown new parent", MOVE_UNIT,
     lambda w: {"id": gid(w["build"]), "version": 1, "newParentId": f.gid("OrgUnit", 999999)},
     "NOT_FOUND", ["input", "newParentId"]),
    ("move: an Assignment ID as new parent", MOVE_UNIT,
     lambda w: {"id": gid(w["build"]), "version": 1, "newParentId": gid(w["held"], "Assignment")},
     "NOT_FOUND", ["input", "newParentId"]),
    ("move: a Post ID as the unit", MOVE_UNIT,
     lambda w: {"id": gid(w["principal"], "Post"), "version": 1, "newParentId": gid(w["park"])},
     "NOT_FOUND", ["input", "id"]),
    ("move: where it already is", MOVE_UNIT,
     lambda w: {"id": gid(w["build"]), "version": 1, "newParentId": gid(w["park"])},
     "NOTHING_TO_CHANGE", ["input", "newParentId"]),
    ("move: its code taken under the new parent", MOVE_UNIT,
     lambda w: {"id": gid(w["safety"]), "version": 1, "newParentId": gid(w["other_park"])},
     "DUPLICATE_CODE", ["input", "newParentId"]),
    ("move: under an archived unit", MOVE_UNIT,
     lambda w: {"id": gid(w["food"]), "version": 1, "newParentId": gid(w["closed"])},
     "ARCHIVED", ["input", "newParentId"]),
    # archiveUnit
    ("archive: stale version", ARCHIVE_UNIT,
     lambda w: {"id": gid(w["chem"]), "version": 2}, "STALE_VERSION", ["input", "version"]),
    ("archive: active children", ARCHIVE_UNIT,
     lambda w: {"id": gid(w["safety"]), "version": 1}, "HAS_ACTIVE_CHILDREN", ["input", "id"]),
    ("archive: a post still held", ARCHIVE_UNIT,
     lambda w: {"id": gid(w["food"]), "version": 1}, "HAS_OPEN_ASSIGNMENTS", ["input", "id"]),
    ("archive: already archived", ARCHIVE_UNIT,
     lambda w: {"id": gid(w["closed"]), "version": 2}, "ARCHIVED", ["input", "id"]),
    ("archive: unknown unit", ARCHIVE_UNIT,
     lambda w: {"id": f.gid("OrgUnit", 999999), "version": 1}, "NOT_FOUND", ["input", "id"]),
    ("archive: an ID beyond the key range", ARCHIVE_UNIT,
     lambda w: {"id": f.gid("OrgUnit", 2**31), "version": 1}, "NOT_FOUND", ["input", "id"]),
    ("move: a new parent ID beyond any integer column", MOVE_UNIT,
     lambda w: {"id": gid(w["build"]), "version": 1, "newParentId": f.gid("OrgUnit", 10**20)},
     "NOT_FOUND", ["input", "newParentId"]),
    ("archive: a Person ID", ARCHIVE_UNIT,
     lambda w: {"id": gid(w["holder"], "Person"), "version": 1}, "NOT_FOUND", ["input", "id"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "document", "build", "code", "field"), CASES, ids=[c[0] for c in CASES])
async def test_bad_input_is_refused_and_writes_nothing(
    session: AsyncSession, gql: Any, world: W, name: str, document: str, build: Callable[[W], dict[str, Any]],
    code: str, field: list[str],
) -> None:  # fmt: skip
    await refused(gql, session, document, build(world), code, field)
