"""`explainAccess` (why a subject may or may not do something to an object) and
`policyExport` (the policy of one day as stock Casbin reads it).

Both are queries, so refusals are `BadInput` GraphQL errors with a code, as elsewhere for
query arguments: an unknown or unreadable subject or object is NOT_FOUND (the same for
both cases); an object the caller may read but whose policy it may not is FORBIDDEN.
"""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from api.access.types import ServiceClient
from api.admin.types import RoleLink, RoleSourceKind, source_of
from api.context import Info
from api.errors import BadInput
from api.keys import ID_DESCRIPTION, key_id
from api.nodes import resolve_global_ids
from api.people.types import Person
from api.refs import (
    DEPRECATED_PATH,
    Actor,
    actor_of,
    domain_ref,
    post_id_of_path,
    subject_ref,
    unit_ids_of_path,
    unit_of_path,
    units_of_path,
)
from api.tree.types import OrgUnit
from authz import objects
from authz.authority import Grant
from authz.catalogue import ROLE_LABELS, Action, Resource, role_name
from authz.domains import ROOT_DOMAIN, candidate_patterns, post_domain
from authz.export import model_text, policy_csv


@strawberry.type(description="策略行 — A role template line (`p, role:x, resource, action`)")
class PolicyLine:
    role: str = strawberry.field(description="角色 — Role name")
    resource: str = strawberry.field(description="资源 — Resource")
    action: str = strawberry.field(description="操作 — Action")


@strawberry.type(description="授权理由 — One template and one role link that together allow the request")
class AccessReason:
    policy: PolicyLine = strawberry.field(description="策略行 — The role template")
    link: RoleLink = strawberry.field(description="角色关联 — The link that gives the role there")


@strawberry.type(description="权限解释 — Whether a subject may do something to an object, and why")
class AccessExplanation:
    allowed: bool = strawberry.field(description="是否允许 — The enforcer's answer")
    domain: str = strawberry.field(
        description="范围 — The object's domain", deprecation_reason=DEPRECATED_PATH
    )
    day: date = strawberry.field(description="日期 — The day asked about")
    request: list[str] = strawberry.field(
        description="请求 — The Casbin request (subject as its global ID, resource, action, domain)",
        deprecation_reason="改用 subjectNode、units 等字段 — Use subjectNode and units",
    )
    reasons: list[AccessReason] = strawberry.field(
        description="理由 — Every (template, link) pair that allows it; empty when denied"
    )
    roles_there: list[RoleLink] = strawberry.field(
        description="该处角色 — Every role link of the subject in force there that day"
    )
    explanation: str = strawberry.field(description="说明 — In Chinese")
    explanation_en: str = strawberry.field(description="说明（英文） — In English")
    raw_subject: strawberry.Private[str]
    raw_domain: strawberry.Private[str]

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("AccessExplanation", self.raw_subject, *self.request[1:3], self.raw_domain, self.day)

    @strawberry.field(description="主体 — The person or client asked about")
    async def subject_node(self, info: Info) -> Actor | None:
        return await actor_of(info, self.raw_subject)

    @strawberry.field(description="单元 — The unit the object is at (for a post, the post's unit)")
    async def unit(self, info: Info) -> OrgUnit | None:
        return await unit_of_path(info, self.raw_domain)

    @strawberry.field(description="单元路径 — The units from the district down to the object's unit")
    async def units(self, info: Info) -> list[OrgUnit]:
        return await units_of_path(info, self.raw_domain)


@strawberry.type(description="策略导出 — The policy of one day, for stock Casbin")
class PolicyExport:
    day: date = strawberry.field(description="日期 — The day whose role links are exported")
    model: str = strawberry.field(description="模型 — The exact text of model.conf")
    policy: str = strawberry.field(
        description="策略 — Casbin CSV: `p, role:x, resource, action` and `g, subject, role:x, pattern` "
        "lines. Register keyMatch as the `g` domain matching function when loading it"
    )


