"""The archive: its manifest lists every entry with the right size and SHA-256, the
platform's signature verifies with the published key and fails for any changed byte, the
evidence files are in it with their bytes (a missing blob is listed, not dropped), and the
same content gives the same bytes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select, text, true
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM
from domain.audit.models import AuditEvent
from domain.dossier import service
from domain.dossier.archive import ENTRY_TIME, MANIFEST, SIGNATURE
from domain.dossier.evidence import archive_path
from domain.dossier.ids import domain_ref
from domain.dossier.sections import Scope
from domain.dossier.service import ChainState
from domain.dossier.signing import derived_key, verifies
from domain.dossier.visibility import Visibility
from domain.errors import DomainError, ErrorCode
from domain.files.stores import BlobStore
from tests.domain.dossier.world import AFTER, LOST, NOTE_PDF, PHOTO, PLAN_PDF, dossier_world

EVERYTHING = Visibility(*[true()] * 9)
KEY = derived_key("a test secret that is long enough for the settings")
AT = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


async def chain(_: AsyncSession) -> ChainState:
    return ChainState(heads={"audit": "ab" * 32}, verification={"ok": True, "checked": 3})


async def build(session: AsyncSession, store: BlobStore, unit: Any, max_bytes: int = 10**9) -> service.Built:
    return await service.build(
        session,
        store,
        scope=Scope(unit, date(2026, 10, 1), date(2026, 11, 22), date(2026, 11, 22)),
        visibility=EVERYTHING,
        generated_by=SYSTEM,
        generated_at=AT,
        platform_version="0.1.0",
        key=KEY,
        chain=chain,
        max_evidence_bytes=max_bytes,
    )


def opened(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert [i.filename for i in z.infolist()] == sorted(i.filename for i in z.infolist())
        assert all(i.date_time == ENTRY_TIME for i in z.infolist())
        return {i.filename: z.read(i) for i in z.infolist()}


async def test_manifest_signature_and_files(session: AsyncSession, file_store: BlobStore) -> None:
    w = await dossier_world(session, file_store)
    built = await build(session, file_store, w["park"])
    entries = opened(built.packed.archive)
    manifest = json.loads(entries[MANIFEST])
    listed = {e["path"]: e for e in manifest["entries"]}
    assert set(listed) == set(entries) - {MANIFEST, SIGNATURE}
    for path, data in entries.items():
        if path in listed:
            assert listed[path] == {
                "path": path,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
    for name in ("holders", "duty_lists", "obligations", "hazards", "exemptions", "audit", "chain"):
        assert f"{name}.json" in listed
    assert "README.txt" in listed and "验证 Verification" in entries["README.txt"].decode()
    assert manifest["unit"]["path"] == domain_ref(w["park"].path)
    assert manifest["period"] == {"from": "2026-10-01", "to": "2026-11-22"}
    assert manifest["chain"] == {"heads": {"audit": "ab" * 32}, "verified": True}
    assert manifest["signing"]["keyId"] == KEY.key_id

    # The evidence: every stored content once, with its bytes; the lost one listed, not included.
    for content, media in ((PHOTO, "image/jpeg"), (AFTER, "image/jpeg"), (PLAN_PDF, "application/pdf")):
        assert entries[archive_path(hashlib.sha256(content).hexdigest(), media)] == content
    lost = hashlib.sha256(LOST).hexdigest()
    assert archive_path(lost, "image/jpeg") not in entries
    assert manifest["evidence"]["notIncluded"] == [
        {"sha256": lost, "path": archive_path(lost, "image/jpeg"), "reason": "missing"}
    ]
    record = json.loads(entries["obligations.json"])["records"]
    (inspection,) = [r for r in record if r["performedOn"] == "2026-10-05"]
    (photo,) = inspection["files"]
    assert photo["content"] == "included" and entries[photo["path"]] == PHOTO
    hazards = json.loads(entries["hazards.json"])["hazards"]
    (hazard,) = [h for h in hazards if h["title"] == "消防通道堵塞（演示）"]
    assert [(f["stage"], f["content"]) for f in hazard["files"]] == [
        ("FOUND", "included"), ("RECTIFIED", "included"), ("FOUND", "missing")
    ]  # fmt: skip
    (exemption,) = json.loads(entries["exemptions.json"])["exemptions"]
    assert exemption["decision"]["approved"] is True
    assert entries[exemption["files"][0]["path"]] == NOTE_PDF
    (plan,) = hazard["plans"]
    assert entries[plan["files"][0]["path"]] == PLAN_PDF

    # The signature: over the manifest's exact bytes, with the published key.
    public = KEY.public_pem()
    assert entries[SIGNATURE] == built.packed.signature
    assert verifies(public, entries[MANIFEST], entries[SIGNATURE])
    changed = bytearray(entries[MANIFEST])
    changed[len(changed) // 2] ^= 1
    assert not verifies(public, bytes(changed), entries[SIGNATURE])
    assert not verifies(
        derived_key("another secret, also long enough").public_pem(), entries[MANIFEST], entries[SIGNATURE]
    )


async def test_same_content_same_bytes(session: AsyncSession, file_store: BlobStore) -> None:
    w = await dossier_world(session, file_store)
    first = await build(session, file_store, w["park"])
    again = await build(session, file_store, w["park"])
    assert first.packed.archive == again.packed.archive
    assert first.counts["files"] == 4 and first.counts["filesMissing"] == 1


async def test_a_unit_holds_its_subtree_only(session: AsyncSession, file_store: BlobStore) -> None:
    w = await dossier_world(session, file_store)
    built = await build(session, file_store, w["chem"])
    entries = opened(built.packed.archive)
    hazards = json.loads(entries["hazards.json"])["hazards"]
    assert {h["unit"] for h in hazards} == {json.loads(entries[MANIFEST])["unit"]["id"]}
    # The chemical works' inspection photo is its own; the food factory's hazard photos are not.
    assert sorted(p for p in entries if p.startswith("files/")) == [
        archive_path(hashlib.sha256(PHOTO).hexdigest(), "image/jpeg")
    ]


async def test_a_corrupt_blob_is_listed_not_included(
    session: AsyncSession, file_store: BlobStore, tmp_path: Any
) -> None:
    w = await dossier_world(session, file_store)
    after = hashlib.sha256(AFTER).hexdigest()
    (stored,) = list(tmp_path.rglob(after))
    stored.write_bytes(b"changed on disk")
    entries = opened((await build(session, file_store, w["park"])).packed.archive)
    assert archive_path(after, "image/jpeg") not in entries
    reasons = {m["sha256"]: m["reason"] for m in json.loads(entries[MANIFEST])["evidence"]["notIncluded"]}
    assert reasons == {after: "corrupt", hashlib.sha256(LOST).hexdigest(): "missing"}


async def test_kept_dossiers_are_append_only_and_audited(
    session: AsyncSession, file_store: BlobStore
) -> None:
    w = await dossier_world(session, file_store)
    row = await service.create(
        session,
        file_store,
        unit=w["chem"],
        start=date(2026, 11, 1),
        end=date(2026, 11, 1),
        today=date(2026, 11, 22),
        visibility=EVERYTHING,
        actor=SYSTEM,
        generated_at=AT,
        platform_version="0.1.0",
        key=KEY,
        chain=chain,
        max_evidence_bytes=10**9,
    )
    assert row.file_name == "追责材料包_E-CHEM_2026-11-01.zip"
    archive = await file_store.get(row.sha256)
    assert len(archive) == row.size
    manifest = opened(archive)[MANIFEST]
    assert hashlib.sha256(manifest).hexdigest() == row.manifest_sha256
    assert verifies(KEY.public_pem(), manifest, bytes.fromhex(row.signature))
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "dossier.create", AuditEvent.target_id == row.id)
    )
    assert event is not None and event.domain == w["chem"].path and event.after is not None
    assert event.after["sha256"] == row.sha256
    for statement in ("UPDATE accountability_dossier SET size = 1", "DELETE FROM accountability_dossier"):
        with pytest.raises(DBAPIError):
            async with session.begin_nested():
                await session.execute(text(statement))


async def test_too_much_evidence_is_refused_before_reading(
    session: AsyncSession, file_store: BlobStore
) -> None:
    w = await dossier_world(session, file_store)
    weight = sum(len(c) for c in (PHOTO, AFTER, PLAN_PDF, NOTE_PDF, LOST))
    await build(session, file_store, w["park"], max_bytes=weight)
    with pytest.raises(DomainError) as refused:
        await build(session, file_store, w["park"], max_bytes=weight - 1)
    assert [(e.code, e.field) for e in refused.value.errors] == [(ErrorCode.DOSSIER_TOO_LARGE, ("to",))]
