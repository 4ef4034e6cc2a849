"""attachEvidenceFiles and the files given to creating mutations: every refusal (a file the
caller may not read, a subject outside their reach, the wrong stage or the wrong side, a
file attached twice, too many files) attaches nothing, and writes nothing else either."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.models import AuditEvent
from domain.duties.models import DutyRecord
from domain.files.attachments import MAX_FILES
from domain.files.models import EvidenceAttachment
from domain.files.stores import BlobStore
from domain.hazards.models import Hazard
from tests.api.files.world import (
    ATTACH,
    HAZARD,
    MOVE,
    RECORD,
    REPORT,
    TODAY,
    record_input,
    report_input,
    subject,
    world,
)
from tests.api.helpers import ok, refused, reload
from tests.evidence_factories import evidence_file
from tests.factories import gid


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _fid(row: Any) -> str:
    return gid("EvidenceFile", row.id)


async def test_a_hazard_takes_evidence_at_each_stage_from_its_side_only(
    app: Any, session: AsyncSession, as_: Any, file_store: BlobStore
) -> None:
    w = await world(session)
    expert_s, boss_s, head_s = subject(w, "expert"), subject(w, "boss"), subject(w, "head")
    found = await evidence_file(session, file_store, expert_s, person_id=w["expert"].id)
    after = await evidence_file(session, file_store, boss_s, person_id=w["boss"].id)
    after2 = await evidence_file(session, file_store, boss_s, person_id=w["boss"].id)
    check = await evidence_file(session, file_store, head_s, person_id=w["head"].id)
    foreign = await evidence_file(session, file_store, subject(w, "grocer"), person_id=w["grocer"].id)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    expert, boss, head, food = (as_(subject(w, k)) for k in ("expert", "boss", "head", "grocer"))

    reported = ok(await expert(REPORT, report_input(w, [_fid(found)])))["hazard"]
    hid = reported["id"]
    assert [(e["stage"], e["file"]["id"]) for e in reported["evidenceFiles"]] == [("FOUND", _fid(found))]
    assert reported["evidenceFiles"][0]["attachedBy"] == {
        "__typename": "Person",
        "id": gid("Person", w["expert"].id),
    }

    def attach(files: list[Any], stage: str | None = "RECTIFIED", on: str | None = None) -> dict[str, Any]:
        given = [f if isinstance(f, str) else _fid(f) for f in files]
        return {"input": {"subject": on or hid, "files": given, **({"stage": stage} if stage else {})}}

    before = await _count(session, EvidenceAttachment)
    # Not yet being rectified: no "after" photo.
    refused(await boss(ATTACH, attach([after])), "WRONG_STAGE", ["input", "stage"])
    # Files go only with the steps that are stages.
    refused(
        await head(MOVE, {"input": {"hazardId": hid, "action": "CONFIRM", "files": [_fid(check)]}}),
        "INVALID_VALUE",
        ["input", "files"],
    )
    ok(await head(MOVE, {"input": {"hazardId": hid, "action": "CONFIRM"}}))
    ok(
        await boss(
            MOVE, {"input": {"hazardId": hid, "action": "START_RECTIFICATION", "deadline": "2026-06-20"}}
        )
    )

    # A hazard's evidence names its stage; other subjects' do not.
    refused(await boss(ATTACH, attach([after], stage=None)), "REQUIRED", ["input", "stage"])
    # Another enterprise does not see the hazard: not found, not "forbidden".
    refused(await food(ATTACH, attach([foreign])), "NOT_FOUND", ["input", "subject"])
    # A file the caller may not read is not found, and the good file beside it stays unattached.
    refused(await boss(ATTACH, attach([after, foreign])), "FILE_NOT_FOUND", ["input", "files", "1"])
    refused(
        await boss(ATTACH, attach(["RXZpZGVuY2VGaWxlOjk5OTk5"])), "FILE_NOT_FOUND", ["input", "files", "0"]
    )
    refused(await boss(ATTACH, attach([gid("Hazard", 1)])), "FILE_NOT_FOUND", ["input", "files", "0"])
    refused(await boss(ATTACH, attach([after] * (MAX_FILES + 1))), "TOO_MANY_FILES", ["input", "files"])
    # The verifying side's stage is not the enterprise's, nor is it due yet.
    refused(await boss(ATTACH, attach([after], stage="VERIFIED")), "FORBIDDEN", ["input", "subject"])
    refused(await head(ATTACH, attach([check], stage="VERIFIED")), "WRONG_STAGE", ["input", "stage"])
    # Nor is FOUND, once rectification has started.
    refused(await expert(ATTACH, attach([found], stage="FOUND")), "WRONG_STAGE", ["input", "stage"])
    assert await _count(session, EvidenceAttachment) == before

    made = ok(await boss(ATTACH, attach([after])))["attachments"]
    assert [(a["stage"], a["file"]["id"]) for a in made] == [("RECTIFIED", _fid(after))]
    refused(await boss(ATTACH, attach([after])), "ALREADY_ATTACHED", ["input", "files", "0"])
    # The finder's photo is readable to the enterprise through the hazard: it may serve again.
    ok(await boss(ATTACH, attach([found])))

    submitted = ok(
        await boss(
            MOVE, {"input": {"hazardId": hid, "action": "SUBMIT_RECTIFICATION", "files": [_fid(after2)]}}
        )
    )["hazard"]
    assert submitted["state"] == "RECTIFIED"
    closed = ok(
        await head(
            MOVE,
            {
                "input": {
                    "hazardId": hid,
                    "action": "PASS_VERIFICATION",
                    "note": "复查合格",
                    "files": [_fid(check)],
                }
            },
        )
    )["hazard"]
    assert [(e["stage"], e["file"]["id"]) for e in closed["evidenceFiles"]] == [
        ("FOUND", _fid(found)),
        ("RECTIFIED", _fid(after)),
        ("RECTIFIED", _fid(found)),
        ("RECTIFIED", _fid(after2)),
        ("VERIFIED", _fid(check)),
    ]
    rectified = (await head(HAZARD, {"id": hid, "stage": "RECTIFIED"}))["data"]["node"]["evidenceFiles"]
    assert [e["file"]["id"] for e in rectified] == [_fid(after), _fid(found), _fid(after2)]
    # After closing, only the verifying side's evidence.
    refused(await boss(ATTACH, attach([after2])), "WRONG_STAGE", ["input", "stage"])
    audited = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "evidence.attach")
    )
    assert audited == 5


async def test_a_record_takes_files_from_its_recorder_and_a_refused_file_writes_no_record(
    app: Any, session: AsyncSession, as_: Any, file_store: BlobStore
) -> None:
    w = await world(session)
    expert_s = subject(w, "expert")
    photo = await evidence_file(session, file_store, expert_s, person_id=w["expert"].id)
    more = await evidence_file(session, file_store, expert_s, person_id=w["expert"].id)
    boss_file = await evidence_file(session, file_store, subject(w, "boss"), person_id=w["boss"].id)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    expert, boss, reader = as_(expert_s), as_(subject(w, "boss")), as_(w["reader"].subject)

    records, hazards = await _count(session, DutyRecord), await _count(session, Hazard)
    refused(
        await expert(RECORD, record_input(w, [_fid(photo), _fid(boss_file)])),
        "FILE_NOT_FOUND",
        ["input", "files", "1"],
    )
    refused(
        await expert(REPORT, report_input(w, [_fid(boss_file)])), "FILE_NOT_FOUND", ["input", "files", "0"]
    )
    assert (await _count(session, DutyRecord), await _count(session, Hazard)) == (records, hazards)
    assert await _count(session, EvidenceAttachment) == 0

    record = ok(await expert(RECORD, record_input(w, [_fid(photo)])))["record"]
    assert [(e["stage"], e["file"]["id"]) for e in record["evidenceFiles"]] == [(None, _fid(photo))]
    on_record = {"input": {"subject": record["id"], "files": [_fid(more)]}}
    # The enterprise reads the record but did not sign it.
    refused(
        await boss(ATTACH, {"input": {"subject": record["id"], "files": [_fid(boss_file)]}}),
        "FORBIDDEN",
        ["input", "subject"],
    )
    # The district system reads no records: not found.
    refused(await reader(ATTACH, on_record), "NOT_FOUND", ["input", "subject"])
    refused(
        await expert(ATTACH, {"input": {**on_record["input"], "stage": "FOUND"}}),
        "INVALID_VALUE",
        ["input", "stage"],
    )
    made = ok(await expert(ATTACH, on_record))["attachments"]
    assert [a["file"]["id"] for a in made] == [_fid(more)]
    # A global ID of something that takes no evidence.
    refused(
        await expert(ATTACH, {"input": {"subject": gid("OrgUnit", w["chem"].id), "files": [_fid(more)]}}),
        "NOT_FOUND",
        ["input", "subject"],
    )
