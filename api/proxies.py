"""The client address behind reverse proxies (`TRUSTED_PROXIES`).

One ASGI middleware decides, for every request, which address is the client's, and puts it
in `scope["client"]`, so that everything downstream (the tip-off rate limit, logs) uses the
same answer. uvicorn's own proxy-header handling is off (`python -m api serve`): it trusts
loopback by default, so any local client could choose its address by sending
`X-Forwarded-For`.

The rule: when the immediate peer is a trusted proxy, the client is the right-most address
of `X-Forwarded-For` that is not itself a trusted proxy (each proxy appends the address it
saw, so the addresses right of it were written by proxies we trust, and the ones left of it
by whoever the client is — possibly forged). When every listed address is a trusted proxy,
the left-most one is taken. When the peer is not trusted, `X-Forwarded-For` is ignored and
the peer is the client. With no trusted proxies (the default) the header is never read.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(raw: str) -> Address | None:
    raw = raw.strip()
    if raw.startswith("[") and "]" in raw:  # "[2001:db8::1]:443"
        raw = raw[1 : raw.index("]")]
    elif raw.count(":") == 1:  # "203.0.113.7:51000"
        raw = raw.partition(":")[0]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str | None:
    """The client's address for a request from `peer` carrying these `X-Forwarded-For`
    values (each header line as sent); `peer` itself unless it is a trusted proxy."""

    def is_trusted(address: Address) -> bool:
        return any(address in network for network in trusted)

    peer_address = _address(peer) if peer else None
    if peer_address is None or not trusted or not is_trusted(peer_address):
        return peer
    hops = [hop for line in forwarded_for for hop in line.split(",")]
    chosen: str | None = None
    for raw in reversed(hops):
        address = _address(raw)
        if address is None:
            # Garbage where a proxy of ours should have written an address: whatever is
            # left of it cannot be believed; stop at the last address we could read.
            break
        chosen = str(address)
        if not is_trusted(address):
            return chosen
    return chosen or peer


class TrustedProxyMiddleware:
    """Sets `scope["client"]` to the client address (see the module's rule), and the scheme
    to `X-Forwarded-Proto` when a trusted proxy sent it. A no-op without trusted proxies."""

    def __init__(self, app: ASGIApp, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = list(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.trusted and scope["type"] == "http":
            client = scope.get("client")
            peer = client[0] if client else None
            headers = scope.get("headers") or []
            forwarded = [value.decode("latin-1") for name, value in headers if name == b"x-forwarded-for"]
            address = client_address(peer, forwarded, self.trusted)
            if address is not None and address != peer:
                scope = dict(scope)
                scope["client"] = (address, 0)
                proto = _forwarded_proto(scope)
                if proto is not None:
                    scope["scheme"] = proto
        await self.app(scope, receive, send)


def _forwarded_proto(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or []:
        if name == b"x-forwarded-proto":
            proto = value.decode("latin-1").rpartition(",")[2].strip().lower()
            return proto if proto in ("http", "https") else None
    return None
