"""Small factories that build valid data through the domain services."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from domain.actors import SYSTEM, Actor
from domain.identifiers import credit_code_check_char, id_number_check_char
from domain.people.models import Person
from domain.people.service import create_person
from domain.posts import service as posts
from domain.posts.kinds import PostKind
from domain.posts.models import Assignment, Post
from domain.tree import service as tree
from domain.tree.kinds import RiskClass, Trade, UnitKind
from domain.tree.models import OrgUnit

TODAY = date(2026, 11, 22)
_seq = itertools.count(1)


def gid(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


def credit_code(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    body = f"91999999{n:09d}"
    return body + credit_code_check_char(body)


def id_number(n: int | None = None, born: str = "19800101") -> str:
    n = next(_seq) if n is None else n
    body = f"999999{born}{n % 1000:03d}"
    return body + id_number_check_char(body)


async def district(session: AsyncSession, code: str | None = None, name: str = "测试区") -> OrgUnit:
    return await tree.create_unit(
        session, kind=UnitKind.DISTRICT, code=code or f"D{next(_seq)}", name=name, parent_id=None, today=TODAY
    )


async def unit(
    session: AsyncSession, kind: UnitKind, parent: OrgUnit, code: str | None = None, name: str = "单元"
) -> OrgUnit:
    return await tree.create_unit(
        session, kind=kind, code=code or f"U{next(_seq)}", name=name, parent_id=parent.id, today=TODAY
    )


async def enterprise(
    session: AsyncSession,
    parent: OrgUnit,
    *,
    code: str | None = None,
    name: str = "测试企业（演示）",
    trade: Trade = Trade.INDUSTRY_TRADE,
    staff_count: int = 50,
    placarded: bool = False,
    risk_class: RiskClass | None = RiskClass.B,
) -> OrgUnit:
    return await tree.create_unit(
        session,
        kind=UnitKind.ENTERPRISE,
        code=code or f"E{next(_seq)}",
        name=name,
        parent_id=parent.id,
        enterprise=tree.EnterpriseAttrs(
            credit_code=credit_code(),
            trade=trade,
            staff_count=staff_count,
            placarded=placarded,
            risk_class=risk_class,
        ),
        today=TODAY,
    )


async def person(session: AsyncSession, name: str = "张三", phone: str | None = "13800000000") -> Person:
    return await create_person(session, name=name, id_number=id_number(), phone=phone, today=TODAY)


async def post(session: AsyncSession, at: OrgUnit, kind: PostKind, **kwargs: Any) -> Post:
    return await posts.create_post(session, unit_id=at.id, kind=kind, today=TODAY, **kwargs)


async def assign(
    session: AsyncSession, to: Post, who: Person, start: date = date(2024, 1, 1), end: date | None = None
) -> Assignment:
    return await posts.assign(session, post_id=to.id, person_id=who.id, start_date=start, end_date=end)


async def small_tree(session: AsyncSession) -> dict[str, OrgUnit]:
    """district → park → two departments → enterprises (one placarded)."""
    d = await district(session)
    p = await unit(session, UnitKind.PARK, d, code="P1", name="测试园区")
    safety = await unit(session, UnitKind.DEPARTMENT, p, code="AQ", name="安全生产部")
    build = await unit(session, UnitKind.DEPARTMENT, p, code="GH", name="规划建设部")
    chem = await enterprise(
        session,
        safety,
        code="E-CHEM",
        name="甲化工有限公司（演示）",
        trade=Trade.HAZARDOUS_CHEMICALS,
        placarded=True,
    )
    food = await enterprise(
        session, build, code="E-FOOD", name="乙食品有限公司（演示）", trade=Trade.FOOD, staff_count=12
    )
    return {"district": d, "park": p, "safety": safety, "build": build, "chem": chem, "food": food}


async def make_client(
    session: AsyncSession,
    *,
    name: str = "测试接入端",
    kind: str = "INTEGRATION",
    unit_id: int | None = None,
    agency_id: int | None = None,
) -> Any:
    from authz.models import ServiceClient

    client = ServiceClient(name=name, kind=kind, unit_id=unit_id, agency_id=agency_id, created_by="system")
    session.add(client)
    await session.flush()
    return client


async def grant_role(
    session: AsyncSession,
    subject: str,
    role: str,
    unit_id: int | None = None,
    *,
    subtree: bool = True,
    start: date = date(2000, 1, 1),
    end: date | None = None,
) -> Any:
    from authz.models import RoleGrant

    grant = RoleGrant(
        subject=subject,
        role=role,
        unit_id=unit_id,
        subtree=subtree,
        start_date=start,
        end_date=end,
        created_by="system",
    )
    session.add(grant)
    await session.flush()
    return grant


async def contracted_agency(
    session: AsyncSession, member: Person, enterprise: OrgUnit, start: date, end: date, *, code: str
) -> Any:
    """An agency, made through its services by `system`, with `member` on its staff from
    `start` and a contract `code` for `enterprise` from `start` to `end`."""
    from authz import agencies

    agency = await agencies.create_agency(
        session, actor=SYSTEM, name="安全服务机构（演示）", credit_code=credit_code()
    )
    await agencies.add_agency_member(
        session, actor=SYSTEM, agency_id=agency.id, person_id=member.id, start_date=start
    )
    await agencies.create_contract(
        session,
        actor=SYSTEM,
        agency_id=agency.id,
        code=code,
        start_date=start,
        end_date=end,
        unit_ids=[enterprise.id],
    )
    return agency


async def make_platform_admin(session: AsyncSession) -> str:
    """A service client that is admin over everything; returns its subject."""
    client = await make_client(session, name="测试平台管理端")
    await grant_role(session, client.subject, "admin")
    await session.commit()
    return str(client.subject)


async def duty_list(
    session: AsyncSession,
    at: OrgUnit,
    kinds: list[PostKind],
    rules: dict[str, dict[str, Any] | None],
    *,
    effective_from: date = date(2024, 1, 1),
    code: str | None = None,
) -> Any:
    """A duty list on `at` for posts of `kinds`, one item per key with its rule."""
    from domain.duties.lists import ItemInput, create_duty_list

    return await create_duty_list(
        session,
        code=code or f"L{next(_seq)}",
        name="测试职责清单",
        post_kinds=[k.value for k in kinds],
        unit_id=at.id,
        effective_from=effective_from,
        items=[ItemInput(key=k, text=f"职责 {k}", rule=r) for k, r in rules.items()],
        actor=SYSTEM,
    )


async def record(
    session: AsyncSession,
    who: Person,
    kind: str,
    day: date,
    units: list[OrgUnit],
    *,
    makeup_for: date | None = None,
    item_ids: tuple[int, ...] = (),
    title: str = "安全检查",
) -> Any:
    from domain.duties.records import RecordInput, create_record

    return await create_record(
        session,
        data=RecordInput(
            kind=kind,
            performed_on=day,
            title=title,
            unit_ids=[u.id for u in units],
            item_ids=item_ids,
            makeup_for=makeup_for,
        ),
        recorder=Actor(subject=f"person:{who.id}", person_id=who.id),
        domain=units[0].path,
        today=TODAY,
    )
