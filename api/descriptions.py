"""Descriptions of enum values (the table in api/enum_values.py) and of arguments, given to
the built schema in one place.

Every enum value is described as "中文标签 — English label": the part before " — " is the
label a UI shows (see `enumLabels`), taken from the domain's own label maps where it has
one. Arguments whose meaning is the same wherever they appear (`first`, `after`, `input`…)
are described by name; the others by `Type.field(argument)`. A description written in the
code (`strawberry.argument(description=…)`, `strawberry.enum_value(…)`) wins over these.

`tests/api/test_schema_descriptions.py` fails on any type, field, argument or enum value
left without a description, so a new one must be described here or in the code.
"""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema

from api.enum_values import ENUM_VALUES

SEPARATOR = " — "


_PERIOD_KIND = "期间类型 — Kind of period (month, quarter, year)"
_PERIOD_START = "期间开始 — First day of the period"
_ON = "日期 — The day asked about (default today)"

# Arguments described by name wherever they appear.
ARGUMENTS: dict[str, str] = {
    "input": "输入 — The mutation's input",
    "first": "条数 — How many to return (at most the page size limit)",
    "after": "游标 — Return the items after this cursor (a page's endCursor)",
    "on": _ON,
    "id": "编号 — The object's global ID",
    "ids": "编号列表 — Global IDs, at most the configured number",
    "filter": "筛选 — Filter",
    "search": "搜索 — Text to look for (part of a name; a credit code exactly)",
    "includeHistory": "含历史 — Also the rows corrected, withdrawn or ended",
    "includeRevoked": "含已撤销 — Also revoked ones",
    "includeDescendants": "含下级 — Include the unit's subtree",
    "includeEnded": "含已结束 — Also ended ones",
    "includeDisabled": "含已停用 — Also disabled ones",
    "periodKind": _PERIOD_KIND,
    "periodStart": _PERIOD_START,
    "scope": "范围 — With the subtree (TREE) or the unit's own posts and hazards (OWN)",
    "unitId": "单元 — The unit (global ID)",
    "personId": "人员 — The person (global ID); default: yourself",
    "postId": "岗位 — The post (global ID)",
    "parkId": "园区 — The park, or any unit whose subtree to show (global ID)",
    "districtId": "区 — The district (global ID)",
    "enterpriseId": "企业 — The enterprise (global ID)",
    "agencyId": "服务机构 — The agency (global ID)",
    "recorderId": "记录人 — The person who signed (global ID)",
    "withinId": "范围单元 — The district or park to rank within (global ID)",
    "statuses": "状态 — Only these statuses",
    "activeOn": "生效日期 — Only those in force on this day",
    "role": "角色 — Role name",
    "resource": "资源 — Resource",
    "action": "操作 — Action",
    "subject": "主体 — A Person or ServiceClient global ID",
    "since": "起始 — From this time on",
    "until": "截止 — Before this time",
}

# Arguments whose meaning depends on the field: "Type.field(argument)".
FIELD_ARGUMENTS: dict[str, str] = {
    "Person.assignments(on)": "日期 — Only those in force on this day (omitted: all of them)",
    "Query.personScore(personId)": "人员 — The holder whose score to give (global ID)",
    "Query.responsiblePersons(on)": "日期 — The day asked about (default today)",
    "Query.units(under)": "上级单元 — Only units below this one (global ID)",
    "Query.dutyLists(templates)": "模板 — Only the catalogue templates (true) or only units' lists (false)",
    "Query.overdue(since)": "起始日期 — Due on or after this day (default 90 days ago)",
    "Query.overdue(personId)": "人员 — The person (global ID); default: yourself unless unitId is given",
    "Query.dutyRecords(unitId)": "单元 — Records about this unit (and its subtree unless "
    "includeDescendants is false)",
    "Query.previewFrequencyRule(definition)": "规则 — A frequency rule as createDutyList takes it",
    "Query.hazards(unitId)": "单元 — Hazards of this unit and its subtree (global ID)",
    "Query.hazardStats(unitId)": "单元 — Count this unit and its subtree (global ID)",
    "Query.tipOffs(statuses)": "状态 — Only these statuses (RECEIVED, ACCEPTED, DISMISSED)",
    "Query.hazardCategories(domain)": "领域 — Only this domain",
    "Query.hazardCategories(major)": "重大 — Only major (true) or general (false) categories",
    "Query.hazardNotices(unitId)": "单元 — The unit notified (global ID)",
    "Query.scoreSeries(fromMonth)": "起始月份 — First month (any day of it)",
    "Query.scoreSeries(toMonth)": "结束月份 — Last month (any day of it)",
    "Query.scoreRanking(unitKind)": "单元类型 — Rank parks (PARK) or enterprises (ENTERPRISE)",
    "Query.scoreRanking(lowestFirst)": "倒序 — Lowest score first",
    "Query.districtDashboard(lowest)": "最低数量 — How many lowest-scoring enterprises to list",
    "Query.parkCompliance(changedSince)": "变更时间 — Only parks whose score changed since then",
    "Query.enterpriseClasses(unitId)": "单元 — Enterprises at and under this unit (global ID)",
    "Query.serviceClients(kind)": "类型 — Only clients of this kind",
    "Query.auditEvents(actor)": "操作者 — A Person or ServiceClient global ID, or `cli` / `system`",
    "Query.auditEvents(action)": "动作 — e.g. `policy.grant_role`",
    "Query.auditEvents(targetType)": "对象类型 — e.g. `RoleGrant`",
    "Query.explainAccess(subject)": "主体 — The person or client asked about (global ID)",
    "Query.explainAccess(object)": "对象 — A unit, post, person, assignment or charge (global ID)",
    "Query.roleGrants(unitId)": "单元 — Only grants at this unit (global ID)",
    "Query.roleLinks(unitId)": "单元 — Only links whose domain is at or above this unit (global ID)",
    "Query.jointResponsibilities(unitId)": "单元 — Only declarations at this unit (global ID)",
    "Query.roleGrants(subject)": "主体 — Only grants to this person or client (global ID)",
    "Query.roleLinks(subject)": "主体 — Only links of this person or client (global ID)",
    "Query.scoringSchemes(districtId)": "区 — The district's versions and the platform default (global ID)",
    "Query.permissions(role)": "角色 — Only this role",
    "Query.roleGrants(role)": "角色 — Only this role",
    "Query.roleLinks(role)": "角色 — Only this role",
}


def describe_schema(schema: GraphQLSchema) -> None:
    """Give the built schema the descriptions above, where the code gave none."""
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(graphql_type, GraphQLEnumType):
            labels = ENUM_VALUES.get(name, {})
            for value_name, value in graphql_type.values.items():
                if not value.description and value_name in labels:
                    zh, en = labels[value_name]
                    value.description = f"{zh}{SEPARATOR}{en}"
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                for arg_name, arg in field.args.items():
                    if not arg.description:
                        arg.description = FIELD_ARGUMENTS.get(
                            f"{name}.{field_name}({arg_name})", ARGUMENTS.get(arg_name)
                        )
