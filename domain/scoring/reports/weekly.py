"""The weekly report (园区周报, 每周四报送)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.obligations import Obligation, Status
from domain.duties.queries import obligations_of_posts, posts_of_unit
from domain.hazards.models import Hazard
from domain.hazards.states import Grade, HazardState
from domain.scoring.formula import (
    HazardFacts,
    HazardStanding,
    PeriodKind,
    ScoreScope,
    hazard_standing,
    month_of,
)
from domain.scoring.queries import score_rows
from domain.scoring.reports.model import (
    ALL,
    DATE_FORMAT,
    KIND_LABELS,
    MONTH_TO_DATE,
    STATUS_LABELS,
    WEEK_HAZARDS,
    WEEK_MISSED,
    WEEK_OBLIGATIONS,
    Cell,
    Column,
    Disclosure,
    Report,
    ReportKind,
    Table,
    _district_id,
    _month_label,
    _park,
    _score_fields,
    _version_number,
    check_request,
)
from domain.scoring.reports.names import _Names, _names_of_obligations, _obligation_unit
from domain.scoring.state import current_state
from domain.tree.models import OrgUnit, subtree_upper_bound

# --- the weekly report ------------------------------------------------------------------


@dataclass
class WeekHazards:
    found: int = 0  # found in the week, not rejected
    closed: int = 0  # closed (销号) in the week
    open: int = 0  # open at the end of the Thursday
    overdue: int = 0  # open and past their deadline on the Thursday
    open_major: int = 0  # major and open on the Thursday (overdue or not)


async def week_hazards(session: AsyncSession, park: OrgUnit, friday: date, thursday: date) -> WeekHazards:
    """The park's hazards (with subtree) over the week, from the ledger as it is now. "On
    the Thursday" is judged as the score judges a period's last day (`hazard_standing` over
    [Thursday, Thursday]): found by then, not rejected, not closed by then; overdue when its
    deadline (the current one) is before that day."""
    rows = (
        await session.execute(
            select(
                Hazard.id,
                Hazard.unit_id,
                Hazard.grade,
                Hazard.state,
                Hazard.found_on,
                Hazard.deadline,
                Hazard.closed_on,
            ).where(
                Hazard.unit_id.in_(
                    select(OrgUnit.id).where(
                        OrgUnit.path >= park.path, OrgUnit.path < subtree_upper_bound(park.path)
                    )
                ),
                Hazard.found_on <= thursday,
                or_(Hazard.closed_on.is_(None), Hazard.closed_on >= friday),
            )
        )
    ).all()
    out = WeekHazards()
    for r in rows:
        h = HazardFacts(*r)
        if h.state == HazardState.REJECTED.value:
            continue
        if friday <= h.found_on <= thursday:
            out.found += 1
        if h.closed_on is not None and friday <= h.closed_on <= thursday:
            out.closed += 1
        standing = hazard_standing(h, thursday, thursday, thursday)
        if standing in (HazardStanding.OPEN, HazardStanding.OPEN_MAJOR, HazardStanding.OVERDUE):
            out.open += 1
        if standing is HazardStanding.OVERDUE:
            out.overdue += 1
        if standing is HazardStanding.OPEN_MAJOR or (
            standing is HazardStanding.OVERDUE and h.grade == Grade.MAJOR.value
        ):
            out.open_major += 1
    return out


async def weekly_report(
    session: AsyncSession, park: OrgUnit, thursday: date, *, today: date, disclosure: Disclosure = ALL
) -> Report:
    _park(park)
    friday, _ = await check_request(session, ReportKind.WEEKLY, thursday, today)
    state = await current_state(session)
    judge = state.as_of if state else today
    found = await obligations_of_posts(
        session, posts_of_unit(park.path, subtree=True), friday, thursday, judge
    )
    week = [o for o in found if friday <= o.due_date <= thursday]
    by_status = Counter(o.status for o in week)
    hz = await week_hazards(session, park, friday, thursday)
    month = month_of(thursday)
    tree = (await score_rows(session, [park.id], ScoreScope.TREE, PeriodKind.MONTH, month)).get(park.id)
    own = (await score_rows(session, [park.id], ScoreScope.OWN, PeriodKind.MONTH, month)).get(park.id)
    version = await _version_number(session, tree, _district_id(park), month)

    fields: list[tuple[str, Cell]] = [
        ("报表", KIND_LABELS[ReportKind.WEEKLY] + "（每周四报送）"),
        ("园区", park.name),
        ("园区编码", park.code),
        ("报送日（周四）", thursday),
        ("统计周期", f"{friday.isoformat()}（周五）至 {thursday.isoformat()}（周四）"),
        ("数据截至", judge),
    ]
    obligations = Table(WEEK_OBLIGATIONS, [Column("状态", 12), Column("状态代码", 16), Column("数量", 10)])
    for status in Status:
        obligations.rows.append([STATUS_LABELS[status], status.value, by_status.get(status, 0)])
    obligations.rows.append(["合计", "TOTAL", len(week)])
    hazards = Table(WEEK_HAZARDS, [Column("项目", 28), Column("数量", 10)])
    hazards.rows += [
        ["本周发现隐患（不含不予认定）", hz.found],
        ["本周销号隐患", hz.closed],
        ["周四未销号隐患", hz.open],
        ["周四逾期未销号隐患", hz.overdue],
        ["周四重大隐患未销号", hz.open_major],
    ]
    score = Table(MONTH_TO_DATE, [Column("项目", 24), Column("数值", 16)], key_value=True)
    score.rows += [
        ["月份", _month_label(month)],
        ["得分（含下级）", tree.score if tree else None],
        ["得分（本级）", own.score if own else None],
        ["考核方案版本", version],
        *([label, value] for label, value in _score_fields(tree)),
    ]
    missed_table = await _missed(session, [o for o in week if o.status is Status.MISSED], disclosure)
    return Report(
        kind=ReportKind.WEEKLY,
        unit_id=park.id,
        unit_code=park.code,
        title=f"{park.name}安全生产责任制履职周报（{friday.isoformat()}至{thursday.isoformat()}）",
        period_start=friday,
        period_end=thursday,
        as_of=judge,
        fields=fields,
        tables=[obligations, hazards, score, missed_table],
    )


async def _missed(session: AsyncSession, missed: list[Obligation], disclosure: Disclosure) -> Table:
    names = _Names()
    await _names_of_obligations(session, missed, names)
    table = Table(
        WEEK_MISSED,
        [
            Column("序号", 6),
            Column("单位", 28),
            Column("岗位", 20),
            Column("责任人", 12),
            Column("职责清单", 28),
            Column("职责", 48),
            Column("期间开始", 12, DATE_FORMAT),
            Column("截止日期", 12, DATE_FORMAT),
        ],
    )
    rows = []
    for o in missed:
        unit_id = _obligation_unit(o, names)
        rows.append((o.due_date, names.unit_path(unit_id), o.sort_key, unit_id, o))
    rows.sort(key=lambda r: r[:3])
    for n, (_due, _path, _key, unit_id, o) in enumerate(rows, start=1):
        table.rows.append(
            [
                n,
                names.unit_name(unit_id),
                names.post_title(o.post_id),
                names.holder(o.person_id, unit_id, disclosure),
                names.lists.get(o.list_id, ""),
                names.duty(o.item_id),
                o.period_start,
                o.due_date,
            ]
        )
    return table
