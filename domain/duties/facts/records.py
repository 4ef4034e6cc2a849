"""Records and exemptions of the persons in play, read in one or two statements, and the
facts brought up to date with records just written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.models import (
    EXEMPTION,
    DutyItem,
    DutyListVersion,
    DutyRecord,
    DutyRecordItem,
    DutyRecordUnit,
    ExemptionDecision,
    effective_record,
)
from domain.duties.obligations import (
    ExemptionFacts,
    Facts,
    RecordFacts,
)
from domain.tree.models import OrgUnit


def with_added_records(facts: Facts, added: list[RecordFacts]) -> Facts:
    """The same facts with new records (just written, in force, not corrections) that the
    facts' own reading would have found: by one of their persons, dated in their window."""
    persons, _holders, start, end = facts.record_source
    found = [
        r
        for r in added
        if r.person_id in persons
        and (start <= r.performed_on <= end or (r.makeup_for is not None and start <= r.makeup_for <= end))
    ]
    return replace(facts, records=[*facts.records, *found]) if found else facts


async def records_between(
    session: AsyncSession, facts: Facts, persons: set[int], start: date, end: date
) -> list[RecordFacts]:
    """The records `load_facts` would have loaded of some of the facts' persons, dated (or
    making up for a day) in [start, end]: all that can count for shares of those persons
    that lie within these dates."""
    if facts.record_source is None:
        return await _load_records(session, persons, None, start, end)
    known, holders, _start, _end = facts.record_source
    return await _load_records(session, persons & known, holders, start, end)


async def with_fresh_records(session: AsyncSession, facts: Facts) -> Facts:
    """The same facts with their records read again: after a change of records alone (a
    record made, corrected or withdrawn), nothing else needs reading."""
    return replace(facts, records=await _load_records(session, *facts.record_source))


MAX_LISTED_PERSONS = 30_000


