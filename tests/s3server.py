"""The S3 store's test fixtures: one local S3-protocol server per test process (each xdist
worker is a session of its own, so each has its own server on its own free port) and, per
test, an S3 store on a bucket of its own (created by the store on first use, as in
production), emptied and removed afterwards so the server's memory does not grow with the
suite. Registered for the whole suite by tests/conftest.py (`pytest_plugins`)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from domain.files.stores.s3 import S3Store
from scratch.s3server import ACCESS_KEY_ID, SECRET_ACCESS_KEY, s3_server


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


def make_s3_store(endpoint: str, bucket: str | None = None, **options: Any) -> S3Store:
    """An S3 store on the test server, on a fresh bucket unless `bucket` is given."""
    options.setdefault("connect_timeout", 2.0)
    options.setdefault("read_timeout", 10.0)
    options.setdefault("max_attempts", 2)
    return S3Store(
        bucket=bucket or f"test-{uuid.uuid4().hex[:24]}",
        endpoint_url=endpoint,
        access_key_id=ACCESS_KEY_ID,
        secret_access_key=SECRET_ACCESS_KEY,
        **options,
    )


def remove_bucket(store: S3Store) -> None:
    """Empty and delete the store's bucket (a test's leftovers) through the store's client,
    but not through the store: a store never deletes."""
    s3 = store._s3()
    if store.bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        return
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=store.bucket):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=store.bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=store.bucket)


@pytest.fixture
async def s3_store(s3_endpoint: str) -> AsyncIterator[S3Store]:
    store = make_s3_store(s3_endpoint)
    try:
        yield store
    finally:
        remove_bucket(store)
        await store.close()
