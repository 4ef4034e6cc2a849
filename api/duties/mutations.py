"""Changing duty lists, recording performance, exemptions and critical periods.

The recorder of a record is always the authenticated caller (谁检查、谁签字、谁负责); the
input has no field for it. Rights, checked per unit through `api/duties/guards.py`:
duty lists and critical periods need duty-write on the unit (catalogue templates: on
everything); a record needs record-write on every unit it covers, or a post the caller
holds there; an exemption is requested with record-write on the post and decided by
someone with record-write above the post's unit who is neither the requester nor a holder.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.actors import actor
from api.context import Info
from api.duties import guards
from api.duties.inputs import (
    AdoptDutyListTemplateInput,
    CorrectRecordInput,
    CreateDutyListInput,
    CriticalPeriodPayload,
    DecideExemptionInput,
    DeclareCriticalPeriodInput,
    DutyListPayload,
    DutyRecordPayload,
    RecordPerformanceInput,
    RequestExemptionInput,
    ReviseDutyListInput,
    WithdrawCriticalPeriodInput,
    WithdrawRecordInput,
    domain_items,
    record_input,
)
from api.errors import mutate
from api.files.attach_create import attach_created
from api.ids import decode_id
from domain.db import reuse_plans
from domain.duties import exemptions
from domain.duties import lists as duty_lists
from domain.duties import records as rec
from domain.duties.models import CriticalPeriod as CriticalPeriodRow
from domain.duties.models import DutyList as DutyListRow
from domain.duties.models import DutyListVersion as DutyListVersionRow
from domain.duties.models import DutyRecord as DutyRecordRow
from domain.duties.records.choosing import with_chosen_duty
from domain.files.attachments import Target
from domain.files.models import AttachmentSubject

T = TypeVar("T")


@strawberry.type
class DutiesMutation:
    @strawberry.mutation(description="新建职责清单 — Create a duty list (version 1)")
    async def create_duty_list(self, info: Info, input: CreateDutyListInput) -> DutyListPayload:
        async def work(session: AsyncSession) -> tuple[DutyListRow, DutyListVersionRow | None]:
            unit_id = decode_id(input.unit_id, "OrgUnit", "unitId") if input.unit_id is not None else None
            await guards.write_duties(info.context, session, unit_id, "unitId")
            lst = await duty_lists.create_duty_list(
                session,
                code=input.code,
                name=input.name,
                post_kinds=[k.value for k in input.post_kinds],
                unit_id=unit_id,
                effective_from=input.effective_from,
                items=domain_items(input.items),
                actor=actor(info.context),
                note=input.note,
                today=info.context.today,
            )
            return lst, await duty_lists.latest_version(session, lst.id)

        return await mutate(info, work, DutyListPayload.of)

    @strawberry.mutation(
        description="修订职责清单 — Write a new version of a list, effective today or later; periods that "
        "started under earlier versions keep them"
    )
    async def revise_duty_list(self, info: Info, input: ReviseDutyListInput) -> DutyListPayload:
        async def work(session: AsyncSession) -> tuple[DutyListRow, DutyListVersionRow]:
            list_id = decode_id(input.list_id, "DutyList", "listId")
            lst, domain = await guards.write_list(info.context, session, list_id, "listId")
            version = await duty_lists.revise_duty_list(
                session,
                list_id=list_id,
                effective_from=input.effective_from,
                items=domain_items(input.items),
                note=input.note,
                actor=actor(info.context),
                domain=domain,
                today=info.context.today,
            )
            return lst, version

        return await mutate(info, work, DutyListPayload.of)

    @strawberry.mutation(description="采用模板 — Make a catalogue list a unit's own")
    async def adopt_duty_list_template(
        self, info: Info, input: AdoptDutyListTemplateInput
    ) -> DutyListPayload:
        async def work(session: AsyncSession) -> tuple[DutyListRow, DutyListVersionRow | None]:
            template_id = decode_id(input.template_id, "DutyList", "templateId")
            unit_id = decode_id(input.unit_id, "OrgUnit", "unitId")
            await guards.read_template(info.context, session, template_id, "templateId")
            await guards.write_duties(info.context, session, unit_id, "unitId")
            lst = await duty_lists.adopt_template(
                session,
                template_id=template_id,
                unit_id=unit_id,
                code=input.code,
                effective_from=input.effective_from,
                actor=actor(info.context),
                name=input.name,
                post_kinds=[k.value for k in input.post_kinds] if input.post_kinds else None,
                today=info.context.today,
            )
            return lst, await duty_lists.latest_version(session, lst.id)

        return await mutate(info, work, DutyListPayload.of)

    @strawberry.mutation(
        description="记录履职 — Record an inspection, meeting, study, report, drill, training or on-site "
        "attendance; you are its recorder"
    )
    async def record_performance(self, info: Info, input: RecordPerformanceInput) -> DutyRecordPayload:
        async def work(session: AsyncSession) -> tuple[DutyRecordRow, list[int]]:
            data = record_input(input)
            recorder, domain, units = await guards.write_records(
                info.context, session, data.unit_ids, "unitIds", data.performed_on
            )
            data, chosen = await with_chosen_duty(session, data, recorder.person_id, info.context.today)
            row = await rec.create_record(
                session, data=data, recorder=recorder, domain=domain, today=info.context.today, units=units
            )
            target = Target(AttachmentSubject.RECORD, row.id)
            await attach_created(info.context, session, target, input.files, recorder, domain)
            return row, chosen

        return await mutate(info, _planned(work), DutyRecordPayload.chosen)

    @strawberry.mutation(description="更正履职记录 — Correct your record by a new one that points at it")
    async def correct_record(self, info: Info, input: CorrectRecordInput) -> DutyRecordPayload:
        async def work(session: AsyncSession) -> tuple[DutyRecordRow, list[int]]:
            record_id = decode_id(input.record_id, "DutyRecord", "recordId")
            await guards.read_record(info.context, session, record_id, "recordId")
            data = record_input(input.record, "record")
            recorder, domain, units = await guards.write_records(
                info.context,
                session,
                data.unit_ids,
                ("record", "unitIds"),
                data.performed_on,
                ("record", "performedOn"),
            )
            data, chosen = await with_chosen_duty(
                session, data, recorder.person_id, info.context.today, ("record",)
            )
            row = await rec.correct_record(
                session,
                record_id=record_id,
                data=data,
                reason=input.reason,
                recorder=recorder,
                domain=domain,
                today=info.context.today,
                units=units,
            )
            target = Target(AttachmentSubject.RECORD, row.id)
            files = input.record.files
            await attach_created(info.context, session, target, files, recorder, domain, ("record", "files"))
            return row, chosen

        return await mutate(info, _planned(work), DutyRecordPayload.chosen)

    @strawberry.mutation(description="撤回履职记录 — Withdraw your record by a new row that points at it")
    async def withdraw_record(self, info: Info, input: WithdrawRecordInput) -> DutyRecordPayload:
        async def work(session: AsyncSession) -> DutyRecordRow:
            record_id = decode_id(input.record_id, "DutyRecord", "recordId")
            domain = await guards.read_record(info.context, session, record_id, "recordId")
            recorder = await guards.recorder(info.context, session, [])
            return await rec.withdraw_record(
                session,
                record_id=record_id,
                reason=input.reason,
                recorder=recorder,
                domain=domain,
                today=info.context.today,
            )

        return await mutate(info, _planned(work), DutyRecordPayload.of)

    @strawberry.mutation(description="申请豁免 — Ask that an obligation be not applicable for some dates")
    async def request_exemption(self, info: Info, input: RequestExemptionInput) -> DutyRecordPayload:
        async def work(session: AsyncSession) -> DutyRecordRow:
            item_id = decode_id(input.duty_item_id, "DutyItem", "dutyItemId")
            post_id = decode_id(input.post_id, "Post", "postId")
            domain, person_id = await guards.exemption_request(
                info.context, session, post_id, input.person_id
            )
            recorder = await guards.recorder(info.context, session, [])
            row = await exemptions.request_exemption(
                session,
                item_id=item_id,
                post_id=post_id,
                person_id=person_id,
                start=input.start,
                end=input.end,
                reason=input.reason,
                recorder=recorder,
                domain=domain,
                today=info.context.today,
            )
            target = Target(AttachmentSubject.EXEMPTION, row.id)
            await attach_created(info.context, session, target, input.files, recorder, domain)
            return row

        return await mutate(info, _planned(work), DutyRecordPayload.of)

    @strawberry.mutation(
        description="审批豁免 — Approve or refuse an exemption request (someone above the holder, not the "
        "requester or the holder)"
    )
    async def decide_exemption(self, info: Info, input: DecideExemptionInput) -> DutyRecordPayload:
        async def work(session: AsyncSession) -> DutyRecordRow:
            record_id = decode_id(input.exemption_id, "DutyRecord", "exemptionId")
            record, domain = await guards.exemption_to_decide(info.context, session, record_id)
            return await exemptions.decide_exemption(
                session,
                record=record,
                approved=input.approve,
                note=input.note,
                decider=await guards.recorder(info.context, session, []),
                domain=domain,
                today=info.context.today,
            )

        return await mutate(info, _planned(work), DutyRecordPayload.of)

    @strawberry.mutation(description="声明特殊时期 — Declare a critical period of a unit")
    async def declare_critical_period(
        self, info: Info, input: DeclareCriticalPeriodInput
    ) -> CriticalPeriodPayload:
        async def work(session: AsyncSession) -> CriticalPeriodRow:
            unit_id = decode_id(input.unit_id, "OrgUnit", "unitId")
            domain = await guards.write_duties(info.context, session, unit_id, "unitId")
            return await rec.declare_critical_period(
                session,
                unit_id=unit_id,
                kind=input.kind.value,
                title=input.title,
                start=input.start_date,
                end=input.end_date,
                actor=actor(info.context),
                domain=domain,
                today=info.context.today,
            )

        return await mutate(info, work, CriticalPeriodPayload.of)

    @strawberry.mutation(
        description="撤回特殊时期 — Withdraw a critical period by a new row that points at it"
    )
    async def withdraw_critical_period(
        self, info: Info, input: WithdrawCriticalPeriodInput
    ) -> CriticalPeriodPayload:
        async def work(session: AsyncSession) -> CriticalPeriodRow:
            period_id = decode_id(input.period_id, "CriticalPeriod", "periodId")
            domain = await guards.write_period(info.context, session, period_id, "periodId")
            return await rec.withdraw_critical_period(
                session,
                period_id=period_id,
                reason=input.reason,
                actor=actor(info.context),
                domain=domain,
                today=info.context.today,
            )

        return await mutate(info, work, CriticalPeriodPayload.of)


def _planned(work: Callable[[AsyncSession], Awaitable[T]]) -> Callable[[AsyncSession], Awaitable[T]]:
    async def planned(session: AsyncSession) -> T:
        # Record writes are the commonest writes of all, and their statements (the write's
        # and its score update's) look rows up by key: PostgreSQL may reuse their plans.
        await reuse_plans(session, True)
        return await work(session)

    return planned
