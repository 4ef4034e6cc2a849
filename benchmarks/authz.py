"""Authorization at scale: 20,000 units and 100,000 role links.

    python -m benchmarks.authz [--database-url URL] [--units 20000] [--links 100000]

Builds a fresh database (a temporary SQLite file, or a temporary database on the PostgreSQL
server named by --database-url, dropped afterwards), migrates it and bulk-loads a tree
(districts → parks → departments → enterprises, consistent materialized paths), a post
with its holder at every park, department and enterprise (two links per assignment), an
agency whose contract covers 50 enterprises (a member and the agency's client), a
district system client, and RoleGrant rows up to the number of links asked for. Then it
prints, each with its target on this 2-core machine where there is one:

- the time to load the Authority (every template and link);
- `enforce`, median and p95 over random allowed and denied checks (each checked against a
  reference evaluation of the links);
- the first check in a domain never checked before;
- building a caller's list filter (Authority.reach + compiling the SQL predicate) for a
  park principal, an agency member and a district reader;
- the filtered enterprise list through the real app (in process, httpx ASGITransport);
- on PostgreSQL: how long a grant made through one server process takes to be enforced
  by another (two uvicorn processes, NOTIFY → AuthzListener).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from strawberry.relay import to_base64

from api.app import create_app
from api.settings import ApiSettings
from authz.authority import Authority
from authz.credentials import mint_token
from authz.domains import key_match, post_domain
from authz.models import Agency, AgencyContract, AgencyContractUnit, AgencyMember, RoleGrant, ServiceClient
from domain.clock import today_shanghai
from domain.config import Environment, normalize_database_url
from domain.db import create_engine, create_session_factory, utcnow
from domain.identifiers import credit_code_check_char, id_number_check_char
from domain.people.models import Person
from domain.posts.models import Assignment, Post
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit
from domain.tree.queries import UnitFilter, units_stmt
from migrations.runner import upgrade
from scratch import temporary_database

ROOT = Path(__file__).resolve().parents[1]
DISTRICTS, PARKS_PER_DISTRICT, DEPARTMENTS_PER_PARK = 2, 5, 10
CONTRACT_ENTERPRISES = 50
SPARE = 12  # persons without links and posts without holders, for the cross-process changes
GRANT_ROLES = ["safety_supervisor", "staff", "department_head", "enterprise_manager", "agency"]
START = date(2024, 1, 1)

LIST_QUERY = "{ units(filter: {kinds: [ENTERPRISE]}, first: 100) { totalCount edges { node { id name } } } }"
UNIT_QUERY = "query($id: ID!) { unit(id: $id) { id name } }"
ASSIGN = """mutation($input: AssignPersonInput!) {
  assignPerson(input: $input) { assignment { id } userErrors { code message } } }"""

TARGET_ENFORCE_P95_MS = 0.5
TARGET_FIRST_CHECK_MS = 2.0
TARGET_LIST_FILTER_MS = 20.0
TARGET_CROSS_PROCESS_MS = 1000.0


@dataclass
class Data:
    units: list[tuple[int, str, str]] = field(default_factory=list)  # (id, path, kind)
    park_principal: int = 0  # person id
    agency_member: int = 0  # person id
    agency_client: int = 0  # client id
    district_client: int = 0  # client id
    admin_client: int = 0
    spare: list[tuple[int, int, int]] = field(default_factory=list)  # (person, post, enterprise)
    enterprises_in_park: int = 0


# --- data ------------------------------------------------------------------------------------


async def build(engine: Any, n_units: int, n_links: int, rng: random.Random) -> Data:
    now = utcnow()
    data = Data()
    units: list[dict[str, Any]] = []
    posts: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []

    def unit(kind: str, parent: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
        uid = len(units) + 1
        row = {
            "id": uid, "kind": kind, "code": f"{kind[0]}{uid}", "name": f"{kind.lower()}-{uid}",
            "parent_id": parent["id"] if parent else None,
            "path": f"{parent['path'] if parent else '/'}{uid}/",
            "depth": parent["depth"] + 1 if parent else 0,
            "archived_at": None, "version": 1, "created_at": now, "updated_at": now,
            "credit_code": None, "trade": None, "high_risk": None, "staff_count": None,
            "risk_class": None, "placarded": None,
        }  # fmt: skip
        row.update(extra)
        units.append(row)
        return row

    def person() -> int:
        pid = len(people) + 1
        body = f"9{pid:08d}19800101"[:17]
        people.append({"id": pid, "name": f"人员{pid}", "id_number": body + id_number_check_char(body),
                       "phone": None, "registered_unit_id": None, "version": 1, "created_at": now,
                       "updated_at": now})  # fmt: skip
        return pid

    def post(at: dict[str, Any], kind: str, single: bool = True) -> int:
        pid = len(posts) + 1
        posts.append({"id": pid, "unit_id": at["id"], "kind": kind, "title": kind.lower(), "single_holder": single,
                      "archived_at": None, "version": 1, "created_at": now, "updated_at": now})  # fmt: skip
        return pid

    def assign(post_id: int, person_id: int) -> None:
        assignments.append({"id": len(assignments) + 1, "post_id": post_id, "person_id": person_id,
                            "start_date": START, "end_date": None, "corrects_id": None, "withdrawn": False,
                            "note": None, "created_at": now, "ended_at": None, "version": 1})  # fmt: skip

    departments: list[dict[str, Any]] = []
    parks: list[dict[str, Any]] = []
    for _ in range(DISTRICTS):
        d = unit("DISTRICT", None)
        for _ in range(PARKS_PER_DISTRICT):
            p = unit("PARK", d)
            parks.append(p)
            holder = person()
            assign(post(p, "PRINCIPAL"), holder)
            for _ in range(DEPARTMENTS_PER_PARK):
                dep = unit("DEPARTMENT", p)
                departments.append(dep)
                assign(post(dep, "DEPARTMENT_HEAD"), person())
    data.park_principal = people[0]["id"]  # of the first park
    enterprises: list[dict[str, Any]] = []
    for i in range(max(n_units - len(units), CONTRACT_ENTERPRISES + SPARE)):
        dep = departments[i % len(departments)]
        uid = len(units) + 1
        body = f"91999999{uid:09d}"
        ent = unit("ENTERPRISE", dep, credit_code=body + credit_code_check_char(body), trade="INDUSTRY_TRADE",
                   high_risk=False, staff_count=50, risk_class="B", placarded=False)  # fmt: skip
        enterprises.append(ent)
        assign(post(ent, "ENTERPRISE_PRINCIPAL"), person())
    data.enterprises_in_park = sum(1 for e in enterprises if e["path"].startswith(parks[0]["path"]))
    for ent in enterprises[-SPARE:]:
        data.spare.append((person(), post(ent, "SAFETY_MANAGER", single=False), ent["id"]))
    data.agency_member = person()

    # Agency: one contract over 50 enterprises, one member, the agency's own client.
    contracted = rng.sample(enterprises[: len(enterprises) - SPARE], CONTRACT_ENTERPRISES)
    clients = [
        {"id": 1, "name": "平台管理端", "kind": "INTEGRATION", "unit_id": None, "agency_id": None},
        {
            "id": 2,
            "name": "区级系统",
            "kind": "DISTRICT_SYSTEM",
            "unit_id": units[0]["id"],
            "agency_id": None,
        },
        {"id": 3, "name": "机构系统", "kind": "AGENCY", "unit_id": None, "agency_id": 1},
    ]
    for c in clients:
        c.update(created_at=now, created_by="bench", disabled_at=None, disabled_by=None)
    data.admin_client, data.district_client, data.agency_client = 1, 2, 3
    revocable = {
        "created_at": now,
        "created_by": "bench",
        "revoked_at": None,
        "revoked_by": None,
        "note": None,
    }

    # RoleGrant rows up to the number of links asked for, on persons who hold posts.
    derived = 2 * len(assignments) + 2 * CONTRACT_ENTERPRISES + 1 + 1  # + district reader + admin
    grants: list[dict[str, Any]] = [
        {"id": 1, "subject": "client:1", "role": "admin", "unit_id": None, "subtree": True,
         "start_date": START, "end_date": None, **revocable},
    ]  # fmt: skip
    # Not the callers measured below, whose reach must stay what their posts give.
    holders = [a["person_id"] for a in assignments if a["person_id"] != data.park_principal]
    for i in range(max(0, n_links - derived)):
        target = units[rng.randrange(len(units))]
        grants.append({
            "id": len(grants) + 1, "subject": f"person:{holders[i % len(holders)]}",
            "role": rng.choice(GRANT_ROLES), "unit_id": target["id"], "subtree": rng.random() < 0.8,
            # One in ten ended before today: still a link, in force no more.
            "start_date": START, "end_date": date(2025, 6, 30) if rng.random() < 0.1 else None, **revocable,
        })  # fmt: skip

    async with engine.begin() as conn:
        for depth in range(4):
            await conn.execute(insert(OrgUnit.__table__), [u for u in units if u["depth"] == depth])
        await conn.execute(insert(Person.__table__), people)
        await conn.execute(insert(Post.__table__), posts)
        await conn.execute(insert(Assignment.__table__), assignments)
        await conn.execute(insert(Agency.__table__), [{"id": 1, "name": "基准服务机构", "created_at": now,
                           "credit_code": "91999999000000001" + credit_code_check_char("91999999000000001"),
                           "created_by": "bench"}])  # fmt: skip
        await conn.execute(insert(ServiceClient.__table__), clients)
        await conn.execute(insert(AgencyMember.__table__), [{"id": 1, "agency_id": 1, "person_id": data.agency_member,
                           "start_date": START, "end_date": None, **revocable}])  # fmt: skip
        await conn.execute(insert(AgencyContract.__table__), [{"id": 1, "agency_id": 1, "code": "HT-BENCH",
                           "start_date": START, "end_date": date(2099, 12, 31), "terminated_on": None, **revocable}])  # fmt: skip
        await conn.execute(insert(AgencyContractUnit.__table__),
                           [{"contract_id": 1, "unit_id": e["id"]} for e in contracted])  # fmt: skip
        await conn.execute(insert(RoleGrant.__table__), grants)
        if conn.dialect.name == "postgresql":
            # Rows inserted with explicit ids leave the sequences behind.
            for table in ("org_unit", "person", "post", "assignment", "agency", "service_client",
                          "agency_member", "agency_contract", "authz_role_grant"):  # fmt: skip
                await conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                ))  # fmt: skip
    # Planner statistics, as autovacuum (PostgreSQL) or `ANALYZE` (SQLite) would have them.
    async with engine.connect() as conn:
        await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text("ANALYZE"))
    data.units = [(u["id"], u["path"], u["kind"]) for u in units]
    return data


# --- figures ---------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(label: str, values_ms: list[float], target_ms: float | None = None, on: str = "p95") -> None:
    med, p95 = statistics.median(values_ms), pct(values_ms, 0.95)
    text_ = f"{label:<58} median {med:8.3f} ms   p95 {p95:8.3f} ms   (n={len(values_ms)})"
    if target_ms is not None:
        measured = p95 if on == "p95" else med
        verdict = "PASS" if measured < target_ms else "MISS"
        text_ += f"   target {on} < {target_ms:g} ms: {verdict}"
    print(text_, flush=True)


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    out: list[float] = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


# --- enforce ---------------------------------------------------------------------------------


def reference(authority: Authority, subject: str, resource: str, action: str, domain: str, day: date) -> bool:
    roles = authority.roles_for(resource, action)
    return any(
        link.role_subject in roles and link.active_on(day) and key_match(domain, link.domain)
        for link in authority.rm.links_of(subject)
    )


def enforce_figures(authority: Authority, data: Data, rng: random.Random, checks: int) -> None:
    day = today_shanghai()
    paths = sorted(p for _, p, _ in data.units)
    # Domains for the first-check figure are kept out of every other check.
    fresh = set(rng.sample(paths, min(len(paths) // 4, 3000)))
    warm_paths = [p for p in paths if p not in fresh]
    pairs = sorted({(res, act) for (res, act) in authority._roles_for})
    links = [x for x in authority.rm.all_links() if x.active_on(day) and x.subject.startswith("person:")]

    def under(prefix: str) -> str | None:
        lo = bisect.bisect_left(warm_paths, prefix)
        hi = bisect.bisect_left(warm_paths, prefix + "\U0010ffff")
        return warm_paths[rng.randrange(lo, hi)] if hi > lo else None

    allowed: list[tuple[str, str, str, str]] = []
    while len(allowed) < checks:
        link = rng.choice(links)
        options = [(r, a) for r, a in pairs if link.role_subject in authority.roles_for(r, a)]
        if not options:
            continue
        res, act = rng.choice(options)
        domain = under(link.domain[:-1]) if link.domain.endswith("*") else link.domain
        if domain is not None:
            allowed.append((link.subject, res, act, domain))
    denied: list[tuple[str, str, str, str]] = []
    while len(denied) < checks:
        subject = rng.choice(links).subject
        res, act = rng.choice(pairs)
        domain = rng.choice(warm_paths)
        if rng.random() < 0.2:  # some post domains too
            domain = post_domain(domain, rng.randrange(1, 10_000))
        if not reference(authority, subject, res, act, domain, day):
            denied.append((subject, res, act, domain))

    enforce = authority.enforce
    for batch, expected in ((allowed, True), (denied, False)):
        for sub, res, act, dom in batch[:2000]:
            assert enforce(sub, res, act, dom, day) is expected, (sub, res, act, dom, expected)
    mixed = allowed + denied
    rng.shuffle(mixed)
    for sub, res, act, dom in mixed[:1000]:  # warm up
        enforce(sub, res, act, dom, day)

    def run(batch: list[tuple[str, str, str, str]]) -> list[float]:
        out: list[float] = []
        clock = time.perf_counter_ns
        for sub, res, act, dom in batch:
            start = clock()
            enforce(sub, res, act, dom, day)
            out.append((clock() - start) / 1e6)
        return out

    allowed_ms, denied_ms = run(allowed), run(denied)
    line("enforce, allowed", allowed_ms, TARGET_ENFORCE_P95_MS)
    line("enforce, denied", denied_ms, TARGET_ENFORCE_P95_MS)
    line("enforce, all", allowed_ms + denied_ms, TARGET_ENFORCE_P95_MS)

    first: list[float] = []
    subjects = [x.subject for x in links]
    for domain in sorted(fresh):
        sub, (res, act) = rng.choice(subjects), rng.choice(pairs)
        start = time.perf_counter_ns()
        result = enforce(sub, res, act, domain, day)
        first.append((time.perf_counter_ns() - start) / 1e6)
        assert result is reference(authority, sub, res, act, domain, day)
    line("enforce, first check in a new domain", first, TARGET_FIRST_CHECK_MS)


# --- list filters ----------------------------------------------------------------------------


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


# --- two processes ---------------------------------------------------------------------------


def read_log(path: Path) -> str:
    return path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(url: str, port: int, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "test", "LOAD_DEMO_DATA": "false"}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


async def wait_ready(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> float:
    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        while time.perf_counter() - start < 120:
            if proc.poll() is not None:
                raise SystemExit(f"server on {port} exited:\n{read_log(log_path)}")
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return time.perf_counter() - start
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise SystemExit(f"server on {port} not ready:\n{read_log(log_path)}")


async def cross_process_figures(url: str, data: Data, changes: int) -> None:
    settings = ApiSettings(environment=Environment.TEST, database_url=url)
    admin = {"Authorization": f"Bearer {mint_token(settings, f'client:{data.admin_client}')}"}
    port_a = free_port()
    port_b = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log_a, log_b = Path(tmp) / "a.log", Path(tmp) / "b.log"
        with server(url, port_a, log_a) as proc_a, server(url, port_b, log_b) as proc_b:
            ready = await asyncio.gather(wait_ready(proc_a, port_a, log_a), wait_ready(proc_b, port_b, log_b))
            print(f"{'two servers ready (startup incl. Authority load)':<58} {max(ready):.1f} s", flush=True)
            from_send: list[float] = []
            from_answer: list[float] = []
            async with (
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port_a}", headers=admin) as a,
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port_b}") as b,
            ):
                for person_id, post_id, enterprise_id in data.spare[:changes]:
                    headers = {"Authorization": f"Bearer {mint_token(settings, f'person:{person_id}')}"}
                    variables = {"id": to_base64("OrgUnit", enterprise_id)}

                    async def visible(
                        headers: dict[str, str] = headers, variables: dict[str, str] = variables
                    ) -> bool:
                        r = await b.post(
                            "/graphql", json={"query": UNIT_QUERY, "variables": variables}, headers=headers
                        )
                        body = r.json()
                        assert "errors" not in body, body
                        return body["data"]["unit"] is not None

                    assert not await visible()
                    assign = {"input": {"postId": to_base64("Post", post_id),
                                        "personId": to_base64("Person", person_id), "startDate": "2024-01-01"}}  # fmt: skip
                    sent = time.perf_counter()
                    r = await a.post("/graphql", json={"query": ASSIGN, "variables": assign})
                    answered = time.perf_counter()
                    assert r.json()["data"]["assignPerson"]["userErrors"] == [], r.json()
                    while not await visible():
                        if time.perf_counter() - sent > 30:
                            raise SystemExit("the grant was not enforced by B within 30 s")
                        await asyncio.sleep(0.002)
                    seen = time.perf_counter()
                    from_send.append((seen - sent) * 1000)
                    from_answer.append((seen - answered) * 1000)
                    await asyncio.sleep(0.2)
            assert proc_a.poll() is None and proc_b.poll() is None
    line("grant on A enforced on B, from sending", from_send, TARGET_CROSS_PROCESS_MS)
    line("grant on A enforced on B, from A's answer", from_answer, TARGET_CROSS_PROCESS_MS)


# --- main ------------------------------------------------------------------------------------


async def run(url: str, n_units: int, n_links: int, checks: int, list_runs: int, changes: int) -> None:
    rng = random.Random(20261122)
    engine = create_engine(url)
    try:
        await upgrade(engine)
        start = time.perf_counter()
        data = await build(engine, n_units, n_links, rng)
        built = time.perf_counter() - start
        factory = create_session_factory(engine)
        load_ms: list[float] = []
        authority = Authority()
        for _ in range(3):
            authority = Authority()
            async with factory() as session:
                start = time.perf_counter()
                await authority.load(session)
                load_ms.append((time.perf_counter() - start) * 1000)
        print(f"database      {make_url(url).get_backend_name()}")
        print(f"data          {len(data.units)} units, {authority.rm.link_count()} role links, "
              f"{len(authority.permissions)} templates (bulk-loaded in {built:.1f} s)")  # fmt: skip
        print(f"machine       {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
        line("Authority load (all links)", load_ms)
        enforce_figures(authority, data, rng, checks)
        filter_figures(authority, data, engine.dialect)
    finally:
        await engine.dispose()
    await list_figures(url, data, list_runs)
    if make_url(url).get_backend_name() == "postgresql":
        await cross_process_figures(url, data, changes)
    else:
        print("(the cross-process figure needs PostgreSQL: pass --database-url postgresql://…)")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL server URL; default: a SQLite temp file"
    )
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument(
        "--checks", type=int, default=20_000, help="allowed and as many denied enforce checks"
    )
    parser.add_argument("--list-runs", type=int, default=20)
    parser.add_argument("--changes", type=int, default=10, help="grants timed across processes")
    args = parser.parse_args()
    server_url = normalize_database_url(args.database_url) if args.database_url else None
    with tempfile.TemporaryDirectory() as tmp:
        async with temporary_database(server_url, Path(tmp)) as url:
            await run(url, args.units, args.links, args.checks, args.list_runs, min(args.changes, SPARE))


if __name__ == "__main__":
    asyncio.run(main())
