"""Reading scores: the district dashboard's statements (built once per dialect)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.scoring.formula import PeriodKind, ScoreScope
from domain.scoring.models import UnitScore
from domain.scoring.queries import dashboard
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit
from tests import factories as f

YEAR = date(2026, 1, 1)


def _score(
    unit: OrgUnit, district: OrgUnit, park: OrgUnit | None, score: float | None, **kw: object
) -> UnitScore:
    values: dict[str, object] = {
        "unit_id": unit.id,
        "scope": ScoreScope.TREE.value,
        "period_kind": PeriodKind.YEAR.value,
        "period_start": YEAR,
        "district_id": district.id,
        "park_id": park.id if park else None,
        "unit_kind": unit.kind,
        "score": score,
        **kw,
    }
    return UnitScore(**values)


async def test_the_dashboard_lists_each_parks_lowest_scored_enterprises(session: AsyncSession) -> None:
    district = await f.district(session)
    other_district = await f.district(session)
    parks = [await f.unit(session, UnitKind.PARK, district) for _ in range(2)]
    elsewhere = await f.unit(session, UnitKind.PARK, other_district)
    firms = {p.id: [await f.enterprise(session, p) for _ in range(4)] for p in [*parks, elsewhere]}
    rows = [_score(p, district, p, 80.0 + i, missed=i) for i, p in enumerate(parks)]
    rows.append(_score(elsewhere, other_district, elsewhere, 10.0))
    # Park 0: 70, 50, 50 (tie: by unit id), none counted; park 1: 90, 20, 60, 40.
    enterprise_scores: list[tuple[OrgUnit, list[float | None]]] = [
        (parks[0], [70.0, 50.0, 50.0, None]),
        (parks[1], [90.0, 20.0, 60.0, 40.0]),
    ]
    for park, scores in enterprise_scores:
        rows += [_score(e, district, park, s) for e, s in zip(firms[park.id], scores, strict=True)]
    rows += [_score(e, other_district, elsewhere, 1.0) for e in firms[elsewhere.id]]
    # Another period and the unit's own score are not the dashboard's.
    rows.append(_score(firms[parks[0].id][0], district, parks[0], 0.0, period_kind="MONTH"))
    rows.append(_score(firms[parks[1].id][0], district, parks[1], 0.0, scope=ScoreScope.OWN.value))
    session.add_all(rows)
    await session.flush()

    found, low, units = await dashboard(session, district.id, PeriodKind.YEAR, YEAR, lowest=2)

    assert [(p.unit_id, p.score, p.missed) for p in found] == [(parks[0].id, 80.0, 0), (parks[1].id, 81.0, 1)]
    a, b = firms[parks[0].id], firms[parks[1].id]
    assert {park: [(e.unit_id, e.score) for e in rows_] for park, rows_ in low.items()} == {
        parks[0].id: [(a[1].id, 50.0), (a[2].id, 50.0)],
        parks[1].id: [(b[1].id, 20.0), (b[3].id, 40.0)],
    }
    assert set(units) == {parks[0].id, parks[1].id, a[1].id, a[2].id, b[1].id, b[3].id}
    assert units[b[1].id].name == b[1].name

    _, more, _ = await dashboard(session, district.id, PeriodKind.YEAR, YEAR, lowest=10)
    assert [e.score for e in more[parks[0].id]] == [50.0, 50.0, 70.0]
    assert len(more[parks[1].id]) == 4
    _, none, _ = await dashboard(session, district.id, PeriodKind.YEAR, YEAR, lowest=0)
    assert none == {}
    assert await dashboard(session, district.id, PeriodKind.MONTH, date(2026, 2, 1)) == ([], {}, {})
