"""Node types and how they are fetched by global ID, without importing any of them.

Every node type registers itself here (`NODE_TYPES`, by GraphQL type name) when its module
is imported; `api.node` imports them all for the schema. A node type fetched by one of the
request's id loaders says which (`LoadedNode.node_loader`) and how a row becomes the node
(`from_row`); `resolve_nodes` is then written once, here.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Awaitable, Iterable
from typing import TYPE_CHECKING, Any, Generic, Literal, Self, TypeVar, overload

import strawberry
from strawberry import relay

from api.dataloader import DataLoader
from api.ids import try_decode_id

if TYPE_CHECKING:
    from api.context import Info
    from api.loader_registry import Loaders

R = TypeVar("R")
N = TypeVar("N", bound=type[relay.Node])

# Node types by GraphQL type name: what `node(id)` and `nodes(ids)` can return.
NODE_TYPES: dict[str, type[relay.Node]] = {}


def node_type(cls: N) -> N:
    """Registers a node type under its class name, which is also its GraphQL name."""
    NODE_TYPES[cls.__name__] = cls
    return cls


class LoadedNode(relay.Node, Generic[R]):
    """A node type whose rows (R) come from one of the request's id loaders, which returns
    None for an id with no row or one the caller may not read; such an id resolves to null
    whether or not `required` is asked.

    A subclass names its loader (`node_loader`; a type that no id loader serves overrides
    `load_nodes` instead) and builds a node of a row (`from_row`); it is registered in
    `NODE_TYPES` as it is defined."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        node_type(cls)

    @classmethod
    def node_loader(cls, loaders: Loaders) -> DataLoader[int, R | None]:
        raise NotImplementedError

    @classmethod
    def from_row(cls, row: R) -> Self:
        raise NotImplementedError

    @overload
    @classmethod
    def resolve_nodes(
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: Literal[True]
    ) -> Awaitable[Iterable[Self]]: ...

    @overload
    @classmethod
    def resolve_nodes(
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: Literal[False] = ...
    ) -> Awaitable[Iterable[Self | None]]: ...

    @overload
    @classmethod
    def resolve_nodes(
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool
    ) -> Awaitable[Iterable[Self]] | Awaitable[Iterable[Self | None]]: ...

    @classmethod
    def resolve_nodes(
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> Awaitable[Iterable[Self | None]]:
        return cls.load_nodes(info=info, node_ids=node_ids)

    @classmethod
    async def load_nodes(cls, *, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        """The nodes of the ids, in order; a type that no id loader serves overrides this
        instead of `node_loader`."""
        rows = await cls.node_loader(info.context.loaders).load_many([int(i) for i in node_ids])
        return [cls.from_row(r) if r is not None else None for r in rows]


async def resolve_global_ids(info: Info, ids: list[relay.GlobalID]) -> list[relay.Node | None]:
    """The nodes of global IDs, in order, one batch per type; null for an ID of no known
    type, a malformed one, or a node the caller may not read."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for gid in ids:
        if gid.type_name in NODE_TYPES and try_decode_id(gid, gid.type_name) is not None:
            wanted[gid.type_name].append(gid.node_id)
    found: dict[tuple[str, str], relay.Node | None] = {}
    for type_name, node_ids in wanted.items():
        resolved = NODE_TYPES[type_name].resolve_nodes(info=info, node_ids=node_ids)
        if inspect.isawaitable(resolved):
            resolved = await resolved
        for node_id, node in zip(node_ids, resolved, strict=True):
            found[(type_name, node_id)] = node
    return [found.get((gid.type_name, gid.node_id)) for gid in ids]
