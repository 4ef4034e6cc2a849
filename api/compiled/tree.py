"""The organisation tree on the compiled path: OrgUnit with its relations, the enterprise
profile read off the unit row, and the three responsible persons of a placarded enterprise.

Each relation reads what its resolver reads (api/tree/types.py, api/loaders.py): the same
domain statement, reach predicate and keyset order. Fields computed in Python (the class in
force, obligations) are not listed: documents asking for them go through the resolvers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, literal_column, select
from strawberry import relay

from api.compiled.build import Build, Entity, FieldSql, entity, register
from api.compiled.fields import Fallback, Field
from api.compiled.scalars import arg, global_id, plain, timestamp
from api.ids import try_decode_id
from domain.pagination import Ordering
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post, assignment_on, effective_assignment
from domain.posts.queries import (
    POST_ORDER,
    PostFilter,
    posts_stmt,
)
from domain.reads.levels import page_sql
from domain.tree.kinds import SMALL_MICRO_STAFF_LIMIT, UnitKind
from domain.tree.models import OrgUnit
from domain.tree.queries import UNIT_ORDER, UnitFilter, children_stmt, descendants_stmt


def unit_filter(b: Build, given: Any) -> UnitFilter:
    """`UnitFilterInput.to_domain(today)`; the class filter (riskClasses) is not compiled."""
    if given is None:
        return UnitFilter()
    if arg(given, "riskClasses", arg(given, "risk_classes")):
        raise Fallback("riskClasses")
    kinds = arg(given, "kinds")
    trades = arg(given, "trades")
    return UnitFilter(
        kinds=tuple(UnitKind(k) for k in kinds) if kinds else None,
        search=arg(given, "search"),
        trades=tuple(trades) if trades else None,
        placarded=arg(given, "placarded"),
        high_risk=arg(given, "highRisk", arg(given, "high_risk")),
        small_micro=arg(given, "smallMicro", arg(given, "small_micro")),
        include_archived=bool(arg(given, "includeArchived", arg(given, "include_archived", False))),
    )


def post_filter(given: Any) -> PostFilter:
    kinds = arg(given, "kinds")
    return PostFilter(
        kinds=tuple(PostKind(k) for k in kinds) if kinds else None,
        include_archived=bool(arg(given, "includeArchived", arg(given, "include_archived", False))),
    )


def _unit_parent(b: Build, alias: str, f: Field) -> str:
    return b.row(
        f,
        ORG_UNIT,
        select(OrgUnit).where(b.reach.units()),
        [OrgUnit.id == b.ref(alias, OrgUnit.parent_id)],
    )


def _unit_children(b: Build, alias: str, f: Field) -> str:
    flt = unit_filter(b, b.sel.args(f).get("filter"))
    stmt = children_stmt(flt).where(b.reach.units())
    return b.connection(
        f,
        ORG_UNIT,
        stmt,
        UNIT_ORDER,
        [OrgUnit.parent_id == b.ref(alias, OrgUnit.id)],
    )


def _unit_descendants(b: Build, alias: str, f: Field) -> str:
    flt = unit_filter(b, b.sel.args(f).get("filter"))
    stmt, root_id = descendants_stmt(flt)
    stmt = stmt.where(b.reach.units())
    return b.connection(f, ORG_UNIT, stmt, UNIT_ORDER, [root_id == b.ref(alias, OrgUnit.id)])


ANCESTOR_ORDER: Ordering[OrgUnit] = Ordering((OrgUnit.depth, OrgUnit.id), key=lambda u: (u.depth, u.id))


def _unit_ancestors(b: Build, alias: str, f: Field) -> str:
    """`OrgUnit.ancestors`: the units of the row's path above it, root first, those the
    caller may read (ids read off the materialized path, as `OrgUnit.ancestor_ids`)."""
    path, own = b.col(alias, OrgUnit.path), b.col(alias, OrgUnit.id)
    if b.j.pg:
        ids = f"ANY(string_to_array(trim(both '/' from {path}), '/')::int[])"
        cond = f"org_unit.id = {ids} AND org_unit.id <> {own}"
    else:
        ids = f"(SELECT value FROM json_each('[' || replace(trim({path}, '/'), '/', ',') || ']'))"
        cond = f"org_unit.id IN {ids} AND org_unit.id <> {own}"
    inner = b.alias()
    node = b.object(ORG_UNIT, inner, b.sel.sub(f))
    stmt = select(OrgUnit).where(b.reach.units(), literal_column(cond, Boolean))
    page = page_sql(
        stmt,
        b.columns(inner, ORG_UNIT),
        ANCESTOR_ORDER,
        first=64,
        after=None,
        numbered=False,
        dialect=b.dialect,
    )
    return b.j.embed(f"(SELECT {b.j.agg(node, f'{inner}.k0, {inner}.k1')} FROM ({page}) AS {inner})")


def _unit_posts(b: Build, alias: str, f: Field) -> str:
    stmt = posts_stmt(post_filter(b.sel.args(f).get("filter"))).where(b.reach.posts())
    return b.connection(
        f,
        entity("Post"),
        stmt,
        POST_ORDER,
        [Post.unit_id == b.ref(alias, OrgUnit.id)],
    )


def _enterprise(b: Build, alias: str, f: Field) -> str:
    """`OrgUnit.enterprise`: the unit row's enterprise attributes, null for other kinds."""
    j = b.j
    pairs: list[tuple[str, str]] = []
    for ef in b.sel.sub(f):
        name = ef.name
        if name == "__typename":
            pairs.append((ef.key, j.text_literal("EnterpriseProfile")))
        elif name == "id":
            pairs.append((ef.key, j.global_id("EnterpriseProfile", b.col(alias, OrgUnit.id))))
        elif name == "creditCode":
            pairs.append((ef.key, f"coalesce({b.col(alias, OrgUnit.credit_code)}, '')"))
        elif name == "trade":
            pairs.append((ef.key, b.col(alias, OrgUnit.trade)))
        elif name == "highRisk":
            pairs.append((ef.key, j.boolean(f"coalesce({b.col(alias, OrgUnit.high_risk)}, false)")))
        elif name == "staffCount":
            pairs.append((ef.key, f"coalesce({b.col(alias, OrgUnit.staff_count)}, 0)"))
        elif name == "smallMicro":
            staff = b.col(alias, OrgUnit.staff_count)
            pairs.append((ef.key, j.boolean(f"coalesce({staff} < {SMALL_MICRO_STAFF_LIMIT}, false)")))
        elif name == "placarded":
            pairs.append((ef.key, j.boolean(f"coalesce({b.col(alias, OrgUnit.placarded)}, false)")))
        else:
            raise Fallback(f"EnterpriseProfile.{name}")  # the class in force: computed in Python
    kind = b.col(alias, OrgUnit.kind)
    return f"(CASE WHEN {kind} = 'ENTERPRISE' THEN {j.obj(pairs)} ELSE {j.null_json()} END)"


