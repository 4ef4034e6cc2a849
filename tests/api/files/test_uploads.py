"""uploadEvidenceFile through HTTP: a file accepted and what is recorded of it; every bad
input refused with its typed error and nothing recorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.models import AuditEvent
from domain.files.models import EvidenceFile
from domain.files.stores import BlobStore
from tests.api.files.uploading import (
    FailingStore,
    elf_bytes,
    image_bytes,
    pdf_bytes,
    two_people,
    upload,
    uploaded,
)
from tests.factories import gid


async def _rows(session: AsyncSession) -> int:
    return int((await session.scalar(select(func.count()).select_from(EvidenceFile))) or 0)


async def test_a_photo_is_recorded_with_its_thumbnail_and_audited(
    app: Any, session: AsyncSession, as_: Any, http: Any, file_store: BlobStore
) -> None:
    me, _ = await two_people(app, session)
    data = image_bytes((640, 480))
    payload = await uploaded(http, as_(f"person:{me.id}").headers, "C:\\相册\\现场照片.jpg", data)
    assert payload["userErrors"] == []
    file = payload["file"]
    assert file["name"] == "现场照片.jpg"  # no folders
    assert (file["mediaType"], file["size"], file["width"], file["height"]) == (
        "image/jpeg",
        len(data),
        640,
        480,
    )
    assert file["hasThumbnail"] and not file["anonymous"]
    assert file["uploadedBy"] == {"id": gid("Person", me.id)}
    row = (await session.scalars(select(EvidenceFile))).one()
    assert row.uploaded_by == f"person:{me.id}" and row.uploaded_by_person_id == me.id
    assert await file_store.get(row.sha256) == data
    assert row.thumbnail_sha256 is not None and await file_store.exists(row.thumbnail_sha256)
    audit = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence_file.upload"))
    ).one()
    assert (audit.target_type, audit.target_id, audit.actor) == ("EvidenceFile", row.id, f"person:{me.id}")


async def test_a_pdf_has_no_thumbnail(app: Any, session: AsyncSession, as_: Any, http: Any) -> None:
    me, _ = await two_people(app, session)
    file = (await uploaded(http, as_(f"person:{me.id}").headers, "整改报告.pdf", pdf_bytes()))["file"]
    assert (file["mediaType"], file["hasThumbnail"], file["thumbnailUrl"], file["width"]) == (
        "application/pdf",
        False,
        None,
        None,
    )
    assert file["downloadUrl"].startswith("/files/") and "/original/" in file["downloadUrl"]


async def _refused(http: Any, headers: dict[str, str], name: str, data: bytes) -> dict[str, Any]:
    response = await upload(http, headers, name, data)
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()["data"]["uploadEvidenceFile"]
    assert payload["file"] is None
    [error] = payload["userErrors"]
    assert error["field"] == ["input", "file"]
    found: dict[str, Any] = error
    return found


async def test_bad_files_are_refused_with_typed_errors_and_nothing_recorded(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, _ = await two_people(app, session)
    headers = as_(f"person:{me.id}").headers
    assert (await _refused(http, headers, "空.jpg", b""))["code"] == "EMPTY_FILE"
    mismatch = await _refused(http, headers, "holiday.jpg", elf_bytes())
    assert mismatch["code"] == "FILE_TYPE_MISMATCH" and "application/x-executable" in mismatch["messageEn"]
    png_as_pdf = await _refused(http, headers, "报告.pdf", image_bytes(fmt="PNG"))
    assert png_as_pdf["code"] == "FILE_TYPE_MISMATCH" and "image/png" in png_as_pdf["message"]
    not_allowed = await _refused(http, headers, "tool", elf_bytes())
    assert not_allowed["code"] == "FILE_TYPE_NOT_ALLOWED"
    assert "application/x-executable" in not_allowed["message"] + not_allowed["messageEn"]
    gif = await _refused(http, headers, "动图.gif", image_bytes(fmt="GIF"))
    assert gif["code"] == "FILE_TYPE_NOT_ALLOWED" and "image/gif" in gif["messageEn"]
    truncated = image_bytes((800, 600))[:2000]
    assert (await _refused(http, headers, "半张.jpg", truncated))["code"] == "FILE_UNREADABLE"
    assert await _rows(session) == 0
    assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 0


async def test_the_same_content_again_is_a_duplicate_naming_the_first_upload(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, _ = await two_people(app, session)
    headers = as_(f"person:{me.id}").headers
    data = image_bytes(color="navy")
    first = (await uploaded(http, headers, "a.jpg", data))["file"]
    error = await _refused(http, headers, "again-under-another-name.jpg", data)
    assert error["code"] == "DUPLICATE_FILE" and error["candidates"] == [first["id"]]
    assert await _rows(session) == 1


async def test_two_uploaders_of_the_same_bytes_get_a_row_each_and_share_one_blob(
    app: Any, session: AsyncSession, as_: Any, http: Any, file_store: BlobStore
) -> None:
    first, second = await two_people(app, session)
    data = image_bytes(color="olive")
    a = (await uploaded(http, as_(f"person:{first.id}").headers, "a.jpg", data))["file"]
    b = (await uploaded(http, as_(f"person:{second.id}").headers, "b.jpg", data))["file"]
    assert a["id"] != b["id"] and a["sha256"] == b["sha256"]
    rows = (await session.scalars(select(EvidenceFile).order_by(EvidenceFile.id))).all()
    assert [r.uploaded_by for r in rows] == [f"person:{first.id}", f"person:{second.id}"]
    assert {r.thumbnail_sha256 for r in rows} == {rows[0].thumbnail_sha256}
    assert await file_store.get(a["sha256"]) == data


async def test_a_store_that_fails_refuses_the_upload_retryably_and_nothing_is_recorded(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, _ = await two_people(app, session)
    app.state.file_store = FailingStore()
    error = await _refused(http, as_(f"person:{me.id}").headers, "a.jpg", image_bytes())
    assert error["code"] == "STORE_UNAVAILABLE"
    assert await _rows(session) == 0


async def test_a_file_variable_given_as_json_is_a_variable_error(
    app: Any, session: AsyncSession, as_: Any
) -> None:
    me, _ = await two_people(app, session)
    from tests.api.files.uploading import UPLOAD

    response = await as_(f"person:{me.id}").raw(UPLOAD, {"input": {"file": "SGVsbG8="}})
    body = response.json()
    assert "data" not in body and body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    assert await _rows(session) == 0
