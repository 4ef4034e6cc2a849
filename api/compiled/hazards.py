"""The hazard ledger's types on the compiled read path: `Hazard` with its category, unit,
persons, evidence, plans, history and notices (the roots are in `api.compiled.hazard_roots`).

Meaning is `api/hazards/types.py`: each relation reads through the reach
predicate its loader uses (units, persons, the category library), plans, history and
notices through none (as their loaders: the hazard itself is visible). Not compiled, so a
document selecting them goes through the resolvers: event data (JSON kept as stored), the
inspection record and the `Actor` unions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Numeric, func, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from api.compiled.build import Build, Entity, FieldSql
from api.compiled.evidence import evidence_files
from api.compiled.fields import Field, Unsupported
from api.compiled.posts import PERSON
from api.compiled.refs import day, days_between, rows, subject_ref
from api.compiled.scalars import boolean, global_id, plain, timestamp
from api.compiled.tree import ORG_UNIT
from authz.visibility.hazards import categories_visible, hazards_visible
from domain.files.models import AttachmentSubject
from domain.hazards import ledger
from domain.hazards import states as st
from domain.hazards.models import Hazard, HazardCategory, HazardEvent, HazardNotice, HazardPlan
from domain.people.models import Person
from domain.reads.jsonsql import quote
from domain.tree.models import OrgUnit

OPEN = ledger.OPEN


def _person(column: InstrumentedAttribute[Any]) -> FieldSql:
    """A person by id, if the caller may read them (`person_by_id`)."""

    def render(b: Build, alias: str, f: Field) -> str:
        stmt = select(Person).where(b.reach.persons())
        return b.row(f, PERSON, stmt, [Person.id == b.ref(alias, column)])

    return render


def _unit(column: InstrumentedAttribute[Any]) -> FieldSql:
    """A unit by id, if the caller may read it (`unit_by_id`)."""

    def render(b: Build, alias: str, f: Field) -> str:
        stmt = select(OrgUnit).where(b.reach.units())
        return b.row(f, ORG_UNIT, stmt, [OrgUnit.id == b.ref(alias, column)])

    return render


def _funds(b: Build, alias: str, f: Field) -> str:
    """A Decimal as Strawberry shows it: `str()` of the value as read, at the column's scale
    (PostgreSQL's numeric keeps it; SQLite's driver value is formatted to it by SQLAlchemy)."""
    column = b.col(alias, HazardPlan.funds)
    if b.j.pg:
        return f"CAST({column} AS TEXT)"
    kind = HazardPlan.__table__.c.funds.type
    scale = kind.scale if isinstance(kind, Numeric) else None
    return f"printf('%.{int(scale or 0)}f', {column})"


def _open(b: Build, alias: str) -> str:
    values = ", ".join(f"'{s}'" for s in sorted(OPEN))
    return f"{b.col(alias, Hazard.state)} IN ({values})"


def _overdue(b: Build, alias: str, f: Field) -> str:
    """Open and its deadline before today (`Hazard.overdue`)."""
    deadline = b.col(alias, Hazard.deadline)
    return b.j.boolean(f"({_open(b, alias)} AND {deadline} IS NOT NULL AND {deadline} < {day(b, b.today)})")


def _days_left(b: Build, alias: str, f: Field) -> str:
    """Days to the deadline while open; null without one or once settled (`Hazard.daysLeft`)."""
    deadline = b.col(alias, Hazard.deadline)
    return (
        f"(CASE WHEN {deadline} IS NULL OR NOT ({_open(b, alias)}) THEN NULL "
        f"ELSE {days_between(b, deadline, b.today)} END)"
    )


def _category(b: Build, alias: str, f: Field) -> str:
    stmt = select(HazardCategory).where(categories_visible(b.reach))
    where = [HazardCategory.id == b.ref(alias, Hazard.category_id)]
    return b.row(f, CATEGORY, stmt, where)


def _plan(b: Build, alias: str, f: Field) -> str:
    """The current plan: the last one made (`plans_by_hazard`, last)."""
    stmt = select(HazardPlan).order_by(HazardPlan.id.desc())
    return b.row(f, PLAN, stmt, [HazardPlan.hazard_id == b.ref(alias, Hazard.id)])


def _plans(b: Build, alias: str, f: Field) -> str:
    where = [HazardPlan.hazard_id == b.ref(alias, Hazard.id)]
    return rows(b, f, PLAN, select(HazardPlan), where)


def _history(b: Build, alias: str, f: Field) -> str:
    where = [HazardEvent.hazard_id == b.ref(alias, Hazard.id)]
    return rows(b, f, EVENT, select(HazardEvent), where)


def _notices(b: Build, alias: str, f: Field) -> str:
    where = [HazardNotice.hazard_id == b.ref(alias, Hazard.id)]
    return rows(b, f, NOTICE, select(HazardNotice), where)


def _notice_hazard(b: Build, alias: str, f: Field) -> str:
    """The hazard a notice is about, if the caller may read it (`hazard_by_id`)."""
    stmt = select(Hazard).where(hazards_visible(b.reach))
    return b.row(f, HAZARD, stmt, [Hazard.id == b.ref(alias, HazardNotice.hazard_id)])


def _pending_extension(b: Build, alias: str, f: Field) -> str:
    """The last extension event of the hazard, if it is a request (not yet decided)."""
    hazard = b.ref(alias, Hazard.id)
    other = aliased(HazardEvent)  # the subquery reads the whole history, not the row at hand
    extension = func.substr(other.kind, 1, 10) == "EXTENSION_"
    last = select(func.max(other.id)).where(other.hazard_id == hazard, extension).correlate(None)
    stmt = select(HazardEvent).where(
        HazardEvent.id == last.scalar_subquery(), HazardEvent.kind == st.EventKind.EXTENSION_REQUESTED.value
    )
    return b.row(f, EVENT, stmt, [HazardEvent.hazard_id == hazard])


_ATTACHMENT = ("name", "mediaType", "sizeBytes", "sha256", "uri")  # stored under the same keys


def _evidence(b: Build, alias: str, f: Field) -> str:
    """`Hazard.evidence`: the stored list's entries in order, each as a RecordAttachment
    (`uri` null where the entry has none; anything but a list: no entries)."""
    j = b.j
    column = b.col(alias, Hazard.evidence)
    pairs: list[tuple[str, str]] = []
    for ef in b.sel.sub(f):
        if ef.name == "__typename":
            pairs.append((ef.key, j.text_literal("RecordAttachment")))
        elif ef.name not in _ATTACHMENT:
            raise Unsupported(f"RecordAttachment.{ef.name}")
        elif j.pg:  # text as text; the size as the JSON number it is
            pairs.append((ef.key, f"(ev.e {'->' if ef.name == 'sizeBytes' else '->>'} {quote(ef.name)})"))
        else:
            pairs.append((ef.key, f"json_extract(ev.e, {quote('$.' + ef.name)})"))
    if j.pg:
        items = (
            f"json_array_elements(CASE WHEN json_typeof({column}) = 'array' THEN {column} END) "
            "WITH ORDINALITY AS ev(e, n)"
        )
        return f"(SELECT {j.agg(j.obj(pairs), 'ev.n')} FROM {items})"
    items = (
        f"(SELECT value AS e FROM json_each(CASE WHEN json_type({column}) = 'array' THEN {column} END) "
        "ORDER BY key) AS ev"
    )
    return j.embed(f"(SELECT {j.agg(j.obj(pairs), 'ev.e')} FROM {items})")


CATEGORY = Entity(
    "HazardCategory",
    {
        "id": global_id("HazardCategory", HazardCategory.id),
        "code": plain(HazardCategory.code),
        "name": plain(HazardCategory.name),
        "domain": plain(HazardCategory.domain),
        "major": boolean(HazardCategory.major),
        "description": plain(HazardCategory.description),
        "basis": plain(HazardCategory.basis),
    },
    HazardCategory.id,
)

PLAN = Entity(
    "HazardPlan",
    {
        "id": global_id("HazardPlan", HazardPlan.id),
        "measures": plain(HazardPlan.measures),
        "funds": _funds,
        "deadline": plain(HazardPlan.deadline),
        "contingencyPlan": plain(HazardPlan.contingency_plan),
        "createdAt": timestamp(HazardPlan.created_at),
        "createdBy": subject_ref(HazardPlan.created_by),
        "responsiblePerson": _person(HazardPlan.responsible_person_id),
        "evidenceFiles": evidence_files(AttachmentSubject.HAZARD_PLAN, HazardPlan.id),
    },
    HazardPlan.id,
)

EVENT = Entity(
    "HazardEvent",
    {
        "id": global_id("HazardEvent", HazardEvent.id),
        "kind": plain(HazardEvent.kind),
        "fromState": plain(HazardEvent.from_state),
        "toState": plain(HazardEvent.to_state),
        "actor": subject_ref(HazardEvent.actor),
        "note": plain(HazardEvent.note),
        "createdAt": timestamp(HazardEvent.created_at),
        "person": _person(HazardEvent.actor_person_id),
    },
    HazardEvent.id,
)

NOTICE = Entity(
    "HazardNotice",
    {
        "id": global_id("HazardNotice", HazardNotice.id),
        "kind": plain(HazardNotice.kind),
        "noticeKind": plain(HazardNotice.kind),
        "createdAt": timestamp(HazardNotice.created_at),
        "unit": _unit(HazardNotice.unit_id),
        "hazard": _notice_hazard,
    },
    HazardNotice.id,
)

HAZARD = Entity(
    "Hazard",
    {
        "id": global_id("Hazard", Hazard.id),
        "grade": plain(Hazard.grade),
        "title": plain(Hazard.title),
        "description": plain(Hazard.description),
        "source": plain(Hazard.source),
        "foundOn": plain(Hazard.found_on),
        "foundBy": subject_ref(Hazard.found_by),
        "state": plain(Hazard.state),
        "deadline": plain(Hazard.deadline),
        "closedOn": plain(Hazard.closed_on),
        "version": plain(Hazard.version),
        "evidence": _evidence,
        "overdue": _overdue,
        "daysLeft": _days_left,
        "unit": _unit(Hazard.unit_id),
        "category": _category,
        "finder": _person(Hazard.found_by_person_id),
        "responsiblePerson": _person(Hazard.responsible_person_id),
        "plan": _plan,
        "plans": _plans,
        "history": _history,
        "pendingExtension": _pending_extension,
        "notices": _notices,
        "evidenceFiles": evidence_files(AttachmentSubject.HAZARD, Hazard.id),
    },
    Hazard.id,
)
