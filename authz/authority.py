"""The process's authorization state: a pycasbin enforcer over `model.conf` with the role
templates (`p`) and a role manager holding every role link (`g`), derived or granted.

Built once per process (lazily, on the first request) and kept current incrementally: a
change notes the keys it touched on its session (`domain.changes`); after the commit the
process refreshes those keys here and, on PostgreSQL, tells the others (`authz.watcher`).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import casbin
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.catalogue import role_name
from authz.domains import key_match
from authz.links import Link, derive_links
from authz.models import AgencyMember, Permission, ServiceClient
from authz.reach import Reach
from authz.rolemanager import SubtreeRoleManager
from domain.posts.models import Assignment

log = logging.getLogger("authz")

MODEL_PATH = Path(__file__).with_name("model.conf")


@dataclass(frozen=True)
class Grant:
    """Why a check holds: a role template and the link that gives the role."""

    permission: tuple[str, str, str]
    link: Link


class Authority:
    def __init__(self) -> None:
        # FastEnforcer indexes the p lines by (obj, act), the request's 2nd and 3rd values,
        # so a check evaluates only the templates for that resource and action.
        self.enforcer = casbin.FastEnforcer(str(MODEL_PATH), cache_key_order=[1, 2])
        self.rm = SubtreeRoleManager()
        self.enforcer.set_role_manager(self.rm)
        self.enforcer.model["g"]["g"].rm = self.rm
        self.loaded = False
        # Bumped by every load and refresh: what was decided from the state before (a client
        # token found enabled, say) holds only while it is unchanged.
        self.generation = 0
        # Loads and refreshes run one at a time (a request's own refresh, the listener's, a
        # resync): each reads the database inside the lock, so the last to apply read last.
        self._lock = asyncio.Lock()
        self._roles_for: dict[tuple[str, str], frozenset[str]] = {}
        self._permissions: list[tuple[str, str, str]] = []

    # --- loading ----------------------------------------------------------------------

    async def ensure_loaded(self, session: AsyncSession) -> None:
        if self.loaded:
            return
        async with self._lock:
            if not self.loaded:
                await self._load(session)

    async def load(self, session: AsyncSession) -> None:
        """Everything afresh: the templates and every link."""
        async with self._lock:
            await self._load(session)

    async def _load(self, session: AsyncSession) -> None:
        await self._load_permissions(session)
        self.rm.replace_all(await derive_links(session))
        self.loaded = True
        self.generation += 1
        log.info(
            "authorization loaded: %d templates, %d role links", len(self._permissions), self.rm.link_count()
        )

    async def _load_permissions(self, session: AsyncSession) -> None:
        rows = (
            await session.execute(
                select(Permission.role, Permission.resource, Permission.action)
                .where(Permission.revoked_at.is_(None))
                .order_by(Permission.id)
            )
        ).all()
        lines = list(dict.fromkeys((f"role:{r}", res, act) for r, res, act in rows))
        roles_for: dict[tuple[str, str], set[str]] = defaultdict(set)
        for sub, res, act in lines:
            roles_for[(res, act)].add(sub)
        self.enforcer.clear_policy()
        if lines:
            self.enforcer.add_policies([list(line) for line in lines])
        self._permissions = lines
        self._roles_for = {k: frozenset(v) for k, v in roles_for.items()}

    async def refresh(self, session: AsyncSession, keys: Iterable[str]) -> None:
        """Bring the state up to date for the keys a change touched (see domain.changes)."""
        keys = set(keys)
        if not keys:
            return
        async with self._lock:
            await self._refresh(session, keys)

    async def _refresh(self, session: AsyncSession, keys: set[str]) -> None:
        self.generation += 1
        if not self.loaded or "*" in keys:
            await self._load(session)
            return
        if "policy" in keys:
            await self._load_permissions(session)
        person_ids: set[int] = set()
        client_ids: set[int] = set()
        for key in keys:
            kind, _, raw = key.partition(":")
            if not raw.isdigit():
                continue
            if kind == "person":
                person_ids.add(int(raw))
            elif kind == "client":
                client_ids.add(int(raw))
            elif kind == "post":
                holders = await session.scalars(
                    select(Assignment.person_id).where(Assignment.post_id == int(raw))
                )
                person_ids.update(holders)
            elif kind == "agency":
                members = await session.scalars(
                    select(AgencyMember.person_id).where(AgencyMember.agency_id == int(raw))
                )
                person_ids.update(members)
                clients = await session.scalars(
                    select(ServiceClient.id).where(ServiceClient.agency_id == int(raw))
                )
                client_ids.update(clients)
        if person_ids or client_ids:
            links = await derive_links(session, person_ids=person_ids, client_ids=client_ids)
            subjects = [f"person:{i}" for i in person_ids] + [f"client:{i}" for i in client_ids]
            self.rm.replace_subjects(subjects, links)

    # --- questions --------------------------------------------------------------------

    def enforce(self, subject: str, resource: str, action: str, domain: str, day: date) -> bool:
        self.rm.day = day
        return bool(self.enforcer.enforce(subject, resource, action, domain))

    def roles_for(self, resource: str, action: str) -> frozenset[str]:
        """Role subjects whose templates allow (resource, action)."""
        return self._roles_for.get((resource, action), frozenset())

    @property
    def permissions(self) -> list[tuple[str, str, str]]:
        return list(self._permissions)

    def known_roles(self) -> set[str]:
        return {role_name(sub) for sub, _, _ in self._permissions}

    def reach(self, subject: str | None, person_id: int | None, day: date) -> Reach:
        """The caller's scopes today, for the SQL filters of every list and lookup."""
        patterns: dict[tuple[str, str], set[str]] = defaultdict(set)
        if subject is not None:
            active = [x for x in self.rm.links_of(subject) if x.active_on(day)]
            for (res, act), roles in self._roles_for.items():
                for link in active:
                    if link.role_subject in roles:
                        patterns[(res, act)].add(link.domain)
        return Reach(subject, person_id, {k: frozenset(v) for k, v in patterns.items()})

    def grants(self, subject: str, resource: str, action: str, domain: str, day: date) -> list[Grant]:
        """Every (template, link) pair that makes the check hold on `day`."""
        found: list[Grant] = []
        for role_sub in sorted(self.roles_for(resource, action)):
            for link in self.rm.links_of(subject):
                if link.role_subject == role_sub and link.active_on(day) and key_match(domain, link.domain):
                    found.append(Grant((role_sub, resource, action), link))
        return found
