"""Every argument and enum value is described in Chinese and English, and a UI can read the
enum labels from the server (`enumLabels`, `enumLabelSets`)."""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from api.schema import build_schema
from api.settings import ApiSettings

# "中文 — English": some Chinese, the separator, then some Latin letters.
BILINGUAL = re.compile(r"[\u4e00-\u9fff].* — .*[A-Za-z]", re.S)


def _walk() -> list[tuple[str, str | None]]:
    """(where, description) of every type, field, argument, input field and enum value."""
    schema = build_schema(ApiSettings())._schema
    found: list[tuple[str, str | None]] = []
    for name, gtype in schema.type_map.items():
        if name.startswith("__"):
            continue
        found.append((name, gtype.description))
        if isinstance(gtype, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in gtype.fields.items():
                found.append((f"{name}.{field_name}", field.description))
                found.extend(
                    (f"{name}.{field_name}({arg_name})", arg.description)
                    for arg_name, arg in field.args.items()
                )
        if isinstance(gtype, GraphQLInputObjectType):
            found.extend((f"{name}.{f}", field.description) for f, field in gtype.fields.items())
        if isinstance(gtype, GraphQLEnumType):
            found.extend((f"{name}.{v}", value.description) for v, value in gtype.values.items())
    return found


def test_nothing_in_the_schema_lacks_a_description() -> None:
    missing = [where for where, description in _walk() if not description]
    assert missing == []


def test_arguments_and_enum_values_are_described_in_chinese_and_english() -> None:
    schema = build_schema(ApiSettings())._schema
    enum_values = {
        f"{n}.{v}"
        for n, t in schema.type_map.items()
        if isinstance(t, GraphQLEnumType) and not n.startswith("__")
        for v in t.values
    }
    walked = dict(_walk())
    arguments = [w for w in walked if w.endswith(")")]
    assert len(arguments) > 250 and len(enum_values) > 200
    not_bilingual = [w for w in [*arguments, *enum_values] if not BILINGUAL.search(walked[w] or "")]
    assert not_bilingual == []


LABELS = """query($e: String!) { enumLabels(enum: $e) { value label labelEn description deprecated } }"""


async def test_enum_labels_come_from_the_server(gql: Any) -> None:
    body = await gql(LABELS, {"e": "HazardState"})
    labels = {x["value"]: x for x in body["data"]["enumLabels"]}
    assert list(labels) == ["REPORTED", "CONFIRMED", "REJECTED", "RECTIFYING", "RECTIFIED", "CLOSED"]
    assert labels["RECTIFIED"] == {
        "value": "RECTIFIED",
        "label": "已整改待验收",
        "labelEn": "Rectified, awaiting verification",
        "description": "已整改待验收 — Rectified, awaiting verification",
        "deprecated": False,
    }
    # Values described in the code (not in the table) are read the same way.
    kinds = {
        x["value"]: x["label"] for x in (await gql(LABELS, {"e": "ServiceClientKind"}))["data"]["enumLabels"]
    }
    assert kinds["DISTRICT_SYSTEM"] == "区级系统"

    unknown = await gql(LABELS, {"e": "NoSuchEnum"})
    assert unknown["data"] is None and unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_every_enum_has_a_label_set(gql: Any) -> None:
    body = await gql("{ enumLabelSets { name description values { value label labelEn } } }")
    sets = {s["name"]: s for s in body["data"]["enumLabelSets"]}
    schema = build_schema(ApiSettings())._schema
    enums = {
        n for n, t in schema.type_map.items() if isinstance(t, GraphQLEnumType) and not n.startswith("__")
    }
    assert set(sets) == enums
    for enum_set in sets.values():
        assert enum_set["values"], enum_set["name"]
        for value in enum_set["values"]:
            assert value["label"] and value["labelEn"] and value["label"] != value["labelEn"], value
    assert {v["value"]: v["label"] for v in sets["RiskClass"]["values"]}["D"] == "D类"
    assert {v["value"]: v["labelEn"] for v in sets["PostKind"]["values"]}[
        "SAFETY_MANAGER"
    ] == "Safety manager"
