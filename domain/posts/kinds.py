"""Post kinds, where each may exist, and whether one person or several hold it at a time."""

from __future__ import annotations

from enum import StrEnum

from domain.tree.kinds import UnitKind


class PostKind(StrEnum):
    PARTY_SECRETARY = "PARTY_SECRETARY"  # 党工委书记
    COMMITTEE_DIRECTOR = "COMMITTEE_DIRECTOR"  # 管委会主任
    PRINCIPAL = "PRINCIPAL"  # 主要负责人
    DEPUTY_IN_CHARGE = "DEPUTY_IN_CHARGE"  # 分管负责人
    OTHER_LEADER = "OTHER_LEADER"  # 其他负责人
    DEPARTMENT_HEAD = "DEPARTMENT_HEAD"  # 部室负责人
    ENTERPRISE_PRINCIPAL = "ENTERPRISE_PRINCIPAL"  # 企业主要负责人
    SAFETY_MANAGER = "SAFETY_MANAGER"  # 安全管理人员
    FRONTLINE = "FRONTLINE"  # 一线岗位
    # 三个责任人 of a placarded enterprise (挂牌公示).
    ADMINISTRATIVE_RESPONSIBLE = "ADMINISTRATIVE_RESPONSIBLE"  # 行政负责人
    SUPERVISORY_RESPONSIBLE = "SUPERVISORY_RESPONSIBLE"  # 行业监管部门负责人
    ENTERPRISE_RESPONSIBLE = "ENTERPRISE_RESPONSIBLE"  # 企业责任人


POST_KIND_LABELS = {
    PostKind.PARTY_SECRETARY: "党工委书记",
    PostKind.COMMITTEE_DIRECTOR: "管委会主任",
    PostKind.PRINCIPAL: "主要负责人",
    PostKind.DEPUTY_IN_CHARGE: "分管负责人",
    PostKind.OTHER_LEADER: "其他负责人",
    PostKind.DEPARTMENT_HEAD: "部室负责人",
    PostKind.ENTERPRISE_PRINCIPAL: "企业主要负责人",
    PostKind.SAFETY_MANAGER: "安全管理人员",
    PostKind.FRONTLINE: "一线岗位",
    PostKind.ADMINISTRATIVE_RESPONSIBLE: "行政负责人",
    PostKind.SUPERVISORY_RESPONSIBLE: "行业监管部门负责人",
    PostKind.ENTERPRISE_RESPONSIBLE: "企业责任人",
}

RESPONSIBLE_KINDS = (
    PostKind.ADMINISTRATIVE_RESPONSIBLE,
    PostKind.SUPERVISORY_RESPONSIBLE,
    PostKind.ENTERPRISE_RESPONSIBLE,
)

_LEADERS = frozenset({UnitKind.DISTRICT, UnitKind.PARK})

ALLOWED_UNIT_KINDS: dict[PostKind, frozenset[UnitKind]] = {
    PostKind.PARTY_SECRETARY: _LEADERS,
    PostKind.COMMITTEE_DIRECTOR: _LEADERS,
    PostKind.PRINCIPAL: _LEADERS,
    PostKind.DEPUTY_IN_CHARGE: _LEADERS,
    PostKind.OTHER_LEADER: _LEADERS,
    PostKind.DEPARTMENT_HEAD: frozenset({UnitKind.DEPARTMENT}),
    PostKind.ENTERPRISE_PRINCIPAL: frozenset({UnitKind.ENTERPRISE}),
    PostKind.SAFETY_MANAGER: frozenset({UnitKind.ENTERPRISE}),
    PostKind.FRONTLINE: frozenset({UnitKind.ENTERPRISE}),
    PostKind.ADMINISTRATIVE_RESPONSIBLE: frozenset({UnitKind.ENTERPRISE}),
    PostKind.SUPERVISORY_RESPONSIBLE: frozenset({UnitKind.ENTERPRISE}),
    PostKind.ENTERPRISE_RESPONSIBLE: frozenset({UnitKind.ENTERPRISE}),
}

# Posts several people may hold at once unless the admin says otherwise.
MULTI_HOLDER_BY_DEFAULT = frozenset({PostKind.SAFETY_MANAGER, PostKind.FRONTLINE})

# Posts whose holders may be put in charge of (分管) other units.
MAY_BE_IN_CHARGE = frozenset(
    {
        PostKind.PARTY_SECRETARY,
        PostKind.COMMITTEE_DIRECTOR,
        PostKind.PRINCIPAL,
        PostKind.DEPUTY_IN_CHARGE,
        PostKind.OTHER_LEADER,
        PostKind.DEPARTMENT_HEAD,
    }
)
