"""The policy as stock Casbin reads it: `model.conf` as is, and a policy CSV of the role
templates (`p, role:x, resource, action`) and the role links in force on one day
(`g, subject, role:x, domainPattern`).

Links carry dates, which Casbin's `g` has no place for: an export is the policy of one day.
Loaded into a stock enforcer with keyMatch as the `g` domain matching function
(`add_named_domain_matching_func("g", casbin.util.key_match)`), it answers every request
of that day as `Authority.enforce` does (tests/authz/test_export_replay.py checks this).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from authz.authority import MODEL_PATH, Authority


def model_text() -> str:
    return MODEL_PATH.read_text(encoding="utf-8")


def policy_csv(authority: Authority, day: date) -> str:
    """`p` lines in template order, then `g` lines sorted, each once."""
    lines = [f"p, {sub}, {obj}, {act}" for sub, obj, act in authority.permissions]
    links = sorted(
        {(x.subject, x.role_subject, x.domain) for x in authority.rm.all_links() if x.active_on(day)}
    )
    lines += [f"g, {sub}, {role}, {domain}" for sub, role, domain in links]
    return "".join(line + "\n" for line in lines)


def write_export(authority: Authority, day: date, out: Path) -> tuple[Path, Path]:
    """Write `model.conf` and `policy.csv` into `out` (made if missing)."""
    out.mkdir(parents=True, exist_ok=True)
    model = out / "model.conf"
    policy = out / "policy.csv"
    model.write_text(model_text(), encoding="utf-8")
    policy.write_text(policy_csv(authority, day), encoding="utf-8")
    return model, policy
