"""Protocol (HTTP) errors of the GraphQL endpoint in the API's one shape.

Our own checks raise `ProtocolError`, which carries its code and both messages. Strawberry
raises plain `HTTPException`s with an English reason; `protocol_error` gives those their code
and a Chinese message (by reason where known, by status otherwise).
"""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.errors import ApiErrorCode, error_entry


class ProtocolError(HTTPException):
    def __init__(self, status: int, code: ApiErrorCode, message_zh: str, message_en: str) -> None:
        super().__init__(status, message_en)
        self.code = code
        self.message_zh = message_zh


def bad_request(message_zh: str, message_en: str) -> ProtocolError:
    return ProtocolError(400, ApiErrorCode.BAD_REQUEST, message_zh, message_en)


_BY_STATUS: dict[int, tuple[ApiErrorCode, str]] = {
    400: (ApiErrorCode.BAD_REQUEST, "请求格式不正确"),
    404: (ApiErrorCode.NOT_FOUND, "未找到"),
    405: (ApiErrorCode.METHOD_NOT_ALLOWED, "不支持该请求方法"),
    406: (ApiErrorCode.NOT_ACCEPTABLE, "无法以所要求的媒体类型应答"),
    413: (ApiErrorCode.PAYLOAD_TOO_LARGE, "请求体过大"),
    415: (ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, "不支持的请求体类型"),
}

# Strawberry's reasons (0.341) and what they say in Chinese.
_STRAWBERRY_REASONS: dict[str, str] = {
    "Unable to parse request body as JSON": "请求体不是有效的JSON",
    "No GraphQL query found in the request": "请求中没有GraphQL查询（query）",
    **{
        f"The GraphQL operation's `{key}` must be {kind} or null, if provided.": f"{key} 须为{zh}或null"
        for key, kind, zh in (
            ("query", "a string", "字符串"),
            ("variables", "an object", "对象"),
            ("extensions", "an object", "对象"),
        )
    },
    "Batching is not enabled": "不支持批量请求",
    "GraphQL only supports GET and POST requests.": "仅支持GET和POST请求",
    "Unsupported content type": "不支持的请求体类型",
}


def protocol_error(exc: HTTPException) -> dict[str, Any]:
    """The error entry for a refused request."""
    if isinstance(exc, ProtocolError):
        return error_entry(exc.code, exc.message_zh, exc.reason)
    code, zh = _BY_STATUS.get(exc.status_code, (ApiErrorCode.BAD_REQUEST, "请求格式不正确"))
    if exc.reason in _STRAWBERRY_REASONS:
        zh = _STRAWBERRY_REASONS[exc.reason]
    elif exc.status_code == 405:
        zh = "GET请求只能执行查询；变更请用POST"
    return error_entry(code, zh, exc.reason)


async def routing_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such path, a method a route does not take) in the one
    shape, instead of its plain-text bodies."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        entry = error_entry(ApiErrorCode.NOT_FOUND, "未找到", "Not Found")
    elif exc.status_code == 405:
        entry = error_entry(ApiErrorCode.METHOD_NOT_ALLOWED, "不支持该请求方法", "Method Not Allowed")
    else:
        code, zh = _BY_STATUS.get(exc.status_code, (ApiErrorCode.BAD_REQUEST, "请求格式不正确"))
        entry = error_entry(code, zh, str(exc.detail))
    return JSONResponse({"errors": [entry]}, status_code=exc.status_code, headers=exc.headers)
