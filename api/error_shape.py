"""GraphQL errors that graphql-core and Strawberry write (parse, validation, variables,
unparsable IDs) put into the API's one shape: `message` Chinese, `extensions.code` and
`extensions.messageEn` (their English text). Errors that have a code already (ours) pass
unchanged.

- a syntax error (or a document over the token limit) → GRAPHQL_PARSE_FAILED;
- an error found while validating (rules, depth, aliases) → GRAPHQL_VALIDATION_FAILED;
- any other error outside a field (variables that do not coerce) → BAD_USER_INPUT;
- a global ID argument that does not parse → INVALID_ID;
- any other error of a field (graphql-core's "Cannot return null for non-nullable field")
  → INTERNAL_SERVER_ERROR, its English text kept in `messageEn`.

With `hide_suggestions` (introspection off), "Did you mean …?" is cut from every message:
it would tell a caller the names of fields, types and values it cannot look up.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from graphql import GraphQLError, GraphQLSyntaxError

from api.errors import ApiErrorCode, error_entry

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")

_ZH = {
    ApiErrorCode.GRAPHQL_PARSE_FAILED: "GraphQL文档有语法错误",
    ApiErrorCode.GRAPHQL_VALIDATION_FAILED: "GraphQL文档未通过校验",
    ApiErrorCode.BAD_USER_INPUT: "变量或参数的值无效",
    ApiErrorCode.INVALID_ID: "ID无效",
    ApiErrorCode.INTERNAL_SERVER_ERROR: "服务器内部错误",
}


def _code_of(
    error: GraphQLError, validation_errors: set[int], client_id_error: Callable[[GraphQLError], bool]
) -> ApiErrorCode:
    if client_id_error(error):
        return ApiErrorCode.INVALID_ID
    if error.path is not None:
        # A field's error that no one gave a code: graphql-core's own, such as a null for a
        # non-null field — our fault, not the client's (masked errors have their code).
        return ApiErrorCode.INTERNAL_SERVER_ERROR
    if isinstance(error, GraphQLSyntaxError) or isinstance(error.original_error, GraphQLSyntaxError):
        return ApiErrorCode.GRAPHQL_PARSE_FAILED
    if id(error) in validation_errors:
        return ApiErrorCode.GRAPHQL_VALIDATION_FAILED
    return ApiErrorCode.BAD_USER_INPUT


def shape_errors(
    errors: list[GraphQLError],
    *,
    validation_errors: set[int],
    client_id_error: Callable[[GraphQLError], bool],
    hide_suggestions: bool,
) -> list[GraphQLError]:
    shaped: list[GraphQLError] = []
    for error in errors:
        if (error.extensions or {}).get("code"):
            shaped.append(error)
            continue
        code = _code_of(error, validation_errors, client_id_error)
        english = error.message
        if hide_suggestions:
            english = _SUGGESTION.sub("", english)
        extensions = {**(error.extensions or {}), **error_entry(code, _ZH[code], english)["extensions"]}
        shaped.append(
            GraphQLError(
                _ZH[code],
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                original_error=error.original_error,
                extensions=extensions,
            )
        )
    return shaped
