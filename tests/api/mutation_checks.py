"""Checks shared by the admin mutation tests: a snapshot of every table the mutations write,
and a refused mutation's one typed userError (Chinese and English), with nothing written.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

TABLES = ("org_unit", "person", "post", "post_charge", "assignment")
_CJK = re.compile(r"[\u4e00-\u9fff]")

Rows = dict[str, list[tuple[Any, ...]]]


async def snapshot(session: AsyncSession) -> Rows:
    """Every row of every table the mutations write, in id order."""
    rows: Rows = {}
    for table in TABLES:
        result = await session.execute(text(f"SELECT * FROM {table} ORDER BY id"))
        rows[table] = [tuple(r) for r in result.all()]
    return rows


def check_user_errors(errors: list[dict[str, Any]]) -> None:
    """Each error has a Chinese message and an English one."""
    for error in errors:
        assert _CJK.search(error["message"]), error
        assert error["messageEn"].strip() and not _CJK.search(error["messageEn"]), error


async def refused(
    gql: Any, session: AsyncSession, document: str, input: dict[str, Any], code: str, field: list[str]
) -> dict[str, Any]:
    """Run a one-mutation document that must fail with exactly one error, writing nothing."""
    before = await snapshot(session)
    body = await gql(document, {"input": input})
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    results = [value for key, value in payload.items() if key != "userErrors"]
    assert results == [None], payload
    errors: list[dict[str, Any]] = payload["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [(code, field)], errors
    check_user_errors(errors)
    assert await snapshot(session) == before
    return errors[0]
