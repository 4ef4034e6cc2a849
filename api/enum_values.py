"""Labels of every enum value: (中文标签, English label), the Chinese from the domain's own
label maps where it has one. Given to the schema by api/descriptions.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.duties.periods import EVERY_LABELS
from domain.duties.rules import BASIS_LABELS, COVERAGE_LABELS, EVENT_KIND_LABELS, RECORD_KIND_LABELS
from domain.hazards.states import STATE_LABELS
from domain.posts.kinds import POST_KIND_LABELS
from domain.scoring.reports.model import KIND_LABELS, STANDING_LABELS, STATUS_LABELS
from domain.scoring.scheme import RISK_LABELS, WEIGHT_CLASS_LABELS
from domain.tree.kinds import TRADE_LABELS, TRADE_LABELS_EN, UNIT_KIND_LABELS


def _zh(labels: Mapping[Any, str], english: dict[str, str]) -> dict[str, tuple[str, str]]:
    """(Chinese from a domain label map, English) for each value."""
    by_value = {str(getattr(k, "value", k)): v for k, v in labels.items()}
    return {value: (by_value[value], en) for value, en in english.items()}


_RECORD_KINDS = _zh(
    RECORD_KIND_LABELS,
    {
        "INSPECTION": "Inspection",
        "MEETING": "Meeting or study session",
        "STUDY": "Study",
        "REPORT": "Report",
        "DRILL": "Drill",
        "TRAINING": "Training",
        "ON_SITE": "On-site attendance",
        "PLAN": "Plan, list or rules drawn up",
        "ASSESSMENT": "Assessment",
    },
)

# enum name -> value -> (label in Chinese, label in English)
ENUM_VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "AuthzAction": {"READ": ("读取", "Read"), "WRITE": ("写入", "Write")},
    "AuthzResource": {
        "UNIT": ("组织单元", "Organisation units"),
        "POST": ("岗位", "Posts"),
        "PERSON": ("人员", "Persons (names)"),
        "ASSIGNMENT": ("任职与分管记录", "Assignments and charges"),
        "CONTACT": ("联系方式（脱敏）", "Contact details, masked"),
        "PII": ("个人信息（完整）", "Personal data in full"),
        "DUTY": ("职责清单", "Duty lists"),
        "RECORD": ("履职记录", "Duty records"),
        "HAZARD": ("隐患", "Hazards"),
        "TIPOFF": ("举报", "Tip-offs and their reporters"),
        "COMPLIANCE": ("履职评分", "Compliance scores"),
        "POLICY": ("授权策略", "Authorization policy"),
        "AUDIT": ("审计日志", "Audit log"),
        "CLIENT": ("接入客户端", "Service clients and keys"),
        "CONTRACT": ("服务合同", "Agency contracts"),
    },
    "ComplianceReportFormat": {"XLSX": ("Excel 表格", "Excel workbook"), "CSV": ("CSV 文件", "CSV file")},
    "ComplianceReportKind": _zh(
        KIND_LABELS, {"WEEKLY": "Park weekly report", "MONTHLY": "Park monthly report"}
    ),
    "CoverageKind": _zh(
        COVERAGE_LABELS, {"PLACARDED": "Placarded enterprises", "ENTERPRISES": "Every enterprise"}
    ),
    "CriticalPeriodKind": _zh(
        EVENT_KIND_LABELS,
        {
            "KEY_DATE": "Key date",
            "RESUMPTION": "Resumption of work",
            "EMERGENCY": "Emergency",
            "ACCIDENT": "Accident",
            "EXTREME_WEATHER": "Extreme weather",
            "MAJOR_HAZARD": "Major hazard found",
        },
    ),
    "DutyRecordKind": {**_RECORD_KINDS, "EXEMPTION": ("豁免申请", "Exemption request")},
    "RecordKind": _RECORD_KINDS,
    "HazardAction": {
        "CONFIRM": ("确认", "Confirm"),
        "REJECT": ("不予认定", "Reject"),
        "START_RECTIFICATION": ("开始整改", "Start rectification"),
        "SUBMIT_RECTIFICATION": ("提交整改", "Submit rectification"),
        "PASS_VERIFICATION": ("验收通过（销号）", "Pass verification (close)"),
        "FAIL_VERIFICATION": ("验收不通过", "Fail verification"),
    },
    "HazardDomain": {
        "DUST_EXPLOSION": ("粉尘涉爆", "Combustible dust"),
        "CONFINED_SPACE": ("有限空间", "Confined spaces"),
        "HAZARDOUS_CHEMICALS": ("危险化学品", "Hazardous chemicals"),
        "FIRE": ("消防", "Fire"),
        "ELECTRICAL": ("用电", "Electrical"),
        "THREE_OPERATIONS": ("三类作业", "Hot work, work at height and temporary power"),
        "METALLURGY": ("冶金", "Metallurgy"),
        "CONSTRUCTION": ("建设施工", "Construction"),
        "GAS": ("燃气", "Gas"),
        "SPECIAL_EQUIPMENT": ("特种设备", "Special equipment"),
        "MACHINERY": ("机械", "Machinery"),
        "OTHER": ("其他", "Other"),
    },
    "HazardEventKind": {
        "REPORTED": ("上报", "Reported"),
        "CONFIRMED": ("确认", "Confirmed"),
        "REJECTED": ("不予认定", "Rejected"),
        "PLAN_SET": ("制定五落实", "Plan set"),
        "RECTIFICATION_STARTED": ("开始整改", "Rectification started"),
        "RECTIFICATION_SUBMITTED": ("提交整改", "Rectification submitted"),
        "VERIFICATION_FAILED": ("验收不通过", "Verification failed"),
        "CLOSED": ("销号", "Closed"),
        "NOTIFIED": ("通知", "Units notified"),
        "ESCALATED": ("逾期上报", "Escalated when overdue"),
        "EXTENSION_REQUESTED": ("申请延期", "Extension requested"),
        "EXTENSION_APPROVED": ("同意延期", "Extension approved"),
        "EXTENSION_REFUSED": ("不同意延期", "Extension refused"),
    },
    "HazardGrade": {"GENERAL": ("一般隐患", "General hazard"), "MAJOR": ("重大事故隐患", "Major hazard")},
    "HazardNoticeKind": {
        "DOUBLE_REPORT": ("双报告", "Reported to the park and the supervising department"),
        "ESCALATION": ("逾期上报", "Overdue major hazard sent up to the park and the district"),
    },
    "HazardSource": {
        "INSPECTION": ("检查", "Inspection"),
        "SELF_CHECK": ("企业自查", "Enterprise self-check"),
        "AGENCY": ("第三方机构", "Third-party agency"),
        "SUPERVISION": ("监管督查", "Supervision"),
        "TIP_OFF": ("举报", "Tip-off"),
    },
    "HazardStanding": _zh(
        STANDING_LABELS,
        {
            "CLOSED_ON_TIME": "Closed on time",
            "CLOSED_LATE": "Closed late",
            "OVERDUE": "Open past its deadline",
            "OPEN_MAJOR": "Major hazard still open",
            "OPEN": "Being rectified",
        },
    ),
    "TaskState": {
        "NOT_STARTED": ("未启动", "Not started"),
        "IN_PROGRESS": ("推进中", "In progress"),
        "SUBMITTED": ("待销号", "Submitted for sign-off"),
        "SIGNED_OFF": ("已销号", "Signed off"),
        "RETURNED": ("已退回", "Returned"),
    },
    "TaskEventKind": {
        "PROGRESS": ("进展报告", "Progress reported"),
        "SUBMIT": ("申请销号", "Sign-off requested"),
        "SIGN_OFF": ("销号", "Signed off"),
        "RETURN": ("退回", "Returned"),
    },
    "TaskRole": {
        "LEAD": ("责任部室", "Lead department"),
        "SUPPORT": ("配合部室", "Supporting department"),
        "LEADER": ("责任领导", "Leader in charge"),
    },
    "HazardState": _zh(
        STATE_LABELS,
        {
            "REPORTED": "Reported",
            "CONFIRMED": "Confirmed",
            "REJECTED": "Rejected",
            "RECTIFYING": "Being rectified",
            "RECTIFIED": "Rectified, awaiting verification",
            "CLOSED": "Closed",
        },
    ),
    "NotApplicableReason": {
        "PARTIAL_PERIOD": ("期间不完整", "The post or holder covered only part of the period"),
        "EXEMPTED": ("已豁免", "Exempted"),
    },
    "ObligationStatus": _zh(
        STATUS_LABELS,
        {
            "DONE_ON_TIME": "Done on time",
            "DONE_LATE": "Done late",
            "MISSED": "Missed",
            "DUE": "Due now",
            "NOT_YET_DUE": "Not yet due",
            "NOT_APPLICABLE": "Not applicable",
        },
    ),
    "PeriodKind": {"MONTH": ("月度", "Month"), "QUARTER": ("季度", "Quarter"), "YEAR": ("年度", "Year")},
    "PeriodUnit": _zh(
        EVERY_LABELS,
        {
            "DAY": "Daily",
            "WEEK": "Weekly",
            "MONTH": "Monthly",
            "QUARTER": "Quarterly",
            "HALF_YEAR": "Half-yearly",
            "YEAR": "Yearly",
        },
    ),
    "PostKind": _zh(
        POST_KIND_LABELS,
        {
            "PARTY_SECRETARY": "Party working committee secretary",
            "COMMITTEE_DIRECTOR": "Management committee director",
            "PRINCIPAL": "Principal",
            "DEPUTY_IN_CHARGE": "Deputy in charge",
            "OTHER_LEADER": "Other leader",
            "DEPARTMENT_HEAD": "Department head",
            "ENTERPRISE_PRINCIPAL": "Enterprise principal",
            "SAFETY_MANAGER": "Safety manager",
            "FRONTLINE": "Frontline post",
            "ADMINISTRATIVE_RESPONSIBLE": "Administrative responsible person",
            "SUPERVISORY_RESPONSIBLE": "Supervisory responsible person",
            "ENTERPRISE_RESPONSIBLE": "Enterprise responsible person",
        },
    ),
    "RiskClass": {
        "A": ("A类", "Class A: least supervision"),
        "B": ("B类", "Class B"),
        "C": ("C类", "Class C"),
        "D": ("D类", "Class D: most supervision"),
    },
    "RiskLevel": _zh(
        RISK_LABELS,
        {"LOW": "Low risk", "GENERAL": "General risk", "HIGHER": "Higher risk", "MAJOR": "Major risk"},
    ),
    "FrequencyBasis": _zh(
        BASIS_LABELS,
        {"DOCUMENT": "Set by the source document", "DEFAULT": "Chosen by the platform or district"},
    ),
    "RulePer": {"POST": ("按岗位", "Per post"), "HOLDER": ("按任职人员", "Per holder")},
    "RuleShape": {
        "PERIODIC": ("周期性", "Periodic"),
        "ONE_OFF": ("限期一次", "Once, by a deadline"),
        "EVENT": ("特殊时期", "On critical periods"),
    },
    "RuleScope": {
        "SUBTREE": ("本单元及下级", "The unit and its subtree"),
        "UNIT": ("仅本单元", "The unit alone"),
    },
    "ScoreScope": {
        "OWN": ("仅本单元", "The unit's own posts and hazards"),
        "TREE": ("含下级", "The unit with its subtree"),
    },
    "EvidenceStage": {
        "FOUND": ("排查发现", "As found"),
        "RECTIFIED": ("整改完成", "As rectified"),
        "VERIFIED": ("验收", "At verification"),
    },
    "TipOffStatus": {
        "RECEIVED": ("待核查", "Received, to be checked"),
        "DISMISSED": ("不予立案", "Dismissed"),
        "ACCEPTED": ("已立案", "Accepted as a hazard"),
    },
    "Trade": _zh(TRADE_LABELS, {str(k): v for k, v in TRADE_LABELS_EN.items()}),
    "UnitKind": _zh(
        UNIT_KIND_LABELS,
        {"DISTRICT": "District", "PARK": "Park", "DEPARTMENT": "Department", "ENTERPRISE": "Enterprise"},
    ),
    "WeightClass": _zh(
        WEIGHT_CLASS_LABELS,
        {
            "DAILY": "Daily",
            "WEEKLY": "Weekly",
            "MONTHLY": "Monthly",
            "QUARTERLY": "Quarterly",
            "HALF_YEARLY": "Half-yearly",
            "YEARLY": "Yearly",
            "MULTI_YEAR": "Every few years",
            "DEADLINE": "One-off, by a deadline",
            "EVENT": "Critical periods",
        },
    ),
    "UserErrorCode": {
        "NOT_FOUND": ("不存在", "Not found"),
        "REQUIRED": ("必填", "Required"),
        "INVALID_VALUE": ("取值无效", "Invalid value"),
        "TOO_LONG": ("过长", "Too long"),
        "DUPLICATE_CODE": ("编码重复", "Duplicate code"),
        "DUPLICATE_CREDIT_CODE": ("信用代码重复", "Duplicate credit code"),
        "DUPLICATE_ID_NUMBER": ("身份证号重复", "Duplicate ID number"),
        "INVALID_CREDIT_CODE": ("信用代码无效", "Invalid credit code"),
        "INVALID_ID_NUMBER": ("身份证号无效", "Invalid ID number"),
        "INVALID_PHONE": ("电话无效", "Invalid phone number"),
        "INVALID_PARENT": ("上级无效", "Invalid parent unit"),
        "MOVE_INTO_OWN_SUBTREE": ("不能移入自身下级", "Cannot move into its own subtree"),
        "STALE_VERSION": ("版本已过期", "Stale version: reload and retry"),
        "ARCHIVED": ("已归档", "Archived"),
        "HAS_ACTIVE_CHILDREN": ("有未归档下级", "Has active children"),
        "INVALID_POST_KIND": ("岗位类型不适用", "Post kind not allowed here"),
        "ENTERPRISE_FIELDS_NOT_ALLOWED": ("仅企业可填", "Enterprise fields on a unit that is not one"),
        "INVALID_DATE_RANGE": ("日期范围无效", "Invalid date range"),
        "PERIOD_TOO_LONG": ("期间过长", "The period is longer than allowed"),
        "DOSSIER_TOO_LARGE": ("材料包过大", "The dossier's evidence is larger than allowed"),
        "OVERLAPPING_ASSIGNMENT": ("任职时间重叠", "Overlapping assignment"),
        "ALREADY_ENDED": ("已结束", "Already ended"),
        "ALREADY_CORRECTED": ("已更正", "Already corrected"),
        "NOTHING_TO_CHANGE": ("无可更改", "Nothing to change"),
        "HAS_OPEN_ASSIGNMENTS": ("有在职人员", "Has open assignments"),
        "DUPLICATE_POST": ("岗位重复", "Duplicate post"),
        "INVALID_CHARGE": ("分管无效", "Invalid charge"),
        "CONFLICT": ("冲突", "Conflict"),
        "OVERLAPPING_CHARGE": ("分管时间重叠", "Overlapping charge"),
        "FORBIDDEN": ("无权限", "Forbidden"),
        "UNKNOWN_ROLE": ("未知角色", "Unknown role"),
        "UNKNOWN_RESOURCE": ("未知资源", "Unknown resource"),
        "UNKNOWN_ACTION": ("未知操作", "Unknown action"),
        "UNKNOWN_SUBJECT": ("未知对象", "Unknown subject"),
        "DUPLICATE": ("重复", "Duplicate"),
        "ALREADY_REVOKED": ("已撤销", "Already revoked"),
        "INVALID_RULE": ("规则无效", "Invalid rule"),
        "INVALID_TRANSITION": ("状态变更无效", "Transition not allowed"),
        "PLAN_REQUIRED": ("需先制定五落实", "A plan is required first"),
        "ENTRY_WINDOW_CLOSED": ("补录期限已过", "Too late to enter a record of that day"),
        "AMBIGUOUS_DUTY": ("须选择所履行的职责", "Choose which duty the record fulfils"),
        "NOT_DELEGABLE": ("该职责不可委托", "The duty cannot be delegated"),
        "DELEGATE_NOT_ELIGIBLE": ("受托人不符合条件", "The delegate does not qualify"),
        "OVERLAPPING_DELEGATION": ("委托期间重叠", "Overlaps another delegation of the duty"),
        "NOT_A_DEFAULT_ITEM": ("频次为文件规定", "The duty's frequency is the document's, not a default"),
        "RULE_KINDS_DIFFER": ("记录类型不同", "The rule names other record kinds than the duty"),
        "FILE_NOT_FOUND": ("文件不存在", "No such file, or one you may not read"),
        "ALREADY_ATTACHED": ("文件已附加", "The file is already attached there"),
        "TOO_MANY_FILES": ("文件过多", "Too many files in one request"),
        "WRONG_STAGE": ("阶段不符", "The subject is not at a point of its life that takes this evidence"),
        "EMPTY_FILE": ("文件为空", "The file is empty"),
        "FILE_TOO_LARGE": ("文件过大", "The file is larger than the limit"),
        "FILE_TYPE_NOT_ALLOWED": (
            "文件类型不允许",
            "The file's type (sniffed from its content) is not accepted",
        ),
        "FILE_TYPE_MISMATCH": ("文件内容与扩展名不符", "The file's content contradicts its name's extension"),
        "FILE_UNREADABLE": ("文件无法解析", "The file is damaged or its image too large to decode"),
        "DUPLICATE_FILE": (
            "已上传过相同文件",
            "The same uploader sent the same content before; candidates name that file",
        ),
        "STORE_UNAVAILABLE": ("文件存储暂不可用，请重试", "The file store cannot be reached now; retry"),
    },
}
