"""The disk store: one file per blob under `root/ab/cd/<sha256>`, written to a temporary
file in the same folder, flushed to disk and renamed into place (a reader never sees half
a blob, a crash leaves at most a temporary file)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path

from domain.files.stores import BlobCorrupt, BlobMissing, StoreUnavailable, check_key, sha256_hex


class DiskStore:
    kind = "disk"

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        check_key(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _put(self, sha256: str, data: bytes) -> None:
        if sha256_hex(data) != sha256:
            raise BlobCorrupt(sha256, "content does not hash to its key")
        target = self.path_of(sha256)
        if target.exists():
            self._read_checked(sha256, target)
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, target)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise StoreUnavailable(sha256, f"cannot write to {self.root}: {exc}") from exc
        self._read_checked(sha256, target)

    def _read_checked(self, sha256: str, path: Path) -> bytes:
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise BlobMissing(sha256, "no such object") from exc
        except OSError as exc:
            raise StoreUnavailable(sha256, f"cannot read {path}: {exc}") from exc
        if sha256_hex(data) != sha256:
            raise BlobCorrupt(sha256, "stored content does not hash to its key")
        return data

    async def put(self, sha256: str, data: bytes, media_type: str) -> None:
        await asyncio.to_thread(self._put, sha256, data)

    async def get(self, sha256: str) -> bytes:
        return await asyncio.to_thread(self._read_checked, sha256, self.path_of(sha256))

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self.path_of(sha256).is_file)

    async def close(self) -> None:
        return None
