from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from api.access.loaders import AGENCY_ORDER, CLIENT_ORDER, CONTRACT_ORDER
from api.access.types import Agency, AgencyContract, ServiceClient, ServiceClientKind
from api.access.viewer import Viewer
from api.connection import Connection, root_connection
from api.context import Info
from api.ids import try_decode_id
from authz import lists
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
        stmt = lists.agencies(agencies_visible(info.context.reach), search)
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
        stmt = lists.contracts(
            contracts_visible(info.context.reach),
            agency_id=(try_decode_id(agency_id, "Agency") or 0) if agency_id is not None else None,
            active_on=active_on,
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
        stmt = lists.clients(
            clients_visible(info.context.reach),
            kind=str(kind.value) if kind is not None else None,
            include_disabled=include_disabled,
        )
        return await root_connection(info, stmt, CLIENT_ORDER, ServiceClient.from_row, first, after)
