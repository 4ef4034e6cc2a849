"""Configuration: one settings class, read from the environment (and `.env`)."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me-not-for-production"
DEFAULT_SQLITE_PATH = Path("data") / "safety.db"
_ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")
# Browser origins a development server admits when CORS_ALLOWED_ORIGINS is not set: pages
# served from this machine, on any port (a frontend's dev server, say).
DEV_CORS_ORIGIN_REGEX = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
LOOPBACK: tuple[IPv4Network | IPv6Network, ...] = (IPv4Network("127.0.0.0/8"), IPv6Network("::1/128"))


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def normalize_database_url(url: str) -> str:
    """Accept the URLs operators write and pick the async driver we ship.

    `postgres://` and `postgresql://` become `postgresql+asyncpg://`; `sqlite:///` becomes
    `sqlite+aiosqlite:///`. URLs that already name a driver are kept.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = Field(default=f"sqlite+aiosqlite:///./{DEFAULT_SQLITE_PATH.as_posix()}")
    secret_key: str = DEV_SECRET
    # Load the demo dataset into an empty database on first start.
    load_demo_data: bool = True
    sql_echo: bool = False
    # On PostgreSQL every process also reloads its whole authorization state this often, in
    # seconds, as a safety net under the change notifications (0 = never).
    authz_resync_seconds: float = Field(default=300.0, ge=0)
    # How often, in seconds, a server escalates overdue major hazards (0 = never; then run
    # `python -m api escalate-hazards` from a scheduler).
    hazard_escalation_seconds: float = Field(default=3600.0, ge=0)
    # How often, in seconds, a server checks whether the day has moved on and brings the
    # scores to it (0 = never; then run `python -m api refresh-scores` from a scheduler).
    score_refresh_seconds: float = Field(default=600.0, ge=0)
    # How long, in seconds, a compliance report's signed download link stays valid.
    report_link_seconds: int = Field(default=900, ge=1)

    # A database that misbehaves (see README, "When the database misbehaves"). Every wait on
    # the database is bounded, so a request answers within `request_timeout_seconds` with a
    # typed, retryable error instead of hanging, and a process recovers by itself once the
    # database is back.
    # Opening a connection (TCP and the PostgreSQL start-up), in seconds.
    db_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    # PostgreSQL's statement_timeout for our sessions, in seconds (0 = none).
    db_statement_timeout_seconds: float = Field(default=30.0, ge=0)
    # PostgreSQL's idle_in_transaction_session_timeout, in seconds (0 = none): a backend whose
    # client went silent mid-transaction gives its locks up after this long.
    db_idle_in_transaction_timeout_seconds: float = Field(default=60.0, ge=0)
    # Waiting for a pooled connection, in seconds.
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0)
    # TCP keepalives on database connections (both ends on PostgreSQL): first probe after
    # this many idle seconds, then every `interval`, dead after `count` unanswered probes.
    db_keepalive_idle_seconds: int = Field(default=15, ge=1)
    db_keepalive_interval_seconds: int = Field(default=5, ge=1)
    db_keepalive_count: int = Field(default=3, ge=1)
    # Linux TCP_USER_TIMEOUT on database connections, in seconds: data sent and not
    # acknowledged for this long (a silent partition) fails the connection instead of waiting
    # for the kernel's retransmissions (about 15 minutes). 0 = the kernel's default.
    db_tcp_user_timeout_seconds: int = Field(default=15, ge=0)
    # The whole request, in seconds: past it the request is answered 503 TIMEOUT.
    request_timeout_seconds: float = Field(default=60.0, gt=0)
    # SQLite: writes queue in the process (one writer at a time, as SQLite allows); a write
    # that waited this long is answered with the retryable BUSY.
    sqlite_write_queue_seconds: float = Field(default=30.0, gt=0)
    # Seconds a stopping server lets requests in flight finish before closing them.
    shutdown_grace_seconds: float = Field(default=15.0, ge=0)
    # How long, in hours, a write's Idempotency-Key is remembered (a retry within it gets
    # the first answer).
    idempotency_retention_hours: float = Field(default=24.0, gt=0)
    # Retry-After, in seconds, sent with 503 answers.
    retry_after_seconds: int = Field(default=5, ge=1)

    # Logs: `text` lines for a terminal or `json` lines (one object a line) for a log store;
    # the root level (DEBUG, INFO, WARNING, ERROR).
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    # Prometheus metrics at /metrics, for scrapers only: the TCP peer must be in one of these
    # networks (and the request must not have come through a proxy), and, when a token is
    # set, send it as `Authorization: Bearer <token>`. An empty list drops the address check
    # (then set a token); an empty list and no token turn /metrics off.
    metrics_token: SecretStr | None = None
    metrics_allowed_networks: list[IPvAnyNetwork] = Field(default_factory=lambda: list(LOOPBACK))

    # OpenTelemetry traces go to this OTLP/HTTP collector (its base URL, e.g.
    # http://otel-collector:4318) when set; the other OTEL_* variables are the SDK's own.
    otel_exporter_otlp_endpoint: str | None = None

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

    # Authentication. Tokens we sign ourselves (HS256 with SECRET_KEY): `make token` mints
    # them for development; production may turn them off and rely on an OIDC provider.
    jwt_issuer: str = "safety-duty"
    jwt_audience: str = "safety-duty-api"
    jwt_hs256_enabled: bool = True
    token_ttl_minutes: int = 12 * 60
    # An OIDC provider (Keycloak, Casdoor, …): its issuer, the audience our API is known by,
    # and its JWKS (found through the issuer's discovery document when not given).
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    oidc_algorithms: list[str] = ["RS256", "ES256"]
    # How long the provider's key set is kept, and how soon after a fetch a token naming an
    # unknown key may fetch it again (key rotation), in seconds.
    oidc_jwks_cache_seconds: float = Field(default=300.0, gt=0)
    oidc_jwks_cooldown_seconds: float = Field(default=30.0, ge=0)
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

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value  # LOG_LEVEL=info

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value  # LOG_FORMAT=JSON

    @model_validator(mode="after")
    def _check(self) -> Settings:
        self.database_url = normalize_database_url(self.database_url)
        if self.environment is Environment.PRODUCTION and self.secret_key == DEV_SECRET:
            raise ValueError("SECRET_KEY must be set to a real secret outside development")
        if self.oidc_issuer and not self.oidc_audience:
            raise ValueError("OIDC_AUDIENCE must be set with OIDC_ISSUER")
        if len(self.secret_key) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters (HS256 needs a 256-bit key)")
        return self

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

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
