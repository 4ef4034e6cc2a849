"""Shared building blocks of the synthetic datasets (benchmarks.obligations,
benchmarks.generate_province): plainly fictional rows built in memory as dicts with
explicit ids, bulk-inserted with SQLAlchemy Core in chunks, and the catalogue duty lists
adopted through the services.

Persons are 演示人员NNNN with ID numbers of the fictional region 999999; credit codes use
the fictional 91999999 prefix.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.actors import SYSTEM
from domain.db import Base
from domain.duties.lists import adopt_template
from domain.duties.models import DutyList
from domain.identifiers import credit_code_check_char, id_number_check_char
from domain.tree.kinds import HIGH_RISK_TRADES, Trade
from seeds.requirements import load_requirements

SINCE = date(2020, 1, 1)  # every first holder's start
BORN = date(1965, 1, 1)  # persons' birth dates (in the id numbers) start here
PLACARDED_SHARE = 0.3
CORRECTED_SHARE = 0.01

TRADES = {
    Trade.INDUSTRY_TRADE: 25, Trade.MACHINERY: 15, Trade.FOOD: 10, Trade.LOGISTICS: 10,
    Trade.HAZARDOUS_CHEMICALS: 10, Trade.DUST_EXPLOSION: 8, Trade.CONSTRUCTION: 7, Trade.METALLURGY: 5,
    Trade.OTHER: 5, Trade.GAS: 3, Trade.FIREWORKS: 1, Trade.MINING: 1,
}  # fmt: skip
RISK_CLASSES = {"A": 30, "B": 40, "C": 20, "D": 10}

# Catalogue templates a park adopts (seeds/requirements/*.yaml).
ADOPTED = (
    "004-park-principal",  # PARTY_SECRETARY, COMMITTEE_DIRECTOR, PRINCIPAL
    "004-park-deputy",  # DEPUTY_IN_CHARGE
    "000-emergency-dept",  # DEPARTMENT_HEAD
    "004-responsible-persons",  # ADMINISTRATIVE_ / SUPERVISORY_RESPONSIBLE, per holder
    "002-enterprise-supervision",  # SUPERVISORY_RESPONSIBLE, by risk class
    "002-enterprise-principal",  # ENTERPRISE_PRINCIPAL, incl. the weekly Thursday report
    "000-enterprise-principal",  # ENTERPRISE_PRINCIPAL, monthly check (日周月), key dates
    "000-enterprise-safety-manager",  # SAFETY_MANAGER, weekly check
    "000-enterprise-frontline",  # FRONTLINE, daily check
)

PARK_LEADERS = (("PRINCIPAL", "园区主要负责人"), ("PARTY_SECRETARY", "党工委书记"),
                ("COMMITTEE_DIRECTOR", "管委会主任"))  # fmt: skip

# Share of the records each group of posts makes, and the kinds each kind of post records.
SHARES = {"FRONTLINE": 0.50, "SAFETY_MANAGER": 0.22, "ENTERPRISE_PRINCIPAL": 0.20,
          "DEPARTMENT_HEAD": 0.05, "PARK": 0.03}  # fmt: skip
MIX: dict[str, dict[str, float]] = {
    "FRONTLINE": {"INSPECTION": 1.0},
    "SAFETY_MANAGER": {"INSPECTION": 1.0},
    "ENTERPRISE_PRINCIPAL": {"REPORT": 0.45, "INSPECTION": 0.35, "ON_SITE": 0.08, "ASSESSMENT": 0.05,
                             "DRILL": 0.04, "PLAN": 0.03},
    "DEPARTMENT_HEAD": {"INSPECTION": 0.85, "ON_SITE": 0.10, "PLAN": 0.05},
    "DEPUTY_IN_CHARGE": {"INSPECTION": 0.60, "MEETING": 0.15, "ASSESSMENT": 0.15, "ON_SITE": 0.10},
    "PRINCIPAL": {"MEETING": 0.40, "INSPECTION": 0.35, "REPORT": 0.10, "PLAN": 0.05, "ON_SITE": 0.10},
}  # fmt: skip
MIX["PARTY_SECRETARY"] = MIX["COMMITTEE_DIRECTOR"] = MIX["PRINCIPAL"]
TITLES = {"INSPECTION": "安全检查", "REPORT": "安全生产情况报告", "MEETING": "安全生产专题会议",
          "DRILL": "应急演练", "ON_SITE": "重要节点到岗履职", "ASSESSMENT": "安全风险研判",
          "PLAN": "安全工作方案"}  # fmt: skip

Row = dict[str, Any]
Span = tuple[int, date, date | None]  # (person, start, end)


@dataclass
class Recorder:
    post_id: int
    kind: str
    units: list[int]  # enterprises its records may cover
    placarded: list[int]  # of which those it answers for as a responsible person
    weight: float


def weighted(rng: random.Random, table: dict[Any, float] | dict[Any, int]) -> Any:
    return rng.choices(list(table), weights=list(table.values()))[0]


def day_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def critical_periods(year: int) -> list[tuple[str, str, date, date, bool]]:
    """(kind, title, start, end, on the park rather than one department)."""
    d = date
    return [
        ("KEY_DATE", f"{year}年元旦（演示）", d(year, 1, 1), d(year, 1, 1), True),
        ("KEY_DATE", f"{year}年春节（演示）", d(year, 1, 28), d(year, 2, 4), True),
        ("RESUMPTION", f"{year}年春节后复工复产（演示）", d(year, 2, 5), d(year, 2, 14), True),
        ("KEY_DATE", f"{year}年清明节（演示）", d(year, 4, 4), d(year, 4, 6), True),
        ("KEY_DATE", f"{year}年劳动节（演示）", d(year, 5, 1), d(year, 5, 5), True),
        ("KEY_DATE", f"{year}年端午节（演示）", d(year, 5, 31), d(year, 6, 2), True),
        ("EXTREME_WEATHER", f"{year}年7月高温天气（演示）", d(year, 7, 14), d(year, 7, 20), False),
        ("KEY_DATE", f"{year}年中秋、国庆（演示）", d(year, 10, 1), d(year, 10, 8), True),
    ]


def id_number(pid: int) -> str:
    """A valid-looking 居民身份证号 of the fictional region 999999, unique per `pid`."""
    body = f"999999{BORN + timedelta(days=pid // 1000):%Y%m%d}{pid % 1000:03d}"
    return body + id_number_check_char(body)


def credit_code(n: int) -> str:
    body = f"91999999{n:09d}"
    return body + credit_code_check_char(body)


class Rows:
    """The tree, persons, posts, charges and assignments as rows with explicit ids."""

    def __init__(self, now: datetime, name_width: int = 4) -> None:
        self.now = now
        self.name_width = name_width
        self.units: list[Row] = []
        self.people: list[Row] = []
        self.posts: list[Row] = []
        self.charges: list[Row] = []
        self.assignments: list[Row] = []
        self.tenures: dict[int, list[Span]] = {}  # post id → spans

    def unit(self, kind: str, code: str, name: str, parent: Row | None, **extra: Any) -> Row:
        uid = len(self.units) + 1
        now = self.now
        row = {
            "id": uid, "kind": kind, "code": code, "name": name,
            "parent_id": parent["id"] if parent else None,
            "path": f"{parent['path'] if parent else '/'}{uid}/",
            "depth": parent["depth"] + 1 if parent else 0,
            "archived_at": None, "version": 1, "created_at": now, "updated_at": now,
            "credit_code": None, "trade": None, "high_risk": None, "staff_count": None,
            "risk_class": None, "placarded": None,
        }  # fmt: skip
        row.update(extra)
        self.units.append(row)
        return row

    def enterprise(self, rng: random.Random, n: int, code: str, name: str, parent: Row) -> Row:
        """The `n`-th enterprise (from 1), with mixed trades, sizes, risk classes, placards."""
        trade = weighted(rng, TRADES)
        small = rng.random() < 0.3
        placarded = rng.random() < PLACARDED_SHARE
        return self.unit(
            "ENTERPRISE", code, name, parent,
            credit_code=credit_code(n), trade=str(trade), high_risk=trade in HIGH_RISK_TRADES,
            staff_count=rng.randrange(3, 30) if small else rng.randrange(30, 800),
            risk_class=weighted(rng, RISK_CLASSES), placarded=placarded,
        )  # fmt: skip

    def person(self, registered: Row | None) -> int:
        pid = len(self.people) + 1
        now = self.now
        self.people.append({"id": pid, "name": f"演示人员{pid:0{self.name_width}d}", "id_number": id_number(pid),
                            "phone": None, "registered_unit_id": registered["id"] if registered else None,
                            "version": 1, "created_at": now, "updated_at": now})  # fmt: skip
        return pid

    def post(self, at: Row, kind: str, title: str, single: bool = True) -> int:
        pid = len(self.posts) + 1
        now = self.now
        self.posts.append({"id": pid, "unit_id": at["id"], "kind": kind, "title": title, "single_holder": single,
                           "archived_at": None, "version": 1, "created_at": now, "updated_at": now})  # fmt: skip
        return pid

    def hold(self, post_id: int, spans: list[Span]) -> None:
        self.tenures[post_id] = spans
        now = self.now
        for person_id, start, end in spans:
            self.assignments.append({"id": len(self.assignments) + 1, "post_id": post_id, "person_id": person_id,
                                     "start_date": start, "end_date": end, "corrects_id": None,
                                     "withdrawn": False, "note": None, "created_at": now,
                                     "ended_at": now if end else None, "version": 1})  # fmt: skip

    def charge(self, post_id: int, unit_id: int) -> None:
        self.charges.append({"id": len(self.charges) + 1, "post_id": post_id, "unit_id": unit_id,
                             "start_date": SINCE, "end_date": None, "created_at": self.now})  # fmt: skip

    def holder_on(self, post_id: int, day: date) -> int:
        for person_id, start, end in self.tenures[post_id]:
            if start <= day and (end is None or day <= end):
                return person_id
        raise AssertionError((post_id, day))


def period_rows(periods: Sequence[tuple[str, str, date, date, bool]], park_id: int, department_id: int,
                first_id: int, now: datetime) -> list[Row]:  # fmt: skip
    return [
        {"id": first_id + i, "unit_id": park_id if on_park else department_id, "kind": kind, "title": title,
         "start_date": start, "end_date": end, "corrects_id": None, "withdrawn": False, "reason": None,
         "created_at": now, "created_by": "system"}
        for i, (kind, title, start, end, on_park) in enumerate(periods)
    ]  # fmt: skip


@dataclass
class Calendar:
    """The days records fall on, by kind of record."""

    days: list[date]
    thursdays: list[date]
    key_days: list[date]
    weather_days: list[date]

    @classmethod
    def of(cls, year: int, periods: Sequence[tuple[str, str, date, date, bool]]) -> Calendar:
        days = day_range(date(year, 1, 1), date(year, 12, 31))
        return cls(
            days=days,
            thursdays=[d for d in days if d.isoweekday() == 4],
            key_days=[d for kind, _, s, e, _ in periods if kind == "KEY_DATE" for d in day_range(s, e)],
            weather_days=[
                d for kind, _, s, e, _ in periods if kind == "EXTREME_WEATHER" for d in day_range(s, e)
            ],
        )


def pick_recorders(
    rng: random.Random, recorders: dict[str, list[Recorder]], originals: int
) -> list[Recorder]:
    """Each group makes its share of the records, its posts in proportion to their diligence."""
    picks: list[Recorder] = []
    for group, share in SHARES.items():
        pool = recorders[group]
        if not pool and group != "PARK":
            continue  # (none of this group: the park's leaders make up the difference)
        count = round(originals * share) if group != "PARK" else originals - len(picks)
        picks += rng.choices(pool, weights=[r.weight for r in pool], k=count)
    rng.shuffle(picks)
    return picks


def choose_record(rng: random.Random, r: Recorder, cal: Calendar) -> tuple[str, date, int]:
    """(kind, day, enterprise covered) of a record by `r`."""
    kind = weighted(rng, MIX[r.kind])
    if kind == "REPORT" and r.kind == "ENTERPRISE_PRINCIPAL":
        day = rng.choice(cal.thursdays) if rng.random() < 0.8 else rng.choice(cal.days)  # a Thursday report
    elif kind == "ON_SITE":
        day = rng.choice(cal.key_days)
    elif kind == "ASSESSMENT" and rng.random() < 0.3:
        day = rng.choice(cal.weather_days)
    else:
        day = rng.choice(cal.days)
    if len(r.units) == 1:
        target = r.units[0]
    elif r.placarded and rng.random() < 0.7:
        target = rng.choice(r.placarded)
    else:
        target = rng.choice(r.units)
    return kind, day, target


def record_row(rid: int, kind: str, day: date, person_id: int, title: str, corrects: int | None,
               now: datetime) -> Row:  # fmt: skip
    return {
        "id": rid, "kind": kind, "performed_on": day, "title": title, "findings": None,
        "recorder": f"person:{person_id}", "recorder_person_id": person_id, "agency_id": None,
        "makeup_for": None, "participants": [], "attachments": [], "exempt_post_id": None,
        "exempt_person_id": None, "exempt_list_id": None, "exempt_item_key": None, "exempt_from": None,
        "exempt_to": None, "reason": None, "corrects_id": corrects, "withdrawn": False, "created_at": now,
    }  # fmt: skip


# --- database --------------------------------------------------------------------------------


def table_of(model: type[Base]) -> Table:
    """The model's table, for Core bulk inserts. A declarative model's `__table__` is typed as
    any FromClause; every model of this project is mapped to a plain Table, which this asserts."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


