"""Reading attached evidence: lists batched (one statement for all their subjects' files,
however many), the same answers with the compiled read path on and off, and files readable
by exactly those who may read what they are attached to (or uploaded them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.settings import ApiSettings
from authz.visibility.files import readable_files
from domain.duties.models import DutyRecord, DutyRecordUnit
from domain.files.models import AttachmentSubject, EvidenceAttachment, EvidenceFile
from domain.files.stores import BlobStore
from domain.hazards.models import Hazard, HazardPlan
from tests.api.compiled.helpers import Pair
from tests.api.files.world import TODAY, subject, world
from tests.api.helpers import pk, reload
from tests.conftest import shared_schema
from tests.evidence_factories import evidence_file
from tests.factories import gid

FILES = "evidenceFiles { stage file { id sha256 } }"
LISTS = f"""{{
  hazards(first: 50) {{ nodes {{ id {FILES} plans {{ id {FILES} }} }} }}
  dutyRecords(first: 50) {{ nodes {{ id {FILES} }} }}
}}"""


async def _attach(
    session: AsyncSession,
    file: EvidenceFile,
    subject: AttachmentSubject,
    row_id: int,
    stage: str | None = None,
) -> None:
    session.add(
        EvidenceAttachment(
            file_id=file.id, subject=subject.value, subject_id=row_id, stage=stage, attached_by="system"
        )
    )
    await session.flush()


async def _hazards(session: AsyncSession, w: dict[str, Any], store: BlobStore, n: int) -> list[Hazard]:
    """`n` hazards at the chemical enterprise, each with a plan, a FOUND and a RECTIFIED photo,
    and a photo on its plan; and a record with a file, for each."""
    made = []
    expert = subject(w, "expert")
    for i in range(n):
        h = Hazard(
            unit_id=w["chem"].id, category_id=w["categories"][w["general"]], grade="GENERAL",
            title=f"隐患{i}（演示）", description="演示", evidence=[], source="AGENCY", found_on=date(2026, 5, 1),
            found_by=expert, found_by_person_id=w["expert"].id, state="RECTIFYING", deadline=date(2026, 6, 30),
        )  # fmt: skip
        session.add(h)
        await session.flush()
        plan = HazardPlan(
            hazard_id=h.id, measures="整改措施", responsible_person_id=w["boss"].id, funds=Decimal("100.00"),
            deadline=date(2026, 6, 30), contingency_plan="预案", created_by=subject(w, "boss"),
        )  # fmt: skip
        session.add(plan)
        record = DutyRecord(
            kind="INSPECTION", performed_on=date(2026, 5, 1), title=f"检查{i}", recorder=expert,
            recorder_person_id=w["expert"].id,
        )  # fmt: skip
        session.add(record)
        await session.flush()
        session.add(DutyRecordUnit(record_id=record.id, unit_id=w["chem"].id))
        for stage in ("FOUND", "RECTIFIED"):
            await _attach(
                session, await evidence_file(session, store, expert), AttachmentSubject.HAZARD, h.id, stage
            )
        await _attach(
            session, await evidence_file(session, store, expert), AttachmentSubject.HAZARD_PLAN, plan.id
        )
        await _attach(
            session, await evidence_file(session, store, expert), AttachmentSubject.RECORD, record.id
        )
        made.append(h)
    return made


async def test_lists_of_evidence_are_batched(
    app: Any, session: AsyncSession, gql: Any, query_counter: Any, file_store: BlobStore
) -> None:
    w = await world(session)
    await _hazards(session, w, file_store, 2)
    await reload(app, session)
    query_counter.reset()
    small = await gql(LISTS)
    few = query_counter.count
    await _hazards(session, w, file_store, 5)
    await reload(app, session)
    query_counter.reset()
    large = await gql(LISTS)
    assert query_counter.count == few
    assert len(small["data"]["hazards"]["nodes"]) == 2 and len(large["data"]["hazards"]["nodes"]) == 7
    for node in large["data"]["hazards"]["nodes"]:
        assert [e["stage"] for e in node["evidenceFiles"]] == ["FOUND", "RECTIFIED"]
        assert [len(p["evidenceFiles"]) for p in node["plans"]] == [1]
    assert all(len(r["evidenceFiles"]) == 1 for r in large["data"]["dutyRecords"]["nodes"])


async def test_the_compiled_path_answers_evidence_as_the_resolvers_do(
    settings: ApiSettings,
    session_factory: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    file_store: BlobStore,
    platform_admin: str,
) -> None:
    off = settings.model_copy(update={"compiled_reads": False})
    apps = [
        create_app(s, session_factory=session_factory, schema=shared_schema(s), file_store=file_store)
        for s in (settings, off)
    ]
    pair = Pair(apps[0], apps[1], settings)
    w = await world(session)
    await _hazards(session, w, file_store, 3)
    await pair.reload(session)
    pair.on_day(TODAY)
    full = "evidenceFiles { __typename id stage attachedAt file { __typename id name mediaType size sha256 uploadedAt width height anonymous hasThumbnail } }"
    compiled = f"""query($stage: EvidenceStage) {{ hazards(first: 10) {{ nodes {{
      id title {full} found: evidenceFiles(stage: FOUND) {{ id }} some: evidenceFiles(stage: $stage) {{ id }}
      plan {{ id {full} }} plans {{ id {full} }} }} }} }}"""
    # The Actor union is the resolvers': the whole root goes to them, with the same answer.
    resolved = "{ hazards(first: 10) { nodes { id evidenceFiles { attachedBy { __typename } } } } }"
    for who in (platform_admin, subject(w, "boss"), subject(w, "grocer"), w["reader"].subject):
        for stage in (None, "RECTIFIED", "VERIFIED"):
            answer = await pair.both(who, compiled, {"stage": stage})
            assert "errors" not in answer
        assert "errors" not in await pair.both(who, resolved, served=False)
    seen = (await pair.both(subject(w, "boss"), compiled, {"stage": "RECTIFIED"}))["data"]["hazards"]["nodes"]
    assert len(seen) == 3
    for node in seen:
        assert [e["stage"] for e in node["evidenceFiles"]] == ["FOUND", "RECTIFIED"]
        assert [e["id"] for e in node["found"]] == [node["evidenceFiles"][0]["id"]]
        assert [e["id"] for e in node["some"]] == [node["evidenceFiles"][1]["id"]]
        assert len(node["plan"]["evidenceFiles"]) == 1


async def test_files_are_readable_by_whoever_reads_what_they_are_attached_to(
    app: Any, session: AsyncSession, as_: Any, file_store: BlobStore
) -> None:
    w = await world(session)
    hazards = await _hazards(session, w, file_store, 2)
    own = await evidence_file(session, file_store, subject(w, "grocer"), person_id=w["grocer"].id)
    loose = await evidence_file(session, file_store, subject(w, "head"), person_id=w["head"].id)
    await reload(app, session)
    everything = set((await session.scalars(select(EvidenceFile.id))).all())
    attached = set((await session.scalars(select(EvidenceAttachment.file_id))).all())

    async def readable(who: str, person_id: int | None) -> set[int]:
        reach = app.state.authority.reach(who, person_id, TODAY)
        return set((await session.scalars(select(EvidenceFile.id).where(readable_files(reach)))).all())

    async def shown(who: str) -> set[int]:
        """The files the API shows the caller on the hazards and records they may read."""
        ids: set[int] = set()
        for h in hazards:
            body = await as_(who)(
                f"query($id: ID!) {{ node(id: $id) {{ ... on Hazard {{ {FILES} plans {{ {FILES} }} }} }} }}",
                {"id": gid("Hazard", h.id)},
            )
            node = body["data"]["node"]
            if node is not None:
                for e in [*node["evidenceFiles"], *(e for p in node["plans"] for e in p["evidenceFiles"])]:
                    ids.add(pk(e["file"]["id"]))
        body = await as_(who)(f"{{ dutyRecords(first: 50) {{ nodes {{ {FILES} }} }} }}")
        for r in body["data"]["dutyRecords"]["nodes"]:
            ids.update(pk(e["file"]["id"]) for e in r["evidenceFiles"])
        return ids

    # The district system reads the tree and compliance, not hazards or records: no file.
    assert await readable(w["reader"].subject, None) == set()
    assert await shown(w["reader"].subject) == set()
    # Another enterprise's principal: their own upload only.
    assert await readable(subject(w, "grocer"), w["grocer"].id) == {own.id}
    # The enterprise, its department head and the agency read every file attached at the
    # enterprise; the head also their own loose upload. The API shows the same attached files.
    for key in ("boss", "head", "expert"):
        mine = await readable(subject(w, key), w[key].id)
        assert mine & attached == attached == await shown(subject(w, key))
    assert await readable(subject(w, "head"), w["head"].id) == attached | {loose.id}
    assert own.id not in await readable(subject(w, "boss"), w["boss"].id)
    assert everything == attached | {own.id, loose.id}
