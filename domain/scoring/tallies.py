"""Computing tallies from the evidence: obligations into leaf counts, hazards into sums.

A leaf key is (person id or None, post id or None, unit id, month, weight class, answering);
its value the counts (on time, late, missed) of the obligations with that key. An answering
leaf counts a holder's share of a post period that another share carries for the post: it
counts in the holder's score and in no unit's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, Select, bindparam, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.facts import Requested, load_facts
from domain.duties.obligations import Calculator, Facts, Judged, Obligation, Status
from domain.hazards.models import Hazard
from domain.posts.models import Assignment, Post, assignment_overlaps, effective_assignment
from domain.scoring.formula import (
    HazardFacts,
    PeriodKind,
    Sums,
    hazard_standing,
    month_of,
    period_end,
)
from domain.scoring.scheme import weight_class
from domain.tree.models import OrgUnit

LeafKey = tuple[int | None, int | None, int, date, str, bool]
Counts = list[int]  # [on_time, late, missed]
_INDEX = {Status.DONE_ON_TIME: 0, Status.DONE_LATE: 1, Status.MISSED: 2}


def obligation_unit(ob: Obligation | Judged, post_units: dict[int, int]) -> int:
    """The unit an obligation counts at: its post's, or a per-holder duty's first scope unit."""
    if ob.post_id is not None:
        return post_units[ob.post_id]
    return ob.scope_unit_ids[0]


def leaf_key(ob: Obligation | Judged, post_units: dict[int, int]) -> LeafKey:
    return (
        ob.person_id,
        ob.post_id,
        obligation_unit(ob, post_units),
        month_of(ob.period_end),
        str(weight_class(ob.variant.timing)),
        ob.answering,
    )


def tally(
    obligations: Iterable[Obligation | Judged], post_units: dict[int, int], since: date
) -> dict[LeafKey, Counts]:
    """Counted obligations by leaf key. A rebuild tallies millions of obligations: the
    weight class of a variant and the month of a day are worked out once each."""
    out: dict[LeafKey, Counts] = {}
    classes: dict[int, str] = {}
    months: dict[date, date] = {}
    index = _INDEX
    for ob in obligations:
        i = index.get(ob.status)
        if i is None or ob.period_end < since:
            continue
        variant = ob.variant
        cls = classes.get(id(variant))
        if cls is None:
            cls = classes[id(variant)] = str(weight_class(variant.timing))
        end = ob.period_end
        month = months.get(end)
        if month is None:
            month = months[end] = end.replace(day=1)
        unit = post_units[ob.post_id] if ob.post_id is not None else ob.scope_unit_ids[0]
        key = (ob.person_id, ob.post_id, unit, month, cls, ob.answering)
        counts = out.get(key)
        if counts is None:
            counts = out[key] = [0, 0, 0]
        counts[i] += 1
    return out


@dataclass(frozen=True)
class Selection:
    """Which obligations a change may touch: every share of `persons` (on any post, and
    their per-holder duties) and every share of `posts` (any holder, or vacant)."""

    persons: frozenset[int] = frozenset()
    posts: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.persons or self.posts)

    def selects(self, ob: Obligation | Judged) -> bool:
        return (ob.person_id is not None and ob.person_id in self.persons) or (
            ob.post_id is not None and ob.post_id in self.posts
        )


@cache
def _selected() -> Requested:
    """The selected posts and the posts the selected persons held in [selected_lo,
    selected_hi], as one statement built once (a UNION: an OR of subqueries would have
    PostgreSQL scan every post)."""
    return Requested(
        union(
            select(Post.id).where(Post.id.in_(bindparam("selected_posts", expanding=True))),
            select(Assignment.post_id).where(
                Assignment.person_id.in_(bindparam("selected_persons", expanding=True)),
                effective_assignment(),
                assignment_overlaps(
                    bindparam("selected_lo", type_=Date), bindparam("selected_hi", type_=Date)
                ),
            ),
        )
    )


async def selected_facts(
    session: AsyncSession,
    selection: Selection,
    lo: date,
    hi: date,
    fingerprint: tuple[Any, ...] | None = None,
) -> Facts:
    """The facts the selected obligations of periods overlapping [lo, hi] are computed from
    (`fingerprint`: as `load_facts` takes it)."""
    values = {
        "selected_posts": sorted(selection.posts),
        "selected_persons": sorted(selection.persons),
        "selected_lo": lo,
        "selected_hi": hi,
    }
    return await load_facts(session, _selected(), lo, hi, values, fingerprint)


def selected_from(
    facts: Facts, selection: Selection, lo: date, hi: date, today: date
) -> tuple[list[Judged], dict[int, int]]:
    """The statuses of the selected obligations, judged on `today`, and the unit of every
    post in the facts."""
    found = Calculator(facts, today).statuses(lo, hi, {p.id for p in facts.posts})
    post_units = {p.id: p.unit_id for p in facts.posts}
    return [o for o in found if selection.selects(o)], post_units


async def selected_obligations(
    session: AsyncSession, selection: Selection, lo: date, hi: date, today: date
) -> tuple[list[Judged], dict[int, int]]:
    """The statuses of the selected obligations of periods overlapping [lo, hi], judged on
    `today`, and the unit of every post in the facts."""
    return selected_from(await selected_facts(session, selection, lo, hi), selection, lo, hi, today)


async def chunk_obligations(
    session: AsyncSession, posts: Select[Any], lo: date, hi: date, today: date
) -> tuple[list[Obligation], dict[int, int]]:
    """Every obligation of the posts `posts` selects (per-holder duties of their holders
    included), for a rebuild."""
    facts = await load_facts(session, posts, lo, hi)
    wanted = set((await session.scalars(posts)).all())
    found = Calculator(facts, today).for_posts(lo, hi, wanted)
    return found, {p.id: p.unit_id for p in facts.posts}


async def chunk_statuses(
    session: AsyncSession, posts: Select[Any], lo: date, hi: date, today: date
) -> tuple[list[Judged], dict[int, int]]:
    """`chunk_obligations` without the evidence: what a rebuild tallies."""
    facts = await load_facts(session, posts, lo, hi)
    wanted = set((await session.scalars(posts)).all())
    return Calculator(facts, today).statuses(lo, hi, wanted), {p.id: p.unit_id for p in facts.posts}


# --- hazards ---------------------------------------------------------------------------


def hazard_facts_statement() -> Any:
    stmt = select(
        Hazard.id,
        Hazard.unit_id,
        Hazard.grade,
        Hazard.state,
        Hazard.found_on,
        Hazard.deadline,
        Hazard.closed_on,
    )
    return stmt


async def load_hazards(session: AsyncSession, where: Any, hi: date, lo: date) -> list[HazardFacts]:
    """Hazards matching `where` that can count in a period overlapping [lo, hi]."""
    rows = await session.execute(
        hazard_facts_statement().where(
            where, Hazard.found_on <= hi, or_(Hazard.closed_on.is_(None), Hazard.closed_on >= lo)
        )
    )
    return [HazardFacts(*r) for r in rows.all()]


def hazard_sums(
    hazards: Iterable[HazardFacts],
    periods: Sequence[tuple[PeriodKind, date]],
    as_of: date,
    scheme_of: Any,
) -> dict[tuple[int, str, date], Sums]:
    """The OWN hazard sums per (unit, period kind, period start) for the periods;
    `scheme_of(unit_id, kind, start)` gives the scheme."""
    out: dict[tuple[int, str, date], Sums] = defaultdict(Sums)
    # (kind, start, end, the day the period is judged on); a hazard found after that day or
    # closed before the start does not count (`hazard_standing` says None): such periods,
    # most of a province's, are passed over before the call.
    spans = [(k, s, e, min(e, as_of)) for k, s in periods for e in (period_end(k, s),)]
    for h in hazards:
        found_on, closed_on = h.found_on, h.closed_on
        for kind, start, end, judged in spans:
            if found_on > judged or (closed_on is not None and closed_on < start):
                continue
            standing = hazard_standing(h, start, end, as_of)
            if standing is None:
                continue
            out[(h.unit_id, str(kind), start)].add_hazard(
                h.grade, standing, scheme_of(h.unit_id, kind, start)
            )
    return dict(out)


def ancestors(path: str) -> list[int]:
    """The ids on a materialized path, root first, the unit itself last."""
    return [int(p) for p in path.strip("/").split("/") if p]


async def unit_places(session: AsyncSession, unit_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(path, kind) of each unit."""
    ids = sorted(set(unit_ids))
    out: dict[int, tuple[str, str]] = {}
    for i in range(0, len(ids), 5000):
        chunk = ids[i : i + 5000]
        rows = await session.execute(
            select(OrgUnit.id, OrgUnit.path, OrgUnit.kind).where(OrgUnit.id.in_(chunk))
        )
        out.update((r.id, (r.path, r.kind)) for r in rows)
    return out
