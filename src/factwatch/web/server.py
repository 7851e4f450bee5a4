"""Starting the dashboard: refuse an unsafe bind, claim the port first, then hand it to uvicorn.

The port is bound before anything slow (the demo loads and analyses for minutes), so a busy
port is reported at once rather than after the work (issue 7 item 14), and the socket is kept
and handed to uvicorn so nothing can take the port in between. With ``--workers N`` each worker
gets its own SO_REUSEPORT socket on that port, so the kernel spreads connections over them.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
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
    # IPPROTO_TCP named, not left 0: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
    # and an accepted connection copies the listener's. Without it Nagle held each answer's body
    # until the client's delayed ACK, 40 ms later (bench/bench_web_load.py: one client, 48 ms an answer).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
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
    on_ready: Callable[[], None] | None = None, workers: int = 1, trust_proxy: bool = False,
) -> None:
    """Serve ``create_app(db_url)`` on the claimed socket until interrupted.

    ``trust_proxy`` takes the client address from a loopback proxy's ``X-Forwarded-For``; off by
    default, since anyone reaching the loopback port directly could then name any address and void
    the per-address login limit (docs/security.md).

    ``on_ready`` runs once the store is open (in every worker, when ``workers`` > 1), so "serving
    on ..." is never printed for a database that then turns out to be missing. With ``workers`` > 1
    the port is served by that many forked processes (see ``_serve_forked``).
    """
    if workers < 1:
        sock.close()
        raise ConfigError(f"--workers {workers}: need at least 1.")
    if workers == 1:
        try:
            _serve_here(db_url, sock, host=host, allowed_hosts=allowed_hosts, on_ready=on_ready,
                        trust_proxy=trust_proxy)
        finally:
            sock.close()
        return
    _serve_forked(db_url, sock, host=host, allowed_hosts=allowed_hosts, on_ready=on_ready, workers=workers,
                  trust_proxy=trust_proxy)


def _serve_here(
    db_url: str, sock: socket.socket, *, host: str, allowed_hosts: Iterable[str],
    on_ready: Callable[[], None] | None, trust_proxy: bool = False,
) -> None:
    """One uvicorn server in this process; it stops gracefully on SIGTERM or SIGINT."""
    import uvicorn

    from factwatch.web.app import create_app

    from factwatch.web._warmup import start_warmup

    app = create_app(db_url, host=host, allowed_hosts=allowed_hosts)
    if on_ready is not None:
        on_ready()
    start_warmup(app)  # /match's models and retriever, in the background (FACTWATCH_WARMUP=0 skips)
    # uvicorn's default trusts X-Forwarded-For from 127.0.0.1; only a named loopback proxy may set it.
    config = uvicorn.Config(app, log_level="warning", lifespan="on", proxy_headers=trust_proxy,
                            forwarded_allow_ips="127.0.0.1,::1" if trust_proxy else None)
    uvicorn.Server(config).run(sockets=[sock])


def _serve_forked(
    db_url: str, sock: socket.socket, *, host: str, allowed_hosts: Iterable[str],
    on_ready: Callable[[], None] | None, workers: int, trust_proxy: bool = False,
) -> None:
    """Fork ``workers`` children that each run uvicorn on their own listening socket (``_listeners``).

    The kernel hands each new connection to one child's socket. Each child opens its own store
    (an SQLite connection must not cross a fork: the parent's check is closed first). The parent only waits:
    it forwards SIGTERM/SIGINT to the children as SIGTERM (a second SIGINT would make uvicorn
    drop open requests), and when any child exits it stops the others and exits with its status,
    so a crashed worker is never silently left out.
    """
    from factwatch.store import open_store

    try:  # a missing or damaged database is reported once, the usual way, not by every worker
        open_store(db_url, access="read").close()
    except BaseException:
        sock.close()
        raise
    socks = _listeners(sock, workers)  # listening before the fork, so no child races another
    allowed = list(allowed_hosts)
    ready_r, ready_w = os.pipe()
    children: list[int] = []
    for mine in socks:
        pid = os.fork()
        if pid == 0:  # the child: serve, then leave without running the parent's cleanup
            os.close(ready_r)
            for other in socks:  # a sibling's socket held open here would outlive that sibling's crash
                if other is not mine:
                    other.close()
            code = 1
            try:
                _die_with_parent()
                _serve_here(db_url, mine, host=host, allowed_hosts=allowed, trust_proxy=trust_proxy,
                            on_ready=lambda: (os.write(ready_w, b"."), os.close(ready_w)))
                code = 0
            except BaseException as exc:  # noqa: BLE001 - reported, then the exit status says it
                if not isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    sys.stderr.write(f"factwatch worker {os.getpid()}: {exc}\n")
            finally:
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)
    os.close(ready_w)
    for listener in socks:  # the children hold them
        listener.close()
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        _signal_all(children, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = _wait_ready(ready_r, workers, children)
    if status is None and on_ready is not None:
        on_ready()
    if status is None:
        pid, status = _wait_any(children)
        children.remove(pid)
    if not stopping:  # a worker died on its own (or failed to start): take the rest down with it
        _signal_all(children, signal.SIGTERM)
    for pid in children:
        _wait_pid(pid)
    if status and not stopping:
        raise SystemExit(status)


def _listeners(claim: socket.socket, workers: int) -> list[socket.socket]:
    """One listening socket a worker: SO_REUSEPORT ones on the claimed address, else the claim shared.

    On one shared socket the first worker to wake accepts every connection waiting (asyncio takes
    up to its backlog a wake-up), so 50 clients connecting together all landed on one worker and
    the other idled (bench/bench_web_load.py: [1.03, 0.0] of a core). Linux hashes each new
    connection to one socket of a SO_REUSEPORT group, as gunicorn --reuse-port and nginx reuseport
    do. The claim was bound without SO_REUSEPORT, which proved no one else listens there (a
    reuse-port bind would silently join another server's group of our user); it is swapped for the
    group at once (a gap of microseconds), and a later plain bind, such as a second factwatch's claim,
    still conflicts.
    Where SO_REUSEPORT is missing (or refused), the workers share the claim as before.
    """
    family, address = claim.family, claim.getsockname()
    group: list[socket.socket] = []
    try:
        for _ in range(workers):
            # IPPROTO_TCP named for TCP_NODELAY, as in claim_port.
            listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            group.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    except (AttributeError, OSError):
        for listener in group:
            listener.close()
        claim.listen(2048)
        return [claim] * workers
    claim.close()
    try:
        for listener in group:  # bound and listening at once: a bound, idle socket does not hold the port
            listener.bind(address)
            listener.listen(2048)
    except OSError as exc:  # someone took the port in the moment between the close and the binds
        for listener in group:
            listener.close()
        raise ConfigError(
            f"Cannot listen on {address[0]}:{address[1]}: {exc.strerror or exc}. Is another factwatch (or any "
            "server) using that port? Pass --port N (`make demo PORT=N`)."
        ) from None
    return group


def _wait_ready(ready_r: int, workers: int, children: list[int]) -> int | None:
    """None once every worker has opened its store; else the exit status of one that died first.

    Polled, not a blocking read: the other workers hold the pipe's write end, so a dead one
    would never show as end-of-file.
    """
    import select

    seen = 0
    try:
        while seen < workers:
            if select.select([ready_r], [], [], 0.2)[0]:
                seen += len(os.read(ready_r, workers))
            pid, raw = os.waitpid(-1, os.WNOHANG)
            if pid in children:
                children.remove(pid)
                return os.waitstatus_to_exitcode(raw) or 1
    finally:
        os.close(ready_r)
    return None


def _wait_any(children: list[int]) -> tuple[int, int]:
    while True:
        try:
            pid, raw = os.wait()
        except InterruptedError:
            continue
        if pid in children:
            return pid, os.waitstatus_to_exitcode(raw)


def _wait_pid(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _signal_all(children: list[int], signum: int) -> None:
    for pid in children:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def _die_with_parent() -> None:
    """Linux: SIGTERM this worker if the parent dies (even by SIGKILL), so none is orphaned holding the port."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)
