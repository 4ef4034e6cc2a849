"""`load_facts`: the posts in play, their holders, charges and unit profiles, the lists,
critical periods, records, exemptions and enterprises, in a fixed number of statements."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    literal,
    null,
    or_,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.delegations.models import DutyDelegation
from domain.duties.delegations.reading import delegations_of_posts
from domain.duties.facts.lists import lists_and_events, local_date
from domain.duties.facts.records import MAX_LISTED_PERSONS, load_exemptions, load_records_and_exemptions
from domain.duties.facts.windows import grace_days, record_window, widened_by_events
from domain.duties.obligations import (
    Charge,
    Facts,
    PostFacts,
    Tenure,
)
from domain.duties.rules import UnitFacts
from domain.people.models import Person
from domain.posts.models import Assignment, Post, PostCharge, assignment_overlaps, effective_assignment
from domain.tree.models import EnterpriseProfile, OrgUnit, subtree_upper_bound


class Requested:
    """A statement of post ids (with bind parameters, or none) and the statement built on it
    that reads the posts in play. A hot path keeps one `Requested` for the life of the
    process and passes its parameters per call: building a statement costs more Python than
    running it (about a millisecond for these), compiling it again nothing (cached)."""

    def __init__(self, stmt: Select[Any] | CompoundSelect[Any]) -> None:
        requested = stmt.subquery()
        window = (bindparam("facts_start", type_=Date), bindparam("facts_end", type_=Date))
        holders = (
            select(Assignment.person_id)
            .where(
                Assignment.post_id.in_(select(requested.c[0])),
                effective_assignment(),
                assignment_overlaps(*window),
            )
            .scalar_subquery()
        )
        wider = select(Assignment.post_id).where(
            Assignment.person_id.in_(holders), effective_assignment(), assignment_overlaps(*window)
        )
        # The posts in play: the requested ones and the other posts of their holders (a
        # UNION: an OR of subqueries has PostgreSQL scan every post and assignment).
        self.in_play = union(select(requested.c[0]), wider).subquery()
        self.rows = (
            select(
                Post.id,
                Post.unit_id,
                Post.kind,
                Post.created_at,
                Post.archived_at,
                OrgUnit.path,
                OrgUnit.trade,
                OrgUnit.high_risk,
                OrgUnit.staff_count,
                OrgUnit.risk_class,
                OrgUnit.placarded,
            )
            .join(OrgUnit, OrgUnit.id == Post.unit_id)
            .where(Post.id.in_(select(self.in_play.c[0])))
        )


# The rows of `_around`, tagged: a tenure, a 分管 charge or an enterprise profile.
_TENURE, _CHARGE, _PROFILE = 1, 2, 3


def _around(posts: Any, units: Any) -> Any:
    """The tenures and charges of the posts and the profile histories of the units (each an
    expanding bind parameter or a statement of ids), in one
    statement (a UNION ALL of tagged rows; a record write reads them all every time): tag,
    post or unit, a person or a unit, the first and last day, and a charge's path or a
    profile's fields. Tenures come by post and first day, profiles by unit, day and id."""

    def absent(type_: Any) -> Any:
        return cast(null(), type_)

    tenures = select(
        literal(_TENURE, Integer).label("tag"),
        Assignment.post_id.label("owner"),
        Assignment.person_id.label("other"),
        Assignment.start_date.label("first"),
        Assignment.end_date.label("last"),
        absent(String).label("path"),
        absent(String).label("trade"),
        absent(Boolean).label("high_risk"),
        absent(Integer).label("staff_count"),
        absent(String).label("risk_class"),
        absent(Boolean).label("placarded"),
        Assignment.id.label("row_id"),
    ).where(Assignment.post_id.in_(posts), effective_assignment())
    charges = (
        select(
            literal(_CHARGE, Integer),
            PostCharge.post_id,
            PostCharge.unit_id,
            PostCharge.start_date,
            PostCharge.end_date,
            OrgUnit.path,
            absent(String),
            absent(Boolean),
            absent(Integer),
            absent(String),
            absent(Boolean),
            PostCharge.id,
        )
        .join(OrgUnit, OrgUnit.id == PostCharge.unit_id)
        .where(PostCharge.post_id.in_(posts))
    )
    profiles = select(
        literal(_PROFILE, Integer),
        EnterpriseProfile.unit_id,
        absent(Integer),
        EnterpriseProfile.effective_from,
        absent(Date),
        absent(String),
        EnterpriseProfile.trade,
        EnterpriseProfile.high_risk,
        EnterpriseProfile.staff_count,
        EnterpriseProfile.risk_class,
        EnterpriseProfile.placarded,
        EnterpriseProfile.id,
    ).where(EnterpriseProfile.unit_id.in_(units))
    everything = union_all(tenures, charges, profiles).subquery()
    c = everything.c
    return select(everything).order_by(c.tag, c.owner, c.first, c.row_id)