async def insert_rows(
    conn: AsyncConnection, model: type[Base] | Table, rows: Iterable[Row], chunk: int
) -> int:
    """Core executemany of `rows` into the model's table (or into `model`, a Table), `chunk`
    rows at a time."""
    table = model if isinstance(model, Table) else table_of(model)
    batch: list[Row] = []
    count = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            await conn.execute(insert(table), batch)
            count += len(batch)
            batch = []
    if batch:
        await conn.execute(insert(table), batch)
        count += len(batch)
    return count


async def reset_sequences(conn: AsyncConnection, tables: Iterable[str]) -> None:
    """On PostgreSQL, rows inserted with explicit ids leave the sequences behind."""
    if conn.dialect.name != "postgresql":
        return
    for name in tables:
        await conn.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
        )


async def adopt_lists(session: AsyncSession, park_ids: Sequence[tuple[int, str]], year: int) -> list[str]:
    """Load the catalogue (through the services) and have each park (id, code) adopt the
    lists of `ADOPTED`, effective from 1 January of the year before. Returns the codes."""
    await load_requirements(session)
    catalogue = select(DutyList.code, DutyList.id).where(DutyList.unit_id.is_(None))
    templates = dict((await session.execute(catalogue)).all())
    codes: list[str] = []
    for park_id, park_code in park_ids:
        for code in ADOPTED:
            lst = await adopt_template(
                session, template_id=templates[code], unit_id=park_id, code=f"{park_code}-{code}",
                effective_from=date(year - 1, 1, 1), actor=SYSTEM,
            )  # fmt: skip
            codes.append(lst.code)
    return codes
