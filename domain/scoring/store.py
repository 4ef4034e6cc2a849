"""Writing tallies and scores: applying deltas to the leaf counts and to every unit score
they roll up into, and the scheme book that decides which version scores a period."""

from __future__ import annotations

import copy
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.scoring.formula import PeriodKind, ScoreScope, Sums, periods_of_month, score_of
from domain.scoring.models import ScoreSchemeVersion, ScoreTally, UnitScore
from domain.scoring.scheme import Scheme, WeightClass, load_scheme
from domain.scoring.tallies import Counts, LeafKey, ancestors
from domain.tree.models import OrgUnit

RollupKey = tuple[int, str, str, date]  # unit, scope, period kind, period start


class _Version(NamedTuple):
    id: int
    district_id: int | None
    number: int
    effective_from: date
    weights: dict[str, Any]


# What identifies the scheme versions stored: they are only ever added (a new version is a
# new row), and ids may be used again after a rollback (SQLite), which the last creation
# time tells apart.
SCHEME_FINGERPRINT = (
    select(func.count(ScoreSchemeVersion.id)).scalar_subquery(),
    select(func.max(ScoreSchemeVersion.id)).scalar_subquery(),
    select(func.max(ScoreSchemeVersion.created_at)).scalar_subquery(),
)
_BOOKS: dict[tuple[Any, ...], SchemeBook] = {}


