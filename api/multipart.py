"""File uploads on /graphql: the GraphQL multipart request spec
(jaydenseric/graphql-multipart-request-spec), with Strawberry's `Upload` scalar.

A POST of `multipart/form-data` carries, in this order, an `operations` field (the JSON
request: `query`, `variables` with `null` where each file goes, `operationName`), a `map`
field (a JSON object from each file part's name to the paths in `operations` it fills, e.g.
`{"0": ["variables.input.file"]}`) and the file parts. `parse` checks all of it: a missing
or non-JSON `operations` or `map`, a map entry naming no file part, a path that does not
start at `variables` or does not lead to a `null`, a file part no entry names, more files
than UPLOAD_MAX_FILES: 400 BAD_REQUEST. A multipart request may carry a mutation only
(`api.http`). Each file reaches the resolver as an `UploadedPart`, read into memory (the
edge has bounded the whole body already: `multipart_body_limit`).

CSRF. A `multipart/form-data` POST is a "simple" request: a page of any origin can make a
browser send one without a CORS preflight, which is why Strawberry leaves multipart off by
default and Apollo Server refuses multipart requests that lack a preflight-forcing header
(`Apollo-Require-Preflight` or `X-Apollo-Operation-Name`). The risk is ambient credentials
(cookies, HTTP auth) riding along. This API has none: every request that gets past
authentication carries `Authorization: Bearer …` or `X-API-Key`, headers a browser sends
cross-origin only after a preflight that `api.app`'s CORS layer answers for the configured
origins only; a multipart request without them is 401 (anonymous introspection is JSON
only). So no extra header is required: the credential header is the preflight-forcing one.
Should cookie sessions ever be added, this decision must be revisited.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, NewType

import graphql
import strawberry
from cross_web.request._starlette import StarletteRequestAdapter
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from strawberry.http import GraphQLRequestData

from api.protocol_errors import bad_request
from api.settings import ApiSettings
from domain.files.stores import sha256_hex

MULTIPART = "multipart/form-data"
# Form fields besides the files: `operations` and `map`.
MAX_FIELDS = 2


@dataclass(frozen=True)
class UploadedPart:
    """One file part of a multipart request, as the `Upload` scalar hands it to a resolver:
    the name the client gave, the type it claimed (never trusted), the bytes."""

    filename: str | None
    content_type: str | None
    data: bytes


class RequestAdapter(StarletteRequestAdapter):
    """Strawberry's adapter of a Starlette request, with the request itself at hand (the
    multipart parser reads its form with limits of its own)."""

    @property
    def request(self) -> Request:
        return self._request


def is_mutation_document(query: str | None, operation_name: str | None, max_tokens: int) -> bool:
    """The operation to run is a mutation. A document that does not parse (or has more than
    `max_tokens` tokens) or names no such operation is not judged here: execution answers it
    with its own request error."""
    if query is None:
        return False
    try:
        document = graphql.parse(query, no_location=True, max_tokens=max_tokens)
        operation = graphql.get_operation_ast(document, operation_name)
    except graphql.GraphQLError:
        return True
    return operation is None or operation.operation == graphql.OperationType.MUTATION


def _as_part(value: object) -> UploadedPart:
    if not isinstance(value, UploadedPart):
        raise ValueError(
            "an Upload is a file part of a multipart/form-data request (GraphQL multipart request spec)"
        )
    return value


def _not_output(value: object) -> object:
    raise ValueError("Upload is an input type only")


# The spec's `Upload` scalar, as Strawberry's (`strawberry.file_uploads.Upload`) but strict:
# only a file placed by `parse` coerces; a string or object in JSON variables is a variable
# error. The schema maps the type to the scalar (`api.schema`, `scalar_map`).
Upload = NewType("Upload", UploadedPart)
UPLOAD_SCALAR = strawberry.scalar(
    name="Upload",
    description="上传文件 — A file part of a multipart/form-data request (GraphQL multipart request "
    "spec): null in `operations`, filled from the part `map` names; input only",
    parse_value=_as_part,
    serialize=_not_output,
)


def multipart_body_limit(settings: ApiSettings) -> int:
    """The largest multipart body to /graphql: UPLOAD_MAX_FILES files of FILE_MAX_BYTES,
    plus MAX_BODY_BYTES for `operations`, `map` and the parts' headers."""
    return settings.upload_max_files * settings.file_max_bytes + settings.max_body_bytes


def tip_off_body_limit(settings: ApiSettings) -> int:
    """The largest multipart body to /public/tip-offs: TIP_OFF_MAX_FILES files of
    TIP_OFF_FILE_MAX_BYTES, plus MAX_BODY_BYTES for the fields and the parts' headers."""
    return settings.tip_off_max_files * settings.tip_off_file_max_bytes + settings.max_body_bytes


