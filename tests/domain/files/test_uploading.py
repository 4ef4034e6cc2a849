"""Storing and recording uploads: one blob for many uploaders, blobs before rows, nothing
recorded when the store fails."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.models import AuditEvent
from domain.errors import DomainError, ErrorCode
from domain.files import uploading
from domain.files.checking import UploadLimits
from domain.files.models import PUBLIC_UPLOADER, EvidenceFile
from domain.files.stores import StoreUnavailable
from domain.files.stores.disk import DiskStore

LIMITS = UploadLimits(1024 * 1024, frozenset({"image/jpeg", "application/pdf"}))


def _photo(color: str = "purple") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


def _blobs(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


async def test_two_uploaders_share_one_blob_and_anonymous_uploads_are_not_compared(
    session: AsyncSession, tmp_path: Path
) -> None:
    store = DiskStore(tmp_path / "blobs")
    data = _photo()
    for subject in ("client:1", "client:2"):
        await uploading.upload(session, store, name="a.jpg", data=data, limits=LIMITS, actor=Actor(subject))
    for _ in range(2):
        row = await uploading.upload(
            session, store, name="a.jpg", data=data, limits=LIMITS, actor=Actor("anonymous"), anonymous=True
        )
        assert row.uploaded_by == PUBLIC_UPLOADER and row.anonymous
    assert await session.scalar(select(func.count()).select_from(EvidenceFile)) == 4
    assert len(_blobs(tmp_path / "blobs")) == 2  # the photo and its thumbnail, once
    with pytest.raises(DomainError) as caught:
        await uploading.upload(
            session, store, name="b.jpg", data=data, limits=LIMITS, actor=Actor("client:1")
        )
    assert caught.value.errors[0].code is ErrorCode.DUPLICATE_FILE


class BrokenStore:
    kind = "broken"

    async def put(self, sha256: str, data: bytes, media_type: str) -> None:
        raise StoreUnavailable(sha256, "the store is down")

    async def get(self, sha256: str) -> bytes:
        raise StoreUnavailable(sha256, "the store is down")

    async def exists(self, sha256: str) -> bool:
        return False

    async def close(self) -> None:
        return None


async def test_a_store_failure_records_nothing(session: AsyncSession) -> None:
    with pytest.raises(DomainError) as caught:
        await uploading.upload(
            session, BrokenStore(), name="a.jpg", data=_photo(), limits=LIMITS, actor=Actor("client:1")
        )
    assert caught.value.errors[0].code is ErrorCode.STORE_UNAVAILABLE
    assert await session.scalar(select(func.count()).select_from(EvidenceFile)) == 0
    assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 0
