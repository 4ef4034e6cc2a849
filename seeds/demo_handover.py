"""Demo: a change of holder that a post's duty survives.

The first demo park's 管委会主任 hands over on the 10th of last month: the outgoing holder
led that month's safety inspection (园区主要负责人 每月至少带队组织开展1次安全生产工作检查,
004 附件1 (六)) on the 5th and left on the 9th; the incoming holder, from the 10th, did
not inspect again that month. The post did its month: both holders' shares show it done,
and the incoming holder's (the holder on the due date) carries it for the park's score.
The incoming person is fictional, like every demo person.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.duties import records as rec
from domain.duties.models import DutyItem, DutyList, DutyListVersion
from domain.duties.records.inputs import RecordInput
from domain.identifiers import id_number_check_char
from domain.people import service as people
from domain.posts import service as posts
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post, assignment_on, effective_assignment
from domain.tree.models import OrgUnit

INSPECTION_KEY = "004-park-principal-6b"
_BODY = "99999919860412731"  # a fictional identity number's first 17 digits (region 999999)


def handover_month(today: date) -> tuple[date, date, date]:
    """(first day of last month, the outgoing holder's inspection day, the handover day)."""
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return first, first.replace(day=5), first.replace(day=10)


async def stage_handover(session: AsyncSession, park: OrgUnit, today: date) -> tuple[int, date] | None:
    """Hands the park's committee director post over (before the year of demo records is
    generated, so the records follow the new holders). Returns (post id, the month's first
    day), the period the generator leaves to `record_handover`; None if the park has no
    such post held throughout last month."""
    first, _, handover = handover_month(today)
    row = (
        await session.execute(
            select(Assignment)
            .join(Post, Post.id == Assignment.post_id)
            .where(
                Post.unit_id == park.id,
                Post.kind == PostKind.COMMITTEE_DIRECTOR.value,
                effective_assignment(),
                assignment_on(first),
                assignment_on(today),
            )
            .order_by(Assignment.id)
            .limit(1)
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    incoming = await people.create_person(
        session,
        name="新任主任（演示）",
        id_number=_BODY + id_number_check_char(_BODY),
        phone=None,
        today=today,
    )
    await posts.end_assignment(
        session, assignment_id=row.id, end_date=handover - timedelta(days=1), today=today
    )
    await posts.assign(
        session,
        post_id=row.post_id,
        person_id=incoming.id,
        start_date=handover,
        note="演示：月中交接",
        today=today,
    )
    return row.post_id, first


async def record_handover(session: AsyncSession, park: OrgUnit, post_id: int, today: date) -> None:
    """The outgoing holder's inspection on the 5th, naming the duty it fulfils."""
    _, inspected, _ = handover_month(today)
    outgoing = await session.scalar(
        select(Assignment.person_id).where(
            Assignment.post_id == post_id, effective_assignment(), assignment_on(inspected)
        )
    )
    item_id = await session.scalar(
        select(DutyItem.id)
        .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
        .join(DutyList, DutyList.id == DutyListVersion.list_id)
        .where(DutyList.unit_id == park.id, DutyItem.key == INSPECTION_KEY)
        .order_by(DutyListVersion.number.desc())
        .limit(1)
    )
    assert outgoing is not None and item_id is not None
    await rec.create_record(
        session,
        data=RecordInput(
            kind="INSPECTION",
            performed_on=inspected,
            title="交接前带队安全生产检查（演示）",
            unit_ids=[park.id],
            item_ids=[item_id],
            findings="未发现问题",
        ),
        recorder=Actor(subject=f"person:{outgoing}", person_id=outgoing),
        domain=park.path,
        today=inspected,  # entered on the day, as the outgoing holder would have
    )