def _responsible(kind: PostKind, day: date) -> FieldSql:
    """One of the three responsible persons' assignments in force on the board's day: the
    latest starting (as `responsible_assignments` keeps it), if the caller may read it."""

    def render(b: Build, alias: str, f: Field) -> str:
        stmt = (
            select(Assignment)
            .join(Post, Post.id == Assignment.post_id)
            .where(Post.kind == kind.value, effective_assignment(), assignment_on(day))
            .where(b.reach.assignments())
            .order_by(Assignment.start_date.desc(), Assignment.id.desc())
        )
        return b.row(f, entity("Assignment"), stmt, [Post.unit_id == b.ref(alias, OrgUnit.id)])

    return render


def responsible_persons(day: date) -> Entity:
    """`ResponsiblePersons` of the enterprise whose row is at the alias, on `day`."""

    def enterprise(b: Build, alias: str, f: Field) -> str:
        return b.object(ORG_UNIT, alias, b.sel.sub(f))

    def key(b: Build, alias: str, f: Field) -> str:
        unit = b.col(alias, OrgUnit.id)
        return b.j.global_id("ResponsiblePersons", unit, b.j.text_literal(day.isoformat()))

    return Entity(
        "ResponsiblePersons",
        {
            "id": key,
            "on": lambda b, alias, f: b.j.text_literal(day.isoformat()),
            "enterprise": enterprise,
            "administrative": _responsible(PostKind.ADMINISTRATIVE_RESPONSIBLE, day),
            "supervisory": _responsible(PostKind.SUPERVISORY_RESPONSIBLE, day),
            "enterpriseResponsible": _responsible(PostKind.ENTERPRISE_RESPONSIBLE, day),
        },
        OrgUnit.id,
    )


def _unit_responsible(b: Build, alias: str, f: Field) -> str:
    """`OrgUnit.responsiblePersons(on)`: null for a unit that is not an enterprise."""
    day = b.sel.args(f).get("on") or b.today
    entity = responsible_persons(day)
    kind = b.col(alias, OrgUnit.kind)
    board = b.object(entity, alias, b.sel.sub(f))
    return f"(CASE WHEN {kind} = 'ENTERPRISE' THEN {board} ELSE {b.j.null_json()} END)"


ORG_UNIT = register(
    Entity(
        "OrgUnit",
        {
            "id": global_id("OrgUnit", OrgUnit.id),
            "kind": plain(OrgUnit.kind),
            "code": plain(OrgUnit.code),
            "name": plain(OrgUnit.name),
            "depth": plain(OrgUnit.depth),
            "version": plain(OrgUnit.version),
            "archivedAt": timestamp(OrgUnit.archived_at),
            "createdAt": timestamp(OrgUnit.created_at),
            "updatedAt": timestamp(OrgUnit.updated_at),
            "parent": _unit_parent,
            "ancestors": _unit_ancestors,
            "children": _unit_children,
            "descendants": _unit_descendants,
            "posts": _unit_posts,
            "enterprise": _enterprise,
            "responsiblePersons": _unit_responsible,
        },
        OrgUnit.id,
    )
)


def unit_id_arg(value: Any) -> int | None:
    """The row id a global ID argument names, as the resolvers decode it (None: no unit)."""
    try:
        gid = value if isinstance(value, relay.GlobalID) else relay.GlobalID.from_id(value)
    except Exception as exc:  # not a global ID: the resolver path reports it
        raise Fallback("id") from exc
    return try_decode_id(gid, "OrgUnit")


def visible_unit_path(b: Build, unit_id: int) -> Any:
    """The path of a unit the caller may read, as a subquery of its own (NULL if none)."""
    return (
        select(OrgUnit.path).where(OrgUnit.id == unit_id, b.reach.units()).correlate(None).scalar_subquery()
    )
