"""Blob stores: where evidence content lives, keyed by its SHA-256 (lowercase hex).

A store is chosen by configuration (`FILE_STORE`): `disk`, a folder (the embedded default),
or `s3`, an S3-compatible object store (MinIO, Ceph RGW, the public clouds' S3-compatible
services). Constructing a store connects to nothing; the first call does.

The contract every store keeps (tests/domain/files/test_stores.py runs it on each):
- `put` writes the content under its hash, then reads it back and checks the hash; writing
  content already there is a no-op. Content whose hash is not the key is refused
  (`BlobCorrupt`) and nothing is left under the key.
- `get` returns the content only if its hash is the key: a missing object raises
  `BlobMissing`, one whose content no longer matches raises `BlobCorrupt`; never served.
- Nothing is ever overwritten or deleted through a store.
"""

from __future__ import annotations

import hashlib
import re
from typing import Protocol

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class BlobError(Exception):
    """A blob cannot be written or served."""

    def __init__(self, sha256: str, message: str) -> None:
        super().__init__(f"{sha256}: {message}")
        self.sha256 = sha256


class BlobMissing(BlobError):
    """No object under the key."""


class BlobCorrupt(BlobError):
    """The object's content does not hash to its key."""


class StoreUnavailable(BlobError):
    """The store could not be reached or refused the request (network, credentials, bucket)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_key(sha256: str) -> None:
    if not _SHA256_RE.match(sha256):
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")


class BlobStore(Protocol):
    # "disk" or "s3", for logs and benchmarks.
    kind: str

    async def put(self, sha256: str, data: bytes, media_type: str) -> None:
        """Store `data` under `sha256` (its hash), read it back and check it."""
        ...

    async def get(self, sha256: str) -> bytes:
        """The content under `sha256`, checked; BlobMissing or BlobCorrupt otherwise."""
        ...

    async def exists(self, sha256: str) -> bool: ...

    async def close(self) -> None: ...
