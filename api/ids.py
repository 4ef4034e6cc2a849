"""Relay global IDs given as input: decoded inside mutations so a wrong one is a userError."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry import relay

from domain.errors import DomainError, ErrorCode, not_found

_LABELS = {
    "OrgUnit": "组织单元",
    "Post": "岗位",
    "Person": "人员",
    "Assignment": "任职记录",
    "PostCharge": "分管记录",
    "Agency": "服务机构",
    "AgencyMember": "机构人员记录",
    "AgencyContract": "服务合同",
    "ServiceClient": "客户端",
    "ApiKey": "API密钥",
    "Permission": "角色权限",
    "RoleGrant": "角色授权",
    "JointResponsibility": "党政同责声明",
    "AuditEvent": "审计事件",
    "DutyList": "职责清单",
    "DutyListVersion": "清单版本",
    "DutyItem": "职责",
    "DutyRecord": "履职记录",
    "CriticalPeriod": "特殊时期",
    "Hazard": "隐患",
    "HazardCategory": "隐患分类",
    "TipOff": "举报",
    "ScoringSchemeVersion": "考核方案版本",
    "EnterpriseClassDecision": "分级记录",
}

# Primary keys are INTEGER columns: 32-bit on PostgreSQL. A larger number names no row (and
# must not reach the database, which refuses it as a parameter).
MAX_ROW_ID = 2**31 - 1


def decode_id(gid: relay.GlobalID, type_name: str, field: str | Sequence[str]) -> int:
    """The row id of a global ID of `type_name`. An ID of another type, or one that can name
    no row, is NOT_FOUND at `field`, as an ID of a missing row is."""
    row_id = try_decode_id(gid, type_name)
    if row_id is not None:
        return row_id
    label = _LABELS.get(type_name, type_name)
    if gid.type_name != type_name:
        raise DomainError.one(
            ErrorCode.NOT_FOUND,
            field,
            f"该编号不是{label}的编号",
            f"This ID is not the ID of a {type_name}",
        )
    raise not_found(field, label, type_name)


def try_decode_id(gid: relay.GlobalID, type_name: str) -> int | None:
    """The row id of a global ID of `type_name`, or None if it can name no such row."""
    if gid.type_name != type_name or not gid.node_id.isascii() or not gid.node_id.isdigit():
        return None
    row_id = int(gid.node_id)
    return row_id if 0 < row_id <= MAX_ROW_ID else None
