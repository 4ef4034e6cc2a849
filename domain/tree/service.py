"""Changes to the tree. Services validate everything, write through the session and flush;
they never commit (the request's unit of work does). Any failure raises DomainError before
or instead of writing, and the caller rolls back its savepoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar
from uuid import uuid4

from sqlalchemy import func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from domain.changes import mark_authz_dirty
from domain.clock import today_shanghai
from domain.db import utcnow
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found, stale
from domain.identifiers import normalize_credit_code
from domain.inputs import UNSET, Maybe, clean_text
from domain.posts.models import Assignment, Post, assignment_overlaps, effective_assignment
from domain.posts.service import ensure_responsible_posts
from domain.scoring.maintain import posts_near, rebuild_if_built, track
from domain.tree.kinds import ALLOWED_PARENTS, HIGH_RISK_TRADES, UNIT_KIND_LABELS, RiskClass, Trade, UnitKind
from domain.tree.models import PROFILE_FIELDS, EnterpriseProfile, OrgUnit, subtree_upper_bound

_TEMP_PATH_PREFIX = "~pending/"
T = TypeVar("T")


@dataclass(frozen=True)
class EnterpriseAttrs:
    credit_code: str
    trade: Trade
    staff_count: int
    placarded: bool = False
    high_risk: bool | None = None  # None: from the trade (HIGH_RISK_TRADES)
    risk_class: RiskClass | None = None


@dataclass(frozen=True)
class EnterpriseChanges:
    """UNSET: leave as is. None removes only the risk class; every other attribute is one an
    enterprise must have, so None for it is refused (REQUIRED)."""

    credit_code: Maybe[str | None] = UNSET
    trade: Maybe[Trade | None] = UNSET
    staff_count: Maybe[int | None] = UNSET
    placarded: Maybe[bool | None] = UNSET
    high_risk: Maybe[bool | None] = UNSET
    risk_class: Maybe[RiskClass | None] = UNSET


async def get_unit(session: AsyncSession, unit_id: int, *, for_update: bool = False) -> OrgUnit | None:
    stmt = select(OrgUnit).where(OrgUnit.id == unit_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def _require_unit(
    session: AsyncSession, unit_id: int, field: str, *, for_update: bool = False
) -> OrgUnit:
    unit = await get_unit(session, unit_id, for_update=for_update)
    if unit is None:
        raise not_found(field, "组织单元", "Organisation unit")
    return unit


def _check_version(unit_version: int, given: int) -> None:
    if unit_version != given:
        raise stale()


async def _sibling_code_taken(
    session: AsyncSession, parent_id: int | None, code: str, exclude_id: int | None = None
) -> bool:
    stmt = select(OrgUnit.id).where(
        func.coalesce(OrgUnit.parent_id, 0) == (parent_id or 0), OrgUnit.code == code
    )
    if exclude_id is not None:
        stmt = stmt.where(OrgUnit.id != exclude_id)
    return (await session.scalar(stmt.limit(1))) is not None


async def _credit_code_taken(session: AsyncSession, code: str, exclude_id: int | None = None) -> bool:
    stmt = select(OrgUnit.id).where(OrgUnit.credit_code == code)
    if exclude_id is not None:
        stmt = stmt.where(OrgUnit.id != exclude_id)
    return (await session.scalar(stmt.limit(1))) is not None


def _parent_error(kind: UnitKind, parent_kind: UnitKind | None, field: str = "parentId") -> DomainError:
    allowed = [k for k in ALLOWED_PARENTS[kind] if k is not None]
    if not allowed:
        return DomainError.one(
            ErrorCode.INVALID_PARENT,
            field,
            "区是树的根，不能有上级",
            "A district is a root and has no parent",
        )
    zh = "、".join(UNIT_KIND_LABELS[k] for k in allowed)
    en = ", ".join(k.value.lower() for k in allowed)
    if parent_kind is None:
        return DomainError.one(
            ErrorCode.REQUIRED,
            field,
            f"{UNIT_KIND_LABELS[kind]}必须挂在{zh}下",
            f"A {kind.value.lower()} must hang under a {en}",
        )
    return DomainError.one(
        ErrorCode.INVALID_PARENT,
        field,
        f"{UNIT_KIND_LABELS[kind]}不能挂在{UNIT_KIND_LABELS[parent_kind]}下，只能挂在{zh}下",
        f"A {kind.value.lower()} cannot hang under a {parent_kind.value.lower()}; only under a {en}",
    )


def _clean_credit_code(errors: ErrorCollector, field: tuple[str, ...], value: str) -> str | None:
    try:
        return normalize_credit_code(value)
    except ValueError as exc:
        errors.add(
            ErrorCode.INVALID_CREDIT_CODE,
            field,
            "统一社会信用代码无效（须为18位且校验码正确）",
            f"Invalid unified social credit code: {exc}",
        )
        return None


def _clean_staff_count(errors: ErrorCollector, field: tuple[str, ...], value: int) -> int | None:
    if value < 0 or value > 1_000_000:
        errors.add(
            ErrorCode.INVALID_VALUE, field, "从业人数须在0到1000000之间", "Staff count must be 0 to 1,000,000"
        )
        return None
    return value


async def create_unit(
    session: AsyncSession,
    *,
    kind: UnitKind,
    code: str,
    name: str,
    parent_id: int | None,
    enterprise: EnterpriseAttrs | None = None,
    today: date,
) -> OrgUnit:
    errors = ErrorCollector()
    clean_code = clean_text(errors, "code", code, label_zh="编码", label_en="Code", max_length=64)
    clean_name = clean_text(errors, "name", name, label_zh="名称", label_en="Name", max_length=200)

    parent: OrgUnit | None = None
    if parent_id is not None:
        parent = await get_unit(session, parent_id)
        if parent is None:
            errors.extend(not_found("parentId", "上级单元", "Parent unit"))
    if parent_id is None or parent is not None:
        parent_kind = parent.unit_kind if parent else None
        if parent_kind not in ALLOWED_PARENTS[kind]:
            errors.extend(_parent_error(kind, parent_kind))
        elif parent is not None and parent.is_archived:
            errors.add(ErrorCode.ARCHIVED, "parentId", "上级单元已撤销", "The parent unit is archived")

    credit_code: str | None = None
    staff_count: int | None = None
    if kind is UnitKind.ENTERPRISE:
        if enterprise is None:
            errors.add(
                ErrorCode.REQUIRED,
                "enterprise",
                "企业须填写企业信息",
                "An enterprise needs its enterprise details",
            )
        else:
            credit_code = _clean_credit_code(errors, ("enterprise", "creditCode"), enterprise.credit_code)
            staff_count = _clean_staff_count(errors, ("enterprise", "staffCount"), enterprise.staff_count)
            if credit_code and await _credit_code_taken(session, credit_code):
                errors.add(
                    ErrorCode.DUPLICATE_CREDIT_CODE,
                    ("enterprise", "creditCode"),
                    "该统一社会信用代码已被其他企业使用",
                    "Another enterprise already has this credit code",
                )
    elif enterprise is not None:
        errors.add(
            ErrorCode.ENTERPRISE_FIELDS_NOT_ALLOWED,
            "enterprise",
            "只有企业可以填写企业信息",
            "Only enterprises have enterprise details",
        )

    parent_known = parent_id is None or parent is not None
    if clean_code and parent_known and await _sibling_code_taken(session, parent_id, clean_code):
        errors.add(
            ErrorCode.DUPLICATE_CODE,
            "code",
            "同一上级下已有相同编码的单元",
            "A sibling unit already has this code",
        )
    errors.raise_if_any()
    assert clean_code is not None and clean_name is not None

    unit = OrgUnit(
        kind=kind.value,
        code=clean_code,
        name=clean_name,
        parent_id=parent_id,
        depth=(parent.depth + 1) if parent else 0,
        path=f"{_TEMP_PATH_PREFIX}{uuid4().hex}",
        version=1,
    )
    if enterprise is not None and kind is UnitKind.ENTERPRISE:
        unit.credit_code = credit_code
        unit.trade = enterprise.trade.value
        unit.staff_count = staff_count
        unit.placarded = enterprise.placarded
        unit.high_risk = (
            enterprise.high_risk if enterprise.high_risk is not None else enterprise.trade in HIGH_RISK_TRADES
        )
        unit.risk_class = enterprise.risk_class.value if enterprise.risk_class else None
    session.add(unit)
    await session.flush()
    # The path embeds the new id, known only after the insert; same version, same row.
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    await session.flush()

    if unit.kind == UnitKind.ENTERPRISE:
        await record_profile(session, unit, today)
    if unit.placarded:
        await ensure_responsible_posts(session, unit)
    return unit


async def record_profile(session: AsyncSession, unit: OrgUnit, effective_from: date) -> EnterpriseProfile:
    """Keep the enterprise's rule-relevant attributes as they are from `effective_from`."""
    row = EnterpriseProfile(
        unit_id=unit.id, effective_from=effective_from, **{f: getattr(unit, f) for f in PROFILE_FIELDS}
    )
    session.add(row)
    await session.flush()
    return row