def _not_found(argument: str, what_zh: str, what_en: str) -> BadInput:
    return BadInput(f"{what_en} does not exist", f"{what_zh}不存在", argument, code="NOT_FOUND")


async def _subject(info: Info, gid: relay.GlobalID) -> tuple[str, str]:
    """(the policy subject, its name) of a Person or ServiceClient the caller may read."""
    if gid.type_name in ("Person", "ServiceClient"):
        node = (await resolve_global_ids(info, [gid]))[0]
        if isinstance(node, Person | ServiceClient):
            return f"{'person' if gid.type_name == 'Person' else 'client'}:{gid.node_id}", node.name
    raise _not_found("subject", "授权对象", "Subject")


_SOURCE_LABELS = {
    RoleSourceKind.ASSIGNMENT: ("任职", "holding a post"),
    RoleSourceKind.CHARGE: ("分管", "a post in charge"),
    RoleSourceKind.JOINT: ("党政同责", "a joint responsibility"),
    RoleSourceKind.GRANT: ("授权", "a grant"),
    RoleSourceKind.CONTRACT_MEMBER: ("服务合同", "an agency contract"),
    RoleSourceKind.CONTRACT_CLIENT: ("服务合同", "an agency contract"),
    RoleSourceKind.DISTRICT_SYSTEM: ("区级系统", "a district system"),
    RoleSourceKind.OTHER: ("其他", "other"),
}


async def _places(info: Info, domains: set[str]) -> dict[str, tuple[str, str]]:
    """Each domain pattern named for people, in Chinese and English: everywhere; a unit (and
    below); a post of a unit. Units and posts are read through the per-request loaders."""
    loaders = info.context.loaders
    unit_ids = sorted({ids[-1] for d in domains if (ids := unit_ids_of_path(d))})
    post_ids = sorted({p for d in domains if (p := post_id_of_path(d)) is not None})
    units = dict(zip(unit_ids, await loaders.unit_by_id.load_many(unit_ids), strict=True))
    posts = dict(zip(post_ids, await loaders.post_by_id.load_many(post_ids), strict=True))
    named: dict[str, tuple[str, str]] = {}
    for domain in domains:
        ids, post_id = unit_ids_of_path(domain), post_id_of_path(domain)
        if not ids:
            named[domain] = ("全部范围", "everywhere")
            continue
        unit = units.get(ids[-1])
        zh = en = unit.name if unit else ""
        if not unit:
            zh, en = "（不可见的单元）", "(a unit you may not see)"
        post = posts.get(post_id) if post_id is not None else None
        if post is not None:
            zh, en = f"{zh}·{post.title}", f"{en} / {post.title}"
        if domain.endswith("*"):
            zh, en = f"{zh}及下级", f"{en} and below"
        named[domain] = (zh, en)
    return named


async def object_domain(info: Info, gid: relay.GlobalID) -> str | None:
    """The Casbin domain of an object the caller may read (as api/guard.py and authz/reach.py
    place it): a unit at its path; a post, an assignment and a charge at the post; a person
    at the unit that registered them ("/" when none did)."""
    if gid.type_name not in ("OrgUnit", "Post", "Person", "Assignment", "PostCharge"):
        return None
    node = (await resolve_global_ids(info, [gid]))[0]
    if node is None:
        return None
    row = node.row  # type: ignore[attr-defined]
    if gid.type_name == "OrgUnit":
        return str(row.path)
    if gid.type_name == "Person":
        unit_id, post_id = row.registered_unit_id, None
        if unit_id is None:
            return ROOT_DOMAIN
    else:
        post_id = row.id if gid.type_name == "Post" else row.post_id
        unit_id = row.unit_id if gid.type_name == "Post" else None
    async with info.context.db() as session:
        if post_id is not None and unit_id is None:
            path = await objects.post_unit_path(session, post_id)
        else:
            path = await objects.unit_path(session, unit_id) if unit_id is not None else None
    if path is None:
        return None
    return post_domain(path, post_id) if post_id is not None else str(path)


