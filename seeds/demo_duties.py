"""Demo duties: the requirement catalogue, the lists every demo park adopts, critical
periods, and a year of fictional records of performance, so a frontend sees realistic
statuses (mostly on time, some late, some missed, one exemption, corrections).

Lists, critical periods, corrections and the exemption go through the domain services.
The year of records (tens of thousands, one per day for every front-line post) is derived
from the obligations the platform itself computes, so each names a duty, a kind, a unit and
a holder that match by construction; it is inserted in bulk, without audit entries, as a
data import would be. Deterministic for a given `today` (fixed seed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import SYSTEM, Actor
from domain.duties import records as rec
from domain.duties.facts import load_facts
from domain.duties.lists import adopt_template
from domain.duties.models import DutyList, DutyRecord, DutyRecordItem, DutyRecordUnit
from domain.duties.obligations import Calculator, Facts, Obligation, Status
from domain.duties.queries import posts_of_unit
from domain.posts.models import Assignment, Post, assignment_on, effective_assignment
from domain.tree.models import OrgUnit
from seeds.demo_handover import INSPECTION_KEY, record_handover, stage_handover
from seeds.requirements import load_requirements

# The catalogue lists each demo park adopts: the park leaders' lists of 004, the three
# responsible persons' checks, the enterprise principal's duties of 002, the 日周月 regime
# of 000 for enterprise posts, and the department's monthly 清零 of 000.
DEMO_TEMPLATES = (
    "004-park-principal",
    "004-park-deputy",
    "004-park-other",
    "004-responsible-persons",
    "002-enterprise-principal",
    "000-enterprise-principal",
    "000-enterprise-safety-manager",
    "000-enterprise-frontline",
    "000-emergency-dept",
)

ON_TIME, LATE = 0.80, 0.09  # the rest is missed
BATCH = 2000


@dataclass
class _Plan:
    records: list[dict[str, Any]] = field(default_factory=list)
    units: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)


def _days(start: date, end: date) -> int:
    return (end - start).days


class _Generator:
    def __init__(
        self, facts: Facts, today: date, rng: random.Random, skip: tuple[int, date] | None = None
    ) -> None:
        self.today = today
        self.skip = skip  # (post, month) whose principal inspection `demo_handover` records
        self.rng = rng
        self.kinds = {i.item_id: i.rule.kinds for lst in facts.lists for i in lst.items}
        self.posts = {p.id: p for p in facts.posts}
        self.enterprises: list[tuple[str, int]] = [(path, uid) for path, uid, _ in facts.enterprises]
        self.plan = _Plan()

    def _unit_for(self, ob: Obligation, kind: str) -> int:
        if ob.post_id is None:
            return self.rng.choice(ob.scope_unit_ids)
        post = self.posts[ob.post_id]
        # A park or department post (path "/d/p/" or "/d/p/dep/") inspects enterprises in reach.
        if kind == "INSPECTION" and post.path.count("/") <= 4:
            roots = [post.path, *(c.path for c in post.charges)]
            inside = [uid for path, uid in self.enterprises if any(path.startswith(r) for r in roots)]
            if inside:
                return self.rng.choice(inside)
        return post.unit_id

    def _add(self, ob: Obligation, day: date, units: list[int], makeup_for: date | None = None) -> None:
        kind = str(self.kinds[ob.item_id][0])
        if not units:
            units = [self._unit_for(ob, kind)]
        self.plan.records.append(
            {
                "kind": kind,
                "performed_on": day,
                "title": f"{'补做' if makeup_for else ''}{_TITLES.get(kind, '履职')}",
                "findings": self.rng.choice(_FINDINGS),
                "recorder": f"person:{ob.person_id}",
                "recorder_person_id": ob.person_id,
                "makeup_for": makeup_for,
                "participants": [],
                "attachments": [],
                "withdrawn": False,
            }
        )
        self.plan.units.append(units[0])
        self.plan.items.append(ob.item_id)
        for extra in units[1:]:
            self.plan.records[-1].setdefault("_more_units", []).append(extra)

    def obligation(self, ob: Obligation) -> None:
        if (
            ob.person_id is None
            # A post's period shared by holders is done (or not) once: by its primary share.
            or ob.answering
            or (self.skip == (ob.post_id, ob.period_start) and ob.item_key == INSPECTION_KEY)
            or ob.required == 0
            or ob.status in (Status.NOT_YET_DUE, Status.NOT_APPLICABLE)
        ):
            return
        last = min(ob.due_date, self.today)
        if ob.status is Status.DUE and self.rng.random() < 0.5:
            return
        roll = self.rng.random()
        targets = list(ob.target_unit_ids)
        if targets:
            if roll < ON_TIME + LATE:
                self.rng.shuffle(targets)
                if self.rng.random() < 0.2 and len(targets) > 1:
                    targets = targets[1:]  # all but one
                for unit in targets:
                    self._add(ob, self._day(ob.share_start, last), [unit])
            return
        if roll < ON_TIME:
            for _ in range(ob.required):
                self._add(ob, self._day(ob.share_start, last), [])
        elif roll < ON_TIME + LATE and ob.due_date < self.today:
            late = ob.due_date + timedelta(days=self.rng.randint(1, 6))
            if late > self.today:
                return
            makeup = ob.due_date if late > ob.share_end else None
            for _ in range(ob.required):
                self._add(ob, late, [], makeup_for=makeup)

    def _day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, _days(start, end))))


_TITLES = {
    "INSPECTION": "安全检查",
    "MEETING": "安全生产工作会议",
    "STUDY": "安全生产专题学习",
    "REPORT": "安全生产工作报告",
    "DRILL": "应急演练",
    "TRAINING": "安全培训",
    "ON_SITE": "重要节点到场履职",
    "PLAN": "制定工作方案",
    "ASSESSMENT": "安全风险研判",
}
_FINDINGS = [
    None,
    None,
    "未发现问题",
    "消防通道堆放杂物，已要求立即清理",
    "配电箱未上锁，已现场整改",
    "台账记录不完整，限期补齐",
]


async def _insert(session: AsyncSession, plan: _Plan) -> int:
    """Plain multi-row inserts with ids given here (RETURNING over tens of thousands of rows
    costs more than the rows); PostgreSQL's sequence is moved past them afterwards."""
    first = int(await session.scalar(select(func.coalesce(func.max(DutyRecord.id), 0))) or 0) + 1
    ids = list(range(first, first + len(plan.records)))
    for start in range(0, len(plan.records), BATCH):
        chunk = list(zip(ids[start : start + BATCH], plan.records[start : start + BATCH], strict=True))
        await session.execute(
            insert(DutyRecord),
            [{"id": i, **{k: v for k, v in r.items() if not k.startswith("_")}} for i, r in chunk],
        )
        units = [{"record_id": i, "unit_id": u} for (i, _), u in zip(chunk, plan.units[start:], strict=False)]
        for i, r in chunk:
            units.extend({"record_id": i, "unit_id": u} for u in r.get("_more_units", ()))
        await session.execute(insert(DutyRecordUnit), units)
        items = [
            {"record_id": i, "item_id": it} for (i, _), it in zip(chunk, plan.items[start:], strict=False)
        ]
        await session.execute(insert(DutyRecordItem), items)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('duty_record', 'id'), "
                "(SELECT max(id) FROM duty_record))"
            )
        )
    return len(plan.records)


