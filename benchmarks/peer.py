"""This project against a peer, PostGraphile v5, on the same PostgreSQL tables.

    python -m benchmarks.peer [--database-url postgresql://postgres@127.0.0.1:5432/test]
        [--duration 5] [--rounds 2] [--keep]

Prerequisites: PostgreSQL (the server of --database-url), npm (the npm registry reachable)
and wrk (Debian: `apt-get install wrk`).

Prints the machine calibration, then builds a fresh temporary database (dropped afterwards
unless --keep): 1 park, 1,000 enterprises, 3 posts each with one current holder, every
tenth enterprise placarded with the three responsible persons' posts. Installs PostGraphile
v5 and Node 22 from the npm registry into a scratch folder (~/.cache/safety-bench-peer,
or $BENCH_PEER_DIR), serves PostGraphile (amber preset) and this app (one uvicorn worker,
production settings, background jobs off, a platform admin's token) on the same database,
checks that both answer the same data, then drives both with wrk, interleaved (ours, peer,
ours, peer … rounds of --duration seconds), at 1 and 8 connections:

  heavy     100 enterprises → posts → current holder's name
  walk      all 1,000 enterprises, 10 pages of 100 by cursor, timed as a sequence (Python)
  placard   the placard board of the park (100 placarded enterprises, three persons each)
  typename  `{ __typename }` (ours with the token, the peer without auth)

and prints req/s, p50, p99 of each side and the ratio ours/peer of throughput. Then the
floors of the heavy request: graphql-core's executor over plain dicts, one hand-written
json_agg statement through asyncpg, json.dumps of the answer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import graphql
import httpx
from sqlalchemy.engine import make_url
from strawberry.relay import to_base64

from api.settings import ApiSettings
from authz.credentials import mint_token
from benchmarks.calibration import print_calibration
from benchmarks.list_enterprises import load
from domain.config import Environment, normalize_database_url
from domain.db import create_engine, create_session_factory
from migrations.runner import upgrade
from scratch import temporary_database

SECRET_KEY = "bench-peer-secret-key-0123456789abcdef"
PAGE = 100
PARK_ID = to_base64("OrgUnit", 2)  # the loader's park
SCRATCH = Path(os.environ.get("BENCH_PEER_DIR", Path.home() / ".cache" / "safety-bench-peer"))
NPM_PACKAGES = ["postgraphile@^5", "node@22"]

GRAPHILE_CONFIG = """\
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

