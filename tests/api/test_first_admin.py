"""The first administrator of a new installation, end to end: `python -m api create-admin`
run as a process on a freshly migrated database of its own (committed data), then the
printed token used through GraphQL to build a park, a person and a post. A second run is
refused; `--another` makes one more; every creation is in the audit log."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.settings import ApiSettings
from authz.models import ExternalIdentity, RoleGrant
from domain.audit.models import AuditEvent
from domain.config import Environment
from domain.db import create_session_factory
from domain.people.models import Person
from tests.api.helpers import ok
from tests.conftest import migrated_database
from tests.factories import id_number
from tests.jwks import rsa_jwk, served_jwks

ROOT = Path(__file__).resolve().parents[2]
SECRET = "first-admin-test-secret-0123456789abcdef"
ISSUER = "https://idp.example.test/realms/park"
AUDIENCE = "safety-duty-api"
# Checksummed numbers of a region code that does not exist (999999).
ADMIN_ID_NUMBER, PERSON_ID_NUMBER, REFUSED_ID_NUMBER, SECOND_ADMIN_ID_NUMBER = (
    id_number(n) for n in (901, 902, 903, 904)
)

CREATE_UNIT = """mutation($input: CreateUnitInput!) {
  createUnit(input: $input) { unit { id name kind } userErrors { code field message messageEn } }
}"""
CREATE_PERSON = """mutation($input: CreatePersonInput!) {
  createPerson(input: $input) { person { id name } userErrors { code field message messageEn } }
}"""
CREATE_POST = """mutation($input: CreatePostInput!) {
  createPost(input: $input) { post { id title kind } userErrors { code field message messageEn } }
}"""
VIEWER = "{ viewer { subject method person { name } roles { role domain } } }"


def create_admin(url: str, *args: str, extra_env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """`python -m api create-admin …` in a process of its own: (exit status, stdout, stderr)."""
    import subprocess

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "ENVIRONMENT": "production",
        "LOAD_DEMO_DATA": "false",
        **(extra_env or {}),
    }
    done = subprocess.run(
        [sys.executable, "-m", "api", "create-admin", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(signing_key: rsa.RSAPrivateKey) -> Iterator[str]:
    """The identity provider's JWKS, served from a local HTTP server."""
    with served_jwks(rsa_jwk(signing_key, "k1")) as url:
        yield url


