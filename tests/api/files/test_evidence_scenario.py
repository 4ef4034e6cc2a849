"""The issue's "done when", through HTTP: an agency's inspector uploads two photos (the
GraphQL multipart request spec), records an inspection with both and reports a hazard with
one; the enterprise's principal (the rectifier) uploads the "after" photo and attaches it as
RECTIFIED; the department head (the verifier) sees both photos on the hazard, FOUND and
RECTIFIED, and fetches each through its signed download link, bytes as uploaded; a district
system without the right to the enterprise's hazards gets neither: no hazard, no file, no
link, and a link signed for the verifier re-pointed at itself is refused.

Runs on whatever store the `file_store` fixture gives (the folder's conftest reruns it on
the S3 store)."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from domain.files.stores import sha256_hex
from tests.api.files.world import ERRORS, TODAY, subject, world
from tests.api.helpers import ok, reload
from tests.factories import gid

UPLOAD = f"""mutation($input: UploadEvidenceFileInput!) {{
  uploadEvidenceFile(input: $input) {{ file {{ id sha256 size mediaType }} {ERRORS} }}
}}"""

FILES = "evidenceFiles { stage file { id sha256 downloadUrl } }"


def _photo(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="PNG")
    return out.getvalue()


async def _upload(who: Any, name: str, data: bytes) -> dict[str, Any]:
    operations = {"query": UPLOAD, "variables": {"input": {"file": None}}}
    response = await who.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (name, data, "image/png")},
        headers=who.headers,
    )
    assert response.status_code == 200, response.text
    file: dict[str, Any] = ok(response.json())["file"]
    assert file["sha256"] == sha256_hex(data) and file["mediaType"] == "image/png"
    return file


async def test_an_inspection_s_photos_from_upload_to_verification(
    app: Any, session: AsyncSession, as_: Any, http: httpx.AsyncClient
) -> None:
    w = await world(session)
    await reload(app, session)
    app.state.clock = lambda: TODAY
    expert, boss, head = (as_(subject(w, k)) for k in ("expert", "boss", "head"))
    reader = as_(w["reader"].subject)

    # The inspector: two photos, an inspection with both, a hazard with the first.
    before_bytes, detail_bytes, after_bytes = (
        _photo((200, 40, 40)),
        _photo((40, 40, 200)),
        _photo((40, 200, 40)),
    )
    before = await _upload(expert, "配电箱-整改前.png", before_bytes)
    detail = await _upload(expert, "配电箱-细节.png", detail_bytes)
    record = ok(
        await expert(
            f"mutation($input: RecordPerformanceInput!) {{ recordPerformance(input: $input) {{ record {{ id {FILES} }} {ERRORS} }} }}",
            {
                "input": {
                    "kind": "INSPECTION",
                    "performedOn": "2026-05-20",
                    "title": "季度安全检查（演示）",
                    "unitIds": [gid("OrgUnit", w["chem"].id)],
                    "files": [before["id"], detail["id"]],
                }
            },
        )
    )["record"]
    assert [e["file"]["id"] for e in record["evidenceFiles"]] == [before["id"], detail["id"]]
    hazard = ok(
        await expert(
            f"mutation($input: ReportHazardInput!) {{ reportHazard(input: $input) {{ hazard {{ id {FILES} }} {ERRORS} }} }}",
            {
                "input": {
                    "unitId": gid("OrgUnit", w["chem"].id),
                    "categoryId": gid("HazardCategory", w["categories"][w["general"]]),
                    "grade": "GENERAL",
                    "title": "配电箱未上锁（演示）",
                    "description": "二号车间配电箱箱门未上锁",
                    "source": "INSPECTION",
                    "recordId": record["id"],
                    "foundOn": "2026-05-20",
                    "files": [before["id"]],
                }
            },
        )
    )["hazard"]
    hid = hazard["id"]
    assert [(e["stage"], e["file"]["id"]) for e in hazard["evidenceFiles"]] == [("FOUND", before["id"])]

    # The rectifier: confirmed by the department, rectified, the "after" photo attached.
    move = "mutation($input: TransitionHazardInput!) { transitionHazard(input: $input) { hazard { state } userErrors { code field message messageEn } } }"
    ok(await head(move, {"input": {"hazardId": hid, "action": "CONFIRM"}}))
    ok(
        await boss(
            move, {"input": {"hazardId": hid, "action": "START_RECTIFICATION", "deadline": "2026-06-20"}}
        )
    )
    after = await _upload(boss, "配电箱-整改后.png", after_bytes)
    attach = "mutation($input: AttachEvidenceFilesInput!) { attachEvidenceFiles(input: $input) { attachments { stage } userErrors { code field message messageEn } } }"
    made = ok(await boss(attach, {"input": {"subject": hid, "files": [after["id"]], "stage": "RECTIFIED"}}))
    assert made["attachments"] == [{"stage": "RECTIFIED"}]
    ok(await boss(move, {"input": {"hazardId": hid, "action": "SUBMIT_RECTIFICATION"}}))

    # The verifier sees both and fetches both, as uploaded.
    read = f"query($id: ID!) {{ node(id: $id) {{ ... on Hazard {{ state {FILES} }} }} }}"
    seen = (await head(read, {"id": hid}))["data"]["node"]
    assert seen["state"] == "RECTIFIED"
    assert [(e["stage"], e["file"]["id"]) for e in seen["evidenceFiles"]] == [
        ("FOUND", before["id"]),
        ("RECTIFIED", after["id"]),
    ]
    links = [e["file"]["downloadUrl"] for e in seen["evidenceFiles"]]
    for url, content in zip(links, (before_bytes, after_bytes), strict=True):
        assert url
        response = await http.get(url)  # the link is the credential: no token
        assert response.status_code == 200, response.text
        assert response.content == content

    # The district system reads no hazards: no hazard, no file, no link of its own.
    assert (await reader(read, {"id": hid}))["data"]["node"] is None
    for file in (before, after):
        found = await reader(
            "query($id: ID!) { evidenceFile(id: $id) { id downloadUrl } node(id: $id) { id } }",
            {"id": file["id"]},
        )
        assert found["data"] == {"evidenceFile": None, "node": None}
    refused = await reader(attach, {"input": {"subject": hid, "files": [after["id"]], "stage": "VERIFIED"}})
    assert [e["code"] for e in refused["data"]["attachEvidenceFiles"]["userErrors"]] == ["NOT_FOUND"]
    # The verifier's link, re-signed in the reader's name, is no link at all.
    for url in links:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        query["by"] = gid("ServiceClient", w["reader"].id)
        response = await http.get(f"{parts.path}?{urlencode(query)}")
        assert response.status_code == 403