export default {
  extends: [PostGraphileAmberPreset],
  // Conditions and orderBy on every column, as the app filters (archived, ended, withdrawn
  // rows) on columns without an index of their own; v4's ignoreIndexes.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"] })],
  grafserv: { host: "127.0.0.1", port: Number(process.env.PORT), graphiql: false, watch: false },
  grafast: { explain: false },
};
"""

# --- the requests, ours and the peer's, over the same rows --------------------------------

OURS_HEAVY = """query Heavy($after: String) {
  units(first: 100, after: $after, filter: {kinds: [ENTERPRISE]}) {
    pageInfo { hasNextPage endCursor }
    nodes { name posts(first: 5) { nodes { holders(first: 5) { nodes { person { name } } } } } }
  }
}"""

PEER_HEAVY = """query Heavy($after: Cursor) {
  allOrgUnits(first: 100, after: $after, condition: {kind: "ENTERPRISE", archivedAt: null},
              orderBy: [CODE_ASC, PRIMARY_KEY_ASC]) {
    pageInfo { hasNextPage endCursor }
    nodes { name postsByUnitId(first: 5, orderBy: PRIMARY_KEY_ASC, condition: {archivedAt: null}) {
      nodes { assignmentsByPostId(first: 5, condition: {endDate: null, withdrawn: false}) {
        nodes { personByPersonId { name } } } } } }
  }
}"""

OURS_PLACARD = """query Board($park: ID!) {
  placardBoard(parkId: $park, first: 100) {
    nodes { enterprise { name } administrative { person { name } }
            supervisory { person { name } } enterpriseResponsible { person { name } } }
  }
}"""

_PEER_RESPONSIBLE = """postsByUnitId(condition: {kind: "%s", archivedAt: null}) {
      nodes { assignmentsByPostId(condition: {endDate: null, withdrawn: false}) {
        nodes { personByPersonId { name } } } } }"""
# PostGraphile's conditions are equalities: the park's subtree is every enterprise here.
PEER_PLACARD = f"""query Board {{
  allOrgUnits(first: 100, condition: {{kind: "ENTERPRISE", placarded: true, archivedAt: null}},
              orderBy: [CODE_ASC, PRIMARY_KEY_ASC]) {{
    nodes {{ name
      administrative: {_PEER_RESPONSIBLE % "ADMINISTRATIVE_RESPONSIBLE"}
      supervisory: {_PEER_RESPONSIBLE % "SUPERVISORY_RESPONSIBLE"}
      enterpriseResponsible: {_PEER_RESPONSIBLE % "ENTERPRISE_RESPONSIBLE"}
    }}
  }}
}}"""

TYPENAME = "{ __typename }"


def ours_heavy_names(data: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (u["name"], tuple(h["person"]["name"] for p in u["posts"]["nodes"] for h in p["holders"]["nodes"]))
        for u in data["units"]["nodes"]
    ]


def peer_heavy_names(data: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (u["name"], tuple(a["personByPersonId"]["name"] for p in u["postsByUnitId"]["nodes"]
                          for a in p["assignmentsByPostId"]["nodes"]))
        for u in data["allOrgUnits"]["nodes"]
    ]  # fmt: skip


def ours_placard_names(data: dict[str, Any]) -> list[tuple[str | None, ...]]:
    return [
        (b["enterprise"]["name"], *((b[k] or {}).get("person", {}).get("name") for k in
                                    ("administrative", "supervisory", "enterpriseResponsible")))
        for b in data["placardBoard"]["nodes"]
    ]  # fmt: skip


def peer_placard_names(data: dict[str, Any]) -> list[tuple[str | None, ...]]:
    def one(posts: dict[str, Any]) -> str | None:
        names = [
            a["personByPersonId"]["name"] for p in posts["nodes"] for a in p["assignmentsByPostId"]["nodes"]
        ]
        return names[0] if names else None

    return [
        (u["name"], *(one(u[k]) for k in ("administrative", "supervisory", "enterpriseResponsible")))
        for u in data["allOrgUnits"]["nodes"]
    ]


# --- the servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def install_peer() -> tuple[str, Path]:
    """PostGraphile v5 and Node 22 into the scratch folder; returns the node binary to use
    and PostGraphile's CLI script."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    package = SCRATCH / "package.json"
    if not package.exists():
        package.write_text('{"name": "safety-bench-peer", "private": true, "type": "module"}\n')
    cli = SCRATCH / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
    node22 = SCRATCH / "node_modules" / ".bin" / "node"
    if not cli.exists() or not node22.exists():
        print(f"installing          {' '.join(NPM_PACKAGES)} into {SCRATCH} (npm)", flush=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *NPM_PACKAGES],
            cwd=SCRATCH, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    (SCRATCH / "graphile.config.mjs").write_text(GRAPHILE_CONFIG)
    node = str(node22)
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        node = shutil.which("node") or "node"
        version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
        print(f"note                Node 22 from npm did not run; using {node} {version.strip()}")
    pg_version = json.loads((cli.parent.parent / "package.json").read_text())["version"]
    print(
        f"peer                PostGraphile {pg_version} (amber preset) on Node {version.strip()}", flush=True
    )
    return node, cli


@dataclass
class Server:
    name: str
    url: str
    headers: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path
    extra: dict[str, Any] = field(default_factory=dict)


