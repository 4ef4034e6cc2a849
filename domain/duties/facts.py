"""Loads the facts obligations are computed from, in a fixed number of queries whatever the
number of posts, holders or records (a park's year: seven statements)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import SHANGHAI
from domain.duties.models import (
    EXEMPTION,
    CriticalPeriod,
    DutyItem,
    DutyList,
    DutyListVersion,
    DutyRecord,
    DutyRecordItem,
    DutyRecordUnit,
    ExemptionDecision,
    effective_period,
    effective_record,
)
from domain.duties.obligations import (
    Charge,
    EventFacts,
    ExemptionFacts,
    Facts,
    ItemVersion,
    ListFacts,
    PostFacts,
    RecordFacts,
    Tenure,
)
from domain.duties.periods import period_of
from domain.duties.rules import Rule, Shape, UnitFacts, parse_rule
from domain.posts.models import Assignment, Post, PostCharge, assignment_overlaps, effective_assignment
from domain.tree.models import EnterpriseProfile, OrgUnit, subtree_upper_bound


def _local_date(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    return (
        moment.astimezone(SHANGHAI).date()
        if moment.tzinfo
        else moment.replace(tzinfo=UTC).astimezone(SHANGHAI).date()
    )


_RULES: dict[str, Rule] = {}


def _parsed(rule: Any) -> Rule:
    """A stored rule, parsed once per process: facts are loaded on every change (scores are
    kept current), and the same few hundred rules would be parsed again each time. Rules
    are immutable values and their items are never edited, so the cache cannot go stale."""
    key = json.dumps(rule, sort_keys=True, ensure_ascii=False)
    found = _RULES.get(key)
    if found is None:
        if len(_RULES) > 20_000:
            _RULES.clear()
        found = _RULES[key] = parse_rule(rule)
    return found


_LISTS: dict[tuple[Any, ...], list[ListFacts]] = {}
_EVENTS: dict[tuple[Any, ...], list[EventFacts]] = {}


# What lists and critical periods are in force, as columns of one row: a caller that
# reads other things in the same statement (the score update's first statement) passes the
# values to `load_facts`, which then need not read them again.
# Items are written only with their version, in its transaction, and never changed: the
# versions' count and last creation time stand for them (counting items cost every record
# write a scan of them all).
FACTS_FINGERPRINT = (
    select(func.count(DutyList.id)).scalar_subquery(),
    select(func.max(DutyList.id)).scalar_subquery(),
    select(func.count(DutyListVersion.id)).scalar_subquery(),
    select(func.max(DutyListVersion.created_at)).scalar_subquery(),
    select(func.max(OrgUnit.updated_at)).where(OrgUnit.id.in_(select(DutyList.unit_id))).scalar_subquery(),
    select(func.count(CriticalPeriod.id)).scalar_subquery(),
    select(func.max(CriticalPeriod.id)).scalar_subquery(),
    # Ids may be used again after a rollback (SQLite): the time of the last change tells.
    select(func.max(CriticalPeriod.created_at)).scalar_subquery(),
    select(func.max(OrgUnit.updated_at))
    .where(OrgUnit.id.in_(select(CriticalPeriod.unit_id)))
    .scalar_subquery(),
)
_FINGERPRINT = select(*FACTS_FINGERPRINT)
_OF_LISTS = 5  # the first five columns are the lists', the rest the critical periods'


async def load_lists(session: AsyncSession) -> list[ListFacts]:
    """Every duty list bound to a unit, with all its versions' items that carry a rule."""
    return (await _lists_and_events(session))[0]


async def _lists_and_events(
    session: AsyncSession, fingerprint: tuple[Any, ...] | None = None
) -> tuple[list[ListFacts], list[EventFacts]]:
    """The duty lists and every critical period in force; `fingerprint`: the values of
    `FACTS_FINGERPRINT` the caller read in this transaction since the last change.

    Both are kept per process under one fingerprint read in one statement: lists, versions,
    items and critical periods are only ever added (versions, items and critical periods
    are append-only: a correction or withdrawal is a new row; a list's or a period's unit
    moves with the tree, whose change time is in the fingerprint), so an unchanged
    fingerprint means unchanged lists and periods. Every change of evidence loads facts to
    keep scores current; this spares it reading and decoding every rule each time."""
    if fingerprint is None:
        fingerprint = tuple((await session.execute(_FINGERPRINT)).one())
    lists = _LISTS.get(fingerprint[:_OF_LISTS])
    if lists is None:
        lists = await _load_lists(session)
        _LISTS.clear()
        _LISTS[fingerprint[:_OF_LISTS]] = lists
    events = _EVENTS.get(fingerprint[_OF_LISTS:])
    if events is None:
        events = await _load_events(session)
        _EVENTS.clear()
        _EVENTS[fingerprint[_OF_LISTS:]] = events
    return lists, events


