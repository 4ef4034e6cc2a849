"""Every mapped table, imported in one place for Alembic and the test setup."""

from domain.audit.chain.models import ChainLink
from domain.audit.models import AuditEvent
from domain.db import Base
from domain.dossier.models import AccountabilityDossier
from domain.duties.defaults.models import DistrictFrequencyDefault
from domain.duties.delegations.models import DutyDelegation
from domain.duties.models import (
    CriticalPeriod,
    DutyItem,
    DutyList,
    DutyListVersion,
    DutyRecord,
    DutyRecordItem,
    DutyRecordUnit,
    DutySource,
    ExemptionDecision,
)
from domain.duties.targets import DutyListTarget
from domain.files.models import EvidenceAttachment, EvidenceFile
from domain.hazards.models import Hazard, HazardCategory, HazardEvent, HazardNotice, HazardPlan, TipOff
from domain.idempotency.models import IdempotencyKey
from domain.people.models import Person
from domain.posts.models import Assignment, Post, PostCharge
from domain.scoring.models import (
    ComplianceReport,
    EnterpriseClass,
    ScoreSchemeVersion,
    ScoreState,
    ScoreTally,
    UnitScore,
)
from domain.tasks.models import WorkList, WorkTask, WorkTaskEvent, WorkTaskLeader, WorkTaskUnit
from domain.tree.models import EnterpriseProfile, OrgUnit

# Registers the sealing of the evidence chains on every session (domain/audit/chain/sealing.py).
import domain.audit.chain.sealing  # noqa: F401  isort: skip

__all__ = [
    "AccountabilityDossier",
    "Assignment",
    "AuditEvent",
    "Base",
    "ChainLink",
    "ComplianceReport",
    "CriticalPeriod",
    "DistrictFrequencyDefault",
    "DutyDelegation",
    "DutyItem",
    "DutyList",
    "DutyListTarget",
    "DutyListVersion",
    "DutyRecord",
    "DutyRecordItem",
    "DutyRecordUnit",
    "DutySource",
    "EnterpriseClass",
    "EnterpriseProfile",
    "EvidenceAttachment",
    "EvidenceFile",
    "ExemptionDecision",
    "Hazard",
    "HazardCategory",
    "HazardEvent",
    "HazardNotice",
    "HazardPlan",
    "IdempotencyKey",
    "OrgUnit",
    "Person",
    "Post",
    "PostCharge",
    "ScoreSchemeVersion",
    "ScoreState",
    "ScoreTally",
    "TipOff",
    "UnitScore",
    "WorkList",
    "WorkTask",
    "WorkTaskEvent",
    "WorkTaskLeader",
    "WorkTaskUnit",
]
