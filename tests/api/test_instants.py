"""Moments given as arguments must carry a UTC offset: one without is refused as bad input
naming the argument (never a server error), on the compiled read path and the resolvers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import factories as f

AUDIT = "query($since: DateTime, $until: DateTime) { auditEvents(since: $since, until: $until, first: 5) { totalCount } }"
SYNC = """query($d: ID!, $since: DateTime) {
  parkCompliance(districtId: $d, periodKind: MONTH, periodStart: "2026-10-01", changedSince: $since, first: 2) {
    totalCount } }"""
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _refused_argument(body: dict[str, Any], argument: str) -> None:
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["argument"] == argument, error
    assert _CJK.search(error["message"]) and "UTC offset" in error["extensions"]["messageEn"], error
    assert body.get("data") is None or all(v is None for v in body["data"].values()), body


@pytest.mark.parametrize("argument", ["since", "until"])
async def test_an_audit_window_without_an_offset_is_refused(gql: Any, argument: str) -> None:
    _refused_argument(await gql(AUDIT, {argument: "2025-03-01T08:00:00"}), argument)


async def test_an_audit_window_with_an_offset_is_answered(gql: Any) -> None:
    body = await gql(AUDIT, {"since": "2025-03-01T08:00:00+08:00", "until": "2999-01-01T00:00:00Z"})
    assert "errors" not in body, body
    assert body["data"]["auditEvents"]["totalCount"] >= 0


async def test_scores_changed_since_a_moment_without_an_offset_are_refused(gql: Any) -> None:
    body = await gql(SYNC, {"d": f.gid("OrgUnit", 999_999), "since": "2026-10-05T00:00:00"})
    _refused_argument(body, "changedSince")
