"""The duty lists kept per process (`domain.duties.facts`): a new version, with its items,
is seen by the next reading in the same process."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM
from domain.duties.facts import load_lists
from domain.duties.lists import ItemInput, revise_duty_list
from domain.duties.obligations import ListFacts
from domain.posts.kinds import PostKind
from tests import factories as f

MONTHLY_INSPECTION = {"kinds": ["INSPECTION"], "every": "MONTH"}
WEEKLY_REPORT = {"kinds": ["REPORT"], "every": "WEEK", "weekday": 4}


def _keys(lists: list[ListFacts], list_id: int) -> set[tuple[int, str]]:
    return {(i.version_id, i.key) for lst in lists if lst.id == list_id for i in lst.items}


async def test_a_new_version_of_a_list_is_seen_with_its_items(session: AsyncSession) -> None:
    tree = await f.small_tree(session)
    lst = await f.duty_list(session, tree["park"], [PostKind.DEPUTY_IN_CHARGE], {"check": MONTHLY_INSPECTION})
    first = _keys(await load_lists(session), lst.id)
    assert {k for _, k in first} == {"check"}
    again = await load_lists(session)  # kept: the same lists, not read again
    assert _keys(again, lst.id) == first

    version = await revise_duty_list(
        session,
        list_id=lst.id,
        effective_from=date(2026, 2, 1),
        items=[
            ItemInput(key="check", text="职责 check", rule=MONTHLY_INSPECTION),
            ItemInput(key="report", text="职责 report", rule=WEEKLY_REPORT),
        ],
        note=None,
        actor=SYSTEM,
        domain=tree["park"].path,
        today=date(2026, 1, 15),
    )
    await session.flush()
    after = _keys(await load_lists(session), lst.id)
    assert after == first | {(version.id, "check"), (version.id, "report")}
