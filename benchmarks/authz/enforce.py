"""Enforce checks: the Authority's answers against a reference, and their time."""

from __future__ import annotations

import bisect
import random
import time
from datetime import date

from authz.authority import Authority
from authz.domains import key_match, post_domain
from benchmarks.authz.data import TARGET_ENFORCE_P95_MS, TARGET_FIRST_CHECK_MS, Data
from benchmarks.authz.figures import line
from domain.clock import today_shanghai


def reference(authority: Authority, subject: str, resource: str, action: str, domain: str, day: date) -> bool:
    roles = authority.roles_for(resource, action)
    return any(
        link.role_subject in roles and link.active_on(day) and key_match(domain, link.domain)
        for link in authority.rm.links_of(subject)
    )


def enforce_figures(authority: Authority, data: Data, rng: random.Random, checks: int) -> None:
    day = today_shanghai()
    paths = sorted(p for _, p, _ in data.units)
    # Domains for the first-check figure are kept out of every other check.
    fresh = set(rng.sample(paths, min(len(paths) // 4, 3000)))
    warm_paths = [p for p in paths if p not in fresh]
    pairs = sorted({(res, act) for (res, act) in authority._roles_for})
    links = [x for x in authority.rm.all_links() if x.active_on(day) and x.subject.startswith("person:")]

    def under(prefix: str) -> str | None:
        lo = bisect.bisect_left(warm_paths, prefix)
        hi = bisect.bisect_left(warm_paths, prefix + "\U0010ffff")
        return warm_paths[rng.randrange(lo, hi)] if hi > lo else None

    allowed: list[tuple[str, str, str, str]] = []
    while len(allowed) < checks:
        link = rng.choice(links)
        options = [(r, a) for r, a in pairs if link.role_subject in authority.roles_for(r, a)]
        if not options:
            continue
        res, act = rng.choice(options)
        domain = under(link.domain[:-1]) if link.domain.endswith("*") else link.domain
        if domain is not None:
            allowed.append((link.subject, res, act, domain))
    denied: list[tuple[str, str, str, str]] = []
    while len(denied) < checks:
        subject = rng.choice(links).subject
        res, act = rng.choice(pairs)
        domain = rng.choice(warm_paths)
        if rng.random() < 0.2:  # some post domains too
            domain = post_domain(domain, rng.randrange(1, 10_000))
        if not reference(authority, subject, res, act, domain, day):
            denied.append((subject, res, act, domain))

    enforce = authority.enforce
    for batch, expected in ((allowed, True), (denied, False)):
        for sub, res, act, dom in batch[:2000]:
            assert enforce(sub, res, act, dom, day) is expected, (sub, res, act, dom, expected)
    mixed = allowed + denied
    rng.shuffle(mixed)
    for sub, res, act, dom in mixed[:1000]:  # warm up
        enforce(sub, res, act, dom, day)

    def run(batch: list[tuple[str, str, str, str]]) -> list[float]:
        out: list[float] = []
        clock = time.perf_counter_ns
        for sub, res, act, dom in batch:
            start = clock()
            enforce(sub, res, act, dom, day)
            out.append((clock() - start) / 1e6)
        return out

    allowed_ms, denied_ms = run(allowed), run(denied)
    line("enforce, allowed", allowed_ms, TARGET_ENFORCE_P95_MS)
    line("enforce, denied", denied_ms, TARGET_ENFORCE_P95_MS)
    line("enforce, all", allowed_ms + denied_ms, TARGET_ENFORCE_P95_MS)

    first: list[float] = []
    subjects = [x.subject for x in links]
    for domain in sorted(fresh):
        sub, (res, act) = rng.choice(subjects), rng.choice(pairs)
        start = time.perf_counter_ns()
        result = enforce(sub, res, act, domain, day)
        first.append((time.perf_counter_ns() - start) / 1e6)
        assert result is reference(authority, sub, res, act, domain, day)
    line("enforce, first check in a new domain", first, TARGET_FIRST_CHECK_MS)