class SchemeBook:
    """Every scheme version, by district; a period takes its district's version in force on
    its first day, or the platform default's."""

    def __init__(self, versions: Iterable[ScoreSchemeVersion | _Version]) -> None:
        by: dict[int | None, list[tuple[date, int, int, Scheme]]] = defaultdict(list)
        self.schemes: dict[int, Scheme] = {}
        for v in versions:
            scheme = load_scheme(v.weights)
            self.schemes[v.id] = scheme
            by[v.district_id].append((v.effective_from, v.number, v.id, scheme))
        for rows in by.values():
            rows.sort(key=lambda r: (r[0], r[1]))
        self._by = dict(by)
        self._days = {k: [r[0] for r in rows] for k, rows in self._by.items()}
        # Answers of `version`, kept: the versions never change within a book. A rebuild asks
        # for a province's every unit and period, a million times.
        self._versions: dict[tuple[int | None, date], tuple[int, Scheme]] = {}
        self._set_paths({})
        self.kinds: dict[int, str] = {}

    def _copy(self) -> SchemeBook:
        """The same versions (parsed schemes are never changed), with places of its own."""
        book = copy.copy(self)
        book._set_paths({})
        book.kinds = {}
        return book

    def _set_paths(self, paths: dict[int, str]) -> None:
        self.paths = paths
        self._ancestors: dict[int, tuple[int, ...]] = {}

    def set_places(self, places: dict[int, tuple[str, str]]) -> None:
        self._set_paths({u: p for u, (p, _) in places.items()})
        self.kinds = {u: k for u, (_, k) in places.items()}

    def set_paths(self, paths: dict[int, str]) -> None:
        """Paths alone: kinds are read when a new score row needs one (`ensure_kinds`)."""
        self._set_paths(dict(paths))

    def ancestors(self, unit_id: int) -> tuple[int, ...]:
        """The ids on the unit's path, root first, the unit last (kept per unit)."""
        found = self._ancestors.get(unit_id)
        if found is None:
            found = self._ancestors[unit_id] = tuple(ancestors(self.paths[unit_id]))
        return found

    async def ensure_kinds(self, session: AsyncSession, unit_ids: Iterable[int]) -> None:
        missing = sorted({u for u in unit_ids if u not in self.kinds})
        for i in range(0, len(missing), 5000):
            rows = await session.execute(
                select(OrgUnit.id, OrgUnit.kind).where(OrgUnit.id.in_(missing[i : i + 5000]))
            )
            self.kinds.update((r.id, r.kind) for r in rows)

    def place(self, unit_id: int) -> dict[str, Any]:
        """The denormalised place of a unit's score rows: district, park and kind."""
        ids = self.ancestors(unit_id)
        return {
            "district_id": ids[0],
            "park_id": ids[1] if len(ids) > 1 else None,
            "unit_kind": self.kinds[unit_id],
        }

    @classmethod
    async def load(cls, session: AsyncSession, fingerprint: tuple[Any, ...] | None = None) -> SchemeBook:
        """Every version; with the `SCHEME_FINGERPRINT` the caller read in this transaction,
        kept per process under it, parsed."""
        if fingerprint is not None:
            found = _BOOKS.get(fingerprint)
            if found is not None:
                return found._copy()
        rows = await session.execute(
            select(
                ScoreSchemeVersion.id,
                ScoreSchemeVersion.district_id,
                ScoreSchemeVersion.number,
                ScoreSchemeVersion.effective_from,
                ScoreSchemeVersion.weights,
            )
        )
        book = cls([_Version(*r) for r in rows.all()])
        if fingerprint is not None:
            _BOOKS.clear()
            _BOOKS[fingerprint] = book._copy()
        return book

    def version(self, district_id: int | None, start: date) -> tuple[int, Scheme]:
        found = self._versions.get((district_id, start))
        if found is None:
            found = self._versions[(district_id, start)] = self._version(district_id, start)
        return found

    def _version(self, district_id: int | None, start: date) -> tuple[int, Scheme]:
        for key in (district_id, None):
            rows = self._by.get(key)
            if not rows:
                continue
            i = bisect_right(self._days[key], start)
            if i:
                _, _, vid, scheme = rows[i - 1]
                return vid, scheme
        raise LookupError("no platform scoring scheme (migration 20261126_0008 inserts it)")

    def district_of(self, unit_id: int) -> int:
        return self.ancestors(unit_id)[0]

    def for_unit(self, unit_id: int, kind: PeriodKind | str, start: date) -> Scheme:
        return self.version(self.district_of(unit_id), start)[1]


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def apply_leaves(session: AsyncSession, delta: dict[LeafKey, Counts]) -> None:
    """Add count deltas to the leaf tallies; a row whose counts reach zero goes. Core
    statements throughout (tallies are never loaded as ORM objects). PostgreSQL: one
    upsert for every key (the rows locked in key order), then a delete if any reached zero.
    SQLite (one writer at a time): a read, then at most one statement each to insert,
    update and delete."""
    delta = {k: v for k, v in delta.items() if any(v)}
    if not delta:
        return
    if session.get_bind().dialect.name == "postgresql":
        await _upsert_leaves(session, delta)
        return
    rows = await session.execute(
        _tally_statements()[0],
        {
            "persons": sorted({k[0] for k in delta if k[0] is not None}),
            "vacant": sorted({k[1] for k in delta if k[0] is None and k[1] is not None}),
            "months": sorted({k[3] for k in delta}),
        },
    )
    existing = {
        (r.person_id, r.post_id, r.unit_id, r.month, r.weight_class, r.answering): r for r in rows.all()
    }
    added: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    gone: list[int] = []
    for key, (on, late, missed) in delta.items():
        row = existing.get(key)
        if row is None:
            added.append(
                {"person_id": key[0], "post_id": key[1], "unit_id": key[2], "month": key[3],
                 "weight_class": key[4], "answering": key[5], "on_time": on, "late": late, "missed": missed}
            )  # fmt: skip
        elif row.on_time + on == row.late + late == row.missed + missed == 0:
            gone.append(row.id)
        else:
            changed.append(
                {"b_id": row.id, "on_time": row.on_time + on, "late": row.late + late,
                 "missed": row.missed + missed}
            )  # fmt: skip
    _, add, change, remove = _tally_statements()
    if added:
        await session.execute(add, added)
    if changed:
        await session.execute(change, changed)
    if gone:
        await session.execute(remove, {"ids": gone})


def _leaf_order(item: tuple[LeafKey, Counts]) -> tuple[Any, ...]:
    (person, post, unit, month, cls, answering), _ = item
    return (person or 0, post or 0, unit, month, cls, answering)


async def _upsert_leaves(session: AsyncSession, delta: dict[LeafKey, Counts]) -> None:
    rows = [
        {"person_id": key[0], "post_id": key[1], "unit_id": key[2], "month": key[3], "weight_class": key[4],
         "answering": key[5], "on_time": on, "late": late, "missed": missed}
        for key, (on, late, missed) in sorted(delta.items(), key=_leaf_order)
    ]  # fmt: skip
    stored = await session.execute(_tally_upsert(), rows)
    gone = [r.id for r in stored.all() if r.on_time == r.late == r.missed == 0]
    if gone:
        await session.execute(_tally_statements()[3], {"ids": gone})


