"""Helpers of the evidence file tests: images made in memory, executables of a few bytes,
and multipart uploads per the GraphQL multipart request spec."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
from PIL import Image

from domain.files.stores import StoreUnavailable

UPLOAD = """mutation($input: UploadEvidenceFileInput!) {
  uploadEvidenceFile(input: $input) {
    file { id name sha256 size mediaType width height hasThumbnail anonymous uploadedAt
           uploadedBy { ... on Person { id } } downloadUrl thumbnailUrl }
    userErrors { code field message messageEn candidates } } }"""

FILE = """query($id: ID!) { node(id: $id) { ... on EvidenceFile { id name downloadUrl thumbnailUrl } } }"""


def image_bytes(
    size: tuple[int, int] = (640, 480), fmt: str = "JPEG", color: str = "teal", exif: Image.Exif | None = None
) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def elf_bytes() -> bytes:
    """A few bytes of an ELF header, padded: enough to be recognised as an executable."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 100


async def upload(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    name: str,
    data: bytes,
    content_type: str = "application/octet-stream",
) -> httpx.Response:
    operations = {"query": UPLOAD, "variables": {"input": {"file": None}}}
    return await http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (name, data, content_type)},
        headers=headers,
    )


async def uploaded(
    http: httpx.AsyncClient, headers: dict[str, str], name: str, data: bytes
) -> dict[str, Any]:
    """The payload of an upload (asserting HTTP 200)."""
    response = await upload(http, headers, name, data)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["uploadEvidenceFile"]
    return payload


async def two_people(app: Any, session: Any) -> tuple[Any, Any]:
    """Two people with no roles (each may read only their own uploads)."""
    from tests import factories
    from tests.api.helpers import reload

    first = await factories.person(session, name="测试甲", phone=None)
    second = await factories.person(session, name="测试乙", phone=None)
    await reload(app, session)
    return first, second


class FailingStore:
    """A store that cannot be reached."""

    kind = "failing"

    async def put(self, sha256: str, data: bytes, media_type: str) -> None:
        raise StoreUnavailable(sha256, "connection refused")

    async def get(self, sha256: str) -> bytes:
        raise StoreUnavailable(sha256, "connection refused")

    async def exists(self, sha256: str) -> bool:
        raise StoreUnavailable(sha256, "connection refused")

    async def close(self) -> None:
        return None
