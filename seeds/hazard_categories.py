"""The hazard category library (seeds/hazards/categories.yaml): the 重大事故隐患 entries of
the national judgement standards of the common trades and general entries, loaded through
the service. Idempotent: a code already present is kept."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM
from domain.hazards.models import HazardCategory
from domain.hazards.service import create_category

CATEGORIES_FILE = Path(__file__).resolve().parent / "hazards" / "categories.yaml"


async def load_hazard_categories(session: AsyncSession) -> dict[str, int]:
    rows = yaml.safe_load(CATEGORIES_FILE.read_text(encoding="utf-8"))["categories"]
    known = set((await session.scalars(select(HazardCategory.code))).all())
    added = 0
    for row in rows:
        if row["code"] in known:
            continue
        await create_category(
            session,
            code=row["code"],
            name=row["name"],
            domain=row["domain"],
            major=bool(row["major"]),
            description=row.get("description"),
            basis=row.get("basis"),
            actor=SYSTEM,
        )
        added += 1
    return {"hazard_categories": added}
