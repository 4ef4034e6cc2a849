"""The world of the evidence tests: a park's chemical enterprise with its principal (the
rectifier), the safety department's head above it (the verifier), an agency's expert under
contract for it (the inspector), another enterprise's principal (the grocer), and a district system that
reads the tree and compliance but no records or hazards. All fictional."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.hazards.models import HazardCategory
from domain.posts.kinds import PostKind
from seeds.hazard_categories import load_hazard_categories
from tests import factories as f
from tests.factories import gid

TODAY = date(2026, 6, 1)

ERRORS = "userErrors { code field message messageEn }"
ATTACHED = "id stage attachedAt attachedBy { __typename ... on Person { id } } file { id name sha256 }"

ATTACH = f"""mutation($input: AttachEvidenceFilesInput!) {{
  attachEvidenceFiles(input: $input) {{ attachments {{ {ATTACHED} }} {ERRORS} }}
}}"""

REPORT = f"""mutation($input: ReportHazardInput!) {{
  reportHazard(input: $input) {{ hazard {{ id state evidenceFiles {{ {ATTACHED} }} }} {ERRORS} }}
}}"""

MOVE = f"""mutation($input: TransitionHazardInput!) {{
  transitionHazard(input: $input) {{ hazard {{ id state evidenceFiles {{ {ATTACHED} }} }} {ERRORS} }}
}}"""

RECORD = f"""mutation($input: RecordPerformanceInput!) {{
  recordPerformance(input: $input) {{ record {{ id evidenceFiles {{ {ATTACHED} }} }} {ERRORS} }}
}}"""

HAZARD = f"""query($id: ID!, $stage: EvidenceStage) {{
  node(id: $id) {{ ... on Hazard {{ id state evidenceFiles(stage: $stage) {{ {ATTACHED} }} }} }}
}}"""


async def world(session: AsyncSession) -> dict[str, Any]:
    t = await f.small_tree(session)
    await load_hazard_categories(session)
    people: dict[str, Any] = {}
    for key, unit, kind in (
        ("head", t["safety"], PostKind.DEPARTMENT_HEAD),
        ("boss", t["chem"], PostKind.ENTERPRISE_PRINCIPAL),
        ("grocer", t["food"], PostKind.ENTERPRISE_PRINCIPAL),
    ):
        who = await f.person(session, name=f"{key}（演示）")
        await f.assign(session, await f.post(session, unit, kind), who)
        people[key] = who
    expert = await f.person(session, name="专家（演示）")
    await f.contracted_agency(session, expert, t["chem"], date(2026, 1, 1), date(2026, 12, 31), code="HT-9")
    people["expert"] = expert
    reader = await f.make_client(
        session, name="区级系统（演示）", kind="DISTRICT_SYSTEM", unit_id=t["district"].id
    )
    await f.grant_role(session, reader.subject, "district_reader", t["district"].id)
    categories = {c.code: c.id for c in (await session.scalars(select(HazardCategory))).all()}
    general = next(c.code for c in (await session.scalars(select(HazardCategory))).all() if not c.major)
    return {**t, **people, "reader": reader, "categories": categories, "general": general}


def subject(w: dict[str, Any], key: str) -> str:
    return f"person:{w[key].id}"


def report_input(w: dict[str, Any], files: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "unitId": gid("OrgUnit", w["chem"].id),
            "categoryId": gid("HazardCategory", w["categories"][w["general"]]),
            "grade": "GENERAL",
            "title": "配电箱未上锁（演示）",
            "description": "二号车间配电箱箱门未上锁，警示标识缺失",
            "source": "AGENCY",
            "foundOn": "2026-05-20",
            **({"files": files} if files is not None else {}),
            **extra,
        }
    }


def record_input(w: dict[str, Any], files: list[str] | None = None) -> dict[str, Any]:
    return {
        "input": {
            "kind": "INSPECTION",
            "performedOn": "2026-05-20",
            "title": "季度安全检查（演示）",
            "unitIds": [gid("OrgUnit", w["chem"].id)],
            **({"files": files} if files is not None else {}),
        }
    }
