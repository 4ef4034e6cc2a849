"""District defaults in the obligation facts: a list bound to a unit lies in one district
(districts are the roots of the tree), and each of its items whose frequency is a default
(basis DEFAULT) takes the district's rule from the district default's date. The item's
version span splits there: a period keeps the rule in force on its first day, as it keeps
the list version, so periods begun before the date keep the old frequency."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.defaults.models import DistrictFrequencyDefault, default_in_force
from domain.duties.obligations import ItemVersion, ListFacts
from domain.duties.rules import Rule, parse_rule
from domain.tree.models import OrgUnit

# By district path, then item key: the district's rules by effective date, oldest first.
Defaults = dict[str, dict[str, list[tuple[date, Rule]]]]


async def load_defaults(session: AsyncSession) -> Defaults:
    rows = await session.execute(
        select(
            OrgUnit.path,
            DistrictFrequencyDefault.item_key,
            DistrictFrequencyDefault.effective_from,
            DistrictFrequencyDefault.rule,
        )
        .join(OrgUnit, OrgUnit.id == DistrictFrequencyDefault.district_id)
        .where(default_in_force())
        .order_by(DistrictFrequencyDefault.effective_from, DistrictFrequencyDefault.id)
    )
    out: Defaults = defaultdict(lambda: defaultdict(list))
    for path, key, since, rule in rows.all():
        # Parsed per row, not shared: the calculator keys its period cache on the variant's
        # identity within an item, so each span of an item needs rules of its own.
        out[path][key].append((since, parse_rule(rule)))
    return out


def with_defaults(lists: list[ListFacts], defaults: Defaults) -> list[ListFacts]:
    """The lists with the items of DEFAULT basis split at their district's defaults."""
    if not defaults:
        return lists
    out = []
    for lst in lists:
        district = next((rules for path, rules in defaults.items() if lst.path.startswith(path)), None)
        if district is None:
            out.append(lst)
            continue
        items: list[ItemVersion] = []
        for item in lst.items:
            found = district.get(item.key)
            if found and item.rule.has_default_basis:
                items.extend(split(item, found))
            else:
                items.append(item)
        out.append(replace(lst, items=tuple(items)))
    return out


def split(item: ItemVersion, rules: list[tuple[date, Rule]]) -> list[ItemVersion]:
    """The item's span cut at each date of `rules` inside it, each part with its rule."""
    parts: list[ItemVersion] = []
    start, rule = item.effective_from, item.rule
    for since, replacement in rules:
        if item.effective_until is not None and since > item.effective_until:
            break
        if since <= start:
            rule = replacement
            continue
        parts.append(
            replace(item, rule=rule, effective_from=start, effective_until=since - timedelta(days=1))
        )
        start, rule = since, replacement
    parts.append(replace(item, rule=rule, effective_from=start))
    return parts
