"""A scenario's world: its state, its operations (one `op_<kind>` method per kind of `Op`) and
how it is built.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.hazards import service as hazards
from domain.posts import charges
from domain.posts import service as posts
from domain.posts.kinds import PostKind
from domain.tree import service as tree
from domain.tree.kinds import Trade, UnitKind
from tests import factories as f
from tests.domain.scoring.incremental.duty_ops import DutyOps
from tests.domain.scoring.incremental.hazard_ops import HazardOps
from tests.domain.scoring.incremental.post_ops import PostOps
from tests.domain.scoring.incremental.scenario import (
    CHARGE_FROM,
    DEPARTMENT_RULES,
    EARLY,
    FRONTLINE_RULES,
    HAZARD_SUPERVISOR,
    HOLDER_RULES,
    HOLDERS_FROM,
    LEADER_RULES,
    PERSONS,
    PRINCIPAL_RULES,
    SAFETY_RULES,
    ItemRef,
    Op,
    Scenario,
)


class World(DutyOps, PostOps, HazardOps):
    """The scenario's evidence, changed only through the domain services, on `today`."""

    async def apply(self, op: Op) -> None:
        kind, a, b, c, d = op
        try:
            async with self.session.begin_nested():
                what = await getattr(self, f"op_{kind}")(a, b, c, d)
        except DomainError as exc:
            what = f"{kind}: refused ({'; '.join(e.message_en for e in exc.errors)})"
        self.trace.append(f"{self.today} {what}")


async def build(session: AsyncSession, spec: Scenario) -> World:
    """The tree, posts, holders, duty lists and some evidence of a scenario, before any score
    exists (so none of the hooks does anything yet)."""
    w = World(session, spec.day0)
    d = await f.district(session)
    park = await f.unit(session, UnitKind.PARK, d, code="P", name="园区")
    safety = await f.unit(session, UnitKind.DEPARTMENT, park, code="AQ", name="安全生产部")
    build_dept = await f.unit(session, UnitKind.DEPARTMENT, park, code="GH", name="规划建设部")
    w.units = [d, park, safety, build_dept]
    w.labels = {d.id: "district", park.id: "park", safety.id: "AQ", build_dept.id: "GH"}
    for n, e in enumerate(spec.enterprises):
        unit = await tree.create_unit(
            session, kind=UnitKind.ENTERPRISE, code=f"E{n}", name=f"企业{n}（演示）",
            parent_id=(safety if e.under_safety else build_dept).id,
            enterprise=tree.EnterpriseAttrs(
                credit_code=f.credit_code(), trade=Trade.HAZARDOUS_CHEMICALS if e.high_risk else Trade.FOOD,
                staff_count=12 if e.small else 80, placarded=e.placarded,
            ),
            today=EARLY,
        )  # fmt: skip
        w.units.append(unit)
        w.enterprises.append(unit.id)
        w.labels[unit.id] = f"E{n}"
        for kind in (PostKind.ENTERPRISE_PRINCIPAL, PostKind.SAFETY_MANAGER, PostKind.FRONTLINE):
            await f.post(session, unit, kind)
        if not e.placarded:  # a placarded one has its three responsible posts already
            await f.post(session, unit, PostKind.ADMINISTRATIVE_RESPONSIBLE)
    await f.post(session, park, PostKind.PRINCIPAL)
    deputy = await f.post(session, park, PostKind.DEPUTY_IN_CHARGE)
    await charges.add_charge(session, post_id=deputy.id, unit_id=safety.id, start_date=CHARGE_FROM)
    await f.post(session, safety, PostKind.DEPARTMENT_HEAD)
    await f.post(session, build_dept, PostKind.DEPARTMENT_HEAD)
    for n in range(PERSONS):
        w.persons.append((await f.person(session, name=f"人员{n}")).id)

    lists = [
        (park, [PostKind.PRINCIPAL, PostKind.DEPUTY_IN_CHARGE, PostKind.DEPARTMENT_HEAD], LEADER_RULES),
        (safety, [PostKind.DEPARTMENT_HEAD], DEPARTMENT_RULES),
        (park, [PostKind.ENTERPRISE_PRINCIPAL], PRINCIPAL_RULES),
        (park, [PostKind.SAFETY_MANAGER], SAFETY_RULES),
        (park, [PostKind.FRONTLINE], FRONTLINE_RULES),
        (park, [PostKind.ADMINISTRATIVE_RESPONSIBLE, PostKind.SUPERVISORY_RESPONSIBLE], HOLDER_RULES),
    ]
    for at, kinds, rules in lists:
        lst = await f.duty_list(session, at, kinds, dict(rules), effective_from=EARLY)
        for key, rule in rules.items():
            w.items.append(
                ItemRef(
                    lst.id,
                    key,
                    rule.get("per") == "HOLDER",
                    tuple(k.value for k in kinds),
                    tuple(rule["kinds"]),
                )
            )

    post_ids = await w.post_ids()
    for post_n, person_n, offset, length in spec.tenures:
        start = HOLDERS_FROM + timedelta(days=offset)
        end = None if length is None else start + timedelta(days=length)
        try:
            async with session.begin_nested():
                await posts.assign(
                    session, post_id=post_ids[post_n % len(post_ids)], person_id=w.persons[person_n],
                    start_date=start, end_date=end, today=spec.day0,
                )  # fmt: skip
        except DomainError:
            pass  # an overlap the post does not allow: left out, as an admin's refused mutation
    for a, b, c, dd in spec.periods:
        await w.apply(("declare_period", a, b, c, dd))
    for a, b, c, dd in spec.records:
        await w.apply(("record", a, b, c, dd))
    category = await hazards.create_category(
        session, code="general", name="一般隐患", domain="OTHER", major=False, description=None, basis=None,
        actor=HAZARD_SUPERVISOR,
    )  # fmt: skip
    w.general_category = category.id
    for a, b, c in spec.hazards:
        w.trace.append(f"{w.today} {await w.report(a, b, c)}")
    w.trace.append(f"{w.today} rebuild")
    return w
