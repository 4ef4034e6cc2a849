from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.settings import ApiSettings
from tests.api.compiled.helpers import Pair
from tests.conftest import shared_schema


@pytest.fixture
def pair(settings: ApiSettings, session_factory: async_sessionmaker[AsyncSession]) -> Any:
    """The same app twice over the test's database: compiled reads on, then off."""
    off = settings.model_copy(update={"compiled_reads": False})
    apps = [create_app(s, session_factory=session_factory, schema=shared_schema(s)) for s in (settings, off)]
    return Pair(apps[0], apps[1], settings)
