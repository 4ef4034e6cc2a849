"""The requirement catalogue: every duty list and requirement of the source documents, as
data (seeds/requirements/*.yaml), loaded as catalogue templates (lists bound to no unit)
through the duty-list service, so each rule passes the same validation as API input.

Loading is idempotent: a source or list already present (by file name or code) is kept.
A unit adopts a template to make it its own (`adoptDutyListTemplate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM, Actor
from domain.duties.lists import ItemInput, create_duty_list
from domain.duties.models import DutyList, DutySource

REQUIREMENTS_DIR = Path(__file__).resolve().parent / "requirements"


@dataclass(frozen=True)
class Catalogue:
    documents: list[dict[str, Any]]

    @property
    def lists(self) -> list[dict[str, Any]]:
        return [lst for doc in self.documents for lst in doc["lists"]]

    @property
    def items(self) -> list[dict[str, Any]]:
        return [item for lst in self.lists for item in lst["items"]]


def read_catalogue(directory: Path = REQUIREMENTS_DIR) -> Catalogue:
    documents = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["_path"] = path.name
        documents.append(data)
    return Catalogue(documents)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def load_requirements(
    session: AsyncSession, catalogue: Catalogue | None = None, *, actor: Actor = SYSTEM
) -> dict[str, int]:
    """Load the catalogue's sources and template lists that are not there yet."""
    catalogue = catalogue or read_catalogue()
    counts = {"sources": 0, "lists": 0, "items": 0}
    for doc in catalogue.documents:
        meta = doc["document"]
        source = await session.scalar(select(DutySource).where(DutySource.file == meta["file"]))
        if source is None:
            source = DutySource(
                file=meta["file"],
                issuer=meta["issuer"],
                number=meta.get("number"),
                issued_on=_date(meta["date"]),
                title=meta["title"],
                note=meta.get("note"),
            )
            session.add(source)
            await session.flush()
            counts["sources"] += 1
        for lst in doc["lists"]:
            if await session.scalar(select(DutyList.id).where(DutyList.code == lst["code"])):
                continue
            await create_duty_list(
                session,
                code=lst["code"],
                name=lst["name"],
                post_kinds=lst["post_kinds"],
                unit_id=None,
                effective_from=_date(meta["date"]),
                items=[
                    ItemInput(
                        key=item["key"],
                        text=item["text"],
                        rule=item.get("rule"),
                        source_id=source.id,
                        source_clause=item.get("clause"),
                        note=item.get("note"),
                        meta=item.get("meta"),
                    )
                    for item in lst["items"]
                ],
                actor=actor,
                source_id=source.id,
                source_clause=lst.get("source_clause"),
                targets=[(name, None) for name in lst.get("target_departments", ())],
            )
            counts["lists"] += 1
            counts["items"] += len(lst["items"])
    return counts
