from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy import or_, select
from strawberry import relay

from api.access.loaders import AGENCY_ORDER, CLIENT_ORDER, CONTRACT_ORDER
from api.access.types import Agency, AgencyContract, ServiceClient, ServiceClientKind
from api.access.viewer import Viewer
from api.connection import Connection, root_connection
from api.context import Info
from api.ids import try_decode_id
from authz.models import Agency as AgencyRow
from authz.models import AgencyContract as AgencyContractRow
from authz.models import ServiceClient as ServiceClientRow
from authz.visibility.access import agencies_visible, clients_visible, contracts_visible


@strawberry.type
class AccessQuery:
    @strawberry.field(
        description="当前调用者 — Who is calling (the person or client the credentials name) and their "
        "roles; null without credentials"
    )
    def viewer(self, info: Info) -> Viewer | None:
        caller = info.context.caller
        if caller is None:
            return None
        return Viewer.of(caller.subject, caller.method, caller.person_id, caller.client_id)

    @strawberry.field(
        description="服务机构列表 — Third-party service agencies; for those who may read contracts"
    )
    async def agencies(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        search: str | None = None,
    ) -> Connection[Agency]:
        stmt = select(AgencyRow).where(agencies_visible(info.context.reach))
        if search and search.strip():
            text = search.strip()
            stmt = stmt.where(
                or_(AgencyRow.name.contains(text, autoescape=True), AgencyRow.credit_code == text)
            )
        return await root_connection(info, stmt, AGENCY_ORDER, Agency.from_row, first, after)

    @strawberry.field(
        description="服务合同列表 — Agency contracts that list an enterprise whose contracts you may "
        "read; optionally of one agency, or in force on a date"
    )
    async def agency_contracts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        agency_id: relay.GlobalID | None = None,
        active_on: date | None = None,
    ) -> Connection[AgencyContract]:
        stmt = select(AgencyContractRow).where(contracts_visible(info.context.reach))
        if agency_id is not None:
            stmt = stmt.where(AgencyContractRow.agency_id == (try_decode_id(agency_id, "Agency") or 0))
        if active_on is not None:
            stmt = stmt.where(
                AgencyContractRow.start_date <= active_on,
                AgencyContractRow.end_date >= active_on,
                or_(AgencyContractRow.terminated_on.is_(None), AgencyContractRow.terminated_on > active_on),
            )
        return await root_connection(info, stmt, CONTRACT_ORDER, AgencyContract.from_row, first, after)

    @strawberry.field(
        description="接入客户端列表 — Service clients you may read: district systems of your districts; "
        "agency and other clients only for platform-wide readers"
    )
    async def service_clients(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        kind: ServiceClientKind | None = None,
        include_disabled: bool = False,
    ) -> Connection[ServiceClient]:
        stmt = select(ServiceClientRow).where(clients_visible(info.context.reach))
        if kind is not None:
            stmt = stmt.where(ServiceClientRow.kind == kind.value)
        if not include_disabled:
            stmt = stmt.where(ServiceClientRow.disabled_at.is_(None))
        return await root_connection(info, stmt, CLIENT_ORDER, ServiceClient.from_row, first, after)
