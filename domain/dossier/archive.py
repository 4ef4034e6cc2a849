"""The archive: a ZIP with the JSON sections, the evidence files, README.txt, manifest.json
and manifest.sig. Deterministic: entries sorted by path, every entry with one fixed time
(1980-01-01 00:00, the ZIP epoch) and fixed attributes, JSON with sorted keys; the same
content gives the same bytes.

`manifest.json` lists every other entry (path, size, SHA-256) except itself and its
signature; `manifest.sig` is the platform's Ed25519 signature of manifest.json's exact
bytes."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from domain.dossier.signing import SigningKey

ENTRY_TIME = (1980, 1, 1, 0, 0, 0)
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FORMAT = "safety-duty/accountability-dossier/v1"


def json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def entries_of(contents: dict[str, bytes]) -> list[dict[str, Any]]:
    return [
        {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for path, data in sorted(contents.items())
    ]


@dataclass(frozen=True)
class Packed:
    archive: bytes
    manifest: bytes
    signature: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.archive).hexdigest()

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256(self.manifest).hexdigest()


def pack(contents: dict[str, bytes], header: dict[str, Any], key: SigningKey) -> Packed:
    """The archive of `contents` (path → bytes) with a manifest made of `header` and the
    entries, signed with `key`."""
    manifest = json_bytes(
        {
            **header,
            "format": FORMAT,
            "entries": entries_of(contents),
            "signing": {"algorithm": "Ed25519", "keyId": key.key_id, "signatureFile": SIGNATURE},
        }
    )
    signature = key.sign(manifest)
    everything = {**contents, MANIFEST: manifest, SIGNATURE: signature}
    buf = io.BytesIO()
    with ZipFile(buf, "w") as archive:
        for path in sorted(everything):
            info = ZipInfo(path, date_time=ENTRY_TIME)
            # Evidence (images, PDF) is compressed already; the rest deflates well.
            info.compress_type = ZIP_STORED if path.startswith("files/") else ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, everything[path])
    return Packed(buf.getvalue(), manifest, signature)
