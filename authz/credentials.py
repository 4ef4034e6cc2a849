"""Who is calling: bearer tokens (our own HS256, or an OIDC provider's RS256/ES256 checked
against its JWKS) and API keys of service clients, resolved to a person or a client."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.models import ApiKey, ExternalIdentity, ServiceClient
from authz.settings import AuthSettings
from domain.people.models import Person

log = logging.getLogger("authz.credentials")

API_KEY_PREFIX = "sdk_"


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: a person or a service client."""

    subject: str  # "person:<id>" or "client:<id>"
    person_id: int | None = None
    client_id: int | None = None
    method: str = "token"  # token | oidc | api_key


class AuthenticationError(Exception):
    def __init__(self, code: str, message_en: str, message_zh: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_en = message_en
        self.message_zh = message_zh


def _invalid(en: str, zh: str) -> AuthenticationError:
    return AuthenticationError("UNAUTHENTICATED", en, zh)


# --- tokens we sign ------------------------------------------------------------------------


def mint_token(settings: AuthSettings, subject: str, *, ttl: timedelta | None = None) -> str:
    """A bearer token for "person:<id>" or "client:<id>", signed with SECRET_KEY."""
    now = datetime.now(UTC)
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "iat": now,
        "exp": now + (ttl or timedelta(minutes=settings.token_ttl_minutes)),
    }
    return jwt.encode(claims, settings.secret_key, algorithm="HS256")


# --- API keys ------------------------------------------------------------------------------


