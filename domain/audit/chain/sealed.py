"""The sealed tables, each one chain, and the columns each seals (its facts).

Scheme 1 of every table lists its columns as they are at revision 20261208_0017. A table
that gains a column keeps sealing these until a new scheme is added here: links name the
scheme they were sealed under, so rows sealed before keep verifying.

Which tables, and why:
- audit_event: the log of every change, including those to the tables not listed here
  (units, posts, people, duty lists, policy): sealing the log seals their history.
- Append-only evidence, every column: duty_record, duty_record_unit, duty_record_item
  (what was done, where, for which duties), exemption_decision, critical_period,
  duty_delegation, district_frequency_default, enterprise_profile, duty_list_version and
  duty_item (the duty lists in force), hazard_event, hazard_plan, hazard_notice,
  work_task_event (progress of the parks' key tasks), evidence_file, evidence_attachment.
- Evidence with projection columns, their facts only: hazard (state, deadline,
  responsible_person_id, rectified_by, closed_on and version follow its events:
  domain/hazards/service), tip_off (status, hazard_id, dismiss_reason, triaged_by and
  version follow its triage: domain/hazards/tipoffs.py), assignment (end_date, ended_at and
  version are set when it ends: domain/posts/service.py).
- Not sealed: mutable master data (org_unit, post, post_charge, person, duty_list, work
  lists and tasks), whose changes the audit log holds; reference libraries (duty_source,
  hazard_category); what is derived from the evidence and rebuilt from it (the scoring
  tables); credentials, policy and idempotency keys (audited, and not evidence)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from domain.audit.models import AuditEvent
from domain.duties.defaults.models import DistrictFrequencyDefault
from domain.duties.delegations.models import DutyDelegation
from domain.duties.models import (
    CriticalPeriod,
    DutyItem,
    DutyListVersion,
    DutyRecord,
    DutyRecordItem,
    DutyRecordUnit,
    ExemptionDecision,
)
from domain.files.models import EvidenceAttachment, EvidenceFile
from domain.hazards.models import Hazard, HazardEvent, HazardNotice, HazardPlan, TipOff
from domain.posts.models import Assignment
from domain.tasks.models import WorkTaskEvent
from domain.tree.models import EnterpriseProfile


@dataclass(frozen=True)
class SealedTable:
    model: type[Any]
    # Scheme number -> the columns it seals; the highest is the one new links use.
    schemes: Mapping[int, tuple[str, ...]]
    # Columns updated legitimately after the insert, never sealed (documentation, and a
    # test that every column is either sealed or listed here).
    projections: tuple[str, ...] = ()

    @property
    def table(self) -> Table:
        table = self.model.__table__
        assert isinstance(table, Table)
        return table

    @property
    def chain(self) -> str:
        return self.table.name

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.table.primary_key.columns)

    @property
    def scheme(self) -> int:
        return max(self.schemes)

    def key_of(self, values: Mapping[Any, Any]) -> str:
        return ":".join(str(values[k]) for k in self.key)


def _t(model: type[Any], columns: str, projections: str = "") -> SealedTable:
    return SealedTable(model, {1: tuple(columns.split())}, tuple(projections.split()))


SEALED: tuple[SealedTable, ...] = (
    _t(AuditEvent, "id at actor action target_type target_id domain before after request_id"),
    _t(DutyListVersion, "id list_id number effective_from note created_at created_by"),
    _t(DutyItem, "id version_id key position text source_id source_clause rule note meta"),
    _t(
        CriticalPeriod,
        "id unit_id kind title start_date end_date corrects_id withdrawn reason created_at created_by",
    ),
    _t(
        DutyRecord,
        "id kind performed_on title findings recorder recorder_person_id agency_id makeup_for participants"
        " attachments exempt_post_id exempt_person_id exempt_list_id exempt_item_key exempt_from exempt_to"
        " reason corrects_id withdrawn created_at",
    ),
    _t(DutyRecordUnit, "record_id unit_id"),
    _t(DutyRecordItem, "record_id item_id"),
    _t(ExemptionDecision, "id record_id approved decided_by decided_by_person_id note created_at"),
    _t(
        DutyDelegation,
        "id post_id list_id item_key delegate_person_id start_date end_date note corrects_id withdrawn reason"
        " created_at created_by created_by_person_id",
    ),
    _t(
        DistrictFrequencyDefault,
        "id district_id item_key rule effective_from note corrects_id withdrawn created_at created_by",
    ),
    _t(
        Assignment,
        "id post_id person_id start_date corrects_id withdrawn note created_at",
        "end_date ended_at version",
    ),
    _t(
        EnterpriseProfile,
        "id unit_id effective_from trade high_risk staff_count risk_class placarded created_at",
    ),
    _t(
        Hazard,
        "id unit_id category_id grade title description evidence source record_id found_on found_by"
        " found_by_person_id agency_id created_at",
        "state deadline responsible_person_id rectified_by closed_on version",
    ),
    _t(
        HazardPlan,
        "id hazard_id measures responsible_person_id funds deadline contingency_plan created_at created_by",
    ),
    _t(HazardEvent, "id hazard_id kind from_state to_state actor actor_person_id note data created_at"),
    _t(HazardNotice, "id hazard_id unit_id kind created_at"),
    _t(
        TipOff,
        "id park_id tracking_code content location contact address_hash created_at",
        "status hazard_id dismiss_reason triaged_by version",
    ),
    _t(WorkTaskEvent, "id task_id kind occurred_on note actor actor_person_id post_id created_at"),
    _t(
        EvidenceFile,
        "id sha256 size media_type name thumbnail_sha256 thumbnail_size width height uploaded_by"
        " uploaded_by_person_id agency_id anonymous created_at",
    ),
    _t(
        EvidenceAttachment, "id file_id subject subject_id stage attached_by attached_by_person_id created_at"
    ),
)

BY_CHAIN: dict[str, SealedTable] = {s.chain: s for s in SEALED}
BY_MODEL: dict[type[Any], SealedTable] = {s.model: s for s in SEALED}
CHAINS: tuple[str, ...] = tuple(sorted(BY_CHAIN))
