"""What can be asked of the policy: resources, actions, roles, and the role templates the
platform starts with. Admins may change the templates at run time (they are `p` lines in
the policy store); the names here are the vocabulary every grant is checked against."""

from __future__ import annotations

import re
from enum import StrEnum


class Resource(StrEnum):
    UNIT = "unit"  # 组织单元
    POST = "post"  # 岗位
    PERSON = "person"  # 人员（姓名）
    ASSIGNMENT = "assignment"  # 任职与分管记录
    CONTACT = "contact"  # 证件号、电话（脱敏）
    PII = "pii"  # 证件号、电话（完整）
    DUTY = "duty"  # 职责清单
    RECORD = "record"  # 履职记录
    HAZARD = "hazard"  # 隐患
    TIPOFF = "tipoff"  # 举报及举报人信息（吹哨人保密，仅园区安全办）
    COMPLIANCE = "compliance"  # 履职评分
    POLICY = "policy"  # 授权策略
    AUDIT = "audit"  # 审计日志
    CLIENT = "client"  # 接入客户端与密钥
    CONTRACT = "contract"  # 第三方服务合同


class Action(StrEnum):
    READ = "read"
    WRITE = "write"


ROLE_PREFIX = "role:"
ROLE_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class Role(StrEnum):
    """Roles the platform derives or grants. Admins may add roles of their own by giving a
    new name permissions; these are the ones the derivation rules use."""

    ADMIN = "admin"  # 管理员
    PRINCIPAL = "principal"  # 党政主要负责人（党政同责）
    SAFETY_SUPERVISOR = "safety_supervisor"  # 分管负责人、行政/行业监管责任人（一岗双责）
    DEPARTMENT_HEAD = "department_head"  # 部室负责人
    ENTERPRISE_MANAGER = "enterprise_manager"  # 企业主要负责人、安全管理人员、企业责任人
    POST_HOLDER = "post_holder"  # 岗位在岗人员（本岗位）
    STAFF = "staff"  # 本单位人员（仅本单位节点）
    AGENCY = "agency"  # 第三方安全服务机构（合同期内）
    DISTRICT_READER = "district_reader"  # 区级系统（只读）


ROLE_LABELS: dict[str, str] = {
    Role.ADMIN: "管理员",
    Role.PRINCIPAL: "党政主要负责人",
    Role.SAFETY_SUPERVISOR: "安全监管责任人",
    Role.DEPARTMENT_HEAD: "部室负责人",
    Role.ENTERPRISE_MANAGER: "企业负责人",
    Role.POST_HOLDER: "岗位人员",
    Role.STAFF: "本单位人员",
    Role.AGENCY: "第三方服务机构",
    Role.DISTRICT_READER: "区级系统",
}


def role_subject(role: str) -> str:
    return ROLE_PREFIX + role


def role_name(subject: str) -> str:
    return subject.removeprefix(ROLE_PREFIX)


_ORG_READ = (
    Resource.UNIT,
    Resource.POST,
    Resource.PERSON,
    Resource.ASSIGNMENT,
    Resource.DUTY,
    Resource.COMPLIANCE,
)
_LEADER = [(r, Action.READ) for r in (*_ORG_READ, Resource.CONTACT, Resource.RECORD, Resource.HAZARD)] + [
    (Resource.RECORD, Action.WRITE),
    (Resource.HAZARD, Action.WRITE),
]

DEFAULT_PERMISSIONS: dict[Role, list[tuple[Resource, Action]]] = {
    Role.ADMIN: [(r, Action.READ) for r in Resource]
    + [(r, Action.WRITE) for r in Resource if r not in (Resource.CONTACT, Resource.PII, Resource.AUDIT)],
    Role.PRINCIPAL: _LEADER,
    Role.SAFETY_SUPERVISOR: _LEADER,
    Role.DEPARTMENT_HEAD: _LEADER,
    Role.ENTERPRISE_MANAGER: _LEADER,
    Role.POST_HOLDER: [
        (Resource.POST, Action.READ),
        (Resource.PERSON, Action.READ),
        (Resource.ASSIGNMENT, Action.READ),
        (Resource.DUTY, Action.READ),
        (Resource.RECORD, Action.READ),
        (Resource.RECORD, Action.WRITE),
    ],
    Role.STAFF: [(Resource.UNIT, Action.READ)],
    # Agencies read what their contract covers and record inspections and hazards for it;
    # they see names and posts but no contact details.
    Role.AGENCY: [(r, Action.READ) for r in (*_ORG_READ, Resource.RECORD, Resource.HAZARD)]
    + [(Resource.RECORD, Action.WRITE), (Resource.HAZARD, Action.WRITE)],
    # District systems read the tree and compliance: names and posts, no contact details.
    Role.DISTRICT_READER: [(r, Action.READ) for r in _ORG_READ],
}


def default_policy_lines() -> list[tuple[str, str, str]]:
    """The `p` lines the platform starts with: (role subject, resource, action)."""
    return [
        (role_subject(role), resource.value, action.value)
        for role, grants in DEFAULT_PERMISSIONS.items()
        for resource, action in grants
    ]
