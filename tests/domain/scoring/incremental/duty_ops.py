"""Scenario operations on the duties' evidence: records, exemptions and critical periods."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from domain.actors import SYSTEM, Actor
from domain.duties import records as rec
from domain.duties.models import (
    EXEMPTION,
    CriticalPeriod,
    DutyItem,
    DutyRecord,
    DutyRecordUnit,
    effective_period,
    effective_record,
)
from domain.posts.models import Post
from domain.tree.models import OrgUnit
from tests.domain.scoring.incremental.scenario import EVIDENCE_FROM, OFFICER, RECORD_KINDS, SUPERVISOR, pick
from tests.domain.scoring.incremental.world_state import WorldState


class DutyOps(WorldState):
    """Records, exemptions and critical periods, changed through the duties services."""

    async def op_record(self, a: int, b: int, c: int, d: int) -> str:
        person = self.persons[a % len(self.persons)]
        held, wanted = await self.held(person)
        # Half the time a kind the person's duties name, else any kind.
        kind = (
            wanted[b // 2 % len(wanted)]
            if wanted and b % 2 == 0
            else RECORD_KINDS[b // 2 % len(RECORD_KINDS)]
        )
        performed = self.performed(c)
        units = held if held and d % 3 else [u.id for u in self.units]
        unit = units[d // 3 % len(units)]
        makeup = None
        if d % 5 == 0 and performed > EVIDENCE_FROM:
            makeup = max(EVIDENCE_FROM, performed - timedelta(days=1 + d // 5 % 45))
        # A third of the records name a duty they fulfil (one whose rule takes the kind).
        items = await self.items_taking(kind) if b % 3 == 0 else []
        named = [items[c % len(items)]] if items else []
        made = await rec.create_record(
            self.session,
            data=rec.RecordInput(
                kind=kind,
                performed_on=performed,
                title="履职",
                unit_ids=[unit],
                makeup_for=makeup,
                item_ids=named,
            ),
            recorder=Actor(subject=f"person:{person}", person_id=person),
            domain="/",
            today=self.today,
        )
        return (
            f"record #{made.id} by p{person}: {kind} on {performed} at {self.unit_label(unit)}"
            + (f", making up for {makeup}" if makeup else "")
            + (f", naming item #{named[0]}" if named else "")
        )

    async def items_taking(self, kind: str) -> list[int]:
        rows = await self.session.execute(
            select(DutyItem.id, DutyItem.rule).where(DutyItem.rule.is_not(None)).order_by(DutyItem.id)
        )
        return [i for i, rule in rows.all() if kind in rule.get("kinds", ())]

    async def _effective_records(self, *, exemptions: bool) -> list[DutyRecord]:
        stmt = select(DutyRecord).where(effective_record()).order_by(DutyRecord.id)
        if not exemptions:
            stmt = stmt.where(DutyRecord.kind != EXEMPTION)
        return list((await self.session.scalars(stmt)).all())

    async def op_correct_record(self, a: int, b: int, c: int, d: int) -> str:
        rows = await self._effective_records(exemptions=False)
        if not rows:
            return "correct record: none to correct"
        original = rows[a % len(rows)]
        units = list(
            (
                await self.session.scalars(
                    select(DutyRecordUnit.unit_id).where(DutyRecordUnit.record_id == original.id)
                )
            ).all()
        )
        if d % 2:
            units = [self.units[d // 2 % len(self.units)].id]
        kind = RECORD_KINDS[b // 2 % len(RECORD_KINDS)] if b % 2 else original.kind
        performed = self.performed(c)
        makeup = None
        if d % 3 == 0 and performed > EVIDENCE_FROM:
            makeup = max(EVIDENCE_FROM, performed - timedelta(days=1 + d // 3 % 30))
        assert original.recorder_person_id is not None
        fixed = await rec.correct_record(
            self.session,
            record_id=original.id,
            data=rec.RecordInput(kind=kind, performed_on=performed, title="履职（更正）", unit_ids=units,
                                 makeup_for=makeup),
            reason="更正",
            recorder=Actor(subject=original.recorder, person_id=original.recorder_person_id),
            domain="/",
            today=self.today,
        )  # fmt: skip
        return (
            f"correct record #{original.id} ({original.kind} on {original.performed_on}) as #{fixed.id}: "
            f"{kind} on {performed} at {', '.join(self.unit_label(u) for u in units)}"
            + (f", making up for {makeup}" if makeup else "")
        )

    async def op_withdraw_record(self, a: int, b: int, c: int, d: int) -> str:
        rows = await self._effective_records(exemptions=True)
        if not rows:
            return "withdraw record: none to withdraw"
        original = rows[a % len(rows)]
        await rec.withdraw_record(
            self.session,
            record_id=original.id,
            reason="撤回",
            recorder=Actor(subject=original.recorder, person_id=original.recorder_person_id),
            domain="/",
            today=self.today,
        )
        if original.kind == EXEMPTION:
            return (
                f"withdraw exemption #{original.id} ({original.exempt_list_id}/{original.exempt_item_key} "
                f"{original.exempt_from}..{original.exempt_to})"
            )
        return f"withdraw record #{original.id} ({original.kind} on {original.performed_on})"

    async def op_exemption(self, a: int, b: int, c: int, d: int) -> str:
        item = self.items[a % len(self.items)]
        start = self.performed(c)
        end = start + timedelta(days=d % 120)
        post: Post | None = None
        person: int | None = None
        unit_id = self.units[1].id
        if item.per_holder:
            person = self.persons[b % len(self.persons)]
        else:
            candidates = (
                await self.session.scalars(
                    select(Post).where(Post.kind.in_(item.post_kinds)).order_by(Post.id)
                )
            ).all()
            if not candidates:
                return f"exemption: no post carries {item.key}"
            post = candidates[b % len(candidates)]
            unit_id = post.unit_id
        request = await rec.request_exemption(
            self.session, post=post, person_id=person, list_id=item.list_id, item_key=item.key,
            start=start, end=end, reason="停产", recorder=OFFICER, unit_id=unit_id, domain="/", today=self.today,
        )  # fmt: skip
        approved = d % 5 != 0
        await rec.decide_exemption(
            self.session, record=request, approved=approved, note=None if approved else "不同意",
            decider=SUPERVISOR, holder_ids=set(), domain="/", today=self.today,
        )  # fmt: skip
        whom = f"post {post.id}" if post else f"p{person}"
        return (
            f"exemption #{request.id} of {whom} from {item.key} {start}..{end}: "
            f"{'approved' if approved else 'refused'}"
        )

    async def op_declare_period(self, a: int, b: int, c: int, d: int) -> str:
        unit = self.units[a % len(self.units)]
        kind = ("KEY_DATE", "ACCIDENT")[b % 2]
        start = self.performed(c) if c % 4 else pick(c // 4, self.today, self.today + timedelta(days=10))
        end = start + timedelta(days=d % 12)
        made = await rec.declare_critical_period(
            self.session, unit_id=unit.id, kind=kind, title="特殊时期", start=start, end=end, actor=SYSTEM,
            domain=unit.path, today=self.today,
        )  # fmt: skip
        self.declared(start, end)
        return f"declare {kind} #{made.id} at {self.unit_label(unit.id)} {start}..{end}"

    async def _effective_periods(self) -> list[CriticalPeriod]:
        stmt = select(CriticalPeriod).where(effective_period()).order_by(CriticalPeriod.id)
        return list((await self.session.scalars(stmt)).all())

    async def op_withdraw_period(self, a: int, b: int, c: int, d: int) -> str:
        rows = await self._effective_periods()
        if not rows:
            return "withdraw period: none"
        row = rows[a % len(rows)]
        await rec.withdraw_critical_period(
            self.session, period_id=row.id, reason="撤回", actor=SYSTEM, domain="/", today=self.today
        )
        return f"withdraw {row.kind} #{row.id} at {self.unit_label(row.unit_id)} {row.start_date}..{row.end_date}"

    async def op_correct_period(self, a: int, b: int, c: int, d: int) -> str:
        rows = await self._effective_periods()
        if not rows:
            return "correct period: none"
        row = rows[a % len(rows)]
        unit = self.units[b % len(self.units)] if b % 2 else await self.session.get(OrgUnit, row.unit_id)
        assert unit is not None
        start = self.performed(c)
        end = start + timedelta(days=d % 12)
        made = await rec.declare_critical_period(
            self.session, unit_id=unit.id, kind=row.kind, title="特殊时期（更正）", start=start, end=end,
            actor=SYSTEM, domain=unit.path, corrects=row, reason="更正", today=self.today,
        )  # fmt: skip
        self.declared(start, end)
        return (
            f"correct {row.kind} #{row.id} ({self.unit_label(row.unit_id)} {row.start_date}..{row.end_date}) "
            f"as #{made.id} at {self.unit_label(unit.id)} {start}..{end}"
        )
