"""The GraphiQL page: served with its assets by the application (nothing from a CDN), says
how to sign in, and in development fills in a demo role's token. (tests/api/browser/ loads
it in a real browser with every other host blocked.)"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.ide.page import ASSETS_DIR
from api.settings import ApiSettings
from domain.config import Environment
from domain.tree.kinds import UnitKind
from tests import factories as f

HTML = {"accept": "text/html"}


def config_of(page: str) -> dict[str, Any]:
    found = re.search(r'<script id="ide-config" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None
    config: dict[str, Any] = json.loads(found.group(1))
    return config


async def test_the_page_loads_only_files_of_the_application(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    # The browser may run the page's one inline script (by its hash) and load and call this
    # origin only.
    directives = (part.strip().partition(" ") for part in page.headers["content-security-policy"].split(";"))
    policy = {name: value for name, _, value in directives}
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'self'"
    inline = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert "://" not in html and "unpkg" not in html  # no absolute address, no CDN
    tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
    urls = [m for tag in tags for m in re.findall(r'(?:src|href)="([^"]+)"', tag)]
    assert len(urls) == 4
    for url in urls:
        assert url.startswith("graphiql/") and "//" not in url, url
        tag = next(t for t in tags if f'"{url}"' in t)
        integrity = re.search(r'integrity="sha384-([^"]+)"', tag)
        assert integrity is not None, tag
        # The file served is the one vendored, and it is what the page's integrity names.
        asset = await http.get("/" + url)
        assert asset.status_code == 200
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        digest = base64.b64encode(hashlib.sha384(asset.content).digest()).decode()
        assert digest == integrity.group(1), url
        assert asset.content == (ASSETS_DIR / url.removeprefix("graphiql/")).read_bytes()


async def test_assets_are_gzipped_and_licensed(http: httpx.AsyncClient) -> None:
    asset = await http.get("/graphiql/graphiql-3.8.3.min.js", headers={"accept-encoding": "gzip"})
    assert asset.headers["content-encoding"] == "gzip"
    assert asset.num_bytes_downloaded < 1_000_000  # 3.5 MB sent as 0.7 MB
    assert len(asset.content) > 3_000_000  # httpx has unzipped it
    for name in ("LICENSE-graphiql", "LICENSE-react", "LICENSE-react-dom"):
        assert "MIT License" in (ASSETS_DIR / name).read_text()
    missing = await http.get("/graphiql/nothing-here.js")
    assert missing.status_code == 404


async def test_the_welcome_text_says_how_to_get_a_token_and_where_to_put_it(http: httpx.AsyncClient) -> None:
    config = config_of((await http.get("/graphql", headers=HTML)).text)
    query = config["query"]
    for needed in (
        "make demo-logins",
        "python -m api token --person",
        "OIDC",
        "Headers",
        '{"Authorization": "Bearer <令牌>"}',
        '{"Authorization": "Bearer <token>"}',
        "获取令牌",
        "Every request needs a token",
    ):
        assert needed in query, needed
    assert "viewer" in query and config["headers"] is None
    # Outside development `as` fills in nothing, and says why.
    config = config_of((await http.get("/graphql?as=platform-admin", headers=HTML)).text)
    assert config["headers"] is None
    assert "?as=platform-admin works only in development" in config["query"]
    # A value that is not a role name is not echoed.
    config = config_of((await http.get("/graphql?as=%3C/script%3E%0A{x}", headers=HTML)).text)
    assert "</script>" not in config["query"] and "{x}" not in config["query"]


async def demo_park_with_admin(session: AsyncSession) -> int:
    """What `demo_subjects` looks for, in small: the demo park ZY and a platform admin."""
    district = await f.district(session)
    await f.unit(session, UnitKind.PARK, district, code="ZY", name="演示园区")
    admin = await f.person(session, name="演示管理员")
    await f.grant_role(session, f"person:{admin.id}", "admin")
    await session.commit()
    return admin.id


@pytest.fixture
async def dev_app(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[httpx.AsyncClient]:
    settings = ApiSettings(environment=Environment.DEVELOPMENT, database_url="sqlite+aiosqlite:///:memory:")
    app = create_app(settings, session_factory=session_factory)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


async def test_in_development_as_fills_in_a_fresh_token_for_a_demo_role(
    session: AsyncSession, dev_app: httpx.AsyncClient
) -> None:
    admin_id = await demo_park_with_admin(session)
    page = await dev_app.get("/graphql?as=platform-admin", headers=HTML)
    assert page.headers["cache-control"] == "no-store"
    config = config_of(page.text)
    assert "Signed in as: 平台管理员 — 演示管理员" in config["query"]
    assert "platform-admin" in config["query"]
    token = json.loads(config["headers"])["Authorization"].removeprefix("Bearer ")
    assert jwt.decode(token, options={"verify_signature": False})["sub"] == f"person:{admin_id}"

    # The token works: the page's example query answers as that person.
    response = await dev_app.post(
        "/graphql",
        json={"query": "{ viewer { person { name } roles { role } } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    viewer = response.json()["data"]["viewer"]
    assert viewer["person"]["name"] == "演示管理员" and {"role": "admin"} in viewer["roles"]

    # Without `as`: the roles there are, no token. An unknown role: said so, no token.
    config = config_of((await dev_app.get("/graphql", headers=HTML)).text)
    assert config["headers"] is None and "/graphql?as=<role>" in config["query"]
    assert "platform-admin" in config["query"]
    config = config_of((await dev_app.get("/graphql?as=frontline", headers=HTML)).text)
    assert config["headers"] is None and "no demo role frontline" in config["query"]


async def test_as_needs_the_demo_data_and_development(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await demo_park_with_admin(session)
    for settings in (
        ApiSettings(environment=Environment.DEVELOPMENT, load_demo_data=False),
        ApiSettings(environment=Environment.PRODUCTION, secret_key="p" * 40),
    ):
        app = create_app(settings, session_factory=session_factory)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            config = config_of((await c.get("/graphql?as=platform-admin", headers=HTML)).text)
        assert config["headers"] is None and "works only in development" in config["query"]


async def test_without_the_demo_park_nothing_is_offered(dev_app: httpx.AsyncClient) -> None:
    config = config_of((await dev_app.get("/graphql?as=platform-admin", headers=HTML)).text)
    assert config["headers"] is None and "works only in development" in config["query"]
    assert "/graphql?as=<role>" not in config["query"]
