"""The monthly park report (园区月报)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.obligations import Obligation
from domain.errors import DomainError, FieldError
from domain.hazards.models import Hazard
from domain.scoring.formula import PeriodKind, ScoreScope
from domain.scoring.models import UnitScore
from domain.scoring.queries import explain, obligation_losses, score_rows
from domain.scoring.reports.model import (
    ALL,
    DATE_FORMAT,
    KIND_LABELS,
    RATE_FORMAT,
    SCORE_FORMAT,
    STANDING_LABELS,
    STATUS_LABELS,
    TOP_LOSSES,
    TOP_N,
    UNIT_SCORES,
    WITHHELD,
    Cell,
    Column,
    Disclosure,
    Report,
    ReportKind,
    Table,
    _district_id,
    _month_label,
    _park,
    _rate,
    _score_fields,
    _version_number,
    check_request,
)
from domain.scoring.reports.names import _Names, _names_of_obligations
from domain.scoring.state import current_state
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit, subtree_upper_bound

# --- the monthly park report ------------------------------------------------------------


async def monthly_report(
    session: AsyncSession, park: OrgUnit, month: date, *, today: date, disclosure: Disclosure = ALL
) -> Report:
    _park(park)
    start, end = await check_request(session, ReportKind.MONTHLY, month, today)
    state = await current_state(session)
    as_of = state.as_of if state else today
    kind = PeriodKind.MONTH
    tree = (await score_rows(session, [park.id], ScoreScope.TREE, kind, start)).get(park.id)
    own = (await score_rows(session, [park.id], ScoreScope.OWN, kind, start)).get(park.id)
    version = await _version_number(session, tree, _district_id(park), start)
    fields: list[tuple[str, Cell]] = [
        ("报表", KIND_LABELS[ReportKind.MONTHLY]),
        ("园区", park.name),
        ("园区编码", park.code),
        ("考核期间", f"{start.isoformat()} 至 {end.isoformat()}"),
        ("数据截至", as_of),
        ("考核方案版本", version),
        ("得分（含下级）", tree.score if tree else None),
        ("得分（本级）", own.score if own else None),
        *_score_fields(tree),
    ]
    units = await _unit_scores(session, park, start)
    top = await _top_losses(session, park, start, disclosure)
    return Report(
        kind=ReportKind.MONTHLY,
        unit_id=park.id,
        unit_code=park.code,
        title=f"{park.name}安全生产责任制履职月报（{_month_label(start)}）",
        period_start=start,
        period_end=end,
        as_of=as_of,
        fields=fields,
        tables=[units, top],
    )


async def _unit_scores(session: AsyncSession, park: OrgUnit, start: date) -> Table:
    """Every department and enterprise of the park with its score (with subtree) for the
    month, lowest first, then those without a score, each group in tree order. An archived
    unit is listed only if it has a score for the month."""
    units = (
        await session.scalars(
            select(OrgUnit)
            .where(
                OrgUnit.path > park.path,
                OrgUnit.path < subtree_upper_bound(park.path),
                OrgUnit.kind.in_([UnitKind.DEPARTMENT.value, UnitKind.ENTERPRISE.value]),
            )
            .order_by(OrgUnit.path)
        )
    ).all()
    scores = {
        r.unit_id: r
        for r in (
            await session.scalars(
                select(UnitScore).where(
                    UnitScore.park_id == park.id,
                    UnitScore.scope == ScoreScope.TREE.value,
                    UnitScore.period_kind == PeriodKind.MONTH.value,
                    UnitScore.period_start == start,
                )
            )
        ).all()
    }
    by_id = {u.id: u for u in units}
    listed = [u for u in units if u.archived_at is None or u.id in scores]

    def order(u: OrgUnit) -> tuple[bool, float, str]:
        s = scores.get(u.id)
        score = s.score if s is not None else None
        return (score is None, score if score is not None else 0.0, u.path)

    table = Table(
        UNIT_SCORES,
        [
            Column("序号", 6),
            Column("单位编码", 14),
            Column("单位名称", 30),
            Column("类型", 8),
            Column("上级单位", 20),
            Column("得分（含下级）", 14, SCORE_FORMAT),
            Column("按时完成", 10),
            Column("逾期完成", 10),
            Column("未完成", 10),
            Column("计分隐患", 10),
            Column("逾期未销号", 12),
            Column("重大隐患未销号", 14),
            Column("已销号", 10),
            Column("销号率", 10, RATE_FORMAT),
            Column("分级", 8),
        ],
    )
    for n, u in enumerate(sorted(listed, key=order), start=1):
        s = scores.get(u.id)
        parent = by_id.get(u.parent_id) if u.parent_id is not None else None
        table.rows.append(
            [
                n,
                u.code,
                u.name,
                "部室" if u.kind == UnitKind.DEPARTMENT.value else "企业",
                parent.name if parent is not None else park.name,
                s.score if s else None,
                s.on_time if s else 0,
                s.late if s else 0,
                s.missed if s else 0,
                s.hz_counted if s else 0,
                s.hz_overdue if s else 0,
                s.hz_open_major if s else 0,
                s.hz_closed if s else 0,
                _rate(s.hz_closed, s.hz_counted) if s else None,
                u.risk_class if u.kind == UnitKind.ENTERPRISE.value else None,
            ]
        )
    return table


async def _top_losses(session: AsyncSession, park: OrgUnit, start: date, disclosure: Disclosure) -> Table:
    """The ten obligations and hazards that took most points off the park's score (with
    subtree), from the score's explanation: most points first; at equal points obligations
    before hazards, each in the explanation's own order."""
    e = await explain(session, park, ScoreScope.TREE, PeriodKind.MONTH, start, with_obligations=False)
    try:
        obligations = await obligation_losses(session, park, e)
    except DomainError as exc:  # too large a park to explain: say so at the report's field
        raise DomainError(
            [FieldError(x.code, ("parkId",), x.message_zh, x.message_en) for x in exc.errors]
        ) from exc
    merged: list[tuple[float, int, int, Any]] = [
        (-round(x.points, 6), 0, i, x) for i, x in enumerate(obligations)
    ] + [(-round(h.points, 6), 1, i, h) for i, h in enumerate(e.hazards)]
    merged.sort(key=lambda m: m[:3])
    chosen = merged[:TOP_N]
    names = _Names()
    await _names_of_obligations(session, [m[3].obligation for m in chosen if m[1] == 0], names)
    hazard_ids = [m[3].hazard_id for m in chosen if m[1] == 1]
    hazards: dict[int, Hazard] = {}
    if hazard_ids:
        hazards = {
            h.id: h for h in (await session.scalars(select(Hazard).where(Hazard.id.in_(hazard_ids)))).all()
        }
    await names.load(
        session,
        units=[m[3].unit_id for m in chosen],
        people=[h.responsible_person_id for h in hazards.values() if h.responsible_person_id is not None],
    )
    table = Table(
        TOP_LOSSES,
        [
            Column("名次", 6),
            Column("类别", 8),
            Column("单位", 28),
            Column("岗位", 20),
            Column("责任人", 12),
            Column("事项", 48),
            Column("情形", 14),
            Column("期间开始/发现日期", 16, DATE_FORMAT),
            Column("截止日期/整改时限", 16, DATE_FORMAT),
            Column("失分", 10, SCORE_FORMAT),
        ],
    )
    for n, (_points, is_hazard, _i, x) in enumerate(chosen, start=1):
        if not is_hazard:
            o: Obligation = x.obligation
            table.rows.append(
                [
                    n,
                    "履职",
                    names.unit_name(x.unit_id),
                    names.post_title(o.post_id),
                    names.holder(o.person_id, x.unit_id, disclosure),
                    names.duty(o.item_id),
                    STATUS_LABELS[o.status],
                    o.period_start,
                    o.due_date,
                    round(x.points, 6),
                ]
            )
            continue
        h = hazards.get(x.hazard_id)
        shown = h is not None and disclosure.hazards(names.unit_path(x.unit_id))
        person = h.responsible_person_id if h is not None else None
        responsible = names.holder(person, x.unit_id, disclosure) if person is not None else ""
        table.rows.append(
            [
                n,
                "隐患",
                names.unit_name(x.unit_id),
                "",
                responsible if shown else WITHHELD,
                h.title if shown and h is not None else f"隐患{WITHHELD}",
                STANDING_LABELS[x.standing],
                h.found_on if h is not None else None,
                h.deadline if h is not None else None,
                round(x.points, 6),
            ]
        )
    return table
