"""Recording an inspection: front-line holders, days they have no record of, and the time of
`create_record` with and without the score update (`track`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from unittest import mock

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import domain.duties.records.writing as records_service
from benchmarks.scores.statements import RECORD_TITLE
from domain.actors import Actor
from domain.db import reuse_plans
from domain.duties.models import DutyRecord
from domain.duties.records import RecordInput, create_record
from domain.posts.models import Assignment, Post, assignment_on, effective_assignment
from domain.scoring.maintain import Tracked, track
from domain.scoring.models import ScoreState
from domain.tree.models import OrgUnit


@dataclass(frozen=True)
class Holder:
    person_id: int
    post_id: int
    unit_id: int
    unit_path: str


async def frontline_holders(session: AsyncSession, today: date, n: int) -> list[Holder]:
    """`n` holders of front-line posts on `today`, spread evenly over all of them (so over
    the parks), one per person."""
    rows = (
        await session.execute(
            select(Assignment.person_id, Post.id, Post.unit_id, OrgUnit.path)
            .join(Post, Post.id == Assignment.post_id)
            .join(OrgUnit, OrgUnit.id == Post.unit_id)
            .where(
                Post.kind == "FRONTLINE",
                Post.archived_at.is_(None),
                effective_assignment(),
                assignment_on(today),
            )
            .order_by(Post.id)
        )
    ).all()
    unique = list({r[0]: Holder(*r) for r in rows}.values())
    if len(unique) < n:
        raise SystemExit(f"only {len(unique)} front-line holders, {n} needed")
    return [unique[i * len(unique) // n] for i in range(n)]


def record_days(today: date, n: int) -> list[date]:
    """`n` different days of the year up to `today` (a stride prime to 365)."""
    return [today - timedelta(days=(i * 53) % 365) for i in range(n)]


async def unrecorded_days(
    session: AsyncSession, holders: Sequence[Holder], days: Sequence[date]
) -> list[date]:
    """For each holder, the day nearest theirs (earlier first) on which they have no record
    yet, within the same year: the record then turns that day's check from missed to done,
    and the score update has rows to change (a second record of a day changes nothing)."""
    out = []
    for holder, day in zip(holders, days, strict=True):
        taken = set(
            (
                await session.scalars(
                    select(DutyRecord.performed_on).where(
                        DutyRecord.recorder_person_id == holder.person_id,
                        DutyRecord.performed_on.between(date(day.year, 1, 1), date(day.year, 12, 31)),
                    )
                )
            ).all()
        )
        candidates = [day - timedelta(days=k) for k in range(366)] + [
            day + timedelta(days=k) for k in range(366)
        ]
        free = [d for d in candidates if d.year == day.year and d not in taken]
        if not free:
            raise SystemExit(f"person {holder.person_id} has a record on every day of {day.year}")
        out.append(free[0])
    return out


def record_input(holder: Holder, day: date) -> RecordInput:
    return RecordInput(kind="INSPECTION", performed_on=day, title=RECORD_TITLE, unit_ids=[holder.unit_id])


async def time_create_record(
    factory: async_sessionmaker[AsyncSession],
    holders: Sequence[Holder],
    days: Sequence[date],
    today: date,
    *,
    scores: bool,
) -> list[float]:
    """`create_record` (checks, write, score update, flush) for each holder and day, each in
    a transaction rolled back afterwards; `scores` False removes the `score_state` row first
    in that transaction, so that `track` does nothing (as before the first rebuild)."""
    times: list[float] = []
    for holder, day in zip(holders, days, strict=True):
        async with factory() as session:
            subject = f"person:{holder.person_id}"
            if not scores:
                await session.execute(delete(ScoreState))
            started = time.perf_counter()
            await reuse_plans(session, True)  # as the record mutations do
            await create_record(
                session,
                data=record_input(holder, day),
                recorder=Actor(subject, holder.person_id),
                domain=holder.unit_path,
                today=today,
            )
            times.append(time.perf_counter() - started)
            await session.rollback()
    return times


class TrackTimer:
    """Time spent in the score update of each record write: `track` around the write, minus
    the write itself (the body it wraps). Installed in place of `track` where the record
    service looks it up."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def install(self) -> None:
        original = track

        @asynccontextmanager
        async def timed(*args: Any, **kwargs: Any) -> AsyncIterator[Tracked]:
            started = time.perf_counter()
            body = 0.0
            async with original(*args, **kwargs) as tracked:
                entered = time.perf_counter()
                try:
                    yield tracked
                finally:
                    body = time.perf_counter() - entered
            self.samples.append(time.perf_counter() - started - body)

        mock.patch.object(records_service, "track", timed).start()
