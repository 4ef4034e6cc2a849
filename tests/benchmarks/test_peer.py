"""The peer benchmark's parts that need neither Node nor a server: our two requests are
valid against schema.graphql, the floor schema executes over plain dicts, the answers of
both sides reduce to the same names, and wrk's output adds up. So the script cannot rot
unseen (the run itself: `make bench-peer`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import graphql

from benchmarks.peer.floors import FLOOR_QUERY, FLOOR_SDL
from benchmarks.peer.load import Tally, parse_wrk, wrk_script
from benchmarks.peer.requests import (
    GRAPHILE_CONFIG,
    OURS_HEAVY,
    OURS_PLACARD,
    PEER_HEAVY,
    PEER_PLACARD,
    TYPENAME,
    ours_heavy_names,
    ours_placard_names,
    peer_heavy_names,
    peer_placard_names,
)
from benchmarks.peer.servers import Server

SCHEMA = graphql.build_schema((Path(__file__).parents[2] / "schema.graphql").read_text())


def test_our_requests_are_valid() -> None:
    for query in (OURS_HEAVY, OURS_PLACARD, TYPENAME):
        assert graphql.validate(SCHEMA, graphql.parse(query)) == []


def test_peer_requests_parse() -> None:
    for query in (PEER_HEAVY, PEER_PLACARD):
        graphql.parse(query)
    assert "PostGraphileAmberPreset" in GRAPHILE_CONFIG


def person(name: str) -> dict[str, Any]:
    return {"name": name}


def test_both_shapes_reduce_to_the_same_names() -> None:
    ours = {"units": {"nodes": [{"name": "E1", "posts": {"nodes": [
        {"holders": {"nodes": [{"person": person(f"P{i}")}]}} for i in range(3)]}}]}}  # fmt: skip
    peer = {"allOrgUnits": {"nodes": [{"name": "E1", "postsByUnitId": {"nodes": [
        {"assignmentsByPostId": {"nodes": [{"personByPersonId": person(f"P{i}")}]}} for i in range(3)]}}]}}  # fmt: skip
    assert ours_heavy_names(ours) == peer_heavy_names(peer) == [("E1", ("P0", "P1", "P2"))]

    kinds = ("administrative", "supervisory", "enterpriseResponsible")
    board = {"placardBoard": {"nodes": [{"enterprise": {"name": "E1"}, "administrative": {"person": person("A")},
                                         "supervisory": None, "enterpriseResponsible": {"person": person("C")}}]}}  # fmt: skip
    names = dict(zip(kinds, ("A", None, "C"), strict=True))
    peer_board = {"allOrgUnits": {"nodes": [{"name": "E1", **{
        k: {"nodes": [{"assignmentsByPostId": {"nodes": [{"personByPersonId": person(n)}] if n else []}}]}
        for k, n in names.items()}}]}}  # fmt: skip
    assert ours_placard_names(board) == peer_placard_names(peer_board) == [("E1", "A", None, "C")]


def test_the_floor_executor_answers_over_dicts() -> None:
    data = {"units": {"nodes": [{"name": "E1", "posts": {"nodes": [{"holders": {"nodes": [{"person": person("P")}]}}]}}]}}  # fmt: skip
    result = graphql.execute_sync(
        graphql.build_schema(FLOOR_SDL), graphql.parse(FLOOR_QUERY), root_value=data
    )
    assert result.errors is None and result.data == data


def test_wrk_output_adds_up() -> None:
    tally = Tally()
    parse_wrk("Running 1s test\nRESULT 10 2000000 1 0\nLAT 1000 5\nLAT 2000 4\nLAT 9000 1\n", tally)
    parse_wrk("RESULT 10 2000000 0 20480\nLAT 2000 10\n", tally)
    assert (tally.requests, tally.errors, tally.rate, tally.size) == (20, 1, 5.0, 1.0)
    assert (tally.percentile(25), tally.percentile(50), tally.percentile(99)) == (1.0, 2.0, 9.0)


def test_wrk_script_carries_the_body_and_headers(tmp_path: Path) -> None:
    server = Server("ours", "http://x/graphql", {"Authorization": "Bearer t"}, None, tmp_path)  # type: ignore[arg-type]
    script = wrk_script(server, OURS_PLACARD, {"park": "T3JnVW5pdDoy"}, tmp_path).read_text()
    body_line = next(line for line in script.splitlines() if line.startswith("wrk.body"))
    body = json.loads(json.loads(body_line.removeprefix("wrk.body = ")))
    assert body == {"query": OURS_PLACARD, "variables": {"park": "T3JnVW5pdDoy"}}
    assert 'wrk.headers["Authorization"] = "Bearer t"' in script
