"""The class behind a lazy type reference.

GraphQL types of a graph return one another (a unit's posts, a post's unit). Their modules
may not import one another, so a type names another in its fields through a lazy reference,
`Annotated["Post", strawberry.lazy("api.posts.types")]`, which the schema resolves when it
is built. A resolver that must build such a value asks the same reference for its class:
one declaration serves the field's type and its value, and the module is imported when the
resolver first runs, never while modules load.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import cache
from typing import Any, ForwardRef, TypeVar, cast, get_args

from strawberry.types.lazy_type import StrawberryLazyReference

T = TypeVar("T")


def lazy_class(ref: type[T]) -> type[T]:
    """The class that `ref`, an `Annotated[<name>, strawberry.lazy(<module>)]`, names."""
    return cast("type[T]", _resolve(cast("Hashable", ref)))


@cache
def _resolve(ref: Any) -> type[Any]:
    forward, *metadata = get_args(ref)
    lazy = next(m for m in metadata if isinstance(m, StrawberryLazyReference))
    name = forward if isinstance(forward, ForwardRef) else ForwardRef(forward)
    resolved: type[Any] = lazy.resolve_forward_ref(name).resolve_type()
    return resolved
