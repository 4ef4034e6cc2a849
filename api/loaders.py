"""Per-request DataLoaders, named `<Result>By<Key>Loader`.

Lists nested under many parents (the posts of every unit on a page) are one query per
level: a page loader collects the parents asked for in one tick and fetches every
parent's page with a window function; its `counts` loader does the same for totalCount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeAlias, TypeVar

from sqlalchemy import ColumnElement, Select

from api.dataloader import DataLoader
from authz.persons import person_domains
from authz.reach import Reach
from domain.pagination import Ordering, Page, PageRequest, count_grouped, fetch_pages
from domain.people.models import Person
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post, PostCharge
from domain.posts.queries import (
    ASSIGNMENT_ORDER,
    CHARGE_ORDER,
    POST_ORDER,
    AssignmentFilter,
    PostFilter,
    assignments_stmt,
    charged_units_stmt,
    posts_stmt,
    responsible_assignments,
)
from domain.posts.relations import charges_stmt
from domain.rows import Relation, rows_by_ids, rows_by_key
from domain.tree.models import OrgUnit
from domain.tree.queries import (
    UNIT_ORDER,
    ClassInForce,
    UnitFilter,
    children_stmt,
    classes_in_force,
    descendants_stmt,
)

if TYPE_CHECKING:
    from api.context import Context

M = TypeVar("M")
# A SELECT of any columns (SQLAlchemy types a SELECT by the tuple of what it selects).
AnySelect: TypeAlias = Select[*tuple[Any, ...]]
F = TypeVar("F", bound=Hashable)


class ByIdLoader(DataLoader[int, M | None], Generic[M]):
    """Rows by id, only those the caller may read: any other id loads as None, exactly as
    an id with no row."""

    model: ClassVar[type[Any]]

    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load)
        self.ctx = ctx

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        raise NotImplementedError

    async def _load(self, ids: Sequence[int]) -> list[M | None]:
        async with self.ctx.db() as session:
            found = await rows_by_ids(session, self.model, ids, self.visible(self.ctx.reach))
        return [found.get(i) for i in ids]


class UnitByIdLoader(ByIdLoader[OrgUnit]):
    model = OrgUnit

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return reach.units()


class PostByIdLoader(ByIdLoader[Post]):
    model = Post

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return reach.posts()


class PersonByIdLoader(ByIdLoader[Person]):
    model = Person

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return reach.persons()


class AssignmentByIdLoader(ByIdLoader[Assignment]):
    model = Assignment

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return reach.assignments()


class ChargeByIdLoader(ByIdLoader[PostCharge]):
    model = PostCharge

    def visible(self, reach: Reach) -> ColumnElement[bool]:
        return reach.charges()


PageKey = tuple[Hashable, PageRequest, Any]
CountKey = tuple[Hashable, Any]


class PageLoader(DataLoader[PageKey, Page[M]], Generic[M, F]):
    """Pages of one relation for many parents; subclasses say how to select it."""

    ordering: ClassVar[Ordering[Any]]

    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load_pages)
        self.ctx = ctx
        self.counts: DataLoader[CountKey, int] = DataLoader(load_fn=self._load_counts)

    def statement(self, flt: F) -> tuple[Select[Any], Any, Any]:
        """(statement selecting the entity, partition column, entity) for a filter."""
        raise NotImplementedError

    async def _load_pages(self, keys: Sequence[PageKey]) -> list[Page[M]]:
        groups: dict[tuple[PageRequest, Any], list[Hashable]] = defaultdict(list)
        for parent, page, flt in keys:
            groups[(page, flt)].append(parent)
        found: dict[PageKey, Page[M]] = {}
        async with self.ctx.db() as session:
            for (page, flt), parents in groups.items():
                stmt, partition, entity = self.statement(flt)
                pages = await fetch_pages(
                    session, stmt, entity, partition, list(dict.fromkeys(parents)), self.ordering, page
                )
                for parent in parents:
                    found[(parent, page, flt)] = pages[parent]
        return [found[k] for k in keys]

    async def _load_counts(self, keys: Sequence[CountKey]) -> list[int]:
        groups: dict[Any, list[Hashable]] = defaultdict(list)
        for parent, flt in keys:
            groups[flt].append(parent)
        found: dict[CountKey, int] = {}
        async with self.ctx.db() as session:
            for flt, parents in groups.items():
                stmt, partition, _ = self.statement(flt)
                counts = await count_grouped(session, stmt, partition, list(dict.fromkeys(parents)))
                for parent in parents:
                    found[(parent, flt)] = counts[parent]
        return [found[k] for k in keys]


class ChildrenByUnitLoader(PageLoader[OrgUnit, UnitFilter]):
    ordering = UNIT_ORDER

    def statement(self, flt: UnitFilter) -> tuple[Select[Any], Any, Any]:
        return children_stmt(flt).where(self.ctx.reach.units()), OrgUnit.parent_id, OrgUnit


class DescendantsByUnitLoader(PageLoader[OrgUnit, UnitFilter]):
    ordering = UNIT_ORDER

    def statement(self, flt: UnitFilter) -> tuple[Select[Any], Any, Any]:
        stmt, root_id = descendants_stmt(flt)
        return stmt.where(self.ctx.reach.units()), root_id, OrgUnit


class PostsByUnitLoader(PageLoader[Post, PostFilter]):
    ordering = POST_ORDER

    def statement(self, flt: PostFilter) -> tuple[Select[Any], Any, Any]:
        return posts_stmt(flt).where(self.ctx.reach.posts()), Post.unit_id, Post


class AssignmentsByPostLoader(PageLoader[Assignment, AssignmentFilter]):
    ordering = ASSIGNMENT_ORDER

    def statement(self, flt: AssignmentFilter) -> tuple[Select[Any], Any, Any]:
        return assignments_stmt(flt).where(self.ctx.reach.assignments()), Assignment.post_id, Assignment


class AssignmentsByPersonLoader(PageLoader[Assignment, AssignmentFilter]):
    ordering = ASSIGNMENT_ORDER

    def statement(self, flt: AssignmentFilter) -> tuple[Select[Any], Any, Any]:
        return assignments_stmt(flt).where(self.ctx.reach.assignments()), Assignment.person_id, Assignment


class ChargedUnitsByPostLoader(PageLoader[OrgUnit, Any]):
    """Units a post is in charge of (分管); the filter is the date (None: every charge)."""

    ordering = UNIT_ORDER

    def statement(self, flt: date | None) -> tuple[Select[Any], Any, Any]:
        stmt = charged_units_stmt(flt).where(self.ctx.reach.units(), self.ctx.reach.charges())
        return stmt, PostCharge.post_id, OrgUnit


class ChargesByPostLoader(PageLoader[PostCharge, bool]):
    """分管 records of posts, oldest first; the filter says whether ended ones are included."""

    ordering = CHARGE_ORDER

    def statement(self, include_ended: bool) -> tuple[Select[Any], Any, Any]:
        return charges_stmt(include_ended, self.ctx.reach.charges()), PostCharge.post_id, PostCharge


class ResponsiblePersonsByEnterpriseLoader(DataLoader[tuple[int, date], dict[PostKind, Assignment]]):
    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load)
        self.ctx = ctx

    async def _load(self, keys: Sequence[tuple[int, date]]) -> list[dict[PostKind, Assignment]]:
        by_day: dict[date, list[int]] = defaultdict(list)
        for unit_id, day in keys:
            by_day[day].append(unit_id)
        found: dict[tuple[int, date], dict[PostKind, Assignment]] = {}
        async with self.ctx.db() as session:
            for day, unit_ids in by_day.items():
                result = await responsible_assignments(
                    session, list(dict.fromkeys(unit_ids)), day, self.ctx.reach.assignments()
                )
                for unit_id in unit_ids:
                    found[(unit_id, day)] = result[unit_id]
        return [found[k] for k in keys]


class DomainsByPersonLoader(DataLoader[int, list[str]]):
    """Where each person lives for authorization: the unit that registered them and every
    post they hold or held (see authz.reach)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load)
        self.ctx = ctx

    async def _load(self, ids: Sequence[int]) -> list[list[str]]:
        async with self.ctx.db() as session:
            found = await person_domains(session, ids)
        return [found.get(i, []) for i in ids]