@cache
def _tally_upsert() -> Any:
    """PostgreSQL: insert tallies, or add to those of the same key (`uq_score_tally_key`),
    returning the counts they now hold: built once."""
    table = _table(ScoreTally)
    c = table.c
    stmt = pg_insert(table)
    # The index's expressions as written there: a bound 0 would not match it once the
    # statement runs on a generic plan (`reuse_plans`).
    zero: Any = literal_column("0")
    return stmt.on_conflict_do_update(
        index_elements=[func.coalesce(c.person_id, zero), func.coalesce(c.post_id, zero), c.unit_id, c.month,
                        c.weight_class, c.answering],
        set_={name: c[name] + stmt.excluded[name] for name in ("on_time", "late", "missed")},
    ).returning(c.id, c.on_time, c.late, c.missed)  # fmt: skip


@cache
def _tally_statements() -> tuple[Any, Any, Any, Any]:
    """Reading for update, inserting, updating and deleting leaf tallies: built once (a
    record write runs them all; building them cost more Python than running them)."""
    table = _table(ScoreTally)
    c = table.c
    read = (
        select(
            c.id,
            c.person_id,
            c.post_id,
            c.unit_id,
            c.month,
            c.weight_class,
            c.answering,
            c.on_time,
            c.late,
            c.missed,
        )
        .where(
            or_(
                c.person_id.in_(bindparam("persons", expanding=True)),
                and_(c.person_id.is_(None), c.post_id.in_(bindparam("vacant", expanding=True))),
            ),
            c.month.in_(bindparam("months", expanding=True)),
        )
        .with_for_update()
    )
    change = (
        update(table)
        .where(c.id == bindparam("b_id"))
        .values({k: bindparam(k) for k in ("on_time", "late", "missed")})
    )
    remove = delete(table).where(c.id.in_(bindparam("ids", expanding=True)))
    return read, insert(table), change, remove


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def rollup_deltas(
    own: Iterable[tuple[int, PeriodKind | str, date, Sums]], book: SchemeBook
) -> dict[RollupKey, Sums]:
    """OWN deltas of units → deltas of their OWN rows and of the TREE rows of the unit and
    every ancestor (the units' paths from the book)."""
    out: dict[RollupKey, Sums] = {}
    own_scope, tree_scope = ScoreScope.OWN.value, ScoreScope.TREE.value
    for unit, kind, start, sums in own:
        if sums.is_zero():
            continue
        k = str(kind)
        for key in ((unit, own_scope, k, start), *((a, tree_scope, k, start) for a in book.ancestors(unit))):
            found = out.get(key)
            if found is None:
                out[key] = found = Sums()
            found.add(sums)
    return out


def leaf_rollup_deltas(delta: dict[LeafKey, Counts], book: SchemeBook) -> dict[RollupKey, Sums]:
    return rollup_deltas(own_sums(delta, [], book), book)


_WEIGHT_CLASSES = {c.value: c for c in WeightClass}


def own_sums(
    leaves: dict[LeafKey, Counts], hazards: list[tuple[int, str, date, Sums]], book: SchemeBook
) -> list[tuple[int, str, date, Sums]]:
    """The OWN sums of every (unit, period kind, period start) from leaf counts (or count
    deltas) and hazard sums. Each leaf counts in its month, quarter and year; the counts are
    first added up per unit, period and weight class (a unit's period has one scheme, and
    `Sums.add_obligations` is linear in the counts, in integers), then turned into sums
    once: a rebuild's million leaves and a record's handful go the same way."""
    counts: dict[tuple[int, str, date, str], Counts] = {}
    of_month: dict[date, list[tuple[str, date]]] = {}
    for (_person, _post, unit, month, cls, answering), (on, late, missed) in leaves.items():
        if answering:
            continue  # a holder's share that another share carries for the unit
        periods = of_month.get(month)
        if periods is None:
            periods = of_month[month] = [(str(k), s) for k, s in periods_of_month(month)]
        for kind, start in periods:
            c = counts.get((unit, kind, start, cls))
            if c is None:
                counts[(unit, kind, start, cls)] = [on, late, missed]
            else:
                c[0] += on
                c[1] += late
                c[2] += missed
    out: dict[tuple[int, str, date], Sums] = defaultdict(Sums)
    for (unit, kind, start, cls), (on, late, missed) in counts.items():
        out[(unit, kind, start)].add_obligations(
            _WEIGHT_CLASSES[cls], on, late, missed, book.for_unit(unit, kind, start)
        )
    for unit, kind, start, sums in hazards:
        out[(unit, kind, start)].add(sums)
    return [(unit, kind, start, sums) for (unit, kind, start), sums in out.items()]


