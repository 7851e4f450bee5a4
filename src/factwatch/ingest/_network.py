"""The socket layer under ``web.fetch_url``: pinned addresses and one deadline per fetch.

Two defects of the first fetcher (issue 7, items 5 and 6) live here:

- The host was resolved once for the address check and again by httpx to connect, so a DNS
  answer that changed in between (rebinding, TTL 0) reached loopback after passing the check.
  Now each connection resolves the name exactly once, checks every address, and connects to the
  checked address itself. TLS still gets the host name: httpcore passes the URL's host as
  ``server_hostname`` to ``start_tls``, so SNI and certificate verification are unchanged, and
  httpx writes the Host header from the URL.
- httpx's timeout bounds each read, not the whole response: a server dripping a byte a second
  kept a 3 s fetch busy for 25 s. Every connect, read and write here is given at most the time
  left until the fetch's deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges that carry an IPv4 address inside an IPv6 one. ``is_global`` judges the IPv6 wrapper,
# not the IPv4 host it leads to, and Python 3.11's ipaddress still calls 6to4 global.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix: judge the IPv4 inside
_REFUSED_V6 = (
    (ipaddress.IPv6Network("2002::/16"), "a 6to4 address, which can lead to any IPv4 host"),
    (ipaddress.IPv6Network("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (ipaddress.IPv6Network("::/96"), "an IPv4-compatible address"),
)


class AddressRefused(Exception):
    """A host resolved to an address factwatch does not connect to (``fetch_url`` adds the URL)."""


class Deadline:
    """The wall-clock budget of one fetch, shared by every connection it opens."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        return self.at - time.monotonic()

    def expired(self) -> bool:
        # A socket timeout set to the time left returns at, not before, the deadline; the slack
        # absorbs the clock's granularity.
        return self.left() <= 0.005

    def cap(self, timeout: float | None, error: type[httpcore.TimeoutException]) -> float:
        """``timeout`` shortened to the time left; ``error`` once nothing is left."""
        left = self.left()
        if left <= 0:
            raise error(f"the fetch deadline of {self.seconds:g}s has passed")
        return left if timeout is None else min(timeout, left)


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` is not a public internet address, or ``None`` when it is one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return refusal(address.ipv4_mapped)
        if address in _NAT64:
            return refusal(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if not address.is_global:
        return "not globally routable"
    if isinstance(address, ipaddress.IPv6Address):
        for network, why in _REFUSED_V6:
            if address in network:
                return why
        if address.is_site_local:
            return "a site-local address"
    if address.is_multicast:  # 224.0.0.0/4 and ff00::/8 count as global in ipaddress
        return "a multicast address"
    if address.is_reserved:
        return "a reserved address"
    return None


def resolve(host: str, port: int, *, timeout: float) -> list[str]:
    """The addresses of ``host`` in the resolver's order (one DNS lookup), within ``timeout`` s.

    ``getaddrinfo`` cannot be interrupted and a slow name server keeps it busy for the
    resolver's own timeouts (5 s × attempts × servers), so the lookup runs in a daemon thread
    that is left to finish on its own when the fetch's deadline comes first.
    """
    found: dict[str, Any] = {}

    def lookup() -> None:
        try:
            found["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, OSError) as exc:
            found["error"] = exc

    worker = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise httpcore.ConnectTimeout(f"looking up {host!r} took longer than the fetch deadline")
    if "error" in found:
        raise httpcore.ConnectError(f"cannot resolve host {host!r} ({found['error']})")
    addresses: list[str] = []
    for info in found["infos"]:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def checked_addresses(host: str, port: int, *, allow_private: bool, timeout: float) -> list[str]:
    """Resolve ``host`` once and refuse it when any of its addresses is not public."""
    addresses = resolve(host.strip("[]"), port, timeout=timeout)
    if not allow_private:
        for address in addresses:
            why = refusal(ipaddress.ip_address(address.split("%")[0]))
            if why:
                raise AddressRefused(
                    f"refused, {host} resolves to the non-public address {address} ({why}); "
                    "set FACTWATCH_ALLOW_PRIVATE=1 only for local testing")
    return addresses


class _DeadlineStream(httpcore.NetworkStream):
    """A connected stream whose every I/O waits at most until the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.cap(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.cap(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        # server_hostname is the URL's host, not the pinned address: SNI and hostname
        # verification work as without pinning.
        inner = self._inner.start_tls(ssl_context, server_hostname=server_hostname,
                                      timeout=self._deadline.cap(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, connecting only to addresses it has resolved and checked."""

    def __init__(self, *, deadline: Deadline, allow_private: bool) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline
        self._allow_private = allow_private

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = checked_addresses(host, port, allow_private=self._allow_private,
                                      timeout=self._deadline.cap(None, httpcore.ConnectTimeout))
        error: Exception | None = None
        for address in addresses:
            try:
                # An address literal: create_connection does no DNS lookup of its own.
                stream = self._inner.connect_tcp(
                    address, port, timeout=self._deadline.cap(timeout, httpcore.ConnectTimeout),
                    local_address=local_address, socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        raise error or httpcore.ConnectError(f"{host} has no address")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("factwatch does not fetch over unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over ``PinnedBackend``; never a proxy (it would connect for us)."""

    def __init__(self, *, deadline: Deadline, allow_private: bool, verify: Any = True) -> None:
        super().__init__(verify=verify, trust_env=False)
        # httpx 0.28 takes no network backend (encode/httpx#3180; PR #3749 adds the option), so
        # the pool it built is replaced by the same pool over ours. tests/test_fetch_security.py
        # fails if a later httpx stops routing connections through it.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            network_backend=PinnedBackend(deadline=deadline, allow_private=allow_private),
        )
