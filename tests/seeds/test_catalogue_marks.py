"""Installs whose lists copied the catalogue's rules before the rules said their basis and
whether they may be delegated get the marks by a new version, from the day `load-catalogue`
runs: timings are untouched, a unit's own revision of a timing is kept, history stays."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM
from domain.duties.lists import ItemInput, adopt_template, create_duty_list
from domain.duties.models import DutyItem, DutyListVersion
from domain.duties.rules import FrequencyBasis, parse_rule
from seeds.catalogue_marks import carry_rule_marks, marked_rules
from seeds.requirements import read_catalogue
from tests import factories as f

DELEGABLE = "004-park-principal-6a"
SUPERVISION = "002-enterprise-supervision-2-15"


def _unmarked_copy(key: str) -> dict[str, object]:
    rule = marked_rules(read_catalogue())[key]
    out = {k: v for k, v in rule.items() if k not in ("basis", "delegable")}
    if "variants" in out:
        out["variants"] = [{k: v for k, v in x.items() if k != "basis"} for x in rule["variants"]]
    return out


async def _latest_rules(session: AsyncSession, list_id: int) -> tuple[date, dict[str, object]]:
    version = await session.scalar(
        select(DutyListVersion)
        .where(DutyListVersion.list_id == list_id)
        .order_by(DutyListVersion.number.desc())
    )
    assert version is not None
    rows = (await session.scalars(select(DutyItem).where(DutyItem.version_id == version.id))).all()
    return version.effective_from, {i.key: i.rule for i in rows}


async def test_lists_copied_before_the_marks_get_them_from_the_day_it_runs(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    old = await create_duty_list(
        session, code="old-catalogue", name="旧目录", post_kinds=["PRINCIPAL"], unit_id=None,
        effective_from=date(2023, 7, 16), actor=SYSTEM,
        items=[
            ItemInput(key=DELEGABLE, text="每季度主持或者委托分管负责人召开1次安全生产工作会议",
                      rule=_unmarked_copy(DELEGABLE)),
            ItemInput(key=SUPERVISION, text="分类监管", rule=_unmarked_copy(SUPERVISION)),
            ItemInput(key="park-own", text="园区自设", rule={"kinds": ["MEETING"], "every": "MONTH"}),
        ],
    )  # fmt: skip
    copy = await adopt_template(
        session, template_id=old.id, unit_id=t["park"].id, code="old-copy",
        effective_from=date(2024, 1, 1), actor=SYSTEM, today=date(2024, 1, 1),
    )  # fmt: skip
    counts = await carry_rule_marks(session, today=date(2026, 11, 22), actor=SYSTEM)
    assert counts["marked_versions"] >= 2  # the template and the copy (and the catalogue's own)
    for lst in (old, copy):
        since, rules = await _latest_rules(session, lst.id)
        assert since == date(2026, 11, 22)
        meeting = parse_rule(rules[DELEGABLE])
        assert meeting.delegable and meeting.basis is FrequencyBasis.DOCUMENT
        supervision = parse_rule(rules[SUPERVISION])
        assert {v.basis for v in supervision.variants} == {FrequencyBasis.DEFAULT}
        # Timings as they were; the unit's own duty untouched.
        assert [v.timing for v in supervision.variants] == [
            v.timing for v in parse_rule(_unmarked_copy(SUPERVISION)).variants
        ]
        assert rules["park-own"] == {"kinds": ["MEETING"], "every": "MONTH", "times": 1}
    # The first version is kept as it was; running again changes nothing.
    first = await session.scalar(
        select(DutyListVersion).where(DutyListVersion.list_id == copy.id, DutyListVersion.number == 1)
    )
    assert first is not None
    kept = await session.scalar(
        select(DutyItem.rule).where(DutyItem.version_id == first.id, DutyItem.key == DELEGABLE)
    )
    assert kept == _unmarked_copy(DELEGABLE)
    assert (await carry_rule_marks(session, today=date(2026, 11, 23), actor=SYSTEM))["marked_versions"] == 0


async def test_a_timing_the_unit_revised_keeps_its_own_and_gets_no_marks(session: AsyncSession) -> None:
    t = await f.small_tree(session)
    revised = {"kinds": ["MEETING"], "every": "MONTH"}  # not the catalogue's quarterly
    lst = await create_duty_list(
        session, code="revised", name="园区修订", post_kinds=["PRINCIPAL"], unit_id=t["park"].id,
        effective_from=date(2024, 1, 1), actor=SYSTEM,
        items=[ItemInput(key=DELEGABLE, text="会议", rule=revised)],
    )  # fmt: skip
    await carry_rule_marks(session, today=date(2026, 11, 22), actor=SYSTEM)
    since, rules = await _latest_rules(session, lst.id)
    assert since == date(2024, 1, 1) and not parse_rule(rules[DELEGABLE]).delegable