def _json_field(form: Mapping[str, Any], name: str) -> Any:
    value = form.get(name)
    if value is None:
        raise bad_request(f"multipart请求缺少 {name} 字段", f"The multipart request has no `{name}` field")
    if isinstance(value, UploadFile):
        raise bad_request(f"{name} 须为表单字段而非文件", f"`{name}` must be a form field, not a file")
    try:
        return json.loads(value)
    except (ValueError, RecursionError) as exc:
        raise bad_request(f"{name} 字段不是有效的JSON", f"The `{name}` field is not valid JSON") from exc


def _place(operations: dict[str, Any], path: str, part: UploadedPart) -> None:
    """Put `part` where `path` (dot-separated, from the operation's top) says: only under
    `variables`, and only where the client left a null."""
    keys = path.split(".")
    if len(keys) < 2 or keys[0] != "variables":
        raise bad_request(
            f"map 中的路径 {path} 须以 variables. 开头", f"The map path `{path}` must start with `variables.`"
        )
    target: Any = operations
    for key in keys[:-1]:
        target = _step(target, key, path)
    last = keys[-1]
    if isinstance(target, dict) and last in target and target[last] is None:
        target[last] = part
    elif (
        isinstance(target, list) and last.isdigit() and int(last) < len(target) and target[int(last)] is None
    ):
        target[int(last)] = part
    else:
        raise bad_request(
            f"map 中的路径 {path} 在 operations 中不指向 null",
            f"The map path `{path}` does not lead to a null in `operations`",
        )


def _step(target: Any, key: str, path: str) -> Any:
    if isinstance(target, dict) and key in target:
        return target[key]
    if isinstance(target, list) and key.isdigit() and int(key) < len(target):
        return target[int(key)]
    raise bad_request(
        f"map 中的路径 {path} 在 operations 中不存在", f"The map path `{path}` is not in `operations`"
    )


async def parse(request: Request, max_files: int) -> dict[str, Any]:
    """The operation of a multipart request, its files in place (see the module's contract)."""
    try:
        form = await request.form(max_files=max_files, max_fields=MAX_FIELDS)
    except StarletteHTTPException as exc:  # malformed, or over the part counts
        raise bad_request(
            f"multipart请求体无法解析：只能有 operations、map 和至多{max_files}个文件",
            f"The multipart body cannot be parsed: {exc.detail} (it may hold `operations`, `map` and at "
            f"most {max_files} files)",
        ) from exc
    operations = _json_field(form, "operations")
    files_map = _json_field(form, "map")
    if isinstance(operations, list):
        raise bad_request("不支持批量请求", "Batching is not enabled")
    if not isinstance(operations, dict):
        raise bad_request("operations 须为JSON对象", "`operations` must be a JSON object")
    valid_map = isinstance(files_map, dict) and all(
        isinstance(paths, list) and paths and all(isinstance(p, str) for p in paths)
        for paths in files_map.values()
    )
    if not valid_map:
        raise bad_request(
            "map 须为JSON对象，每项为路径字符串的非空数组",
            "`map` must be a JSON object whose values are non-empty arrays of path strings",
        )
    parts = {key: value for key, value in form.multi_items() if isinstance(value, UploadFile)}
    missing = sorted(set(files_map) - set(parts))
    if missing:
        raise bad_request(
            f"map 中的 {', '.join(missing)} 没有对应的文件",
            f"The map entries {', '.join(missing)} name no file part",
        )
    unnamed = set(parts) - set(files_map)
    if unnamed:
        raise bad_request(
            f"文件 {', '.join(sorted(unnamed))} 未在 map 中出现",
            f"The file part(s) {', '.join(sorted(unnamed))} are not in `map`",
        )
    for key, paths in files_map.items():
        upload = parts[key]
        part = UploadedPart(upload.filename, upload.content_type, await upload.read())
        for path in paths:
            _place(operations, path, part)
    return operations


def _fingerprintable(value: Any) -> Any:
    if isinstance(value, UploadedPart):
        return {"upload": sha256_hex(value.data), "filename": value.filename}
    if isinstance(value, dict):
        return {k: _fingerprintable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fingerprintable(v) for v in value]
    return value


def fingerprintable(data: GraphQLRequestData) -> GraphQLRequestData:
    """The request with each file as its SHA-256 and name: what an Idempotency-Key's
    fingerprint is taken over (the same files again are the same request)."""
    return replace(data, variables=_fingerprintable(data.variables))
