"""The table-backed types the compiled path builds, field by field.

Each relation reads what its resolver reads: the same domain statement (`posts_stmt`,
`assignments_stmt`, `units_stmt` …), the same reach predicate (`Reach.units()` …), the same
keyset order. A field not listed here (one computed in Python: obligations, scores, masked
contact details) makes its root field go through the resolvers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Boolean, literal_column, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from api.compiled.build import Build, Entity, FieldSql
from api.compiled.fields import Fallback, Field
from authz.catalogue import Resource
from domain.pagination import Ordering
from domain.people.models import Person
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post, assignment_on, effective_assignment
from domain.posts.queries import (
    ASSIGNMENT_ORDER,
    POST_ORDER,
    AssignmentFilter,
    PostFilter,
    assignments_stmt,
    posts_stmt,
)
from domain.reads.levels import outer, page_sql
from domain.tree.kinds import SMALL_MICRO_STAFF_LIMIT, UnitKind
from domain.tree.models import OrgUnit
from domain.tree.queries import UNIT_ORDER, UnitFilter, apply_unit_filter, children_stmt, descendants_stmt

# --- scalars -----------------------------------------------------------------------------


def plain(column: InstrumentedAttribute[Any]) -> FieldSql:
    """Text, integers and enums (stored under their GraphQL names)."""
    return lambda b, alias, f: b.col(alias, column)


def boolean(column: InstrumentedAttribute[Any]) -> FieldSql:
    return lambda b, alias, f: b.j.boolean(b.col(alias, column))


def timestamp(column: InstrumentedAttribute[Any]) -> FieldSql:
    return lambda b, alias, f: b.j.timestamp(b.col(alias, column))


def global_id(type_name: str, column: InstrumentedAttribute[Any]) -> FieldSql:
    return lambda b, alias, f: b.j.global_id(type_name, b.col(alias, column))


# --- filters read from arguments, as the resolvers read them ---------------------------


def _get(value: Any, name: str, default: Any = None) -> Any:
    if value is None:
        return default
    if isinstance(value, dict):
        return value.get(name, default)
    return getattr(value, name, default)


def unit_filter(b: Build, given: Any) -> UnitFilter:
    """`UnitFilterInput.to_domain(today)`; the class filter (riskClasses) is not compiled."""
    if given is None:
        return UnitFilter()
    if _get(given, "riskClasses", _get(given, "risk_classes")):
        raise Fallback("riskClasses")
    kinds = _get(given, "kinds")
    trades = _get(given, "trades")
    return UnitFilter(
        kinds=tuple(UnitKind(k) for k in kinds) if kinds else None,
        search=_get(given, "search"),
        trades=tuple(trades) if trades else None,
        placarded=_get(given, "placarded"),
        high_risk=_get(given, "highRisk", _get(given, "high_risk")),
        small_micro=_get(given, "smallMicro", _get(given, "small_micro")),
        include_archived=bool(_get(given, "includeArchived", _get(given, "include_archived", False))),
    )


def post_filter(given: Any) -> PostFilter:
    kinds = _get(given, "kinds")
    return PostFilter(
        kinds=tuple(PostKind(k) for k in kinds) if kinds else None,
        include_archived=bool(_get(given, "includeArchived", _get(given, "include_archived", False))),
    )


# --- relations ---------------------------------------------------------------------------


def _unit_parent(b: Build, alias: str, f: Field) -> str:
    return b.row(
        f,
        ORG_UNIT,
        select(OrgUnit).where(b.reach.units()),
        [OrgUnit.id == outer(alias, _c(b, alias, OrgUnit.parent_id))],
    )


def _c(b: Build, alias: str, column: InstrumentedAttribute[Any]) -> str:
    """The label of a parent column the correlation reads (and make the level select it)."""
    return b.col(alias, column).split(".", 1)[1]


def _unit_children(b: Build, alias: str, f: Field) -> str:
    flt = unit_filter(b, b.sel.args(f).get("filter"))
    stmt = children_stmt(flt).where(b.reach.units())
    return b.connection(
        f, ORG_UNIT, stmt, UNIT_ORDER, [OrgUnit.parent_id == outer(alias, _c(b, alias, OrgUnit.id))]
    )


def _unit_descendants(b: Build, alias: str, f: Field) -> str:
    flt = unit_filter(b, b.sel.args(f).get("filter"))
    stmt, root_id = descendants_stmt(flt)
    stmt = stmt.where(b.reach.units())
    return b.connection(f, ORG_UNIT, stmt, UNIT_ORDER, [root_id == outer(alias, _c(b, alias, OrgUnit.id))])


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
    return b.connection(f, POST, stmt, POST_ORDER, [Post.unit_id == outer(alias, _c(b, alias, OrgUnit.id))])


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


def _post_unit(b: Build, alias: str, f: Field) -> str:
    return b.row(
        f,
        ORG_UNIT,
        select(OrgUnit).where(b.reach.units()),
        [OrgUnit.id == outer(alias, _c(b, alias, Post.unit_id))],
    )


def _post_assignments(b: Build, alias: str, flt: AssignmentFilter, f: Field) -> str:
    stmt = assignments_stmt(flt).where(b.reach.assignments())
    return b.connection(
        f, ASSIGNMENT, stmt, ASSIGNMENT_ORDER, [Assignment.post_id == outer(alias, _c(b, alias, Post.id))]
    )


def _post_holders(b: Build, alias: str, f: Field) -> str:
    return _post_assignments(b, alias, AssignmentFilter(on=b.sel.args(f).get("on") or b.today), f)


def _post_history(b: Build, alias: str, f: Field) -> str:
    include = bool(b.sel.args(f).get("includeHistory", b.sel.args(f).get("include_history", False)))
    return _post_assignments(b, alias, AssignmentFilter(include_history=include), f)


def _assignment_person(b: Build, alias: str, f: Field) -> str:
    stmt = select(Person).where(b.reach.persons())
    return b.row(f, PERSON, stmt, [Person.id == outer(alias, _c(b, alias, Assignment.person_id))])


def _assignment_post(b: Build, alias: str, f: Field) -> str:
    stmt = select(Post).where(b.reach.posts())
    return b.row(f, POST, stmt, [Post.id == outer(alias, _c(b, alias, Assignment.post_id))])


def _assignment_corrects(b: Build, alias: str, f: Field) -> str:
    stmt = select(Assignment).where(b.reach.assignments())
    return b.row(f, ASSIGNMENT, stmt, [Assignment.id == outer(alias, _c(b, alias, Assignment.corrects_id))])


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
        return b.row(f, ASSIGNMENT, stmt, [Post.unit_id == outer(alias, _c(b, alias, OrgUnit.id))])

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


ORG_UNIT = Entity(
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

POST = Entity(
    "Post",
    {
        "id": global_id("Post", Post.id),
        "kind": plain(Post.kind),
        "title": plain(Post.title),
        "singleHolder": boolean(Post.single_holder),
        "version": plain(Post.version),
        "archivedAt": timestamp(Post.archived_at),
        "createdAt": timestamp(Post.created_at),
        "unit": _post_unit,
        "holders": _post_holders,
        "assignments": _post_history,
    },
    Post.id,
)

ASSIGNMENT = Entity(
    "Assignment",
    {
        "id": global_id("Assignment", Assignment.id),
        "startDate": plain(Assignment.start_date),
        "endDate": plain(Assignment.end_date),
        "withdrawn": boolean(Assignment.withdrawn),
        "note": plain(Assignment.note),
        "version": plain(Assignment.version),
        "createdAt": timestamp(Assignment.created_at),
        "endedAt": timestamp(Assignment.ended_at),
        "person": _assignment_person,
        "post": _assignment_post,
        "corrects": _assignment_corrects,
    },
    Assignment.id,
)


def _sees(b: Build, alias: str, *resources: Resource) -> str:
    """Whether the caller may see the person at `alias` as `Person._sees` decides: they are
    the person, or may read one of the person's domains (`Reach.persons` is that rule in
    SQL; tests/authz checks it against Casbin)."""
    label = "s_" + "_".join(r.value for r in resources)
    return b.j.truth(b.expr(alias, label, or_(*(b.reach.persons(r) for r in resources))))


def _person_contact(mask: Callable[[Build, str], str]) -> FieldSql:
    return lambda b, alias, f: (
        f"(CASE WHEN {_sees(b, alias, Resource.CONTACT, Resource.PII)} THEN {mask(b, alias)} END)"
    )


def _person_pii(column: InstrumentedAttribute[Any]) -> FieldSql:
    return lambda b, alias, f: f"(CASE WHEN {_sees(b, alias, Resource.PII)} THEN {b.col(alias, column)} END)"


PERSON = Entity(
    "Person",
    {
        "id": global_id("Person", Person.id),
        "name": plain(Person.name),
        "version": plain(Person.version),
        "createdAt": timestamp(Person.created_at),
        "idNumberMasked": _person_contact(lambda b, a: b.j.mask_id_number(b.col(a, Person.id_number))),
        "phoneMasked": _person_contact(lambda b, a: b.j.mask_phone(b.col(a, Person.phone))),
        "idNumber": _person_pii(Person.id_number),
        "phone": _person_pii(Person.phone),
    },
    Person.id,
)

__all__ = ["ASSIGNMENT", "ORG_UNIT", "PERSON", "POST", "Callable", "apply_unit_filter"]
