"""Vocabularies of the ledger and its state machine.

    REPORTED ──confirm──▶ CONFIRMED ──start──▶ RECTIFYING ──submit──▶ RECTIFIED ──pass──▶ CLOSED (销号)
        └──reject──▶ REJECTED                       ▲                      │
                                                     └─────────fail────────┘

A major hazard (重大事故隐患) enters RECTIFYING only with its 五落实 plan; the one who
submitted the rectification may not verify it.
"""

from __future__ import annotations

from enum import StrEnum


class HazardState(StrEnum):
    REPORTED = "REPORTED"  # 已上报
    CONFIRMED = "CONFIRMED"  # 已确认
    REJECTED = "REJECTED"  # 不予认定
    RECTIFYING = "RECTIFYING"  # 整改中
    RECTIFIED = "RECTIFIED"  # 已整改待验收
    CLOSED = "CLOSED"  # 已销号


OPEN_STATES = frozenset(
    {HazardState.REPORTED, HazardState.CONFIRMED, HazardState.RECTIFYING, HazardState.RECTIFIED}
)


class Grade(StrEnum):
    GENERAL = "GENERAL"  # 一般隐患
    MAJOR = "MAJOR"  # 重大事故隐患


class Source(StrEnum):
    INSPECTION = "INSPECTION"  # 检查发现（关联履职记录）
    SELF_CHECK = "SELF_CHECK"  # 企业自查
    AGENCY = "AGENCY"  # 第三方机构
    SUPERVISION = "SUPERVISION"  # 监管部门督查
    TIP_OFF = "TIP_OFF"  # 群众举报


class HazardDomain(StrEnum):
    DUST_EXPLOSION = "DUST_EXPLOSION"  # 粉尘涉爆
    CONFINED_SPACE = "CONFINED_SPACE"  # 有限空间
    HAZARDOUS_CHEMICALS = "HAZARDOUS_CHEMICALS"  # 危险化学品
    FIRE = "FIRE"  # 消防
    ELECTRICAL = "ELECTRICAL"  # 用电
    THREE_OPERATIONS = "THREE_OPERATIONS"  # 三大作业（检维修、有限空间、委外）
    METALLURGY = "METALLURGY"  # 金属冶炼
    CONSTRUCTION = "CONSTRUCTION"  # 建设施工
    GAS = "GAS"  # 燃气
    SPECIAL_EQUIPMENT = "SPECIAL_EQUIPMENT"  # 特种设备
    MACHINERY = "MACHINERY"  # 机械伤害
    OTHER = "OTHER"  # 其他


class EventKind(StrEnum):
    REPORTED = "REPORTED"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"
    PLAN_SET = "PLAN_SET"  # 五落实
    RECTIFICATION_STARTED = "RECTIFICATION_STARTED"
    RECTIFICATION_SUBMITTED = "RECTIFICATION_SUBMITTED"
    VERIFICATION_FAILED = "VERIFICATION_FAILED"
    CLOSED = "CLOSED"  # 销号
    NOTIFIED = "NOTIFIED"  # 双报告
    ESCALATED = "ESCALATED"  # 逾期升级
    EXTENSION_REQUESTED = "EXTENSION_REQUESTED"  # 申请延期
    EXTENSION_APPROVED = "EXTENSION_APPROVED"  # 同意延期
    EXTENSION_REFUSED = "EXTENSION_REFUSED"  # 不同意延期


class Action(StrEnum):
    CONFIRM = "CONFIRM"
    REJECT = "REJECT"
    START_RECTIFICATION = "START_RECTIFICATION"
    SUBMIT_RECTIFICATION = "SUBMIT_RECTIFICATION"
    PASS_VERIFICATION = "PASS_VERIFICATION"
    FAIL_VERIFICATION = "FAIL_VERIFICATION"


# action → (states it may start from, state it leads to, history entry)
TRANSITIONS: dict[Action, tuple[frozenset[HazardState], HazardState, EventKind]] = {
    Action.CONFIRM: (frozenset({HazardState.REPORTED}), HazardState.CONFIRMED, EventKind.CONFIRMED),
    Action.REJECT: (frozenset({HazardState.REPORTED}), HazardState.REJECTED, EventKind.REJECTED),
    Action.START_RECTIFICATION: (
        frozenset({HazardState.CONFIRMED}),
        HazardState.RECTIFYING,
        EventKind.RECTIFICATION_STARTED,
    ),
    Action.SUBMIT_RECTIFICATION: (
        frozenset({HazardState.RECTIFYING}),
        HazardState.RECTIFIED,
        EventKind.RECTIFICATION_SUBMITTED,
    ),
    Action.PASS_VERIFICATION: (frozenset({HazardState.RECTIFIED}), HazardState.CLOSED, EventKind.CLOSED),
    Action.FAIL_VERIFICATION: (
        frozenset({HazardState.RECTIFIED}),
        HazardState.RECTIFYING,
        EventKind.VERIFICATION_FAILED,
    ),
}

STATE_LABELS = {
    HazardState.REPORTED: "已上报",
    HazardState.CONFIRMED: "已确认",
    HazardState.REJECTED: "不予认定",
    HazardState.RECTIFYING: "整改中",
    HazardState.RECTIFIED: "已整改待验收",
    HazardState.CLOSED: "已销号",
}


class NoticeKind(StrEnum):
    """Why a unit was notified of a hazard."""

    DOUBLE_REPORT = "DOUBLE_REPORT"  # 双报告: a major hazard reported to the park and the district
    ESCALATION = "ESCALATION"  # 逾期上报: an overdue major hazard sent up to the park and the district
