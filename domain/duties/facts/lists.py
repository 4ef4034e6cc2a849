"""The duty lists with their parsed rules, and the critical periods, read once and shared
while they do not change (their fingerprint says when they do)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import SHANGHAI
from domain.duties.defaults.facts import load_defaults, with_defaults
from domain.duties.defaults.models import DistrictFrequencyDefault
from domain.duties.models import (
    CriticalPeriod,
    DutyItem,
    DutyList,
    DutyListVersion,
    effective_period,
)
from domain.duties.obligations import (
    EventFacts,
    ItemVersion,
    ListFacts,
)
from domain.duties.rules import Rule, parse_rule
from domain.duties.targets import target_units_by_list
from domain.tree.models import OrgUnit


def local_date(moment: datetime | None) -> date | None:
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
    # District frequency defaults (append-only: count, last id and time stand for them).
    select(func.count(DistrictFrequencyDefault.id)).scalar_subquery(),
    select(func.max(DistrictFrequencyDefault.id)).scalar_subquery(),
    select(func.max(DistrictFrequencyDefault.created_at)).scalar_subquery(),
    select(func.count(CriticalPeriod.id)).scalar_subquery(),
    select(func.max(CriticalPeriod.id)).scalar_subquery(),
    # Ids may be used again after a rollback (SQLite): the time of the last change tells.
    select(func.max(CriticalPeriod.created_at)).scalar_subquery(),
    select(func.max(OrgUnit.updated_at))
    .where(OrgUnit.id.in_(select(CriticalPeriod.unit_id)))
    .scalar_subquery(),
)
_FINGERPRINT = select(*FACTS_FINGERPRINT)
_OF_LISTS = (
    8  # the first eight columns are the lists' (with district defaults), the rest the critical periods'
)


async def load_lists(session: AsyncSession) -> list[ListFacts]:
    """Every duty list bound to a unit, with all its versions' items that carry a rule (an
    item of DEFAULT basis split at its district's defaults)."""
    return (await lists_and_events(session))[0]


async def lists_and_events(
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
    targets = await target_units_by_list(session)
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
                target_unit_ids=targets.get(lid, frozenset()),
            )
        )
    return with_defaults(out, await load_defaults(session))