async def _load_events(session: AsyncSession) -> list[EventFacts]:
    rows = await session.execute(
        select(
            CriticalPeriod.id,
            CriticalPeriod.kind,
            CriticalPeriod.unit_id,
            CriticalPeriod.start_date,
            CriticalPeriod.end_date,
            OrgUnit.path,
        )
        .join(OrgUnit, OrgUnit.id == CriticalPeriod.unit_id)
        .where(effective_period())
        .order_by(CriticalPeriod.id)
    )
    return [EventFacts(e.id, e.kind, e.unit_id, e.path, e.start_date, e.end_date) for e in rows.all()]


async def _load_lists(session: AsyncSession) -> list[ListFacts]:
    lists = (
        await session.execute(
            select(DutyList.id, DutyList.post_kinds, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == DutyList.unit_id)
            .where(DutyList.unit_id.is_not(None))
        )
    ).all()
    if not lists:
        return []
    versions = (
        await session.execute(
            select(DutyListVersion.id, DutyListVersion.list_id, DutyListVersion.effective_from).order_by(
                DutyListVersion.list_id, DutyListVersion.effective_from
            )
        )
    ).all()
    spans: dict[int, tuple[int, date, date | None]] = {}
    by_list: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for vid, lid, eff in versions:
        by_list[lid].append((vid, eff))
    for lid, vs in by_list.items():
        for i, (vid, eff) in enumerate(vs):
            until = vs[i + 1][1] - timedelta(days=1) if i + 1 < len(vs) else None
            spans[vid] = (lid, eff, until)
    items = (
        await session.execute(
            select(DutyItem.id, DutyItem.version_id, DutyItem.key, DutyItem.rule).where(
                DutyItem.rule.is_not(None)
            )
        )
    ).all()
    items_by_list: dict[int, list[ItemVersion]] = defaultdict(list)
    for item_id, vid, key, rule in items:
        if vid not in spans or rule is None:
            continue
        lid, eff, until = spans[vid]
        items_by_list[lid].append(ItemVersion(lid, vid, item_id, key, _parsed(rule), eff, until))
    out = []
    for lid, kinds, path in lists:
        if lid not in by_list:
            continue
        out.append(
            ListFacts(
                id=lid,
                post_kinds=frozenset(kinds),
                path=path,
                first_effective=by_list[lid][0][1],
                items=tuple(items_by_list.get(lid, ())),
            )
        )
    return out


_Timings = tuple[frozenset[tuple[Any, ...]], tuple[tuple[date, date], ...], int]
# By the id of a lists object, with the object itself: held here, its id cannot be reused.
_TIMINGS: dict[int, tuple[list[ListFacts], _Timings]] = {}


def _timings(lists: list[ListFacts]) -> _Timings:
    """The distinct periodic timings, the one-off deadlines (with their list's first day) and
    the longest grace after a critical period, of all the lists. A few dozen, where the
    lists hold over a thousand items: worked out once per set of lists (`load_lists`
    keeps the same list object while the lists do not change)."""
    entry = _TIMINGS.get(id(lists))
    if entry is not None and entry[0] is lists:
        return entry[1]
    periodic: set[tuple[Any, ...]] = set()
    one_off: set[tuple[date, date]] = set()
    grace = 0
    for lst in lists:
        for item in lst.items:
            for v in item.rule.variants:
                t = v.timing
                if t.shape is Shape.PERIODIC:
                    periodic.add((t.every, t.interval, t.anchor_year))
                elif t.shape is Shape.ONE_OFF:
                    assert t.deadline is not None
                    one_off.add((t.deadline, lst.first_effective))
                else:
                    grace = max(grace, t.within_days)
    found = (frozenset(periodic), tuple(sorted(one_off)), grace)
    if len(_TIMINGS) > 16:
        _TIMINGS.clear()
    _TIMINGS[id(lists)] = (lists, found)
    return found


