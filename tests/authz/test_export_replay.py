"""An exported policy replays in stock pycasbin: model.conf + policy.csv loaded into a plain
`casbin.Enforcer` (keyMatch as the `g` domain matching function) answers every request of
that day as our Authority does, over a generated tree with derived and granted links.
Also: `python -m api export-policy` writes the same two files."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import casbin
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from authz import policy
from authz.authority import MODEL_PATH, Authority
from authz.catalogue import Action, Resource
from authz.domains import ROOT_DOMAIN, post_domain
from authz.export import policy_csv, write_export
from domain.actors import SYSTEM
from domain.posts.kinds import PostKind
from domain.tree.kinds import UnitKind
from tests import factories as f
from tests.conftest import copy_database

DAY = date(2026, 11, 22)


async def generated_world(session: AsyncSession, rng: random.Random) -> tuple[list[str], list[str]]:
    """Two districts of parks, departments and enterprises with posts and holders, a deputy in
    charge of a department, admins' grants (subtree, node alone, everywhere, expired, future,
    revoked) and a custom role. Returns (subjects, domains)."""
    subjects: list[str] = []
    domains: list[str] = [ROOT_DOMAIN]
    units: list[Any] = []
    enterprises: list[Any] = []
    for d in range(2):
        district = await f.district(session, name=f"区{d}")
        units.append(district)
        for p in range(2):
            park = await f.unit(session, UnitKind.PARK, district, name=f"园区{d}{p}")
            units.append(park)
            secretary = await f.post(session, park, PostKind.PARTY_SECRETARY, title="党工委书记")
            holder = await f.person(session, f"书记{d}{p}")
            await f.assign(session, secretary, holder)
            subjects.append(f"person:{holder.id}")
            domains.append(post_domain(park.path, secretary.id))
            departments = []
            for k in range(2):
                dept = await f.unit(session, UnitKind.DEPARTMENT, park, name=f"部门{d}{p}{k}")
                departments.append(dept)
                units.append(dept)
                for e in range(2):
                    ent = await f.enterprise(session, dept, name=f"企业{d}{p}{k}{e}（演示）")
                    units.append(ent)
                    enterprises.append(ent)
                    post = await f.post(session, ent, PostKind.SAFETY_MANAGER, title="安全管理人员")
                    manager = await f.person(session, f"安全员{d}{p}{k}{e}")
                    end = DAY - timedelta(days=1) if rng.random() < 0.3 else None
                    await f.assign(session, post, manager, end=end)
                    subjects.append(f"person:{manager.id}")
                    domains.append(post_domain(ent.path, post.id))
            deputy_post = await f.post(
                session, park, PostKind.DEPUTY_IN_CHARGE, title="副主任", in_charge_of=[departments[0].id]
            )
            deputy = await f.person(session, f"副主任{d}{p}")
            await f.assign(session, deputy_post, deputy)
            subjects.append(f"person:{deputy.id}")
    domains += [u.path for u in units]
    await policy.grant_permission(
        session, actor=SYSTEM, role="hazard_clerk", resource="hazard", action="write"
    )
    grantees = [await f.person(session, f"被授权{i}") for i in range(5)]
    client = await f.make_client(session, name="对接系统")
    subjects += [f"person:{g.id}" for g in grantees] + [client.subject]
    cases: list[tuple[Any, str, Any, bool, date, date | None]] = [
        (grantees[0], "admin", units[1], True, DAY, None),
        (grantees[1], "admin", units[1], False, DAY, None),
        (grantees[2], "district_reader", None, True, DAY, None),
        (grantees[3], "hazard_clerk", enterprises[3], True, DAY - timedelta(days=9), DAY - timedelta(days=1)),
        (grantees[3], "principal", units[8], True, DAY + timedelta(days=1), None),
        (grantees[4], "staff", enterprises[5], False, DAY, None),
        (client, "hazard_clerk", units[0], True, DAY, DAY),
    ]
    for who, role, unit, subtree, start, end in cases:
        await policy.grant_role(
            session,
            actor=SYSTEM,
            subject=who.subject if hasattr(who, "subject") else f"person:{who.id}",
            role=role,
            unit_id=unit.id if unit else None,
            subtree=subtree,
            start_date=start,
            end_date=end,
        )
    revoked = await policy.grant_role(
        session,
        actor=SYSTEM,
        subject=f"person:{grantees[4].id}",
        role="admin",
        unit_id=units[0].id,
        start_date=DAY,
    )
    await policy.revoke_role_grant(session, actor=SYSTEM, grant_id=revoked.id)
    return subjects, domains


def stock_enforcer(model: Path, policy_file: Path) -> casbin.Enforcer:
    enforcer = casbin.Enforcer(str(model), str(policy_file))
    enforcer.add_named_domain_matching_func("g", casbin.util.key_match)
    enforcer.build_role_links()
    return enforcer


@pytest.mark.parametrize("offset", [0, 1])
async def test_stock_casbin_agrees_with_the_authority(
    session: AsyncSession, tmp_path: Path, offset: int
) -> None:
    rng = random.Random(20261122)
    subjects, domains = await generated_world(session, rng)
    authority = Authority()
    await authority.load(session)
    day = DAY + timedelta(days=offset)
    model, policy_file = write_export(authority, day, tmp_path)
    assert model.read_text(encoding="utf-8") == MODEL_PATH.read_text(encoding="utf-8")
    text = policy_file.read_text(encoding="utf-8")
    assert text == policy_csv(authority, day) and "p, role:hazard_clerk, hazard, write" in text
    assert "g, person:" in text and ", *\n" in text  # a grant over everything

    stock = stock_enforcer(model, policy_file)
    pairs = [(r.value, a.value) for r in Resource for a in Action]
    checked = allowed = 0
    for subject in subjects:
        for domain in domains:
            for resource, action in rng.sample(pairs, 6):
                ours = authority.enforce(subject, resource, action, domain, day)
                theirs = stock.enforce(subject, resource, action, domain)
                assert ours == theirs, (subject, resource, action, domain, day)
                checked += 1
                allowed += ours
    assert checked > 1000 and 100 < allowed < checked - 100, (checked, allowed)


async def test_export_policy_command_writes_both_files(tmp_path: Path, demo_database_file: Path) -> None:
    """Against a database of its own, built by `migrate` and `load-demo`: the command reads
    committed data."""
    import asyncio

    from api.__main__ import main
    from domain.clock import today_shanghai
    from domain.config import get_settings

    url = copy_database(demo_database_file, tmp_path / "export.db")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            out = tmp_path / "export"
            on = today_shanghai().isoformat()
            await asyncio.to_thread(main, ["export-policy", "--out", str(out), "--on", on])
        finally:
            get_settings.cache_clear()
    assert (out / "model.conf").read_text(encoding="utf-8") == MODEL_PATH.read_text(encoding="utf-8")
    lines = (out / "policy.csv").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("p, role:admin, ") for line in lines)
    # The demo's admins' grants (made through the policy service) are there.
    assert any(line.startswith("g, person:") and ", role:admin, " in line for line in lines)
