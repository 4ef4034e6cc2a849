"""Records dated by the act and entered later, and which duty a record fulfils, through the
API on fixed 2025 dates: a holder who has left enters their record within the window and
not after it; a drill counts for the duty it names only; a drill naming none while two
drill duties are in play must choose; a record with one duty in play names it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import today_shanghai
from domain.duties.models import DutyItem, DutyListVersion, DutyRecord
from domain.posts.kinds import PostKind
from tests import factories as f
from tests.api.helpers import ok, refused, reload
from tests.factories import gid

RECORD = """
mutation($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) {
    record { id performedOn enteredAt createdAt enteredLate entryDelayDays dutyItems { id }
             countedFor { dutyItem { key } periodStart status } }
    chosenDutyItems { id key }
    userErrors { code field message messageEn candidates }
  }
}
"""

REFUSED_RECORD = """
mutation($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) { record { id } userErrors { code field message messageEn candidates } }
}
"""

OBLIGATIONS = """
query($post: ID!) {
  obligations(postId: $post, from: "2025-01-01", to: "2025-12-31", first: 20) {
    nodes { dutyItem { key } status onTimeRecords { id } }
  }
}
"""


def pin(app: Any, day: date) -> None:
    app.state.clock = lambda: day


async def _items(session: AsyncSession, list_id: int) -> dict[str, int]:
    rows = await session.execute(
        select(DutyItem.key, DutyItem.id)
        .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
        .where(DutyListVersion.list_id == list_id)
    )
    return {key: item_id for key, item_id in rows}


async def _records(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(DutyRecord)) or 0)


def _record(unit: Any, kind: str, day: str, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "kind": kind,
            "performedOn": day,
            "title": "记录",
            "unitIds": [gid("OrgUnit", unit.id)],
            **extra,
        }
    }


async def test_a_holder_who_left_enters_their_record_within_the_window_and_not_after(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.ENTERPRISE_PRINCIPAL)
    gone = await f.person(session, name="吴前任")
    successor = await f.person(session, name="郑继任")
    outsider = await f.person(session, name="冯无关")
    await f.assign(session, post, gone, start=date(2024, 1, 1), end=date(2025, 3, 10))
    await f.assign(session, post, successor, start=date(2025, 3, 11))
    lst = await f.duty_list(
        session,
        t["chem"],
        [PostKind.ENTERPRISE_PRINCIPAL],
        {"check": {"kinds": ["INSPECTION"], "every": "MONTH"}},
    )
    items = await _items(session, lst.id)
    await reload(app, session)
    leaver = as_(f"person:{gone.id}")

    # Ten days after leaving, the former holder enters the inspection they led on 5 March:
    # accepted (within the 30 days of RECORD_ENTRY_WINDOW_DAYS), dated by the act, entered late.
    pin(app, date(2025, 3, 20))
    wrote = ok(await leaver(RECORD, _record(t["chem"], "INSPECTION", "2025-03-05")))
    record = wrote["record"]
    assert record["performedOn"] == "2025-03-05" and record["enteredAt"] == record["createdAt"]
    delay = (today_shanghai() - date(2025, 3, 5)).days
    assert record["entryDelayDays"] == delay and record["enteredLate"] is True
    # It names the one inspection duty of the post they held that day, and counted for March.
    assert wrote["chosenDutyItems"] == [{"id": gid("DutyItem", items["check"]), "key": "check"}]

    # A person who never held the post may not, whatever the date.
    refused(
        await as_(f"person:{outsider.id}")(REFUSED_RECORD, _record(t["chem"], "INSPECTION", "2025-03-05")),
        "NOT_FOUND",
        ["input", "unitIds", "0"],
    )
    # Past the window the former holder's way in is closed: a typed error, nothing written.
    before = await _records(session)
    pin(app, date(2025, 4, 20))
    refused(
        await leaver(REFUSED_RECORD, _record(t["chem"], "INSPECTION", "2025-03-08")),
        "ENTRY_WINDOW_CLOSED",
        ["input", "performedOn"],
    )
    # A day they did not hold the post (after leaving) is no way in at all.
    refused(
        await leaver(REFUSED_RECORD, _record(t["chem"], "INSPECTION", "2025-04-01")),
        "NOT_FOUND",
        ["input", "unitIds", "0"],
    )
    assert await _records(session) == before


async def test_a_record_counts_for_the_duty_it_names_and_must_choose_among_several(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    t = await f.small_tree(session)
    post = await f.post(session, t["chem"], PostKind.ENTERPRISE_PRINCIPAL)
    boss = await f.person(session, name="陈厂长")
    await f.assign(session, post, boss, start=date(2024, 1, 1))
    # Two drill duties (001's emergency-plan drill, 002's evacuation drill, say), one of which
    # training also fulfils, and a monthly inspection.
    lst = await f.duty_list(
        session,
        t["chem"],
        [PostKind.ENTERPRISE_PRINCIPAL],
        {
            "plan-drill": {"kinds": ["DRILL"], "every": "YEAR"},
            "evacuation": {"kinds": ["DRILL", "TRAINING"], "every": "YEAR"},
            "check": {"kinds": ["INSPECTION"], "every": "MONTH"},
        },
    )
    items = await _items(session, lst.id)
    await reload(app, session)
    pin(app, date(2025, 6, 20))
    me = as_(f"person:{boss.id}")

    # A drill naming no duty, with two drill duties in play: choose; nothing is written.
    before = await _records(session)
    (error,) = refused(
        await me(REFUSED_RECORD, _record(t["chem"], "DRILL", "2025-06-10")),
        "AMBIGUOUS_DUTY",
        ["input", "dutyItemIds"],
    )
    assert sorted(error["candidates"]) == sorted(
        gid("DutyItem", items[k]) for k in ("plan-drill", "evacuation")
    )
    assert "plan-drill" in error["message"] and "evacuation" in error["messageEn"]
    assert await _records(session) == before

    # Naming its duty, the drill counts for that duty only.
    named = {"dutyItemIds": [gid("DutyItem", items["plan-drill"])]}
    drill = ok(await me(RECORD, _record(t["chem"], "DRILL", "2025-06-10", **named)))
    assert drill["chosenDutyItems"] == []
    assert drill["record"]["countedFor"] == [
        {"dutyItem": {"key": "plan-drill"}, "periodStart": "2025-01-01", "status": "DONE_ON_TIME"}
    ]
    body = await me(OBLIGATIONS, {"post": gid("Post", post.id)})
    by_key = {
        n["dutyItem"]["key"]: n
        for n in body["data"]["obligations"]["nodes"]
        if n["dutyItem"]["key"] != "check"
    }
    assert by_key["plan-drill"]["onTimeRecords"] == [{"id": drill["record"]["id"]}]
    assert by_key["evacuation"]["onTimeRecords"] == [] and by_key["evacuation"]["status"] != "DONE_ON_TIME"

    # One duty of its kind in play: the record names it, and the payload says so.
    check = ok(await me(RECORD, _record(t["chem"], "INSPECTION", "2025-06-11")))
    assert check["chosenDutyItems"] == [{"id": gid("DutyItem", items["check"]), "key": "check"}]
    assert check["record"]["dutyItems"] == [{"id": gid("DutyItem", items["check"])}]
    assert check["record"]["countedFor"] == [
        {"dutyItem": {"key": "check"}, "periodStart": "2025-06-01", "status": "DONE_ON_TIME"}
    ]
    assert check["record"]["enteredLate"] is True  # the clock is pinned; the entry is real time
    training = ok(await me(RECORD, _record(t["chem"], "TRAINING", "2025-06-12")))
    assert training["chosenDutyItems"] == [{"id": gid("DutyItem", items["evacuation"]), "key": "evacuation"}]

    # No duty of its kind in play: kept as evidence, naming none, counting for nothing.
    study = ok(await me(RECORD, _record(t["chem"], "STUDY", "2025-06-12")))
    assert study["chosenDutyItems"] == [] and study["record"]["dutyItems"] == []
    assert study["record"]["countedFor"] == []
