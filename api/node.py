"""`node` and `nodes`: lookups by global ID over every node type, batched, capped."""

from __future__ import annotations

from collections import defaultdict

import strawberry
from strawberry import relay

from api.access.types import Agency, AgencyContract, AgencyMember, ApiKey, ServiceClient
from api.admin.types import AuditEvent, JointResponsibility, Permission, RoleGrant
from api.context import Info
from api.duties.record_types import CriticalPeriod, DutyRecord
from api.duties.types import DutyItem, DutyList, DutyListVersion
from api.errors import BadInput
from api.hazards.types import Hazard, HazardCategory, TipOff
from api.ids import try_decode_id
from api.people.types import Person
from api.posts.types import Assignment, Post, PostCharge
from api.scoring.types import EnterpriseClassDecision, ScoringSchemeVersion
from api.tree.types import OrgUnit

NODE_TYPES: dict[str, type[relay.Node]] = {
    "OrgUnit": OrgUnit,
    "Post": Post,
    "Person": Person,
    "Assignment": Assignment,
    "PostCharge": PostCharge,
}
# Duty lists, their versions and items, records and critical periods (api/duties).
DUTY_NODE_TYPES: list[type[relay.Node]] = [DutyList, DutyListVersion, DutyItem, DutyRecord, CriticalPeriod]
NODE_TYPES.update({t.__name__: t for t in DUTY_NODE_TYPES})
# The hazard ledger (api/hazards).
HAZARD_NODE_TYPES: list[type[relay.Node]] = [Hazard, HazardCategory, TipOff]
NODE_TYPES.update({t.__name__: t for t in HAZARD_NODE_TYPES})
# Scheme versions and class decisions (api/scoring).
SCORING_NODE_TYPES: list[type[relay.Node]] = [ScoringSchemeVersion, EnterpriseClassDecision]
NODE_TYPES.update({t.__name__: t for t in SCORING_NODE_TYPES})
# Agencies, contracts, clients and keys (api/access).
ACCESS_NODE_TYPES: list[type[relay.Node]] = [Agency, AgencyMember, AgencyContract, ServiceClient, ApiKey]
NODE_TYPES.update({t.__name__: t for t in ACCESS_NODE_TYPES})
# Role templates, grants, declarations and audit events (api/admin), each filtered by reach.
ADMIN_NODE_TYPES: list[type[relay.Node]] = [Permission, RoleGrant, JointResponsibility, AuditEvent]
NODE_TYPES.update({t.__name__: t for t in ADMIN_NODE_TYPES})


async def resolve_global_ids(info: Info, ids: list[relay.GlobalID]) -> list[relay.Node | None]:
    wanted: dict[str, list[str]] = defaultdict(list)
    for gid in ids:
        if gid.type_name in NODE_TYPES and try_decode_id(gid, gid.type_name) is not None:
            wanted[gid.type_name].append(gid.node_id)
    found: dict[tuple[str, str], relay.Node | None] = {}
    for type_name, node_ids in wanted.items():
        node_type = NODE_TYPES[type_name]
        resolved = await node_type.resolve_nodes(info=info, node_ids=node_ids)  # type: ignore[call-overload]
        for node_id, node in zip(node_ids, resolved, strict=True):
            found[(type_name, node_id)] = node
    return [found.get((gid.type_name, gid.node_id)) for gid in ids]


@strawberry.type
class NodeQuery:
    @strawberry.field(description="节点 — Any object by its global ID; null if there is none")
    async def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        return (await resolve_global_ids(info, [id]))[0]

    @strawberry.field(
        description="节点列表 — Objects by global ID, in the order asked; null where there is none"
    )
    async def nodes(self, info: Info, ids: list[relay.GlobalID]) -> list[relay.Node | None]:
        cap = info.context.settings.max_nodes_ids
        if len(ids) > cap:
            raise BadInput(
                f"`ids` may hold at most {cap} IDs", f"ids 最多{cap}个", "ids", code="TOO_MANY_IDS"
            )
        return await resolve_global_ids(info, ids)
