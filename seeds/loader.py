"""Loads a dataset file (seeds/demo/demo.yaml) through the domain services, so demo data
passes exactly the checks that API input does. Loads only into an empty tree."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz import agencies, clients, policy
from authz.models import ClientKind
from domain.actors import SYSTEM
from domain.files.stores import BlobStore
from domain.people.service import create_person
from domain.posts import service as posts
from domain.posts.kinds import PostKind
from domain.posts.models import Post
from domain.scoring.maintain import rebuild
from domain.scoring.models import UnitScore
from domain.tree import service as tree
from domain.tree.kinds import RiskClass, Trade, UnitKind
from domain.tree.models import OrgUnit
from seeds.demo_duties import load_demo_duties
from seeds.demo_files import load_demo_files
from seeds.demo_hazards import load_demo_hazards
from seeds.demo_scoring import load_demo_scoring
from seeds.demo_tasks import load_demo_tasks
from seeds.hazard_categories import load_hazard_categories

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "demo.yaml"


async def is_empty(session: AsyncSession) -> bool:
    return not (await session.scalar(select(func.count()).select_from(OrgUnit)))


class _Loader:
    def __init__(self, session: AsyncSession, today: date, store: BlobStore | None) -> None:
        self.session = session
        self.today = today
        self.store = store
        self.people: dict[str, int] = {}
        # Districts and enterprises by code (unique in the dataset), for grants and contracts.
        self.units: dict[str, OrgUnit] = {}
        self.parks: list[OrgUnit] = []

    async def person(self, row: dict[str, Any]) -> None:
        person = await create_person(
            self.session,
            name=row["name"],
            id_number=str(row["id_number"]),
            phone=str(row["phone"]),
            today=self.today,
        )
        self.people[row["key"]] = person.id

    async def unit(
        self,
        kind: UnitKind,
        row: dict[str, Any],
        parent: OrgUnit | None,
        enterprise: tree.EnterpriseAttrs | None = None,
    ) -> OrgUnit:
        unit = await tree.create_unit(
            self.session,
            kind=kind,
            code=row["code"],
            name=row["name"],
            parent_id=parent.id if parent else None,
            enterprise=enterprise,
            today=self.today,
        )
        if kind in (UnitKind.DISTRICT, UnitKind.ENTERPRISE):
            self.units[unit.code] = unit
        return unit

    async def posts(self, unit: OrgUnit, rows: list[dict[str, Any]], codes: dict[str, int]) -> None:
        for row in rows:
            holders = row.get("holders", [])
            since = min((h["start"] for h in holders), default=self.today)
            post = await posts.create_post(
                self.session,
                unit_id=unit.id,
                kind=PostKind(row["kind"]),
                title=row.get("title"),
                in_charge_of=[codes[c] for c in row.get("in_charge_of", [])],
                today=since,
            )
            for h in holders:
                await posts.assign(
                    self.session,
                    post_id=post.id,
                    person_id=self.people[h["person"]],
                    start_date=h["start"],
                    end_date=h.get("end"),
                    note=h.get("note"),
                )

    async def responsible(self, unit: OrgUnit, row: dict[str, Any]) -> None:
        keys = {
            PostKind.ADMINISTRATIVE_RESPONSIBLE: row["administrative"],
            PostKind.SUPERVISORY_RESPONSIBLE: row["supervisory"],
            PostKind.ENTERPRISE_RESPONSIBLE: row["enterprise"],
        }
        found = (await self.session.scalars(select(Post).where(Post.unit_id == unit.id))).all()
        by_kind = {PostKind(p.kind): p for p in found}
        for kind, person_key in keys.items():
            await posts.assign(
                self.session,
                post_id=by_kind[kind].id,
                person_id=self.people[person_key],
                start_date=row["since"],
            )

    async def load(self, data: dict[str, Any]) -> dict[str, int]:
        for row in data.get("people", []):
            await self.person(row)
        counts = {"units": 0, "enterprises": 0}
        for d in data.get("districts", []):
            district = await self.unit(UnitKind.DISTRICT, d, None)
            counts["units"] += 1
            for p in d.get("parks", []):
                park = await self.unit(UnitKind.PARK, p, district)
                self.parks.append(park)
                counts["units"] += 1
                codes: dict[str, int] = {}
                pending: list[tuple[OrgUnit, dict[str, Any]]] = []
                for dep in p.get("departments", []):
                    department = await self.unit(UnitKind.DEPARTMENT, dep, park)
                    counts["units"] += 1
                    codes[dep["code"]] = department.id
                    pending.append((department, dep))
                await self.posts(park, p.get("posts", []), codes)
                for department, dep in pending:
                    await self.posts(department, dep.get("posts", []), codes)
                    for e in dep.get("enterprises", []):
                        attrs = tree.EnterpriseAttrs(
                            credit_code=e["credit_code"],
                            trade=Trade(e["trade"]),
                            staff_count=int(e["staff_count"]),
                            placarded=bool(e.get("placarded", False)),
                            risk_class=RiskClass(e["risk_class"]) if e.get("risk_class") else None,
                        )
                        ent = await self.unit(UnitKind.ENTERPRISE, e, department, attrs)
                        counts["units"] += 1
                        counts["enterprises"] += 1
                        await self.posts(ent, e.get("posts", []), codes)
                        if e.get("responsible"):
                            await self.responsible(ent, e["responsible"])
        counts["people"] = len(self.people)
        counts |= await self.access(data)
        parks = [u for u in self.parks]
        counts |= await load_demo_duties(self.session, parks, self.today)
        counts |= await load_hazard_categories(self.session)
        counts |= await load_demo_hazards(self.session, parks, self.today)
        counts |= await load_demo_tasks(self.session, parks, self.today)
        if self.store is not None:
            counts |= await load_demo_files(self.session, self.store)
        # Scores are derived from all of the above: built once, then kept current.
        await rebuild(self.session, self.today)
        counts |= await load_demo_scoring(self.session, self.today)
        counts["unit_scores"] = await self.session.scalar(select(func.count()).select_from(UnitScore)) or 0
        return counts

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    async def access(self, data: dict[str, Any]) -> dict[str, int]:
        """Admins' grants, agencies with their staff, contracts and clients, district systems."""
        counts = {"role_grants": 0, "agencies": 0, "contracts": 0, "clients": 0}
        for row in data.get("role_grants", []):
            # Through the policy service: validated, audited, authorization marked to refresh.
            unit = self.units[row["unit"]] if row.get("unit") else None
            await policy.grant_role(
                self.session,
                actor=SYSTEM,
                subject=f"person:{self.people[row['person']]}",
                role=row["role"],
                unit_id=unit.id if unit else None,
                subtree=True,
                start_date=self.day(int(row.get("start_days", 0))),
                note=row.get("note"),
            )
            counts["role_grants"] += 1
        for a in data.get("agencies", []):
            agency = await agencies.create_agency(
                self.session, actor=SYSTEM, name=a["name"], credit_code=a["credit_code"]
            )
            counts["agencies"] += 1
            for m in a.get("members", []):
                end = m.get("end_days")
                await agencies.add_agency_member(
                    self.session,
                    actor=SYSTEM,
                    agency_id=agency.id,
                    person_id=self.people[m["person"]],
                    start_date=self.day(int(m["start_days"])),
                    end_date=self.day(int(end)) if end is not None else None,
                )
            for c in a.get("contracts", []):
                await agencies.create_contract(
                    self.session,
                    actor=SYSTEM,
                    agency_id=agency.id,
                    code=c["code"],
                    start_date=self.day(int(c["start_days"])),
                    end_date=self.day(int(c["end_days"])),
                    unit_ids=[self.units[code].id for code in c["enterprises"]],
                )
                counts["contracts"] += 1
            for c in a.get("clients", []):
                await clients.create_client(
                    self.session, actor=SYSTEM, name=c["name"], kind=ClientKind.AGENCY, agency_id=agency.id
                )
                counts["clients"] += 1
        for c in data.get("district_clients", []):
            await clients.create_client(
                self.session,
                actor=SYSTEM,
                name=c["name"],
                kind=ClientKind.DISTRICT_SYSTEM,
                unit_id=self.units[c["district"]].id,
            )
            counts["clients"] += 1
        return counts


def read_dataset(path: Path = DEMO_FILE) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


async def load_dataset(
    session: AsyncSession, path: Path = DEMO_FILE, *, today: date, store: BlobStore | None = None
) -> dict[str, int]:
    """Load `path` into an empty database in the session's transaction (no commit); with a
    blob store, the demo's evidence files too (their content into `store`)."""
    if not await is_empty(session):
        raise RuntimeError(
            "the database already holds organisation units; demo data loads only into an empty one"
        )
    # A small file read once, before any statement: blocking here costs nothing.
    data = read_dataset(path)
    return await _Loader(session, today, store).load(data)
