"""The dossier's download: `GET /dossiers/{id}/{fileName}?expires=…&signature=…`, as
compliance reports' (api/scoring/reports.py) with these terms:

- The signature is HMAC-SHA256, keyed with SECRET_KEY, over a context of its own, the
  dossier's id, the expiry (Unix seconds) and the subject that asked (the row's
  `created_by`). It is the credential: a browser follows the link without a bearer token.
- It is valid for FILE_LINK_SECONDS from the request, and only while that subject may still
  read the unit's duties (a right withdrawn since stops it). A bad signature, an expired
  link or a withdrawn right: 403 with a JSON error; an unknown dossier or a file name not its
  own: 404. The archive is read from the blob store and checked against its SHA-256; a
  missing or corrupt one is a 503 in the API's shape, never served.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.errors import endpoint_error_entry
from api.ids import MAX_ROW_ID
from api.scoring.reports import unix_now
from api.settings import ApiSettings
from authz.catalogue import Action, Resource
from domain.dossier.models import AccountabilityDossier as DossierRow
from domain.dossier.signing import ALGORITHM, SigningKey, platform_key
from domain.files.stores import BlobCorrupt, BlobMissing
from domain.tree.models import OrgUnit

SIGNATURE_CONTEXT = b"accountability-dossier/v1"
# Who may ask for a unit's dossier, and fetch it: those who may read its duties there.
RIGHT = (Resource.DUTY, Action.READ)


def signing_key(settings: ApiSettings) -> SigningKey:
    configured = settings.dossier_signing_key
    return platform_key(settings.secret_key, configured.get_secret_value() if configured else None)


def sign(secret: str, dossier_id: int, expires: int, subject: str) -> str:
    parts = [SIGNATURE_CONTEXT, str(dossier_id).encode(), str(expires).encode(), subject.encode()]
    return hmac.new(secret.encode(), b"\n".join(parts), hashlib.sha256).hexdigest()


def download_path(row: DossierRow, expires: int, signature: str) -> str:
    return f"/dossiers/{row.id}/{quote(row.file_name, safe='')}?expires={expires}&signature={signature}"


def _refusal(status: int, code: str, zh: str, en: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [endpoint_error_entry(code, zh, en)]},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def _not_found() -> JSONResponse:
    return _refusal(404, "NOT_FOUND", "材料包不存在", "No such dossier")


_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(row: DossierRow) -> str:
    """`attachment` with an ASCII fallback name and the real (Chinese) one per RFC 5987."""
    stem = _ASCII_UNSAFE.sub("_", row.file_name.rsplit(".", 1)[0]).strip("_")
    return f"attachment; filename=\"dossier_{stem}.zip\"; filename*=UTF-8''{quote(row.file_name, safe='')}"


async def public_key(request: Request) -> Response:
    """GET /public/signing-key: the platform's public signing key, without credentials (as
    `platformSigningKey`), for whoever must verify a dossier and has no account."""
    key = signing_key(request.app.state.settings)
    return JSONResponse(
        {"algorithm": ALGORITHM, "keyId": key.key_id, "publicKeyPem": key.public_pem()},
        headers={"Cache-Control": "public, max-age=300"},
    )


async def download(request: Request) -> Response:
    """GET /dossiers/{dossier_id}/{file_name}?expires=<unix>&signature=<hex>."""
    state = request.app.state
    raw_id = request.path_params["dossier_id"]
    if not (raw_id.isascii() and raw_id.isdigit()) or not 0 < int(raw_id) <= MAX_ROW_ID:
        return _not_found()
    expires_raw = request.query_params.get("expires", "")
    given = request.query_params.get("signature", "")
    async with state.session_factory() as session:
        row = await session.get(DossierRow, int(raw_id))
        if row is None or row.file_name != request.path_params["file_name"]:
            return _not_found()
        valid = expires_raw.isascii() and expires_raw.isdigit() and len(expires_raw) <= 12
        expires = int(expires_raw) if valid else 0
        expected = sign(state.settings.secret_key, row.id, expires, row.created_by)
        if not valid or not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
            return _refusal(403, "INVALID_SIGNATURE", "下载链接无效", "The download link is not valid")
        if unix_now(state) > expires:
            return _refusal(
                403,
                "LINK_EXPIRED",
                "下载链接已过期，请重新申请",
                "The download link has expired; request it again",
            )
        unit = await session.get(OrgUnit, row.unit_id)
        await state.authority.ensure_loaded(session)
        allowed = unit is not None and state.authority.enforce(
            row.created_by, RIGHT[0].value, RIGHT[1].value, unit.path, state.clock()
        )
        if not allowed:
            return _refusal(
                403,
                "FORBIDDEN",
                "申请人已无权查看该单位的履职职责",
                "Whoever asked for the dossier may no longer read the unit's duties",
            )
        sha256, disposition = row.sha256, content_disposition(row)
    try:
        content = await state.file_store.get(sha256)
    except (BlobMissing, BlobCorrupt):
        return _refusal(
            503,
            "FILE_UNAVAILABLE",
            "材料包文件缺失或已损坏，请重新申请",
            "The dossier's file is missing or corrupt; request it again",
        )
    return Response(
        content,
        media_type="application/zip",
        headers={
            "Content-Disposition": disposition,
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
