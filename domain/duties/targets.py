"""Duty lists that target named units (004 附件2 第11项: the 日周月 enforcement checks of
安全生产部 and 规划建设部): a list with targets applies only to posts of its kinds on those
units. A catalogue template names them (`unit_name`); a park that adopts it gets its own
departments of those names (`unit_id`). Written once with the list, never changed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ForeignKey, Index, Integer, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base
from domain.errors import DomainError, ErrorCode, not_found
from domain.tree.kinds import UnitKind
from domain.tree.models import OrgUnit, subtree_upper_bound


class DutyListTarget(Base):
    __tablename__ = "duty_list_target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("duty_list.id", ondelete="RESTRICT"), nullable=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=True)
    unit_name: Mapped[str] = mapped_column(String(255), nullable=False)

    __table_args__ = (Index("ix_duty_list_target_list_id", "list_id"),)


async def add_targets(
    session: AsyncSession, list_id: int, names: Sequence[str], unit_ids: Sequence[int | None]
) -> None:
    session.add_all(
        DutyListTarget(list_id=list_id, unit_id=uid, unit_name=name)
        for name, uid in zip(names, unit_ids, strict=True)
    )
    await session.flush()


async def target_names(session: AsyncSession, list_id: int) -> list[str]:
    return list(
        (
            await session.scalars(
                select(DutyListTarget.unit_name)
                .where(DutyListTarget.list_id == list_id)
                .order_by(DutyListTarget.id)
            )
        ).all()
    )


async def departments_named(session: AsyncSession, park_path: str, names: Sequence[str]) -> dict[str, int]:
    """The park's (non-archived) departments by name, among `names`."""
    rows = await session.execute(
        select(OrgUnit.name, OrgUnit.id).where(
            OrgUnit.kind == UnitKind.DEPARTMENT,
            OrgUnit.path >= park_path,
            OrgUnit.path < subtree_upper_bound(park_path),
            OrgUnit.name.in_(list(names)),
            OrgUnit.archived_at.is_(None),
        )
    )
    return {name: uid for name, uid in rows.all()}


async def target_units_by_list(session: AsyncSession) -> dict[int, frozenset[int]]:
    """Every bound list's target units (lists without targets are absent)."""
    rows = await session.execute(
        select(DutyListTarget.list_id, DutyListTarget.unit_id).where(DutyListTarget.unit_id.is_not(None))
    )
    out: dict[int, set[int]] = {}
    for lid, uid in rows.all():
        if uid is not None:
            out.setdefault(lid, set()).add(uid)
    return {k: frozenset(v) for k, v in out.items()}


async def targets_for_adoption(
    session: AsyncSession, template_id: int, unit_id: int
) -> list[tuple[str, int | None]]:
    """The adopting unit's departments for the names a template targets; refused when the
    unit has no department of one of the names."""
    names = await target_names(session, template_id)
    if not names:
        return []
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise not_found("unitId", "组织单元", "Organisation unit")
    found = await departments_named(session, unit.path, names)
    missing = [n for n in names if n not in found]
    if missing:
        raise DomainError.one(
            ErrorCode.INVALID_VALUE,
            "unitId",
            f"该单元下没有清单所指的部室：{'、'.join(missing)}",
            f"The unit lacks {len(missing)} of the departments the list targets",
        )
    return [(n, found[n]) for n in names]
