"""What the API answers for a unit and a period, in the dossier's shape, to lay beside the
dossier's sections field by field: the obligations query, each post's assignments, the
hazard ledger."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import ok, pk

REQUEST = """
mutation($input: RequestAccountabilityDossierInput!) {
  requestAccountabilityDossier(input: $input) {
    dossier { id from to fileName sha256 size manifestSha256 signature keyId createdAt downloadUrl expiresAt
              unit { id } }
    userErrors { code field message messageEn }
  }
}"""

KEY = "{ platformSigningKey { algorithm keyId publicKeyPem } }"

OBLIGATIONS = """
query($unit: ID!, $from: Date!, $to: Date!) {
  obligations(unitId: $unit, includeDescendants: true, from: $from, to: $to, first: 100) {
    pageInfo { hasNextPage }
    edges { node {
      id periodStart periodEnd shareStart shareEnd dueDate required doneCount status notApplicableReason
      vacant answering heldDays
      dutyList { id } dutyItem { id key } post { id } person { id name }
      onTimeRecords { id } lateRecords { id } delegatedRecords { id } exemption { id } criticalPeriod { id }
    } }
  }
}"""

ASSIGNMENTS = """
query($id: ID!) {
  node(id: $id) { ... on Post { id kind title unit { id }
    assignments(first: 100) { pageInfo { hasNextPage } edges { node {
      id startDate endDate withdrawn note version createdAt endedAt person { id name }
    } } } } }
}"""

HAZARDS = """
query($unit: ID!, $to: Date!) {
  hazards(unitId: $unit, filter: {foundTo: $to}, first: 100) {
    pageInfo { hasNextPage }
    edges { node {
      id grade title description source foundOn state deadline closedOn version
      unit { id } category { id code name } record { id }
      history { id kind fromState toState note createdAt }
      plans { id measures funds deadline contingencyPlan createdAt responsiblePerson { id } }
      notices { id noticeKind createdAt }
    } }
  }
}"""


POST_DUTIES = """
query($post: ID!, $on: Date!) {
  postDuties(postId: $post, on: $on, first: 100) {
    pageInfo { hasNextPage } edges { node { dutyList { id } dutyItem { id } } } }
}"""


async def post_duties(who: Any, post: str, on: str) -> list[dict[str, str]]:
    body = await who(POST_DUTIES, {"post": post, "on": on})
    assert "errors" not in body, body
    found = body["data"]["postDuties"]
    assert not found["pageInfo"]["hasNextPage"]
    return [
        {"dutyList": n["dutyList"]["id"], "dutyItem": n["dutyItem"]["id"]}
        for n in (e["node"] for e in found["edges"])
    ]


AUDIT = """
query($since: DateTime!, $until: DateTime!) {
  auditEvents(since: $since, until: $until, first: 100) {
    pageInfo { hasNextPage }
    edges { node { id at action targetType domain before after requestId } }
  }
}"""


async def audit(who: Any, path: str, since: str, until: str) -> list[dict[str, Any]]:
    """The audit log of the subtree at `path` (as the API writes paths) in [since, until),
    oldest first."""
    body = await who(AUDIT, {"since": since, "until": until})
    assert "errors" not in body, body
    found = body["data"]["auditEvents"]
    assert not found["pageInfo"]["hasNextPage"]
    events = [e["node"] for e in found["edges"] if e["node"]["domain"].startswith(path)]
    return sorted(events, key=lambda e: pk(e["id"]))


def _ids(nodes: list[dict[str, Any]] | None) -> list[str]:
    return [n["id"] for n in nodes or []]


def _id(node: dict[str, Any] | None) -> str | None:
    return node["id"] if node else None


async def obligations(who: Any, unit: str, start: str, end: str) -> list[dict[str, Any]]:
    body = await who(OBLIGATIONS, {"unit": unit, "from": start, "to": end})
    assert "errors" not in body, body
    found = body["data"]["obligations"]
    assert not found["pageInfo"]["hasNextPage"]
    return [
        {
            "id": n["id"],
            "dutyList": _id(n["dutyList"]),
            "dutyItem": _id(n["dutyItem"]),
            "itemKey": n["dutyItem"]["key"] if n["dutyItem"] else None,
            "post": _id(n["post"]),
            "person": _id(n["person"]),
            "personName": n["person"]["name"] if n["person"] else None,
            "periodStart": n["periodStart"],
            "periodEnd": n["periodEnd"],
            "shareStart": n["shareStart"],
            "shareEnd": n["shareEnd"],
            "dueDate": n["dueDate"],
            "required": n["required"],
            "doneCount": n["doneCount"],
            "status": n["status"],
            "notApplicableReason": n["notApplicableReason"],
            "vacant": n["vacant"],
            "answering": n["answering"],
            "heldDays": n["heldDays"],
            "onTimeRecords": _ids(n["onTimeRecords"]),
            "lateRecords": _ids(n["lateRecords"]),
            "delegatedRecords": _ids(n["delegatedRecords"]),
            "exemption": [n["exemption"]["id"]] if n["exemption"] else [],
            "criticalPeriod": _id(n["criticalPeriod"]),
        }
        for n in (e["node"] for e in found["edges"])
    ]


def overlaps(a: dict[str, Any], start: str, end: str) -> bool:
    return a["startDate"] <= end and (a["endDate"] is None or a["endDate"] >= start)


async def post_holders(who: Any, post: str, start: str, end: str) -> dict[str, Any]:
    body = await who(ASSIGNMENTS, {"id": post})
    assert "errors" not in body, body
    p = body["data"]["node"]
    assert not p["assignments"]["pageInfo"]["hasNextPage"]
    return {
        "id": p["id"],
        "unit": _id(p["unit"]),
        "kind": p["kind"],
        "title": p["title"],
        "assignments": [
            {
                "id": a["id"],
                "person": _id(a["person"]),
                "personName": a["person"]["name"] if a["person"] else None,
                "startDate": a["startDate"],
                "endDate": a["endDate"],
                "withdrawn": a["withdrawn"],
                "note": a["note"],
                "version": a["version"],
                "createdAt": a["createdAt"],
                "endedAt": a["endedAt"],
            }
            for a in (e["node"] for e in p["assignments"]["edges"])
            if overlaps(a, start, end)
        ],
    }


async def hazards(who: Any, unit: str, start: str, end: str) -> list[dict[str, Any]]:
    body = await who(HAZARDS, {"unit": unit, "to": end})
    assert "errors" not in body, body
    found = body["data"]["hazards"]
    assert not found["pageInfo"]["hasNextPage"]
    return [
        {
            "id": h["id"],
            "unit": _id(h["unit"]),
            "category": h["category"],
            "grade": h["grade"],
            "title": h["title"],
            "description": h["description"],
            "source": h["source"],
            "record": _id(h["record"]),
            "foundOn": h["foundOn"],
            "state": h["state"],
            "deadline": h["deadline"],
            "closedOn": h["closedOn"],
            "version": h["version"],
            "history": h["history"],
            "plans": [{**p, "responsiblePerson": _id(p["responsiblePerson"])} for p in h["plans"]],
            "notices": [
                {"id": n["id"], "kind": n["noticeKind"], "createdAt": n["createdAt"]} for n in h["notices"]
            ],
        }
        for h in (e["node"] for e in found["edges"])
        if h["closedOn"] is None or h["closedOn"] >= start
    ]


async def request(who: Any, unit: str, **period: str) -> dict[str, Any]:
    body = await who(REQUEST, {"input": {"unitId": unit, **period}})
    dossier: dict[str, Any] = ok(body)["dossier"]
    return dossier
