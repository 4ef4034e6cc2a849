"""The demo holds evidence files: content in the store, checked; rows naming who uploaded and
attached them; files on records, hazards at each stage they reached, a plan, the exemption
and a tip-off; the same bytes on every run."""

from __future__ import annotations

import io
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import puremagic
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.models import AuditEvent
from domain.files.attachments import ATTACH_ACTION
from domain.files.models import PUBLIC_UPLOADER, EvidenceAttachment, EvidenceFile
from domain.files.stores import BlobStore, sha256_hex
from domain.files.stores.disk import DiskStore
from domain.files.thumbnails import THUMBNAIL_SIDE
from domain.files.uploading import UPLOAD_ACTION
from domain.hazards.models import Hazard, HazardEvent
from seeds.demo_images import pdf, photo
from seeds.loader import load_dataset
from tests import factories as f

HAZARD_EVIDENCE = """
query($id: ID!) { node(id: $id) { ... on Hazard {
  evidenceFiles { stage file { sha256 mediaType hasThumbnail downloadUrl thumbnailUrl } }
} } }
"""


async def test_the_demo_holds_files_in_the_store(
    session: AsyncSession, file_store: BlobStore, gql: Any, client: httpx.AsyncClient
) -> None:
    counts = await load_dataset(session, today=f.TODAY, store=file_store)
    await session.flush()
    files = (await session.scalars(select(EvidenceFile).order_by(EvidenceFile.id))).all()
    attachments = (await session.scalars(select(EvidenceAttachment))).all()
    assert counts["evidence_files"] == len(files) >= 15
    assert counts["evidence_attachments"] == len(attachments) == len(files)
    # Recorded as the API records them: each upload and each attachment audited.
    audited = Counter(
        (
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.action.in_((UPLOAD_ACTION, ATTACH_ACTION)))
            )
        ).all()
    )
    assert audited == {UPLOAD_ACTION: len(files), ATTACH_ACTION: len(attachments)}

    for file in files:
        data = await file_store.get(file.sha256)  # there, and hashing to its key
        assert len(data) == file.size
        assert puremagic.from_string(data, mime=True) == file.media_type
        assert file.name.startswith(("示例", "举报"))
        if file.media_type.startswith("image/"):
            assert file.thumbnail_sha256 is not None and file.width and file.height
            thumbnail = await file_store.get(file.thumbnail_sha256)
            assert len(thumbnail) == file.thumbnail_size
            with Image.open(io.BytesIO(thumbnail)) as image:
                assert image.format == "JPEG" and max(image.size) <= THUMBNAIL_SIDE
        else:
            assert file.media_type == "application/pdf" and file.thumbnail_sha256 is None
        if file.anonymous:
            assert (file.uploaded_by, file.uploaded_by_person_id) == (PUBLIC_UPLOADER, None)
        else:
            assert file.uploaded_by == f"person:{file.uploaded_by_person_id}"

    kinds = Counter((a.subject, a.stage) for a in attachments)
    assert kinds[("RECORD", None)] >= 3
    assert kinds[("HAZARD", "FOUND")] == 8
    assert kinds[("HAZARD", "RECTIFIED")] >= 1 and kinds[("HAZARD", "VERIFIED")] >= 1
    assert kinds[("HAZARD_PLAN", None)] >= 1
    assert kinds[("EXEMPTION", None)] == 1 and kinds[("TIP_OFF", None)] == 1

    # The files are the actors': an attachment is by the uploader; a hazard's after photo is
    # by whoever submitted its rectification, the verification photo by whoever closed it.
    by_id = {file.id: file for file in files}
    for a in attachments:
        assert a.attached_by == by_id[a.file_id].uploaded_by
        if a.subject == "HAZARD":
            hazard = await session.get(Hazard, a.subject_id)
            assert hazard is not None
            if a.stage == "FOUND":
                assert a.attached_by == hazard.found_by
                continue
            kind = "RECTIFICATION_SUBMITTED" if a.stage == "RECTIFIED" else "CLOSED"
            actors = await session.scalars(
                select(HazardEvent.actor).where(HazardEvent.hazard_id == hazard.id, HazardEvent.kind == kind)
            )
            assert a.attached_by in actors.all()

    # Through the API: the first hazard's photos, each stage's, downloaded and checked.
    first = next(a.subject_id for a in attachments if a.subject == "HAZARD")
    body = await gql(HAZARD_EVIDENCE, {"id": f.gid("Hazard", first)})
    evidence = body["data"]["node"]["evidenceFiles"]
    assert "FOUND" in {item["stage"] for item in evidence}
    for item in evidence:
        file = item["file"]
        assert file["mediaType"] == "image/jpeg" and file["hasThumbnail"]
        got = await client.get(file["downloadUrl"])
        assert got.status_code == 200 and sha256_hex(got.content) == file["sha256"]
        assert (await client.get(file["thumbnailUrl"])).status_code == 200


def test_demo_content_is_the_same_on_every_run() -> None:
    # Same label, same bytes (so a second load stores nothing new); another label, other bytes.
    first, again = photo("HAZARD 1 - AS FOUND", seed=1), photo("HAZARD 1 - AS FOUND", seed=1)
    assert first == again
    assert photo("HAZARD 2 - AS FOUND", seed=2) != first
    assert pdf("Plan", ["one"]) == pdf("Plan", ["one"])
    assert 2_000 < len(first) < 60_000


def test_load_demo_command_stores_the_files_where_the_app_reads_them(demo_database_file: Path) -> None:
    # tests/conftest.py builds it with FILE_STORE_PATH beside the database.
    store = DiskStore(demo_database_file.parent / "demo-files")
    with closing(sqlite3.connect(demo_database_file)) as db:
        rows = db.execute("SELECT sha256, thumbnail_sha256 FROM evidence_file").fetchall()
    assert len(rows) >= 15
    for sha, thumbnail in rows:
        for key in filter(None, (sha, thumbnail)):
            assert sha256_hex(store.path_of(key).read_bytes()) == key
