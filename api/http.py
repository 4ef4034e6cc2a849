"""The GraphQL endpoint: Strawberry's ASGI view, made to follow GraphQL-over-HTTP
(graphql/graphql-over-http, spec/GraphQLOverHTTP.md).

Media type: the response uses whichever of `application/graphql-response+json` and
`application/json` the Accept header ranks higher (a tie goes to the first if it is named);
`*/*`, `application/*` and a missing header mean `application/json`, for legacy clients.
An Accept header that allows neither gets 406. Bodies are UTF-8 and say so.

Status codes:
- Not a well-formed request (body not JSON, `query` missing or not a string, `variables` or
  `extensions` not an object, `operationName` not a string): 400. A POST body that is
  neither `application/json` in UTF-8 nor `multipart/form-data`: 415.
- File uploads: `multipart/form-data` per the GraphQL multipart request spec, for mutations
  only (a query or subscription sent so: 400), with a body limit of its own; `api.multipart`
  describes the format, its checks and why no CSRF header is required.
- A request error (the document does not parse or validate, its operation cannot be
  determined, its variables do not coerce, a limit refuses it): `errors` and no `data` entry;
  400 with `application/graphql-response+json`, 200 with `application/json`.
- An executed operation, field errors or not: 200.
- A mutation over GET: 405 with `Allow: POST`; a method other than GET and POST: 405 with
  `Allow: GET, POST`.
- Anything unexpected outside a resolver (an extension failing, the commit failing): 500 with
  the masked message and the request id; the traceback is logged with the request id.
  (Unexpected errors inside resolvers are masked by `api.schema.MaskUnexpectedErrors`.)

Protocol errors are JSON bodies with `errors`, never plain text, in the API's one shape
(`api.errors`): each has `extensions.code` (BAD_REQUEST, UNSUPPORTED_MEDIA_TYPE,
NOT_ACCEPTABLE, METHOD_NOT_ALLOWED, PAYLOAD_TOO_LARGE, UNAUTHENTICATED …) and `messageEn`.
A body that is not UTF-8 is a bad request (400); one over `MAX_BODY_BYTES` gets 413
(`api.body`). The request's session is opened on first use (none for a request that needs
no database); it is committed once, after execution and before the response is written, and
always closed: `api.unit_of_work` describes and implements that life.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import timedelta
from functools import lru_cache
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, parse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, async_base_view
from strawberry.http.parse_content_type import parse_content_type
from strawberry.http.types import QueryParams
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult

from api import multipart, unit_of_work
from api.context import Context
from api.error_shape import shape_errors
from api.errors import ApiError, ApiErrorCode, error_entry
from api.ide import page as ide_page
from api.idempotency import KeyedAnswer, RetryWholeRequest, check_key, keep_answer
from api.protocol_errors import ProtocolError, bad_request, protocol_error
from api.schema import MASKED_MESSAGE_EN, MASKED_MESSAGE_ZH
from api.unavailable import is_unavailable, unavailable_entry
from authz.credentials import AuthenticationError, Caller
from domain.dblimits import DatabaseFailure, database_failure

log = logging.getLogger("api.http")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"


@lru_cache(maxsize=256)
def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None if it allows neither of ours.

    Each of our types gets the quality of its most specific match (exact, `application/*`,
    `*/*`), as RFC 9110 §12.5.1 ranks them; q=0 means not acceptable."""
    if accept is None or not accept.strip():
        return APPLICATION_JSON
    ranges: dict[str, float] = {}
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges[media.lower()] = max(quality, ranges.get(media.lower(), 0.0))

    def quality_of(media: str) -> float:
        for key in (media, "application/*", "*/*"):
            if key in ranges:
                return ranges[key]
        return 0.0

    modern, legacy = quality_of(GRAPHQL_RESPONSE_JSON), quality_of(APPLICATION_JSON)
    if modern <= 0 and legacy <= 0:
        return None
    if modern > legacy or (modern == legacy and GRAPHQL_RESPONSE_JSON in ranges):
        return GRAPHQL_RESPONSE_JSON
    return APPLICATION_JSON


@lru_cache(maxsize=64)
def content_type_of(header: str) -> tuple[str, dict[str, str]]:
    """Strawberry's `parse_content_type` (through `email.message`, tens of microseconds) once
    per distinct Content-Type header. The result is shared: read it, never change it."""
    return parse_content_type(header)


# Strawberry's view parses the header again on every POST: it gets the cached parse too.
async_base_view.parse_content_type = content_type_of  # type: ignore[attr-defined]


