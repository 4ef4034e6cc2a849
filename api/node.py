"""`node` and `nodes`: lookups by global ID over every node type, batched, capped.

`NODE_TYPES` and `resolve_global_ids` live in `api.nodes`, which imports no node type, and
are re-exported here."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.access.types import Agency, AgencyContract, AgencyMember, ApiKey, ServiceClient
from api.admin.types import AuditEvent, JointResponsibility, Permission, RoleGrant
from api.context import Info
from api.duties.defaults import DistrictFrequencyDefault
from api.duties.delegation_types import DutyDelegation
from api.duties.record_types import CriticalPeriod, DutyRecord
from api.duties.types import DutyItem, DutyList, DutyListVersion
from api.errors import BadInput
from api.files.types import EvidenceFile
from api.hazards.types import Hazard, HazardCategory, TipOff
from api.nodes import NODE_TYPES as NODE_TYPES
from api.nodes import resolve_global_ids as resolve_global_ids
from api.people.types import Person
from api.posts.types import Assignment, Post, PostCharge
from api.scoring.types import EnterpriseClassDecision, ScoringSchemeVersion
from api.tasks.types import Task, WorkList
from api.tree.types import OrgUnit

# Every node type, by area, for the schema; each registers itself in `NODE_TYPES` (api.nodes).
CORE_NODE_TYPES: list[type[relay.Node]] = [OrgUnit, Post, Person, Assignment, PostCharge]
# Duty lists, their versions and items, records and critical periods (api/duties).
DUTY_NODE_TYPES: list[type[relay.Node]] = [
    DutyList,
    DutyListVersion,
    DutyItem,
    DutyRecord,
    CriticalPeriod,
    DutyDelegation,
    DistrictFrequencyDefault,
]
# The hazard ledger (api/hazards).
HAZARD_NODE_TYPES: list[type[relay.Node]] = [Hazard, HazardCategory, TipOff]
# Work lists and their tasks (api/tasks).
TASK_NODE_TYPES: list[type[relay.Node]] = [WorkList, Task]
# Scheme versions and class decisions (api/scoring).
SCORING_NODE_TYPES: list[type[relay.Node]] = [ScoringSchemeVersion, EnterpriseClassDecision]
# Agencies, contracts, clients and keys (api/access).
ACCESS_NODE_TYPES: list[type[relay.Node]] = [Agency, AgencyMember, AgencyContract, ServiceClient, ApiKey]
# Role templates, grants, declarations and audit events (api/admin), each filtered by reach.
ADMIN_NODE_TYPES: list[type[relay.Node]] = [Permission, RoleGrant, JointResponsibility, AuditEvent]
# Evidence files (api/files), filtered by `authz.visibility.files.readable_files`.
FILE_NODE_TYPES: list[type[relay.Node]] = [EvidenceFile]

_ALL = CORE_NODE_TYPES + DUTY_NODE_TYPES + HAZARD_NODE_TYPES + TASK_NODE_TYPES + SCORING_NODE_TYPES
_ALL += ACCESS_NODE_TYPES + ADMIN_NODE_TYPES + FILE_NODE_TYPES
if {t.__name__: t for t in _ALL} != NODE_TYPES:
    raise RuntimeError(f"node types registered and listed differ: {sorted(NODE_TYPES)}")


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
