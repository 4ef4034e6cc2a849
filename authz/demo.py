"""Demo logins: a caller for each demo role, found in the demo data as loaded (the CLI's
`demo-logins` and the development GraphiQL's `?as=<role>` mint tokens for them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.models import AgencyContract, AgencyMember, ClientKind, RoleGrant, ServiceClient
from domain.clock import today_shanghai
from domain.people.models import Person
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post, effective_assignment
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit, subtree_upper_bound


@dataclass(frozen=True)
class DemoLogin:
    role: str  # a short key: GraphiQL's `/graphql?as=<role>` in development
    label: str
    name: str
    subject: str


async def demo_subjects(session: AsyncSession) -> list[DemoLogin]:
    """A caller for each demo role, found in the demo data as loaded (today); none without
    the demo data (its park ZY)."""
    today = today_shanghai()
    park = await session.scalar(
        select(OrgUnit).where(OrgUnit.kind == UnitKind.PARK, OrgUnit.code == "ZY").order_by(OrgUnit.id)
    )
    if park is None:
        return []  # no demo data
    in_park = (OrgUnit.path >= park.path) & (OrgUnit.path < subtree_upper_bound(park.path))
    found: list[DemoLogin] = []

    async def holder(role: str, label: str, kind: PostKind, *where: ColumnElement[bool]) -> None:
        row = (
            await session.execute(
                select(Person.id, Person.name, OrgUnit.name, Post.title)
                .join(Assignment, Assignment.person_id == Person.id)
                .join(Post, Post.id == Assignment.post_id)
                .join(OrgUnit, OrgUnit.id == Post.unit_id)
                .where(
                    Post.kind == kind.value,
                    effective_assignment(),
                    Assignment.start_date <= today,
                    (Assignment.end_date.is_(None)) | (Assignment.end_date >= today),
                    *where,
                )
                .order_by(OrgUnit.id, Post.id, Assignment.id)
                .limit(1)
            )
        ).first()
        if row is not None:
            person_id, name, unit_name, title = row
            found.append(DemoLogin(role, f"{label}（{unit_name} {title}）", name, f"person:{person_id}"))

    await holder("park-secretary", "园区党工委书记", PostKind.PARTY_SECRETARY, OrgUnit.id == park.id)
    await holder("park-director", "园区管委会主任", PostKind.COMMITTEE_DIRECTOR, OrgUnit.id == park.id)
    await holder("deputy", "分管负责人", PostKind.DEPUTY_IN_CHARGE, OrgUnit.id == park.id)
    await holder("department-head", "部室负责人", PostKind.DEPARTMENT_HEAD, in_park)
    await holder("enterprise-principal", "企业主要负责人", PostKind.ENTERPRISE_PRINCIPAL, in_park)
    await holder("frontline", "一线岗位人员", PostKind.FRONTLINE, in_park)

    staff = (
        await session.execute(
            select(Person.id, Person.name, AgencyContract.code)
            .join(AgencyMember, AgencyMember.person_id == Person.id)
            .join(AgencyContract, AgencyContract.agency_id == AgencyMember.agency_id)
            .where(
                AgencyMember.revoked_at.is_(None),
                AgencyMember.start_date <= today,
                (AgencyMember.end_date.is_(None)) | (AgencyMember.end_date >= today),
                AgencyContract.start_date <= today,
                AgencyContract.end_date >= today,
                (AgencyContract.terminated_on.is_(None)) | (AgencyContract.terminated_on > today),
            )
            .order_by(AgencyMember.id)
            .limit(1)
        )
    ).first()
    if staff is not None:
        found.append(
            DemoLogin("agency-staff", f"第三方机构人员（合同 {staff[2]}）", staff[1], f"person:{staff[0]}")
        )
    for role, kind, label in (
        ("district-system", ClientKind.DISTRICT_SYSTEM, "区级系统"),
        ("agency-system", ClientKind.AGENCY, "第三方机构系统"),
    ):
        client = await session.scalar(
            select(ServiceClient)
            .where(ServiceClient.kind == kind, ServiceClient.disabled_at.is_(None))
            .order_by(ServiceClient.id)
            .limit(1)
        )
        if client is not None:
            found.append(DemoLogin(role, label, client.name, client.subject))
    for role, label, unit_clause in (
        ("district-admin", "区管理员", RoleGrant.unit_id.is_not(None)),
        ("platform-admin", "平台管理员", RoleGrant.unit_id.is_(None)),
    ):
        admin = (
            await session.execute(
                select(Person.id, Person.name)
                .join(RoleGrant, RoleGrant.subject == "person:" + Person.id.cast(String()))
                .where(RoleGrant.role == "admin", RoleGrant.revoked_at.is_(None), unit_clause)
                .order_by(RoleGrant.id)
                .limit(1)
            )
        ).first()
        if admin is not None:
            found.append(DemoLogin(role, label, admin[1], f"person:{admin[0]}"))
    return found
