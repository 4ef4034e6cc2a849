"""The viewer (the caller's roles), linking an external identity, and the anonymous viewer."""

from __future__ import annotations

from typing import Any

import httpx

from api.refs import domain_ref
from tests.api.access.documents import (
    CLIENT,
    LINK,
    gid,
)
from tests.api.helpers import ok, refused


async def test_viewer_lists_the_callers_roles(
    gql: Any, as_: Any, world: dict[str, Any], platform_admin: str
) -> None:
    leader = as_(f"person:{world['secretary'].id}")
    body = await leader(
        """{ viewer { subject subjectNode { ... on Person { id } } method authMethod person { name phone }
             client { id }
             roles { role roleLabel domain subtree unitId unitName postId source startDate endDate
                     sourceKind sourceNode { id } post { id } id } id } }"""
    )
    viewer = body["data"]["viewer"]
    secretary = gid("Person", world["secretary"].id)
    assert viewer["subject"] == secretary and viewer["subjectNode"] == {"id": secretary}
    assert viewer["method"] == "token" and viewer["authMethod"] == "TOKEN"
    assert viewer["person"] == {"name": "书记甲", "phone": "13800009999"} and viewer["client"] is None
    roles = {r["role"]: r for r in viewer["roles"]}
    assert len({r.pop("id") for r in viewer["roles"]}) == len(viewer["roles"]) and viewer["id"]
    assert roles["principal"] | {"source": "", "sourceNode": None} == {
        "role": "principal",
        "roleLabel": "党政主要负责人",
        "domain": domain_ref(world["park"].path + "*"),
        "subtree": True,
        "unitId": gid("OrgUnit", world["park"].id),
        "unitName": "测试园区",
        "postId": None,
        "source": "",
        "startDate": "2024-01-01",
        "endDate": None,
        "sourceKind": "ASSIGNMENT",
        "sourceNode": None,
        "post": None,
    }
    # The source is the assignment: as a node, and (deprecated) as its global ID.
    assignment = roles["principal"]["sourceNode"]["id"]
    assert roles["principal"]["source"] == assignment and assignment.startswith("QXNzaWdubWVudDo")
    assert roles["post_holder"]["postId"] == gid("Post", world["secretary_post"].id)
    assert roles["post_holder"]["post"] == {"id": gid("Post", world["secretary_post"].id)}
    assert roles["post_holder"]["unitName"] == "测试园区" and roles["post_holder"]["subtree"] is False
    before = await leader('{ viewer { roles(on: "2023-12-31") { role } } }')
    assert before["data"]["viewer"]["roles"] == []

    admin = (await gql("{ viewer { subject client { name } roles { role domain unitId unitName } } }"))[
        "data"
    ]["viewer"]
    assert admin["subject"] == gid("ServiceClient", int(platform_admin.removeprefix("client:")))
    assert admin["client"]["name"] == "测试平台管理端"
    assert admin["roles"] == [{"role": "admin", "domain": "*", "unitId": None, "unitName": None}]


async def test_link_external_identity(gql: Any, as_: Any, world: dict[str, Any]) -> None:
    client = ok(await gql(CLIENT, {"input": {"name": "对接系统（演示）", "kind": "INTEGRATION"}}))["client"]
    linked = ok(
        await gql(
            LINK, {"input": {"issuer": "https://idp.example", "subject": "svc", "clientId": client["id"]}}
        )
    )["identity"]
    assert linked == {
        "issuer": "https://idp.example",
        "subject": "svc",
        "person": None,
        "client": {"name": "对接系统（演示）"},
    }
    refused(
        await gql(
            LINK, {"input": {"issuer": "https://idp.example", "subject": "svc", "clientId": client["id"]}}
        ),
        "DUPLICATE",
        ["input", "subject"],
    )
    refused(
        await gql(
            LINK,
            {
                "input": {
                    "issuer": "https://idp.example",
                    "subject": "both",
                    "clientId": client["id"],
                    "personId": gid("Person", world["staff"].id),
                }
            },
        ),
        "INVALID_VALUE",
        ["input", "personId"],
    )
    admin = as_(f"person:{world['admin'].id}")
    # The district admin may link a leader of their district, not a person who lives nowhere
    # (only a platform-wide admin reaches the root).
    person = ok(
        await admin(
            LINK,
            {
                "input": {
                    "issuer": "https://idp.example",
                    "subject": "u1",
                    "personId": gid("Person", world["secretary"].id),
                }
            },
        )
    )["identity"]["person"]
    assert person == {"name": "书记甲"}
    refused(
        await admin(
            LINK,
            {
                "input": {
                    "issuer": "https://idp.example",
                    "subject": "u2",
                    "personId": gid("Person", world["admin"].id),
                }
            },
        ),
        "FORBIDDEN",
        ["input", "personId"],
    )


async def test_anonymous_viewer_is_refused(anonymous_client: httpx.AsyncClient) -> None:
    response = await anonymous_client.post("/graphql", json={"query": "{ viewer { subject } }"})
    assert response.status_code == 401
