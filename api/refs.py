"""References to persons, clients and units as nodes.

The stores keep who did something as a policy subject (`person:8`, `client:3`, or `cli` /
`system` for the command line and the platform itself) and where as a domain path
(`/1/2/3/`). Neither is shown to clients: a subject is answered as the Relay global ID of
its Person or ServiceClient (and as the node itself through an `Actor` field), a path as
its units. `cli` and `system` name no row and are answered as they are.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay

from api.access.types import ServiceClient
from api.context import Info
from api.people.types import Person
from api.posts.types import Post
from api.tree.types import OrgUnit
from authz.policy import parse_subject

_NODE_OF_SUBJECT = {"person": "Person", "client": "ServiceClient"}

# What a source segment (`charge:3`) names, for the global ID it is answered as.
_NODE_OF_SOURCE = {
    "assignment": "Assignment",
    "charge": "PostCharge",
    "joint": "JointResponsibility",
    "grant": "RoleGrant",
    "contract": "AgencyContract",
    "member": "AgencyMember",
    "client": "ServiceClient",
    "person": "Person",
}


@strawberry.enum(name="SystemActorKind", description="系统操作者类型 — Which part of the platform acted")
class SystemActorKind(Enum):
    CLI = strawberry.enum_value("cli", description="命令行 — The command line, run on the server")
    SYSTEM = strawberry.enum_value(
        "system", description="平台 — The platform itself (scheduled work, data loads)"
    )


@strawberry.type(
    name="SystemActor",
    description="系统操作者 — The command line or the platform itself: no person or client acted",
)
class SystemActor:
    system_kind: SystemActorKind = strawberry.field(description="类型 — The command line or the platform")

    @strawberry.field(description="编号 — A stable ID for client caches")
    def id(self) -> relay.GlobalID:
        return relay.GlobalID("SystemActor", str(self.system_kind.value))


Actor = Annotated[
    Person | ServiceClient | SystemActor,
    strawberry.union(
        "Actor",
        description="行为主体 — Who acted: a person (人员), a machine client (接入客户端), or the platform "
        "itself (命令行、系统)",
    ),
]


def subject_gid(subject: str) -> relay.GlobalID | None:
    """The Person or ServiceClient global ID of `person:<id>` / `client:<id>`; None otherwise."""
    parsed = parse_subject(subject)
    if parsed is None:
        return None
    return relay.GlobalID(_NODE_OF_SUBJECT[parsed[0]], str(parsed[1]))


def subject_ref(subject: str) -> str:
    """A subject as clients see it: the global ID of its node; `cli` and `system` as they are."""
    gid = subject_gid(subject)
    return str(gid) if gid is not None else subject


def optional_subject_ref(subject: str | None) -> str | None:
    return None if subject is None else subject_ref(subject)


def source_ref(source: str) -> str:
    """A role link's source as clients see it: each `kind:id` segment of
    `charge:3/assignment:45` replaced by the global ID of the object it names."""
    parts = []
    for segment in source.split("/"):
        kind, _, raw = segment.partition(":")
        if kind in _NODE_OF_SOURCE and raw.isascii() and raw.isdigit():
            parts.append(str(relay.GlobalID(_NODE_OF_SOURCE[kind], raw)))
        else:
            parts.append(segment)
    return "/".join(parts)


async def actor_of(info: Info, subject: str | None) -> Person | ServiceClient | SystemActor | None:
    """The node a subject names, if the caller may read it (batched per request); `cli` and
    `system` as a SystemActor; null for anything else."""
    if subject in ("cli", "system"):
        return SystemActor(system_kind=SystemActorKind(subject))
    parsed = parse_subject(subject) if subject else None
    if parsed is None:
        return None
    kind, row_id = parsed
    if kind == "person":
        person = await info.context.loaders.person_by_id.load(row_id)
        return Person.from_row(person) if person else None
    client = await info.context.loaders.access.client_by_id.load(row_id)
    return ServiceClient.from_row(client) if client else None


def domain_ref(domain: str) -> str:
    """A domain path or pattern as clients see it: each unit id replaced by the unit's global
    ID and a post segment (`p33`) by the post's, the shape kept (`/`, a trailing `*`, `*`
    alone for everywhere, `/` for the root)."""
    parts = []
    for segment in domain.split("/"):
        if segment.isascii() and segment.isdigit():
            parts.append(str(relay.GlobalID("OrgUnit", segment)))
        elif segment.startswith("p") and segment[1:].isascii() and segment[1:].isdigit():
            parts.append(str(relay.GlobalID("Post", segment[1:])))
        else:
            parts.append(segment)
    return "/".join(parts)


def unit_ids_of_path(path: str | None) -> list[int]:
    """The unit ids along a domain path, root first: `/1/2/p33/` → [1, 2]; `*` → []."""
    if not path:
        return []
    return [int(p) for p in path.removesuffix("*").strip("/").split("/") if p.isascii() and p.isdigit()]


def post_id_of_path(path: str | None) -> int | None:
    """The post a post domain (`/1/2/p33/`) names, else None."""
    last = (path or "").removesuffix("*").strip("/").rpartition("/")[2]
    return int(last[1:]) if last.startswith("p") and last[1:].isascii() and last[1:].isdigit() else None


async def units_of_path(info: Info, path: str | None) -> list[OrgUnit]:
    """The units along a path, root first, those the caller may read (batched per request)."""
    rows = await info.context.loaders.unit_by_id.load_many(unit_ids_of_path(path))
    return [OrgUnit.from_row(r) for r in rows if r is not None]


async def unit_of_path(info: Info, path: str | None) -> OrgUnit | None:
    """The unit a path ends at (a post domain: the post's unit), if the caller may read it."""
    ids = unit_ids_of_path(path)
    if not ids:
        return None
    row = await info.context.loaders.unit_by_id.load(ids[-1])
    return OrgUnit.from_row(row) if row else None


async def post_of_path(info: Info, path: str | None) -> Post | None:
    """The post a post domain names, if the caller may read it."""
    post_id = post_id_of_path(path)
    if post_id is None:
        return None
    row = await info.context.loaders.post_by_id.load(post_id)
    return Post.from_row(row) if row else None


DEPRECATED_SUBJECT = (
    "改用对应的节点字段（人员或客户端） — Use the node field beside it; this answers the subject's "
    "global ID, or `cli` / `system`"
)
DEPRECATED_PATH = (
    "改用对应的单元节点字段 — Use the unit node fields beside it; this answers the internal domain path"
)
