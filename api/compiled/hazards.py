"""The hazard ledger on the compiled read path: the `hazards`, `majorHazardBoard` and
`hazardCategories` roots and the `Hazard` type with its category, unit, persons, plans,
history and notices.

Meaning is `api/hazards/queries.py` and `api/hazards/types.py`: the ledger is
`hazards_visible` with the same filters, the unit argument a subtree of a unit the caller may
read (none: nothing), the order `HAZARD_ORDER`; each relation reads through the reach
predicate its loader uses (units, persons, the category library), plans, history and
notices through none (as their loaders: the hazard itself is visible). Not compiled, so a
document selecting them goes through the resolvers: event data (JSON kept as stored), the
inspection record, the `Actor` unions and the notices' hazard.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Numeric, and_, false, func, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from api.compiled.build import Build, Entity, FieldSql
from api.compiled.entities import ORG_UNIT, PERSON, boolean, global_id, plain, timestamp
from api.compiled.entities import _get as get
from api.compiled.fields import Fallback, Field, Unsupported
from api.compiled.refs import day, days_between, rows, subject_ref
from api.hazards.loaders import (
    BOARD_ORDER,
    CATEGORY_ORDER,
    HAZARD_ORDER,
    categories_visible,
    hazards_visible,
)
from api.ids import try_decode_id
from domain.hazards import states as st
from domain.hazards.models import Hazard, HazardCategory, HazardEvent, HazardNotice, HazardPlan
from domain.people.models import Person
from domain.reads.jsonsql import quote
from domain.reads.levels import outer
from domain.tree.models import OrgUnit

OPEN = [s.value for s in st.OPEN_STATES]


def _c(b: Build, alias: str, column: InstrumentedAttribute[Any]) -> str:
    return b.col(alias, column).split(".", 1)[1]


def _person(column: InstrumentedAttribute[Any]) -> FieldSql:
    """A person by id, if the caller may read them (`person_by_id`)."""

    def render(b: Build, alias: str, f: Field) -> str:
        stmt = select(Person).where(b.reach.persons())
        return b.row(f, PERSON, stmt, [Person.id == outer(alias, _c(b, alias, column))])

    return render


def _unit(column: InstrumentedAttribute[Any]) -> FieldSql:
    """A unit by id, if the caller may read it (`unit_by_id`)."""

    def render(b: Build, alias: str, f: Field) -> str:
        stmt = select(OrgUnit).where(b.reach.units())
        return b.row(f, ORG_UNIT, stmt, [OrgUnit.id == outer(alias, _c(b, alias, column))])

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
    where = [HazardCategory.id == outer(alias, _c(b, alias, Hazard.category_id))]
    return b.row(f, CATEGORY, stmt, where)


def _plan(b: Build, alias: str, f: Field) -> str:
    """The current plan: the last one made (`plans_by_hazard`, last)."""
    stmt = select(HazardPlan).order_by(HazardPlan.id.desc())
    return b.row(f, PLAN, stmt, [HazardPlan.hazard_id == outer(alias, _c(b, alias, Hazard.id))])


def _plans(b: Build, alias: str, f: Field) -> str:
    where = [HazardPlan.hazard_id == outer(alias, _c(b, alias, Hazard.id))]
    return rows(b, f, PLAN, select(HazardPlan), where)


def _history(b: Build, alias: str, f: Field) -> str:
    where = [HazardEvent.hazard_id == outer(alias, _c(b, alias, Hazard.id))]
    return rows(b, f, EVENT, select(HazardEvent), where)


def _notices(b: Build, alias: str, f: Field) -> str:
    where = [HazardNotice.hazard_id == outer(alias, _c(b, alias, Hazard.id))]
    return rows(b, f, NOTICE, select(HazardNotice), where)


def _pending_extension(b: Build, alias: str, f: Field) -> str:
    """The last extension event of the hazard, if it is a request (not yet decided)."""
    hazard = outer(alias, _c(b, alias, Hazard.id))
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
    },
    Hazard.id,
)


# --- the root ------------------------------------------------------------------------------


def _values(given: Any, name: str, snake: str) -> list[Any] | None:
    found = get(given, name, get(given, snake))
    return list(found) if found else None


def _ledger(b: Build, unit_arg: Any, unit_given: bool) -> Any:
    """`_ledger` of the resolver before its filters: visible hazards, of a unit's subtree
    (a unit the caller may read; another or none: nothing) if one is given."""
    from api.compiled.roots import _unit_id, _visible_path

    stmt = select(Hazard).where(hazards_visible(b.reach))
    if not unit_given:
        return stmt
    unit_id = _unit_id(unit_arg)
    if unit_id is None:
        return stmt.where(false())
    path = _visible_path(b, unit_id)
    upper = func.substr(path, 1, func.length(path) - 1).concat("0")
    units = select(OrgUnit.id).where(OrgUnit.path >= path, OrgUnit.path < upper)
    return stmt.where(Hazard.unit_id.in_(units))


def hazards(b: Build, f: Field) -> str:
    """`Query.hazards`: the ledger, filter for filter, oldest found first."""
    args = b.sel.args(f)
    stmt = _ledger(b, args.get("unitId"), args.get("unitId") is not None)
    flt = args.get("filter")
    if flt is not None:
        stmt = _filtered(b, stmt, flt)
    return b.connection(f, HAZARD, stmt, HAZARD_ORDER)


def major_hazard_board(b: Build, f: Field) -> str:
    """`Query.majorHazardBoard`: open major hazards of a unit's subtree, by deadline."""
    stmt = _ledger(b, b.sel.args(f).get("parkId"), True)
    flt = {"grades": [st.Grade.MAJOR], "states": sorted(st.OPEN_STATES)}
    return b.connection(f, HAZARD, _filtered(b, stmt, flt), BOARD_ORDER)


