"""The published schema matches the code, and every type and field is described."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
)

from api.schema import build_schema, schema_sdl
from api.settings import ApiSettings

ROOT = Path(__file__).resolve().parents[2]


def test_schema_graphql_matches_the_code() -> None:
    published = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert published == schema_sdl(), "schema.graphql is stale: run `make schema` and commit it"


def test_every_type_and_field_has_a_description() -> None:
    schema = build_schema(ApiSettings())._schema
    missing: list[str] = []
    for name, gtype in schema.type_map.items():
        if name.startswith("__") or (
            isinstance(gtype, GraphQLScalarType) and name in {"String", "Int", "Boolean", "ID", "Float"}
        ):
            continue
        if not gtype.description:
            missing.append(name)
        if isinstance(gtype, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in gtype.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
        if isinstance(gtype, GraphQLEnumType):
            continue
    assert missing == []


def test_descriptions_carry_chinese_and_english() -> None:
    schema = build_schema(ApiSettings())._schema
    org_unit = schema.type_map["OrgUnit"]
    assert isinstance(org_unit, GraphQLObjectType)
    description = org_unit.fields["children"].description or ""
    assert "下级单元" in description and "children" in description.lower()
