"""Settings of the authorization layer: the tokens it signs and the OIDC provider it trusts,
on top of the settings every layer reads (`domain.config.Settings`), from the same
environment."""

from __future__ import annotations

from pydantic import Field, model_validator

from domain.config import Settings


class AuthSettings(Settings):
    # Authentication. Tokens we sign ourselves (HS256 with SECRET_KEY): `make token` mints
    # them for development; production may turn them off and rely on an OIDC provider.
    jwt_issuer: str = "safety-duty"
    jwt_audience: str = "safety-duty-api"
    jwt_hs256_enabled: bool = True
    token_ttl_minutes: int = 12 * 60
    # An OIDC provider (Keycloak, Casdoor, …): its issuer, the audience our API is known by,
    # and its JWKS (found through the issuer's discovery document when not given).
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    oidc_algorithms: list[str] = ["RS256", "ES256"]
    # How long the provider's key set is kept, and how soon after a fetch a token naming an
    # unknown key may fetch it again (key rotation), in seconds.
    oidc_jwks_cache_seconds: float = Field(default=300.0, gt=0)
    oidc_jwks_cooldown_seconds: float = Field(default=30.0, ge=0)

    @model_validator(mode="after")
    def _check_oidc(self) -> AuthSettings:
        if self.oidc_issuer and not self.oidc_audience:
            raise ValueError("OIDC_AUDIENCE must be set with OIDC_ISSUER")
        return self
