"""Settings of the web layer: GraphQL limits, request bodies, anonymous introspection,
trusted proxies, CORS and metrics, on top of the authorization layer's (tokens) and the
settings every layer reads; one class, read from the same environment (and `.env`)."""

from __future__ import annotations

import re
from ipaddress import IPv4Network, IPv6Network
from typing import Annotated, Any

from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator
from pydantic_settings import NoDecode

from authz.settings import AuthSettings
from domain.config import Environment

_ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")
# Browser origins a development server admits when CORS_ALLOWED_ORIGINS is not set: pages
# served from this machine, on any port (a frontend's dev server, say).
DEV_CORS_ORIGIN_REGEX = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
LOOPBACK: tuple[IPv4Network | IPv6Network, ...] = (IPv4Network("127.0.0.0/8"), IPv6Network("::1/128"))


class ApiSettings(AuthSettings):
    # GraphQL limits. Connections refuse `first` above max_page_size.
    max_page_size: int = 100
    max_query_depth: int = 20
    max_aliases: int = 30
    max_tokens: int = 4000
    max_nodes_ids: int = 100
    # Nodes a document may return: the sum over its connections of the product of `first`.
    max_requested_nodes: int = 100_000
    introspection: bool = True
    # Reads over table-backed types are compiled into one SQL statement per root field that
    # builds the answer's JSON (api.compiled); off, every field goes through its resolver.
    # Both paths give the same answers (tests/api/test_compiled_equivalence.py).
    compiled_reads: bool = True
    # Largest request body accepted, in bytes (counted as it streams in, whatever
    # Content-Length says); larger ones get 413.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)

    # Whether a request without credentials may run introspection (and nothing else).
    # Default: yes in development and test, no in production.
    anonymous_introspection: bool | None = None

    # Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDR
    # networks, e.g. "10.0.0.5,192.168.10.0/24"); empty: none, the peer is the client.
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = []

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    # Browser pages of other origins allowed to call the API (CORS): exact origins,
    # comma-separated (`https://app.example.cn,https://admin.example.cn`). Not set: none,
    # except in development, where pages from localhost/127.0.0.1 on any port are.
    cors_allowed_origins: Annotated[list[str], NoDecode] | None = None
    # How long, in seconds, a browser may cache a preflight's answer.
    cors_max_age_seconds: int = Field(default=600, ge=0)

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list):
            return value
        origins = [str(origin).strip().rstrip("/") for origin in value if str(origin).strip()]
        for origin in origins:
            # What a browser sends in `Origin`: scheme, host and port, nothing else.
            if not _ORIGIN_RE.match(origin):
                raise ValueError(
                    f"CORS_ALLOWED_ORIGINS: {origin!r} is not an origin like https://app.example.cn"
                )
        return origins

    # Prometheus metrics at /metrics, for scrapers only: the TCP peer must be in one of these
    # networks (and the request must not have come through a proxy), and, when a token is
    # set, send it as `Authorization: Bearer <token>`. An empty list drops the address check
    # (then set a token); an empty list and no token turn /metrics off.
    metrics_token: SecretStr | None = None
    metrics_allowed_networks: list[IPvAnyNetwork] = Field(default_factory=lambda: list(LOOPBACK))

    @property
    def allows_anonymous_introspection(self) -> bool:
        if self.anonymous_introspection is not None:
            return self.anonymous_introspection
        return self.environment is not Environment.PRODUCTION

    @property
    def trusted_proxy_networks(self) -> list[IPv4Network | IPv6Network]:
        return [IPv4Network(n) if n.version == 4 else IPv6Network(n) for n in self.trusted_proxies]

    @property
    def cors_origin_regex(self) -> str | None:
        """The development default when no origins are configured; None otherwise."""
        if self.cors_allowed_origins is None and self.environment is Environment.DEVELOPMENT:
            return DEV_CORS_ORIGIN_REGEX
        return None


def get_settings() -> ApiSettings:
    """The server's settings, read afresh from the environment (a process reads them once,
    at start)."""
    return ApiSettings()