def new_api_key() -> tuple[str, str, str]:
    """(the key to show once, its prefix, the hash to store)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{API_KEY_PREFIX}{prefix}_{secret}", prefix, hash_secret(secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_api_key(key: str) -> tuple[str, str] | None:
    if not key.startswith(API_KEY_PREFIX):
        return None
    prefix, sep, secret = key[len(API_KEY_PREFIX) :].partition("_")
    if not sep or len(prefix) != 12 or not secret:
        return None
    return prefix, secret


# --- OIDC keys -------------------------------------------------------------------------------


class _JwksClient(jwt.PyJWKClient):
    """PyJWT's JWKS client, which keeps the keys it has when the provider cannot be reached:
    a provider that is down for a while then does not sign everyone out."""

    def fetch_data(self) -> Any:
        try:
            return super().fetch_data()
        except jwt.PyJWKClientConnectionError:
            held = self.jwk_set_cache.jwk_set_with_timestamp if self.jwk_set_cache is not None else None
            if held is None:
                raise
            log.warning("the OIDC provider's keys could not be fetched; keeping those held", exc_info=True)
            # Start PyJWKClient's refresh cooldown as a fetch would: tokens naming unknown
            # keys do not each wait for the timeout while the provider is down.
            self._last_successful_fetch = time.monotonic()
            return held.get_jwk_set()


class OidcKeys:
    """The provider's signing keys, through PyJWT's `PyJWKClient`: the key set is cached for
    `OIDC_JWKS_CACHE_SECONDS`; a token naming a key not in it (key rotation) fetches it again,
    at most once per `OIDC_JWKS_COOLDOWN_SECONDS`. The JWKS URL is `OIDC_JWKS_URL`, else the
    `jwks_uri` of the issuer's discovery document. Fetches time out after
    `FETCH_TIMEOUT_SECONDS`.

    `PyJWKClient` is synchronous (urllib): fetches run in a worker thread, so the event loop
    serves other requests meanwhile; a key found in the fresh cached set is taken at once."""

    FETCH_TIMEOUT_SECONDS = 5.0

    def __init__(self, settings: AuthSettings) -> None:
        self.settings = settings
        self._client: _JwksClient | None = None
        self._discovery_lock = threading.Lock()

    def _jwks_url(self) -> str:
        if self.settings.oidc_jwks_url:
            return self.settings.oidc_jwks_url
        issuer = (self.settings.oidc_issuer or "").rstrip("/")
        url = f"{issuer}/.well-known/openid-configuration"
        with urllib.request.urlopen(url, timeout=self.FETCH_TIMEOUT_SECONDS) as response:
            jwks_uri = json.loads(response.read())["jwks_uri"]
        if not isinstance(jwks_uri, str):
            raise ValueError("the discovery document's jwks_uri is not a string")
        return jwks_uri

    def _jwks_client(self) -> _JwksClient:
        with self._discovery_lock:
            if self._client is None:
                self._client = _JwksClient(
                    self._jwks_url(),
                    cache_jwk_set=True,
                    lifespan=self.settings.oidc_jwks_cache_seconds,
                    timeout=self.FETCH_TIMEOUT_SECONDS,
                    cooldown_duration=self.settings.oidc_jwks_cooldown_seconds,
                )
            return self._client

    def _cached(self, kid: str) -> jwt.PyJWK | None:
        cache = self._client.jwk_set_cache if self._client is not None else None
        held = cache.get() if cache is not None else None  # None when expired
        for key in held.keys if held is not None else ():
            if key.key_id == kid and key.public_key_use in ("sig", None):
                return key
        return None

    def _fetch(self, kid: str) -> jwt.PyJWK:
        return self._jwks_client().get_signing_key(kid)

    async def key(self, kid: str) -> jwt.PyJWK:
        key = self._cached(kid)
        if key is not None:
            return key
        try:
            return await asyncio.to_thread(self._fetch, kid)
        except jwt.PyJWKClientConnectionError as exc:
            raise _invalid(
                "The identity provider's signing keys could not be fetched; try again later",
                "无法获取身份提供方的签名密钥，请稍后重试",
            ) from exc
        except jwt.PyJWTError as exc:  # no such key (after a refresh, if one was allowed)
            raise _invalid("The token's signing key is unknown", "令牌签名密钥未知") from exc
        except (OSError, ValueError, KeyError) as exc:  # the discovery document
            raise _invalid(
                "The identity provider's discovery document could not be read; try again later",
                "无法读取身份提供方的发现文档，请稍后重试",
            ) from exc


# --- resolving a request's credentials --------------------------------------------------------


# Every request with a token asks it: built once.
_PERSON_EXISTS = select(Person.id).where(Person.id == bindparam("person_id"))
_KNOWN_PERSONS_MAX = 100_000
# Seconds past `exp` a token is still accepted (clock skew between issuer and server).
TOKEN_LEEWAY_SECONDS = 30
_VERIFIED_TOKENS_MAX = 10_000


class Authenticator:
    def __init__(self, settings: AuthSettings, generation: Callable[[], int] | None = None) -> None:
        self.settings = settings
        # The authorization state's generation (`Authority.generation`): a client's token is
        # known only while no change to who may do what has been applied since it was checked
        # (disabling a client is such a change, here and, by notification, in every process).
        self._generation = generation
        self.jwks = OidcKeys(settings) if settings.oidc_issuer else None
        # Persons are never deleted: one found once stays. Their tokens' later requests skip
        # the lookup (a round trip on every request). Bounded: emptied when full.
        self._known_persons: set[int] = set()
        # Our own tokens of persons, verified once: token -> (caller, its `exp`). A token is
        # immutable and signed, and persons are never deleted, so until it expires the same
        # token names the same caller; its later requests skip the header parsing, the
        # signature check and the claims check (tens of microseconds) and touch no database.
        # Tokens of clients are kept with the generation they were checked at (none without a
        # generation to compare): a disabled client's tokens stop at once. Bounded: emptied
        # when full.
        self._verified_tokens: dict[str, tuple[Caller, float, int | None]] = {}

    def known(self, credential: str) -> Caller | None:
        """The caller of a person's token verified before and not expired since; None means
        `authenticate` must decide (and may need the database)."""
        held = self._verified_tokens.get(credential)
        if held is None:
            return None
        caller, expires, generation = held
        if time.time() - TOKEN_LEEWAY_SECONDS >= expires:
            del self._verified_tokens[credential]
            return None
        if caller.person_id is None and (self._generation is None or generation != self._generation()):
            del self._verified_tokens[credential]
            return None
        return caller

    def _remember(
        self, credential: str, caller: Caller, claims: dict[str, Any], generation: int | None
    ) -> None:
        expires = claims.get("exp")
        if not isinstance(expires, int | float):
            return
        if caller.person_id is None and generation is None:
            return
        if len(self._verified_tokens) >= _VERIFIED_TOKENS_MAX:
            self._verified_tokens.clear()
        self._verified_tokens[credential] = (caller, float(expires), generation)

    async def authenticate(self, session: AsyncSession, credential: str) -> Caller:
        if credential.startswith(API_KEY_PREFIX):
            return await self._api_key(session, credential)
        try:
            header = jwt.get_unverified_header(credential)
        except jwt.PyJWTError as exc:
            raise _invalid("The bearer token is malformed", "令牌格式错误") from exc
        alg = header.get("alg")
        # Read before the database is: a change applied while it is read makes the answer old.
        generation = self._generation() if self._generation is not None else None
        if alg == "HS256" and self.settings.jwt_hs256_enabled:
            claims = self._decode(
                credential,
                self.settings.secret_key,
                ["HS256"],
                self.settings.jwt_issuer,
                self.settings.jwt_audience,
            )
            caller = await self._own_subject(session, str(claims.get("sub", "")))
            self._remember(credential, caller, claims, generation)
            return caller
        if self.jwks is not None and alg in self.settings.oidc_algorithms:
            key = await self.jwks.key(str(header.get("kid", "")))
            claims = self._decode(
                credential,
                key,
                self.settings.oidc_algorithms,
                self.settings.oidc_issuer,
                self.settings.oidc_audience,
            )
            return await self._external(session, str(claims["iss"]), str(claims.get("sub", "")))
        raise _invalid("The token's algorithm or issuer is not accepted", "不接受该令牌的签名算法或签发方")

    def _decode(
        self, token: str, key: Any, algorithms: list[str], issuer: str | None, audience: str | None
    ) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=issuer,
                audience=audience,
                options={"require": ["exp", "iss", "sub"]},
                leeway=TOKEN_LEEWAY_SECONDS,
            )
        except jwt.ExpiredSignatureError as exc:
            raise _invalid("The token has expired", "令牌已过期") from exc
        except jwt.PyJWTError as exc:
            raise _invalid(f"The token is not valid: {exc}", "令牌无效") from exc
        return claims

    async def _own_subject(self, session: AsyncSession, subject: str) -> Caller:
        kind, _, raw = subject.partition(":")
        if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31:
            if kind == "person" and await self._person_exists(session, int(raw)):
                return Caller(subject, person_id=int(raw), method="token")
            if kind == "client":
                return await self._client(session, int(raw), "token")
        raise _invalid("The token's subject is unknown", "令牌对应的用户不存在")

    async def _person_exists(self, session: AsyncSession, person_id: int) -> bool:
        if person_id in self._known_persons:
            return True
        if await session.scalar(_PERSON_EXISTS, {"person_id": person_id}) is None:
            return False
        if len(self._known_persons) >= _KNOWN_PERSONS_MAX:
            self._known_persons.clear()
        self._known_persons.add(person_id)
        return True

    async def _external(self, session: AsyncSession, issuer: str, subject: str) -> Caller:
        identity = await session.scalar(
            select(ExternalIdentity).where(
                ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject
            )
        )
        if identity is None:
            raise _invalid(
                "No person or client is linked to this identity", "该身份未关联本平台的人员或客户端"
            )
        if identity.person_id is not None:
            return Caller(f"person:{identity.person_id}", person_id=identity.person_id, method="oidc")
        assert identity.client_id is not None
        return await self._client(session, identity.client_id, "oidc")

    async def _client(self, session: AsyncSession, client_id: int, method: str) -> Caller:
        client = await session.get(ServiceClient, client_id)
        if client is None or client.disabled_at is not None:
            raise _invalid("The client is unknown or disabled", "客户端不存在或已停用")
        return Caller(client.subject, client_id=client.id, method=method)

    async def _api_key(self, session: AsyncSession, credential: str) -> Caller:
        parts = split_api_key(credential)
        row = None
        if parts is not None:
            row = await session.scalar(select(ApiKey).where(ApiKey.prefix == parts[0]))
        if row is None or parts is None or not hmac.compare_digest(row.secret_hash, hash_secret(parts[1])):
            raise _invalid("The API key is not valid", "API密钥无效")
        if row.revoked_at is not None:
            raise _invalid("The API key has been revoked", "API密钥已吊销")
        if row.expires_at is not None and row.expires_at <= datetime.now(UTC):
            raise _invalid("The API key has expired", "API密钥已过期")
        return await self._client(session, row.client_id, "api_key")
