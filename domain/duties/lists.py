"""Creating, adopting and revising duty lists. A revision is a new version with its full
set of items, effective from a date not before today; the versions before it stay, so
periods that started under them keep their rules."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.service import insert_audited
from domain.duties.models import DutyItem, DutyList, DutyListVersion, DutySource
from domain.duties.queries import posts_of_unit
from domain.duties.rules import parse_rule
from domain.duties.targets import add_targets, targets_for_adoption
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.inputs import clean_text
from domain.posts.kinds import PostKind
from domain.scoring.maintain import track
from domain.tree.models import OrgUnit

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_ITEMS = 500


@dataclass(frozen=True)
class ItemInput:
    key: str
    text: str
    rule: Mapping[str, Any] | None = None
    source_id: int | None = None
    source_clause: str | None = None
    note: str | None = None
    meta: Mapping[str, Any] | None = None


def _clean_code(errors: ErrorCollector, field: str | tuple[str, ...], value: str, what: str) -> str:
    value = (value or "").strip()
    if not CODE_RE.match(value):
        errors.add(
            ErrorCode.INVALID_VALUE,
            field,
            f"{what}只能由字母、数字和 . _ - 组成，最长64个字符",
            "must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return value


def _clean_meta(
    errors: ErrorCollector, field: tuple[str, ...], meta: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    if meta is None:
        return None
    if not isinstance(meta, Mapping) or len(meta) > 20:
        errors.add(
            ErrorCode.INVALID_VALUE,
            field,
            "附加信息应为不超过20项的键值对象",
            "must be an object of at most 20 entries",
        )
        return None
    out: dict[str, Any] = {}
    for key, value in meta.items():
        ok = isinstance(key, str) and (
            (isinstance(value, str) and len(value) <= 2000)
            or (
                isinstance(value, list)
                and len(value) <= 50
                and all(isinstance(v, str) and len(v) <= 200 for v in value)
            )
        )
        if not ok:
            errors.add(
                ErrorCode.INVALID_VALUE,
                (*field, str(key)),
                "附加信息的值应为文字或文字列表",
                "values must be text or lists of text",
            )
            continue
        out[key] = value
    return out


async def _clean_items(
    session: AsyncSession, errors: ErrorCollector, items: Sequence[ItemInput]
) -> list[dict[str, Any]]:
    if not items:
        errors.add(ErrorCode.REQUIRED, "items", "职责清单至少要有一项", "A duty list needs at least one item")
        return []
    if len(items) > MAX_ITEMS:
        errors.add(ErrorCode.INVALID_VALUE, "items", f"最多{MAX_ITEMS}项", f"at most {MAX_ITEMS} items")
        return []
    source_ids = {i.source_id for i in items if i.source_id is not None}
    known = (
        set((await session.scalars(select(DutySource.id).where(DutySource.id.in_(source_ids)))).all())
        if source_ids
        else set()
    )
    seen: set[str] = set()
    out = []
    for n, item in enumerate(items):
        base = ("items", str(n))
        key = _clean_code(errors, (*base, "key"), item.key, "职责编号")
        if key in seen:
            errors.add(
                ErrorCode.DUPLICATE,
                (*base, "key"),
                "同一清单中职责编号重复",
                "keys must be unique within a list",
            )
        seen.add(key)
        text = clean_text(
            errors, (*base, "text"), item.text, label_zh="职责内容", label_en="Text", max_length=4000
        )
        clause = clean_text(
            errors,
            (*base, "sourceClause"),
            item.source_clause,
            label_zh="出处条款",
            label_en="Source clause",
            max_length=200,
            required=False,
        )
        note = clean_text(
            errors,
            (*base, "note"),
            item.note,
            label_zh="说明",
            label_en="Note",
            max_length=2000,
            required=False,
        )
        if item.source_id is not None and item.source_id not in known:
            errors.add(
                ErrorCode.NOT_FOUND, (*base, "sourceId"), "来源文件不存在", "Source document does not exist"
            )
        rule = None
        if item.rule is not None:
            try:
                rule = parse_rule(item.rule, (*base, "rule")).to_dict()
            except DomainError as exc:
                errors.extend(exc)
        out.append(
            {
                "key": key,
                "position": n + 1,
                "text": text or "",
                "source_id": item.source_id,
                "source_clause": clause,
                "rule": rule,
                "note": note,
                "meta": _clean_meta(errors, (*base, "meta"), item.meta),
            }
        )
    return out


async def _add_version(
    session: AsyncSession,
    lst: DutyList,
    number: int,
    effective_from: date,
    note: str | None,
    items: list[dict[str, Any]],
    actor: Actor,
    domain: str,
) -> DutyListVersion:
    version = await insert_audited(
        session,
        DutyListVersion(
            list_id=lst.id, number=number, effective_from=effective_from, note=note, created_by=actor.subject
        ),
        "duty_list.version",
        domain,
        actor=actor,
    )
    session.add_all(DutyItem(version_id=version.id, **item) for item in items)
    await session.flush()
    return version


async def create_duty_list(
    session: AsyncSession,
    *,
    code: str,
    name: str,
    post_kinds: Sequence[str],
    unit_id: int | None,
    effective_from: date,
    items: Sequence[ItemInput],
    actor: Actor,
    source_id: int | None = None,
    source_clause: str | None = None,
    note: str | None = None,
    template_id: int | None = None,
    today: date | None = None,
    targets: Sequence[tuple[str, int | None]] = (),
) -> DutyList:
    """`targets`: the units it targets, (name, unit id or None for a template), if any."""
    posts = await _posts_under(session, unit_id)
    async with track(session, today, posts=posts, days=[effective_from, date.max]):
        return await _create_duty_list(
            session, code=code, name=name, post_kinds=post_kinds, unit_id=unit_id,
            effective_from=effective_from, items=items, actor=actor, source_id=source_id,
            source_clause=source_clause, note=note, template_id=template_id, targets=targets,
        )  # fmt: skip


async def _posts_under(session: AsyncSession, unit_id: int | None) -> set[int]:
    """Posts a list of the unit may apply to (none for a catalogue template)."""
    if unit_id is None:
        return set()
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        return set()
    return set((await session.scalars(posts_of_unit(unit.path, subtree=True))).all())


async def _create_duty_list(
    session: AsyncSession,
    *,
    code: str,
    name: str,
    post_kinds: Sequence[str],
    unit_id: int | None,
    effective_from: date,
    items: Sequence[ItemInput],
    actor: Actor,
    source_id: int | None,
    source_clause: str | None,
    note: str | None,
    template_id: int | None,
    targets: Sequence[tuple[str, int | None]] = (),
) -> DutyList:
    errors = ErrorCollector()
    code = _clean_code(errors, "code", code, "清单编号")
    clean_name = clean_text(errors, "name", name, label_zh="清单名称", label_en="Name", max_length=200)
    kinds: list[str] = []
    if not post_kinds:
        errors.add(
            ErrorCode.REQUIRED,
            "postKinds",
            "须指明适用的岗位类型",
            "Name the kinds of post the list applies to",
        )
    for n, kind in enumerate(post_kinds):
        try:
            kinds.append(PostKind(kind).value)
        except ValueError:
            errors.add(
                ErrorCode.INVALID_POST_KIND,
                ("postKinds", str(n)),
                "未知的岗位类型",
                f"Unknown post kind {kind}",
            )
    if len(set(kinds)) != len(kinds):
        errors.add(ErrorCode.DUPLICATE, "postKinds", "岗位类型重复", "Post kinds repeat")
    domain = "*"
    if unit_id is not None:
        unit = await session.get(OrgUnit, unit_id)
        if unit is None:
            raise not_found("unitId", "组织单元", "Organisation unit")
        if unit.is_archived:
            errors.add(ErrorCode.ARCHIVED, "unitId", "单元已撤销", "The unit is archived")
        domain = unit.path
    if code and await session.scalar(select(DutyList.id).where(DutyList.code == code)):
        errors.add(ErrorCode.DUPLICATE_CODE, "code", "清单编号已被使用", "The code is already used")
    clean_items = await _clean_items(session, errors, items)
    errors.raise_if_any()
    lst = await insert_audited(
        session,
        DutyList(
            code=code,
            name=clean_name or "",
            post_kinds=kinds,
            unit_id=unit_id,
            template_id=template_id,
            source_id=source_id,
            source_clause=source_clause,
            created_by=actor.subject,
        ),
        "duty_list.create",
        domain,
        actor=actor,
    )
    if targets:
        await add_targets(session, lst.id, [n for n, _ in targets], [u for _, u in targets])
    await _add_version(session, lst, 1, effective_from, note, clean_items, actor, domain)
    return lst


async def latest_version(session: AsyncSession, list_id: int) -> DutyListVersion | None:
    return await session.scalar(
        select(DutyListVersion)
        .where(DutyListVersion.list_id == list_id)
        .order_by(DutyListVersion.number.desc())
        .limit(1)
    )


async def revise_duty_list(
    session: AsyncSession,
    *,
    list_id: int,
    effective_from: date,
    items: Sequence[ItemInput],
    note: str | None,
    actor: Actor,
    domain: str,
    today: date,
) -> DutyListVersion:
    errors = ErrorCollector()
    latest = await latest_version(session, list_id)
    if latest is None:
        raise not_found("listId", "职责清单", "Duty list")
    if effective_from < today:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "effectiveFrom",
            "修订只能自今日或以后生效，已过去的期间仍按原版本",
            "A revision takes effect today or later; past periods keep the version they had",
        )
    elif effective_from <= latest.effective_from:
        errors.add(
            ErrorCode.INVALID_DATE_RANGE,
            "effectiveFrom",
            "生效日期须晚于现行版本的生效日期",
            "must be after the current version's effective date",
        )
    clean_note = clean_text(
        errors, "note", note, label_zh="修订说明", label_en="Note", max_length=2000, required=False
    )
    clean_items = await _clean_items(session, errors, items)
    errors.raise_if_any()
    lst = await session.get(DutyList, list_id)
    assert lst is not None
    async with track(
        session, today, posts=await _posts_under(session, lst.unit_id), days=[effective_from, date.max]
    ):
        return await _add_version(
            session, lst, latest.number + 1, effective_from, clean_note, clean_items, actor, domain
        )


async def adopt_template(
    session: AsyncSession,
    *,
    template_id: int,
    unit_id: int,
    code: str,
    effective_from: date,
    actor: Actor,
    name: str | None = None,
    post_kinds: Sequence[str] | None = None,
    today: date | None = None,
) -> DutyList:
    """A unit takes a catalogue list as its own: a new list with the template's current items."""
    template = await session.get(DutyList, template_id)
    if template is None:
        raise not_found("templateId", "职责清单模板", "Duty list template")
    latest = await latest_version(session, template_id)
    assert latest is not None
    rows = (
        await session.scalars(
            select(DutyItem).where(DutyItem.version_id == latest.id).order_by(DutyItem.position)
        )
    ).all()
    items = [
        ItemInput(
            key=r.key,
            text=r.text,
            rule=r.rule,
            source_id=r.source_id,
            source_clause=r.source_clause,
            note=r.note,
            meta=r.meta,
        )
        for r in rows
    ]
    targets = await targets_for_adoption(session, template.id, unit_id)
    return await create_duty_list(
        session,
        targets=targets,
        code=code,
        name=name or template.name,
        post_kinds=list(post_kinds) if post_kinds else list(template.post_kinds),
        unit_id=unit_id,
        effective_from=effective_from,
        items=items,
        actor=actor,
        source_id=template.source_id,
        source_clause=template.source_clause,
        template_id=template.id,
        note=f"采用模板 {template.code}",
        today=today,
    )


async def count_lists(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(DutyList)) or 0)
