"""The root fields the compiled path answers, each as one SQL expression of its JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType
from sqlalchemy import ColumnElement, func, select
from strawberry import relay

from api.compiled import admin, hazard_roots
from api.compiled.build import Build, Entity
from api.compiled.fields import Fallback, Field
from api.compiled.posts import ASSIGNMENT, PERSON, POST, POST_CHARGE
from api.compiled.tree import ORG_UNIT, responsible_persons, unit_filter, unit_id_arg, visible_unit_path
from api.ids import try_decode_id
from api.nodes import NODE_TYPES
from api.people.queries import PERSON_ORDER
from authz.reach import Reach
from domain.people import lists as people_lists
from domain.people.models import Person
from domain.posts.models import Assignment, Post, PostCharge
from domain.reads.levels import exists_sql
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit
from domain.tree.queries import UNIT_ORDER, UnitFilter, units_stmt

RootSql = Callable[[Build, Field], str]


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
        unit_id = unit_id_arg(under)
        if unit_id is None:  # an unknown subtree has nothing in it
            stmt = units_stmt(flt, under_path="/none/").where(b.reach.units())
        else:
            stmt = stmt.where(*_under(visible_unit_path(b, unit_id)))
    return b.connection(f, ORG_UNIT, stmt, UNIT_ORDER)


def districts(b: Build, f: Field) -> str:
    stmt = units_stmt(UnitFilter(kinds=(UnitKind.DISTRICT,))).where(
        OrgUnit.parent_id.is_(None), b.reach.units()
    )
    return b.connection(f, ORG_UNIT, stmt, UNIT_ORDER)


def unit(b: Build, f: Field) -> str:
    unit_id = unit_id_arg(b.sel.args(f).get("id"))
    if unit_id is None:
        return b.j.null_json()
    return b.row(f, ORG_UNIT, select(OrgUnit).where(b.reach.units()), [OrgUnit.id == unit_id])


def placard_board(b: Build, f: Field) -> str:
    args = b.sel.args(f)
    park_id = unit_id_arg(args.get("parkId"))
    if park_id is None:
        return b.j.null_json()
    day = args.get("on") or b.today
    park = visible_unit_path(b, park_id)
    flt = UnitFilter(kinds=(UnitKind.ENTERPRISE,), placarded=True)
    stmt = units_stmt(flt).where(*_under(park)).where(b.reach.units())
    board = b.connection(f, responsible_persons(day), stmt, UNIT_ORDER)
    park_row = select(OrgUnit.id).where(OrgUnit.id == park_id, b.reach.units())
    return f"(CASE WHEN {exists_sql(park_row, b.dialect)} THEN {board} ELSE {b.j.null_json()} END)"


# Node types the compiled path builds: entity, model, and who may read a row (the reach
# predicate of the type's ByIdLoader in api/loaders.py).
NODES: dict[str, tuple[Entity, Any, Callable[[Reach], ColumnElement[bool]]]] = {
    "OrgUnit": (ORG_UNIT, OrgUnit, lambda r: r.units()),
    "Post": (POST, Post, lambda r: r.posts()),
    "Assignment": (ASSIGNMENT, Assignment, lambda r: r.assignments()),
    "Person": (PERSON, Person, lambda r: r.persons()),
    "PostCharge": (POST_CHARGE, PostCharge, lambda r: r.charges()),
}


def _node(b: Build, f: Field, value: Any) -> str:
    """`node(id)` for one ID, as `api.node.resolve_global_ids` reads it: null for an ID of no
    node type or of no row the caller may read."""
    try:
        gid = value if isinstance(value, relay.GlobalID) else relay.GlobalID.from_id(value)
    except Exception as exc:
        raise Fallback("id") from exc
    if gid.type_name not in NODE_TYPES or try_decode_id(gid, gid.type_name) is None:
        return b.j.null_json()
    if gid.type_name not in NODES:
        raise Fallback(gid.type_name)  # a node type the compiled path does not build
    entity, model, visible = NODES[gid.type_name]
    object_type = b.sel.schema.get_type(gid.type_name)
    assert isinstance(object_type, GraphQLObjectType)
    fields = b.sel.fields(object_type, [n.selection_set for n in f.nodes if n.selection_set is not None])
    row_id = int(gid.node_id)
    return b.row_of(fields, entity, select(model).where(visible(b.reach)), [model.id == row_id])


def node(b: Build, f: Field) -> str:
    return _node(b, f, b.sel.args(f).get("id"))


def nodes(b: Build, f: Field) -> str:
    ids = b.sel.args(f).get("ids") or []
    if len(ids) > b.max_nodes_ids:
        raise Fallback("ids")  # TOO_MANY_IDS, from the resolver
    return b.j.array([_node(b, f, i) for i in ids])


def persons(b: Build, f: Field) -> str:
    """`persons(search)`: api/people/queries.py, in its order."""
    args = b.sel.args(f)
    stmt = people_lists.persons(b.reach.persons(), args.get("search"))
    return b.connection(f, PERSON, stmt, PERSON_ORDER)


def person(b: Build, f: Field) -> str:
    try:
        gid = relay.GlobalID.from_id(b.sel.args(f)["id"])
    except Exception as exc:
        raise Fallback("id") from exc
    person_id = try_decode_id(gid, "Person")
    if person_id is None:
        return b.j.null_json()
    return b.row(f, PERSON, select(Person).where(b.reach.persons()), [Person.id == person_id])


ROOTS: dict[str, RootSql] = {
    "persons": persons,
    "person": person,
    "node": node,
    "nodes": nodes,
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
