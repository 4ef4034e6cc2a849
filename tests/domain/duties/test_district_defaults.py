"""District defaults in the facts: an item's span splits at the default's date (periods keep
the rule in force on their first day), only for lists in that district and only for items
of DEFAULT basis; and scores kept incrementally agree with a rebuild after a default."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM
from domain.duties.defaults.facts import split, with_defaults
from domain.duties.defaults.service import set_district_default
from domain.duties.facts import load_lists
from domain.duties.models import DutyItem, DutyListVersion
from domain.duties.obligations import ItemVersion, ListFacts
from domain.duties.rules import parse_rule
from domain.posts.kinds import PostKind
from domain.scoring.maintain import rebuild, refresh
from domain.scoring.models import ScoreTally
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.domain.scoring.incremental.snapshot import difference, snapshot

QUARTERLY = parse_rule({"kinds": ["INSPECTION"], "every": "QUARTER", "basis": "DEFAULT"})
MONTHLY = parse_rule({"kinds": ["INSPECTION"], "every": "MONTH", "basis": "DEFAULT"})
WEEKLY = parse_rule({"kinds": ["INSPECTION"], "every": "WEEK", "basis": "DEFAULT"})


def _item(rule: object = QUARTERLY, until: date | None = None) -> ItemVersion:
    return ItemVersion(1, 1, 1, "check", rule, date(2024, 1, 1), until)  # type: ignore[arg-type]


def test_an_items_span_splits_at_each_default_inside_it() -> None:
    parts = split(_item(), [(date(2024, 5, 1), MONTHLY), (date(2024, 9, 1), WEEKLY)])
    assert [(p.rule, p.effective_from, p.effective_until) for p in parts] == [
        (QUARTERLY, date(2024, 1, 1), date(2024, 4, 30)),
        (MONTHLY, date(2024, 5, 1), date(2024, 8, 31)),
        (WEEKLY, date(2024, 9, 1), None),
    ]
    # A default from before the version's span rules the whole of it; one after it, nothing.
    early = split(_item(until=date(2024, 6, 30)), [(date(2023, 1, 1), MONTHLY), (date(2025, 1, 1), WEEKLY)])
    assert [(p.rule, p.effective_from, p.effective_until) for p in early] == [
        (MONTHLY, date(2024, 1, 1), date(2024, 6, 30))
    ]


def test_only_default_items_of_lists_in_the_district_take_it() -> None:
    document = parse_rule({"kinds": ["INSPECTION"], "every": "QUARTER"})
    lists = [
        ListFacts(1, frozenset({"P"}), "/1/2/", date(2024, 1, 1), (_item(),)),
        ListFacts(2, frozenset({"P"}), "/7/8/", date(2024, 1, 1), (_item(),)),
        ListFacts(3, frozenset({"P"}), "/1/9/", date(2024, 1, 1), (_item(document),)),
    ]
    out = with_defaults(lists, {"/1/": {"check": [(date(2024, 5, 1), MONTHLY)]}})
    assert [len(lst.items) for lst in out] == [2, 1, 1]
    assert out[0].items[0].rule is QUARTERLY and out[0].items[1].rule is MONTHLY
    assert out[0].items[0].effective_until == date(2024, 4, 30) and out[0].items[1].effective_from == date(
        2024, 5, 1
    )
    assert out[1].items == lists[1].items
    assert out[2].items[0].rule is document


async def _district(session: AsyncSession, n: int) -> tuple[int, int, int]:
    district = await f.district(session, code=f"SD{n}", name=f"评分区{n}")
    park = await f.unit(session, UnitKind.PARK, district, code=f"SP{n}", name=f"评分园区{n}")
    deputy = await f.post(session, park, PostKind.DEPUTY_IN_CHARGE)
    await f.assign(session, deputy, await f.person(session, name=f"分管{n}"), start=date(2024, 1, 1))
    lst = await f.duty_list(session, park, [PostKind.DEPUTY_IN_CHARGE], {"check": QUARTERLY.to_dict()})
    item = await session.scalar(
        select(DutyItem.id)
        .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
        .where(DutyListVersion.list_id == lst.id)
    )
    assert item is not None
    return district.id, deputy.id, item


async def _weekly_missed(session: AsyncSession, post_id: int) -> int:
    rows = await session.scalars(
        select(ScoreTally.missed)
        .where(ScoreTally.post_id == post_id, ScoreTally.weight_class == "WEEKLY")
        .execution_options(populate_existing=True)
    )
    return sum(rows.all())


async def _rebuild_agrees(session: AsyncSession, today: date) -> None:
    kept = await snapshot(session)
    await rebuild(session, today)
    fresh = await snapshot(session)
    assert kept == fresh, difference(kept, fresh)


async def test_scores_follow_a_district_default_and_agree_with_a_rebuild(session: AsyncSession) -> None:
    one, deputy_one, item = await _district(session, 1)
    _two, deputy_two, _ = await _district(session, 2)
    monday = date(2024, 4, 22)
    await rebuild(session, monday)
    await set_district_default(
        session,
        district_id=one,
        item_id=item,
        rule={"kinds": ["INSPECTION"], "every": "WEEK"},
        effective_from=monday,
        note=None,
        actor=SYSTEM,
        domain="/",
        today=monday,
    )
    lists = await load_lists(session)
    rules = {lst.path.split("/")[1]: [i.rule.render() for i in lst.items] for lst in lists}
    assert rules[str(one)] == ["每季度至少1次（园区自定）", "每周至少1次（园区自定）"]
    assert [r for k, r in rules.items() if k != str(one)] == [["每季度至少1次（园区自定）"]]
    await _rebuild_agrees(session, monday)
    await refresh(session, date(2024, 6, 30))
    # The weeks from 22 April missed in district one (the tenth, due 30 June, is still due);
    # none owed in district two.
    assert await _weekly_missed(session, deputy_one) == 9
    assert await _weekly_missed(session, deputy_two) == 0
    await _rebuild_agrees(session, date(2024, 6, 30))
