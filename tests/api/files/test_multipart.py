"""The GraphQL multipart request spec on /graphql: what is refused (400 BAD_REQUEST, 401,
413) before anything runs, and what a retry with an Idempotency-Key gets."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.files.models import EvidenceFile
from tests.api.files.uploading import UPLOAD, image_bytes, two_people

OPERATIONS = json.dumps({"query": UPLOAD, "variables": {"input": {"file": None}}})
MAP = json.dumps({"0": ["variables.input.file"]})


async def _post(http: Any, headers: dict[str, str], data: dict[str, str], files: dict[str, Any]) -> Any:
    return await http.post("/graphql", data=data, files=files, headers=headers)


def _photo() -> tuple[str, bytes, str]:
    return ("a.jpg", image_bytes(), "image/jpeg")


async def _bad_request(
    http: Any, headers: dict[str, str], data: dict[str, str], files: dict[str, Any]
) -> str:
    response = await _post(http, headers, data, files)
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    message_en: str = error["extensions"]["messageEn"]
    return message_en


async def test_malformed_multipart_requests_are_bad_requests_and_store_nothing(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, _ = await two_people(app, session)
    h = as_(f"person:{me.id}").headers
    photo = {"0": _photo()}
    assert "`map`" in await _bad_request(http, h, {"operations": OPERATIONS}, photo)
    assert "`operations`" in await _bad_request(http, h, {"map": MAP}, photo)
    assert "not valid JSON" in await _bad_request(http, h, {"operations": OPERATIONS, "map": "{0: ["}, photo)
    assert "not valid JSON" in await _bad_request(http, h, {"operations": "{", "map": MAP}, photo)
    for bad_map in ('["variables.input.file"]', '{"0": "variables.input.file"}', '{"0": []}', '{"0": [1]}'):
        assert "`map` must be" in await _bad_request(
            http, h, {"operations": OPERATIONS, "map": bad_map}, photo
        )
    names_missing = json.dumps({"1": ["variables.input.file"]})
    assert "name no file" in await _bad_request(
        http, h, {"operations": OPERATIONS, "map": names_missing}, {"0": _photo()}
    )
    outside = json.dumps({"0": ["query"]})
    assert "must start with" in await _bad_request(http, h, {"operations": OPERATIONS, "map": outside}, photo)
    nowhere = json.dumps({"0": ["variables.input.picture"]})
    assert "null" in await _bad_request(http, h, {"operations": OPERATIONS, "map": nowhere}, photo)
    deeper = json.dumps({"0": ["variables.nothing.file"]})
    assert "not in" in await _bad_request(http, h, {"operations": OPERATIONS, "map": deeper}, photo)
    filled = json.dumps({"query": UPLOAD, "variables": {"input": {"file": "x"}}})
    assert "null" in await _bad_request(http, h, {"operations": filled, "map": MAP}, photo)
    assert "not in `map`" in await _bad_request(
        http, h, {"operations": OPERATIONS, "map": MAP}, {"0": _photo(), "extra": _photo()}
    )
    batch = json.dumps([json.loads(OPERATIONS)])
    assert "Batching" in await _bad_request(http, h, {"operations": batch, "map": MAP}, photo)
    assert "may hold `operations`, `map`" in await _bad_request(
        http, h, {"operations": OPERATIONS, "map": MAP, "note": "x"}, photo
    )
    query = json.dumps({"query": "query($f: Upload) { __typename }", "variables": {"f": None}})
    assert "mutation only" in await _bad_request(
        http, h, {"operations": query, "map": json.dumps({"0": ["variables.f"]})}, photo
    )
    assert await session.scalar(select(func.count()).select_from(EvidenceFile)) == 0


async def test_more_files_than_allowed_are_refused(
    app: Any, session: AsyncSession, as_: Any, http: Any, settings: Any
) -> None:
    me, _ = await two_people(app, session)
    n = settings.upload_max_files + 1
    operations = json.dumps(
        {
            "query": "mutation($a: UploadEvidenceFileInput!) { uploadEvidenceFile(input: $a) { file { id } } }",
            "variables": {"a": {"file": None}, "more": [None] * n},
        }
    )
    files_map = json.dumps({str(i): [f"variables.more.{i}"] for i in range(n)})
    files = {str(i): (f"{i}.jpg", image_bytes(color="red"), "image/jpeg") for i in range(n)}
    message = await _bad_request(
        http, as_(f"person:{me.id}").headers, {"operations": operations, "map": files_map}, files
    )
    assert f"at most {settings.upload_max_files} files" in message


async def test_a_multipart_request_without_credentials_is_unauthenticated(http: Any) -> None:
    response = await _post(http, {}, {"operations": OPERATIONS, "map": MAP}, {"0": _photo()})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_other_media_types_are_still_unsupported(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, _ = await two_people(app, session)
    response = await http.post(
        "/graphql",
        content=b"operations=x",
        headers={**as_(f"person:{me.id}").headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["errors"][0]["extensions"]["messageEn"]


async def test_an_upload_retried_with_its_idempotency_key_is_answered_once(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, _ = await two_people(app, session)
    headers = {**as_(f"person:{me.id}").headers, "Idempotency-Key": "6f1c1f5e-3b7a-4d55-9a39-2f7a0c2b9e11"}
    data = {"operations": OPERATIONS, "map": MAP}
    photo = image_bytes(color="maroon")
    first = await _post(http, headers, data, {"0": ("a.jpg", photo, "image/jpeg")})
    assert first.status_code == 200 and first.json()["data"]["uploadEvidenceFile"]["userErrors"] == []
    again = await _post(http, headers, data, {"0": ("a.jpg", photo, "image/jpeg")})
    assert again.status_code == 200 and again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    other = await _post(http, headers, data, {"0": ("a.jpg", image_bytes(color="lime"), "image/jpeg")})
    assert other.status_code == 422
    assert await session.scalar(select(func.count()).select_from(EvidenceFile)) == 1
