"""Tasks of the 2023 key-work list (004 附件2) through HTTP on fixed 2023 dates: owned by
their departments, reported on, submitted and signed off (销号) by the issuing office;
returned; overdue for the leader and the park; supported; others see nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.kinds import PostKind
from domain.tasks.models import WorkTask, WorkTaskEvent
from domain.tree.kinds import UnitKind
from seeds.requirements import load_requirements
from tests.api.helpers import ok, refused, reload
from tests.domain.tasks.world import task_world
from tests.factories import gid

TASK = """
fragment T on Task {
  id number title deadline state overdue signedOffLate signedOffOn
  leadUnits { name } supportingUnits { name } leaderPosts { id }
  progress { kind occurredOn note stateAfter person { id } }
}"""
TASKS = (
    TASK
    + """
query($park: ID, $filter: TaskFilterInput) {
  tasks(parkId: $park, filter: $filter, first: 100) { totalCount nodes { ...T } }
}"""
)
COUNTS = """query($filter: TaskFilterInput) {
  taskCounts(filter: $filter) { total overdue signedOffLate byState { state count } }
}"""
STEP = {
    name: TASK
    + f"""
mutation($input: {name[0].upper()}{name[1:]}Input!) {{
  {name}(input: $input) {{ task {{ ...T }} userErrors {{ code field message messageEn }} }}
}}"""
    for name in ("reportTaskProgress", "submitTaskForSignOff", "signOffTask", "returnTask")
}
NODE = TASK + "query($id: ID!) { node(id: $id) { ...T } }"


async def _world(app: Any, session: AsyncSession) -> dict[str, Any]:
    w = await task_world(session)
    rows = (await session.scalars(select(WorkTask).where(WorkTask.list_id == w["work_list"].id))).all()
    w["task"] = {t.number: gid("Task", t.id) for t in rows}
    await reload(app, session)
    return w


def _who(as_: Any, w: dict[str, Any], key: str) -> Any:
    return as_(f"person:{w['people'][key].id}")


async def test_a_task_from_progress_to_sign_off_by_the_issuing_office(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await _world(app, session)
    safety, office, build = (_who(as_, w, k) for k in ("safety_head", "office_head", "build_head"))
    task = w["task"][4]  # 实施防灾减灾基础建设行动: 安全生产部 alone
    app.state.clock = lambda: date(2023, 8, 1)
    done = ok(
        await safety(STEP["reportTaskProgress"], {"input": {"taskId": task, "note": "完成火情监控点选址"}})
    )
    assert done["task"]["state"] == "IN_PROGRESS"
    assert [u["name"] for u in done["task"]["leadUnits"]] == ["安全生产部"]
    # The issuing office cannot sign off what was not submitted.
    refused(
        await office(STEP["signOffTask"], {"input": {"taskId": task}}),
        "INVALID_TRANSITION",
        ["input", "taskId"],
    )
    # A department that neither leads nor supports it does not see it.
    refused(
        await build(STEP["reportTaskProgress"], {"input": {"taskId": task, "note": "x"}}),
        "NOT_FOUND",
        ["input", "taskId"],
    )
    app.state.clock = lambda: date(2023, 11, 20)
    sub = ok(await safety(STEP["submitTaskForSignOff"], {"input": {"taskId": task, "note": "全部完成"}}))
    assert sub["task"]["state"] == "SUBMITTED"
    # Only the issuing office (党政办) signs off: the lead department may not.
    refused(await safety(STEP["signOffTask"], {"input": {"taskId": task}}), "FORBIDDEN", ["input", "taskId"])
    signed = ok(await office(STEP["signOffTask"], {"input": {"taskId": task, "note": "对账销号"}}))["task"]
    assert signed["state"] == "SIGNED_OFF" and signed["signedOffOn"] == "2023-11-20"
    assert not signed["overdue"] and not signed["signedOffLate"]
    assert [e["kind"] for e in signed["progress"]] == ["PROGRESS", "SUBMIT", "SIGN_OFF"]
    assert signed["progress"][-1]["person"] == {"id": gid("Person", w["people"]["office_head"].id)}
    # Signed off is final.
    refused(
        await safety(STEP["reportTaskProgress"], {"input": {"taskId": task, "note": "补充"}}),
        "INVALID_TRANSITION",
        ["input", "taskId"],
    )
    # Events are append-only in the database.
    try:
        async with session.begin_nested():
            await session.execute(text("UPDATE work_task_event SET note = 'x'"))
        raise AssertionError("an UPDATE of task events went through")
    except AssertionError:
        raise
    except Exception:
        pass


async def test_returned_and_self_sign_off_and_bad_input(app: Any, session: AsyncSession, as_: Any) -> None:
    w = await _world(app, session)
    office = _who(as_, w, "office_head")
    task = w["task"][3]  # 五有 construction: 党政办 leads, 安全生产部 and 财政财务部 support
    app.state.clock = lambda: date(2023, 9, 1)
    refused(
        await office(STEP["reportTaskProgress"], {"input": {"taskId": task, "note": "  "}}),
        "REQUIRED",
        ["input", "note"],
    )
    refused(
        await office(STEP["reportTaskProgress"], {"input": {"taskId": gid("Task", 999999), "note": "x"}}),
        "NOT_FOUND",
        ["input", "taskId"],
    )
    ok(await office(STEP["submitTaskForSignOff"], {"input": {"taskId": task, "note": "办公场所已规范化"}}))
    # Whoever asked for the sign-off may not give it, though they are the issuing office.
    refused(await office(STEP["signOffTask"], {"input": {"taskId": task}}), "FORBIDDEN", ["input", "taskId"])
    refused(
        await office(STEP["returnTask"], {"input": {"taskId": task, "reason": ""}}),
        "REQUIRED",
        ["input", "reason"],
    )
    events = (await session.scalars(select(WorkTaskEvent.kind).order_by(WorkTaskEvent.id))).all()
    assert events == ["SUBMIT"]
    back = ok(
        await office(STEP["returnTask"], {"input": {"taskId": task, "reason": "救援装备配备率未达100%"}})
    )
    assert back["task"]["state"] == "RETURNED"
    assert back["task"]["progress"][-1]["note"] == "救援装备配备率未达100%"
    # The supporting departments see it; the unrelated one does not.
    finance, economy = _who(as_, w, "finance_head"), _who(as_, w, "economy_head")
    seen = (await finance(NODE, {"id": task}))["data"]["node"]
    assert seen["state"] == "RETURNED"
    assert [u["name"] for u in seen["supportingUnits"]] == ["财政财务部"]  # units it may see
    by_park = (await _who(as_, w, "director")(NODE, {"id": task}))["data"]["node"]
    assert {u["name"] for u in by_park["supportingUnits"]} == {"安全生产部", "财政财务部"}
    assert (await economy(NODE, {"id": task}))["data"]["node"] is None
    sup = (await finance(TASKS, {"filter": {"roles": ["SUPPORT"]}}))["data"]["tasks"]
    assert 3 in {n["number"] for n in sup["nodes"]} and 4 not in {n["number"] for n in sup["nodes"]}


async def test_visibility_and_overdue_for_the_leader_and_the_park(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    w = await _world(app, session)
    app.state.clock = lambda: date(2024, 1, 10)
    # 经济运行部 leads nothing: its head sees only what it supports (all-department rows, and 12).
    economy = (await _who(as_, w, "economy_head")(TASKS, {}))["data"]["tasks"]
    numbers = {n["number"] for n in economy["nodes"]}
    assert 12 in numbers and 4 not in numbers and 11 not in numbers
    lead = (await _who(as_, w, "economy_head")(TASKS, {"filter": {"roles": ["LEAD"]}}))["data"]["tasks"]
    assert {n["number"] for n in lead["nodes"]} == {1}  # 年度指标任务: every department
    # The leader in charge (the deputy of 安全生产部, 规划建设部) sees the tasks they lead, overdue.
    deputy = _who(as_, w, "deputy")
    led = (await deputy(TASKS, {"filter": {"roles": ["LEADER"], "overdue": True}}))["data"]["tasks"]
    assert led["totalCount"] >= 20 and all(n["overdue"] for n in led["nodes"])
    assert 3 not in {n["number"] for n in led["nodes"]}  # 党政办's task: not theirs to lead
    # The park (its director) sees all 26 tasks, all overdue at the start of 2024.
    director = _who(as_, w, "director")
    park = (await director(TASKS, {"park": gid("OrgUnit", w["park"].id)}))["data"]["tasks"]
    assert park["totalCount"] == 26
    assert sorted(n["number"] for n in park["nodes"]) == [n for n in range(1, 28) if n != 9]
    counts = (await director(COUNTS, {}))["data"]["taskCounts"]
    assert counts["total"] == 26 and counts["overdue"] == 26
    assert {c["state"]: c["count"] for c in counts["byState"]}["NOT_STARTED"] == 26
    # Signed off late: not overdue any more, visibly late.
    task = w["task"][4]
    ok(
        await _who(as_, w, "safety_head")(
            STEP["submitTaskForSignOff"], {"input": {"taskId": task, "note": "完成"}}
        )
    )
    signed = ok(await _who(as_, w, "office_head")(STEP["signOffTask"], {"input": {"taskId": task}}))["task"]
    assert signed["signedOffLate"] and not signed["overdue"]
    counts = (await director(COUNTS, {}))["data"]["taskCounts"]
    assert counts["overdue"] == 25 and counts["signedOffLate"] == 1


ADOPT = """mutation($input: AdoptWorkListInput!) {
  adoptWorkList(input: $input) { workList { code year issuingUnit { name } } userErrors { code field message messageEn } }
}"""


async def test_a_park_takes_the_work_list_through_the_api(app: Any, session: AsyncSession, as_: Any) -> None:
    from tests import factories as f

    t = await f.small_tree(session)
    office = await f.unit(session, UnitKind.DEPARTMENT, t["park"], code="DZB", name="党政办")
    admin = await f.make_platform_admin(session)
    await load_requirements(session)
    await reload(app, session)
    app.state.clock = lambda: date(2023, 7, 20)
    call = as_(admin)
    park = gid("OrgUnit", t["park"].id)
    refused(
        await call(ADOPT, {"input": {"parkId": park, "code": "no-such-list"}}), "NOT_FOUND", ["input", "code"]
    )
    refused(
        await call(ADOPT, {"input": {"parkId": gid("OrgUnit", office.id), "code": "004-key-work-2023"}}),
        "INVALID_VALUE",
        ["input", "parkId"],
    )
    # The small park lacks 财政财务部, 经济运行部 …: refused, nothing written.
    refused(
        await call(ADOPT, {"input": {"parkId": park, "code": "004-key-work-2023"}}),
        "INVALID_VALUE",
        ["input", "parkId"],
    )
    assert await session.scalar(select(func.count()).select_from(WorkTask)) == 0
    for code, name in (
        ("CZ", "财政财务部"),
        ("JJ", "经济运行部"),
        ("GX", "高新技术产业部"),
        ("QF", "企业服务中心"),
        ("FZ", "法制办"),
    ):
        await f.unit(session, UnitKind.DEPARTMENT, t["park"], code=code, name=name)
    await reload(app, session)
    done = ok(await call(ADOPT, {"input": {"parkId": park, "code": "004-key-work-2023"}}))
    assert done["workList"]["year"] == 2023 and done["workList"]["issuingUnit"] == {"name": "党政办"}
    assert await session.scalar(select(func.count()).select_from(WorkTask)) == 26
    refused(
        await call(ADOPT, {"input": {"parkId": park, "code": "004-key-work-2023"}}),
        "DUPLICATE",
        ["input", "code"],
    )
    # A department head may not.
    head = await f.person(session, name="head（演示）")
    await f.assign(
        session, await f.post(session, t["safety"], PostKind.DEPARTMENT_HEAD), head, start=date(2023, 1, 1)
    )
    await reload(app, session)
    body = await as_(f"person:{head.id}")(ADOPT, {"input": {"parkId": park, "code": "004-key-work-2023"}})
    assert body["data"]["adoptWorkList"]["userErrors"][0]["code"] in {"NOT_FOUND", "FORBIDDEN"}