def _record_window(lists: list[ListFacts], lo: date, hi: date) -> tuple[date, date]:
    """The dates a record may have and still count for a period overlapping [lo, hi], as far
    as the lists' timings tell; a critical period's own dates widen it further
    (`_widened_by_events`)."""
    periodic, one_off, grace = _timings(lists)
    start, end = lo, hi
    for every, interval, anchor in periodic:
        start = min(start, period_of(every, lo, interval, anchor)[0])
        end = max(end, period_of(every, hi, interval, anchor)[1])
    for deadline, first in one_off:
        if deadline >= lo:
            start = min(start, first)
            end = max(end, deadline)
    return start, max(end, hi + timedelta(days=grace))


def _grace_days(lists: list[ListFacts]) -> int:
    """The most days after a critical period any event rule gives to act in."""
    return _timings(lists)[2]


def _widened_by_events(events: list[EventFacts], start: date) -> date:
    """The window's first day, taken back to the first day of any critical period found: a
    period that began before the window still counts records from its own first day."""
    return min([start, *(e.start for e in events)])


class Requested:
    """A statement of post ids (with bind parameters, or none) and the statement built on it
    that reads the posts in play. A hot path keeps one `Requested` for the life of the
    process and passes its parameters per call: building a statement costs more Python than
    running it (about a millisecond for these), compiling it again nothing (cached)."""

    def __init__(self, stmt: Select[Any] | CompoundSelect[Any]) -> None:
        requested = stmt.subquery()
        window = (bindparam("facts_start", type_=Date), bindparam("facts_end", type_=Date))
        holders = (
            select(Assignment.person_id)
            .where(
                Assignment.post_id.in_(select(requested.c[0])),
                effective_assignment(),
                assignment_overlaps(*window),
            )
            .scalar_subquery()
        )
        wider = select(Assignment.post_id).where(
            Assignment.person_id.in_(holders), effective_assignment(), assignment_overlaps(*window)
        )
        # The posts in play: the requested ones and the other posts of their holders (a
        # UNION: an OR of subqueries has PostgreSQL scan every post and assignment).
        self.in_play = union(select(requested.c[0]), wider).subquery()
        self.rows = (
            select(
                Post.id,
                Post.unit_id,
                Post.kind,
                Post.created_at,
                Post.archived_at,
                OrgUnit.path,
                OrgUnit.trade,
                OrgUnit.high_risk,
                OrgUnit.staff_count,
                OrgUnit.risk_class,
                OrgUnit.placarded,
            )
            .join(OrgUnit, OrgUnit.id == Post.unit_id)
            .where(Post.id.in_(select(self.in_play.c[0])))
        )


# The rows of `_around`, tagged: a tenure, a 分管 charge or an enterprise profile.
_TENURE, _CHARGE, _PROFILE = 1, 2, 3


def _around(posts: Any, units: Any) -> Any:
    """The tenures and charges of the posts and the profile histories of the units (each an
    expanding bind parameter or a statement of ids), in one
    statement (a UNION ALL of tagged rows; a record write reads them all every time): tag,
    post or unit, a person or a unit, the first and last day, and a charge's path or a
    profile's fields. Tenures come by post and first day, profiles by unit, day and id."""

    def absent(type_: Any) -> Any:
        return cast(null(), type_)

    tenures = select(
        literal(_TENURE, Integer).label("tag"),
        Assignment.post_id.label("owner"),
        Assignment.person_id.label("other"),
        Assignment.start_date.label("first"),
        Assignment.end_date.label("last"),
        absent(String).label("path"),
        absent(String).label("trade"),
        absent(Boolean).label("high_risk"),
        absent(Integer).label("staff_count"),
        absent(String).label("risk_class"),
        absent(Boolean).label("placarded"),
        Assignment.id.label("row_id"),
    ).where(Assignment.post_id.in_(posts), effective_assignment())
    charges = (
        select(
            literal(_CHARGE, Integer),
            PostCharge.post_id,
            PostCharge.unit_id,
            PostCharge.start_date,
            PostCharge.end_date,
            OrgUnit.path,
            absent(String),
            absent(Boolean),
            absent(Integer),
            absent(String),
            absent(Boolean),
            PostCharge.id,
        )
        .join(OrgUnit, OrgUnit.id == PostCharge.unit_id)
        .where(PostCharge.post_id.in_(posts))
    )
    profiles = select(
        literal(_PROFILE, Integer),
        EnterpriseProfile.unit_id,
        absent(Integer),
        EnterpriseProfile.effective_from,
        absent(Date),
        absent(String),
        EnterpriseProfile.trade,
        EnterpriseProfile.high_risk,
        EnterpriseProfile.staff_count,
        EnterpriseProfile.risk_class,
        EnterpriseProfile.placarded,
        EnterpriseProfile.id,
    ).where(EnterpriseProfile.unit_id.in_(units))
    everything = union_all(tenures, charges, profiles).subquery()
    c = everything.c
    return select(everything).order_by(c.tag, c.owner, c.first, c.row_id)


