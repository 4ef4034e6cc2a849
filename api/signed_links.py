"""Signed, expiring download links: the one contract of compliance reports (`/reports/…`),
evidence files (`/files/…`) and accountability dossiers (`/dossiers/…`).

- The signature is HMAC-SHA256, keyed with SECRET_KEY, over a context naming the kind of
  link and what the link grants: the object, its variant where it has one, the expiry (Unix
  seconds) and the subject it was signed for. The link is the credential: a browser (an
  <img> tag, a download) follows it without a bearer token, so whoever holds a link may use
  it until it expires; links are short-lived for that reason.
- A link is signed only for what its caller may read at the time of signing, and each
  endpoint re-checks the signer's right on the day the link is followed (403 FORBIDDEN
  when it was withdrawn since).
- A signature that does not match: 403 INVALID_SIGNATURE; a link past its expiry: 403
  LINK_EXPIRED. Refusals are JSON in the API's one shape, Chinese and English, never cached.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse

from api.errors import endpoint_error_entry
from api.ids import MAX_ROW_ID
from authz.catalogue import Action, Resource
from domain.tree.models import OrgUnit

_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def unix_now(state: Any) -> int:
    """Wall-clock seconds for links; tests pin `app.state.link_clock`."""
    clock = getattr(state, "link_clock", None) or time.time
    return int(clock())


def sign(secret: str, context: bytes, parts: Sequence[str | int]) -> str:
    """The signature of a link of kind `context` granting `parts` (the last being the expiry
    and the subject, by convention)."""
    message = b"\n".join([context, *(str(part).encode() for part in parts)])
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def refusal(
    status: int, code: str, zh: str, en: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"errors": [endpoint_error_entry(code, zh, en)]},
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def checked_expiry(
    state: Any, query: Mapping[str, str], context: bytes, grants: Sequence[str | int], subject: str | None
) -> int | JSONResponse:
    """The link's expiry when its `signature` is the one for `grants`, its `expires` and
    `subject`, and it has not expired; the refusal otherwise. Compared in constant time, on
    bytes (a str with non-ASCII characters cannot be compared so)."""
    expires_raw = query.get("expires", "")
    given = query.get("signature", "")
    valid = expires_raw.isascii() and expires_raw.isdigit() and len(expires_raw) <= 12
    expires = int(expires_raw) if valid else 0
    expected = sign(state.settings.secret_key, context, [*grants, expires, subject or ""])
    if (
        not valid
        or subject is None
        or not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))
    ):
        return refusal(403, "INVALID_SIGNATURE", "下载链接无效", "The download link is not valid")
    if unix_now(state) > expires:
        return refusal(
            403,
            "LINK_EXPIRED",
            "下载链接已过期，请重新获取",
            "The download link has expired; ask for a new one",
        )
    return expires


def content_disposition(name: str, *, inline: bool = False, fallback_prefix: str = "") -> str:
    """The disposition with an ASCII fallback name and the real (Chinese) one per RFC 5987."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    safe_stem = _ASCII_UNSAFE.sub("_", stem).strip("_") or "file"
    safe_ext = _ASCII_UNSAFE.sub("", ext)
    fallback = fallback_prefix + (f"{safe_stem}.{safe_ext}" if safe_ext else safe_stem)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


async def signed_unit_row(
    request: Request,
    model: type[Any],
    id_param: str,
    context: bytes,
    right: tuple[Resource, Action],
    not_found: tuple[str, str],
    withdrawn: tuple[str, str],
) -> Any:
    """The row a link of a unit's file (a report, a dossier: rows with `id`, `file_name`,
    `created_by` and `unit_id`) grants, or the refusal: 404 for an unknown row or a file name
    not its own, the link's own refusals, 403 FORBIDDEN when whoever asked may no longer
    exercise `right` at the unit. The row is read in a session of its own, closed on return."""
    state = request.app.state
    raw_id = request.path_params[id_param]
    if not (raw_id.isascii() and raw_id.isdigit()) or not 0 < int(raw_id) <= MAX_ROW_ID:
        return refusal(404, "NOT_FOUND", *not_found)
    async with state.session_factory() as session:
        row = await session.get(model, int(raw_id))
        if row is None or row.file_name != request.path_params["file_name"]:
            return refusal(404, "NOT_FOUND", *not_found)
        checked = checked_expiry(state, request.query_params, context, [row.id], row.created_by)
        if isinstance(checked, JSONResponse):
            return checked
        unit = await session.get(OrgUnit, row.unit_id)
        await state.authority.ensure_loaded(session)
        allowed = unit is not None and state.authority.enforce(
            row.created_by, right[0].value, right[1].value, unit.path, state.clock()
        )
        if not allowed:
            return refusal(403, "FORBIDDEN", *withdrawn)
        return row
