"""The ledger: hazards of a unit's subtree by grade, state, category, source, overdue and
period, with counts for dashboards; the category library; notices to a unit."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select
from strawberry import relay

from api.connection import Connection, root_connection
from api.context import Info
from api.hazards.types import Hazard, HazardCategory, HazardNotice, TipOff
from api.ids import try_decode_id
from authz.catalogue import Action, Resource
from authz.visibility.hazards import categories_visible, hazards_visible, tip_offs_visible
from domain.hazards import ledger
from domain.hazards import states as st
from domain.hazards.ledger import BOARD_ORDER, CATEGORY_ORDER, HAZARD_ORDER, NOTICE_ORDER, TIP_OFF_ORDER
from domain.hazards.tipoffs import TipOffStatus as TipOffStatusValue
from domain.tree.models import OrgUnit


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
    return ledger.ledger(
        hazards_visible(info.context.reach),
        info.context.today,
        unit_given=unit_given,
        unit_path=unit.path if unit is not None else None,
        flt=_filter(flt) if flt is not None else None,
    )


def _filter(flt: HazardFilterInput) -> ledger.LedgerFilter:
    return ledger.LedgerFilter(
        grades=[g.value for g in flt.grades] if flt.grades else None,
        states=[s.value for s in flt.states] if flt.states else None,
        category_ids=[try_decode_id(c, "HazardCategory") or 0 for c in flt.category_ids]
        if flt.category_ids
        else None,
        sources=[s.value for s in flt.sources] if flt.sources else None,
        overdue=flt.overdue,
        found_from=flt.found_from,
        found_to=flt.found_to,
    )


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
        hazards = _ledger(info, await _unit(info, unit_id), unit_id is not None, filter)
        async with info.context.db() as session:
            rows = await ledger.ledger_counts(session, hazards, info.context.today)
        by_state = {r.state: r.hazards for r in rows}
        closed = by_state.get(st.HazardState.CLOSED, 0)
        confirmed = sum(
            n for s, n in by_state.items() if s not in (st.HazardState.REPORTED, st.HazardState.REJECTED)
        )
        return HazardStats(
            total=sum(by_state.values()),
            open=sum(n for s, n in by_state.items() if s in st.OPEN_STATES),
            overdue=sum(r.overdue for r in rows),
            major_open=sum(r.major_open for r in rows),
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
        allowed: list[list[str]] = []
        if statuses:
            allowed.append(statuses)
        if tip_off_statuses is not None:
            allowed.append([x.value for x in tip_off_statuses])
        stmt = ledger.tip_offs(
            tip_offs_visible(info.context.reach),
            park_id=(try_decode_id(park_id, "OrgUnit") or 0) if park_id is not None else None,
            statuses=allowed,
        )
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
        stmt = ledger.categories(
            categories_visible(info.context.reach),
            domain=domain.value if domain is not None else None,
            major=major,
        )
        return await root_connection(info, stmt, CATEGORY_ORDER, HazardCategory.from_row, first, after)

    @strawberry.field(
        description="隐患通知 — Notices to a unit (the 双报告 of major hazards), newest last; "
        "for those who may read hazards there"
    )
    async def hazard_notices(
        self, info: Info, unit_id: relay.GlobalID, first: int | None = None, after: str | None = None
    ) -> Connection[HazardNotice]:
        unit = await _unit(info, unit_id)
        readable = unit is not None and info.context.reach.allows(Resource.HAZARD, Action.READ, unit.path)
        stmt = ledger.notices(unit.id if unit is not None and readable else None)
        return await root_connection(info, stmt, NOTICE_ORDER, HazardNotice.from_row, first, after)