def wait_ready(server: Server, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(f"{server.name} stopped (exit {server.process.returncode}); see {server.log}:\n"
                     + server.log.read_text()[-3000:])  # fmt: skip
        with contextlib.suppress(httpx.HTTPError):
            r = httpx.post(server.url, json={"query": TYPENAME}, headers=server.headers, timeout=5)
            if r.status_code == 200:
                return
        time.sleep(0.3)
    sys.exit(f"{server.name} did not answer within {timeout:.0f} s; see {server.log}")


def start_peer(node: str, cli: Path, db_url: str, logdir: Path) -> Server:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "PORT": str(port), "NODE_ENV": "production"}
    log = logdir / "postgraphile.log"
    proc = subprocess.Popen(
        [node, str(cli), "-C", str(SCRATCH / "graphile.config.mjs")],
        cwd=SCRATCH, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    return Server("PostGraphile", f"http://127.0.0.1:{port}/graphql", {}, proc, log)


def start_ours(db_url: str, token: str, logdir: Path) -> Server:
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": db_url, "ENVIRONMENT": "production", "SECRET_KEY": SECRET_KEY,
        "LOAD_DEMO_DATA": "false", "HAZARD_ESCALATION_SECONDS": "0", "SCORE_REFRESH_SECONDS": "0",
    }  # fmt: skip
    log = logdir / "uvicorn.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1", "--no-access-log"],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    return Server("ours", f"http://127.0.0.1:{port}/graphql", headers, proc, log)