@cache
def _around_listed() -> Any:
    """`_around` of listed posts (`post_ids`) and units (`unit_ids`): built once."""
    return _around(bindparam("post_ids", expanding=True), bindparam("unit_ids", expanding=True))


async def load_facts(
    session: AsyncSession,
    posts: Select[Any] | CompoundSelect[Any] | Requested,
    lo: date,
    hi: date,
    params: dict[str, Any] | None = None,
    fingerprint: tuple[Any, ...] | None = None,
    *,
    records: bool = True,
) -> Facts:
    """Facts for obligations of periods overlapping [lo, hi] of the posts `posts` selects
    (a statement returning post ids; `params`: the values of its bind parameters), and of
    the other posts their holders held then (a per-holder duty spans all of a person's
    posts). `records=False`: everything but the records (none), for a caller that reads
    only those of a few shares later (`records_between`)."""
    lists, every_event = await _lists_and_events(session, fingerprint)
    start, end = _record_window(lists, lo, hi)
    # Critical periods whose duty (to their end plus the grace days) reaches the window; the
    # window then runs from the first day of any of them (its holders, records, exemptions).
    reach = min(start, lo - timedelta(days=_grace_days(lists)))
    events = [e for e in every_event if e.end >= reach and e.start <= end]
    start = _widened_by_events(events, start)
    requested = posts if isinstance(posts, Requested) else Requested(posts)
    values = {**(params or {}), "facts_start": start, "facts_end": end}
    post_rows = (await session.execute(requested.rows, values)).all()
    ids = [r.id for r in post_rows]
    tenures: dict[int, list[Tenure]] = defaultdict(list)
    charges: dict[int, list[Charge]] = defaultdict(list)
    history: dict[int, list[tuple[date, UnitFacts]]] = defaultdict(list)
    # The next statement names the posts in play (a park's thousands included); past the
    # parameter limits of SQLite and asyncpg it selects them again.
    if len(ids) <= MAX_LISTED_PERSONS:
        around = _around_listed()
        named: dict[str, Any] = {"post_ids": sorted(ids), "unit_ids": sorted({r.unit_id for r in post_rows})}
    else:
        in_play = select(requested.in_play.c[0])
        around, named = _around(in_play, select(Post.unit_id).where(Post.id.in_(in_play))), values
    for r in (await session.execute(around, named)).all() if ids else ():
        if r.tag == _TENURE:
            tenures[r.owner].append(Tenure(r.owner, r.other, r.first, r.last))
        elif r.tag == _CHARGE:
            charges[r.owner].append(Charge(r.other, r.path, r.first, r.last))
        else:
            rows = history[r.owner]
            facts = UnitFacts(r.trade, r.high_risk, r.staff_count, r.risk_class, r.placarded)
            if rows and rows[-1][0] == r.first:
                rows[-1] = (r.first, facts)  # the day's last change wins
            else:
                rows.append((r.first, facts))
    facts_posts = []
    for r in post_rows:
        first_held = min((t.start for t in tenures.get(r.id, ())), default=None)
        created = _local_date(r.created_at) or lo
        facts_posts.append(
            PostFacts(
                id=r.id,
                unit_id=r.unit_id,
                path=r.path,
                kind=r.kind,
                facts=UnitFacts(r.trade, r.high_risk, r.staff_count, r.risk_class, r.placarded),
                start=min(created, first_held) if first_held else created,
                end=_local_date(r.archived_at),
                charges=tuple(charges.get(r.id, ())),
                history=tuple(history.get(r.unit_id, ())),
            )
        )
    persons = {t.person_id for ts in tenures.values() for t in ts}
    # Past the parameter limits the holders are a subquery, its values bound in.
    holders_of_posts = (
        None
        if len(persons) <= MAX_LISTED_PERSONS
        else select(Assignment.person_id)
        .where(Assignment.post_id.in_(select(requested.in_play.c[0])), effective_assignment())
        .params(values)
    )
    if records:
        found, exemptions = await _load_records_and_exemptions(
            session, persons, sorted(ids), holders_of_posts, start, end
        )
    else:
        found, exemptions = [], await _load_exemptions(session, start, end, sorted(ids), persons)
    roots = sorted({p.path for p in facts_posts} | {c.path for p in facts_posts for c in p.charges})
    # Only coverage rules look at the enterprises under the posts: a front-line post's facts
    # (what most record writes load) need none of them.
    covering = any(
        v.timing.coverage is not None
        for lst in lists
        if any(lst.applies_to(p) for p in facts_posts)
        for item in lst.items
        for v in item.rule.variants
    )
    enterprises = await _load_enterprises(session, roots) if covering else []
    placards: dict[int, list[tuple[date, bool]]] = defaultdict(list)
    if enterprises:
        ids = [uid for _, uid, _ in enterprises]
        chosen = EnterpriseProfile.unit_id.in_(ids) if len(ids) <= MAX_LISTED_PERSONS else true()
        for uid, since, placarded in (
            await session.execute(
                select(
                    EnterpriseProfile.unit_id, EnterpriseProfile.effective_from, EnterpriseProfile.placarded
                )
                .where(chosen)
                .order_by(EnterpriseProfile.unit_id, EnterpriseProfile.effective_from, EnterpriseProfile.id)
            )
        ).all():
            marks = placards[uid]
            if marks and marks[-1][0] == since:
                marks[-1] = (since, placarded)  # the day's last change wins
            else:
                marks.append((since, placarded))
    return Facts(
        posts=facts_posts,
        lists=lists,
        tenures=dict(tenures),
        records=found,
        events=events,
        exemptions=exemptions,
        enterprises=enterprises,
        placards=dict(placards),
        record_source=(persons, holders_of_posts, start, end),
    )


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


