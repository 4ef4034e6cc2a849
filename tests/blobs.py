"""Changing a store's objects behind its back, as someone with access to the folder or the
bucket could: for the tests that check a store reports what it finds, never serves it."""

from __future__ import annotations

from domain.files.stores import BlobStore
from domain.files.stores.disk import DiskStore
from domain.files.stores.s3 import S3Store


def overwrite_blob(store: BlobStore, sha256: str, data: bytes) -> None:
    if isinstance(store, DiskStore):
        store.path_of(sha256).write_bytes(data)
    elif isinstance(store, S3Store):
        store._s3().put_object(Bucket=store.bucket, Key=store.key_of(sha256), Body=data)
    else:
        raise TypeError(f"no way behind the back of a {type(store).__name__}")


def remove_blob(store: BlobStore, sha256: str) -> None:
    if isinstance(store, DiskStore):
        store.path_of(sha256).unlink()
    elif isinstance(store, S3Store):
        store._s3().delete_object(Bucket=store.bucket, Key=store.key_of(sha256))
    else:
        raise TypeError(f"no way behind the back of a {type(store).__name__}")


def read_blob(store: BlobStore, sha256: str) -> bytes:
    """The object as stored, unchecked."""
    if isinstance(store, DiskStore):
        return store.path_of(sha256).read_bytes()
    if isinstance(store, S3Store):
        body = store._s3().get_object(Bucket=store.bucket, Key=store.key_of(sha256))["Body"]
        with body:
            data: bytes = body.read()
        return data
    raise TypeError(f"no way behind the back of a {type(store).__name__}")
