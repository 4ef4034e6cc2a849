"""The schema, composed from the areas' root types, and its execution extensions.

Limits (depth, aliases, tokens) are built once per schema so that the parser and
validation caches keep hitting: the same rule classes give the same cache key.

Errors: client errors (parse, validation, variables, limits, `BadInput`) are shown as they
are; unexpected errors in resolvers are masked and logged once, with the request id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import strawberry
from graphql import GraphQLError, OperationDefinitionNode
from graphql.validation import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as create_alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as create_depth_validator
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.relay.types import GlobalIDValueError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, get_object_definition

from api.access.mutations import AccessMutation
from api.access.queries import AccessQuery
from api.admin.mutations import AdminMutation
from api.admin.queries import AdminQuery
from api.audit.queries import EvidenceChainQuery
from api.compiled.executor import CompiledExecutionContext
from api.cost import RequestedNodesLimiter
from api.descriptions import describe_schema
from api.dossier.mutations import DossierMutation
from api.dossier.queries import DossierQuery
from api.duties.defaults import DistrictDefaultsMutation, DistrictDefaultsQuery
from api.duties.delegations import DelegationsMutation, DelegationsQuery
from api.duties.mutations import DutiesMutation
from api.duties.queries import DutiesQuery
from api.error_shape import shape_errors
from api.errors import ApiError, ApiErrorCode, error_entry
from api.extension_runner import PreparedExtensionsRunner
from api.files.attach_mutations import AttachEvidenceMutation
from api.files.mutations import FilesMutation
from api.files.queries import FilesQuery
from api.hazards.mutations import HazardsMutation
from api.hazards.queries import HazardsQuery
from api.labels import LabelsQuery
from api.multipart import UPLOAD_SCALAR, Upload
from api.node import (
    ACCESS_NODE_TYPES,
    ADMIN_NODE_TYPES,
    DUTY_NODE_TYPES,
    FILE_NODE_TYPES,
    HAZARD_NODE_TYPES,
    SCORING_NODE_TYPES,
    NodeQuery,
)
from api.ops.operation import ObserveOperation
from api.people.mutations import PeopleMutation
from api.people.queries import PeopleQuery
from api.people.types import Person
from api.posts.mutations import PostsMutation
from api.posts.queries import PostsQuery
from api.posts.types import Assignment, Post, PostCharge
from api.scoring.mutations import ScoringMutation
from api.scoring.queries import ScoringQuery
from api.scoring.reports import ReportsMutation
from api.settings import ApiSettings
from api.tasks.mutations import TasksMutation
from api.tasks.queries import TasksQuery
from api.text_checks import TextInputChecks, check_mutation_inputs
from api.tree.mutations import TreeMutation
from api.tree.queries import TreeQuery
from api.tree.trades import TradesQuery
from api.tree.types import OrgUnit
from api.unavailable import unavailable_error

log = logging.getLogger("api.graphql")

MASKED_MESSAGE_ZH = "服务器内部错误"
MASKED_MESSAGE_EN = "Unexpected error"
MASKED_MESSAGE = MASKED_MESSAGE_ZH


@strawberry.type(description="查询 — Entry points for reading")
class Query(
    NodeQuery,
    TreeQuery,
    PeopleQuery,
    PostsQuery,
    DutiesQuery,
    DelegationsQuery,
    HazardsQuery,
    TasksQuery,
    ScoringQuery,
    AccessQuery,
    AdminQuery,
    LabelsQuery,
    TradesQuery,
    DistrictDefaultsQuery,
    FilesQuery,
    EvidenceChainQuery,
    DossierQuery,
):
    pass


@strawberry.type(description="变更 — Entry points for changing; each takes one input and returns userErrors")
class Mutation(
    TreeMutation,
    PeopleMutation,
    PostsMutation,
    DutiesMutation,
    DelegationsMutation,
    DistrictDefaultsMutation,
    HazardsMutation,
    AttachEvidenceMutation,
    TasksMutation,
    ScoringMutation,
    ReportsMutation,
    DossierMutation,
    AccessMutation,
    AdminMutation,
    FilesMutation,
):
    pass


def is_client_id_error(error: GraphQLError) -> bool:
    """A global ID argument that does not parse (e.g. `5` for an `ID!`, which GraphQL
    itself accepts): the client's mistake, found while converting the field's arguments."""
    return isinstance(error.original_error, GlobalIDValueError)


def is_unexpected(error: GraphQLError) -> bool:
    """Errors raised by our code or libraries while resolving a field, other than the
    GraphQL errors we raise on purpose. Parse, validation and variable errors stay visible."""
    original = error.original_error
    return (
        error.path is not None
        and original is not None
        and not isinstance(original, GraphQLError)
        and not is_client_id_error(error)
    )


class MaskUnexpectedErrors(MaskErrors):
    """Masks unexpected errors, and gives every other error the API's shape (`api.error_shape`)."""

    def __init__(self, *, hide_suggestions: bool = False) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=MASKED_MESSAGE)
        self.hide_suggestions = hide_suggestions
        self.validation_errors: set[int] = set()

    def on_validate(self) -> Iterator[None]:
        yield
        # Every extension's on_validate has run: what is there now came from validation
        # (rules and limits); errors of the document's variables come later, in execution.
        self.validation_errors = {id(e) for e in self.execution_context.pre_execution_errors or ()}

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        return shape_errors(
            processed,
            validation_errors=self.validation_errors,
            client_id_error=is_client_id_error,
            hide_suggestions=self.hide_suggestions,
        )

    def _process_result(self, result: object) -> None:
        # Strawberry asks `isinstance(result, <a runtime-checkable Protocol>)`, which walks the
        # Protocol's members on every request (some 10 µs); reading the attribute says the same.
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None)
        settings = getattr(context, "settings", None)
        retry_after = settings.retry_after_seconds if settings is not None else 5
        unavailable = unavailable_error(error, retry_after, request_id)
        if unavailable is not None:
            return unavailable
        log.error(
            "unexpected error at %s (request %s)",
            ".".join(str(p) for p in error.path or []),
            request_id,
            exc_info=error.original_error,
        )
        return GraphQLError(
            MASKED_MESSAGE_ZH,
            nodes=error.nodes,
            path=error.path,
            extensions=error_entry(
                ApiErrorCode.INTERNAL_SERVER_ERROR, MASKED_MESSAGE_ZH, MASKED_MESSAGE_EN, requestId=request_id
            )["extensions"],
        )


