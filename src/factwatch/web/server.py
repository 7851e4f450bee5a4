"""Starting the dashboard: refuse an unsafe bind, claim the port first, then hand it to uvicorn.

The port is bound before anything slow (the demo loads and analyses for minutes), so a busy
port is reported at once rather than after the work (issue 7 item 14), and the socket is kept
and handed to uvicorn so nothing can take the port in between.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable

from factwatch.errors import ConfigError
from factwatch.web._hosts import allowed_host_names, is_loopback

PUBLIC_WARNING = (
    "serving on {host}, which other machines can reach, over plain HTTP: passwords, session cookies "
    "and API tokens cross the network in clear, and /public pages are open to all. Put a TLS proxy in "
    "front. Requests must still name an allowed host ({names}); add this machine's name with "
    "--allowed-host NAME."
)


def check_bind(host: str, *, insecure_public: bool) -> str | None:
    """Raise for a non-loopback ``host`` without ``insecure_public``; else the warning to print, if any."""
    if is_loopback(host):
        return None
    if not insecure_public:
        raise ConfigError(
            f"--host {host} would serve the dashboard beyond this machine over plain HTTP, where passwords and "
            "session cookies travel in clear. Serve on 127.0.0.1 (the default) behind a TLS proxy or an SSH "
            "tunnel, or pass --insecure-public to accept that risk."
        )
    return PUBLIC_WARNING.format(host=host, names=", ".join(sorted(allowed_host_names(host))))


def claim_port(host: str, port: int) -> socket.socket:
    """A listening-ready socket bound to (host, port); ConfigError if the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # As uvicorn does: a restart may rebind while old connections sit in TIME_WAIT.
    # (On Linux this does not allow binding a port another socket listens on.)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Is another factwatch (or any server) "
            "using that port? Pass --port N (`make demo PORT=N`)."
        ) from None
    return sock


def run_dashboard(
    db_url: str, sock: socket.socket, *, host: str, allowed_hosts: Iterable[str] = (),
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve ``create_app(db_url)`` on the claimed socket until interrupted.

    ``on_ready`` runs once the store is open, so "serving on ..." is never printed for a database
    that then turns out to be missing.
    """
    import uvicorn

    from factwatch.web.app import create_app

    try:
        app = create_app(db_url, host=host, allowed_hosts=allowed_hosts)
    except BaseException:
        sock.close()
        raise
    if on_ready is not None:
        on_ready()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
