"""The ledger: hazards of a unit's subtree by grade, state, category, source, overdue and
period, with counts for dashboards; the category library; notices to a unit."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, and_, case, false, func, select
from strawberry import relay

from api.connection import Connection, root_connection
from api.context import Info
from api.hazards.loaders import BOARD_ORDER, CATEGORY_ORDER, HAZARD_ORDER, NOTICE_ORDER, TIP_OFF_ORDER
from api.hazards.types import Hazard, HazardCategory, HazardNotice, TipOff, TipOffStatusValue
from api.ids import try_decode_id
from authz.catalogue import Action, Resource
from authz.visibility.hazards import categories_visible, hazards_visible, tip_offs_visible
from domain.hazards import states as st
from domain.hazards.models import Hazard as HazardRow
from domain.hazards.models import HazardCategory as HazardCategoryRow
from domain.hazards.models import HazardNotice as HazardNoticeRow
from domain.hazards.models import TipOff as TipOffRow
from domain.tree.models import OrgUnit, subtree_upper_bound

OPEN = [s.value for s in st.OPEN_STATES]


@strawberry.input(description="隐患筛选 — Filters of the ledger; all given must hold")
class HazardFilterInput:
    grades: list[st.Grade] | None = strawberry.field(default=None, description="等级 — Grades")
    states: list[st.HazardState] | None = strawberry.field(default=None, description="状态 — States")
    category_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="分类 — Categories"
    )
    sources: list[st.Source] | None = strawberry.field(default=None, description="来源 — Sources")
    overdue: bool | None = strawberry.field(
        default=None, description="逾期 — Only overdue (true) or not (false)"
    )
    found_from: date | None = strawberry.field(default=None, description="发现起 — Found on or after")
    found_to: date | None = strawberry.field(default=None, description="发现止 — Found on or before")


@strawberry.type(name="HazardStateCount", description="状态计数 — Hazards in one state")
class HazardStateCount:
    state: st.HazardState = strawberry.field(description="状态 — State")
    count: int = strawberry.field(description="数量 — Count")


@strawberry.type(name="HazardStats", description="隐患统计 — Counts of the ledger for dashboards")
class HazardStats:
    total: int = strawberry.field(description="总数 — Hazards matching")
    open: int = strawberry.field(description="未销号 — Open (reported, confirmed, rectifying, rectified)")
    overdue: int = strawberry.field(description="逾期 — Open and past their deadline")
    major_open: int = strawberry.field(description="重大隐患未销号 — Open major hazards")
    closed: int = strawberry.field(description="已销号 — Closed")
    closure_rate: float | None = strawberry.field(
        description="销号率 — Closed among confirmed ones (not rejected, not merely reported); null if none"
    )
    by_state: list[HazardStateCount] = strawberry.field(description="按状态 — Counts by state")


def _ledger(info: Info, unit: OrgUnit | None, unit_given: bool, flt: HazardFilterInput | None) -> Select[Any]:
    stmt = select(HazardRow).where(hazards_visible(info.context.reach))
    if unit_given:
        if unit is None:
            return stmt.where(false())
        units = select(OrgUnit.id).where(
            OrgUnit.path >= unit.path, OrgUnit.path < subtree_upper_bound(unit.path)
        )
        stmt = stmt.where(HazardRow.unit_id.in_(units))
    if flt is None:
        return stmt
    if flt.grades:
        stmt = stmt.where(HazardRow.grade.in_([g.value for g in flt.grades]))
    if flt.states:
        stmt = stmt.where(HazardRow.state.in_([s.value for s in flt.states]))
    if flt.category_ids:
        stmt = stmt.where(
            HazardRow.category_id.in_([try_decode_id(c, "HazardCategory") or 0 for c in flt.category_ids])
        )
    if flt.sources:
        stmt = stmt.where(HazardRow.source.in_([s.value for s in flt.sources]))
    overdue = and_(HazardRow.state.in_(OPEN), HazardRow.deadline < info.context.today)
    if flt.overdue is True:
        stmt = stmt.where(overdue)
    elif flt.overdue is False:
        stmt = stmt.where(~overdue | HazardRow.deadline.is_(None))
    if flt.found_from:
        stmt = stmt.where(HazardRow.found_on >= flt.found_from)
    if flt.found_to:
        stmt = stmt.where(HazardRow.found_on <= flt.found_to)
    return stmt


async def _unit(info: Info, unit_id: relay.GlobalID | None) -> OrgUnit | None:
    if unit_id is None:
        return None
    uid = try_decode_id(unit_id, "OrgUnit")
    return await info.context.loaders.unit_by_id.load(uid) if uid else None


@strawberry.type
class HazardsQuery:
    @strawberry.field(
        description="隐患台账 — Hazards you may read, of a unit and its subtree (unitId) or all, "
        "oldest found first"
    )
    async def hazards(
        self,
        info: Info,
        unit_id: relay.GlobalID | None = None,
        filter: HazardFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Hazard]:
        stmt = _ledger(info, await _unit(info, unit_id), unit_id is not None, filter)
        return await root_connection(info, stmt, HAZARD_ORDER, Hazard.from_row, first, after)

    @strawberry.field(description="隐患统计 — Counts of the same ledger for dashboards, in one query")
    async def hazard_stats(
        self, info: Info, unit_id: relay.GlobalID | None = None, filter: HazardFilterInput | None = None
    ) -> HazardStats:
        ledger = _ledger(info, await _unit(info, unit_id), unit_id is not None, filter).subquery()
        today = info.context.today
        is_open = ledger.c.state.in_(OPEN)
        stmt = select(
            ledger.c.state,
            func.count(),
            func.sum(case((and_(is_open, ledger.c.deadline < today), 1), else_=0)),
            func.sum(case((and_(is_open, ledger.c.grade == st.Grade.MAJOR.value), 1), else_=0)),
        ).group_by(ledger.c.state)
        async with info.context.db() as session:
            rows = (await session.execute(stmt)).all()
        by_state = {st.HazardState(r[0]): int(r[1]) for r in rows}
        closed = by_state.get(st.HazardState.CLOSED, 0)
        confirmed = sum(
            n for s, n in by_state.items() if s not in (st.HazardState.REPORTED, st.HazardState.REJECTED)
        )
        return HazardStats(
            total=sum(by_state.values()),
            open=sum(n for s, n in by_state.items() if s in st.OPEN_STATES),
            overdue=sum(int(r[2] or 0) for r in rows),
            major_open=sum(int(r[3] or 0) for r in rows),
            closed=closed,
            closure_rate=closed / confirmed if confirmed else None,
            by_state=[HazardStateCount(state=s, count=by_state.get(s, 0)) for s in st.HazardState],
        )

    @strawberry.field(
        description="重大隐患动态清零看板 — Open major hazards of a park (or any unit's subtree), "
        "each with its 五落实 and days left; those without a plan first, then by deadline"
    )
    async def major_hazard_board(
        self, info: Info, park_id: relay.GlobalID, first: int | None = None, after: str | None = None
    ) -> Connection[Hazard]:
        flt = HazardFilterInput(grades=[st.Grade.MAJOR], states=sorted(st.OPEN_STATES))
        stmt = _ledger(info, await _unit(info, park_id), True, flt)
        return await root_connection(info, stmt, BOARD_ORDER, Hazard.from_row, first, after)

    @strawberry.field(
        description="举报列表 — Tip-offs of a park (or all you may see), oldest first; for the park safety "
        "office alone (the tip-off right), as they hold the reporters' contacts"
    )
    async def tip_offs(
        self,
        info: Info,
        park_id: relay.GlobalID | None = None,
        statuses: Annotated[
            list[str] | None,
            strawberry.argument(
                description="状态 — Only these statuses, as strings",
                deprecation_reason="改用 tipOffStatuses — Use tipOffStatuses",
            ),
        ] = None,
        tip_off_statuses: Annotated[
            list[TipOffStatusValue] | None,
            strawberry.argument(description="举报状态 — Only tip-offs in these statuses"),
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TipOff]:
        stmt = select(TipOffRow).where(tip_offs_visible(info.context.reach))
        if park_id is not None:
            stmt = stmt.where(TipOffRow.park_id == (try_decode_id(park_id, "OrgUnit") or 0))
        if statuses:
            stmt = stmt.where(TipOffRow.status.in_(statuses))
        if tip_off_statuses is not None:
            stmt = stmt.where(TipOffRow.status.in_([x.value for x in tip_off_statuses]))
        return await root_connection(info, stmt, TIP_OFF_ORDER, TipOff.from_row, first, after)

    @strawberry.field(description="隐患分类库 — The category library, by domain and majority if given")
    async def hazard_categories(
        self,
        info: Info,
        domain: st.HazardDomain | None = None,
        major: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[HazardCategory]:
        stmt = select(HazardCategoryRow).where(categories_visible(info.context.reach))
        if domain is not None:
            stmt = stmt.where(HazardCategoryRow.domain == domain.value)
        if major is not None:
            stmt = stmt.where(HazardCategoryRow.major.is_(major))
        return await root_connection(info, stmt, CATEGORY_ORDER, HazardCategory.from_row, first, after)

    @strawberry.field(
        description="隐患通知 — Notices to a unit (the 双报告 of major hazards), newest last; "
        "for those who may read hazards there"
    )
    async def hazard_notices(
        self, info: Info, unit_id: relay.GlobalID, first: int | None = None, after: str | None = None
    ) -> Connection[HazardNotice]:
        unit = await _unit(info, unit_id)
        stmt = select(HazardNoticeRow)
        if unit is None or not info.context.reach.allows(Resource.HAZARD, Action.READ, unit.path):
            stmt = stmt.where(false())
        else:
            stmt = stmt.where(HazardNoticeRow.unit_id == unit.id)
        return await root_connection(info, stmt, NOTICE_ORDER, HazardNotice.from_row, first, after)