async def explain_access(
    info: Info,
    subject_id: relay.GlobalID,
    resource: Resource,
    action: Action,
    object_id: relay.GlobalID,
    on: date | None,
) -> AccessExplanation:
    ctx = info.context
    subject, who = await _subject(info, subject_id)
    domain = await object_domain(info, object_id)
    if domain is None:
        raise _not_found("object", "对象", "Object")
    if not ctx.reach.allows(Resource.POLICY, Action.READ, domain):
        raise BadInput(
            "You may not read the policy where this object lives",
            "无权查看该对象所在范围的授权",
            "object",
            code="FORBIDDEN",
        )
    day = on or ctx.today
    authority = ctx.authority
    allowed = authority.enforce(subject, resource.value, action.value, domain, day)
    grants = authority.grants(subject, resource.value, action.value, domain, day)
    patterns = set(candidate_patterns(domain))
    there = sorted(
        (x for x in authority.rm.links_of(subject) if x.active_on(day) and x.domain in patterns),
        key=lambda x: (x.role, x.domain, x.source),
    )
    # The texts name people, units and posts, not internal ids or domain paths.
    places = await _places(info, {domain} | {g.link.domain for g in grants})
    where, where_en = places[domain]
    what = f"{resource.value}/{action.value}"
    if allowed:

        def reason(g: Grant, lang: int) -> str:
            role = ROLE_LABELS.get(g.link.role, g.link.role) if lang == 0 else g.link.role
            source = _SOURCE_LABELS[source_of(g.link.source)[0]][lang]
            return (
                f"{role}@{places[g.link.domain][0]}（{source}）"
                if lang == 0
                else (f"{role} at {places[g.link.domain][1]} ({source})")
            )

        because = "；".join(reason(g, 0) for g in grants)
        because_en = "; ".join(reason(g, 1) for g in grants)
        zh = f"允许：{who} 在 {where} 可 {what}，因为持有角色 {because}"
        en = f"Allowed: {who} may {what} at {where_en} by holding {because_en}"
    elif there:
        roles = "、".join(sorted({x.role for x in there}))
        zh = f"拒绝：{who} 在 {where} 持有的角色（{roles}）均无 {what} 权限"
        en = f"Denied: none of the roles {who} holds at {where_en} ({roles}) allows {what}"
    else:
        zh = f"拒绝：{who} 在 {where} 没有任何角色，没有任何策略授予 {what}"
        en = f"Denied: {who} holds no role at {where_en}; no policy grants {what}"
    return AccessExplanation(
        allowed=allowed,
        domain=domain_ref(domain),
        day=day,
        request=[subject_ref(subject), resource.value, action.value, domain_ref(domain)],
        raw_subject=subject,
        raw_domain=domain,
        reasons=[
            AccessReason(
                policy=PolicyLine(
                    role=role_name(g.permission[0]), resource=g.permission[1], action=g.permission[2]
                ),
                link=RoleLink.of(g.link),
            )
            for g in grants
        ],
        roles_there=[RoleLink.of(x) for x in there],
        explanation=zh,
        explanation_en=en,
    )


def policy_export(info: Info, on: date | None) -> PolicyExport:
    """Only for callers whose (policy, read) scope is everything: the export holds every
    subject's links. Others get a FORBIDDEN error, not a partial policy that would replay
    differently."""
    ctx = info.context
    if not ctx.reach.scopes(Resource.POLICY).everything:
        raise BadInput(
            "Only a platform-wide policy reader may export the policy",
            "只有可查看全部授权的管理员可以导出策略",
            "on",
            code="FORBIDDEN",
        )
    day = on or ctx.today
    return PolicyExport(day=day, model=model_text(), policy=policy_csv(ctx.authority, day))
