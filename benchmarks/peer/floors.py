"""The floors: the same answer from graphql-core over a fixed schema and from one SQL statement."""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

import asyncpg
import graphql

from benchmarks.peer.requests import ours_heavy_names

# --- the floors ----------------------------------------------------------------------------

FLOOR_SDL = """
type Query { units(first: Int, filter: String): UnitConnection! }
type UnitConnection { nodes: [Unit!]! }
type Unit { name: String! posts(first: Int): PostConnection! }
type PostConnection { nodes: [Post!]! }
type Post { holders(first: Int): AssignmentConnection! }
type AssignmentConnection { nodes: [Assignment!]! }
type Assignment { person: Person! }
type Person { name: String! }
"""
FLOOR_QUERY = """{ units(first: 100) { nodes { name posts(first: 5) { nodes {
  holders(first: 5) { nodes { person { name } } } } } } } }"""

JSON_AGG_SQL = """
SELECT json_build_object('data', json_build_object('units', json_build_object('nodes',
  coalesce((SELECT json_agg(json_build_object('name', u.name, 'posts', json_build_object('nodes',
    coalesce((SELECT json_agg(json_build_object('holders', json_build_object('nodes',
      coalesce((SELECT json_agg(json_build_object('person', json_build_object('name', pe.name))
                                ORDER BY a.start_date, a.id)
                FROM assignment a JOIN person pe ON pe.id = a.person_id
                WHERE a.post_id = p.id AND NOT a.withdrawn AND a.end_date IS NULL
                  AND NOT EXISTS (SELECT 1 FROM assignment c WHERE c.corrects_id = a.id)), '[]')))
             ORDER BY p.id)
       FROM (SELECT * FROM post WHERE unit_id = u.id AND archived_at IS NULL ORDER BY id LIMIT 5) p), '[]')))
     ORDER BY u.code, u.id)
   FROM (SELECT * FROM org_unit WHERE kind = 'ENTERPRISE' AND archived_at IS NULL
         ORDER BY code, id LIMIT 100) u), '[]'))))::text
"""


def timed(fn: Any, runs: int) -> float:
    """Median milliseconds of `runs` calls after two warm-ups."""
    times = []
    for i in range(runs + 2):
        started = time.perf_counter()
        fn()
        if i >= 2:
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def floors(db_url: str, answer: dict[str, Any], expected: list[Any]) -> None:
    schema = graphql.build_schema(FLOOR_SDL)
    document = graphql.parse(FLOOR_QUERY)
    data = {"units": answer["units"]}

    def execute() -> None:
        result = graphql.execute_sync(schema, document, root_value=data)
        assert not result.errors, result.errors

    check = graphql.execute_sync(schema, document, root_value=data)
    assert check.data is not None and ours_heavy_names(check.data) == expected
    executor = timed(execute, 20)

    conn = await asyncpg.connect(db_url)
    try:
        found = json.loads(await conn.fetchval(JSON_AGG_SQL))
        assert ours_heavy_names(found["data"]) == expected, "the json_agg statement answers other data"
        times = []
        for i in range(32):
            started = time.perf_counter()
            await conn.fetchval(JSON_AGG_SQL)
            if i >= 2:
                times.append(time.perf_counter() - started)
        sql = statistics.median(times) * 1000
    finally:
        await conn.close()
    dumps = timed(lambda: json.dumps({"data": answer}, ensure_ascii=False), 50)
    print("floors of the heavy request (medians, in this process)")
    print(f"  graphql-core executor over plain dicts     {executor:8.2f} ms")
    print(f"  one json_agg statement through asyncpg     {sql:8.2f} ms")
    print(f"  json.dumps of the answer                   {dumps:8.2f} ms")
