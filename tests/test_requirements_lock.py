"""requirements.lock, which `make` installs from, pins every dependency that pyproject.toml
names (the project's and the dev extra's) at a version pyproject.toml allows, with hashes.
When this fails after a change of pyproject.toml: `make lock`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    lines = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        match = PIN.match(line)
        if match:
            name = canonicalize_name(match.group(1))
            assert name not in pins, f"{name} pinned twice"
            assert "--hash=sha256:" in lines[i + 1], f"{name} has no hash"
            pins[name] = Version(match.group(2))
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def test_the_lock_pins_every_declared_dependency_within_its_bounds() -> None:
    pins = _pins()
    stale = []
    for requirement in _declared():
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned, prereleases=True):
            stale.append(f"{requirement} (locked: {pinned})")
    assert stale == [], "requirements.lock is out of date, run `make lock`: " + ", ".join(stale)
