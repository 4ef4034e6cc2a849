"""The load: wrk scripts and their tallies, and the cursor walk of one client."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.peer.servers import Server

# --- the load ------------------------------------------------------------------------------

WRK_SCRIPT = """\
wrk.method = "POST"
wrk.body = %(body)s
wrk.headers["Content-Type"] = "application/json"
%(headers)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, summary.bytes))
  for i = 1, #latency do
    local value, count = latency(i)
    io.write(string.format("LAT %%d %%d\\n", value, count))
  end
end
"""


@dataclass
class Tally:
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    bytes: int = 0
    latencies: dict[int, int] = field(default_factory=dict)  # microseconds -> count

    @property
    def size(self) -> float:
        """KiB per response (headers included), to see that the load got whole answers."""
        return self.bytes / self.requests / 1024 if self.requests else 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """In milliseconds."""
        total = sum(self.latencies.values())
        if not total:
            return float("nan")
        rank, seen = p / 100 * total, 0
        for value in sorted(self.latencies):
            seen += self.latencies[value]
            if seen >= rank:
                return value / 1000
        return max(self.latencies) / 1000


def lua_string(s: str) -> str:
    return json.dumps(s)  # a JSON string is a valid Lua string literal for our ASCII bodies


def wrk_script(server: Server, query: str, variables: dict[str, Any], folder: Path) -> Path:
    body = json.dumps({"query": query, "variables": variables}, ensure_ascii=True)
    headers = "\n".join(f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in server.headers.items())
    path = folder / f"{server.name}-{abs(hash(query))}.lua"
    path.write_text(WRK_SCRIPT % {"body": lua_string(body), "headers": headers})
    return path


def run_wrk(server: Server, script: Path, connections: int, duration: float, tally: Tally) -> None:
    threads = min(connections, 2)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s", "--timeout", "60s",
         "-s", str(script), server.url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    parse_wrk(out, tally)


def parse_wrk(out: str, tally: Tally) -> None:
    """Adds what the Lua `done` of WRK_SCRIPT printed to the tally."""
    for line in out.splitlines():
        parts = line.split()
        if parts[:1] == ["RESULT"]:
            tally.requests += int(parts[1])
            tally.seconds += int(parts[2]) / 1e6
            tally.errors += int(parts[3])
            tally.bytes += int(parts[4]) if len(parts) > 4 else 0
        elif parts[:1] == ["LAT"]:
            value, count = int(parts[1]), int(parts[2])
            tally.latencies[value] = tally.latencies.get(value, 0) + count


def row(label: str, ours: Tally, peer: Tally) -> str:
    ratio = ours.rate / peer.rate if peer.rate else float("nan")
    errors = f"   errors {ours.errors}/{peer.errors}" if ours.errors or peer.errors else ""
    return (f"  {label:<22} {ours.rate:9.1f} {ours.percentile(50):8.2f} {ours.percentile(99):8.2f}   "
            f"{peer.rate:9.1f} {peer.percentile(50):8.2f} {peer.percentile(99):8.2f}   {ratio:9.3f}"
            f"   {ours.size:5.1f} / {peer.size:5.1f}{errors}")  # fmt: skip


def walk(server: Server, query: str, key: str, client: httpx.Client) -> tuple[float, int]:
    """All enterprises, page after page by cursor; the seconds and the number listed."""
    started, after, listed = time.perf_counter(), None, 0
    while True:
        r = client.post(
            server.url, json={"query": query, "variables": {"after": after}}, headers=server.headers
        )
        page = r.json()["data"][key]
        listed += len(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return time.perf_counter() - started, listed
        after = page["pageInfo"]["endCursor"]
