"""Evidence file throughput: uploads and downloads through the API, on the disk store and on
the S3 store, each beside its floor (the store's own put and get, no HTTP, no database).

    python -m benchmarks.files [--sizes-mb 1,10] [--count 12] [--database-url postgresql://…]

Builds a temporary database (SQLite unless a PostgreSQL server URL is given), makes its first
administrator (`create-admin`: the token's caller), starts moto's S3 server as a process of
its own (the S3 store's endpoint) and, for each store, the app as a real server
(`uvicorn api.app:app_factory` on a free port, FILE_STORE set). Then, one request at a time,
for each size, `--count` files of new content (a PDF header and random bytes: the type
check passes and no image is decoded, so the figures are of moving, hashing and storing):

  upload    POST /graphql, multipart (the GraphQL multipart request spec): `operations`,
            `map` and the file; the mutation sniffs, hashes, stores (the store reads the
            object back and checks it) and records the file
  download  GET of the file's `downloadUrl` (a signed link: the signature, the caller's
            right, the store's read and hash check, the body)
  floor     the same store's `put` and `get` of the same sizes in this process

and prints MB/s (megabytes of file content per second of wall time, 1 MB = 10^6 bytes), the
median time of one request, and API/floor: the share of the store's own speed the API keeps.
The figures are of the machine it runs on (moto keeps objects in its process's memory: the
S3 figures are of the protocol, not of a disk behind it); compare runs on one machine only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import httpx

from domain.config import normalize_database_url
from domain.files.stores import BlobStore, sha256_hex
from domain.files.stores.disk import DiskStore
from domain.files.stores.s3 import S3Store
from domain.identifiers import id_number_check_char
from scratch import temporary_database
from scratch.s3server import ACCESS_KEY_ID, SECRET_ACCESS_KEY
from scratch.servers import ROOT, app_server, free_port, read_log

SECRET_KEY = "benchmark-files-secret-key-0123456789abcdef"
UPLOAD = (
    "mutation($f: Upload!) { uploadEvidenceFile(input: {file: $f}) "
    "{ file { id downloadUrl } userErrors { code } } }"
)
MB = 1_000_000


def content(size: int) -> bytes:
    """`size` bytes of new content sniffed as a PDF."""
    head, tail = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", b"\n%%EOF\n"
    return head + os.urandom(max(0, size - len(head) - len(tail))) + tail


@dataclass
class Timings:
    seconds: list[float] = field(default_factory=list)
    bytes: int = 0

    def add(self, seconds: float, size: int) -> None:
        self.seconds.append(seconds)
        self.bytes += size

    @property
    def rate(self) -> float:
        """MB/s."""
        return self.bytes / MB / sum(self.seconds) if self.seconds else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000 if self.seconds else 0.0


def upload_request(client: httpx.Client, data: bytes, name: str) -> httpx.Response:
    operations = {"query": UPLOAD, "variables": {"f": None}}
    return client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
        files={"0": (name, data, "application/pdf")},
    )


def through_api(client: httpx.Client, sizes: list[int], count: int) -> dict[tuple[int, str], Timings]:
    """Upload then download `count` files of each size; every download checked byte for byte."""
    out: dict[tuple[int, str], Timings] = {}
    for size in sizes:
        up, down = out.setdefault((size, "upload"), Timings()), out.setdefault((size, "download"), Timings())
        for n in range(count + 1):  # the first of each size warms up, untimed
            data = content(size)
            started = time.perf_counter()
            response = upload_request(client, data, f"bench-{size}-{n}.pdf")
            elapsed = time.perf_counter() - started
            body = response.json()
            payload = (body.get("data") or {}).get("uploadEvidenceFile") or {}
            if response.status_code != 200 or payload.get("userErrors") or not payload.get("file"):
                sys.exit(f"upload answered {response.status_code}: {str(body)[:1000]}")
            url = urljoin(str(client.base_url), payload["file"]["downloadUrl"])
            started = time.perf_counter()
            got = client.get(url)
            elapsed_down = time.perf_counter() - started
            if got.status_code != 200 or sha256_hex(got.content) != sha256_hex(data):
                sys.exit(f"download of {url} answered {got.status_code} with other content")
            if n:
                up.add(elapsed, size)
                down.add(elapsed_down, size)
    return out


async def floor(store: BlobStore, sizes: list[int], count: int) -> dict[tuple[int, str], Timings]:
    """The store's own put and get of the same sizes (fresh content each time)."""
    out: dict[tuple[int, str], Timings] = {}
    for size in sizes:
        put, get = out.setdefault((size, "upload"), Timings()), out.setdefault((size, "download"), Timings())
        for n in range(count + 1):
            data = content(size)
            sha = sha256_hex(data)
            started = time.perf_counter()
            await store.put(sha, data, "application/pdf")
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            if await store.get(sha) != data:
                sys.exit(f"the {store.kind} store gave other content back")
            if n:
                put.add(elapsed, size)
                get.add(time.perf_counter() - started, size)
    return out


