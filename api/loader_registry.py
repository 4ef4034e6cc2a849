"""The request's one loader registry: `ctx.loaders.<name>` for the shared loaders,
`ctx.loaders.<area>.<name>` for an area's.

Every loader is built on first use and lives as long as the registry, which the context
drops after each mutation (`Context.reset_loaders`), so a payload reads what was written.
Loader classes are named `<Result>By<Key>Loader` and live beside their area
(`api/<area>/loaders.py`); the shared ones in `api/loaders.py`.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from api.access.loaders import AccessLoaders
from api.admin.loaders import AdminLoaders
from api.duties.loaders import DutyLoaders
from api.files.attach_loaders import EvidenceLoaders
from api.hazards.loaders import HazardLoaders
from api.loaders import (
    AssignmentByIdLoader,
    AssignmentsByPersonLoader,
    AssignmentsByPostLoader,
    ChargeByIdLoader,
    ChargedUnitsByPostLoader,
    ChargesByPostLoader,
    ChildrenByUnitLoader,
    ClassInForceByUnitLoader,
    DescendantsByUnitLoader,
    DomainsByPersonLoader,
    PersonByIdLoader,
    PostByIdLoader,
    PostsByUnitLoader,
    ResponsiblePersonsByEnterpriseLoader,
    UnitByIdLoader,
)
from api.scoring.loaders import ScoringLoaders
from api.tasks.loaders import TaskLoaders

if TYPE_CHECKING:
    from api.context import Context


class Loaders:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # The areas' loaders.

    @cached_property
    def access(self) -> AccessLoaders:
        return AccessLoaders(self.ctx)

    @cached_property
    def admin(self) -> AdminLoaders:
        return AdminLoaders(self.ctx)

    @cached_property
    def duties(self) -> DutyLoaders:
        return DutyLoaders(self.ctx)

    @cached_property
    def evidence(self) -> EvidenceLoaders:
        return EvidenceLoaders(self.ctx)

    @cached_property
    def hazards(self) -> HazardLoaders:
        return HazardLoaders(self.ctx)

    @cached_property
    def scoring(self) -> ScoringLoaders:
        return ScoringLoaders(self.ctx)

    @cached_property
    def tasks(self) -> TaskLoaders:
        return TaskLoaders(self.ctx)

    # Shared loaders: units, posts, people, assignments and charges.

    @cached_property
    def domains_by_person(self) -> DomainsByPersonLoader:
        return DomainsByPersonLoader(self.ctx)

    @cached_property
    def unit_by_id(self) -> UnitByIdLoader:
        return UnitByIdLoader(self.ctx)

    @cached_property
    def post_by_id(self) -> PostByIdLoader:
        return PostByIdLoader(self.ctx)

    @cached_property
    def person_by_id(self) -> PersonByIdLoader:
        return PersonByIdLoader(self.ctx)

    @cached_property
    def assignment_by_id(self) -> AssignmentByIdLoader:
        return AssignmentByIdLoader(self.ctx)

    @cached_property
    def charge_by_id(self) -> ChargeByIdLoader:
        return ChargeByIdLoader(self.ctx)

    @cached_property
    def charges_by_post(self) -> ChargesByPostLoader:
        return ChargesByPostLoader(self.ctx)

    @cached_property
    def children_by_unit(self) -> ChildrenByUnitLoader:
        return ChildrenByUnitLoader(self.ctx)

    @cached_property
    def descendants_by_unit(self) -> DescendantsByUnitLoader:
        return DescendantsByUnitLoader(self.ctx)

    @cached_property
    def posts_by_unit(self) -> PostsByUnitLoader:
        return PostsByUnitLoader(self.ctx)

    @cached_property
    def assignments_by_post(self) -> AssignmentsByPostLoader:
        return AssignmentsByPostLoader(self.ctx)

    @cached_property
    def assignments_by_person(self) -> AssignmentsByPersonLoader:
        return AssignmentsByPersonLoader(self.ctx)

    @cached_property
    def charged_units_by_post(self) -> ChargedUnitsByPostLoader:
        return ChargedUnitsByPostLoader(self.ctx)

    @cached_property
    def responsible_persons_by_enterprise(self) -> ResponsiblePersonsByEnterpriseLoader:
        return ResponsiblePersonsByEnterpriseLoader(self.ctx)

    @cached_property
    def class_in_force_by_unit(self) -> ClassInForceByUnitLoader:
        return ClassInForceByUnitLoader(self.ctx)
