"""For which obligations records counted, as the obligation engine judges them, and how late
they were entered. A record is dated by its act (`performed_on`); its entry is `created_at`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.delegations.models import DutyDelegation, effective_delegation
from domain.duties.facts.lists import local_date
from domain.duties.models import EXEMPTION, DutyRecord
from domain.duties.obligations import Obligation
from domain.duties.queries import obligations_of_posts
from domain.posts.models import Assignment, Post, assignment_overlaps, effective_assignment

# A record entered more than this many days after its act (on a later day, Asia/Shanghai,
# than the day after the act) was entered late: the act's day and the next are on time.
LATE_ENTRY_GRACE_DAYS = 1


def entry_delay_days(performed_on: date, created_at: datetime) -> int:
    """Whole days from the act to the day it was entered (Asia/Shanghai), never negative."""
    entered = local_date(created_at)
    assert entered is not None
    return max(0, (entered - performed_on).days)


def entered_late(performed_on: date, created_at: datetime) -> bool:
    return entry_delay_days(performed_on, created_at) > LATE_ENTRY_GRACE_DAYS


@dataclass(frozen=True)
class _Recorded:
    id: int
    person_id: int
    days: tuple[date, ...]


async def counted_for(
    session: AsyncSession, record_ids: Sequence[int], visible_posts: ColumnElement[bool], today: date
) -> dict[int, list[Obligation]]:
    """Each record's obligations it counted for (on time or late), among those of the posts
    `visible_posts` admits: computed over the posts its recorder held, or was delegated a
    duty of, around its act, for the periods from its earliest to its latest day."""
    rows = (
        await session.execute(
            select(
                DutyRecord.id, DutyRecord.recorder_person_id, DutyRecord.performed_on, DutyRecord.makeup_for
            ).where(
                DutyRecord.id.in_(list(record_ids)),
                DutyRecord.kind != EXEMPTION,
                DutyRecord.recorder_person_id.is_not(None),
            )
        )
    ).all()
    found: dict[int, list[Obligation]] = {i: [] for i in record_ids}
    recorded = [
        _Recorded(r[0], r[1], tuple(d for d in (r[2], r[3]) if d is not None))
        for r in rows
        if r[1] is not None
    ]
    if not recorded:
        return found
    lo = min(d for r in recorded for d in r.days)
    hi = max(d for r in recorded for d in r.days)
    persons = sorted({r.person_id for r in recorded})
    held: Any = select(Assignment.post_id).where(
        Assignment.person_id.in_(persons), effective_assignment(), assignment_overlaps(lo, hi)
    )
    delegated: Any = select(DutyDelegation.post_id).where(
        DutyDelegation.delegate_person_id.in_(persons),
        effective_delegation(),
        DutyDelegation.end_date >= lo,
        DutyDelegation.start_date <= hi,
    )
    posts = select(Post.id).where(Post.id.in_(union(held, delegated)), visible_posts)
    wanted = {r.id for r in recorded}
    for ob in await obligations_of_posts(session, posts, lo, hi, today):
        for rid in (*ob.on_time_record_ids, *ob.late_record_ids):
            if rid in wanted:
                found[rid].append(ob)
    return found
