"""Errors written by graphql-core itself get the API's shape too."""

from __future__ import annotations

from graphql import GraphQLError

from api.error_shape import shape_errors


def test_a_field_error_without_a_code_is_an_internal_error_in_the_shape() -> None:
    error = GraphQLError("Cannot return null for non-nullable field Query.unit.", path=["unit"])
    (shaped,) = shape_errors(
        [error], validation_errors=set(), client_id_error=lambda _: False, hide_suggestions=True
    )
    assert shaped.message == "服务器内部错误"
    assert shaped.path == ["unit"]
    assert shaped.extensions == {
        "code": "INTERNAL_SERVER_ERROR",
        "messageEn": "Cannot return null for non-nullable field Query.unit.",
    }


def test_an_error_with_a_code_passes_unchanged() -> None:
    error = GraphQLError("已有", path=["x"], extensions={"code": "INVALID_CURSOR", "messageEn": "given"})
    assert shape_errors(
        [error], validation_errors=set(), client_id_error=lambda _: False, hide_suggestions=False
    ) == [error]
