"""The client address behind reverse proxies (TRUSTED_PROXIES): the tip-off rate limit
counts per address the trusted proxy saw, and believes no X-Forwarded-For from anyone else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from ipaddress import ip_network
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from api.proxies import client_address
from api.settings import ApiSettings
from domain.config import Environment
from seeds.hazard_categories import load_hazard_categories
from tests import factories as f
from tests.factories import gid

PROXY = "10.0.0.5"
INNER_PROXY = "10.0.0.6"
LIMIT = 5  # domain.hazards.tipoffs.RATE_LIMIT


@pytest.fixture
def settings() -> ApiSettings:
    return ApiSettings(
        environment=Environment.TEST,
        database_url="sqlite+aiosqlite:///:memory:",
        trusted_proxies=f"{PROXY}, 10.0.0.6/32,fd00::/8",  # type: ignore[arg-type]
    )


@pytest.fixture
async def park(session: AsyncSession) -> str:
    tree = await f.small_tree(session)
    await load_hazard_categories(session)
    await session.commit()
    return gid("OrgUnit", tree["park"].id)


@pytest.fixture
async def peer(app: Any) -> AsyncIterator[Any]:
    """`peer("203.0.113.9")`: an HTTP client whose requests come from that address."""
    clients: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


async def _tip(http: httpx.AsyncClient, park: str, n: int, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    response = await http.post(
        "/public/tip-offs", json={"parkId": park, "content": f"消防通道堵塞（演示）{n}"}, headers=headers
    )
    assert response.status_code in (201, 429), response.text
    return response.status_code


async def test_a_forged_forwarded_for_from_an_untrusted_peer_changes_nothing(park: str, peer: Any) -> None:
    http = peer("203.0.113.9")
    codes = [await _tip(http, park, n, forwarded_for=f"198.51.100.{n}") for n in range(LIMIT + 1)]
    assert codes == [201] * LIMIT + [429]
    # Other addresses are other buckets: the limit hit the peer, not everybody.
    assert await _tip(peer("203.0.113.10"), park, 0) == 201


async def test_loopback_is_not_trusted_unless_listed(park: str, peer: Any) -> None:
    http = peer("127.0.0.1")
    codes = [await _tip(http, park, n, forwarded_for=f"198.51.100.{n}, {PROXY}") for n in range(LIMIT + 1)]
    assert codes[-1] == 429


async def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(park: str, peer: Any) -> None:
    proxy = peer(PROXY)
    first = [await _tip(proxy, park, n, forwarded_for="198.51.100.1") for n in range(LIMIT + 1)]
    assert first == [201] * LIMIT + [429]
    # Another client behind the same proxy is not limited by the first one's tip-offs.
    assert await _tip(proxy, park, 0, forwarded_for="198.51.100.2") == 201
    # A client that forges an address in front of what the proxy appended is still itself.
    assert await _tip(proxy, park, 9, forwarded_for="198.51.100.77, 198.51.100.1") == 429
    # The proxy talking for itself (no header): its own bucket, not the first client's.
    assert await _tip(proxy, park, 0) == 201


async def test_a_chain_of_trusted_proxies_is_walked_from_the_right(park: str, peer: Any) -> None:
    outer = peer(PROXY)
    chain = f"198.51.100.3, {INNER_PROXY}"
    codes = [await _tip(outer, park, n, forwarded_for=chain) for n in range(LIMIT + 1)]
    assert codes == [201] * LIMIT + [429]
    # The same client seen through the other proxy, or with the header split over two
    # lines, is the same bucket; a different client behind the chain is not.
    assert await _tip(peer(INNER_PROXY), park, 7, forwarded_for="198.51.100.3") == 429
    assert await _tip(outer, park, 8, forwarded_for=f"198.51.100.4, {INNER_PROXY}") == 201


@pytest.mark.parametrize(
    ("peer_address", "forwarded_for", "expected"),
    [
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),  # untrusted peer: header ignored
        ("10.0.0.5", [], "10.0.0.5"),  # trusted peer, no header: the peer
        ("10.0.0.5", ["198.51.100.1"], "198.51.100.1"),
        ("10.0.0.5", ["1.1.1.1, 198.51.100.1"], "198.51.100.1"),  # left of it: forgeable
        ("10.0.0.5", ["198.51.100.1, 10.0.0.6"], "198.51.100.1"),  # two proxies
        ("10.0.0.5", ["198.51.100.1", "10.0.0.6"], "198.51.100.1"),  # two header lines
        ("10.0.0.5", ["10.0.0.6, 10.0.0.5"], "10.0.0.6"),  # only proxies: the left-most
        ("10.0.0.5", ["198.51.100.1, bogus"], "10.0.0.5"),  # unreadable: stop there
        ("10.0.0.5", ["1.1.1.1, bogus, 10.0.0.6"], "10.0.0.6"),
        ("10.0.0.5", ["198.51.100.1:51000"], "198.51.100.1"),
        ("fd00::1", ["[2001:db8::7]:443"], "2001:db8::7"),
        ("::ffff:10.0.0.5", ["198.51.100.1"], "198.51.100.1"),  # IPv4-mapped peer
        (None, ["198.51.100.1"], None),
    ],
)
def test_the_client_address_rule(
    peer_address: str | None, forwarded_for: list[str], expected: str | None
) -> None:
    trusted = [ip_network("10.0.0.5"), ip_network("10.0.0.6"), ip_network("fd00::/8")]
    assert client_address(peer_address, forwarded_for, trusted) == expected
    # With no trusted proxies nobody's header is read.
    assert client_address(peer_address, forwarded_for, []) == peer_address


def test_trusted_proxies_are_checked_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.5, 192.168.0.0/16 ,::1")
    assert [str(n) for n in ApiSettings().trusted_proxy_networks] == [
        "10.0.0.5/32",
        "192.168.0.0/16",
        "::1/128",
    ]
    monkeypatch.setenv("TRUSTED_PROXIES", "")
    assert ApiSettings().trusted_proxy_networks == []
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.x")
    with pytest.raises(ValidationError, match="trusted_proxies"):
        ApiSettings()


def test_serve_leaves_proxy_headers_to_the_app(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """uvicorn's own X-Forwarded-For handling trusts loopback by default: `serve` turns it off."""
    import uvicorn

    from api.__main__ import main
    from domain.config import get_settings

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{(tmp_path / 'serve.db').as_posix()}")
    monkeypatch.setenv("LOAD_DEMO_DATA", "false")
    get_settings.cache_clear()
    try:
        main(["serve", "--port", "8999"])
    finally:
        get_settings.cache_clear()
    assert seen["proxy_headers"] is False and seen["port"] == 8999