def response_media_type(request: HTTPConnection) -> str:
    """The media type of this request's response; `application/json` when none is acceptable
    (the 406 that says so is itself JSON)."""
    return negotiate(request.headers.get("accept")) or APPLICATION_JSON


INTROSPECTION_FIELDS = frozenset({"__schema", "__type", "__typename"})


def is_ide_page(request: Request) -> bool:
    """A browser asking for the GraphiQL page (what Strawberry renders for such a GET)."""
    return (
        request.method == "GET"
        and "text/html" in request.headers.get("accept", "")
        and "query" not in request.query_params
    )


def credential_of(request: Request) -> str | None:
    """`Authorization: Bearer <token or API key>`, or `X-API-Key: <key>`."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    key = request.headers.get("x-api-key", "").strip()
    return key or None


async def is_introspection_only(request: Request) -> bool:
    """Every operation of the document selects only __schema, __type and __typename."""
    query: object = request.query_params.get("query")
    if request.method == "POST":
        try:
            body = json.loads(await request.body())
        except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deeply
            return False
        query = body.get("query") if isinstance(body, dict) else None
    if not isinstance(query, str):
        return False
    try:
        document = parse(query)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(
        isinstance(sel, FieldNode) and sel.name.value in INTROSPECTION_FIELDS
        for op in operations
        for sel in op.selection_set.selections
    )


def is_request_error(result: ExecutionResult) -> bool:
    """The operation did not run: every error is outside any field (parse, validation,
    operation, variables, limits)."""
    return result.data is None and bool(result.errors) and all(e.path is None for e in result.errors or ())


def unexpected_failure(result: ExecutionResult) -> BaseException | None:
    """An exception Strawberry caught outside any field (e.g. in an extension) and turned into
    an error without a location. Client errors always carry a location or are GraphQL errors."""
    for error in result.errors or ():
        original = error.original_error
        if (
            error.path is None
            and not error.nodes
            and original is not None
            and not isinstance(original, GraphQLError)
        ):
            return original
    return None


class GraphQLView(GraphQL[Context, None]):
    request_adapter_class = multipart.RequestAdapter

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Multipart requests (file uploads) are parsed by `parse_multipart` below
        # (api.multipart), not by Strawberry's own placeholder replacement.
        self.multipart_uploads_enabled = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        settings = request.app.state.settings
        try:
            try:
                # The whole request is bounded: a database that stops answering must not
                # hold a client (or a worker's connection) forever.
                async with asyncio.timeout(settings.request_timeout_seconds):
                    refused = await self.authenticate(request)
                    response = refused if refused is not None else await self.run(request)
            except KeyedAnswer as answered:
                response = answered.response
            except RetryWholeRequest as exc:
                response = self.unavailable_response(request, exc.kind)
            except HTTPException as exc:
                headers = None
                if exc.status_code == 405:
                    # GET was refused for a mutation (POST only); any other method for all.
                    headers = {"Allow": "POST" if request.method == "GET" else "GET, POST"}
                response = self.error_response(request, exc.status_code, protocol_error(exc), headers)
            except Exception as exc:
                response = self.failure_response(request, exc)
            except asyncio.CancelledError:
                # The server gave up on the request (it is stopping and the shutdown grace
                # is over; or the client left): nothing of it is committed. Say so in the
                # API's shape, retryable, rather than leave the server's plain 500.
                await self.send_stopping(request, scope, receive, send)
                raise
        finally:
            # Bounded: a connection cut off silently is dropped, not waited for.
            await unit_of_work.close(request)
            # The spooled files of a multipart form, if one was parsed.
            await request.close()
        await response(scope, receive, send)

    async def send_stopping(self, request: Request, scope: Scope, receive: Receive, send: Send) -> None:
        retry_after = str(request.app.state.settings.retry_after_seconds)
        entry = error_entry(
            ApiErrorCode.BUSY,
            "服务器正在停止，请求未完成，请稍后重试",
            "The server is stopping and did not finish the request; try again",
            retryAfter=int(retry_after),
        )
        response = self.error_response(request, 503, entry, {"Retry-After": retry_after})
        with contextlib.suppress(Exception):  # the client may be gone
            await response(scope, receive, send)

    def failure_response(self, request: Request, exc: Exception) -> Response:
        """A request that failed outside any field: 503 with Retry-After when the database
        could not serve it (or the request ran out of time), else a masked 500 whose
        traceback is logged with the request id."""
        request_id = getattr(request.state, "request_id", "-")
        kind = database_failure(exc)
        if kind is None and isinstance(exc, TimeoutError):
            kind = DatabaseFailure.TIMEOUT
        if kind is not None:
            log.warning("database %s serving GraphQL (request %s): %r", kind.value, request_id, exc)
            return self.unavailable_response(request, kind)
        log.exception("unexpected failure serving GraphQL (request %s)", request_id, exc_info=exc)
        error = error_entry(
            ApiErrorCode.INTERNAL_SERVER_ERROR, MASKED_MESSAGE_ZH, MASKED_MESSAGE_EN, requestId=request_id
        )
        return self.error_response(request, 500, error)

    def unavailable_response(self, request: Request, kind: DatabaseFailure) -> Response:
        """503 with Retry-After: the database could not serve the request; retry later."""
        retry_after = request.app.state.settings.retry_after_seconds
        entry = unavailable_entry(kind, retry_after, requestId=getattr(request.state, "request_id", "-"))
        return self.error_response(request, 503, entry, {"Retry-After": str(retry_after)})

    async def authenticate(self, request: Request) -> Response | None:
        """Resolve the caller (request.state.caller), or the 401 to answer with.

        The GraphiQL page is open (it holds no data; a token goes in its headers pane).
        Without credentials only an introspection-only document may run, and only where
        settings allow it."""
        state = request.app.state
        if is_ide_page(request):
            return None
        if not state.authority.loaded:
            await state.authority.ensure_loaded(unit_of_work.request_session(request))
        credential = credential_of(request)
        if credential is None:
            await unit_of_work.end_read(request, on_postgresql_too=True)
            if state.settings.allows_anonymous_introspection and await is_introspection_only(request):
                request.state.caller = None
                return None
            return self.unauthenticated(
                request,
                "Credentials are required: a bearer token or an API key",
                "需要身份凭证：令牌或API密钥",
            )
        # A person's token verified before: no database, no signature check.
        caller = state.authenticator.known(credential)
        if caller is not None:
            request.state.caller = caller
            await unit_of_work.end_read(request)
            return None
        try:
            session = unit_of_work.request_session(request)
            request.state.caller = await state.authenticator.authenticate(session, credential)
        except AuthenticationError as exc:
            return self.unauthenticated(request, exc.message_en, exc.message_zh, invalid=True)
        finally:
            await unit_of_work.end_read(request)
        return None

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our GraphiQL page (api/ide): local assets only, and how to sign in."""
        return await ide_page.render(request)

    def unauthenticated(self, request: Request, en: str, zh: str, *, invalid: bool = False) -> Response:
        challenge = 'Bearer realm="safety-duty"' + (', error="invalid_token"' if invalid else "")
        # `messageZh` repeats `message` for clients written when `message` was English:
        # deprecated.
        error = error_entry(ApiErrorCode.UNAUTHENTICATED, zh, en, messageZh=zh)
        return self.error_response(request, 401, error, {"WWW-Authenticate": challenge})

    def error_response(
        self, request: Request, status: int, error: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Response:
        return Response(
            self.encode_json({"errors": [error]}),
            status_code=status,
            headers=headers,
            media_type=f"{response_media_type(request)}; charset=utf-8",
        )

    def encode_json(self, data: object) -> bytes:
        # orjson: compact UTF-8, and the compiled path's pre-built JSON (orjson.Fragment)
        # written as it is.
        return orjson.dumps(data)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        state = request.app.state
        caller: Caller | None = getattr(request.state, "caller", None)
        request_id = getattr(request.state, "request_id", "-")
        ctx = Context(
            open_session=lambda: unit_of_work.request_session(request),
            settings=state.settings,
            request_id=request_id,
            today=state.clock(),
            authority=state.authority,
            caller=caller,
            request=request,
        )
        request.state.gql_context = ctx
        request.state.sub_response = response
        return ctx

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        try:
            return super().parse_query_params(params)
        except HTTPException as exc:
            # Strawberry's message speaks of a request body, which a GET does not have.
            raise bad_request(
                "variables 和 extensions 参数须为JSON",
                "The `variables` and `extensions` parameters must be JSON",
            ) from exc

    def decode_json(self, data: str | bytes) -> object:
        """JSON in UTF-8 (RFC 8259), refused with 400 otherwise, as is JSON nested too deeply
        for the parser."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError as exc:
            raise bad_request("请求体不是有效的UTF-8", "The request body is not valid UTF-8") from exc
        try:
            return json.loads(text)
        except RecursionError as exc:
            raise bad_request("请求体JSON嵌套过深", "The request body's JSON is nested too deeply") from exc

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        """Checks the request is one we can answer and is well-formed, beyond Strawberry's checks."""
        if negotiate(request.headers.get("accept")) is None:
            raise ProtocolError(
                406,
                ApiErrorCode.NOT_ACCEPTABLE,
                f"Accept 须允许 {GRAPHQL_RESPONSE_JSON} 或 {APPLICATION_JSON}",
                f"Accept must allow {GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}",
            )
        is_multipart = False
        if request.method == "POST":
            media, params = content_type_of(request.content_type or "")
            is_multipart = media == multipart.MULTIPART
            charset = params.get("charset", "utf-8").lower()
            is_json = media == APPLICATION_JSON and charset in ("utf-8", "utf8")
            if not (is_json or is_multipart):
                raise ProtocolError(
                    415,
                    ApiErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    f"请求体须为UTF-8编码的 {APPLICATION_JSON}（上传文件用 {multipart.MULTIPART}）",
                    f"The request body must be {APPLICATION_JSON} in UTF-8 "
                    f"({multipart.MULTIPART} for file uploads)",
                )
        data = await super().parse_http_body(request)
        if isinstance(data, list):  # batching is off, so Strawberry has refused lists already
            raise bad_request("不支持批量请求", "Batching is not enabled")
        if not isinstance(data.operation_name, str | None):
            raise bad_request(
                "operationName 须为字符串或null",
                "The GraphQL operation's `operationName` must be a string or null",
            )
        if data.operation_name == "":
            data.operation_name = None  # the spec makes an empty name the same as none
        if is_multipart:
            assert isinstance(request, multipart.RequestAdapter)
            max_tokens = request.request.app.state.settings.max_tokens
            if not multipart.is_mutation_document(data.query, data.operation_name, max_tokens):
                raise bad_request(
                    "multipart请求只能执行变更（上传文件）", "A multipart request may carry a mutation only"
                )
        return data

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, Any]:
        """The operation of a multipart request with its files in place (`api.multipart`)."""
        assert isinstance(request, multipart.RequestAdapter)
        starlette_request = request.request
        return await multipart.parse(starlette_request, starlette_request.app.state.settings.upload_max_files)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        await check_key(
            request, multipart.fingerprintable(request_data), f"{response_media_type(request)}; charset=utf-8"
        )
        try:
            return await super().execute_single(
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=request_data,
            )
        except HTTPException as exc:
            cause = exc.__cause__
            # Only queries may travel over GET; anything else is the wrong method, not a bad request.
            if request_adapter.method == "GET" and isinstance(cause, InvalidOperationTypeError):
                raise ProtocolError(
                    405, ApiErrorCode.METHOD_NOT_ALLOWED, "GET请求只能执行查询；变更请用POST", exc.reason
                ) from exc
            # No operation of that name: a GraphQL request error, answered like a validation error.
            if isinstance(cause, CannotGetOperationTypeError):
                error = ApiError(ApiErrorCode.OPERATION_NOT_FOUND, "文档中没有所指定的操作", exc.reason)
                return ExecutionResult(data=None, errors=[error])
            raise

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        failure = unexpected_failure(result)
        if failure is not None:
            raise failure  # logged and answered with 500 by __call__
        if result.errors:
            # Errors Strawberry returns without running the schema's extensions to the end (a
            # document that does not parse) get the API's shape here.
            result.errors = shape_errors(
                result.errors,
                validation_errors=set(),
                client_id_error=lambda _: False,
                hide_suggestions=not request.app.state.settings.introspection,
            )
        data = await super().process_result(request, result)
        ctx: Context = request.state.gql_context
        sub_response = request.state.sub_response
        request_error = is_request_error(result)
        if request_error:
            # GraphQL spec: a request error has no `data` entry, not even null.
            data.pop("data", None)
            if response_media_type(request) == GRAPHQL_RESPONSE_JSON:
                sub_response.status_code = 400
        unavailable = is_unavailable(result.errors) and not any((result.data or {}).values())
        if unavailable:
            # Nothing could be served, for the database could not: 503, retry later.
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = str(ctx.settings.retry_after_seconds)

        async def keep(session: AsyncSession) -> None:
            if ctx.wrote and not request_error and not unavailable:
                # The answer is kept under the request's Idempotency-Key (if any) in the
                # same transaction as its writes.
                await keep_answer(
                    request,
                    session,
                    errors=result.errors,
                    body=self.encode_json(data),
                    status=sub_response.status_code or 200,
                    media_type=f"{response_media_type(request)}; charset=utf-8",
                    retention=timedelta(hours=ctx.settings.idempotency_retention_hours),
                )

        await unit_of_work.commit(request, ctx, keep)
        return data

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{sub_response.media_type}; charset=utf-8"
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        # The media type the answer goes in, for `create_response` (which is not given the
        # request); the sub-response's own headers are already built and keep no trace of it.
        sub_response.media_type = response_media_type(request)
        return sub_response
