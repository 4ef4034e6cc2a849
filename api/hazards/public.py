"""The public tip-off endpoints (举报), which need no account:

    POST /public/tip-offs          {"parkId", "content", "location"?, "contact"?}
                                   → 201 {"trackingCode", "status"}; 400 with typed errors
                                     (text checked by `domain.text` first); 429 with
                                     Retry-After past the rate limit
                                   or the same fields as multipart/form-data with up to
                                     TIP_OFF_MAX_FILES files (`files`; images and PDF of at
                                     most TIP_OFF_FILE_MAX_BYTES each: `domain.files.tip_offs`)
    GET  /public/tip-offs/{code}   → 200 {"trackingCode", "status"}; 404 for an unknown code

A phone on a poor network may send the POST with an `Idempotency-Key` header (a fresh UUID
per tip-off): a retry with the same key gets the first answer (the same tracking code,
`Idempotent-Replayed: true`) and files nothing; the same key with other content is 422.
Keys of anonymous senders share one namespace, so they must be unguessable (a UUID).

Files are checked before anything is written, all of them: one bad file (empty, too
large, not an image or PDF, a name contradicting its content, an image that does not
decode) refuses the whole tip-off with its typed error at `files.<index>`, and nothing is
filed or stored. Accepted files are stored and recorded as anonymous uploads (uploader
`public`) and attached to the tip-off in its transaction; a file store that cannot take
them is 503 STORE_UNAVAILABLE with Retry-After, and nothing is filed.

The answer never holds anything but the code and the status. Errors have the API's one
shape (`api.errors`): `{"message": zh, "extensions": {"code", "messageEn", "field"}}`.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry import relay

from api.errors import ApiErrorCode, endpoint_error_entry
from api.files.tip_off_form import read_form
from api.idempotency import HEADER, MALFORMED, PendingKey, answer_for, refusal
from api.ids import try_decode_id
from api.multipart import MULTIPART
from domain.db import begin_write, utcnow
from domain.errors import DomainError, ErrorCode, FieldError
from domain.files.checking import UploadLimits
from domain.files.tip_offs import attach_to_tip_off, check_all
from domain.hazards import tipoffs
from domain.idempotency.service import StoredAnswer, find, fingerprint, keep, valid_key
from domain.text import rule_for, text_error
from domain.tree.models import OrgUnit

TEXT_FIELDS = ("content", "location", "contact")
# The namespace of anonymous senders' idempotency keys.
TIP_OFF_KEYS = "anonymous:tip-off"


def _errors(
    errors: list[FieldError], status: int = 400, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {
            "errors": [
                endpoint_error_entry(e.code.value, e.message_zh, e.message_en, list(e.field)) for e in errors
            ]
        },
        status_code=status,
        headers=headers,
    )


def _text_errors(body: dict[str, Any]) -> list[FieldError]:
    """The fields whose text `domain.text` refuses, checked before anything is read or written."""
    found = []
    for name in TEXT_FIELDS:
        value = body.get(name)
        error = text_error(value, rule_for(name)) if isinstance(value, str) else None
        if error is not None:
            found.append(FieldError(error.code, (name,), error.message_zh, error.message_en))
    return found


def _park_id(raw: Any) -> int | None:
    if not isinstance(raw, str):
        return None
    try:
        return try_decode_id(relay.GlobalID.from_id(raw), "OrgUnit")
    except Exception:
        return None


async def _read(request: Request) -> tuple[Any, list[tuple[str | None, bytes]]]:
    """The tip-off's fields (None if the body is not a JSON object) and its files."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media == MULTIPART:
        form = await read_form(request, request.app.state.settings.tip_off_max_files)
        return form.body, form.files
    try:
        return json.loads(await request.body()), []
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deeply
        return None, []


