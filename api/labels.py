"""Labels of enum values for user interfaces (`enumLabels`, `enumLabelSets`).

The labels are the enum values' own descriptions ("中文标签 — English label", see
api/descriptions.py), read from the schema being executed: a UI asks the server instead of
keeping its own copy of the label maps. Public like introspection: no data, only vocabulary.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import GraphQLEnumType

from api.context import Info
from api.descriptions import SEPARATOR
from api.errors import BadInput


@strawberry.type(description="枚举标签 — One value of an enum with its labels for display")
class EnumLabel:
    value: str = strawberry.field(description="取值 — The value as the API sends and takes it")
    label: str = strawberry.field(description="中文标签 — Label in Chinese")
    label_en: str = strawberry.field(description="英文标签 — Label in English")
    description: str = strawberry.field(description="说明 — The value's full description")
    deprecated: bool = strawberry.field(description="已弃用 — Whether the value is deprecated")


@strawberry.type(description="枚举标签集 — An enum and the labels of all its values")
class EnumLabelSet:
    name: str = strawberry.field(description="枚举名 — The enum's name in the schema")
    description: str = strawberry.field(description="说明 — The enum's description")
    values: list[EnumLabel] = strawberry.field(description="取值 — Its values in schema order")


def _label_set(enum: GraphQLEnumType) -> EnumLabelSet:
    values = []
    for name, value in enum.values.items():
        text = value.description or name
        zh, found, en = text.partition(SEPARATOR)
        values.append(
            EnumLabel(
                value=name,
                label=zh.strip() if found else name,
                label_en=en.strip() if found else text,
                description=text,
                deprecated=value.deprecation_reason is not None,
            )
        )
    return EnumLabelSet(name=enum.name, description=enum.description or "", values=values)


def _enums(info: Info) -> dict[str, GraphQLEnumType]:
    type_map = info.schema._schema.type_map
    return {
        n: t for n, t in sorted(type_map.items()) if isinstance(t, GraphQLEnumType) and not n.startswith("__")
    }


@strawberry.type
class LabelsQuery:
    @strawberry.field(
        description="枚举标签 — The labels (Chinese and English) of every value of one enum, e.g. "
        "`HazardState`; an unknown enum is a NOT_FOUND error"
    )
    def enum_labels(
        self,
        info: Info,
        enum: Annotated[str, strawberry.argument(description="枚举名 — The enum's name, e.g. `HazardState`")],
    ) -> list[EnumLabel]:
        found = _enums(info).get(enum)
        if found is None:
            raise BadInput(f"There is no enum named {enum[:64]!r}", "没有该枚举", "enum", code="NOT_FOUND")
        return _label_set(found).values

    @strawberry.field(
        description="全部枚举标签 — Every enum of the schema with the labels of its values, in one request"
    )
    def enum_label_sets(self, info: Info) -> list[EnumLabelSet]:
        return [_label_set(e) for e in _enums(info).values()]
