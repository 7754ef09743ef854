"""Limits for the public chat: questions per client and minute, turns per conversation.

The rate limit counts per web worker (in memory) and per client address as the server sees
it; behind a reverse proxy that address is the proxy's, so the proxy should limit as well."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from app.edges.i18n import N_

TOO_MANY = N_(
    "Sie haben in kurzer Zeit sehr viele Fragen gestellt. Bitte warten Sie eine Minute und fragen Sie dann noch einmal."
)
TOO_LONG_CONVERSATION = N_(
    "Diese Unterhaltung ist sehr lang geworden. Bitte beginnen Sie mit dem Knopf unter dem Eingabefeld eine neue Unterhaltung."
)
WINDOW_S = 60.0
MAX_CLIENTS = 10_000
"""Clients remembered at once; the quietest are forgotten first, so memory stays bounded."""


class RateLimiter:
    """At most ``per_minute`` events per client in any 60 seconds."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Count one event for ``client``; False when it is over the limit (not counted then)."""
        now = self._clock()
        with self._lock:
            times = self._seen.pop(client, None) or deque()
            while times and now - times[0] >= WINDOW_S:
                times.popleft()
            allowed = len(times) < self.per_minute
            if allowed:
                times.append(now)
            self._seen[client] = times  # re-inserted: the most recently active clients come last
            while len(self._seen) > MAX_CLIENTS:
                del self._seen[next(iter(self._seen))]
            return allowed
