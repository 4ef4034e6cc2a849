"""The platform's public signing key, for verifying dossiers offline."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.dossier.links import signing_key
from api.dossier.types import PlatformSigningKey


@strawberry.type
class DossierQuery:
    @strawberry.field(
        description="平台签名公钥 — The public key that verifies dossiers' manifest.sig (Ed25519 over the "
        "exact bytes of manifest.json); public, for courts and districts verifying offline"
    )
    def platform_signing_key(self, info: Info) -> PlatformSigningKey:
        return PlatformSigningKey.of(signing_key(info.context.settings))
