"""Depth, alias and token limits and the parser and validation caches, page sizes and cursors,
through HTTP against the ASGI app.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from api.app import create_app
from api.schema import MASKED_MESSAGE
from api.settings import ApiSettings
from authz.credentials import mint_token
from domain.config import Environment
from tests.api.graphql_http import GQL, assert_request_error, post

# 3. Depth, alias and token limits, and the caches


def parent_chain(depth: int) -> str:
    """A document whose deepest field is `depth` levels below the root fields."""
    inner = "name"
    for _ in range(depth - 3):
        inner = f"parent {{ {inner} }}"
    return f"{{ units(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"


def children_chain(levels: int) -> str:
    """units → edges → node → children → edges → node → children …, `first: 1` all the way."""
    inner = "name"
    for _ in range(levels):
        inner = f"children(first: 1) {{ edges {{ node {{ {inner} }} }} }}"
    return f"{{ units(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"


async def test_the_depth_limit(client: httpx.AsyncClient, settings: ApiSettings) -> None:
    limit = settings.max_query_depth
    assert (await post(client, parent_chain(limit))).status_code == 200

    for document in (parent_chain(limit + 1), children_chain(limit // 3 + 1)):
        body = assert_request_error(await post(client, document), 400, GQL)
        error = body["errors"][0]
        assert error["extensions"]["messageEn"] == f"'anonymous' exceeds maximum operation depth of {limit}"
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_the_alias_limit(client: httpx.AsyncClient, settings: ApiSettings) -> None:
    def aliased(count: int) -> str:
        return "{ " + " ".join(f"a{i}: districts(first: 0) {{ totalCount }}" for i in range(count)) + " }"

    assert (await post(client, aliased(settings.max_aliases))).status_code == 200
    body = assert_request_error(await post(client, aliased(settings.max_aliases + 1)), 400, GQL)
    assert (
        body["errors"][0]["extensions"]["messageEn"]
        == f"{settings.max_aliases + 1} aliases found. Allowed: {settings.max_aliases}"
    )


async def test_the_token_limit(client: httpx.AsyncClient, settings: ApiSettings) -> None:
    def tokens(count: int) -> str:  # 16 tokens around the list
        kinds = " ".join(["DISTRICT"] * (count - 16))
        return f"{{ units(filter: {{kinds: [{kinds}]}}) {{ totalCount }} }}"

    ok = await post(client, tokens(settings.max_tokens))
    assert ok.status_code == 200 and ok.json()["data"] == {"units": {"totalCount": 0}}
    body = assert_request_error(await post(client, tokens(settings.max_tokens + 1)), 400, GQL)
    assert body["errors"][0]["extensions"]["messageEn"] == (
        f"Syntax Error: Document contains more than {settings.max_tokens} tokens. Parsing aborted."
    )


def cache_counts(get_cache: Callable[[int], Callable[..., Any]]) -> tuple[int, int]:
    """Hits and misses of Strawberry's shared cache for maxsize 512. Strawberry types the cache
    as a plain callable; it is a `functools.lru_cache` wrapper, which the check asserts."""
    cache = get_cache(512)
    assert isinstance(cache, functools._lru_cache_wrapper)
    info = cache.cache_info()
    return info.hits, info.misses


async def assert_caches_hit(client: httpx.AsyncClient) -> None:
    query = "query Cached($n: Int) { districts(first: $n) { totalCount edges { node { name } } } }"
    assert (await post(client, query, {"n": 1})).status_code == 200
    parsed, validated = cache_counts(_get_parse_cache), cache_counts(_get_validate_cache)
    # Other variables, same document: neither parsed nor validated again.
    assert (await post(client, query, {"n": 2})).status_code == 200
    assert cache_counts(_get_parse_cache) == (parsed[0] + 1, parsed[1])
    assert cache_counts(_get_validate_cache) == (validated[0] + 1, validated[1])


async def test_parser_and_validation_caches_hit_with_the_limits_on(client: httpx.AsyncClient) -> None:
    await assert_caches_hit(client)


async def test_caches_hit_with_introspection_disabled(
    session_factory: async_sessionmaker[AsyncSession], platform_admin: str
) -> None:
    settings = ApiSettings(environment=Environment.TEST, introspection=False)
    app = create_app(settings, session_factory=session_factory)
    headers = {"Authorization": f"Bearer {mint_token(settings, platform_admin)}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers
    ) as client:
        await assert_caches_hit(client)
        refused = await post(client, "{ __schema { types { name } } }")
        assert refused.status_code == 400 and "introspection" in refused.text.lower()


# 4. Connection arguments


async def test_page_size_out_of_range_is_a_clear_error(
    client: httpx.AsyncClient, settings: ApiSettings
) -> None:
    for first in (settings.max_page_size + 1, -1):
        response = await post(client, f"{{ districts(first: {first}) {{ totalCount }} }}")
        # A field error: the operation ran, so 200 with `data` (null: the field is non-null).
        assert response.status_code == 200
        body = response.json()
        assert body["data"] is None
        error = body["errors"][0]
        assert error["path"] == ["districts"]
        assert error["extensions"]["code"] == "PAGE_SIZE_OUT_OF_RANGE"
        assert error["extensions"]["argument"] == "first"
        assert str(settings.max_page_size) in error["message"]
        assert error["message"] != MASKED_MESSAGE and "Unexpected" not in error["message"]
    ok = await post(client, f"{{ districts(first: {settings.max_page_size}) {{ totalCount }} }}")
    assert ok.json() == {"data": {"districts": {"totalCount": 0}}, "extensions": ok.json()["extensions"]}


@pytest.mark.parametrize("cursor", ["garbage!", "e30", "WzEsMiwzXQ", "bm90IGpzb24"])
async def test_an_invalid_cursor_is_a_clear_error(client: httpx.AsyncClient, cursor: str) -> None:
    # Not base64; `{}`; a list of the wrong shape; base64 of text that is not JSON.
    response = await post(
        client, "query($after: String) { units(after: $after) { totalCount } }", {"after": cursor}
    )
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID_CURSOR", error
    assert error["message"] != MASKED_MESSAGE
