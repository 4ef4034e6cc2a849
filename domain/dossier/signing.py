"""The platform's signing key for accountability dossiers (Ed25519).

The key: the PEM private key of the setting DOSSIER_SIGNING_KEY (the PEM itself, or the path
of a file holding it) when given; otherwise derived from SECRET_KEY with HKDF-SHA256 under
the context "safety-duty/dossier-signing/v1", so that every process of a deployment signs
with the same key and a new SECRET_KEY means a new signing key. The public half is
published (GraphQL `platformSigningKey`) so that a court or a district verifies a dossier
offline: `manifest.sig` is the raw 64-byte Ed25519 signature of the exact bytes of
`manifest.json`.

`key_id`: the first 16 hex digits of the SHA-256 of the raw 32-byte public key; the
manifest names it, so a verifier knows which published key to use.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ALGORITHM = "Ed25519"
HKDF_CONTEXT = b"safety-duty/dossier-signing/v1"


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    def public_pem(self) -> str:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    @property
    def key_id(self) -> str:
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return hashlib.sha256(raw).hexdigest()[:16]

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def derived_key(secret_key: str) -> SigningKey:
    """The key derived from the platform secret (HKDF-SHA256, no salt, fixed context)."""
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_CONTEXT).derive(
        secret_key.encode("utf-8")
    )
    return SigningKey(Ed25519PrivateKey.from_private_bytes(seed))


def configured_key(value: str) -> SigningKey:
    """The key of DOSSIER_SIGNING_KEY: a PEM (PKCS#8, unencrypted) or a path to one. Anything
    but an Ed25519 private key is refused (ValueError) at the first use, not silently
    replaced by the derived key."""
    text = value.strip()
    pem = text.encode("ascii") if text.startswith("-----BEGIN") else Path(text).read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("DOSSIER_SIGNING_KEY is not an Ed25519 private key")
    return SigningKey(key)


def platform_key(secret_key: str, configured: str | None) -> SigningKey:
    return configured_key(configured) if configured else derived_key(secret_key)


def verifies(public_pem: str, data: bytes, signature: bytes) -> bool:
    """Whether `signature` is the key's signature of `data` (what a verifier runs offline)."""
    key = serialization.load_pem_public_key(public_pem.encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