async def submit(request: Request) -> Response:
    try:
        body, files = await _read(request)
    except DomainError as exc:
        return _errors(exc.errors)
    if not isinstance(body, dict):
        return _errors(
            [
                FieldError(
                    ErrorCode.INVALID_VALUE,
                    (),
                    "请求体应为UTF-8编码的JSON对象",
                    "The body must be a JSON object in UTF-8",
                )
            ]
        )
    refused = _text_errors(body)
    if refused:
        return _errors(refused)
    state = request.app.state
    try:
        # Sniffing and decoding images is CPU work: off the event loop, before any write.
        prepared = await asyncio.to_thread(check_all, files, UploadLimits.tip_offs(state.settings))
    except DomainError as exc:
        return _errors(exc.errors)
    address = request.client.host if request.client else "unknown"
    key = request.headers.get(HEADER)
    if key is not None and not valid_key(key):
        return refusal(400, ApiErrorCode.INVALID_VALUE, *MALFORMED, "application/json")
    # Files count by their content: the same files again are the same request.
    identity = {**body, "files": [p.sha256 for p in prepared]} if prepared else body
    pending = PendingKey(TIP_OFF_KEYS, key, fingerprint(None, "submitTipOff", identity)) if key else None
    async with state.session_factory() as session:
        await begin_write(session)
        if pending is not None:
            found = await find(session, pending.subject, pending.key, utcnow())
            if found is not None:
                await session.rollback()
                return answer_for(found, pending, "application/json")
        try:
            tip = await tipoffs.submit_tip_off(
                session,
                park_id=_park_id(body.get("parkId")),
                content=body.get("content") if isinstance(body.get("content"), str) else None,
                location=body.get("location") if isinstance(body.get("location"), str) else None,
                contact=body.get("contact") if isinstance(body.get("contact"), str) else None,
                address=address,
                secret=state.settings.secret_key,
                now=utcnow(),
            )
            if prepared:
                park = await session.get(OrgUnit, tip.park_id)
                await attach_to_tip_off(
                    session,
                    state.file_store,
                    prepared,
                    tip_off_id=tip.id,
                    domain=park.path if park is not None else "/",
                    request_id=getattr(request.state, "request_id", None),
                )
        except tipoffs.RateLimited as exc:
            await session.rollback()
            return JSONResponse(
                {
                    "errors": [
                        endpoint_error_entry(
                            ApiErrorCode.RATE_LIMITED,
                            "提交过于频繁，请稍后再试",
                            "Too many tip-offs; try again later",
                        )
                    ]
                },
                status_code=429,
                headers={"Retry-After": str(exc.retry_after)},
            )
        except DomainError as exc:
            await session.rollback()
            if any(e.code is ErrorCode.STORE_UNAVAILABLE for e in exc.errors):
                retry_after = str(state.settings.retry_after_seconds)
                return _errors(exc.errors, 503, {"Retry-After": retry_after})
            return _errors(exc.errors)
        answer = JSONResponse(
            {"trackingCode": tip.tracking_code, "status": tipoffs.PublicStatus.RECEIVED.value},
            status_code=201,
        )
        if pending is not None:
            retention = timedelta(hours=state.settings.idempotency_retention_hours)
            stored = StoredAnswer(pending.fingerprint, 201, "application/json", bytes(answer.body))
            try:
                await keep(session, pending.subject, pending.key, stored, utcnow(), retention)
            except IntegrityError:  # the same key's first use committed meanwhile
                await session.rollback()
                found = await find(session, pending.subject, pending.key, utcnow())
                if found is None:
                    raise
                return answer_for(found, pending, "application/json")
        await session.commit()
    return answer


def _not_found() -> JSONResponse:
    return _errors([FieldError(ErrorCode.NOT_FOUND, ("code",), "查询码不存在", "Unknown tracking code")], 404)


async def status(request: Request) -> JSONResponse:
    code = request.path_params["code"]
    if text_error(code, rule_for("code")) is not None:
        return _not_found()
    async with request.app.state.session_factory() as session:
        found = await tipoffs.public_status(session, code)
    if found is None:
        return _not_found()
    return JSONResponse({"trackingCode": code.strip().upper(), "status": found.value})