class Api:
    """GraphQL over HTTP against the app on the test's own database."""

    def __init__(self, engine: AsyncEngine, settings: ApiSettings) -> None:
        app = create_app(settings, session_factory=create_session_factory(engine))
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    async def __call__(self, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        return response.json()


async def test_the_first_administrator_builds_a_park_through_graphql(
    tmp_path: Path, jwks_url: str, signing_key: rsa.RSAPrivateKey
) -> None:
    async with migrated_database(tmp_path) as (url, engine):
        status, out, err = await asyncio.to_thread(
            create_admin,
            url,
            "--name",
            "林测试（演示）",
            "--id-number",
            ADMIN_ID_NUMBER,
            "--phone",
            "13800000000",
        )
        assert status == 0, err
        assert "Platform administrator created" in out and "平台管理员已创建" in out
        token = out.strip().splitlines()[-1]
        settings = ApiSettings(environment=Environment.TEST, database_url=url, secret_key=SECRET)
        api = Api(engine, settings)
        try:
            viewer = (await api(token, VIEWER))["data"]["viewer"]
            assert viewer["person"] == {"name": "林测试（演示）"}
            assert viewer["roles"] == [{"role": "admin", "domain": "*"}], viewer
            district = ok(
                await api(token, CREATE_UNIT, {"input": {"kind": "DISTRICT", "code": "T1", "name": "测试区"}})
            )["unit"]
            park = ok(
                await api(
                    token,
                    CREATE_UNIT,
                    {"input": {"kind": "PARK", "code": "P1", "name": "测试园区", "parentId": district["id"]}},
                )
            )["unit"]
            assert park["kind"] == "PARK"
            person = ok(
                await api(
                    token,
                    CREATE_PERSON,
                    {"input": {"name": "王演示", "idNumber": PERSON_ID_NUMBER, "unitId": park["id"]}},
                )
            )["person"]
            assert person["name"] == "王演示"
            post = ok(
                await api(token, CREATE_POST, {"input": {"unitId": park["id"], "kind": "COMMITTEE_DIRECTOR"}})
            )["post"]
            assert post["kind"] == "COMMITTEE_DIRECTOR"
            # The token is the administrator's and nobody else's: a forged one is refused.
            forged = await api.http.post(
                "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token[:-2]}xx"}
            )
            assert forged.status_code == 401

            # A second run is refused, in both languages, and writes nothing.
            status, out, err = await asyncio.to_thread(
                create_admin, url, "--name", "另一名管理员", "--id-number", REFUSED_ID_NUMBER
            )
            assert status == 1, (out, err)
            assert "已有平台管理员" in err and "A platform administrator already exists" in err
            assert "--another" in err and out == ""

            # Bad input: every error named, nothing written.
            status, _, err = await asyncio.to_thread(
                create_admin, url, "--name", " ", "--id-number", "123", "--phone", "x", "--another"
            )
            assert status == 2
            assert {"--name", "--id-number", "--phone"} <= {
                line.rpartition("(")[2].rstrip(")") for line in err.splitlines()
            }, err

            # --another, signing in through the identity provider instead of a token.
            status, out, err = await asyncio.to_thread(
                create_admin,
                url,
                "--name",
                "赵演示",
                "--id-number",
                SECOND_ADMIN_ID_NUMBER,
                "--oidc-subject",
                "idp-user-0001",
                "--another",
                extra_env={"OIDC_ISSUER": ISSUER, "OIDC_AUDIENCE": AUDIENCE},
            )
            assert status == 0, err
            assert "eyJ" not in out and "idp-user-0001" in out
            oidc_settings = ApiSettings(
                environment=Environment.TEST,
                database_url=url,
                secret_key=SECRET,
                oidc_issuer=ISSUER,
                oidc_audience=AUDIENCE,
                oidc_jwks_url=jwks_url,
            )
            now = datetime.now(UTC)
            provider_token = jwt.encode(
                {
                    "iss": ISSUER,
                    "aud": AUDIENCE,
                    "sub": "idp-user-0001",
                    "iat": now,
                    "exp": now + timedelta(minutes=5),
                },
                signing_key,
                algorithm="RS256",
                headers={"kid": "k1"},
            )
            oidc_api = Api(engine, oidc_settings)
            try:
                signed_in = (await oidc_api(provider_token, VIEWER))["data"]["viewer"]
                assert signed_in["method"] == "oidc" and signed_in["person"] == {"name": "赵演示"}
                assert ok(
                    await oidc_api(
                        provider_token,
                        CREATE_UNIT,
                        {
                            "input": {
                                "kind": "PARK",
                                "code": "P2",
                                "name": "第二园区",
                                "parentId": district["id"],
                            }
                        },
                    )
                )["unit"]
            finally:
                await oidc_api.http.aclose()
        finally:
            await api.http.aclose()

        async with create_session_factory(engine)() as session:
            admins = (
                await session.execute(
                    select(RoleGrant.subject, Person.name)
                    .join(Person, RoleGrant.subject == "person:" + Person.id.cast(String()))
                    .where(RoleGrant.role == "admin", RoleGrant.unit_id.is_(None))
                    .order_by(RoleGrant.id)
                )
            ).all()
            assert [name for _, name in admins] == ["林测试（演示）", "赵演示"]
            first, second = (subject for subject, _ in admins)
            entries = (
                await session.scalars(
                    select(AuditEvent).where(AuditEvent.action == "admin.bootstrap").order_by(AuditEvent.id)
                )
            ).all()
            assert [(e.actor, e.target_type, e.domain) for e in entries] == [("cli", "Person", "/")] * 2
            assert [e.after["subject"] for e in entries if e.after] == [first, second]
            assert [e.after["other_admins"] for e in entries if e.after] == [[], [first]]
            assert entries[1].after is not None and entries[1].after["sign_in"] == "oidc"
            identity = await session.scalar(select(ExternalIdentity))
            assert identity is not None and (identity.issuer, identity.subject) == (ISSUER, "idp-user-0001")
            assert f"person:{identity.person_id}" == second
            # Each creation is audited as itself too, by the same actor.
            actions = set(await session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "cli")))
            assert {
                "people.create_person",
                "policy.grant_role",
                "identity.link",
                "admin.bootstrap",
            } <= actions
            # The refused and invalid runs wrote no person.
            assert await session.scalar(select(Person.id).where(Person.name == "另一名管理员")) is None
