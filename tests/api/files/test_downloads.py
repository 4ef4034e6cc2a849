"""Signed links to evidence files: signed only for readers, served with the stored type and
the SHA-256 as ETag; expired, tampered, unknown, and missing or corrupt content refused."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from domain.files.stores import BlobStore
from tests.api.files.uploading import FILE, FailingStore, image_bytes, pdf_bytes, two_people, uploaded
from tests.blobs import overwrite_blob, remove_blob
from tests.factories import gid


def _code(response: Any) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


async def test_the_uploader_downloads_the_file_and_its_thumbnail(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, _ = await two_people(app, session)
    data = image_bytes((1000, 400))
    file = (await uploaded(http, as_(f"person:{me.id}").headers, "隐患 现场.jpg", data))["file"]
    original = await http.get(file["downloadUrl"])  # no token: the link is the credential
    assert original.status_code == 200 and original.content == data
    assert original.headers["content-type"] == "image/jpeg"
    assert original.headers["x-content-type-options"] == "nosniff"
    assert original.headers["etag"] == f'"{file["sha256"]}"'
    assert original.headers["cache-control"].startswith("private, max-age=")
    assert (
        "filename*=UTF-8''%E9%9A%90%E6%82%A3%20%E7%8E%B0%E5%9C%BA.jpg"
        in original.headers["content-disposition"]
    )
    again = await http.get(file["downloadUrl"], headers={"If-None-Match": original.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    thumbnail = await http.get(file["thumbnailUrl"])
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumbnail.content)).size == (320, 128)


async def test_a_pdf_is_served_as_an_attachment(app: Any, session: AsyncSession, as_: Any, http: Any) -> None:
    me, _ = await two_people(app, session)
    file = (await uploaded(http, as_(f"person:{me.id}").headers, "报告.pdf", pdf_bytes()))["file"]
    response = await http.get(file["downloadUrl"])
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith('attachment; filename="file.pdf"')


async def test_a_link_may_be_shorter_lived_but_not_longer(
    app: Any, session: AsyncSession, as_: Any, http: Any, settings: Any
) -> None:
    me, _ = await two_people(app, session)
    caller = as_(f"person:{me.id}")
    file = (await uploaded(http, caller.headers, "a.jpg", image_bytes()))["file"]
    app.state.link_clock = lambda: 1_900_000_000
    query = "query($id: ID!, $s: Int) { node(id: $id) { ... on EvidenceFile { downloadUrl(expiresInSeconds: $s) } } }"
    short = await caller(query, {"id": file["id"], "s": 60})
    url = short["data"]["node"]["downloadUrl"]
    assert parse_qs(urlsplit(url).query)["expires"] == [str(1_900_000_060)]
    too_long = await caller(query, {"id": file["id"], "s": settings.file_link_seconds + 1})
    assert too_long["errors"][0]["extensions"]["code"] == "INVALID_VALUE"


async def test_an_expired_or_tampered_link_is_refused(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, other = await two_people(app, session)
    file = (await uploaded(http, as_(f"person:{me.id}").headers, "a.jpg", image_bytes()))["file"]
    url = file["downloadUrl"]
    path, query = url.split("?", 1)
    params = parse_qs(query)
    signature = params["signature"][0]
    tampered = url.replace(signature, ("0" if signature[0] != "0" else "1") + signature[1:])
    response = await http.get(tampered)
    assert response.status_code == 403 and _code(response) == "INVALID_SIGNATURE"
    assert response.json()["errors"][0]["message"] == "下载链接无效"
    later = url.replace(f"expires={params['expires'][0]}", f"expires={int(params['expires'][0]) + 3600}")
    assert _code(await http.get(later)) == "INVALID_SIGNATURE"
    signer = f"by={quote(params['by'][0], safe='')}"
    assert signer in url
    as_other = url.replace(signer, f"by={gid_of(other.id)}")
    assert _code(await http.get(as_other)) == "INVALID_SIGNATURE"
    thumbnail_signature = url.replace("/original/", "/thumbnail/")
    assert _code(await http.get(thumbnail_signature)) == "INVALID_SIGNATURE"
    assert _code(await http.get(path)) == "INVALID_SIGNATURE"
    app.state.link_clock = lambda: int(params["expires"][0]) + 1
    expired = await http.get(url)
    assert expired.status_code == 403 and _code(expired) == "LINK_EXPIRED"
    assert "expired" in expired.json()["errors"][0]["extensions"]["messageEn"]


def gid_of(person_id: int) -> str:
    return quote(gid("Person", person_id), safe="")


async def test_unknown_files_and_variants_are_not_found(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, _ = await two_people(app, session)
    file = (await uploaded(http, as_(f"person:{me.id}").headers, "报告.pdf", pdf_bytes()))["file"]
    url = file["downloadUrl"]
    file_id = url.split("/")[2]
    for wrong in (
        url.replace(f"/files/{file_id}/", "/files/999999/"),
        url.replace(f"/files/{file_id}/", "/files/x1/"),
        url.replace("/original/", "/preview/"),
        url.replace("/original/", "/thumbnail/"),  # a PDF has none (and the signature is not for it)
        url.replace("%E6%8A%A5%E5%91%8A.pdf", "other.pdf"),
    ):
        response = await http.get(wrong)
        assert response.status_code in (403, 404), wrong
        assert response.status_code == 404 or "/thumbnail/" in wrong


async def test_a_file_someone_else_uploaded_is_not_found_and_gets_no_link(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, other = await two_people(app, session)
    file = (await uploaded(http, as_(f"person:{me.id}").headers, "a.jpg", image_bytes()))["file"]
    mine = await as_(f"person:{me.id}")(FILE, {"id": file["id"]})
    assert mine["data"]["node"]["downloadUrl"].startswith("/files/")
    theirs = await as_(f"person:{other.id}")(FILE, {"id": file["id"]})
    assert theirs["data"]["node"] is None
    direct = await as_(f"person:{other.id}")(
        "query($id: ID!) { evidenceFile(id: $id) { id } }", {"id": file["id"]}
    )
    assert direct["data"]["evidenceFile"] is None


async def test_a_corrupt_or_missing_blob_is_reported_not_served(
    app: Any, session: AsyncSession, as_: Any, http: Any, file_store: BlobStore
) -> None:
    me, _ = await two_people(app, session)
    file = (await uploaded(http, as_(f"person:{me.id}").headers, "a.jpg", image_bytes()))["file"]
    overwrite_blob(file_store, file["sha256"], b"not the content that was stored")
    response = await http.get(file["downloadUrl"])
    assert response.status_code == 502 and _code(response) == "FILE_CORRUPT"
    assert b"not the content" not in response.content
    remove_blob(file_store, file["sha256"])
    missing = await http.get(file["downloadUrl"])
    assert missing.status_code == 502 and _code(missing) == "FILE_MISSING"


async def test_a_store_that_cannot_be_reached_is_503_with_retry_after(
    app: Any, session: AsyncSession, as_: Any, http: Any
) -> None:
    me, _ = await two_people(app, session)
    file = (await uploaded(http, as_(f"person:{me.id}").headers, "a.jpg", image_bytes()))["file"]
    app.state.file_store = FailingStore()
    response = await http.get(file["downloadUrl"])
    assert response.status_code == 503 and _code(response) == "STORE_UNAVAILABLE"
    assert response.headers["retry-after"]
