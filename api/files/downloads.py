"""`GET /files/{id}/{variant}/{fileName}?expires=…&by=…&signature=…`: an evidence file (or
its thumbnail) through a signed link (`api.files.links`).

- A signature that does not match: 403 INVALID_SIGNATURE; a link past its expiry: 403
  LINK_EXPIRED; a signer who may no longer read the file: 403 FORBIDDEN. An unknown file, a
  variant that is not `original` or `thumbnail`, a thumbnail of a file without one, a file
  name not the file's own: 404 NOT_FOUND. Errors are JSON in the API's one shape, Chinese
  and English.
- The content is read from the store and checked against its SHA-256 first: an object
  missing from the store is 502 FILE_MISSING, one whose content no longer matches is 502
  FILE_CORRUPT (never served); a store that cannot be reached is 503 STORE_UNAVAILABLE
  with Retry-After.
- Served with the type sniffed at upload, `X-Content-Type-Options: nosniff`, a sandboxing
  Content-Security-Policy, a Content-Disposition carrying the name (RFC 5987 and an ASCII
  fallback; images and thumbnails `inline`, anything else `attachment`) and `ETag` = the
  SHA-256 (`If-None-Match` gets 304).
- Caching: the content under a link never changes and the link itself grants access, so a
  private cache (the browser's) may keep it until the link expires (`Cache-Control:
  private, max-age=<seconds left>`); shared caches may not (`private`). A new link (new
  query string) is a new cache entry, whose freshness the ETag answers without the body.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.files.links import SIGNATURE_CONTEXT, Variant, signer_of
from api.ids import MAX_ROW_ID
from api.signed_links import checked_expiry, content_disposition, refusal, unix_now
from authz.policy import parse_subject
from authz.visibility.files import readable_files
from domain.files.models import EvidenceFile
from domain.files.reading import file_by_id
from domain.files.sniff import is_image
from domain.files.stores import BlobCorrupt, BlobMissing, StoreUnavailable
from domain.files.thumbnails import THUMBNAIL_MEDIA_TYPE

log = logging.getLogger("api.files")


def _not_found() -> JSONResponse:
    return refusal(404, "NOT_FOUND", "文件不存在", "No such file")


def thumbnail_name(name: str) -> str:
    """What a thumbnail is saved as: the file's name, marked, as JPEG."""
    stem, dot, _ = name.rpartition(".")
    return f"{stem if dot else name}_缩略图.jpg"


def _signer(request: Request, file_id: int, variant: Variant) -> str | JSONResponse:
    """The subject the link was signed for, or the refusal of a bad or expired link."""
    state = request.app.state
    subject = signer_of(request.query_params.get("by", ""))
    checked = checked_expiry(
        state, request.query_params, SIGNATURE_CONTEXT, [file_id, variant.value], subject
    )
    if isinstance(checked, JSONResponse):
        return checked
    assert subject is not None  # a link without a signer has no valid signature
    return subject


async def download(request: Request) -> Response:
    """GET /files/{file_id}/{variant}/{file_name}?expires=<unix>&by=<signer>&signature=<hex>."""
    state = request.app.state
    raw_id = request.path_params["file_id"]
    if not (raw_id.isascii() and raw_id.isdigit()) or not 0 < int(raw_id) <= MAX_ROW_ID:
        return _not_found()
    try:
        variant = Variant(request.path_params["variant"])
    except ValueError:
        return _not_found()
    file_id = int(raw_id)
    async with state.session_factory() as session:
        exists = await session.get(EvidenceFile, file_id)
        if exists is None or exists.name != request.path_params["file_name"]:
            return _not_found()
        subject = _signer(request, file_id, variant)
        if not isinstance(subject, str):
            return subject
        # The signer's reach today: a right withdrawn since the signing stops the link.
        parsed = parse_subject(subject)
        person_id = parsed[1] if parsed is not None and parsed[0] == "person" else None
        await state.authority.ensure_loaded(session)
        reach = state.authority.reach(subject, person_id, state.clock())
        row = await file_by_id(session, file_id, readable_files(reach))
    if row is None:
        return refusal(
            403,
            "FORBIDDEN",
            "签发链接者已无权查看该文件",
            "Whoever the link was signed for may no longer read the file",
        )
    left = int(request.query_params["expires"]) - unix_now(state)
    if variant is Variant.THUMBNAIL and row.thumbnail_sha256 is None:
        return _not_found()
    sha256 = row.thumbnail_sha256 if variant is Variant.THUMBNAIL else row.sha256
    assert sha256 is not None
    media_type = THUMBNAIL_MEDIA_TYPE if variant is Variant.THUMBNAIL else row.media_type
    headers = {
        "ETag": f'"{sha256}"',
        "Cache-Control": f"private, max-age={left}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Content-Disposition": content_disposition(
            thumbnail_name(row.name) if variant is Variant.THUMBNAIL else row.name,
            inline=is_image(media_type),
        ),
    }
    if f'"{sha256}"' in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    try:
        content = await state.file_store.get(sha256)
    except BlobMissing:
        log.error(
            "evidence file %s (%s) is missing from the %s store", file_id, sha256, state.file_store.kind
        )
        return refusal(
            502, "FILE_MISSING", "文件内容在存储中缺失", "The file's content is missing from the store"
        )
    except BlobCorrupt:
        log.error("evidence file %s (%s) is corrupt in the %s store", file_id, sha256, state.file_store.kind)
        return refusal(
            502,
            "FILE_CORRUPT",
            "文件内容已损坏，未予提供",
            "The file's content in the store is corrupt; not served",
        )
    except StoreUnavailable:
        log.warning("file store unavailable serving evidence file %s", file_id, exc_info=True)
        retry_after = str(state.settings.retry_after_seconds)
        return refusal(
            503,
            "STORE_UNAVAILABLE",
            "文件存储暂不可用，请稍后重试",
            "The file store cannot be reached now; try again later",
            {"Retry-After": retry_after},
        )
    return Response(content, media_type=media_type, headers=headers)
