"""The S3 store: one object per blob under `<prefix><sha256>` in one bucket of an
S3-compatible object store (MinIO, Ceph RGW, the clouds' S3 services), through boto3.

- One client for the store, made on first use (boto3 clients are thread-safe; making one is
  not cheap and not thread-safe, hence the lock). Every call runs in a worker thread
  (`asyncio.to_thread`): boto3 blocks.
- Timeouts and attempts come from the settings, so an unreachable endpoint, bad credentials or
  a missing bucket end as `StoreUnavailable` within about connect timeout × attempts (plus
  the retries' short backoff), never as a hang.
- The bucket is created on first use if it is missing (once per store); credentials that may
  not look at the bucket itself (403 on HEAD) are taken at their word that it exists.
- `put` sends the content with its SHA-256 (`x-amz-checksum-sha256`, checked by the server
  when it supports it) and its MD5 (`Content-MD5`, checked by any S3 server), then reads the
  object back and checks its hash. Keys are flat (S3 partitions by key itself): an operator
  finds an object by the hash shown in the API and the audit trail.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import threading
from typing import Any

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
)

from domain.config import Settings
from domain.files.stores import BlobCorrupt, BlobMissing, StoreUnavailable, check_key, sha256_hex

log = logging.getLogger(__name__)

# Error codes meaning "no such object" (GET answers NoSuchKey, HEAD only a status).
_NOT_FOUND = frozenset({"NoSuchKey", "404", "NotFound"})
_NO_BUCKET = frozenset({"NoSuchBucket", "404", "NotFound"})
# The server checked the content it received against the checksum we sent, and it differed.
_BAD_DIGEST = frozenset({"BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch"})


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class S3Store:
    kind = "s3"

    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        max_attempts: int = 3,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint_url = endpoint_url
        self.region = region
        self._credentials = (access_key_id, secret_access_key)
        self._config = Config(
            region_name=region,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"max_attempts": max_attempts, "mode": "standard"},
            # As many connections as asyncio's default thread pool has threads (at most 32),
            # so concurrent calls never wait for, or discard, a pooled connection.
            max_pool_connections=32,
            # MinIO-like endpoints serve buckets as paths, not as subdomains of the endpoint.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            # We send our own SHA-256 and check every object read against its key: botocore's
            # own CRC on each request and response would only hash the content once more.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        self._lock = threading.Lock()
        self._client: Any = None
        self._bucket_ready = False

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Store:
        secret = settings.s3_secret_access_key
        return cls(
            bucket=settings.s3_bucket,
            prefix=settings.s3_prefix,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret is not None else None,
            connect_timeout=settings.s3_connect_timeout_seconds,
            read_timeout=settings.s3_read_timeout_seconds,
            max_attempts=settings.s3_max_attempts,
        )

    def key_of(self, sha256: str) -> str:
        check_key(sha256)
        return f"{self.prefix}{sha256}"

    def _s3(self) -> Any:
        with self._lock:
            if self._client is None:
                access_key_id, secret_access_key = self._credentials
                # Not set: boto's own chain (environment, shared files, instance roles).
                session = boto3.session.Session(
                    aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key
                )
                self._client = session.client("s3", endpoint_url=self.endpoint_url, config=self._config)
            return self._client

    def _unavailable(self, sha256: str, exc: Exception) -> StoreUnavailable:
        where = self.endpoint_url or "S3"
        return StoreUnavailable(sha256, f"{where}, bucket {self.bucket}: {exc}")

    def _ensure_bucket(self, sha256: str) -> Any:
        """The client, once the bucket is known to exist (made here if it did not). Asked once
        per store: a bucket that disappears later is an incident, reported (NoSuchBucket:
        StoreUnavailable) rather than hidden under a new, empty bucket."""
        s3 = self._s3()
        if self._bucket_ready:
            return s3
        try:
            s3.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if _code(exc) in _NO_BUCKET:
                self._create_bucket(s3, sha256)
            elif _code(exc) not in ("403", "AccessDenied"):
                raise self._unavailable(sha256, exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(sha256, exc) from exc
        self._bucket_ready = True
        return s3

    def _create_bucket(self, s3: Any, sha256: str) -> None:
        extra: dict[str, Any] = {}
        if self.region != "us-east-1":  # the one region that takes no location constraint
            extra["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        try:
            s3.create_bucket(Bucket=self.bucket, **extra)
            log.info("created bucket %s at %s", self.bucket, self.endpoint_url or "S3")
        except ClientError as exc:
            if _code(exc) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise self._unavailable(sha256, exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(sha256, exc) from exc

    def _exists(self, sha256: str) -> bool:
        key = self.key_of(sha256)
        s3 = self._ensure_bucket(sha256)
        try:
            s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                return False
            raise self._unavailable(sha256, exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(sha256, exc) from exc
        return True

    def _get(self, sha256: str) -> bytes:
        key = self.key_of(sha256)
        s3 = self._ensure_bucket(sha256)
        try:
            response = s3.get_object(Bucket=self.bucket, Key=key)
            body = response["Body"]
            try:
                data: bytes = body.read()
            finally:
                body.close()
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                raise BlobMissing(sha256, f"no object {key} in bucket {self.bucket}") from exc
            raise self._unavailable(sha256, exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(sha256, exc) from exc
        if sha256_hex(data) != sha256:
            raise BlobCorrupt(sha256, f"object {key} in bucket {self.bucket} does not hash to its key")
        return data

    def _put(self, sha256: str, data: bytes, media_type: str) -> None:
        if sha256_hex(data) != sha256:
            raise BlobCorrupt(sha256, "content does not hash to its key")
        if self._exists(sha256):
            # Already there: checked, never written again (nor overwritten if it went bad).
            self._get(sha256)
            return
        s3 = self._ensure_bucket(sha256)
        try:
            s3.put_object(
                Bucket=self.bucket,
                Key=self.key_of(sha256),
                Body=data,
                ContentType=media_type,
                ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode("ascii"),
                ContentMD5=base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode(),
            )
        except ClientError as exc:
            if _code(exc) in _BAD_DIGEST:
                raise BlobCorrupt(sha256, f"the store received other content: {exc}") from exc
            raise self._unavailable(sha256, exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(sha256, exc) from exc
        self._get(sha256)

    async def put(self, sha256: str, data: bytes, media_type: str) -> None:
        await asyncio.to_thread(self._put, sha256, data, media_type)

    async def get(self, sha256: str) -> bytes:
        return await asyncio.to_thread(self._get, sha256)

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self._exists, sha256)

    async def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            await asyncio.to_thread(client.close)