class RequireOperationName(SchemaExtension):
    """GraphQL's GetOperation(): a document with several operations must name the one to run.

    Strawberry runs the first operation when no name is given (0.341.2); this refuses the
    document instead, after validation, as a request error. Strawberry keeps the name the
    client sent only in a private attribute."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        if not ctx.pre_execution_errors and document is not None and ctx._provided_operation_name is None:
            operations = sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
            if operations > 1:
                ctx.pre_execution_errors = [
                    ApiError(
                        ApiErrorCode.OPERATION_NOT_FOUND,
                        "文档含多个操作，须用 operationName 指明执行哪一个",
                        "Must provide operation name if query contains multiple operations.",
                    )
                ]
        yield


def _extensions(settings: ApiSettings) -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    rules: list[type[ASTValidationRule]] = [
        create_depth_validator(settings.max_query_depth, should_ignore=None),
        create_alias_validator(settings.max_aliases),
    ]
    introspection = settings.introspection
    max_tokens, max_nodes, page_cap = (
        settings.max_tokens,
        settings.max_requested_nodes,
        settings.max_page_size,
    )
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        # First, so that it sees the operation whatever the others do (metrics).
        ObserveOperation,
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: ParserCache(maxsize=512),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=512),
        # After validation and before anything that reads the operation (Strawberry's
        # `operation_name` falls back to the first one).
        RequireOperationName,
        # After validation and before execution: text arguments `domain.text` refuses.
        TextInputChecks,
        # After validation (it reads the validated document) and before execution.
        lambda: RequestedNodesLimiter(limit=max_nodes, page_cap=page_cap),
        # "Did you mean …?" names fields and types: not shown where introspection is off.
        lambda: MaskUnexpectedErrors(hide_suggestions=not introspection),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return extensions


class Schema(strawberry.Schema):
    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return PreparedExtensionsRunner(execution_context=execution_context, extensions=extensions)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Strawberry logs every error at ERROR level, client mistakes included and without the
        request id. Unexpected errors are logged instead by `MaskUnexpectedErrors` (in resolvers)
        and by the HTTP view (anywhere else), with the request id; client errors are not logged."""


def build_schema(settings: ApiSettings) -> strawberry.Schema:
    check_mutation_inputs(get_object_definition(Mutation, strict=True).fields)
    schema = Schema(
        query=Query,
        mutation=Mutation,
        types=[
            OrgUnit,
            Post,
            Person,
            Assignment,
            PostCharge,
            *DUTY_NODE_TYPES,
            *HAZARD_NODE_TYPES,
            *SCORING_NODE_TYPES,
            *ACCESS_NODE_TYPES,
            *ADMIN_NODE_TYPES,
            *FILE_NODE_TYPES,
        ],
        extensions=_extensions(settings),
        execution_context_class=CompiledExecutionContext,
        config=StrawberryConfig(scalar_map={Upload: UPLOAD_SCALAR}),
    )
    describe_schema(schema._schema)
    return schema


def schema_sdl() -> str:
    """The SDL published as schema.graphql; it does not depend on settings."""
    return build_schema(ApiSettings()).as_str() + "\n"
