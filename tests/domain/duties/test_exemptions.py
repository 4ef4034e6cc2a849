"""Exemptions as application steps: the request finds its duty item, the decision knows who
held the post during the dates and so may not decide it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.duties import exemptions
from domain.duties.models import DutyItem, DutyListVersion, ExemptionDecision
from domain.errors import DomainError, ErrorCode
from domain.posts.kinds import PostKind
from domain.posts.models import Post
from domain.tree.models import OrgUnit
from tests import factories as f

MONTHLY_INSPECTION = {"kinds": ["INSPECTION"], "every": "MONTH"}
TODAY = date(2024, 3, 10)


def _as(person_id: int) -> Actor:
    return Actor(f"person:{person_id}", person_id=person_id)


async def _setup(session: AsyncSession) -> tuple[OrgUnit, int, int]:
    """The park, its principal post and the id of the one duty item the post carries."""
    t = await f.small_tree(session)
    post = await f.post(session, t["park"], PostKind.PRINCIPAL)
    lst = await f.duty_list(session, t["park"], [PostKind.PRINCIPAL], {"check": MONTHLY_INSPECTION})
    item_id = await session.scalar(
        select(DutyItem.id)
        .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
        .where(DutyListVersion.list_id == lst.id, DutyItem.key == "check")
    )
    assert item_id is not None
    return t["park"], post.id, item_id


async def test_a_request_names_an_existing_duty_item(session: AsyncSession) -> None:
    park, post_id, _ = await _setup(session)
    officer = await f.person(session, name="陈壬")
    with pytest.raises(DomainError) as exc:
        await exemptions.request_exemption(
            session, item_id=10**9, post_id=post_id, person_id=None, start=date(2024, 3, 1),
            end=date(2024, 3, 31), reason="岗位空缺（演示）", recorder=_as(officer.id), domain=park.path,
            today=TODAY,
        )  # fmt: skip
    assert [(e.code, e.field) for e in exc.value.errors] == [(ErrorCode.NOT_FOUND, ("dutyItemId",))]


async def test_whoever_held_the_post_during_the_dates_may_not_decide(session: AsyncSession) -> None:
    park, post_id, item_id = await _setup(session)
    officer, holder, later, approver = [
        await f.person(session, name=n) for n in ("陈壬", "冯辛", "卫庚", "褚癸")
    ]
    post = await session.get(Post, post_id)
    assert post is not None
    await f.assign(session, post, holder, start=date(2024, 3, 1), end=date(2024, 3, 5))
    await f.assign(session, post, later, start=date(2024, 5, 1))
    request = await exemptions.request_exemption(
        session, item_id=item_id, post_id=post_id, person_id=None, start=date(2024, 3, 1),
        end=date(2024, 3, 31), reason="岗位空缺（演示）", recorder=_as(officer.id), domain=park.path,
        today=TODAY,
    )  # fmt: skip
    assert await exemptions.holders_during(session, post_id, date(2024, 3, 1), date(2024, 3, 31)) == {
        holder.id
    }
    with pytest.raises(DomainError) as exc:
        await exemptions.decide_exemption(
            session, record=request, approved=True, note=None, decider=_as(holder.id), domain=park.path,
            today=TODAY,
        )  # fmt: skip
    assert [e.code for e in exc.value.errors] == [ErrorCode.FORBIDDEN]
    decided = await exemptions.decide_exemption(
        session, record=request, approved=True, note=None, decider=_as(approver.id), domain=park.path,
        today=TODAY,
    )  # fmt: skip
    assert decided is request
    approved = await session.scalar(
        select(ExemptionDecision.approved).where(ExemptionDecision.record_id == request.id)
    )
    assert approved is True
