"""The GraphiQL page of `GET /graphql` and the files it loads.

The page loads only files of this application, from `ASSETS_PATH` (`/graphiql/…`, relative
to the page, so a path prefix added by a proxy keeps working). Its first query is a welcome
text in Chinese and English that says how to get a token and where to put it.

In development, with the demo data loaded, `/graphql?as=<role>` (the roles of `python -m api
demo-logins`) opens the page with the headers filled in with a fresh token for that demo
role. Nowhere else does the page hold a token: outside development `as` is ignored, and
says so."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.settings import ApiSettings
from authz.credentials import mint_token
from authz.demo import DemoLogin, demo_subjects
from domain.config import Environment

log = logging.getLogger("api.ide")

ASSETS_PATH = "/graphiql"
ASSETS_DIR = Path(__file__).parent / "assets"
TEMPLATE = Path(__file__).parent / "graphiql.html"
# The asset names carry their versions, so a browser may keep them for good.
ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"

WELCOME = """\
# 安全生产责任制 GraphQL API
#
# 每个请求都要带令牌。获取令牌：
#   · 开发与演示：make demo-logins（每个演示角色一个令牌），
#     或 python -m api token --person <人员ID>；
#   · 正式部署：通过本部署的统一身份认证（OIDC）登录，使用其访问令牌。
# 令牌填在下方 Headers（请求头）标签页：
#   {"Authorization": "Bearer <令牌>"}
#
# Every request needs a token. To get one:
#   · development and demo: make demo-logins (a token for each demo role),
#     or python -m api token --person <person id>;
#   · a deployment: sign in through its single sign-on (OIDC) and use its access token.
# Put it in the Headers tab below:
#   {"Authorization": "Bearer <token>"}
#
# Ctrl-Enter 运行查询 / runs the query · Ctrl-Space 补全 / completes
"""

EXAMPLE = """
{
  viewer {
    person { name }
    client { name }
    roles { roleLabel }
  }
}
"""

_ROLE_RE = re.compile(r"^[a-z-]{1,40}$")


class _LongCache:
    """Adds `ASSET_CACHE_CONTROL` to the files' successful answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                MutableHeaders(scope=message)["Cache-Control"] = ASSET_CACHE_CONTROL
            await send(message)

        await self.app(scope, receive, send_cached)


def assets_app() -> ASGIApp:
    """The vendored files, gzipped for browsers that accept it (GraphiQL's 3.5 MB are 0.7 MB)."""
    return GZipMiddleware(_LongCache(StaticFiles(directory=ASSETS_DIR)), minimum_size=1024, compresslevel=6)


@lru_cache(maxsize=1)
def _template() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def content_security_policy() -> str:
    """The page may load and call this origin only. Its one inline script is allowed by its
    hash (the config beside it is JSON, not run); GraphiQL sets inline styles; its fonts
    are data URIs."""
    scripts = re.findall(r"<script>(.*?)</script>", _template(), re.S)
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'" for body in scripts
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "font-src 'self' data:; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def page_html(config: dict[str, Any]) -> str:
    """The page with its config. `<` is escaped so no value can end the script element."""
    data = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    return _template().replace("__CONFIG__", data)


async def render(request: Request) -> HTMLResponse:
    settings: ApiSettings = request.app.state.settings
    wanted = request.query_params.get("as")
    logins = await _demo_logins(request) if _prefill_allowed(settings) else []
    top: list[str] = []  # above the welcome text: what became of `as`
    bottom: list[str] = []  # below it: the demo roles there are
    headers = None
    if logins:
        bottom = [
            "#",
            "# 开发环境：打开 /graphql?as=<角色> 即以该演示角色身份填好请求头。",
            "# Development: open /graphql?as=<role> to have the header filled in for a demo role:",
            *(f"#   {login.role:<22}{login.label} — {login.name}" for login in logins),
        ]
    if wanted is not None:
        chosen = next((login for login in logins if login.role == wanted), None)
        shown = wanted if _ROLE_RE.match(wanted) else "…"
        if chosen is not None:
            token = mint_token(settings, chosen.subject)
            log.info("GraphiQL: a demo token for %s (%s), development only", chosen.subject, chosen.role)
            headers = json.dumps({"Authorization": f"Bearer {token}"}, indent=2)
            hours = f"{settings.token_ttl_minutes / 60:g}"
            top = [
                f"# 当前身份 / Signed in as: {chosen.label} — {chosen.name} ({chosen.subject})",
                f"# 演示令牌已填入 Headers，有效 {hours} 小时 / a demo token is in Headers, valid {hours} h",
            ]
        elif logins:
            top = [f"# 没有演示角色 {shown} / no demo role {shown}"]
        else:
            top = [
                f"# ?as={shown}：仅在开发环境且已加载演示数据时可用",
                f"# ?as={shown} works only in development with the demo data loaded",
            ]
    query = "".join(f"{line}\n" for line in [*top, *(["#"] if top else [])])
    query += WELCOME + "".join(f"{line}\n" for line in bottom) + EXAMPLE
    response = HTMLResponse(page_html({"query": query, "headers": headers}))
    # The page may hold a token: never keep it in a cache, nor let it reach elsewhere.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = content_security_policy()
    return response


def _prefill_allowed(settings: ApiSettings) -> bool:
    return settings.environment is Environment.DEVELOPMENT and settings.load_demo_data


async def _demo_logins(request: Request) -> list[DemoLogin]:
    async with request.app.state.session_factory() as session:
        return await demo_subjects(session)
