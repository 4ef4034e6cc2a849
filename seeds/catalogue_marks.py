"""For installs whose catalogue predates the rules' marks: whether a frequency is the
document's or the platform's (`basis`) and whether the holder may delegate the duty
(`delegable`). Lists adopted from the catalogue (and the templates themselves) copied the
rules as they were; duty items are evidence and never change, so each list whose latest
version holds a catalogue duty that differs from the catalogue's in those marks only gets a
new version, from the day this runs, with the marks. Timings are never touched: a list a
unit revised to other frequencies keeps them. Run by `python -m api load-catalogue`
(idempotent)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.duties.models import DutyItem, DutyList, DutyListVersion
from domain.duties.retire import revise_items
from domain.duties.rules import parse_rule
from seeds.requirements import Catalogue, read_catalogue

NOTE = "标注频次依据（文件规定或园区自定）与可否委托，频次不变"
MARKS = ("basis", "delegable")


def _unmarked(rule: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in rule.items() if k not in MARKS}
    if "variants" in out:
        out["variants"] = [
            {k: v for k, v in variant.items() if k not in MARKS} for variant in out["variants"]
        ]
    return out


def marked_rules(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """The catalogue's rules that carry a mark, canonical, by duty key."""
    out: dict[str, dict[str, Any]] = {}
    for item in catalogue.items:
        if item.get("rule"):
            rule = parse_rule(item["rule"]).to_dict()
            if rule != _unmarked(rule):
                out[item["key"]] = rule
    return out


async def carry_rule_marks(
    session: AsyncSession, *, today: date, actor: Actor, catalogue: Catalogue | None = None
) -> dict[str, int]:
    marked = marked_rules(catalogue or read_catalogue())
    holding = (
        select(DutyList)
        .where(DutyList.id.in_(_lists_holding(sorted(marked))))
        .order_by(DutyList.unit_id.is_not(None), DutyList.id)
    )
    versions = 0
    for lst in (await session.scalars(holding)).all():

        def rule_of(item: DutyItem) -> dict[str, Any] | None:
            wanted = marked.get(item.key)
            if wanted is None or item.rule is None or _unmarked(item.rule) != _unmarked(wanted):
                return item.rule  # not a catalogue duty, or its timing was revised: kept
            return wanted

        version = await revise_items(session, lst, rule_of, note=NOTE, actor=actor, today=today)
        versions += version is not None
    return {"marked_versions": versions}


def _lists_holding(keys: list[str]) -> Any:
    """Ids of lists any of whose versions holds one of the keys."""
    return (
        select(DutyListVersion.list_id)
        .join(DutyItem, DutyItem.version_id == DutyListVersion.id)
        .where(DutyItem.key.in_(keys))
        .distinct()
    )
