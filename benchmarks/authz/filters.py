"""List filters: building the visibility filter, and listing units through the app."""

from __future__ import annotations

import time
from typing import Any

import httpx

from api.app import create_app
from api.settings import ApiSettings
from authz.authority import Authority
from authz.credentials import mint_token
from benchmarks.authz.data import CONTRACT_ENTERPRISES, LIST_QUERY, TARGET_LIST_FILTER_MS, Data
from benchmarks.authz.figures import line, timed
from domain.clock import today_shanghai
from domain.config import Environment
from domain.db import create_engine, create_session_factory
from domain.tree.kinds import UnitKind
from domain.tree.queries import UnitFilter, units_stmt


def filter_figures(authority: Authority, data: Data, dialect: Any) -> None:
    day = today_shanghai()
    callers = [
        ("park principal", f"person:{data.park_principal}", data.park_principal),
        (f"agency member ({CONTRACT_ENTERPRISES} enterprises)", f"person:{data.agency_member}", data.agency_member),
        ("district reader (client)", f"client:{data.district_client}", None),
    ]  # fmt: skip
    stmt = units_stmt(UnitFilter(kinds=(UnitKind.ENTERPRISE,)))
    for label, subject, person_id in callers:

        def build_filter(subject: str = subject, person_id: int | None = person_id) -> str:
            reach = authority.reach(subject, person_id, day)
            return str(stmt.where(reach.units()).compile(dialect=dialect))

        sql = build_filter()
        assert "org_unit.path" in sql, sql
        build_filter()
        line(f"list filter: {label}", timed(build_filter, 200), TARGET_LIST_FILTER_MS)


async def list_figures(url: str, data: Data, runs: int) -> None:
    engine = create_engine(url)
    settings = ApiSettings(environment=Environment.TEST, database_url=url)
    app = create_app(settings, session_factory=create_session_factory(engine))
    transport = httpx.ASGITransport(app=app)
    callers = [
        ("park principal", f"person:{data.park_principal}", data.enterprises_in_park),
        ("agency (its client)", f"client:{data.agency_client}", CONTRACT_ENTERPRISES),
    ]
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for label, subject, expected in callers:
                headers = {"Authorization": f"Bearer {mint_token(settings, subject)}"}
                times: list[float] = []
                for i in range(runs + 2):
                    start = time.perf_counter()
                    response = await client.post("/graphql", json={"query": LIST_QUERY}, headers=headers)
                    elapsed = (time.perf_counter() - start) * 1000
                    body = response.json()
                    assert "errors" not in body, body
                    assert body["data"]["units"]["totalCount"] == expected, (
                        body["data"]["units"]["totalCount"],
                        expected,
                    )
                    if i >= 2:  # the first loads the Authority
                        times.append(elapsed)
                line(f"enterprise list (first 100 of {expected}): {label}", times)
    finally:
        await engine.dispose()
