"""The tree's mutation documents and helpers that run them, for the tree mutation tests."""

from __future__ import annotations

from typing import Any

from tests import factories as f

UNIT_FIELDS = """
  id kind code name depth version archivedAt
  parent { id name }
  ancestors { name kind }
  enterprise { creditCode trade highRisk staffCount smallMicro riskClass placarded }
"""
ERRORS = "userErrors { code field message messageEn }"
CREATE_UNIT = f"mutation($input: CreateUnitInput!) {{ createUnit(input: $input) {{ unit {{ {UNIT_FIELDS} }} {ERRORS} }} }}"
UPDATE_UNIT = f"mutation($input: UpdateUnitInput!) {{ updateUnit(input: $input) {{ unit {{ {UNIT_FIELDS} }} {ERRORS} }} }}"
MOVE_UNIT = (
    f"mutation($input: MoveUnitInput!) {{ moveUnit(input: $input) {{ unit {{ {UNIT_FIELDS} }} {ERRORS} }} }}"
)
ARCHIVE_UNIT = f"mutation($input: ArchiveUnitInput!) {{ archiveUnit(input: $input) {{ unit {{ {UNIT_FIELDS} }} {ERRORS} }} }}"
UNIT = """
query($id: ID!) {
  unit(id: $id) {
    name depth version archivedAt
    ancestors { name }
    children(filter: {includeArchived: true}) { totalCount }
    descendants { totalCount edges { node { code } } }
    posts { totalCount edges { node { kind singleHolder } } }
  }
}"""


async def ok(gql: Any, document: str, input: dict[str, Any]) -> dict[str, Any]:
    body = await gql(document, {"input": input})
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    assert payload["userErrors"] == [], payload
    unit: dict[str, Any] = payload["unit"]
    return unit


async def read_unit(gql: Any, gid: str) -> dict[str, Any]:
    body = await gql(UNIT, {"id": gid})
    assert "errors" not in body, body
    unit: dict[str, Any] = body["data"]["unit"]
    return unit


def gid(obj: Any, type_name: str = "OrgUnit") -> str:
    return f.gid(type_name, obj.id)