def _last(month: int, day: int, today: date) -> date:
    """The latest such date not after today."""
    found = date(today.year, month, day)
    return found if found <= today else date(today.year - 1, month, day)


async def load_demo_duties(session: AsyncSession, parks: list[OrgUnit], today: date) -> dict[str, int]:
    counts = await load_requirements(session)
    since = today - timedelta(days=400)
    rows = (
        await session.execute(select(DutyList.code, DutyList.id).where(DutyList.code.in_(DEMO_TEMPLATES)))
    ).all()
    templates = {code: list_id for code, list_id in rows}
    for park in parks:
        for code in DEMO_TEMPLATES:
            await adopt_template(
                session,
                template_id=templates[code],
                unit_id=park.id,
                code=f"{park.code}-{code}",
                effective_from=since,
                actor=SYSTEM,
            )
        national_day = _last(10, 1, today)
        await rec.declare_critical_period(
            session,
            unit_id=park.id,
            kind="KEY_DATE",
            title="国庆假期（演示）",
            start=national_day,
            end=national_day + timedelta(days=6),
            actor=SYSTEM,
            domain=park.path,
        )
        resumption = _last(2, 20, today)
        await rec.declare_critical_period(
            session,
            unit_id=park.id,
            kind="RESUMPTION",
            title="春节后复工复产（演示）",
            start=resumption,
            end=resumption + timedelta(days=9),
            actor=SYSTEM,
            domain=park.path,
        )
    counts["duty_lists"] = len(parks) * len(DEMO_TEMPLATES)
    counts["exemptions"] = await _exemption(session, parks[0], today) if parks else 0
    lo, hi = today - timedelta(days=365), today
    rng = random.Random(20261126)
    total = 0
    handover = await stage_handover(session, parks[0], today) if parks else None
    for park in parks:
        facts = await load_facts(session, posts_of_unit(park.path, subtree=True), lo, hi)
        generator = _Generator(facts, today, rng, handover if park is parks[0] else None)
        for ob in Calculator(facts, today).for_posts(lo, hi):
            generator.obligation(ob)
        total += await _insert(session, generator.plan)
    if handover is not None:
        await record_handover(session, parks[0], handover[0], today)
        total += 1
    counts["records"] = total
    counts |= await _evidence(session, parks, today)
    return counts