async def update_unit(
    session: AsyncSession,
    *,
    unit_id: int,
    version: int,
    code: Maybe[str] = UNSET,
    name: Maybe[str] = UNSET,
    enterprise: EnterpriseChanges | None = None,
    today: date | None = None,
) -> OrgUnit:
    """`today` dates the new profile row when a rule-relevant attribute changes (default:
    today in Asia/Shanghai)."""
    unit = await _require_unit(session, unit_id, "id", for_update=True)
    _check_version(unit.version, version)
    if unit.is_archived:
        raise DomainError.one(
            ErrorCode.ARCHIVED, "id", "已撤销的单元不能修改", "An archived unit cannot be changed"
        )
    errors = ErrorCollector()
    changes: dict[str, object] = {}
    if code is not UNSET:
        clean_code = clean_text(errors, "code", code, label_zh="编码", label_en="Code", max_length=64)
        if clean_code and clean_code != unit.code:
            if await _sibling_code_taken(session, unit.parent_id, clean_code, exclude_id=unit.id):
                errors.add(
                    ErrorCode.DUPLICATE_CODE,
                    "code",
                    "同一上级下已有相同编码的单元",
                    "A sibling unit already has this code",
                )
            changes["code"] = clean_code
    if name is not UNSET:
        clean_name = clean_text(errors, "name", name, label_zh="名称", label_en="Name", max_length=200)
        if clean_name and clean_name != unit.name:
            changes["name"] = clean_name
    if enterprise is not None:
        if unit.unit_kind is not UnitKind.ENTERPRISE:
            errors.add(
                ErrorCode.ENTERPRISE_FIELDS_NOT_ALLOWED,
                "enterprise",
                "只有企业可以填写企业信息",
                "Only enterprises have enterprise details",
            )
        else:
            _collect_enterprise_changes(errors, unit, enterprise, changes)
            new_credit = changes.get("credit_code")
            if isinstance(new_credit, str) and await _credit_code_taken(
                session, new_credit, exclude_id=unit.id
            ):
                errors.add(
                    ErrorCode.DUPLICATE_CREDIT_CODE,
                    ("enterprise", "creditCode"),
                    "该统一社会信用代码已被其他企业使用",
                    "Another enterprise already has this credit code",
                )
    errors.raise_if_any()
    if not changes:
        return unit
    day = today or today_shanghai()
    # A new profile decides the periods that begin on its day: the enterprise's own duties,
    # and coverage by those above it (its posts, its ancestors', and those in charge of it).
    posts = await posts_near(session, [unit.id]) if any(f in changes for f in PROFILE_FIELDS) else set()
    async with track(session, day, posts=posts, days=[day]):
        for attr, value in changes.items():
            setattr(unit, attr, value)
        unit.version = version + 1
        await session.flush()
        if any(f in changes for f in PROFILE_FIELDS):
            await record_profile(session, unit, day)
        if unit.placarded:
            await ensure_responsible_posts(session, unit, day)
    return unit