async def _load_records_and_exemptions(
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
        return [], await _load_exemptions(session, start, end, posts)
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


async def _load_exemptions(
    session: AsyncSession, start: date, end: date, posts: list[int], persons: set[int] | None = None
) -> list[ExemptionFacts]:
    """The approved exemptions of `_load_records_and_exemptions`, without the records."""
    values: dict[str, Any] = {"exempt_start": start, "exempt_end": end}
    if len(posts) + len(persons or ()) <= MAX_LISTED_PERSONS:
        stmt = _exemptions_of_listed()
        values = {**values, "persons": sorted(persons or ()), "exempt_posts": posts}
    else:
        stmt = _exemptions()
    rows = (await session.execute(stmt, values)).all()
    return [_exemption(*r) for r in rows]


async def _load_enterprises(session: AsyncSession, roots: list[str]) -> list[tuple[str, int, bool]]:
    """Enterprises under the roots (coverage targets), not archived."""
    top: list[str] = []
    for path in roots:  # sorted: a root's descendants follow it
        if not top or not path.startswith(top[-1]):
            top.append(path)
    if not top:
        return []
    stmt = select(OrgUnit.path, OrgUnit.id, OrgUnit.placarded).where(
        OrgUnit.kind == "ENTERPRISE", OrgUnit.archived_at.is_(None)
    )
    if len(top) <= 50:
        stmt = stmt.where(or_(*(and_(OrgUnit.path >= p, OrgUnit.path < subtree_upper_bound(p)) for p in top)))
    rows = (await session.execute(stmt)).all()
    return [(r.path, r.id, bool(r.placarded)) for r in rows if any(r.path.startswith(p) for p in top)]
