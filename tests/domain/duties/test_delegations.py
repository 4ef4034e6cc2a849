"""Delegations and entry dates in the domain: the rule's `delegable` flag, the catalogue's
delegable duty, the facts the engine reads (a delegation and its delegate's records), the
append-only table, and how late a record was entered."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.duties.delegations.reading import covers
from domain.duties.delegations.writing import delegate_duty, withdraw_delegation
from domain.duties.facts import load_facts
from domain.duties.models import DutyItem, DutyListVersion
from domain.duties.obligations.inputs import DelegationFacts
from domain.duties.records.counting import entered_late, entry_delay_days
from domain.duties.rules import parse_rule
from domain.errors import DomainError, ErrorCode
from domain.posts.kinds import PostKind
from domain.posts.models import Post
from seeds.requirements import read_catalogue
from tests import factories as f

MEETING = {"kinds": ["MEETING"], "every": "QUARTER", "delegable": True}


def test_the_rule_says_whether_its_duty_may_be_delegated() -> None:
    rule = parse_rule(MEETING)
    assert rule.delegable and rule.to_dict() == {
        "kinds": ["MEETING"],
        "every": "QUARTER",
        "times": 1,
        "delegable": True,
    }
    assert parse_rule(rule.to_dict()) == rule
    assert rule.render().endswith("（可委托）")
    plain = parse_rule({"kinds": ["MEETING"], "every": "QUARTER"})
    assert not plain.delegable and "delegable" not in plain.to_dict()
    with pytest.raises(DomainError) as bad:
        parse_rule({**MEETING, "delegable": "yes"})
    assert [(e.code, e.field) for e in bad.value.errors] == [(ErrorCode.INVALID_RULE, ("rule", "delegable"))]
    with pytest.raises(DomainError) as per_holder:
        parse_rule({**MEETING, "per": "HOLDER"})
    assert [e.field for e in per_holder.value.errors] == [("rule", "delegable")]


def test_the_catalogue_lets_the_park_principal_delegate_the_quarterly_meeting_only() -> None:
    # 004 附件1 园区主要负责人（六）: 每季度主持或者委托分管负责人召开1次安全生产工作会议. No other
    # clause of the five documents lets a holder entrust a duty (001's 委托 is about
    # contracting work out, not a duty).
    delegable = [item["key"] for item in read_catalogue().items if (item.get("rule") or {}).get("delegable")]
    assert delegable == ["004-park-principal-6a"]


def test_spans_cover_the_days_together() -> None:
    d = date
    assert covers([(d(2025, 1, 1), d(2025, 4, 30)), (d(2025, 5, 1), None)], d(2025, 4, 1), d(2025, 6, 30))
    assert not covers([(d(2025, 1, 1), d(2025, 4, 30)), (d(2025, 5, 2), None)], d(2025, 4, 1), d(2025, 6, 30))
    assert not covers([(d(2025, 4, 2), None)], d(2025, 4, 1), d(2025, 6, 30))
    assert covers([(d(2025, 1, 1), d(2025, 6, 30))], d(2025, 4, 1), d(2025, 6, 30))
    assert not covers([], d(2025, 4, 1), d(2025, 4, 1))


def test_a_record_entered_after_the_day_after_its_act_was_entered_late() -> None:
    # Entry days are days in Asia/Shanghai: 17:00 UTC is 01:00 the next day there.
    act = date(2025, 3, 5)
    assert entry_delay_days(act, datetime(2025, 3, 5, 3, 0, tzinfo=UTC)) == 0
    assert entry_delay_days(act, datetime(2025, 3, 5, 17, 0, tzinfo=UTC)) == 1
    assert not entered_late(act, datetime(2025, 3, 5, 17, 0, tzinfo=UTC))
    assert entry_delay_days(act, datetime(2025, 3, 6, 17, 0, tzinfo=UTC)) == 2
    assert entered_late(act, datetime(2025, 3, 6, 17, 0, tzinfo=UTC))


async def test_facts_carry_the_delegations_of_the_posts_and_the_delegates_records(
    session: AsyncSession,
) -> None:
    t = await f.small_tree(session)
    principal_post = await f.post(session, t["park"], PostKind.PRINCIPAL)
    deputy_post = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    principal, deputy = await f.person(session, name="钱主任"), await f.person(session, name="孙副主任")
    await f.assign(session, principal_post, principal, start=date(2024, 1, 1))
    await f.assign(session, deputy_post, deputy, start=date(2024, 1, 1))
    lst = await f.duty_list(session, t["park"], [PostKind.PRINCIPAL], {"meeting": MEETING})
    item_id = await session.scalar(
        select(DutyItem.id)
        .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
        .where(DutyListVersion.list_id == lst.id)
    )
    assert item_id is not None
    holder = Actor(subject=f"person:{principal.id}", person_id=principal.id)
    delegation = await delegate_duty(
        session,
        post=principal_post,
        item_id=item_id,
        delegate_person_id=deputy.id,
        start=date(2025, 4, 1),
        end=date(2025, 6, 30),
        note=None,
        actor=holder,
        domain=t["park"].path,
        today=date(2025, 3, 25),
    )
    meeting = await f.record(session, deputy, "MEETING", date(2025, 5, 10), [t["park"]])
    posts = select(Post.id).where(Post.id == principal_post.id)
    facts = await load_facts(session, posts, date(2025, 4, 1), date(2025, 6, 30))
    assert facts.delegations == [
        DelegationFacts(
            delegation.id,
            principal_post.id,
            lst.id,
            "meeting",
            deputy.id,
            date(2025, 4, 1),
            date(2025, 6, 30),
        )
    ]
    assert meeting.id in {r.id for r in facts.records}

    # The same duty is delegated to one person at a time; withdrawn, it is no fact any more.
    with pytest.raises(DomainError) as twice:
        await delegate_duty(
            session,
            post=principal_post,
            item_id=item_id,
            delegate_person_id=deputy.id,
            start=date(2025, 6, 1),
            end=date(2025, 6, 30),
            note=None,
            actor=holder,
            domain=t["park"].path,
            today=date(2025, 3, 25),
        )
    assert twice.value.errors[0].code is ErrorCode.OVERLAPPING_DELEGATION
    await withdraw_delegation(
        session,
        delegation=delegation,
        reason="改由本人主持",
        actor=holder,
        domain=t["park"].path,
        today=date(2025, 4, 2),
    )
    again = await load_facts(session, posts, date(2025, 4, 1), date(2025, 6, 30))
    assert again.delegations == [] and meeting.id not in {r.id for r in again.records}

    # Evidence: the table refuses UPDATE and DELETE.
    await session.commit()
    for statement in ("UPDATE duty_delegation SET note = 'x'", "DELETE FROM duty_delegation"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with session.begin_nested():
                await session.execute(text(statement))
