"""The person, post and assignment mutation documents and helpers that run them, for the
people and posts mutation tests.
"""

from __future__ import annotations

from typing import Any

from domain.identifiers import id_number_check_char
from tests import factories as f

KNOWN_ID = "11010519491231002X"

ERRORS = "userErrors { code field message messageEn }"
PERSON_FIELDS = "id name idNumberMasked phoneMasked version"
ASSIGNMENT_FIELDS = "id startDate endDate withdrawn note version endedAt person { name } corrects { id startDate person { name } }"
CREATE_PERSON = f"mutation($input: CreatePersonInput!) {{ createPerson(input: $input) {{ person {{ {PERSON_FIELDS} }} {ERRORS} }} }}"
CREATE_POST = (
    "mutation($input: CreatePostInput!) { createPost(input: $input) { post { id kind title singleHolder "
    "unit { name } inChargeOf { totalCount edges { node { name } } } } " + ERRORS + " } }"
)
ASSIGN = f"mutation($input: AssignPersonInput!) {{ assignPerson(input: $input) {{ assignment {{ {ASSIGNMENT_FIELDS} }} {ERRORS} }} }}"
END = f"mutation($input: EndAssignmentInput!) {{ endAssignment(input: $input) {{ assignment {{ {ASSIGNMENT_FIELDS} }} {ERRORS} }} }}"
CORRECT = f"mutation($input: CorrectAssignmentInput!) {{ correctAssignment(input: $input) {{ assignment {{ {ASSIGNMENT_FIELDS} }} {ERRORS} }} }}"

POST = """
query($id: ID!, $on: Date) {
  post(id: $id) {
    holders(on: $on) { totalCount edges { node { id person { name } } } }
    assignments { totalCount edges { node { id person { name } } } }
    history: assignments(includeHistory: true) {
      totalCount edges { node { id startDate endDate withdrawn person { name } corrects { id } } }
    }
  }
}"""


async def ok(gql: Any, document: str, input: dict[str, Any]) -> dict[str, Any]:
    body = await gql(document, {"input": input})
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    assert payload["userErrors"] == [], payload
    (result,) = (v for k, v in payload.items() if k != "userErrors")
    assert result is not None
    return dict(result)


def gid(obj: Any, type_name: str) -> str:
    return f.gid(type_name, obj.id)


def id_with_check(body17: str) -> str:
    return body17 + id_number_check_char(body17)


async def holders(gql: Any, post_id: str, on: str) -> list[str]:
    body = await gql(POST, {"id": post_id, "on": on})
    return [e["node"]["person"]["name"] for e in body["data"]["post"]["holders"]["edges"]]
