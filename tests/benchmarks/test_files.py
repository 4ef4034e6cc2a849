"""The files benchmark's parts below HTTP: its content passes the type check as a PDF, its
floor runs on both stores and reads back what it wrote, its table adds up. So the script
cannot rot unseen (the run itself: `make bench-files`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.files import HEADER, MB, Timings, content, floor, rows
from domain.files.stores import BlobStore
from domain.files.stores.disk import DiskStore
from domain.files.stores.s3 import S3Store


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