async def apply_rollups(session: AsyncSession, deltas: dict[RollupKey, Sums], book: SchemeBook) -> None:
    """Add sum deltas to unit scores (creating the rows they need) and rescore them; a row
    whose sums all reach zero goes. The rows are locked in key order, so concurrent writers
    in one park wait rather than lose an update."""
    deltas = {k: v for k, v in deltas.items() if not v.is_zero()}
    if not deltas:
        return
    keys = sorted(deltas)
    now = utcnow()
    rows = await _rows_for_update(session, keys)
    # Most changes land in periods that have rows already: only missing rows are created
    # (then read and locked as the others were).
    found = {(r.unit_id, r.scope, r.period_kind, r.period_start) for r in rows}
    missing = [k for k in keys if k not in found]
    if missing:
        await book.ensure_kinds(session, {k[0] for k in missing})
        # One statement run for many rows (compiled once and cached), not a VALUES list
        # whose statement differs with every row count.
        await session.execute(
            _insert(session)(UnitScore.__table__).on_conflict_do_nothing(
                index_elements=["unit_id", "scope", "period_kind", "period_start"]
            ),
            [
                {
                    "unit_id": u,
                    "scope": sc,
                    "period_kind": k,
                    "period_start": s,
                    "changed_at": now,
                    **book.place(u),
                }
                for u, sc, k, s in missing
            ],
        )
        rows += await _rows_for_update(session, missing)
    gone: list[int] = []
    changed: list[dict[str, Any]] = []
    for row in rows:
        d = deltas[(row.unit_id, row.scope, row.period_kind, row.period_start)]
        sums = Sums(*(getattr(row, f) + getattr(d, f) for f in Sums.FIELDS))
        if sums.is_zero():
            # Nothing counts for the unit in the period any more: no row, as a rebuild
            # writes none (and as a row whose leaf counts reach zero goes).
            gone.append(row.id)
            continue
        vid, scheme = book.version(book.district_of(row.unit_id), row.period_start)
        changed.append(
            {"b_id": row.id, "scheme_version_id": vid, "score": score_of(sums, scheme), "changed_at": now,
             **{f: getattr(sums, f) for f in Sums.FIELDS}}
        )  # fmt: skip
    # One statement for every row (the ORM would issue one per set of changed columns); the
    # rows were read for update above.
    _, change, remove = _score_statements()
    if changed:
        await session.execute(change, changed)
    if gone:
        await session.execute(remove, {"ids": gone})


_ROW_COLUMNS = ("id", "unit_id", "scope", "period_kind", "period_start", *Sums.FIELDS)


@cache
def _score_statements() -> tuple[Any, Any, Any]:
    """Reading unit scores for update by key, updating and deleting them: built once."""
    table = _table(UnitScore)
    c = table.c
    read = (
        select(*(c[name] for name in _ROW_COLUMNS))
        .where(
            tuple_(c.unit_id, c.scope, c.period_kind, c.period_start).in_(bindparam("keys", expanding=True))
        )
        .order_by(c.unit_id, c.scope, c.period_kind, c.period_start)
        .with_for_update()
    )
    change = (
        update(table)
        .where(c.id == bindparam("b_id"))
        .values(
            {name: bindparam(name) for name in ("scheme_version_id", "score", "changed_at", *Sums.FIELDS)}
        )
    )
    remove = delete(table).where(c.id.in_(bindparam("ids", expanding=True)))
    return read, change, remove


async def _rows_for_update(session: AsyncSession, keys: list[RollupKey]) -> list[Any]:
    """The unit score rows of the keys (sorted), locked in key order: their ids, keys and
    sums (Core rows: scores are never loaded as ORM objects to be written)."""
    read = _score_statements()[0]
    rows: list[Any] = []
    for i in range(0, len(keys), 500):
        rows += (await session.execute(read, {"keys": keys[i : i + 500]})).all()
    return rows
