"""Configuration: one settings class, read from the environment (and `.env`)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me"
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

    # GraphQL limits. Connections refuse `first` above max_page_size.
    max_page_size: int = 100
    max_query_depth: int = 20
    max_aliases: int = 30
    max_tokens: int = 4000
    max_nodes_ids: int = 100
    # Nodes a document may return: the sum over its connections of the product of `first`.
    max_requested_nodes: int = 100_000
    introspection: bool = True

    @model_validator(mode="after")
    def _check(self) -> Settings:
        self.database_url = normalize_database_url(self.database_url)
        if self.environment is Environment.PRODUCTION and self.secret_key == DEV_SECRET:
            raise ValueError("SECRET_KEY must be set to a real secret outside development")
        if len(self.secret_key) < 16:
            raise ValueError("SECRET_KEY must be at least 16 characters")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
