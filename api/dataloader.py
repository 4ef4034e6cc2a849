"""The DataLoader every loader of ours is built on.

graphql-core (3.3) cancels the sibling fields of a non-null field that failed. A loader's
future for a key is shared by every field that asked for that key, across the whole
response; cancelling one awaiting field would cancel the shared future, and every other
field waiting for it (in rows that did not fail) would get `CancelledError`, which is no
field error: the whole request would crash. Each field therefore awaits the shared future
through `asyncio.shield`: its own cancellation stops its wait, not the load.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from strawberry.dataloader import DataLoader as _StrawberryDataLoader

K = TypeVar("K")
V = TypeVar("V")


class DataLoader(_StrawberryDataLoader[K, V]):
    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))