def _records(who: Any) -> Any:
    """One row per record, unit and named duty (a record covers a unit or a few and names
    none or a few duties) of the recorders `who`, dated in [records_start, records_end]."""
    start, end = bindparam("records_start", type_=Date), bindparam("records_end", type_=Date)
    return (
        select(
            DutyRecord.id,
            DutyRecord.kind,
            DutyRecord.performed_on,
            DutyRecord.recorder_person_id,
            DutyRecord.makeup_for,
            DutyRecordUnit.unit_id,
            OrgUnit.path,
            DutyListVersion.list_id,
            DutyItem.key,
        )
        .join(DutyRecordUnit, DutyRecordUnit.record_id == DutyRecord.id)
        .join(OrgUnit, OrgUnit.id == DutyRecordUnit.unit_id)
        .outerjoin(DutyRecordItem, DutyRecordItem.record_id == DutyRecord.id)
        .outerjoin(DutyItem, DutyItem.id == DutyRecordItem.item_id)
        .outerjoin(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
        .where(
            effective_record(),
            DutyRecord.kind != EXEMPTION,
            DutyRecord.recorder_person_id.is_not(None),
            # A make-up is performed after the day it makes up for (a check constraint): the
            # first bound holds for both kinds, and lets the recorder index seek by date (an
            # OR alone had SQLite read every record of each recorder).
            DutyRecord.performed_on >= start,
            or_(DutyRecord.performed_on <= end, DutyRecord.makeup_for.between(start, end)),
            DutyRecord.recorder_person_id.in_(who),
        )
        .order_by(DutyRecord.id, DutyRecordUnit.unit_id)
    )


@cache
def _records_of_listed() -> Any:
    return _records(bindparam("persons", expanding=True))


@cache
def _exemptions(of: tuple[Any, Any] | None = None) -> Any:
    """Approved exemptions in force overlapping [exempt_start, exempt_end]; `of`: only those
    of these persons or posts (an exemption counts for a post's obligations by its post,
    for a holder's own by its person)."""
    stmt = select(
        DutyRecord.id,
        DutyRecord.exempt_post_id,
        DutyRecord.exempt_person_id,
        DutyRecord.exempt_list_id,
        DutyRecord.exempt_item_key,
        DutyRecord.exempt_from,
        DutyRecord.exempt_to,
    ).where(
        # A record has one decision at most (a unique index): the approved ones, taken
        # from the few decisions (a join had SQLite read every record for their kind).
        DutyRecord.id.in_(select(ExemptionDecision.record_id).where(ExemptionDecision.approved.is_(True))),
        DutyRecord.kind == EXEMPTION,
        effective_record(),
        DutyRecord.exempt_to >= bindparam("exempt_start", type_=Date),
        DutyRecord.exempt_from <= bindparam("exempt_end", type_=Date),
    )
    if of is not None:
        persons, posts = of
        stmt = stmt.where(or_(DutyRecord.exempt_person_id.in_(persons), DutyRecord.exempt_post_id.in_(posts)))
    return stmt


@cache
def _exemptions_of_listed() -> Any:
    return _exemptions((bindparam("persons", expanding=True), bindparam("exempt_posts", expanding=True)))


# The rows of `_records_and_exemptions`, tagged.
_RECORD, _EXEMPTION = 1, 2


def _records_and_exemptions(who: Any, exempt_of: tuple[Any, Any] | None = None) -> Any:
    """`_records(who)` and `_exemptions()` in one statement (every record write reads both):
    a UNION ALL of tagged rows, records first, each kind in its own order. An exemption's
    row: its id, no kind, its first day, person, last day, post, no path, list and item."""
    records = _records(who).subquery()
    ex = _exemptions(exempt_of).subquery()
    absent_kind, absent_path = cast(null(), String), cast(null(), String)
    everything = union_all(
        select(literal(_RECORD, Integer).label("tag"), *records.c),
        select(
            literal(_EXEMPTION, Integer),
            ex.c.id,
            absent_kind,
            ex.c.exempt_from,
            ex.c.exempt_person_id,
            ex.c.exempt_to,
            ex.c.exempt_post_id,
            absent_path,
            ex.c.exempt_list_id,
            ex.c.exempt_item_key,
        ),
    ).subquery()
    c = everything.c
    return select(everything).order_by(c.tag, c[1], c[6])


@cache
def _records_and_exemptions_of_listed() -> Any:
    persons: Any = bindparam("persons", expanding=True)
    return _records_and_exemptions(persons, (persons, bindparam("exempt_posts", expanding=True)))


@cache
def _records_and_exemptions_of_persons() -> Any:
    """Past the parameter limits with the posts named too: every exemption in the window."""
    return _records_and_exemptions(bindparam("persons", expanding=True))


def _record_facts(rows: Any, persons: set[int]) -> list[RecordFacts]:
    """Records from the rows of `_records` (one per record, unit and named duty, by record)."""
    out = []
    i = 0
    while i < len(rows):
        r = rows[i]
        j = i + 1
        while j < len(rows) and rows[j][0] == r[0]:
            j += 1
        group = rows[i:j]
        i = j
        if r[3] not in persons:
            continue
        units = dict.fromkeys((g[5], g[6]) for g in group)
        out.append(
            RecordFacts(
                id=r[0],
                kind=r[1],
                performed_on=r[2],
                person_id=r[3],
                unit_paths=tuple(path for _, path in units),
                unit_ids=tuple(unit_id for unit_id, _ in units),
                items=frozenset((g[7], g[8]) for g in group if g[7] is not None),
                makeup_for=r[4],
            )
        )
    return out


def _records_statement(
    persons: set[int], holders: Select[Any] | None, start: date, end: date, listed: Any, of: Any
) -> tuple[Any, dict[str, Any]]:
    """The statement built for the holders (`listed()`, or `of(holders)` past the parameter
    limits of SQLite and asyncpg, 32,766) and its values."""
    dates: dict[str, Any] = {
        "records_start": start,
        "records_end": end,
        "exempt_start": start,
        "exempt_end": end,
    }
    if holders is None or len(persons) <= MAX_LISTED_PERSONS:
        return listed(), {**dates, "persons": sorted(persons)}
    return of(holders), dates


async def _load_records(
    session: AsyncSession, persons: set[int], holders: Select[Any] | None, start: date, end: date
) -> list[RecordFacts]:
    """Records in force of the posts' holders that may count for the window. The holders are
    named (a park's thousands included: both databases seek them in the recorder index);
    past the parameter limits they are `holders`, a subquery."""
    if not persons:
        return []
    stmt, values = _records_statement(persons, holders, start, end, _records_of_listed, _records)
    return _record_facts((await session.execute(stmt, values)).all(), persons)


async def load_records_and_exemptions(
    session: AsyncSession,
    persons: set[int],
    posts: list[int],
    holders: Select[Any] | None,
    start: date,
    end: date,
) -> tuple[list[RecordFacts], list[ExemptionFacts]]:
    """`_load_records` and the approved exemptions in force overlapping the window: of the
    persons or the posts while they are listed, every one past the parameter limits."""
    if not persons:
        return [], await load_exemptions(session, start, end, posts)
    named = len(persons) + len(posts) <= MAX_LISTED_PERSONS
    listed = _records_and_exemptions_of_listed if named else _records_and_exemptions_of_persons
    stmt, values = _records_statement(persons, holders, start, end, listed, _records_and_exemptions)
    if named:
        values["exempt_posts"] = posts
    rows = (await session.execute(stmt, values)).all()
    first = next((n for n, r in enumerate(rows) if r.tag == _EXEMPTION), len(rows))
    records = _record_facts([tuple(r)[1:] for r in rows[:first]], persons)
    exemptions = [
        _exemption(rid, post_id, person_id, list_id, key, ex_from, ex_to)
        for _, rid, _kind, ex_from, person_id, ex_to, post_id, _path, list_id, key in rows[first:]
    ]
    return records, exemptions


def _exemption(
    rid: int, post_id: Any, person_id: Any, list_id: Any, key: Any, ex_from: Any, ex_to: Any
) -> ExemptionFacts:
    """An exemption from its columns (an exemption row has them all: a check constraint)."""
    assert list_id is not None and key is not None and ex_from is not None and ex_to is not None
    return ExemptionFacts(rid, post_id, person_id, list_id, key, ex_from, ex_to)


async def load_exemptions(
    session: AsyncSession, start: date, end: date, posts: list[int], persons: set[int] | None = None
) -> list[ExemptionFacts]:
    """The approved exemptions of `load_records_and_exemptions`, without the records."""
    values: dict[str, Any] = {"exempt_start": start, "exempt_end": end}
    if len(posts) + len(persons or ()) <= MAX_LISTED_PERSONS:
        stmt = _exemptions_of_listed()
        values = {**values, "persons": sorted(persons or ()), "exempt_posts": posts}
    else:
        stmt = _exemptions()
    rows = (await session.execute(stmt, values)).all()
    return [_exemption(*r) for r in rows]
