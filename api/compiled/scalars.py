"""Scalars and helpers of the compiled types (api/compiled/tree.py, posts.py …)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from api.compiled.build import FieldSql


def plain(column: InstrumentedAttribute[Any]) -> FieldSql:
    """Text, integers and enums (stored under their GraphQL names)."""
    return lambda b, alias, f: b.col(alias, column)


def boolean(column: InstrumentedAttribute[Any]) -> FieldSql:
    return lambda b, alias, f: b.j.boolean(b.col(alias, column))


def timestamp(column: InstrumentedAttribute[Any]) -> FieldSql:
    return lambda b, alias, f: b.j.timestamp(b.col(alias, column))


def global_id(type_name: str, column: InstrumentedAttribute[Any]) -> FieldSql:
    return lambda b, alias, f: b.j.global_id(type_name, b.col(alias, column))


def arg(value: Any, name: str, default: Any = None) -> Any:
    if value is None:
        return default
    if isinstance(value, dict):
        return value.get(name, default)
    return getattr(value, name, default)