def ask(server: Server, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    r = httpx.post(server.url, json={"query": query, "variables": variables or {}}, headers=server.headers,
                   timeout=120)  # fmt: skip
    body = r.json()
    if r.status_code != 200 or body.get("errors"):
        sys.exit(f"{server.name} answered {r.status_code}: {json.dumps(body, ensure_ascii=False)[:2000]}")
    return dict(body["data"])


# --- the load ------------------------------------------------------------------------------

WRK_SCRIPT = """\
wrk.method = "POST"
wrk.body = %(body)s
wrk.headers["Content-Type"] = "application/json"
%(headers)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, summary.bytes))
  for i = 1, #latency do
    local value, count = latency(i)
    io.write(string.format("LAT %%d %%d\\n", value, count))
  end
end
"""


@dataclass
class Tally:
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    bytes: int = 0
    latencies: dict[int, int] = field(default_factory=dict)  # microseconds -> count

    @property
    def size(self) -> float:
        """KiB per response (headers included), to see that the load got whole answers."""
        return self.bytes / self.requests / 1024 if self.requests else 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """In milliseconds."""
        total = sum(self.latencies.values())
        if not total:
            return float("nan")
        rank, seen = p / 100 * total, 0
        for value in sorted(self.latencies):
            seen += self.latencies[value]
            if seen >= rank:
                return value / 1000
        return max(self.latencies) / 1000


def lua_string(s: str) -> str:
    return json.dumps(s)  # a JSON string is a valid Lua string literal for our ASCII bodies


def wrk_script(server: Server, query: str, variables: dict[str, Any], folder: Path) -> Path:
    body = json.dumps({"query": query, "variables": variables}, ensure_ascii=True)
    headers = "\n".join(f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in server.headers.items())
    path = folder / f"{server.name}-{abs(hash(query))}.lua"
    path.write_text(WRK_SCRIPT % {"body": lua_string(body), "headers": headers})
    return path


def run_wrk(server: Server, script: Path, connections: int, duration: float, tally: Tally) -> None:
    threads = min(connections, 2)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s", "--timeout", "60s",
         "-s", str(script), server.url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    parse_wrk(out, tally)


def parse_wrk(out: str, tally: Tally) -> None:
    """Adds what the Lua `done` of WRK_SCRIPT printed to the tally."""
    for line in out.splitlines():
        parts = line.split()
        if parts[:1] == ["RESULT"]:
            tally.requests += int(parts[1])
            tally.seconds += int(parts[2]) / 1e6
            tally.errors += int(parts[3])
            tally.bytes += int(parts[4]) if len(parts) > 4 else 0
        elif parts[:1] == ["LAT"]:
            value, count = int(parts[1]), int(parts[2])
            tally.latencies[value] = tally.latencies.get(value, 0) + count


def row(label: str, ours: Tally, peer: Tally) -> str:
    ratio = ours.rate / peer.rate if peer.rate else float("nan")
    errors = f"   errors {ours.errors}/{peer.errors}" if ours.errors or peer.errors else ""
    return (f"  {label:<22} {ours.rate:9.1f} {ours.percentile(50):8.2f} {ours.percentile(99):8.2f}   "
            f"{peer.rate:9.1f} {peer.percentile(50):8.2f} {peer.percentile(99):8.2f}   {ratio:9.3f}"
            f"   {ours.size:5.1f} / {peer.size:5.1f}{errors}")  # fmt: skip


def walk(server: Server, query: str, key: str, client: httpx.Client) -> tuple[float, int]:
    """All enterprises, page after page by cursor; the seconds and the number listed."""
    started, after, listed = time.perf_counter(), None, 0
    while True:
        r = client.post(
            server.url, json={"query": query, "variables": {"after": after}}, headers=server.headers
        )
        page = r.json()["data"][key]
        listed += len(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return time.perf_counter() - started, listed
        after = page["pageInfo"]["endCursor"]


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


# --- the run -------------------------------------------------------------------------------


@dataclass
class Args:
    server: str
    duration: int
    rounds: int
    walks: int
    keep: bool


@contextlib.contextmanager
def serving(*servers: Server) -> Iterator[None]:
    try:
        yield
    finally:
        for s in servers:
            if s.process.poll() is None:
                s.process.terminate()
        for s in servers:
            try:
                s.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                s.process.kill()


async def prepare(url: str) -> str:
    engine = create_engine(url)
    try:
        await print_calibration(engine)
        await upgrade(engine)
        enterprises = await load(engine, departments=10, per_department=100, placard_every=10)
        from tests.factories import make_platform_admin

        async with create_session_factory(engine)() as session:
            subject = await make_platform_admin(session)
    finally:
        await engine.dispose()
    print(f"database            {make_url(url).database}: 1 park, {enterprises:,} enterprises, 3 posts "
          f"each with one holder, {enterprises // 10} placarded", flush=True)  # fmt: skip
    settings = ApiSettings(database_url=url, secret_key=SECRET_KEY, environment=Environment.PRODUCTION)
    return mint_token(settings, subject)


def bench(args: Args, url: str, token: str, logdir: Path) -> tuple[dict[str, Any], list[Any]]:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    node, cli = install_peer()
    print("ours                one uvicorn worker, ENVIRONMENT=production, background jobs off, "
          "a platform admin's bearer token", flush=True)  # fmt: skip
    ours = start_ours(url, token, logdir)
    peer = start_peer(node, cli, plain, logdir)
    with serving(ours, peer):
        wait_ready(ours)
        wait_ready(peer)

        # The same data on both sides, or the comparison means nothing.
        answer = ask(ours, OURS_HEAVY)
        expected = ours_heavy_names(answer)
        assert len(expected) == PAGE and all(len(h) == 3 for _, h in expected), expected[:3]
        if peer_heavy_names(ask(peer, PEER_HEAVY)) != expected:
            sys.exit("the heavy request: PostGraphile lists other enterprises or holders")
        board = ours_placard_names(ask(ours, OURS_PLACARD, {"park": PARK_ID}))
        assert len(board) == 100 and all(all(b) for b in board), board[:3]
        if peer_placard_names(ask(peer, PEER_PLACARD)) != board:
            sys.exit("the placard board: PostGraphile lists other enterprises or persons")
        print("same data           heavy request: 100 enterprises, 300 holders; placard board: 100 "
              "enterprises, 300 persons — identical on both sides", flush=True)  # fmt: skip

        with httpx.Client(timeout=120) as client:
            walks: dict[str, list[float]] = {"ours": [], "peer": []}
            for i in range(args.walks + 1):
                for side, server, key, query in (("ours", ours, "units", OURS_HEAVY),
                                                 ("peer", peer, "allOrgUnits", PEER_HEAVY)):  # fmt: skip
                    seconds, listed = walk(server, query, key, client)
                    assert listed == 1000, (side, listed)
                    if i:  # the first is a warm-up
                        walks[side].append(seconds)

        requests: list[tuple[str, tuple[str, dict[str, Any]], tuple[str, dict[str, Any]]]] = [
            ("heavy", (OURS_HEAVY, {}), (PEER_HEAVY, {})),
            ("placard board", (OURS_PLACARD, {"park": PARK_ID}), (PEER_PLACARD, {})),
            ("{ __typename }", (TYPENAME, {}), (TYPENAME, {})),
        ]
        print(f"\nload: wrk, interleaved rounds of {args.duration:g} s (ours, peer, …), {args.rounds} "
              "rounds each; p50/p99 in ms over every request of the rounds")  # fmt: skip
        print(f"  {'request, connections':<22} {'ours req/s':>9} {'p50':>8} {'p99':>8}   "
              f"{'peer req/s':>9} {'p50':>8} {'p99':>8}   {'ours/peer':>9}   KiB/answer")  # fmt: skip
        for label, (oq, ov), (pq, pv) in requests:
            scripts = (wrk_script(ours, oq, ov, logdir), wrk_script(peer, pq, pv, logdir))
            # Warm both (JIT, caches, pools) before measuring.
            run_wrk(ours, scripts[0], 2, 1, Tally())
            run_wrk(peer, scripts[1], 2, 1, Tally())
            for connections in (1, 8):
                tallies = (Tally(), Tally())
                for _ in range(args.rounds):
                    run_wrk(ours, scripts[0], connections, args.duration, tallies[0])
                    run_wrk(peer, scripts[1], connections, args.duration, tallies[1])
                print(row(f"{label}, {connections}", *tallies), flush=True)
        mo, mp = statistics.median(walks["ours"]), statistics.median(walks["peer"])
        print(f"\nthe 1,000-enterprise walk (10 pages of 100 by cursor, one client, {args.walks} walks each, "
              "interleaved)")  # fmt: skip
        print(f"  ours  median {mo * 1000:8.0f} ms   worst {max(walks['ours']) * 1000:8.0f} ms")
        print(f"  peer  median {mp * 1000:8.0f} ms   worst {max(walks['peer']) * 1000:8.0f} ms")
        print(f"  ours/peer throughput {mp / mo:.3f} ({mo / mp:.1f}× the peer's time)\n", flush=True)
    return answer, expected


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL server URL (a temporary database is made on it)")  # fmt: skip
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk round (whole)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per side, request and connections")
    parser.add_argument("--walks", type=int, default=5, help="1,000-enterprise walks per side")
    parser.add_argument("--keep", action="store_true", help="keep the database (and print its URL)")
    ns = parser.parse_args()
    args = Args(normalize_database_url(ns.database_url), ns.duration, ns.rounds, ns.walks, ns.keep)
    if not args.server.startswith("postgresql"):
        sys.exit("PostGraphile needs PostgreSQL: --database-url postgresql://…")
    print(f"machine             {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        logdir = Path(tmp)
        if args.keep:
            name = f"bench_peer_{int(time.time())}"
            url = make_url(args.server).set(database=name).render_as_string(hide_password=False)
            admin = create_engine(args.server, isolation_level="AUTOCOMMIT")
            async with admin.connect() as conn:
                from sqlalchemy import text

                await conn.execute(text(f'CREATE DATABASE "{name}"'))
            await admin.dispose()
            await run(args, url, logdir)
            print(f"kept database       {make_url(url).set(drivername='postgresql')}")
        else:
            async with temporary_database(args.server, logdir) as url:
                await run(args, url, logdir)


async def run(args: Args, url: str, logdir: Path) -> None:
    token = await prepare(url)
    answer, expected = await asyncio.to_thread(bench, args, url, token, logdir)
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    await floors(plain, answer, expected)


if __name__ == "__main__":
    asyncio.run(main())
