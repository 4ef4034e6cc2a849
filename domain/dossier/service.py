"""Building an accountability dossier and keeping it.

`build` gathers the sections (`sections`, `ledger`), the evidence files (`evidence`) and the
chain's verification, and packs them (`archive`); `create` checks the period, builds, puts
the archive in the blob store (content-addressed, read back and checked by the store) and
writes its row. The caller has been authorized for the unit already (the API's guard);
every read here is further limited by the caller's `Visibility`.

The chain: `ChainCheck` is how the tamper-evident trail (audit entries and evidence rows
chained by hash) reports its heads and verification; its answer goes to chain.json and its
heads to the manifest, so a verifier sees the state of the trail the dossier was cut from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import record, snapshot
from domain.dossier import ledger, sections
from domain.dossier.archive import Packed, json_bytes, pack
from domain.dossier.evidence import Evidence, gather
from domain.dossier.ids import domain_ref, gid, iso, subject_ref
from domain.dossier.models import AccountabilityDossier
from domain.dossier.readme import readme
from domain.dossier.sections import Scope
from domain.dossier.signing import SigningKey
from domain.dossier.visibility import Visibility
from domain.errors import DomainError, ErrorCode
from domain.files.models import AttachmentSubject
from domain.files.stores import BlobStore
from domain.tree.models import OrgUnit

# A dossier covers at most three years (as the obligations query): the heaviest read there is.
MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class ChainState:
    """The trail's heads (by chain name: the last link's hash) and its verification, as
    `domain.chain` reports them; both JSON-ready."""

    heads: dict[str, Any]
    verification: dict[str, Any]


ChainCheck = Callable[[AsyncSession], Awaitable[ChainState]]


@dataclass(frozen=True)
class Built:
    """A dossier built, not yet kept: the archive and what its row says."""

    packed: Packed
    counts: dict[str, int]
    unit_id: int
    unit_path: str
    file_name: str
    start: date
    end: date
    key_id: str
    generated_at: datetime
    generated_by: Actor


def check_period(start: date, end: date) -> None:
    if end < start:
        raise DomainError.one(
            ErrorCode.INVALID_DATE_RANGE, "to", "结束日期早于开始日期", "`to` is before `from`"
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise DomainError.one(
            ErrorCode.PERIOD_TOO_LONG,
            "to",
            f"期间最长{MAX_PERIOD_DAYS}天",
            f"The period may be at most {MAX_PERIOD_DAYS} days",
        )


async def build(
    session: AsyncSession,
    store: BlobStore,
    *,
    scope: Scope,
    visibility: Visibility,
    generated_by: Actor,
    generated_at: datetime,
    platform_version: str,
    key: SigningKey,
    chain: ChainCheck,
    max_evidence_bytes: int,
) -> Built:
    """The dossier of `scope` as `visibility` lets the caller see it, packed and signed."""
    vis = visibility
    holders = await sections.holders(session, scope, vis)
    duty_lists = await sections.duty_lists(session, scope, vis)
    obligations, records = await sections.obligations(session, scope, vis)
    hazards, plans, hazard_entries = await ledger.hazards(session, scope, vis)
    exemptions, decisions = await ledger.exemptions(session, scope, vis)
    audit = await ledger.audit(session, scope, vis)
    evidence = await gather(
        session,
        store,
        {
            AttachmentSubject.RECORD: [r.id for r in records],
            AttachmentSubject.HAZARD: [h.id for h in hazards],
            AttachmentSubject.HAZARD_PLAN: [p.id for p in plans],
            AttachmentSubject.EXEMPTION: [r.id for r in exemptions],
        },
        max_bytes=max_evidence_bytes,
    )
    for h in hazards:
        hazard_entries[h.id]["files"] = evidence.of(AttachmentSubject.HAZARD, h.id)
    responsible = await sections.person_names(session, vis, (p.responsible_person_id for p in plans))
    for p in plans:
        hazard_entries[p.hazard_id]["plans"].append(
            ledger.plan_entry(p, responsible, evidence.of(AttachmentSubject.HAZARD_PLAN, p.id))
        )
    state = await chain(session)
    period = {"from": iso(scope.start), "to": iso(scope.end)}
    contents: dict[str, bytes] = {
        "holders.json": json_bytes({"period": period, **holders}),
        "duty_lists.json": json_bytes({"period": period, **duty_lists}),
        "obligations.json": json_bytes(
            {
                "period": period,
                "asOf": iso(scope.today),
                **obligations,
                "records": [
                    sections.record_entry(r, evidence.of(AttachmentSubject.RECORD, r.id)) for r in records
                ],
            }
        ),
        "hazards.json": json_bytes({"period": period, "hazards": [hazard_entries[h.id] for h in hazards]}),
        "exemptions.json": json_bytes(
            {
                "period": period,
                "exemptions": [
                    ledger.exemption_entry(
                        r, decisions.get(r.id), evidence.of(AttachmentSubject.EXEMPTION, r.id)
                    )
                    for r in exemptions
                ],
            }
        ),
        "audit.json": json_bytes({"period": period, "events": audit}),
        "chain.json": json_bytes({"heads": state.heads, "verification": state.verification}),
        "signing-key.pem": key.public_pem().encode("ascii"),
        **evidence.contents,
    }
    unit = scope.unit
    contents["README.txt"] = readme(
        unit_name=unit.name,
        unit_path=domain_ref(unit.path),
        start=period["from"] or "",
        end=period["to"] or "",
        generated_at=generated_at.isoformat(),
        generated_by=subject_ref(generated_by.subject),
        key_id=key.key_id,
    )
    header = {
        "unit": {
            "id": gid("OrgUnit", unit.id),
            "code": unit.code,
            "name": unit.name,
            "path": domain_ref(unit.path),
        },
        "period": period,
        "asOf": iso(scope.today),
        "generatedAt": generated_at.isoformat(),
        "generatedBy": subject_ref(generated_by.subject),
        "platformVersion": platform_version,
        "evidence": _evidence_summary(evidence),
        "chain": {"heads": state.heads, "verified": state.verification.get("ok")},
    }
    counts = {
        "posts": len(holders["posts"]),
        "assignments": sum(len(p["assignments"]) for p in holders["posts"]),
        "dutyLists": len(duty_lists["lists"]),
        "obligations": len(obligations["obligations"]),
        "records": len(records),
        "hazards": len(hazards),
        "exemptions": len(exemptions),
        "auditEvents": len(audit),
        "files": len(evidence.contents),
        "filesMissing": len(evidence.missing),
    }
    return Built(
        packed=pack(contents, header, key),
        counts=counts,
        unit_id=unit.id,
        unit_path=unit.path,
        file_name=file_name(unit, scope.start, scope.end),
        start=scope.start,
        end=scope.end,
        key_id=key.key_id,
        generated_at=generated_at,
        generated_by=generated_by,
    )


def _evidence_summary(evidence: Evidence) -> dict[str, Any]:
    return {"included": len(evidence.contents), "notIncluded": evidence.missing}


def file_name(unit: OrgUnit, start: date, end: date) -> str:
    """追责材料包_<unit code>_<from>_<to>.zip (one date: once)."""
    span = start.isoformat() if start == end else f"{start.isoformat()}_{end.isoformat()}"
    return f"追责材料包_{unit.code}_{span}.zip"


async def create(
    session: AsyncSession,
    store: BlobStore,
    *,
    unit: OrgUnit,
    start: date,
    end: date,
    today: date,
    visibility: Visibility,
    actor: Actor,
    generated_at: datetime,
    platform_version: str,
    key: SigningKey,
    chain: ChainCheck,
    max_evidence_bytes: int,
) -> AccountabilityDossier:
    """Check the period, build the dossier and keep it, in one transaction."""
    check_period(start, end)
    built = await build(
        session,
        store,
        scope=Scope(unit, start, end, today),
        visibility=visibility,
        generated_by=actor,
        generated_at=generated_at,
        platform_version=platform_version,
        key=key,
        chain=chain,
        max_evidence_bytes=max_evidence_bytes,
    )
    return await keep(session, store, built)


async def keep(session: AsyncSession, store: BlobStore, built: Built) -> AccountabilityDossier:
    """Put the archive in the store (read back and checked there) and write its row and
    audit entry. Only this writes: a caller may build while reading and keep in a short
    write transaction (the API does, so that a year's dossier does not hold SQLite's write
    gate while it is read together)."""
    packed = built.packed
    await store.put(packed.sha256, packed.archive, "application/zip")
    row = AccountabilityDossier(
        unit_id=built.unit_id,
        period_start=built.start,
        period_end=built.end,
        file_name=built.file_name,
        sha256=packed.sha256,
        size=len(packed.archive),
        manifest_sha256=packed.manifest_sha256,
        signature=packed.signature.hex(),
        key_id=built.key_id,
        created_by=built.generated_by.subject,
        created_at=built.generated_at,
    )
    session.add(row)
    await session.flush()
    # Handing out a dossier is audited: who asked for which unit and period, and its digests.
    fields = ("id", "unit_id", "period_start", "period_end", "file_name", "sha256", "size", "manifest_sha256",
              "key_id", "created_by")  # fmt: skip
    await record(
        session,
        action="dossier.create",
        target_type="AccountabilityDossier",
        target_id=row.id,
        domain=built.unit_path,
        after=snapshot(row, fields),
        actor=built.generated_by,
    )
    return row
