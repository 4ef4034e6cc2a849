"""Delegation of a duty through the API (004 附件1 园区主要负责人（六）: 每季度主持或者委托分管负责人
召开1次安全生产工作会议), on fixed 2025 dates: who may delegate, to whom, what the history shows,
and what the delegate's record counts for."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.delegations.models import DutyDelegation
from domain.duties.models import DutyItem, DutyListVersion, DutyRecord
from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.api.helpers import ok, refused, reload
from tests.factories import gid

QUARTERLY_MEETING = {"kinds": ["MEETING"], "every": "QUARTER", "delegable": True}
MONTHLY_INSPECTION = {"kinds": ["INSPECTION"], "every": "MONTH"}

DELEGATE = """
mutation($input: DelegateDutyInput!) {
  delegateDuty(input: $input) {
    delegation { id itemKey startDate endDate withdrawn post { id } delegate { id } dutyList { id }
                 createdByNode { __typename ... on Person { id } } }
    userErrors { code field message messageEn }
  }
}
"""

WITHDRAW = """
mutation($input: WithdrawDelegationInput!) {
  withdrawDelegation(input: $input) {
    delegation { id withdrawn reason corrects { id } }
    userErrors { code field message messageEn }
  }
}
"""

LIST = """
query($post: ID, $delegate: ID, $on: Date, $history: Boolean!) {
  dutyDelegations(postId: $post, delegateId: $delegate, activeOn: $on, includeHistory: $history) {
    totalCount nodes { id withdrawn startDate endDate }
  }
}
"""

RECORD = """
mutation($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) {
    record { id dutyItems { id } delegations { id itemKey } }
    chosenDutyItems { id key }
    userErrors { code field message messageEn candidates }
  }
}
"""

OBLIGATIONS = """
query($post: ID!) {
  obligations(postId: $post, from: "2025-04-01", to: "2025-06-30", first: 10) {
    nodes { periodStart status dutyItem { key } onTimeRecords { id } delegatedRecords { id } }
  }
}
"""

COUNTED = """
query($id: ID!) {
  node(id: $id) { ... on DutyRecord { countedFor { post { id } periodStart dutyItem { key } } } }
}
"""


def pin(app: Any, day: date) -> None:
    app.state.clock = lambda: day


async def _park(session: AsyncSession) -> dict[str, Any]:
    """A park with its 主要负责人 and a 分管负责人, the principal's list (a delegable quarterly
    meeting, a monthly inspection that is not delegable), and someone from another park."""
    t = await f.small_tree(session)
    principal_post = await f.post(session, t["park"], PostKind.PRINCIPAL)
    deputy_post = await f.post(session, t["park"], PostKind.DEPUTY_IN_CHARGE)
    principal = await f.person(session, name="钱主任")
    deputy = await f.person(session, name="孙副主任")
    await f.assign(session, principal_post, principal, start=date(2024, 1, 1))
    await f.assign(session, deputy_post, deputy, start=date(2024, 1, 1))
    other_park = await f.unit(session, UnitKind.PARK, t["district"], code="P2", name="另一园区")
    stranger_post = await f.post(session, other_park, PostKind.DEPUTY_IN_CHARGE)
    stranger = await f.person(session, name="李外园")
    await f.assign(session, stranger_post, stranger, start=date(2024, 1, 1))
    head_post = await f.post(session, t["safety"], PostKind.DEPARTMENT_HEAD)
    leaving = await f.person(session, name="周部长")
    await f.assign(session, head_post, leaving, start=date(2024, 1, 1), end=date(2025, 4, 30))
    lst = await f.duty_list(
        session,
        t["park"],
        [PostKind.PRINCIPAL],
        {"meeting": QUARTERLY_MEETING, "inspect": MONTHLY_INSPECTION},
    )
    rows = await session.execute(
        select(DutyItem.key, DutyItem.id)
        .join(DutyListVersion, DutyListVersion.id == DutyItem.version_id)
        .where(DutyListVersion.list_id == lst.id)
    )
    items = {key: item_id for key, item_id in rows}
    return {
        **t,
        "principal_post": principal_post,
        "deputy_post": deputy_post,
        "principal": principal,
        "deputy": deputy,
        "stranger": stranger,
        "leaving": leaving,
        "list": lst,
        "items": items,
    }


def _delegation(w: dict[str, Any], key: str = "meeting", **over: Any) -> dict[str, Any]:
    value = {
        "postId": gid("Post", w["principal_post"].id),
        "dutyItemId": gid("DutyItem", w["items"][key]),
        "delegateId": gid("Person", w["deputy"].id),
        "startDate": "2025-04-01",
        "endDate": "2025-06-30",
        **over,
    }
    return {"input": value}


def _meeting(w: dict[str, Any], day: str, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "kind": "MEETING",
            "performedOn": day,
            "title": "第二季度安全生产工作会议",
            "unitIds": [gid("OrgUnit", w["park"].id)],
            **extra,
        }
    }


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_principal_delegates_the_quarterly_meeting_and_the_history_shows_it(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await _park(session)
    await reload(app, session)
    pin(app, date(2025, 3, 25))
    principal = as_(f"person:{w['principal'].id}")
    deputy = as_(f"person:{w['deputy'].id}")

    # Not every duty may be delegated: the monthly inspection is the principal's own.
    refused(await principal(DELEGATE, _delegation(w, "inspect")), "NOT_DELEGABLE", ["input", "dutyItemId"])
    # The delegate must hold a post in the same park on every day of it (the document's
    # 分管负责人); someone of another park the principal cannot even see.
    leaving = {"delegateId": gid("Person", w["leaving"].id)}
    refused(
        await principal(DELEGATE, _delegation(w, **leaving)), "DELEGATE_NOT_ELIGIBLE", ["input", "delegateId"]
    )
    stranger = {"delegateId": gid("Person", w["stranger"].id)}
    refused(await principal(DELEGATE, _delegation(w, **stranger)), "NOT_FOUND", ["input", "delegateId"])
    # Only the holder, on every day of it, may delegate the post's duty: the deputy does not
    # see the principal's post, and the principal did not hold it in 2023.
    refused(await deputy(DELEGATE, _delegation(w)), "NOT_FOUND", ["input", "postId"])
    before = {"startDate": "2023-10-01", "endDate": "2023-12-31"}
    refused(await principal(DELEGATE, _delegation(w, **before)), "FORBIDDEN", ["input", "postId"])
    refused(
        await principal(DELEGATE, _delegation(w, endDate="2025-03-31")),
        "INVALID_DATE_RANGE",
        ["input", "endDate"],
    )
    assert await _count(session, DutyDelegation) == 0
    # The rule says which duty may be delegated, for a screen to offer it.
    rules = await principal(
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on DutyItem { key rule { delegable text } } } }",
        {"ids": [gid("DutyItem", w["items"][k]) for k in ("meeting", "inspect")]},
    )
    assert rules["data"]["nodes"] == [
        {"key": "meeting", "rule": {"delegable": True, "text": "每季度至少1次（可委托）"}},
        {"key": "inspect", "rule": {"delegable": False, "text": "每月至少1次"}},
    ]

    made = ok(await principal(DELEGATE, _delegation(w)))["delegation"]
    assert made["itemKey"] == "meeting" and (made["startDate"], made["endDate"]) == (
        "2025-04-01",
        "2025-06-30",
    )
    assert made["post"] == {"id": gid("Post", w["principal_post"].id)}
    assert made["delegate"] == {"id": gid("Person", w["deputy"].id)}
    assert made["createdByNode"] == {"__typename": "Person", "id": gid("Person", w["principal"].id)}
    # One delegate at a time for a duty.
    refused(
        await principal(DELEGATE, _delegation(w, startDate="2025-06-01", endDate="2025-09-30")),
        "OVERLAPPING_DELEGATION",
        ["input", "startDate"],
    )

    # The post's delegations, and the delegate's own: both see it.
    listed = {"post": gid("Post", w["principal_post"].id), "on": "2025-05-10", "history": False}
    body = await principal(LIST, listed)
    assert [n["id"] for n in body["data"]["dutyDelegations"]["nodes"]] == [made["id"]]
    mine = await deputy(LIST, {"delegate": gid("Person", w["deputy"].id), "history": False})
    assert mine["data"]["dutyDelegations"]["totalCount"] == 1
    outside = await principal(LIST, {**listed, "on": "2025-07-01"})
    assert outside["data"]["dutyDelegations"]["totalCount"] == 0

    # The deputy holds the meeting in May and names no duty: the delegated one is the only
    # meeting duty in play for them, so the record names it, and shows the delegation.
    pin(app, date(2025, 5, 10))
    wrote = ok(await deputy(RECORD, _meeting(w, "2025-05-10")))
    assert wrote["chosenDutyItems"] == [{"id": gid("DutyItem", w["items"]["meeting"]), "key": "meeting"}]
    assert wrote["record"]["dutyItems"] == [{"id": gid("DutyItem", w["items"]["meeting"])}]
    assert wrote["record"]["delegations"] == [{"id": made["id"], "itemKey": "meeting"}]

    # Withdrawn: a new row points at it; the list in force is empty, the history has both.
    pin(app, date(2025, 6, 1))
    gone = ok(await principal(WITHDRAW, {"input": {"delegationId": made["id"], "reason": "改由本人主持"}}))
    assert gone["delegation"]["withdrawn"] is True and gone["delegation"]["corrects"] == {"id": made["id"]}
    refused(
        await principal(WITHDRAW, {"input": {"delegationId": made["id"], "reason": "再次撤回"}}),
        "ALREADY_ENDED",
        ["input", "delegationId"],
    )
    assert (await principal(LIST, {**listed, "on": None}))["data"]["dutyDelegations"]["totalCount"] == 0
    history = await principal(LIST, {**listed, "on": None, "history": True})
    assert [n["withdrawn"] for n in history["data"]["dutyDelegations"]["nodes"]] == [False, True]
    assert await _count(session, DutyDelegation) == 2
    # After the withdrawal, a June meeting of the deputy has no duty in play: it names none.
    june = ok(await deputy(RECORD, _meeting(w, "2025-06-01")))
    assert june["chosenDutyItems"] == [] and june["record"]["dutyItems"] == []
    assert june["record"]["delegations"] == []


async def test_the_deputys_delegated_meeting_fulfils_the_principals_quarter(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await _park(session)
    await reload(app, session)
    pin(app, date(2025, 3, 25))
    principal = as_(f"person:{w['principal'].id}")
    deputy = as_(f"person:{w['deputy'].id}")
    ok(await principal(DELEGATE, _delegation(w)))
    pin(app, date(2025, 7, 15))
    record = ok(await deputy(RECORD, _meeting(w, "2025-05-10")))["record"]

    body = await principal(OBLIGATIONS, {"post": gid("Post", w["principal_post"].id)})
    (quarter,) = [n for n in body["data"]["obligations"]["nodes"] if n["dutyItem"]["key"] == "meeting"]
    assert quarter["status"] == "DONE_ON_TIME"
    assert quarter["onTimeRecords"] == [{"id": record["id"]}]
    assert quarter["delegatedRecords"] == [{"id": record["id"]}]  # visibly the delegate's
    counted = await principal(COUNTED, {"id": record["id"]})
    assert {
        "post": {"id": gid("Post", w["principal_post"].id)},
        "periodStart": "2025-04-01",
        "dutyItem": {"key": "meeting"},
    } in counted["data"]["node"]["countedFor"]


async def test_an_admin_may_record_a_delegation_for_the_holder(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await _park(session)
    admin = await f.make_platform_admin(session)
    await reload(app, session)
    pin(app, date(2025, 3, 25))
    made = ok(await as_(admin)(DELEGATE, _delegation(w)))["delegation"]
    assert made["createdByNode"] == {"__typename": "ServiceClient"}
    assert await _count(session, DutyRecord) == 0
