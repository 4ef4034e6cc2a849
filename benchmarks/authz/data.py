"""The benchmark's units, persons, posts and role links, written in bulk, and the targets."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from authz.models import Agency, AgencyContract, AgencyContractUnit, AgencyMember, RoleGrant, ServiceClient
from benchmarks.synthetic import table_of
from domain.db import utcnow
from domain.identifiers import credit_code_check_char, id_number_check_char
from domain.people.models import Person
from domain.posts.models import Assignment, Post
from domain.tree.models import OrgUnit

ROOT = Path(__file__).resolve().parents[2]  # the repository, where the app server starts
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
            await conn.execute(insert(table_of(OrgUnit)), [u for u in units if u["depth"] == depth])
        await conn.execute(insert(table_of(Person)), people)
        await conn.execute(insert(table_of(Post)), posts)
        await conn.execute(insert(table_of(Assignment)), assignments)
        await conn.execute(insert(table_of(Agency)), [{"id": 1, "name": "基准服务机构", "created_at": now,
                           "credit_code": "91999999000000001" + credit_code_check_char("91999999000000001"),
                           "created_by": "bench"}])  # fmt: skip
        await conn.execute(insert(table_of(ServiceClient)), clients)
        await conn.execute(insert(table_of(AgencyMember)), [{"id": 1, "agency_id": 1, "person_id": data.agency_member,
                           "start_date": START, "end_date": None, **revocable}])  # fmt: skip
        await conn.execute(insert(table_of(AgencyContract)), [{"id": 1, "agency_id": 1, "code": "HT-BENCH",
                           "start_date": START, "end_date": date(2099, 12, 31), "terminated_on": None, **revocable}])  # fmt: skip
        await conn.execute(insert(table_of(AgencyContractUnit)),
                           [{"contract_id": 1, "unit_id": e["id"]} for e in contracted])  # fmt: skip
        await conn.execute(insert(table_of(RoleGrant)), grants)
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
