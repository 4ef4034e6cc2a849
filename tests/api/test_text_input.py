"""Text that `domain.text` refuses is refused at the field, before anything runs: a
mutation's input as `userErrors` with nothing written, a query argument as a request error."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, GraphQLString, get_named_type
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.schema import build_schema
from api.settings import ApiSettings
from domain.text import FIELD_RULES
from domain.tree.models import OrgUnit
from tests import factories as f
from tests.api.helpers import refused

CREATE_UNIT = """
mutation($input: CreateUnitInput!) {
  createUnit(input: $input) { unit { id } userErrors { code field message messageEn } }
}"""


async def units(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(OrgUnit)) or 0)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "\x00", "INVALID_VALUE"),
        ("name", "\u202e\u202e\u202e", "INVALID_VALUE"),
        ("name", "\u200b", "INVALID_VALUE"),
        ("name", "演示\n部室", "INVALID_VALUE"),
        ("name", "长" * 300, "TOO_LONG"),
        ("code", "X" * 65, "TOO_LONG"),
        ("code", "A\x1bB", "INVALID_VALUE"),
    ],
)
async def test_refused_text_in_a_mutation_is_a_user_error(
    gql: Any, session: AsyncSession, field: str, value: str, code: str
) -> None:
    tree = await f.small_tree(session)
    before = await units(session)
    data = {
        "kind": "DEPARTMENT",
        "code": "N1",
        "name": "新部室",
        "parentId": f.gid("OrgUnit", tree["park"].id),
    }
    data[field] = value
    errors = refused(await gql(CREATE_UNIT, {"input": data}), code, ["input", field])
    assert errors[0]["message"] and errors[0]["messageEn"]
    assert await units(session) == before


async def test_every_problem_of_an_input_is_reported(gql: Any, session: AsyncSession) -> None:
    tree = await f.small_tree(session)
    data = {
        "kind": "DEPARTMENT",
        "code": "\x00",
        "name": "\u202e",
        "parentId": f.gid("OrgUnit", tree["park"].id),
    }
    body = await gql(CREATE_UNIT, {"input": data})
    payload = body["data"]["createUnit"]
    assert payload["unit"] is None
    assert sorted(e["field"][-1] for e in payload["userErrors"]) == ["code", "name"]


@pytest.mark.parametrize(
    ("document", "variables", "code", "argument"),
    [
        (
            "query($s: String) { persons(search: $s) { totalCount } }",
            {"s": "x" * 100_000},
            "TOO_LONG",
            "search",
        ),
        (
            "query($s: String) { persons(search: $s) { totalCount } }",
            {"s": "\x00"},
            "INVALID_VALUE",
            "search",
        ),
        ('{ units(filter: {search: "\\u202e"}) { totalCount } }', {}, "INVALID_VALUE", "filter.search"),
        ("query($a: String) { persons(after: $a) { totalCount } }", {"a": "A" * 5000}, "TOO_LONG", "after"),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": "Q" * 1000}, "TOO_LONG", "id"),
    ],
)
async def test_refused_text_in_a_query_is_a_request_error(
    gql: Any, document: str, variables: dict[str, Any], code: str, argument: str
) -> None:
    body = await gql(document, variables)
    assert "data" not in body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == code
    assert error["extensions"]["argument"] == argument
    assert error["extensions"]["messageEn"] and error["message"] != error["extensions"]["messageEn"]


async def test_a_blank_search_still_lists_everything(gql: Any, session: AsyncSession) -> None:
    await f.person(session, name="甲某")
    body = await gql('{ persons(search: "  ") { totalCount } }')
    assert body["data"]["persons"]["totalCount"] >= 1


def test_every_string_input_has_a_rule() -> None:
    """A new String argument or input field must be given its rule (length, lines) on purpose."""
    schema = build_schema(ApiSettings())._schema
    names: set[str] = set()
    for t in schema.type_map.values():
        if t.name.startswith("__"):
            continue
        if isinstance(t, GraphQLInputObjectType):
            names |= {n for n, fld in t.fields.items() if get_named_type(fld.type) is GraphQLString}
        elif isinstance(t, GraphQLObjectType):
            for fld in t.fields.values():
                names |= {n for n, a in fld.args.items() if get_named_type(a.type) is GraphQLString}
    assert names - FIELD_RULES.keys() == set()


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"content": "\x00"}, "INVALID_VALUE", "content"),
        ({"content": "\u202e\u202e"}, "INVALID_VALUE", "content"),
        ({"content": "x" * 5001}, "TOO_LONG", "content"),
        ({"content": "有人在仓库吸烟", "contact": "138\x00"}, "INVALID_VALUE", "contact"),
        ({"content": "有人在仓库吸烟", "location": "一号\n仓库"}, "INVALID_VALUE", "location"),
    ],
)
async def test_refused_text_in_a_tip_off(
    http: Any, session: AsyncSession, body: dict[str, Any], code: str, field: str
) -> None:
    from domain.hazards.models import TipOff

    tree = await f.small_tree(session)
    await session.commit()
    response = await http.post("/public/tip-offs", json={"parkId": f.gid("OrgUnit", tree["park"].id), **body})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, [field])
    assert error["message"] != error["extensions"]["messageEn"]
    assert await session.scalar(select(func.count()).select_from(TipOff)) == 0


async def test_the_field_path_reaches_into_lists_and_json(gql: Any, session: AsyncSession) -> None:
    tree = await f.small_tree(session)
    document = """
    mutation($input: CreateDutyListInput!) {
      createDutyList(input: $input) { dutyList { id } userErrors { code field message messageEn } }
    }"""
    item = {"key": "check", "text": "每月带队检查", "meta": {"remark": ["ok", "\x00"]}}
    data = {
        "code": "park-leaders",
        "name": "园区领导安全生产职责清单（测试）",
        "postKinds": ["PRINCIPAL"],
        "unitId": f.gid("OrgUnit", tree["park"].id),
        "effectiveFrom": "2024-01-01",
        "items": [{**item, "text": "好"}, {**item, "text": "\u202e"}],
    }
    payload = (await gql(document, {"input": data}))["data"]["createDutyList"]
    assert payload["dutyList"] is None
    assert sorted(tuple(e["field"]) for e in payload["userErrors"]) == [
        ("input", "items", "0", "meta", "remark", "1"),
        ("input", "items", "1", "meta", "remark", "1"),
        ("input", "items", "1", "text"),
    ]
