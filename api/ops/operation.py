"""The GraphQL operation a request ran, for metrics and traces."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension


class ObserveOperation(SchemaExtension):
    """Leaves the operation's name and type, and the codes of its mutation's userErrors, on the
    request (`request.state.graphql_operation`, read by `api.edge`), and, when traces
    are on, names the request's server span `<type> <name>` with the `graphql.operation.*`
    attributes (OpenTelemetry's GraphQL conventions)."""

    def on_operation(self) -> Iterator[None]:
        yield
        ctx = self.execution_context
        request = getattr(ctx.context, "request", None)
        if request is None:
            return
        try:
            kind: str | None = ctx.operation_type.value
        except Exception:  # no document, or no operation of the name asked for
            kind = None
        name = ctx.operation_name if kind else None
        user_codes: list[str] = []
        result = ctx.result
        if kind == "mutation" and result is not None and isinstance(result.data, dict):
            for payload in result.data.values():
                errors = payload.get("userErrors") if isinstance(payload, dict) else None
                for error in errors if isinstance(errors, list) else ():
                    if isinstance(error, dict) and isinstance(error.get("code"), str):
                        user_codes.append(error["code"])
        request.state.graphql_operation = (name, kind, user_codes)
        if kind is not None and getattr(request.app.state, "tracing", None) is not None:
            from api.ops.tracing import name_server_span

            name_server_span(kind, name)
