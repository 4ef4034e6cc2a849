"""Size limits of uploads, with small limits set: a file over FILE_MAX_BYTES is a typed
error; a multipart body over its own limit is 413 before anything reads it; a JSON body
keeps MAX_BODY_BYTES."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.multipart import multipart_body_limit
from api.settings import ApiSettings
from domain.config import Environment
from domain.files.models import EvidenceFile
from tests.api.files.uploading import image_bytes, two_people, upload


@pytest.fixture
def settings() -> ApiSettings:
    return ApiSettings(
        environment=Environment.TEST,
        database_url="sqlite+aiosqlite:///:memory:",
        file_max_bytes=4096,
        upload_max_files=1,
        max_body_bytes=8192,
    )


async def test_a_file_over_the_limit_is_too_large(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, _ = await two_people(app, session)
    big = image_bytes((600, 600), fmt="PNG", color="white")[:0] + b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000
    response = await upload(http, as_(f"person:{me.id}").headers, "big.png", big)
    [error] = response.json()["data"]["uploadEvidenceFile"]["userErrors"]
    assert error["code"] == "FILE_TOO_LARGE" and "4096" in error["messageEn"]
    assert await session.scalar(select(func.count()).select_from(EvidenceFile)) == 0


async def test_a_multipart_body_over_its_limit_is_413(
    app: Any, session: AsyncSession, as_: Any, http: Any, settings: ApiSettings
) -> None:
    me, _ = await two_people(app, session)
    limit = multipart_body_limit(settings)
    response = await upload(http, as_(f"person:{me.id}").headers, "huge.jpg", b"\xff" * (limit + 1))
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE" and error["extensions"]["limit"] == limit


async def test_a_json_body_keeps_the_smaller_limit(
    app: Any, session: AsyncSession, as_: Any, http: Any, settings: ApiSettings
) -> None:
    me, _ = await two_people(app, session)
    body = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * settings.max_body_bytes}})
    response = await http.post(
        "/graphql",
        content=body,
        headers={**as_(f"person:{me.id}").headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["limit"] == settings.max_body_bytes
