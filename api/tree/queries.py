from __future__ import annotations

import asyncio
from datetime import date

import strawberry
from sqlalchemy import Select
from strawberry import relay

from api.connection import Connection, build_connection, fetch_root_page, root_connection
from api.context import Info
from api.ids import try_decode_id
from api.posts.types import ResponsiblePersons
from api.tree.types import OrgUnit, UnitFilterInput, unit_filter
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit as OrgUnitRow
from domain.tree.queries import UNIT_ORDER, UnitFilter, units_stmt


async def _unit_row(info: Info, gid: relay.GlobalID) -> OrgUnitRow | None:
    unit_id = try_decode_id(gid, "OrgUnit")
    return await info.context.loaders.unit_by_id.load(unit_id) if unit_id is not None else None


async def _unit_connection(
    info: Info, stmt: Select[tuple[OrgUnitRow]], first: int | None, after: str | None
) -> Connection[OrgUnit]:
    return await root_connection(info, stmt, UNIT_ORDER, OrgUnit.from_row, first, after)


@strawberry.type
class TreeQuery:
    @strawberry.field(description="区列表 — Districts, the roots of the tree")
    async def districts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[OrgUnit]:
        stmt = units_stmt(UnitFilter(kinds=(UnitKind.DISTRICT,))).where(
            OrgUnitRow.parent_id.is_(None), info.context.reach.units()
        )
        return await _unit_connection(info, stmt, first, after)

    @strawberry.field(
        description="单元列表 — Units matching a filter, anywhere or below the unit `under` (its "
        "descendants, not the unit itself); below a unit you may not read, none"
    )
    async def units(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: UnitFilterInput | None = None,
        under: relay.GlobalID | None = None,
    ) -> Connection[OrgUnit]:
        under_path = None
        if under is not None:
            root = await _unit_row(info, under)
            # An unknown subtree has nothing in it: "/none/" matches no path.
            under_path = "/none/" if root is None else root.path
        return await _unit_connection(
            info,
            units_stmt(unit_filter(filter, info.context.today), under_path=under_path).where(
                info.context.reach.units()
            ),
            first,
            after,
        )

    @strawberry.field(description="单元 — One unit by ID; null if there is none")
    async def unit(self, info: Info, id: relay.GlobalID) -> OrgUnit | None:
        row = await _unit_row(info, id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(
        description="三个责任人 — The three responsible persons of an enterprise on a date (default today); "
        "null if the ID is not an enterprise"
    )
    async def responsible_persons(
        self, info: Info, enterprise_id: relay.GlobalID, on: date | None = None
    ) -> ResponsiblePersons | None:
        row = await _unit_row(info, enterprise_id)
        if row is None or row.kind != UnitKind.ENTERPRISE:
            return None
        return await ResponsiblePersons.load(info, OrgUnit.from_row(row), on or info.context.today)

    @strawberry.field(
        description="挂牌公示 — The public placard board of a park (or any unit's subtree): each placarded "
        "enterprise with its three responsible persons on a date (default today); null if the unit "
        "does not exist"
    )
    async def placard_board(
        self,
        info: Info,
        park_id: relay.GlobalID,
        on: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ResponsiblePersons] | None:
        park = await _unit_row(info, park_id)
        if park is None:
            return None
        day = on or info.context.today
        stmt = units_stmt(
            UnitFilter(kinds=(UnitKind.ENTERPRISE,), placarded=True), under_path=park.path
        ).where(info.context.reach.units())
        page, total = await fetch_root_page(info, stmt, UNIT_ORDER, first, after)
        # Gathered, so the loader sees every enterprise of the page in one batch.
        loaded = await asyncio.gather(
            *(ResponsiblePersons.load(info, OrgUnit.from_row(row), day) for row in page.items)
        )
        boards = {row.id: board for row, board in zip(page.items, loaded, strict=True)}
        return build_connection(page, lambda row: boards[row.id], total)
