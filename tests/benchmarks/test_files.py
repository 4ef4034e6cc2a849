"""The files benchmark with tiny sizes: its content passes the type check as a PDF, its
floor runs on both stores and reads back what it wrote, its requests (the multipart upload,
the download of `downloadUrl`) work against the app as a real server, its table adds up. So
the script cannot rot unseen (the run itself, with its figures: `make bench-files`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from api.settings import ApiSettings
from authz.credentials import mint_token
from benchmarks.files import HEADER, MB, Timings, content, floor, rows, through_api
from domain.config import Environment
from domain.db import create_session_factory
from domain.files.stores import BlobStore
from domain.files.stores.disk import DiskStore
from domain.files.stores.s3 import S3Store
from scratch.servers import app_server, free_port
from tests import factories as f
from tests.app_servers import wait_ready
from tests.conftest import migrated_database


def test_content_is_new_every_time_and_sniffed_as_pdf() -> None:
    import puremagic

    first, second = content(4096), content(4096)
    assert len(first) == 4096 and first != second
    assert puremagic.from_string(first, mime=True) == "application/pdf"


def test_timings() -> None:
    t = Timings()
    t.add(0.5, 2 * MB)
    t.add(1.5, 2 * MB)
    assert t.rate == pytest.approx(2.0) and t.median_ms == pytest.approx(1000.0)


@pytest.fixture(params=["disk", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "disk":
        return DiskStore(tmp_path / "files")
    s3: S3Store = request.getfixturevalue("s3_store")
    return s3


async def test_the_floor_on_each_store(store: BlobStore) -> None:
    measured = await floor(store, [2048, 10_000], count=2)
    assert set(measured) == {(2048, "upload"), (2048, "download"), (10_000, "upload"), (10_000, "download")}
    for timings in measured.values():
        assert len(timings.seconds) == 2 and timings.rate > 0
    table = rows(store.kind, measured, measured)
    assert len(table) == 4 and all(line.rstrip().endswith("1.00") for line in table)
    assert all(len(line) == len(HEADER) for line in table)  # the columns line up


async def test_uploads_and_downloads_through_a_real_server(tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as (url, engine):
        async with create_session_factory(engine)() as session:
            admin = await f.make_platform_admin(session)
        token = mint_token(ApiSettings(environment=Environment.TEST), admin)
        port, log = free_port(), tmp_path / "serve.log"
        with app_server(url, port, log, FILE_STORE="disk", FILE_STORE_PATH=str(tmp_path / "files")) as proc:
            await wait_ready(proc, port, log)
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as client:
                measured = await asyncio.to_thread(through_api, client, [3000, 20_000], 2)
    assert {op for _, op in measured} == {"upload", "download"}
    for timings in measured.values():
        assert len(timings.seconds) == 2 and timings.rate > 0
    assert len(rows("disk", measured, measured)) == 4