def hazard_categories(b: Build, f: Field) -> str:
    """`Query.hazardCategories`: the library, by domain and majority if given."""
    args = b.sel.args(f)
    stmt = select(HazardCategory).where(categories_visible(b.reach))
    if args.get("domain") is not None:
        stmt = stmt.where(HazardCategory.domain == st.HazardDomain(args["domain"]).value)
    if args.get("major") is not None:
        stmt = stmt.where(HazardCategory.major.is_(bool(args["major"])))
    return b.connection(f, CATEGORY, stmt, CATEGORY_ORDER)


def _filtered(b: Build, stmt: Any, flt: Any) -> Any:
    grades = _values(flt, "grades", "grades")
    if grades:
        stmt = stmt.where(Hazard.grade.in_([st.Grade(g).value for g in grades]))
    states = _values(flt, "states", "states")
    if states:
        stmt = stmt.where(Hazard.state.in_([st.HazardState(s).value for s in states]))
    categories = _values(flt, "categoryIds", "category_ids")
    if categories:
        from strawberry import relay

        try:
            gids = [c if isinstance(c, relay.GlobalID) else relay.GlobalID.from_id(c) for c in categories]
        except Exception as exc:  # not global IDs: the resolver path reports them
            raise Fallback("categoryIds") from exc
        ids = [try_decode_id(c, "HazardCategory") or 0 for c in gids]
        stmt = stmt.where(Hazard.category_id.in_(ids))
    sources = _values(flt, "sources", "sources")
    if sources:
        stmt = stmt.where(Hazard.source.in_([st.Source(s).value for s in sources]))
    overdue = and_(Hazard.state.in_(OPEN), Hazard.deadline < b.today)
    flag = get(flt, "overdue")
    if flag is True:
        stmt = stmt.where(overdue)
    elif flag is False:
        stmt = stmt.where(~overdue | Hazard.deadline.is_(None))
    found_from = get(flt, "foundFrom", get(flt, "found_from"))
    if found_from:
        stmt = stmt.where(Hazard.found_on >= found_from)
    found_to = get(flt, "foundTo", get(flt, "found_to"))
    if found_to:
        stmt = stmt.where(Hazard.found_on <= found_to)
    return stmt
