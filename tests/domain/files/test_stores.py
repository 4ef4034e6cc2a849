"""The blob store contract (domain/files/stores/__init__.py), run on each store: the disk
store on a temporary folder and the S3 store against a local S3-protocol server (moto's,
started by the tests: tests/s3server.py). What happens behind a store's back (an object
changed or removed by hand) is done through the store's own medium: the file on disk, the
object through a client of the test's own."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from domain.config import Settings
from domain.files.stores import BlobCorrupt, BlobMissing, BlobStore, StoreUnavailable, sha256_hex
from domain.files.stores.disk import DiskStore
from domain.files.stores.opening import open_store
from domain.files.stores.s3 import S3Store
from scratch.s3server import ACCESS_KEY_ID, SECRET_ACCESS_KEY
from tests.blobs import overwrite_blob, read_blob
from tests.s3server import make_s3_store, remove_bucket


@pytest.fixture(params=["disk", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "disk":
        return DiskStore(tmp_path / "files")
    s3: S3Store = request.getfixturevalue("s3_store")
    return s3


def content(size: int = 1000, seed: int = 0) -> tuple[str, bytes]:
    data = bytes((i * 31 + seed) % 251 for i in range(size))
    return sha256_hex(data), data


async def test_round_trip(store: BlobStore) -> None:
    sha, data = content()
    assert not await store.exists(sha)
    await store.put(sha, data, "image/jpeg")
    assert await store.exists(sha)
    assert await store.get(sha) == data
    assert read_blob(store, sha) == data


async def test_putting_the_same_content_twice_is_a_no_op(store: BlobStore) -> None:
    sha, data = content()
    await store.put(sha, data, "image/png")
    await store.put(sha, data, "image/png")
    assert await store.get(sha) == data


async def test_a_second_put_never_overwrites_what_is_there(store: BlobStore) -> None:
    # An object gone bad is reported, not silently replaced: what is there is evidence too.
    sha, data = content()
    await store.put(sha, data, "image/png")
    overwrite_blob(store, sha, b"changed by hand")
    with pytest.raises(BlobCorrupt):
        await store.put(sha, data, "image/png")
    assert read_blob(store, sha) == b"changed by hand"


async def test_content_not_hashing_to_its_key_is_refused(store: BlobStore) -> None:
    sha, _ = content(seed=1)
    _, other = content(seed=2)
    with pytest.raises(BlobCorrupt):
        await store.put(sha, other, "application/pdf")
    assert not await store.exists(sha)
    with pytest.raises(BlobMissing):
        await store.get(sha)


async def test_a_missing_object_is_reported(store: BlobStore) -> None:
    with pytest.raises(BlobMissing):
        await store.get(content()[0])


async def test_a_corrupt_object_is_reported_not_served(store: BlobStore) -> None:
    sha, data = content()
    await store.put(sha, data, "image/jpeg")
    overwrite_blob(store, sha, data[:-1] + b"\x00")
    with pytest.raises(BlobCorrupt):
        await store.get(sha)


async def test_a_key_that_is_not_a_sha256_is_a_programming_error(store: BlobStore) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        await store.get("../../etc/passwd")


async def test_concurrent_puts_of_the_same_and_of_other_content(store: BlobStore) -> None:
    # Two uploads of one photo at once both succeed: the content is the same, whoever wins.
    same = content(seed=7)
    others = [content(seed=10 + n) for n in range(4)]
    await asyncio.gather(*(store.put(sha, data, "image/jpeg") for sha, data in [same] * 4 + others))
    for sha, data in [same, *others]:
        assert await store.get(sha) == data


async def test_ten_megabytes(store: BlobStore) -> None:
    data = os.urandom(10 * 1024 * 1024)
    sha = sha256_hex(data)
    await store.put(sha, data, "application/pdf")
    assert await store.get(sha) == data


@pytest.fixture
def closed_port() -> int:
    """A port of 127.0.0.1 nobody listens on (taken, then given back)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung server)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield int(s.getsockname()[1])


@pytest.fixture(params=["disk", "s3-closed-port", "s3-silent-server"])
async def unavailable_store(
    request: pytest.FixtureRequest, tmp_path: Path, closed_port: int
) -> AsyncIterator[BlobStore]:
    store: BlobStore
    if request.param == "disk":
        (tmp_path / "not-a-folder").write_bytes(b"")
        store = DiskStore(tmp_path / "not-a-folder")
    elif request.param == "s3-closed-port":
        store = make_s3_store(f"http://127.0.0.1:{closed_port}", connect_timeout=1.0, max_attempts=2)
    else:
        port = request.getfixturevalue("silent_port")
        store = make_s3_store(f"http://127.0.0.1:{port}", read_timeout=0.5, max_attempts=1)
    yield store
    await store.close()


async def test_an_unreachable_store_is_reported_quickly(unavailable_store: BlobStore) -> None:
    sha, data = content()
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        await unavailable_store.put(sha, data, "image/jpeg")
    with pytest.raises(StoreUnavailable):
        await unavailable_store.get(sha)
    # Timeouts of about a second and two attempts with the retries' backoff: well under 10 s.
    assert time.monotonic() - started < 10


async def test_s3_creates_its_bucket_once_on_first_use(s3_store: S3Store) -> None:
    s3 = s3_store._s3()
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert s3_store.bucket not in names
    sha, data = content()
    await s3_store.put(sha, data, "image/png")
    assert s3_store.bucket in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    head = s3.head_object(Bucket=s3_store.bucket, Key=sha)
    assert head["ContentType"] == "image/png"
    assert head["ContentLength"] == len(data)


async def test_s3_keys_carry_the_prefix_and_a_region_other_than_the_default(s3_endpoint: str) -> None:
    store = make_s3_store(s3_endpoint, prefix="evidence/", region="cn-north-1")
    try:
        sha, data = content()
        await store.put(sha, data, "image/jpeg")
        assert store.key_of(sha) == f"evidence/{sha}"
        assert read_blob(store, sha) == data
        assert await store.get(sha) == data
    finally:
        remove_bucket(store)
        await store.close()


async def test_s3_bucket_removed_after_first_use_is_unavailable(s3_store: S3Store) -> None:
    sha, data = content()
    await s3_store.put(sha, data, "image/png")
    remove_bucket(s3_store)
    with pytest.raises(StoreUnavailable, match="bucket"):
        await s3_store.get(sha)


def test_the_configuration_chooses_the_store(tmp_path: Path) -> None:
    disk = open_store(Settings(file_store="disk", file_store_path=tmp_path))
    assert isinstance(disk, DiskStore) and disk.root == tmp_path
    s3 = open_store(
        Settings(
            file_store="s3",
            s3_endpoint_url="http://minio.example.invalid:9000",
            s3_bucket="evidence",
            s3_prefix="park-a/",
            s3_access_key_id=ACCESS_KEY_ID,
            s3_secret_access_key=SECRET_ACCESS_KEY,  # type: ignore[arg-type]
            s3_connect_timeout_seconds=2,
            s3_read_timeout_seconds=7,
            s3_max_attempts=4,
        )
    )
    assert isinstance(s3, S3Store)
    assert (s3.kind, s3.bucket, s3.prefix, s3.endpoint_url) == (
        "s3",
        "evidence",
        "park-a/",
        "http://minio.example.invalid:9000",
    )
    config = s3._config
    assert (config.connect_timeout, config.read_timeout) == (2, 7)
    assert config.retries["max_attempts"] == 4
    assert config.s3["addressing_style"] == "path"
