"""The platform's signing key: derived from the secret (the same secret, the same key; the
published key id names it), or configured as a PEM or a path to one; nothing but Ed25519."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.dossier.signing import configured_key, derived_key, platform_key, verifies

SECRET = "a secret of the platform, long enough for it"


def _pem(key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_derived_from_the_secret() -> None:
    key = derived_key(SECRET)
    assert key.public_pem() == derived_key(SECRET).public_pem()
    assert key.key_id == derived_key(SECRET).key_id and len(key.key_id) == 16
    assert key.public_pem() != derived_key(SECRET + "!").public_pem()
    assert verifies(key.public_pem(), b"manifest", key.sign(b"manifest"))
    assert not verifies(key.public_pem(), b"manifest!", key.sign(b"manifest"))
    assert platform_key(SECRET, None).key_id == key.key_id


def test_configured_as_pem_or_path(tmp_path: Path) -> None:
    own = Ed25519PrivateKey.generate()
    pem = _pem(own)
    path = tmp_path / "dossier-signing.pem"
    path.write_text(pem)
    for value in (pem, str(path)):
        key = platform_key(SECRET, value)
        assert key.key_id != derived_key(SECRET).key_id
        assert verifies(key.public_pem(), b"m", own.sign(b"m"))


def test_only_ed25519() -> None:
    with pytest.raises(ValueError, match="Ed25519"):
        configured_key(_pem(ec.generate_private_key(ec.SECP256R1())))
