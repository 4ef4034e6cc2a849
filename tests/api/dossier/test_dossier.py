"""Accountability dossiers through HTTP: the archive matches what the API answers the same
caller for the same unit and period (obligations, holders, hazards, field by field), its
manifest verifies with the published key, its files are there with their bytes; callers
outside the unit's reach are told it is not found; links expire and follow the right."""

from __future__ import annotations

import hashlib
import io
import json
import time
import zipfile
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import SHANGHAI, today_shanghai
from domain.dossier.archive import MANIFEST, SIGNATURE
from domain.dossier.evidence import archive_path
from domain.dossier.ids import domain_ref
from domain.dossier.models import AccountabilityDossier
from domain.dossier.signing import verifies
from domain.files.stores import BlobStore
from tests import factories as f
from tests.api.dossier import answers
from tests.api.helpers import refused, reload
from tests.domain.audit.chain_helpers import tamper
from tests.domain.dossier.world import AFTER, NOTE_PDF, PHOTO, PLAN_PDF, dossier_world
from tests.factories import gid

TODAY = f.TODAY
START, END = "2026-10-01", "2026-11-22"


async def world(app: Any, session: AsyncSession, store: BlobStore) -> dict[str, Any]:
    w = await dossier_world(session, store)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    return w


async def fetch(http: Any, dossier: dict[str, Any]) -> dict[str, bytes]:
    response = await http.get(dossier["downloadUrl"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "private, no-store"
    assert hashlib.sha256(response.content).hexdigest() == dossier["sha256"]
    assert len(response.content) == dossier["size"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        return {name: z.read(name) for name in z.namelist()}


def section(entries: dict[str, bytes], name: str) -> Any:
    return json.loads(entries[name])


def projected(entry: dict[str, Any], keys: dict[str, Any]) -> dict[str, Any]:
    """The dossier's entry cut to the fields the API's answer has (nested lists too)."""
    out: dict[str, Any] = {}
    for key, sub in keys.items():
        value = entry[key]
        out[key] = [projected(v, sub) for v in value] if isinstance(sub, dict) else value
    return out


async def matches_the_api(who: Any, entries: dict[str, bytes], unit: str) -> None:
    """Field by field: obligations, each post's holders and duties, the hazard ledger."""
    assert section(entries, "obligations.json")["obligations"] == await answers.obligations(
        who, unit, START, END
    )
    posts = section(entries, "holders.json")["posts"]
    for post in posts:
        api = await answers.post_holders(who, post["id"], START, END)
        assert {k: v for k, v in post.items() if k != "archivedAt"} == api
    for duties in section(entries, "duty_lists.json")["postDuties"]:
        assert duties["duties"] == await answers.post_duties(who, duties["post"], END)
    api_hazards = await answers.hazards(who, unit, START, END)
    shape: dict[str, Any] = {k: None for k in api_hazards[0]} if api_hazards else {}
    shape.update(
        history={k: None for k in ("id", "kind", "fromState", "toState", "note", "createdAt")},
        plans={
            k: None
            for k in (
                "id",
                "measures",
                "funds",
                "deadline",
                "contingencyPlan",
                "createdAt",
                "responsiblePerson",
            )
        },
        notices={k: None for k in ("id", "kind", "createdAt")},
    )
    assert [projected(h, shape) for h in section(entries, "hazards.json")["hazards"]] == api_hazards


async def test_the_dossier_matches_the_api_and_verifies(
    app: Any, session: AsyncSession, as_: Any, http: Any, file_store: BlobStore
) -> None:
    w = await world(app, session, file_store)
    admin = as_(f"person:{w['admin'].id}")
    park = gid("OrgUnit", w["park"].id)
    dossier = await answers.request(admin, park, **{"from": START, "to": END})
    assert (dossier["from"], dossier["to"], dossier["unit"]["id"]) == (START, END, park)
    assert dossier["fileName"] == f"追责材料包_{w['park'].code}_{START}_{END}.zip"
    entries = await fetch(http, dossier)

    # Signed by the platform: the published key verifies the manifest's exact bytes.
    key = (await admin(answers.KEY))["data"]["platformSigningKey"]
    published = await http.get("/public/signing-key")  # the same, without credentials
    assert published.status_code == 200 and published.json() == {k: key[k] for k in published.json()}
    assert set(published.json()) == {"algorithm", "keyId", "publicKeyPem"}
    assert key["algorithm"] == "Ed25519" and key["keyId"] == dossier["keyId"]
    assert verifies(key["publicKeyPem"], entries[MANIFEST], entries[SIGNATURE])
    assert entries[SIGNATURE].hex() == dossier["signature"]
    assert hashlib.sha256(entries[MANIFEST]).hexdigest() == dossier["manifestSha256"]
    manifest = json.loads(entries[MANIFEST])
    for e in manifest["entries"]:
        assert hashlib.sha256(entries[e["path"]]).hexdigest() == e["sha256"]
    assert {e["path"] for e in manifest["entries"]} == set(entries) - {MANIFEST, SIGNATURE}
    assert manifest["generatedBy"] == gid("Person", w["admin"].id)
    assert manifest["unit"]["path"] == domain_ref(w["park"].path)

    await matches_the_api(admin, entries, park)
    holders = section(entries, "holders.json")["posts"]
    assert sum(len(p["assignments"]) for p in holders) >= 3
    assert len(section(entries, "hazards.json")["hazards"]) >= 4
    obligations = section(entries, "obligations.json")["obligations"]
    assert {o["status"] for o in obligations} >= {"DONE_ON_TIME", "MISSED", "NOT_APPLICABLE"}
    assert any(o["onTimeRecords"] for o in obligations), "the records that count are named"

    # The files of records, hazards, plans and exemptions, with their bytes.
    for content, media in ((PHOTO, "image/jpeg"), (AFTER, "image/jpeg"), (PLAN_PDF, "application/pdf"),
                           (NOTE_PDF, "application/pdf")):  # fmt: skip
        assert entries[archive_path(hashlib.sha256(content).hexdigest(), media)] == content
    records = section(entries, "obligations.json")["records"]
    (inspection,) = [r for r in records if r["id"] == gid("DutyRecord", w["inspection"].id)]
    assert [entries[x["path"]] for x in inspection["files"]] == [PHOTO]

    # The trail: verified, and its heads in the signed manifest.
    chain = section(entries, "chain.json")
    assert chain["verification"]["ok"] is True and chain["verification"]["chains"]
    assert manifest["chain"] == {"heads": chain["heads"], "verified": True}
    assert chain["heads"]["audit_event"]["length"] > 0

    # Kept: the archive in the store under its hash, the row unchanged.
    assert await file_store.get(dossier["sha256"]) == (await http.get(dossier["downloadUrl"])).content


async def test_one_date_and_narrower_reach(
    app: Any, session: AsyncSession, as_: Any, http: Any, file_store: BlobStore
) -> None:
    """A district reader reads duties but no records or hazards: its dossier is its API."""
    w = await world(app, session, file_store)
    reader = as_(w["reader"].subject)
    park = gid("OrgUnit", w["park"].id)
    dossier = await answers.request(reader, park, **{"from": START, "to": END})
    entries = await fetch(http, dossier)
    await matches_the_api(reader, entries, park)
    assert section(entries, "hazards.json")["hazards"] == []
    assert not any(p.startswith("files/") for p in entries)
    one_day = await answers.request(reader, park, asOf="2026-11-19")
    assert (one_day["from"], one_day["to"]) == ("2026-11-19", "2026-11-19")
    assert one_day["fileName"].endswith("_2026-11-19.zip")


async def test_outside_reach_is_not_found_and_nothing_is_kept(
    app: Any, session: AsyncSession, as_: Any, http: Any, file_store: BlobStore
) -> None:
    w = await dossier_world(session, file_store)
    other = await f.district(session, name="另一区（演示）")
    stranger = await f.make_client(session, name="外区系统（演示）", kind="DISTRICT_SYSTEM", unit_id=other.id)
    await f.grant_role(session, stranger.subject, "district_reader", other.id)
    inspector = await f.person(session, name="机构检查员（演示）")
    await f.contracted_agency(
        session, inspector, w["chem"], date(2026, 1, 1), date(2026, 12, 31), code="HT-01"
    )
    await reload(app, session)
    app.state.clock = lambda: TODAY
    park = gid("OrgUnit", w["park"].id)
    period = {"from": START, "to": END}
    for who in (as_(f"person:{w['outsider'].id}"), as_(stranger.subject), as_(f"person:{inspector.id}")):
        refused(
            await who(answers.REQUEST, {"input": {"unitId": park, **period}}),
            "NOT_FOUND",
            ["input", "unitId"],
        )
    missing = gid("OrgUnit", 999999)
    refused(await as_(f"person:{w['admin'].id}")(answers.REQUEST, {"input": {"unitId": missing, **period}}),
            "NOT_FOUND", ["input", "unitId"])  # fmt: skip
    assert await session.scalar(select(func.count()).select_from(AccountabilityDossier)) == 0
    # The agency asks for the enterprise it serves: allowed, and what it sees there only.
    chem = gid("OrgUnit", w["chem"].id)
    agency = as_(f"person:{inspector.id}")
    entries = await fetch(http, await answers.request(agency, chem, **period))
    await matches_the_api(agency, entries, chem)
    assert section(entries, "hazards.json")["hazards"], "the agency reads the enterprise's hazards"


async def test_bad_periods_are_typed_errors(
    app: Any, session: AsyncSession, as_: Any, file_store: BlobStore
) -> None:
    w = await world(app, session, file_store)
    admin = as_(f"person:{w['admin'].id}")
    park = gid("OrgUnit", w["park"].id)

    async def ask(**input: str) -> dict[str, Any]:
        result: dict[str, Any] = await admin(answers.REQUEST, {"input": {"unitId": park, **input}})
        return result

    refused(await ask(**{"from": END, "to": START}), "INVALID_DATE_RANGE", ["input", "to"])
    refused(await ask(**{"from": "2020-01-01", "to": END}), "PERIOD_TOO_LONG", ["input", "to"])
    refused(await ask(**{"from": START}), "REQUIRED", ["input", "to"])
    refused(await ask(**{"from": START, "to": END, "asOf": END}), "INVALID_VALUE", ["input", "asOf"])


async def test_links_expire_and_follow_the_right(
    app: Any, session: AsyncSession, as_: Any, http: Any, file_store: BlobStore
) -> None:
    w = await dossier_world(session, file_store)
    temp = await f.person(session, name="临时查阅人（演示）")
    await f.grant_role(session, f"person:{temp.id}", "district_reader", w["park"].id, end=TODAY)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    now = int(time.time())
    app.state.link_clock = lambda: now
    park = gid("OrgUnit", w["park"].id)
    dossier = await answers.request(as_(f"person:{temp.id}"), park, asOf="2026-11-19")
    url = dossier["downloadUrl"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert int(query["expires"]) == now + 900

    def refused_link(response: Any, status: int, code: str) -> None:
        assert response.status_code == status, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == code

    assert (await http.get(url)).status_code == 200
    sig = query["signature"]
    refused_link(
        await http.get(url.replace(sig, ("0" if sig[0] != "0" else "1") + sig[1:])), 403, "INVALID_SIGNATURE"
    )
    refused_link(
        await http.get(url.replace("/dossiers/", "/dossiers/9").replace("/9", "/99", 1)), 404, "NOT_FOUND"
    )
    app.state.link_clock = lambda: now + 901
    refused_link(await http.get(url), 403, "LINK_EXPIRED")
    app.state.link_clock = lambda: now
    app.state.clock = lambda: TODAY + timedelta(days=1)
    refused_link(await http.get(url), 403, "FORBIDDEN")


async def test_a_lost_archive_is_not_served(
    app: Any, session: AsyncSession, as_: Any, http: Any, file_store: BlobStore, tmp_path: Any
) -> None:
    w = await world(app, session, file_store)
    dossier = await answers.request(as_(f"person:{w['admin'].id}"), gid("OrgUnit", w["park"].id), asOf=END)
    for path in tmp_path.rglob(dossier["sha256"] + "*"):
        path.write_bytes(b"not the archive")
    response = await http.get(dossier["downloadUrl"])
    assert (
        response.status_code == 503
        and response.json()["errors"][0]["extensions"]["code"] == "FILE_UNAVAILABLE"
    )


async def test_a_tampered_row_shows_in_the_next_dossier(
    app: Any, session: AsyncSession, as_: Any, http: Any, file_store: BlobStore
) -> None:
    w = await world(app, session, file_store)
    admin = as_(f"person:{w['admin'].id}")
    park = gid("OrgUnit", w["park"].id)
    await tamper(
        session,
        "duty_record",
        "UPDATE duty_record SET title = :t WHERE id = :id",
        t="改过",
        id=w["inspection"].id,
    )
    await session.commit()
    entries = await fetch(http, await answers.request(admin, park, asOf=END))
    chain = section(entries, "chain.json")["verification"]
    assert chain["ok"] is False
    (broken,) = [c for c in chain["chains"] if not c["ok"]]
    assert broken["firstBroken"]["reason"] == "ROW_CHANGED"
    assert broken["firstBroken"]["rowKey"] == str(w["inspection"].id)
    assert json.loads(entries[MANIFEST])["chain"]["verified"] is False


async def test_the_audit_entries_of_the_period_match_the_api(
    app: Any, session: AsyncSession, as_: Any, http: Any, file_store: BlobStore
) -> None:
    """Audit entries carry the wall clock's instants: a period around the real today."""
    w = await world(app, session, file_store)
    admin = as_(f"person:{w['admin'].id}")
    park = gid("OrgUnit", w["park"].id)
    await answers.request(admin, park, asOf=END)  # audited now
    day = today_shanghai()
    start = day - timedelta(days=1)
    entries = await fetch(
        http, await answers.request(admin, park, **{"from": start.isoformat(), "to": day.isoformat()})
    )
    events = section(entries, "audit.json")["events"]
    assert "dossier.create" in {e["action"] for e in events}
    since = datetime.combine(start, datetime.min.time(), SHANGHAI).isoformat()
    until = datetime.combine(day + timedelta(days=1), datetime.min.time(), SHANGHAI).isoformat()
    keys = ("id", "at", "action", "targetType", "domain", "before", "after", "requestId")
    mine = [{k: e[k] for k in keys} for e in events]
    theirs = await answers.audit(admin, domain_ref(w["park"].path), since, until)
    for e in mine + theirs:
        e["at"] = datetime.fromisoformat(e["at"])
    # The API also lists the second request's own entry, written after its dossier was built.
    assert theirs[-1]["action"] == "dossier.create" and theirs[-1] not in mine
    assert mine == theirs[:-1]