def rows(store: str, api: dict[tuple[int, str], Timings], base: dict[tuple[int, str], Timings]) -> list[str]:
    lines = []
    for (size, op), timings in api.items():
        ground = base[(size, op)]
        ratio = timings.rate / ground.rate if ground.rate else 0.0
        lines.append(
            f"  {store:<5} {size / MB:>7.3g} MB {op:<9} {timings.rate:9.1f} {timings.median_ms:9.1f}"
            f" {ground.rate:10.1f} {ground.median_ms:9.1f} {ratio:9.2f}"
        )
    return lines


HEADER = (
    f"  {'store':<5} {'size':>10} {'op':<9} {'API MB/s':>9} {'API ms':>9} "
    f"{'floor MB/s':>10} {'floor ms':>9} {'API/floor':>9}"
)


def create_admin(database_url: str) -> str:
    """The first administrator of the new database (migrating it first); their token."""
    first17 = "99999919900101001"  # region 999999: plainly fictional
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-m", "api", "create-admin", "--name", "基准管理员（演示）",
         "--id-number", first17 + id_number_check_char(first17), "--hours", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    tokens = [line for line in done.stdout.splitlines() if line.startswith("eyJ")]
    if done.returncode != 0 or not tokens:
        sys.exit(f"create-admin failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return tokens[-1]


@contextmanager
def moto_process(log_path: Path) -> Iterator[str]:
    """moto's S3 server in a process of its own: its endpoint URL."""
    port = free_port()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            endpoint = f"http://127.0.0.1:{port}"
            wait_for(proc, f"{endpoint}/moto-api/", log_path)
            yield endpoint
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def wait_for(proc: subprocess.Popen[bytes], url: str, log_path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{url}: the server exited:\n{read_log(log_path)}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    sys.exit(f"{url} not ready in {seconds:.0f} s:\n{read_log(log_path)}")


def store_settings(kind: str, tmp: Path, endpoint: str) -> dict[str, str]:
    if kind == "disk":
        return {"FILE_STORE": "disk", "FILE_STORE_PATH": str(tmp / "files-api")}
    return {
        "FILE_STORE": "s3", "S3_ENDPOINT_URL": endpoint, "S3_BUCKET": "bench-api",
        "S3_ACCESS_KEY_ID": ACCESS_KEY_ID, "S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
    }  # fmt: skip


def floor_store(kind: str, tmp: Path, endpoint: str) -> BlobStore:
    if kind == "disk":
        return DiskStore(tmp / "files-floor")
    return S3Store(
        bucket="bench-floor",
        endpoint_url=endpoint,
        access_key_id=ACCESS_KEY_ID,
        secret_access_key=SECRET_ACCESS_KEY,
    )


def bench(database_url: str, tmp: Path, sizes: list[int], count: int, stores: list[str]) -> list[str]:
    token = create_admin(database_url)
    lines = [HEADER]
    print(HEADER, flush=True)
    with moto_process(tmp / "moto.log") as endpoint:
        for kind in stores:
            port = free_port()
            log_path = tmp / f"serve-{kind}.log"
            settings = {
                "SECRET_KEY": SECRET_KEY, "LOG_LEVEL": "WARNING", "HAZARD_ESCALATION_SECONDS": "0",
                "SCORE_REFRESH_SECONDS": "0", **store_settings(kind, tmp, endpoint),
            }  # fmt: skip
            with app_server(database_url, port, log_path, log_level="warning", **settings) as proc:
                base = f"http://127.0.0.1:{port}"
                wait_for(proc, f"{base}/readyz", log_path)
                headers = {"Authorization": f"Bearer {token}"}
                with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
                    api = through_api(client, sizes, count)
            store = floor_store(kind, tmp, endpoint)

            async def measure(store: BlobStore = store) -> dict[tuple[int, str], Timings]:
                try:
                    return await floor(store, sizes, count)
                finally:
                    await store.close()

            found = rows(kind, api, asyncio.run(measure()))
            print(*found, sep="\n", flush=True)
            lines += found
    return lines


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--sizes-mb", default="1,10", help="comma-separated file sizes in MB (10^6 bytes)")
    parser.add_argument("--count", type=int, default=12, help="files of each size (after one warm-up)")
    parser.add_argument("--stores", default="disk,s3", help="comma-separated: disk, s3")
    ns = parser.parse_args(argv)
    sizes = [int(float(s) * MB) for s in ns.sizes_mb.split(",")]
    stores = [s.strip() for s in ns.stores.split(",")]
    server_url = normalize_database_url(ns.database_url) if ns.database_url else None
    print(f"machine   {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          f"database {'PostgreSQL' if server_url else 'SQLite'}; {ns.count} files of each size, "
          "one request at a time", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        async with temporary_database(server_url, Path(tmp)) as url:
            await asyncio.to_thread(bench, url, Path(tmp), sizes, ns.count, stores)


if __name__ == "__main__":
    asyncio.run(main())
