"""Who may see agencies, contracts and clients (as SQL), and the per-request loaders of
this area, kept beside the request's other loaders (`ctx.loaders`) so that a mutation's
reset drops them too.

- Agencies and their staff: callers with any (contract, read) right.
- A contract: callers whose (contract, read) scopes hold one of its enterprises.
- A client: callers whose (client, read) scopes hold its district; agency and integration
  clients (which live at the root) only callers whose (client, read) scope is everything.
- An API key: whoever sees its client. Never the secret or its hash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, exists, false, select, true

from api.loaders import AnySelect, ByIdLoader, PageLoader, RowsByKeyLoader
from authz.catalogue import Resource
from authz.models import Agency, AgencyContract, AgencyContractUnit, AgencyMember, ApiKey, ServiceClient
from authz.reach import Reach
from domain.pagination import Ordering
from domain.tree.models import OrgUnit
from domain.tree.queries import UNIT_ORDER

if TYPE_CHECKING:
    from api.context import Context

AGENCY_ORDER: Ordering[Agency] = Ordering((Agency.id,), key=lambda a: (a.id,))
CONTRACT_ORDER: Ordering[AgencyContract] = Ordering(
    (AgencyContract.start_date, AgencyContract.id), key=lambda c: (c.start_date, c.id)
)
CLIENT_ORDER: Ordering[ServiceClient] = Ordering((ServiceClient.id,), key=lambda c: (c.id,))


def agencies_visible(reach: Reach) -> ColumnElement[bool]:
    return false() if reach.scopes(Resource.CONTRACT).empty else true()


def contracts_visible(reach: Reach) -> ColumnElement[bool]:
    scopes = reach.scopes(Resource.CONTRACT)
    if scopes.everything:
        return true()
    if scopes.empty:
        return false()
    listed = (
        select(AgencyContractUnit.contract_id)
        .join(OrgUnit, OrgUnit.id == AgencyContractUnit.unit_id)
        .where(AgencyContractUnit.contract_id == AgencyContract.id, scopes.unit_clause())
    )
    return exists(listed)


def clients_visible(reach: Reach) -> ColumnElement[bool]:
    scopes = reach.scopes(Resource.CLIENT)
    if scopes.everything:
        return true()
    if scopes.empty:
        return false()
    return ServiceClient.unit_id.in_(select(OrgUnit.id).where(scopes.unit_clause()))


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
        return ApiKey.client_id.in_(select(ServiceClient.id).where(clients_visible(reach)))


class MembersByAgencyLoader(RowsByKeyLoader):
    def statement(self) -> tuple[AnySelect, Any]:
        stmt = (
            select(AgencyMember.agency_id, AgencyMember)
            .where(agencies_visible(self.ctx.reach))
            .order_by(AgencyMember.start_date, AgencyMember.id)
        )
        return stmt, AgencyMember.agency_id


class ApiKeysByClientLoader(RowsByKeyLoader):
    def statement(self) -> tuple[AnySelect, Any]:
        stmt = select(ApiKey.client_id, ApiKey).order_by(ApiKey.id)
        return stmt, ApiKey.client_id


class EnterprisesByContractLoader(PageLoader[OrgUnit, None]):
    """The enterprises a contract lists, only those the caller may read."""

    ordering = UNIT_ORDER

    def statement(self, flt: None) -> tuple[Select[Any], Any, Any]:
        stmt = (
            select(OrgUnit)
            .join(AgencyContractUnit, AgencyContractUnit.unit_id == OrgUnit.id)
            .where(self.ctx.reach.units())
        )
        return stmt, AgencyContractUnit.contract_id, OrgUnit


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
