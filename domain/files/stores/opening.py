"""The store the configuration names (`FILE_STORE`); constructing it connects to nothing."""

from __future__ import annotations

from domain.config import Settings
from domain.files.stores import BlobStore
from domain.files.stores.disk import DiskStore


def open_store(settings: Settings) -> BlobStore:
    if settings.file_store == "s3":
        from domain.files.stores.s3 import S3Store  # boto3 loads only when S3 is configured

        return S3Store.from_settings(settings)
    return DiskStore(settings.file_store_path)
