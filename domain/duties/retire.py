"""Taking items out of a list from a day on, without touching the past: a new version that
keeps every other item (possibly none: the list then carries nothing from that day). Used
when items turn out to be something else (004 附件2's key work: tasks of departments, not
duties of every department head); periods before the day keep the versions they had."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.duties.lists import _add_version, _posts_under, latest_version
from domain.duties.models import DutyItem, DutyList, DutyListVersion
from domain.scoring.maintain import track
from domain.tree.models import OrgUnit


async def retire_items(
    session: AsyncSession,
    lst: DutyList,
    leaving: Callable[[str], bool],
    *,
    note: str,
    actor: Actor,
    today: date,
) -> DutyListVersion | None:
    """A new version of `lst` from today (or the day after its latest version, if later)
    without the items whose key `leaving` selects; None when its latest has none of them."""
    return await revise_items(
        session,
        lst,
        lambda item: LEAVE if leaving(item.key) else item.rule,
        note=note,
        actor=actor,
        today=today,
    )


class _Leave:
    """What `revise_items`' `rule_of` gives for an item that leaves the list."""


LEAVE = _Leave()


async def revise_items(
    session: AsyncSession,
    lst: DutyList,
    rule_of: Callable[[DutyItem], dict[str, Any] | _Leave | None],
    *,
    note: str,
    actor: Actor,
    today: date,
) -> DutyListVersion | None:
    """A new version of `lst` from today (or the day after its latest version, if later) in
    which each item of the latest keeps its text and takes the rule `rule_of` gives it, or
    leaves the list when `rule_of` gives LEAVE; None when that changes nothing. Periods
    before the day keep the versions they had."""
    latest = await latest_version(session, lst.id)
    if latest is None:
        return None
    items = (
        await session.scalars(
            select(DutyItem).where(DutyItem.version_id == latest.id).order_by(DutyItem.position)
        )
    ).all()
    kept: list[tuple[DutyItem, dict[str, Any] | None]] = []
    for item in items:
        rule = rule_of(item)
        if isinstance(rule, _Leave):
            continue
        kept.append((item, rule))
    if len(kept) == len(items) and all(rule == item.rule for item, rule in kept):
        return None
    effective = max(today, latest.effective_from + timedelta(days=1))
    domain = "*"
    if lst.unit_id is not None:
        unit = await session.get(OrgUnit, lst.unit_id)
        domain = unit.path if unit is not None else "*"
    rows = [
        {
            "key": i.key,
            "position": n + 1,
            "text": i.text,
            "source_id": i.source_id,
            "source_clause": i.source_clause,
            "rule": rule,
            "note": i.note,
            "meta": i.meta,
        }
        for n, (i, rule) in enumerate(kept)
    ]
    async with track(
        session, today, posts=await _posts_under(session, lst.unit_id), days=[effective, date.max]
    ):
        return await _add_version(session, lst, latest.number + 1, effective, note, rows, actor, domain)