async def _exemption(session: AsyncSession, park: OrgUnit, today: date) -> int:
    """An enterprise stopped for maintenance for a month: its principal's monthly check is
    exempted, asked by the holder and approved by the park (system)."""
    found = (
        await session.execute(
            select(Post, Assignment.person_id)
            .join(OrgUnit, OrgUnit.id == Post.unit_id)
            .join(Assignment, Assignment.post_id == Post.id)
            .where(
                Post.kind == "ENTERPRISE_PRINCIPAL",
                OrgUnit.path.startswith(park.path),
                effective_assignment(),
                assignment_on(today),
            )
            .order_by(Post.id)
            .limit(1)
        )
    ).first()
    list_id = await session.scalar(
        select(DutyList.id).where(DutyList.code == f"{park.code}-000-enterprise-principal")
    )
    if found is None or list_id is None:
        return 0
    post, holder = found
    month = (today - timedelta(days=90)).replace(day=1)
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    request = await rec.request_exemption(
        session,
        post=post,
        person_id=None,
        list_id=list_id,
        item_key="000-enterprise-principal-4-5b",
        start=month,
        end=month_end,
        reason="企业停产检修一个月（演示）",
        recorder=Actor(subject=f"person:{holder}", person_id=holder),
        unit_id=post.unit_id,
        domain=park.path,
        today=month_end,
    )
    await rec.decide_exemption(
        session,
        record=request,
        approved=True,
        note="情况属实，同意",
        decider=Actor(subject="system", person_id=None),
        holder_ids={holder},
        domain=park.path,
    )
    return 1


async def _evidence(session: AsyncSession, parks: list[OrgUnit], today: date) -> dict[str, int]:
    """A correction, a withdrawal and an approved exemption, through the services."""
    rows = (
        (
            await session.execute(
                select(DutyRecord)
                .where(DutyRecord.kind == "INSPECTION", DutyRecord.makeup_for.is_(None))
                .order_by(DutyRecord.id)
                .limit(2)
            )
        )
        .scalars()
        .all()
    )
    done = 0
    if len(rows) == 2:
        first, second = rows
        units = (
            await session.scalars(select(DutyRecordUnit.unit_id).where(DutyRecordUnit.record_id == first.id))
        ).all()
        who = Actor(subject=first.recorder, person_id=first.recorder_person_id)
        await rec.correct_record(
            session,
            record_id=first.id,
            data=rec.RecordInput(
                kind=first.kind,
                performed_on=first.performed_on,
                title=first.title,
                unit_ids=list(units),
                findings="复查：消防通道已清理（更正原记录的发现问题）",
            ),
            reason="发现问题记录不全",
            recorder=who,
            domain="/",
            today=today,
        )
        await rec.withdraw_record(
            session,
            record_id=second.id,
            reason="重复录入",
            recorder=Actor(subject=second.recorder, person_id=second.recorder_person_id),
            domain="/",
        )
        done = 2
    return {"corrections": done}
