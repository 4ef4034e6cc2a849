"""The per-request loaders of agencies, contracts and clients, kept beside the request's
other loaders (`ctx.loaders`) so that a mutation's reset drops them too. Who may see what
is `authz.visibility.access`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select

from api.loaders import ByIdLoader, PageLoader, RowsByKeyLoader
from authz import relations
from authz.models import Agency, AgencyContract, AgencyMember, ApiKey, ServiceClient
from authz.reach import Reach
from authz.visibility.access import agencies_visible, api_keys_visible, clients_visible, contracts_visible
from domain.pagination import Ordering
from domain.rows import Relation
from domain.tree.models import OrgUnit
from domain.tree.queries import UNIT_ORDER

if TYPE_CHECKING:
    from api.context import Context

AGENCY_ORDER: Ordering[Agency] = Ordering((Agency.id,), key=lambda a: (a.id,))
CONTRACT_ORDER: Ordering[AgencyContract] = Ordering(
    (AgencyContract.start_date, AgencyContract.id), key=lambda c: (c.start_date, c.id)
)
CLIENT_ORDER: Ordering[ServiceClient] = Ordering((ServiceClient.id,), key=lambda c: (c.id,))


class AgencyByIdLoader(ByIdLoader[Agency]):
    model = Agency

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return agencies_visible(reach)


class AgencyMemberByIdLoader(ByIdLoader[AgencyMember]):
    model = AgencyMember

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return agencies_visible(reach)


class ContractByIdLoader(ByIdLoader[AgencyContract]):
    model = AgencyContract

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return contracts_visible(reach)


class ClientByIdLoader(ByIdLoader[ServiceClient]):
    model = ServiceClient

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return clients_visible(reach)


class ApiKeyByIdLoader(ByIdLoader[ApiKey]):
    model = ApiKey

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return api_keys_visible(reach)


class MembersByAgencyLoader(RowsByKeyLoader):
    def statement(self) -> Relation:
        return relations.members_by_agency(agencies_visible(self.ctx.reach))


class ApiKeysByClientLoader(RowsByKeyLoader):
    def statement(self) -> Relation:
        return relations.api_keys_by_client()


class EnterprisesByContractLoader(PageLoader[OrgUnit, None]):
    """The enterprises a contract lists, only those the caller may read."""

    ordering = UNIT_ORDER

    def statement(self, flt: None) -> tuple[Select[Any], Any, Any]:
        stmt, contract_id = relations.contract_enterprises(self.ctx.reach.units())
        return stmt, contract_id, OrgUnit


class AccessLoaders:
    def __init__(self, ctx: Context) -> None:
        self.agency_by_id = AgencyByIdLoader(ctx)
        self.member_by_id = AgencyMemberByIdLoader(ctx)
        self.contract_by_id = ContractByIdLoader(ctx)
        self.client_by_id = ClientByIdLoader(ctx)
        self.api_key_by_id = ApiKeyByIdLoader(ctx)
        self.members_by_agency = MembersByAgencyLoader(ctx)
        self.api_keys_by_client = ApiKeysByClientLoader(ctx)
        self.enterprises_by_contract = EnterprisesByContractLoader(ctx)
