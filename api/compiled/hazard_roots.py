"""The hazard ledger's root fields on the compiled read path: `hazards`,
`majorHazardBoard` and `hazardCategories`, as `api/hazards/queries.py` reads them (the
ledger is `_ledger` there, filter for filter; the types are in `api.compiled.hazards`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, func, select

from api.compiled.build import Build
from api.compiled.fields import Fallback, Field
from api.compiled.hazards import CATEGORY, HAZARD
from api.compiled.scalars import arg as get
from api.compiled.tree import unit_id_arg, visible_unit_path
from api.ids import try_decode_id
from authz.visibility.hazards import categories_visible, hazards_visible
from domain.hazards import ledger
from domain.hazards import states as st
from domain.hazards.ledger import BOARD_ORDER, CATEGORY_ORDER, HAZARD_ORDER
from domain.hazards.models import Hazard
from domain.tree.models import OrgUnit


def _values(given: Any, name: str, snake: str) -> list[Any] | None:
    found = get(given, name, get(given, snake))
    return list(found) if found else None


def _ledger(b: Build, unit_arg: Any, unit_given: bool) -> Any:
    """`_ledger` of the resolver before its filters: visible hazards, of a unit's subtree
    (a unit the caller may read; another or none: nothing) if one is given."""
    stmt = select(Hazard).where(hazards_visible(b.reach))
    if not unit_given:
        return stmt
    unit_id = unit_id_arg(unit_arg)
    if unit_id is None:
        return stmt.where(false())
    path = visible_unit_path(b, unit_id)
    upper = func.substr(path, 1, func.length(path) - 1).concat("0")
    units = select(OrgUnit.id).where(OrgUnit.path >= path, OrgUnit.path < upper)
    return stmt.where(Hazard.unit_id.in_(units))


def hazards(b: Build, f: Field) -> str:
    """`Query.hazards`: the ledger, filter for filter, oldest found first."""
    args = b.sel.args(f)
    stmt = _ledger(b, args.get("unitId"), args.get("unitId") is not None)
    flt = args.get("filter")
    if flt is not None:
        stmt = _filtered(b, stmt, flt)
    return b.connection(f, HAZARD, stmt, HAZARD_ORDER)


def major_hazard_board(b: Build, f: Field) -> str:
    """`Query.majorHazardBoard`: open major hazards of a unit's subtree, by deadline."""
    stmt = _ledger(b, b.sel.args(f).get("parkId"), True)
    flt = {"grades": [st.Grade.MAJOR], "states": sorted(st.OPEN_STATES)}
    return b.connection(f, HAZARD, _filtered(b, stmt, flt), BOARD_ORDER)


def hazard_categories(b: Build, f: Field) -> str:
    """`Query.hazardCategories`: the library, by domain and majority if given."""
    args = b.sel.args(f)
    domain, major = args.get("domain"), args.get("major")
    stmt = ledger.categories(
        categories_visible(b.reach),
        domain=st.HazardDomain(domain).value if domain is not None else None,
        major=bool(major) if major is not None else None,
    )
    return b.connection(f, CATEGORY, stmt, CATEGORY_ORDER)


def _filtered(b: Build, stmt: Any, flt: Any) -> Any:
    grades = _values(flt, "grades", "grades")
    states = _values(flt, "states", "states")
    grade_values = [st.Grade(g).value for g in grades] if grades else None
    state_values = [st.HazardState(s).value for s in states] if states else None
    ids = None
    categories = _values(flt, "categoryIds", "category_ids")
    if categories:
        from strawberry import relay

        try:
            gids = [c if isinstance(c, relay.GlobalID) else relay.GlobalID.from_id(c) for c in categories]
        except Exception as exc:  # not global IDs: the resolver path reports them
            raise Fallback("categoryIds") from exc
        ids = [try_decode_id(c, "HazardCategory") or 0 for c in gids]
    sources = _values(flt, "sources", "sources")
    wanted = ledger.LedgerFilter(
        grades=grade_values,
        states=state_values,
        category_ids=ids,
        sources=[st.Source(s).value for s in sources] if sources else None,
        overdue=get(flt, "overdue"),
        found_from=get(flt, "foundFrom", get(flt, "found_from")),
        found_to=get(flt, "foundTo", get(flt, "found_to")),
    )
    return ledger.filtered(stmt, wanted, b.today)
