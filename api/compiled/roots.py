"""The root fields the compiled path answers, each as one SQL expression of its JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, func, select
from strawberry import relay

from api.compiled import admin, hazard_roots
from api.compiled.build import Build
from api.compiled.entities import ORG_UNIT, responsible_persons, unit_filter
from api.compiled.fields import Fallback, Field
from api.ids import try_decode_id
from domain.reads.levels import exists_sql
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit
from domain.tree.queries import UNIT_ORDER, UnitFilter, units_stmt

RootSql = Callable[[Build, Field], str]


def _unit_id(value: Any) -> int | None:
    """The row id a global ID argument names, as the resolvers decode it (None: no unit)."""
    try:
        gid = value if isinstance(value, relay.GlobalID) else relay.GlobalID.from_id(value)
    except Exception as exc:  # not a global ID: the resolver path reports it
        raise Fallback("id") from exc
    return try_decode_id(gid, "OrgUnit")


def _visible_path(b: Build, unit_id: int) -> Any:
    """The path of a unit the caller may read, as a subquery of its own (NULL if none)."""
    return (
        select(OrgUnit.path).where(OrgUnit.id == unit_id, b.reach.units()).correlate(None).scalar_subquery()
    )


def _under(path: Any) -> list[ColumnElement[bool]]:
    """Strictly below the unit at `path` (`units_stmt(under_path=…)`, with the path in SQL)."""
    upper = func.substr(path, 1, func.length(path) - 1).concat("0")
    return [OrgUnit.path > path, OrgUnit.path < upper]


def units(b: Build, f: Field) -> str:
    args = b.sel.args(f)
    flt = unit_filter(b, args.get("filter"))
    stmt = units_stmt(flt).where(b.reach.units())
    under = args.get("under")
    if under is not None:
        unit_id = _unit_id(under)
        if unit_id is None:  # an unknown subtree has nothing in it
            stmt = units_stmt(flt, under_path="/none/").where(b.reach.units())
        else:
            stmt = stmt.where(*_under(_visible_path(b, unit_id)))
    return b.connection(f, ORG_UNIT, stmt, UNIT_ORDER)


def districts(b: Build, f: Field) -> str:
    stmt = units_stmt(UnitFilter(kinds=(UnitKind.DISTRICT,))).where(
        OrgUnit.parent_id.is_(None), b.reach.units()
    )
    return b.connection(f, ORG_UNIT, stmt, UNIT_ORDER)


def unit(b: Build, f: Field) -> str:
    unit_id = _unit_id(b.sel.args(f).get("id"))
    if unit_id is None:
        return b.j.null_json()
    return b.row(f, ORG_UNIT, select(OrgUnit).where(b.reach.units()), [OrgUnit.id == unit_id])


def placard_board(b: Build, f: Field) -> str:
    args = b.sel.args(f)
    park_id = _unit_id(args.get("parkId"))
    if park_id is None:
        return b.j.null_json()
    day = args.get("on") or b.today
    park = _visible_path(b, park_id)
    flt = UnitFilter(kinds=(UnitKind.ENTERPRISE,), placarded=True)
    stmt = units_stmt(flt).where(*_under(park)).where(b.reach.units())
    board = b.connection(f, responsible_persons(day), stmt, UNIT_ORDER)
    park_row = select(OrgUnit.id).where(OrgUnit.id == park_id, b.reach.units())
    return f"(CASE WHEN {exists_sql(park_row, b.dialect)} THEN {board} ELSE {b.j.null_json()} END)"


ROOTS: dict[str, RootSql] = {
    "units": units,
    "districts": districts,
    "unit": unit,
    "placardBoard": placard_board,
    "hazards": hazard_roots.hazards,
    "majorHazardBoard": hazard_roots.major_hazard_board,
    "hazardCategories": hazard_roots.hazard_categories,
    "auditEvents": admin.audit_events,
    "roleGrants": admin.role_grants,
    "permissions": admin.permissions,
}
