"""On fixed 2023 dates: the 2023 key-work list is owed by its departments as tasks, not by
every department head as duties; a duty list that targets named departments (004 附件2
第11项, the 日周月 enforcement checks) applies only to the targeted departments' heads; an
install that had the key-work list as duties moves it to tasks without rewriting history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM
from domain.duties.lists import ItemInput, adopt_template, create_duty_list
from domain.duties.models import DutyItem, DutyList, DutyListVersion
from domain.duties.queries import obligations_of_posts
from domain.errors import DomainError
from domain.posts.models import Post
from domain.tasks.models import WorkTask
from seeds.key_work_upgrade import move_key_work_to_tasks
from tests.domain.tasks.world import task_world

LO, HI = date(2023, 7, 1), date(2023, 12, 31)


async def _keys(session: AsyncSession, post_id: int) -> set[str]:
    found = await obligations_of_posts(session, select(Post.id).where(Post.id == post_id), LO, HI, HI)
    return {o.item_key for o in found}


async def test_the_enforcement_list_applies_only_to_the_targeted_heads(session: AsyncSession) -> None:
    w = await task_world(session)
    template = await session.scalar(select(DutyList).where(DutyList.code == "004-enforcement-2023"))
    assert template is not None
    await adopt_template(
        session, template_id=template.id, unit_id=w["park"].id, code="ENF-P1",
        effective_from=date(2023, 7, 16), actor=SYSTEM, today=date(2023, 7, 16),
    )  # fmt: skip
    posts = w["posts"]
    safety = await _keys(session, posts["safety_head"].id)
    assert {"004-enforcement-2023-11-1-day", "004-enforcement-2023-11-1-week"} <= safety
    assert "004-enforcement-2023-11-1-month" in await _keys(session, posts["build_head"].id)
    for other in ("office_head", "finance_head", "economy_head"):
        assert not {k for k in await _keys(session, posts[other].id) if k.startswith("004-")}, other
    # And none of the key-work rows is any department head's duty: they are tasks.
    assert not any(k.startswith("004-key-work") for k in safety)
    tasks = await session.scalar(select(func.count()).select_from(WorkTask))
    assert tasks == 26


async def test_a_park_without_the_named_departments_cannot_take_a_targeted_list(
    session: AsyncSession,
) -> None:
    w = await task_world(session)
    template = await session.scalar(select(DutyList).where(DutyList.code == "004-enforcement-2023"))
    assert template is not None
    try:
        await adopt_template(
            session, template_id=template.id, unit_id=w["office"].id, code="ENF-X",
            effective_from=date(2023, 7, 16), actor=SYSTEM,
        )  # fmt: skip
        raise AssertionError("adopted without the departments")
    except DomainError as exc:
        assert [e.code for e in exc.errors] == ["INVALID_VALUE"]


async def test_an_install_with_key_work_duties_moves_them_to_tasks(session: AsyncSession) -> None:
    w = await task_world(session)
    # The list as an older catalogue had it: a template and a park's copy, for principals
    # and every department head.
    old = await create_duty_list(
        session, code="004-key-work-2023", name="2023年重点工作清单", post_kinds=["PRINCIPAL", "DEPARTMENT_HEAD"],
        unit_id=None, effective_from=date(2023, 7, 16), actor=SYSTEM,
        items=[ItemInput(key="004-key-work-2023-3", text="五有建设", rule={"kinds": ["REPORT"], "deadline": "2023-12-31"})],
    )  # fmt: skip
    copy = await adopt_template(
        session, template_id=old.id, unit_id=w["park"].id, code="KW-P1",
        effective_from=date(2023, 7, 16), actor=SYSTEM, today=date(2023, 7, 16),
    )  # fmt: skip
    before = await _keys(session, w["posts"]["economy_head"].id)
    assert "004-key-work-2023-3" in before
    counts = await move_key_work_to_tasks(session, today=date(2023, 9, 1), actor=SYSTEM)
    assert counts["key_work_versions"] == 2 and counts["work_lists"] == 1
    # The duties that stay duties: the park has no 法制办, so not the publicity list.
    assert counts["staying_lists"] == 3
    versions = (
        await session.scalars(
            select(DutyListVersion).where(DutyListVersion.list_id == copy.id).order_by(DutyListVersion.number)
        )
    ).all()
    assert [v.effective_from for v in versions] == [date(2023, 7, 16), date(2023, 9, 1)]
    items = await session.scalar(
        select(func.count()).select_from(DutyItem).where(DutyItem.version_id == versions[0].id)
    )
    assert items == 1  # the old version is kept as it was
    # A period keeps the version in force on its first day (the engine's rule): the one-off
    # period that began on 2023-07-16 stays as it was; nothing after the new version owes it.
    assert "004-key-work-2023-3" in await _keys(session, w["posts"]["economy_head"].id)
    later = await obligations_of_posts(
        session, select(Post.id).where(Post.id == w["posts"]["economy_head"].id), date(2024, 1, 1),
        date(2024, 12, 31), date(2024, 12, 31),
    )  # fmt: skip
    assert not [o for o in later if o.item_key.startswith("004-key-work")]
    assert (await move_key_work_to_tasks(session, today=date(2023, 9, 2), actor=SYSTEM))[
        "key_work_versions"
    ] == 0