@cache
def _around_listed() -> Any:
    """`_around` of listed posts (`post_ids`) and units (`unit_ids`): built once."""
    return _around(bindparam("post_ids", expanding=True), bindparam("unit_ids", expanding=True))


async def load_facts(
    session: AsyncSession,
    posts: Select[Any] | CompoundSelect[Any] | Requested,
    lo: date,
    hi: date,
    params: dict[str, Any] | None = None,
    fingerprint: tuple[Any, ...] | None = None,
    *,
    records: bool = True,
) -> Facts:
    """Facts for obligations of periods overlapping [lo, hi] of the posts `posts` selects
    (a statement returning post ids; `params`: the values of its bind parameters), and of
    the other posts their holders held then (a per-holder duty spans all of a person's
    posts). `records=False`: everything but the records (none), for a caller that reads
    only those of a few shares later (`records_between`)."""
    lists, every_event = await lists_and_events(session, fingerprint)
    start, end = record_window(lists, lo, hi)
    # Critical periods whose duty (to their end plus the grace days) reaches the window; the
    # window then runs from the first day of any of them (its holders, records, exemptions).
    reach = min(start, lo - timedelta(days=grace_days(lists)))
    events = [e for e in every_event if e.end >= reach and e.start <= end]
    start = widened_by_events(events, start)
    requested = posts if isinstance(posts, Requested) else Requested(posts)
    values = {**(params or {}), "facts_start": start, "facts_end": end}
    post_rows = (await session.execute(requested.rows, values)).all()
    ids = [r.id for r in post_rows]
    tenures: dict[int, list[Tenure]] = defaultdict(list)
    charges: dict[int, list[Charge]] = defaultdict(list)
    history: dict[int, list[tuple[date, UnitFacts]]] = defaultdict(list)
    # The next statement names the posts in play (a park's thousands included); past the
    # parameter limits of SQLite and asyncpg it selects them again.
    if len(ids) <= MAX_LISTED_PERSONS:
        around = _around_listed()
        named: dict[str, Any] = {"post_ids": sorted(ids), "unit_ids": sorted({r.unit_id for r in post_rows})}
    else:
        in_play = select(requested.in_play.c[0])
        around, named = _around(in_play, select(Post.unit_id).where(Post.id.in_(in_play))), values
    for r in (await session.execute(around, named)).all() if ids else ():
        if r.tag == _TENURE:
            tenures[r.owner].append(Tenure(r.owner, r.other, r.first, r.last))
        elif r.tag == _CHARGE:
            charges[r.owner].append(Charge(r.other, r.path, r.first, r.last))
        else:
            rows = history[r.owner]
            facts = UnitFacts(r.trade, r.high_risk, r.staff_count, r.risk_class, r.placarded)
            if rows and rows[-1][0] == r.first:
                rows[-1] = (r.first, facts)  # the day's last change wins
            else:
                rows.append((r.first, facts))
    facts_posts = []
    for r in post_rows:
        first_held = min((t.start for t in tenures.get(r.id, ())), default=None)
        created = local_date(r.created_at) or lo
        facts_posts.append(
            PostFacts(
                id=r.id,
                unit_id=r.unit_id,
                path=r.path,
                kind=r.kind,
                facts=UnitFacts(r.trade, r.high_risk, r.staff_count, r.risk_class, r.placarded),
                start=min(created, first_held) if first_held else created,
                end=local_date(r.archived_at),
                charges=tuple(charges.get(r.id, ())),
                history=tuple(history.get(r.unit_id, ())),
            )
        )
    # Delegations of the posts in play: their delegates' records may count for the posts.
    if not ids:
        delegations = []
    elif len(ids) <= MAX_LISTED_PERSONS:
        delegations = await delegations_of_posts(session, sorted(ids), start, end)
    else:
        delegations = await delegations_of_posts(session, select(requested.in_play.c[0]), start, end, values)
    persons = {t.person_id for ts in tenures.values() for t in ts}
    persons |= {d.delegate_person_id for d in delegations}
    # Past the parameter limits the holders (and delegates) are a subquery, its values bound in.
    holders_of_posts = (
        None
        if len(persons) <= MAX_LISTED_PERSONS
        else select(Person.id)
        .where(
            or_(
                Person.id.in_(
                    select(Assignment.person_id).where(
                        Assignment.post_id.in_(select(requested.in_play.c[0])), effective_assignment()
                    )
                ),
                Person.id.in_(
                    select(DutyDelegation.delegate_person_id).where(
                        DutyDelegation.post_id.in_(select(requested.in_play.c[0]))
                    )
                ),
            )
        )
        .params(values)
    )
    if records:
        found, exemptions = await load_records_and_exemptions(
            session, persons, sorted(ids), holders_of_posts, start, end
        )
    else:
        found, exemptions = [], await load_exemptions(session, start, end, sorted(ids), persons)
    roots = sorted({p.path for p in facts_posts} | {c.path for p in facts_posts for c in p.charges})
    # Only coverage rules look at the enterprises under the posts: a front-line post's facts
    # (what most record writes load) need none of them.
    covering = any(
        v.timing.coverage is not None
        for lst in lists
        if any(lst.applies_to(p) for p in facts_posts)
        for item in lst.items
        for v in item.rule.variants
    )
    enterprises = await _load_enterprises(session, roots) if covering else []
    placards: dict[int, list[tuple[date, bool]]] = defaultdict(list)
    if enterprises:
        ids = [uid for _, uid, _ in enterprises]
        chosen = EnterpriseProfile.unit_id.in_(ids) if len(ids) <= MAX_LISTED_PERSONS else true()
        for uid, since, placarded in (
            await session.execute(
                select(
                    EnterpriseProfile.unit_id, EnterpriseProfile.effective_from, EnterpriseProfile.placarded
                )
                .where(chosen)
                .order_by(EnterpriseProfile.unit_id, EnterpriseProfile.effective_from, EnterpriseProfile.id)
            )
        ).all():
            marks = placards[uid]
            if marks and marks[-1][0] == since:
                marks[-1] = (since, placarded)  # the day's last change wins
            else:
                marks.append((since, placarded))
    return Facts(
        posts=facts_posts,
        lists=lists,
        tenures=dict(tenures),
        records=found,
        events=events,
        exemptions=exemptions,
        delegations=delegations,
        enterprises=enterprises,
        placards=dict(placards),
        record_source=(persons, holders_of_posts, start, end),
    )


async def _load_enterprises(session: AsyncSession, roots: list[str]) -> list[tuple[str, int, bool]]:
    """Enterprises under the roots (coverage targets), not archived."""
    top: list[str] = []
    for path in roots:  # sorted: a root's descendants follow it
        if not top or not path.startswith(top[-1]):
            top.append(path)
    if not top:
        return []
    stmt = select(OrgUnit.path, OrgUnit.id, OrgUnit.placarded).where(
        OrgUnit.kind == "ENTERPRISE", OrgUnit.archived_at.is_(None)
    )
    if len(top) <= 50:
        stmt = stmt.where(or_(*(and_(OrgUnit.path >= p, OrgUnit.path < subtree_upper_bound(p)) for p in top)))
    rows = (await session.execute(stmt)).all()
    return [(r.path, r.id, bool(r.placarded)) for r in rows if any(r.path.startswith(p) for p in top)]
