"""Configuration: the settings every layer needs, read from the environment (and `.env`).

The authorization layer adds its tokens' (`authz.settings.AuthSettings`), the web layer its
limits, CORS, proxies and metrics (`api.settings.ApiSettings`); each subclass reads the same
environment, so one `.env` configures them all."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me-not-for-production"
DEFAULT_SQLITE_PATH = Path("data") / "safety.db"


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
    # Evidence files (domain.files). Where their content lives: `disk`, a folder (FILE_STORE_PATH,
    # the embedded default), or `s3`, an S3-compatible object store (the S3_* settings).
    file_store: Literal["disk", "s3"] = "disk"
    file_store_path: Path = Path("data") / "files"
    # S3: the endpoint (e.g. http://minio.internal:9000; not set: AWS itself), the bucket
    # (created if missing), an optional key prefix, the region and the credentials (not set:
    # the client library's own chain: environment, shared files, instance roles).
    s3_endpoint_url: str | None = None
    s3_bucket: str = "safety-evidence"
    s3_prefix: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    # S3: seconds to connect and to wait for each answer, and attempts per call.
    s3_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    s3_read_timeout_seconds: float = Field(default=30.0, gt=0)
    s3_max_attempts: int = Field(default=3, ge=1)
    # The largest file accepted, in bytes, and the media types accepted (sniffed from the
    # content), comma-separated.
    file_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    file_allowed_types: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["image/jpeg", "image/png", "image/webp", "application/pdf"]
    )
    # Files sent with an anonymous tip-off: a smaller limit, images and PDF only, a few at most.
    tip_off_file_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    tip_off_max_files: int = Field(default=4, ge=0, le=20)
    # How many files one multipart request to /graphql may carry (each up to FILE_MAX_BYTES).
    upload_max_files: int = Field(default=4, ge=1, le=20)
    # How long, in seconds, a file's or a dossier's signed download link stays valid.
    file_link_seconds: int = Field(default=900, ge=1)
    # The platform's Ed25519 key that signs accountability dossiers: a PEM private key, or the
    # path of a file holding one. Not set: derived from SECRET_KEY (HKDF-SHA256), so every
    # process of a deployment signs with the same key (domain.dossier.signing).
    dossier_signing_key: SecretStr | None = None
    # The most evidence, in bytes, one dossier may carry: it is built in memory. A period whose
    # files weigh more is refused (DOSSIER_TOO_LARGE): ask for shorter periods.
    dossier_max_evidence_bytes: int = Field(default=1024 * 1024 * 1024, ge=1024)

    @field_validator("file_allowed_types", mode="before")
    @classmethod
    def _split_types(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip().lower() for item in value.split(",") if item.strip()]
        return value

    # How many days after an act a person may still enter its record through a post they
    # held on the act's date but no longer act for (left it, say); later, ENTRY_WINDOW_CLOSED.
    record_entry_window_days: int = Field(default=30, ge=0, le=3660)

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

    # OpenTelemetry traces go to this OTLP/HTTP collector (its base URL, e.g.
    # http://otel-collector:4318) when set; the other OTEL_* variables are the SDK's own.
    otel_exporter_otlp_endpoint: str | None = None

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
        if len(self.secret_key) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters (HS256 needs a 256-bit key)")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
