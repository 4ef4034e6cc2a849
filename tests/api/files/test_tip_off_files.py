"""Files sent with a public tip-off: stored as anonymous uploads and attached to it in its
transaction; one bad file refuses the whole tip-off and nothing is filed or stored."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.files.models import PUBLIC_UPLOADER, EvidenceAttachment, EvidenceFile
from domain.files.stores import BlobStore
from domain.hazards.models import TipOff
from tests import factories as f
from tests.api.files.uploading import FailingStore, elf_bytes, image_bytes, pdf_bytes
from tests.api.helpers import reload
from tests.factories import gid


async def _park(app: Any, session: AsyncSession) -> str:
    t = await f.small_tree(session)
    await reload(app, session)
    return gid("OrgUnit", t["park"].id)


def _fields(park: str) -> dict[str, str]:
    return {"parkId": park, "content": "演示：仓库门口堆放易燃物", "location": "演示园区3号路"}


async def _count(session: AsyncSession, model: Any) -> int:
    return int((await session.scalar(select(func.count()).select_from(model))) or 0)


async def test_a_tip_off_with_a_photo_and_a_pdf(
    app: Any, session: AsyncSession, http: httpx.AsyncClient, file_store: BlobStore
) -> None:
    park = await _park(app, session)
    photo = image_bytes(color="orange")
    files = [
        ("files", ("现场.jpg", photo, "image/jpeg")),
        ("files", ("说明.pdf", pdf_bytes(), "application/pdf")),
    ]
    filed = await http.post("/public/tip-offs", data=_fields(park), files=files)
    assert filed.status_code == 201, filed.text
    assert set(filed.json()) == {"trackingCode", "status"}
    tip = (await session.scalars(select(TipOff))).one()
    assert tip.content == "演示：仓库门口堆放易燃物"
    rows = (await session.scalars(select(EvidenceFile).order_by(EvidenceFile.id))).all()
    assert [(r.name, r.media_type, r.anonymous, r.uploaded_by) for r in rows] == [
        ("现场.jpg", "image/jpeg", True, PUBLIC_UPLOADER),
        ("说明.pdf", "application/pdf", True, PUBLIC_UPLOADER),
    ]
    attachments = (await session.scalars(select(EvidenceAttachment).order_by(EvidenceAttachment.id))).all()
    assert [(a.subject, a.subject_id, a.stage, a.file_id) for a in attachments] == [
        ("TIP_OFF", tip.id, None, rows[0].id),
        ("TIP_OFF", tip.id, None, rows[1].id),
    ]
    assert await file_store.get(rows[0].sha256) == photo


async def test_the_json_form_still_works(app: Any, session: AsyncSession, http: httpx.AsyncClient) -> None:
    park = await _park(app, session)
    filed = await http.post("/public/tip-offs", json=_fields(park))
    assert filed.status_code == 201, filed.text
    assert await _count(session, EvidenceFile) == 0


async def _refused(http: httpx.AsyncClient, park: str, files: list[Any], **extra: str) -> dict[str, Any]:
    response = await http.post("/public/tip-offs", data={**_fields(park), **extra}, files=files)
    assert response.status_code == 400, response.text
    error: dict[str, Any] = response.json()["errors"][0]
    return error


async def test_one_bad_file_refuses_the_whole_tip_off(
    app: Any, session: AsyncSession, http: httpx.AsyncClient, settings: Any
) -> None:
    park = await _park(app, session)
    good = ("files", ("a.jpg", image_bytes(), "image/jpeg"))
    cases = [
        ([good, ("files", ("b.jpg", elf_bytes(), "image/jpeg"))], "FILE_TYPE_MISMATCH", ["files", "1"]),
        (
            [good, ("files", ("b.gif", image_bytes(fmt="GIF"), "image/gif"))],
            "FILE_TYPE_NOT_ALLOWED",
            ["files", "1"],
        ),
        ([("files", ("empty.jpg", b"", "image/jpeg")), good], "EMPTY_FILE", ["files", "0"]),
        (
            [
                (
                    "files",
                    ("big.pdf", b"%PDF-1.4\n" + b"0" * settings.tip_off_file_max_bytes, "application/pdf"),
                )
            ],
            "FILE_TOO_LARGE",
            ["files", "0"],
        ),
    ]
    for files, code, field in cases:
        error = await _refused(http, park, files)
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, field)
    too_many = [good] * (settings.tip_off_max_files + 1)
    assert (await _refused(http, park, too_many))["extensions"]["code"] == "INVALID_VALUE"
    other_name = [("photo", ("a.jpg", image_bytes(), "image/jpeg"))]
    assert (await _refused(http, park, other_name))["extensions"]["field"] == ["photo"]
    assert (await _refused(http, park, [good], secret="x"))["extensions"]["field"] == ["secret"]
    assert await _count(session, TipOff) == 0
    assert await _count(session, EvidenceFile) == 0
    assert await _count(session, EvidenceAttachment) == 0


async def test_a_store_that_fails_files_nothing_and_asks_for_a_retry(
    app: Any, session: AsyncSession, http: httpx.AsyncClient
) -> None:
    park = await _park(app, session)
    app.state.file_store = FailingStore()
    files = [("files", ("a.jpg", image_bytes(), "image/jpeg"))]
    response = await http.post("/public/tip-offs", data=_fields(park), files=files)
    assert response.status_code == 503 and response.headers["retry-after"]
    assert response.json()["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"
    assert await _count(session, TipOff) == 0 and await _count(session, EvidenceFile) == 0


async def test_a_retried_tip_off_with_files_is_answered_once(
    app: Any, session: AsyncSession, http: httpx.AsyncClient
) -> None:
    park = await _park(app, session)
    headers = {"Idempotency-Key": "0b7e4c1e-8f0a-4a8e-9d55-5d1f3c2a7b10"}
    photo = image_bytes(color="gray")
    first = await http.post(
        "/public/tip-offs",
        data=_fields(park),
        files=[("files", ("a.jpg", photo, "image/jpeg"))],
        headers=headers,
    )
    again = await http.post(
        "/public/tip-offs",
        data=_fields(park),
        files=[("files", ("a.jpg", photo, "image/jpeg"))],
        headers=headers,
    )
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    other = await http.post(
        "/public/tip-offs",
        data=_fields(park),
        files=[("files", ("a.jpg", image_bytes(color="black"), "image/jpeg"))],
        headers=headers,
    )
    assert other.status_code == 422
    assert await _count(session, TipOff) == 1 and await _count(session, EvidenceFile) == 1
