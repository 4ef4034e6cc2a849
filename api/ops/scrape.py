"""GET /metrics: the Prometheus exposition, for scrapers only.

A scrape is served when (1) `METRICS_ALLOWED_NETWORKS` is empty, or the TCP peer is in one
of them and the request carries no proxy header (`Forwarded`, `X-Forwarded-For`,
`X-Real-IP`: a proxy on the same host would make every visitor look local), and (2)
`METRICS_TOKEN` is unset, or the request sends it as a bearer token. Default: loopback only,
no token. With no network and no token /metrics does not exist (404). Refusals are 403
(address) and 401 (token) in the API's error shape.
"""

from __future__ import annotations

import hmac
from ipaddress import IPv4Address, IPv6Address, ip_address

from prometheus_client.exposition import choose_encoder
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.errors import ApiErrorCode, error_entry
from api.ops.metrics import Metrics
from api.settings import ApiSettings

PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def _refused(
    status: int, code: ApiErrorCode, zh: str, en: str, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse({"errors": [error_entry(code, zh, en)]}, status_code=status, headers=headers)


def _peer(request: Request) -> IPv4Address | IPv6Address | None:
    if request.client is None:
        return None
    try:
        address = ip_address(request.client.host)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def refusal(request: Request, settings: ApiSettings) -> Response | None:
    """The answer to a scrape that may not be served, or None."""
    networks, token = settings.metrics_allowed_networks, settings.metrics_token
    if not networks and token is None:
        return _refused(404, ApiErrorCode.NOT_FOUND, "未找到", "Not found")
    if networks:
        peer = _peer(request)
        proxied = any(name in request.headers for name in PROXY_HEADERS)
        if proxied or peer is None or not any(peer in network for network in networks):
            return _refused(
                403,
                ApiErrorCode.FORBIDDEN,
                "不允许从该地址读取监控指标",
                "Metrics may not be read from this address",
            )
    if token is not None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        expected = token.get_secret_value().encode()
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
            return _refused(
                401,
                ApiErrorCode.UNAUTHENTICATED,
                "读取监控指标需要令牌",
                "Metrics need the metrics bearer token",
                {"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
    return None


async def metrics_endpoint(request: Request) -> Response:
    refused = refusal(request, request.app.state.settings)
    if refused is not None:
        return refused
    metrics: Metrics = request.app.state.metrics
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encoder(metrics.scrape_registry()), headers={"Content-Type": content_type})
