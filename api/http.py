"""The GraphQL endpoint: Strawberry's ASGI view, made to follow GraphQL-over-HTTP.

- `application/graphql-response+json` is answered when the client accepts it, and then a
  request that cannot run (unparsable, invalid, bad variables) gets HTTP 400.
- A mutation over GET gets 405 with `Allow: POST`.
- Protocol errors are JSON GraphQL errors, not plain text.
- The request's session is committed once, after execution and before the response is
  written; it is always closed.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from cross_web import HTTPException
from graphql import ExecutionResult
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema.exceptions import InvalidOperationTypeError

from api.context import Context
from domain.clock import today_shanghai

log = logging.getLogger("api.http")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


def wants_graphql_response(request: Request) -> bool:
    return GRAPHQL_RESPONSE_JSON in request.headers.get("accept", "")


class GraphQLView(GraphQL[Context, None]):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            headers = None
            if exc.status_code == 405:
                # GET was refused for a mutation (POST only); any other method for all.
                headers = {"Allow": "POST" if request.method == "GET" else "GET, POST"}
            response = JSONResponse(
                {"errors": [{"message": exc.reason}]},
                status_code=exc.status_code,
                headers=headers,
                media_type=GRAPHQL_RESPONSE_JSON if wants_graphql_response(request) else "application/json",
            )
        finally:
            ctx: Context | None = getattr(request.state, "gql_context", None)
            if ctx is not None:
                await ctx.session.close()
        await response(scope, receive, send)

    def encode_json(self, data: object) -> bytes:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        state = request.app.state
        ctx = Context(
            session=state.session_factory(),
            settings=state.settings,
            request_id=getattr(request.state, "request_id", "-"),
            today=today_shanghai(),
            request=request,
        )
        request.state.gql_context = ctx
        request.state.sub_response = response
        return ctx

    async def execute_single(self, request: Any, request_adapter: Any, **kwargs: Any) -> ExecutionResult:  # type: ignore[override]
        try:
            return await super().execute_single(request=request, request_adapter=request_adapter, **kwargs)
        except HTTPException as exc:
            # Only queries may travel over GET; anything else is the wrong method, not a bad request.
            if request_adapter.method == "GET" and isinstance(exc.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, exc.reason) from exc
            raise

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:  # type: ignore[override]
        data = await super().process_result(request, result)
        ctx: Context = request.state.gql_context
        try:
            async with ctx.db() as session:
                await session.commit()
        except Exception as exc:
            log.exception("commit failed (request %s)", ctx.request_id)
            raise HTTPException(500, f"服务器内部错误 — Unexpected error (request {ctx.request_id})") from exc
        if (
            wants_graphql_response(request)
            and result.data is None
            and result.errors
            and all(e.path is None for e in result.errors)
        ):
            request.state.sub_response.status_code = 400
        return data

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        request: Request | None = getattr(sub_response, "request", None)
        if request is not None and wants_graphql_response(request):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
        return response

    async def get_sub_response(self, request: Request) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.request = request  # type: ignore[attr-defined]
        return sub_response
