"""Relay cursor connections backed by SQL keyset pages (never Python slicing).

Every list field takes `first` (0 to the configured cap, default 20) and `after` (an
opaque cursor from a previous page) and returns edges, `pageInfo` and `totalCount`.
`totalCount` runs its COUNT only when a client asks for it.

A cursor names its list (a tag of the list's order, or of the key of a list computed in
Python): a cursor of another list, or one whose values are not of the order's types or
out of the int64 range, is `INVALID_CURSOR`, never a database error. Cursors written before
the tag was added are refused the same way (a client starts the list again).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import strawberry

from api.context import Info
from api.errors import BadInput
from domain.pagination import (
    InvalidCursor,
    Ordering,
    Page,
    PageRequest,
    check_scalar,
    count,
    fetch_page,
    list_tag,
)

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")

DEFAULT_PAGE_SIZE = 20


@strawberry.type(description="分页信息 — Where a page sits in its list")
class PageInfo:
    has_next_page: bool = strawberry.field(description="是否有下一页 — Whether more rows follow")
    has_previous_page: bool = strawberry.field(
        description="是否有上一页 — Whether this page was asked for after a cursor"
    )
    start_cursor: str | None = strawberry.field(description="首条游标 — Cursor of the first edge")
    end_cursor: str | None = strawberry.field(
        description="末条游标 — Cursor of the last edge; pass it as `after` for the next page"
    )


@strawberry.type(description="边 — One row of a connection with its cursor")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="游标 — Opaque position of this row")
    node: NodeT = strawberry.field(description="节点 — The row")


@strawberry.type(description="连接 — A page of a list, with its cursors and total size")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="边 — Rows of this page with their cursors")
    page_info: PageInfo = strawberry.field(description="分页信息 — Page information")
    count_fn: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="节点 — The rows of this page, without cursors")
    def nodes(self) -> list[NodeT]:
        return [e.node for e in self.edges]

    @strawberry.field(description="总数 — Number of rows in the whole list (not only this page)")
    async def total_count(self) -> int:
        return await self.count_fn()


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def encode_cursor(tag: str, key: Sequence[Any]) -> str:
    """A cursor: base64url of the JSON list `[tag, *key]`, the tag naming the list."""
    raw = json.dumps([tag, *key], default=_json_default, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def page_size(info: Info, first: int | None) -> int:
    cap = info.context.settings.max_page_size
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 0 or size > cap:
        raise BadInput(
            f"`first` must be between 0 and {cap}; page through longer lists with `after`",
            f"first 须在0到{cap}之间；更长的列表请用 after 翻页",
            "first",
            code="PAGE_SIZE_OUT_OF_RANGE",
        )
    return size


def _bad_cursor() -> BadInput:
    return BadInput(
        "`after` is not a cursor of this list", "after 不是本列表的游标", "after", code="INVALID_CURSOR"
    )


def decode_cursor(after: str, tag: str) -> list[Any]:
    """The key list a cursor of the list tagged `tag` holds; INVALID_CURSOR if it holds none,
    or is another list's, or holds a value no key can (not a scalar, an integer out of the
    int64 range)."""
    try:
        padded = after + "=" * (-len(after) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(raw, list) or not raw or raw[0] != tag:
        raise _bad_cursor()
    try:
        return [check_scalar(v) for v in raw[1:]]
    except InvalidCursor as exc:
        raise _bad_cursor() from exc


def page_request(info: Info, first: int | None, after: str | None, ordering: Ordering[Any]) -> PageRequest:
    size = page_size(info, first)
    key = None
    if after is not None:
        try:
            key = ordering.decode(decode_cursor(after, ordering.tag))
        except (ValueError, InvalidCursor) as exc:
            raise _bad_cursor() from exc
    return PageRequest(first=size, after=key)


def build_connection(
    page: Page[RowT],
    convert: Callable[[RowT], NodeT],
    count_fn: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    edges = [
        Edge(cursor=encode_cursor(page.tag, key), node=convert(item))
        for item, key in zip(page.items, page.keys, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_fn=count_fn,
    )


async def fetch_root_page(
    info: Info, stmt: Any, ordering: Ordering[RowT], first: int | None, after: str | None
) -> tuple[Page[RowT], Callable[[], Awaitable[int]]]:
    """A top-level list: one keyset page of `stmt`, and its COUNT for `totalCount`."""
    request = page_request(info, first, after, ordering)
    async with info.context.db() as session:
        page = await fetch_page(session, stmt, ordering, request)

    async def total() -> int:
        async with info.context.db() as session:
            return await count(session, stmt)

    return page, total


async def root_connection(
    info: Info,
    stmt: Any,
    ordering: Ordering[RowT],
    convert: Callable[[RowT], NodeT],
    first: int | None,
    after: str | None,
) -> Connection[NodeT]:
    page, total = await fetch_root_page(info, stmt, ordering, first, after)
    return build_connection(page, convert, total)


def _comparable(key: Sequence[Any]) -> list[Any]:
    return [v.isoformat() if isinstance(v, date | datetime) else v for v in key]


def computed_connection(
    info: Info,
    rows: Sequence[RowT],
    key: Callable[[RowT], Sequence[Any]],
    convert: Callable[[RowT], NodeT],
    first: int | None,
    after: str | None,
) -> Connection[NodeT]:
    """A page of a list computed in Python (obligations, role links), ordered by `key` (unique
    per row, of ints, strings and dates): the same cursors and limits as SQL-backed lists."""
    size = page_size(info, first)
    tag = list_tag(f"{key.__module__}.{key.__qualname__}")
    keyed = sorted(((_comparable(key(r)), r) for r in rows), key=lambda kr: kr[0])
    start = 0
    if after is not None:
        raw = decode_cursor(after, tag)
        if keyed and len(raw) != len(keyed[0][0]):
            raise _bad_cursor()
        try:
            while start < len(keyed) and keyed[start][0] <= raw:
                start += 1
        except TypeError as exc:  # a cursor of another list: values of other types
            raise _bad_cursor() from exc
    chunk = keyed[start : start + size]
    edges = [Edge(cursor=encode_cursor(tag, k), node=convert(r)) for k, r in chunk]
    total = len(keyed)

    async def count_fn() -> int:
        return total

    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=start + size < len(keyed),
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_fn=count_fn,
    )
