"""Who may see agencies, contracts, clients and keys.

- Agencies and their staff: callers with any (contract, read) right.
- A contract: callers whose (contract, read) scopes hold one of its enterprises.
- A client: callers whose (client, read) scopes hold its district; agency and integration
  clients (which live at the root) only callers whose (client, read) scope is everything.
- An API key: whoever sees its client. Never the secret or its hash.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, select, true

from authz.catalogue import Resource
from authz.models import AgencyContract, AgencyContractUnit, ApiKey, ServiceClient
from authz.reach import Reach
from domain.tree.models import OrgUnit


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


def api_keys_visible(reach: Reach) -> ColumnElement[bool]:
    """Keys of the clients the caller sees."""
    return ApiKey.client_id.in_(select(ServiceClient.id).where(clients_visible(reach)))
