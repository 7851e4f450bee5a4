"""Which Host headers the dashboard answers: a defence against DNS rebinding.

A page on attacker.example can point its own name at 127.0.0.1 and then read a local
dashboard from the victim's browser: the request reaches our socket, only its Host header says
attacker.example (issue 7 item 4). Answering only the names we are known by closes that.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
ALLOWED_HOSTS_ENV = "FACTWATCH_ALLOWED_HOSTS"
_WILDCARD_BINDS = {"0.0.0.0", "::", ""}


def _normal(name: str) -> str:
    name = name.strip().lower().rstrip(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    return name


def host_name(header: str) -> str:
    """The name in a Host header without its port: ``[::1]:8000`` -> ``::1``."""
    header = header.strip()
    if header.startswith("["):
        return _normal(header[: header.find("]") + 1] if "]" in header else header)
    if header.count(":") == 1:
        header = header.split(":", 1)[0]
    return _normal(header)


def allowed_host_names(bound_host: str | None = None, extra: Iterable[str] = (), *, env: bool = True) -> frozenset[str]:
    """Loopback names, the address we listen on, ``extra`` and FACTWATCH_ALLOWED_HOSTS (comma-separated)."""
    names = set(LOOPBACK_NAMES)
    if bound_host and bound_host not in _WILDCARD_BINDS:
        names.add(_normal(bound_host))
    names.update(_normal(x) for x in extra if x.strip())
    if env:
        names.update(_normal(x) for x in os.environ.get(ALLOWED_HOSTS_ENV, "").split(",") if x.strip())
    return frozenset(names)


def is_loopback(host: str) -> bool:
    """True for an address or name that only this machine can reach."""
    name = _normal(host)
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
