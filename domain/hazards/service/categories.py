"""Hazard categories: the catalogue a hazard is filed under."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import record_row
from domain.duties.lists import CODE_RE
from domain.errors import ErrorCode, ErrorCollector
from domain.hazards.models import HazardCategory
from domain.hazards.states import (
    HazardDomain,
)
from domain.inputs import clean_text


async def create_category(
    session: AsyncSession,
    *,
    code: str,
    name: str,
    domain: str,
    major: bool,
    description: str | None,
    basis: str | None,
    actor: Actor,
) -> HazardCategory:
    errors = ErrorCollector()
    if not CODE_RE.match(code or ""):
        errors.add(
            ErrorCode.INVALID_VALUE,
            "code",
            "编码只能由字母、数字和 . _ - 组成",
            "must be letters, digits, '.', '_' or '-'",
        )
    elif await session.scalar(select(HazardCategory.id).where(HazardCategory.code == code)):
        errors.add(ErrorCode.DUPLICATE_CODE, "code", "分类编码已被使用", "The code is already used")
    clean_name = clean_text(errors, "name", name, label_zh="名称", label_en="Name", max_length=200)
    try:
        HazardDomain(domain)
    except ValueError:
        errors.add(ErrorCode.INVALID_VALUE, "domain", "未知的隐患领域", f"Unknown hazard domain {domain}")
    clean_description = clean_text(
        errors,
        "description",
        description,
        label_zh="说明",
        label_en="Description",
        max_length=4000,
        required=False,
    )
    clean_basis = clean_text(
        errors, "basis", basis, label_zh="判定依据", label_en="Basis", max_length=2000, required=False
    )
    errors.raise_if_any()
    category = HazardCategory(
        code=code,
        name=clean_name or "",
        domain=domain,
        major=major,
        description=clean_description,
        basis=clean_basis,
        created_by=actor.subject,
    )
    session.add(category)
    await session.flush()
    await record_row(session, "hazard_category.create", category, "/", actor=actor)
    return category
