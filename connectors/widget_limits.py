"""Rate limits for the widget's channel, and the client address they count by.

Counters live in each server process's memory: behind a load balancer with several
replicas each counts on its own, so a client may get up to (replicas x limit). That
is acceptable for a brake on abuse; nothing here is needed for correctness.
"""
from __future__ import annotations

import ipaddress

import time
from typing import Callable, Dict, List, Optional, Tuple

WINDOW_SECONDS = 60.0


class RateLimiter:
    """At most `limit` events per key in any `window` seconds (a sliding log per key)."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: Dict[str, List[float]] = {}
        self._next_sweep = clock() + window

    def allow(self, key: str) -> Tuple[bool, int]:
        """Counts one event for `key` if it is within the limit; returns (allowed, seconds to wait if not)."""
        now = self._clock()
        if now >= self._next_sweep:
            self._sweep(now)
        recent = [t for t in self._events.get(key, ()) if t > now - self.window]
        if len(recent) >= self.limit:
            self._events[key] = recent
            return False, max(1, int(recent[0] + self.window - now + 0.999))
        recent.append(now)
        self._events[key] = recent
        return True, 0

    def _sweep(self, now: float) -> None:
        """Forgets keys with nothing in the window, so memory stays bounded by recent traffic."""
        cutoff = now - self.window
        for key in [k for k, times in self._events.items() if not times or times[-1] <= cutoff]:
            del self._events[key]
        self._next_sweep = now + self.window


def client_address(peer: Optional[str], forwarded_for: Optional[str], trusted_proxy_hops: int) -> str:
    """The address to count a client by.

    With no trusted proxies, the connection's own address: X-Forwarded-For is ignored,
    since anyone can send it. With n trusted proxies, each appending the address it
    received from, the client is the n-th entry from the right, the first hop our own
    proxies vouch for; entries further left are the client's to choose. One proxy that
    overwrites the header instead: that entry is the only one, and the same.
    """
    address = peer or "unknown"
    if trusted_proxy_hops > 0 and forwarded_for:
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        if hops:
            address = hops[-min(trusted_proxy_hops, len(hops))]
    return counted_as(address)


def counted_as(address: str) -> str:
    """What one client is: an IPv4 address, or an IPv6 /64 network, since one home or
    phone is usually given a whole /64 and could otherwise use a new address per request."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))
