"""Which hosts the fetcher may connect to: every connection (the first request and each
redirect) is resolved here and refused if any address it resolves to is not public
(loopback, private, link-local with the cloud metadata address, multicast, reserved, shared
address space). The connection then goes to the checked address itself, so a second DNS
answer cannot swap in another one. ``allow_private_hosts`` (sources.yaml) lifts the check
for tests against local sites."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

DEFAULT_PORTS = {"http": 80, "https": 443}


class BlockedAddress(Exception):
    """A host that resolves to an address inside a network; ``str()`` says which, in German."""


def is_public(address: str) -> bool:
    """Whether an IP address is reachable on the public internet (``is_global``, not multicast)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def public_addresses(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to; ``BlockedAddress`` if any of them is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise httpcore.ConnectError(f"{host}: {error}") from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    inside = [a for a in addresses if not is_public(a)]
    if inside:
        raise BlockedAddress(f"{host} zeigt auf eine interne Adresse ({inside[0]}); solche Adressen ruft Lotse nicht ab")
    return addresses


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's own socket backend, connecting only to checked public addresses."""

    def __init__(self) -> None:
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """A connection to the first public address of ``host`` that accepts; ``BlockedAddress`` if any address is not public."""
        addresses = public_addresses(host, port)
        last: Exception | None = None
        for address in addresses:
            try:
                return self._sockets.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:
                last = error
        raise last or httpcore.ConnectError(host)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        """Refused with ``BlockedAddress``: Lotse fetches over TCP only."""
        raise BlockedAddress("Unix-Sockets ruft Lotse nicht ab")

    def sleep(self, seconds: float) -> None:
        """Sleep as httpcore's own backend does."""
        self._sockets.sleep(seconds)


def guarded_client(allow_private_hosts: bool = False) -> httpx.Client:
    """An httpx client for strangers' sites: no proxy from the environment, and (unless
    ``allow_private_hosts``) connections only to public addresses."""
    transport = httpx.HTTPTransport()
    if not allow_private_hosts:
        # httpx has no public parameter for httpcore's network backend; tests/ingest pin that this works.
        transport._pool._network_backend = GuardedBackend()
    return httpx.Client(transport=transport, trust_env=False)


def site_of(url: str) -> str:
    """``host`` (or ``host:port`` for a port that is not the scheme's default), lower case."""
    parts = httpx.URL(url)
    host = parts.host.lower()
    port = parts.port
    return host if port is None or port == DEFAULT_PORTS.get(parts.scheme) else f"{host}:{port}"


def site_or_none(url: str) -> str | None:
    """``site_of(url)``, or None for an address that is not a valid URL."""
    try:
        return site_of(url)
    except (httpx.InvalidURL, ValueError):
        return None