def _not_null(errors: ErrorCollector, value: Maybe[T | None], field: str, zh: str, en: str) -> Maybe[T]:
    """An attribute every enterprise has: None is refused, as if it was not given."""
    if value is None:
        errors.add(
            ErrorCode.REQUIRED, ("enterprise", field), f"{zh}不能为空", f"{en} cannot be removed (null)"
        )
        return UNSET
    return value


def _collect_enterprise_changes(
    errors: ErrorCollector, unit: OrgUnit, given: EnterpriseChanges, changes: dict[str, object]
) -> None:
    credit_code = _not_null(errors, given.credit_code, "creditCode", "统一社会信用代码", "The credit code")
    trade = _not_null(errors, given.trade, "trade", "行业", "The trade")
    staff_count = _not_null(errors, given.staff_count, "staffCount", "从业人数", "The staff count")
    placarded = _not_null(errors, given.placarded, "placarded", "是否挂牌", "The placard flag")
    high_risk = _not_null(errors, given.high_risk, "highRisk", "是否高危行业", "The high-risk flag")
    if credit_code is not UNSET:
        clean = _clean_credit_code(errors, ("enterprise", "creditCode"), credit_code)
        if clean and clean != unit.credit_code:
            changes["credit_code"] = clean
    if trade is not UNSET and trade.value != unit.trade:
        changes["trade"] = trade.value
        if given.high_risk is UNSET:
            changes["high_risk"] = trade in HIGH_RISK_TRADES
    if high_risk is not UNSET and high_risk != unit.high_risk:
        changes["high_risk"] = high_risk
    if staff_count is not UNSET:
        staff = _clean_staff_count(errors, ("enterprise", "staffCount"), staff_count)
        if staff is not None and staff != unit.staff_count:
            changes["staff_count"] = staff
    if placarded is not UNSET and placarded != unit.placarded:
        changes["placarded"] = placarded
    if given.risk_class is not UNSET:
        value = given.risk_class.value if given.risk_class else None
        if value != unit.risk_class:
            changes["risk_class"] = value


