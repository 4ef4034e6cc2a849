"""Posts, assignments, 分管 records and persons on the compiled path (api/posts/types.py and
api/people/types.py on the resolver path): the same statements, reach predicates, orders,
and the same rule for contact details and full numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import InstrumentedAttribute

from api.compiled.build import Build, Entity, FieldSql, entity, register
from api.compiled.fields import Field
from api.compiled.scalars import boolean, global_id, plain, timestamp
from authz.catalogue import Resource
from domain.people.models import Person
from domain.posts.models import Assignment, Post, PostCharge
from domain.posts.queries import (
    ASSIGNMENT_ORDER,
    CHARGE_ORDER,
    AssignmentFilter,
    assignments_stmt,
    charged_units_stmt,
)
from domain.posts.relations import charges_stmt
from domain.tree.models import OrgUnit
from domain.tree.queries import UNIT_ORDER


def _post_unit(b: Build, alias: str, f: Field) -> str:
    return b.row(
        f,
        entity("OrgUnit"),
        select(OrgUnit).where(b.reach.units()),
        [OrgUnit.id == b.ref(alias, Post.unit_id)],
    )


def _post_assignments(b: Build, alias: str, flt: AssignmentFilter, f: Field) -> str:
    stmt = assignments_stmt(flt).where(b.reach.assignments())
    return b.connection(
        f,
        ASSIGNMENT,
        stmt,
        ASSIGNMENT_ORDER,
        [Assignment.post_id == b.ref(alias, Post.id)],
    )


def _post_holders(b: Build, alias: str, f: Field) -> str:
    return _post_assignments(b, alias, AssignmentFilter(on=b.sel.args(f).get("on") or b.today), f)


def _post_history(b: Build, alias: str, f: Field) -> str:
    include = bool(b.sel.args(f).get("includeHistory", b.sel.args(f).get("include_history", False)))
    return _post_assignments(b, alias, AssignmentFilter(include_history=include), f)


def _post_charges(b: Build, alias: str, f: Field) -> str:
    """`Post.charges`: the post's 分管 records, open ones unless includeEnded (as
    ChargesByPostLoader reads them)."""
    args = b.sel.args(f)
    include_ended = bool(args.get("includeEnded", args.get("include_ended", False)))
    stmt = charges_stmt(include_ended, b.reach.charges())
    return b.connection(
        f,
        POST_CHARGE,
        stmt,
        CHARGE_ORDER,
        [PostCharge.post_id == b.ref(alias, Post.id)],
    )


def _post_in_charge_of(b: Build, alias: str, f: Field) -> str:
    day = b.sel.args(f).get("on") or b.today
    stmt = charged_units_stmt(day).where(b.reach.units(), b.reach.charges())
    return b.connection(
        f,
        entity("OrgUnit"),
        stmt,
        UNIT_ORDER,
        [PostCharge.post_id == b.ref(alias, Post.id)],
    )


def _charge_post(b: Build, alias: str, f: Field) -> str:
    stmt = select(Post).where(b.reach.posts())
    return b.row(f, POST, stmt, [Post.id == b.ref(alias, PostCharge.post_id)])


def _charge_unit(b: Build, alias: str, f: Field) -> str:
    stmt = select(OrgUnit).where(b.reach.units())
    return b.row(f, entity("OrgUnit"), stmt, [OrgUnit.id == b.ref(alias, PostCharge.unit_id)])


def _assignment_active(b: Build, alias: str, f: Field) -> str:
    """`Assignment.active(on)`: Assignment.covers, in SQL."""
    day = b.j.text_literal((b.sel.args(f).get("on") or b.today).isoformat())
    if b.j.pg:
        day = f"CAST({day} AS date)"
    start, end = b.col(alias, Assignment.start_date), b.col(alias, Assignment.end_date)
    return b.j.boolean(f"({start} <= {day} AND ({end} IS NULL OR {end} >= {day}))")


def _person_assignments(b: Build, alias: str, f: Field) -> str:
    args = b.sel.args(f)
    include = bool(args.get("includeHistory", args.get("include_history", False)))
    stmt = assignments_stmt(AssignmentFilter(on=args.get("on"), include_history=include)).where(
        b.reach.assignments()
    )
    return b.connection(
        f,
        ASSIGNMENT,
        stmt,
        ASSIGNMENT_ORDER,
        [Assignment.person_id == b.ref(alias, Person.id)],
    )


def _assignment_person(b: Build, alias: str, f: Field) -> str:
    stmt = select(Person).where(b.reach.persons())
    return b.row(f, PERSON, stmt, [Person.id == b.ref(alias, Assignment.person_id)])


def _assignment_post(b: Build, alias: str, f: Field) -> str:
    stmt = select(Post).where(b.reach.posts())
    return b.row(f, POST, stmt, [Post.id == b.ref(alias, Assignment.post_id)])


def _assignment_corrects(b: Build, alias: str, f: Field) -> str:
    stmt = select(Assignment).where(b.reach.assignments())
    return b.row(f, ASSIGNMENT, stmt, [Assignment.id == b.ref(alias, Assignment.corrects_id)])


POST = register(
    Entity(
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
            "charges": _post_charges,
            "inChargeOf": _post_in_charge_of,
            "assignments": _post_history,
        },
        Post.id,
    )
)

ASSIGNMENT = register(
    Entity(
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
            "active": _assignment_active,
        },
        Assignment.id,
    )
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


PERSON = register(
    Entity(
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
            "assignments": _person_assignments,
        },
        Person.id,
    )
)


POST_CHARGE = register(
    Entity(
        "PostCharge",
        {
            "id": global_id("PostCharge", PostCharge.id),
            "startDate": plain(PostCharge.start_date),
            "endDate": plain(PostCharge.end_date),
            "createdAt": timestamp(PostCharge.created_at),
            "post": _charge_post,
            "unit": _charge_unit,
        },
        PostCharge.id,
    )
)
