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

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api import signed_links as links
from api.settings import ApiSettings
from authz.catalogue import Action, Resource
from domain.dossier.models import AccountabilityDossier as DossierRow
from domain.dossier.signing import ALGORITHM, SigningKey, platform_key
from domain.files.stores import BlobCorrupt, BlobMissing

SIGNATURE_CONTEXT = b"accountability-dossier/v1"
# Who may ask for a unit's dossier, and fetch it: those who may read its duties there.
RIGHT = (Resource.DUTY, Action.READ)


def signing_key(settings: ApiSettings) -> SigningKey:
    configured = settings.dossier_signing_key
    return platform_key(settings.secret_key, configured.get_secret_value() if configured else None)


def sign(secret: str, dossier_id: int, expires: int, subject: str) -> str:
    return links.sign(secret, SIGNATURE_CONTEXT, [dossier_id, expires, subject])


def download_path(row: DossierRow, expires: int, signature: str) -> str:
    return f"/dossiers/{row.id}/{quote(row.file_name, safe='')}?expires={expires}&signature={signature}"


def content_disposition(row: DossierRow) -> str:
    return links.content_disposition(row.file_name, fallback_prefix="dossier_")


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
    row = await links.signed_unit_row(
        request,
        DossierRow,
        "dossier_id",
        SIGNATURE_CONTEXT,
        RIGHT,
        ("材料包不存在", "No such dossier"),
        (
            "申请人已无权查看该单位的履职职责",
            "Whoever asked for the dossier may no longer read the unit's duties",
        ),
    )
    if isinstance(row, JSONResponse):
        return row
    sha256, disposition = row.sha256, content_disposition(row)
    try:
        content = await state.file_store.get(sha256)
    except (BlobMissing, BlobCorrupt):
        return links.refusal(
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