class ClassInForceByUnitLoader(DataLoader[tuple[int, date], ClassInForce | None]):
    """Enterprises' A/B/C/D class in force on a day, from their profile history."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load)
        self.ctx = ctx

    async def _load(self, keys: Sequence[tuple[int, date]]) -> list[ClassInForce | None]:
        by_day: dict[date, list[int]] = defaultdict(list)
        for unit_id, day in keys:
            by_day[day].append(unit_id)
        found: dict[tuple[int, date], ClassInForce] = {}
        async with self.ctx.db() as session:
            for day, unit_ids in by_day.items():
                for unit_id, cls in (
                    await classes_in_force(session, list(dict.fromkeys(unit_ids)), day)
                ).items():
                    found[(unit_id, day)] = cls
        return [found.get(k) for k in keys]


class RowsByKeyLoader(DataLoader[int, list[Any]]):
    """Every row of a small relation for many parents, in one query: `statement` selects
    (parent key, row) pairs and names the parent column the keys filter."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load)
        self.ctx = ctx

    def statement(self) -> Relation:
        raise NotImplementedError

    async def _load(self, keys: Sequence[int]) -> list[list[Any]]:
        async with self.ctx.db() as session:
            found = await rows_by_key(session, self.statement(), keys)
        return [found.get(k, []) for k in keys]