async def move_unit(session: AsyncSession, *, unit_id: int, version: int, new_parent_id: int) -> OrgUnit:
    unit = await _require_unit(session, unit_id, "id", for_update=True)
    _check_version(unit.version, version)
    if unit.is_archived:
        raise DomainError.one(
            ErrorCode.ARCHIVED, "id", "已撤销的单元不能移动", "An archived unit cannot be moved"
        )
    parent = await get_unit(session, new_parent_id)
    if parent is None:
        raise not_found("newParentId", "新上级单元", "New parent unit")
    if parent.path.startswith(unit.path):
        raise DomainError.one(
            ErrorCode.MOVE_INTO_OWN_SUBTREE,
            "newParentId",
            "不能把单元移到它自己或它的下级单元之下",
            "A unit cannot be moved under itself or one of its descendants",
        )
    if parent.unit_kind not in ALLOWED_PARENTS[unit.unit_kind]:
        raise _parent_error(unit.unit_kind, parent.unit_kind, "newParentId")
    if parent.is_archived:
        raise DomainError.one(
            ErrorCode.ARCHIVED, "newParentId", "新上级单元已撤销", "The new parent unit is archived"
        )
    if parent.id == unit.parent_id:
        raise DomainError.one(
            ErrorCode.NOTHING_TO_CHANGE,
            "newParentId",
            "单元已在该上级之下",
            "The unit already hangs under that parent",
        )
    if await _sibling_code_taken(session, parent.id, unit.code, exclude_id=unit.id):
        raise DomainError.one(
            ErrorCode.DUPLICATE_CODE,
            "newParentId",
            "新上级下已有相同编码的单元",
            "A unit under the new parent already has this code",
        )
    old_path = unit.path
    new_path = f"{parent.path}{unit.id}/"
    depth_delta = parent.depth + 1 - unit.depth
    # Descendants keep their own versions: their attributes did not change, only where they
    # hang, which their ancestors' paths already say.
    await session.execute(
        update(OrgUnit)
        .where(OrgUnit.path >= old_path, OrgUnit.path < subtree_upper_bound(old_path), OrgUnit.id != unit.id)
        .values(
            path=literal(new_path) + func.substr(OrgUnit.path, len(old_path) + 1),
            depth=OrgUnit.depth + depth_delta,
        )
        .execution_options(synchronize_session=False)
    )
    unit.parent_id = parent.id
    unit.path = new_path
    unit.depth = parent.depth + 1
    unit.version = version + 1
    await session.flush()
    # Descendants already loaded in this session learn their new place without another
    # UPDATE (the bulk statement above wrote it).
    for obj in list(session.identity_map.values()):
        if isinstance(obj, OrgUnit) and obj is not unit and obj.path.startswith(old_path):
            set_committed_value(obj, "path", new_path + obj.path[len(old_path) :])
            set_committed_value(obj, "depth", obj.depth + depth_delta)
    # Every grant below the unit now lives at another path.
    mark_authz_dirty(session, "*")
    # Lists apply by place and scores roll up by place: both change with a move.
    await rebuild_if_built(session, None)
    return unit


async def archive_unit(session: AsyncSession, *, unit_id: int, version: int, today: date) -> OrgUnit:
    unit = await _require_unit(session, unit_id, "id", for_update=True)
    _check_version(unit.version, version)
    if unit.is_archived:
        raise DomainError.one(ErrorCode.ARCHIVED, "id", "单元已撤销", "The unit is already archived")
    active_child = await session.scalar(
        select(OrgUnit.id).where(OrgUnit.parent_id == unit.id, OrgUnit.archived_at.is_(None)).limit(1)
    )
    if active_child is not None:
        raise DomainError.one(
            ErrorCode.HAS_ACTIVE_CHILDREN,
            "id",
            "请先撤销或移走该单元的下级单元",
            "Archive or move the unit's children first",
        )
    open_assignment = await session.scalar(
        select(Assignment.id)
        .join(Post, Post.id == Assignment.post_id)
        .where(Post.unit_id == unit.id, effective_assignment(), assignment_overlaps(today, None))
        .limit(1)
    )
    if open_assignment is not None:
        raise DomainError.one(
            ErrorCode.HAS_OPEN_ASSIGNMENTS,
            "id",
            "该单元的岗位仍有在任或将任的人员，请先结束任职",
            "Posts of the unit still have current or future holders; end those assignments first",
        )
    posts = set((await session.scalars(select(Post.id).where(Post.unit_id == unit.id))).all())
    async with track(session, today, posts=posts, days=[today, date.max]):
        unit.archived_at = utcnow()
        unit.version = version + 1
        await session.flush()
    return unit
