"""Accountability dossiers as the API shows them, and the platform's signing key."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from api.context import Info
from api.keys import ID_DESCRIPTION, key_id
from api.tree.types import OrgUnit
from domain.dossier.models import AccountabilityDossier as DossierRow
from domain.dossier.signing import ALGORITHM, SigningKey


@strawberry.type(
    name="AccountabilityDossier",
    description="追责材料包 — An archive (ZIP) of what the platform holds about a unit and a period: "
    "holders, duty lists, obligations with their records and files, hazards with their history and "
    "photos, exemptions, audit entries and the chain's verification, with a manifest of every file's "
    "SHA-256 signed by the platform; kept unchanged",
)
class AccountabilityDossier:
    start: date = strawberry.field(name="from", description="开始日期 — First day of the period")
    end: date = strawberry.field(name="to", description="结束日期 — Last day of the period")
    file_name: str = strawberry.field(
        description="文件名 — File name, e.g. 追责材料包_ZY_2026-01-01_2026-12-31.zip"
    )
    sha256: str = strawberry.field(description="SHA-256 — Digest of the archive, hex")
    size: int = strawberry.field(description="文件大小 — Size of the archive in bytes")
    manifest_sha256: str = strawberry.field(description="清单摘要 — SHA-256 of manifest.json, hex")
    signature: str = strawberry.field(
        description="签名 — The platform's Ed25519 signature of manifest.json (hex; also manifest.sig)"
    )
    key_id: str = strawberry.field(description="密钥编号 — Id of the signing key (see platformSigningKey)")
    created_at: datetime = strawberry.field(description="生成时间 — When it was made")
    download_url: str = strawberry.field(
        description="下载链接 — Signed link (path on this server) that serves the archive without a token "
        "until expiresAt, for the caller who asked"
    )
    expires_at: datetime = strawberry.field(description="链接失效时间 — When the link stops working")
    dossier_id: strawberry.Private[int]
    unit_id: strawberry.Private[int]

    @strawberry.field(
        description="单位 — The unit (with its subtree) it covers; null if you may no longer see it"
    )
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.unit_by_id.load(self.unit_id)
        return OrgUnit.from_row(row) if row else None

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("AccountabilityDossier", self.dossier_id)

    @classmethod
    def of(cls, row: DossierRow, *, download_url: str, expires_at: datetime) -> AccountabilityDossier:
        return cls(
            start=row.period_start,
            end=row.period_end,
            file_name=row.file_name,
            sha256=row.sha256,
            size=row.size,
            manifest_sha256=row.manifest_sha256,
            signature=row.signature,
            key_id=row.key_id,
            created_at=row.created_at,
            download_url=download_url,
            expires_at=expires_at,
            dossier_id=row.id,
            unit_id=row.unit_id,
        )


@strawberry.type(
    name="PlatformSigningKey",
    description="平台签名公钥 — The public key that verifies the platform's signatures (of dossiers' "
    "manifests), for checking offline",
)
class PlatformSigningKey:
    algorithm: str = strawberry.field(description="算法 — Signature algorithm: Ed25519")
    key_id: str = strawberry.field(
        description="密钥编号 — First 16 hex digits of the SHA-256 of the raw public key; dossiers name it"
    )
    public_key_pem: str = strawberry.field(description="公钥 — The public key, PEM (SubjectPublicKeyInfo)")

    @strawberry.field(description=ID_DESCRIPTION)
    def id(self) -> relay.GlobalID:
        return key_id("PlatformSigningKey", self.key_id)

    @classmethod
    def of(cls, key: SigningKey) -> PlatformSigningKey:
        return cls(algorithm=ALGORITHM, key_id=key.key_id, public_key_pem=key.public_pem())
