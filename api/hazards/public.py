"""The public tip-off endpoints (举报), which need no account:

    POST /public/tip-offs          {"parkId", "content", "location"?, "contact"?}
                                   → 201 {"trackingCode", "status"}; 400 with typed errors;
                                     429 with Retry-After past the rate limit
    GET  /public/tip-offs/{code}   → 200 {"trackingCode", "status"}; 404 for an unknown code

The answer never holds anything but the code and the status.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from strawberry import relay

from api.ids import try_decode_id
from domain.db import begin_write, utcnow
from domain.errors import DomainError
from domain.hazards import tipoffs


def _errors(exc: DomainError) -> JSONResponse:
    return JSONResponse(
        {
            "errors": [
                {
                    "code": e.code.value,
                    "field": list(e.field),
                    "message": e.message_zh,
                    "messageEn": e.message_en,
                }
                for e in exc.errors
            ]
        },
        status_code=400,
    )


def _park_id(raw: Any) -> int | None:
    if not isinstance(raw, str):
        return None
    try:
        return try_decode_id(relay.GlobalID.from_id(raw), "OrgUnit")
    except Exception:
        return None


async def submit(request: Request) -> JSONResponse:
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        return JSONResponse(
            {
                "errors": [
                    {
                        "code": "INVALID_VALUE",
                        "field": [],
                        "message": "请求体应为JSON对象",
                        "messageEn": "The body must be a JSON object",
                    }
                ]
            },
            status_code=400,
        )
    state = request.app.state
    address = request.client.host if request.client else "unknown"
    async with state.session_factory() as session:
        await begin_write(session)
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
        except tipoffs.RateLimited as exc:
            await session.rollback()
            return JSONResponse(
                {
                    "errors": [
                        {
                            "code": "RATE_LIMITED",
                            "field": [],
                            "message": "提交过于频繁，请稍后再试",
                            "messageEn": "Too many tip-offs; try again later",
                        }
                    ]
                },
                status_code=429,
                headers={"Retry-After": str(exc.retry_after)},
            )
        except DomainError as exc:
            await session.rollback()
            return _errors(exc)
        code = tip.tracking_code
        await session.commit()
    return JSONResponse(
        {"trackingCode": code, "status": tipoffs.PublicStatus.RECEIVED.value}, status_code=201
    )


async def status(request: Request) -> JSONResponse:
    code = request.path_params["code"]
    async with request.app.state.session_factory() as session:
        found = await tipoffs.public_status(session, code)
    if found is None:
        return JSONResponse(
            {
                "errors": [
                    {
                        "code": "NOT_FOUND",
                        "field": ["code"],
                        "message": "查询码不存在",
                        "messageEn": "Unknown tracking code",
                    }
                ]
            },
            status_code=404,
        )
    return JSONResponse({"trackingCode": code.strip().upper(), "status": found.value})
