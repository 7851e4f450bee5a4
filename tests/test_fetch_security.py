"""Fetch hardening (issue 7 items 5 and 6): one deadline per fetch, public addresses only,
and the address that was checked is the address connected to.

Real servers on 127.0.0.x, a real TLS handshake with certificates made by the openssl tool.
DNS is the one thing replaced: a rebinding resolver cannot be had from the system's, so
``socket.getaddrinfo`` answers a test name differently from one lookup to the next.
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factwatch.errors import ConfigError, FetchError
from factwatch.ingest._network import refusal
from factwatch.ingest.watch import poll_feeds
from factwatch.ingest.web import FetchSettings, fetch_url
from factwatch.models import Source

FEED = (Path(__file__).parent / "data" / "ingest" / "rss2.xml").read_bytes()
DRIP_BYTES = 60
DRIP_EVERY = 0.1  # the whole drip takes 6 s; each byte arrives well inside any read timeout


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    hosts: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        Handler.hosts.append(self.headers.get("Host", ""))
        try:
            if self.path == "/drip":  # headers at once, then the body a byte at a time
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(DRIP_BYTES))
                self.end_headers()
                for _ in range(DRIP_BYTES):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(DRIP_EVERY)
                return
            if self.path == "/drip-headers":  # a slowloris status line: the response never starts
                for byte in b"HTTP/1.1 200 OK\r\n" * 4:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(DRIP_EVERY)
                return
            body = FEED if self.path == "/feed.xml" else f"served by {self.server.server_address[0]}".encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up at its deadline, as it should


def _serve(host: str, port: int = 0, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    httpd = ThreadingHTTPServer((host, port), Handler)
    httpd.daemon_threads = True
    if tls:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    yield from _serve("127.0.0.1")


@pytest.fixture
def fake_dns(monkeypatch):
    """``answers[name]``: the addresses of each successive lookup of ``name`` (the last repeats).
    Other names go to the system resolver; ``lookups`` counts the lookups per name."""
    real = socket.getaddrinfo
    answers: dict[str, list[str]] = {}
    lookups: dict[str, int] = {}

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in answers:
            return real(host, port, family, type, proto, flags)
        if name.startswith("slow."):
            time.sleep(3)  # a name server that takes its time
        seen = lookups.get(name, 0)
        lookups[name] = seen + 1
        address = answers[name][min(seen, len(answers[name]) - 1)]
        af = socket.AF_INET6 if ":" in address else socket.AF_INET
        sockaddr = (address, int(port), 0, 0) if af == socket.AF_INET6 else (address, int(port))
        return [(af, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.delenv("FACTWATCH_ALLOW_PRIVATE", raising=False)
    return answers, lookups


# -- item 5: one deadline for the whole fetch ---------------------------------------------------

@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_dripping_server_is_cut_at_the_deadline(port, path):
    settings = FetchSettings(allow_private=True, timeout=2.0, deadline=1.0)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"not done after 1s, the deadline for one fetch.*FACTWATCH_FETCH_DEADLINE"):
        fetch_url(f"http://127.0.0.1:{port}{path}", settings=settings)
    # Before the fix the per-read timeout never fired: the drip ran its full 6 s (24 s in the probe).
    assert 0.9 < time.monotonic() - started < 2.5


def test_a_dripping_feed_does_not_stall_the_others(store, port):
    sources = [Source(name="Drip", platform="rss", feed_url=f"http://127.0.0.1:{port}/drip"),
               Source(name="Good", platform="rss", feed_url=f"http://127.0.0.1:{port}/feed.xml")]
    started = time.monotonic()
    stats = poll_feeds(store, profile_sources=sources, settings=FetchSettings(allow_private=True, deadline=1.0),
                       now=datetime(2024, 3, 1, tzinfo=timezone.utc))
    assert time.monotonic() - started < 3.5  # the drip alone runs 6 s
    assert (stats.polled, stats.failed, stats.inserted) == (2, 1, 3)
    assert "deadline for one fetch" in store.get_feed_state(f"http://127.0.0.1:{port}/drip")["last_status"]


def test_a_slow_dns_answer_counts_against_the_deadline(port, fake_dns):
    answers, _ = fake_dns
    answers["slow.test"] = ["127.0.0.1"]
    started = time.monotonic()
    with pytest.raises(FetchError, match="deadline for one fetch"):
        fetch_url(f"http://slow.test:{port}/feed.xml",
                  settings=FetchSettings(allow_private=True, timeout=5.0, deadline=1.0))
    assert time.monotonic() - started < 2.0


def test_deadline_and_timeout_from_the_environment(monkeypatch):
    monkeypatch.setenv("FACTWATCH_FETCH_DEADLINE", "2.5")
    monkeypatch.setenv("FACTWATCH_FETCH_TIMEOUT", "0.5")
    settings = FetchSettings.from_env()
    assert (settings.deadline, settings.timeout) == (2.5, 0.5)
    monkeypatch.setenv("FACTWATCH_FETCH_DEADLINE", "soon")
    with pytest.raises(ConfigError, match="FACTWATCH_FETCH_DEADLINE='soon' is not a number of seconds"):
        FetchSettings.from_env()


# -- item 6: only globally routable addresses ---------------------------------------------------

REFUSED = ["100.64.0.1", "100.127.255.254",  # carrier-grade NAT (RFC 6598)
           "2002:7f00:1::1", "2002:808:808::1",  # 6to4 (to 127.0.0.1, and even to 8.8.8.8)
           "::ffff:100.64.0.1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",  # IPv4-mapped
           "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1",  # NAT64 to loopback / metadata
           "::7f00:1",  # IPv4-compatible
           "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
           "198.18.0.1", "192.0.2.1", "240.0.0.1", "255.255.255.255", "224.0.0.1", "239.255.255.250",
           "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff0e::1", "2001:db8::1", "2001::1"]
ALLOWED = ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_global_addresses_refused_before_connecting(address, monkeypatch):
    monkeypatch.delenv("FACTWATCH_ALLOW_PRIVATE", raising=False)
    host = f"[{address}]" if ":" in address else address
    started = time.monotonic()
    with pytest.raises(FetchError, match="non-public address"):
        fetch_url(f"http://{host}:9/feed.xml", settings=FetchSettings(timeout=1.0, deadline=2.0))
    assert time.monotonic() - started < 0.5  # refused, not a connect attempt that timed out


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_allowed(address):
    assert refusal(ipaddress.ip_address(address)) is None


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_ipv4_inside_ipv6_is_judged_as_the_ipv4_address(value):
    v4 = ipaddress.IPv4Address(value)
    mapped = ipaddress.IPv6Address(f"::ffff:{v4}")
    nat64 = ipaddress.IPv6Address((0x64FF9B << 96) | value)
    assert (refusal(v4) is None) == (refusal(mapped) is None) == (refusal(nat64) is None)
    assert refusal(ipaddress.IPv6Address((0x2002 << 112) | (value << 80))) is not None  # 6to4: never


def test_dns_rebinding_cannot_reach_loopback(port, fake_dns):
    answers, lookups = fake_dns
    # The first answer passes the check; every later one points at this machine.
    answers["rebind.test"] = ["93.184.216.34", "127.0.0.1"]
    Handler.hits.pop("/secret", None)
    with pytest.raises(FetchError):
        fetch_url(f"http://rebind.test:{port}/secret", settings=FetchSettings(timeout=0.5, deadline=1.0))
    assert Handler.hits.get("/secret", 0) == 0  # before the fix httpx looked the name up again: 200 from loopback
    assert lookups["rebind.test"] == 1


def test_a_name_resolving_to_carrier_grade_nat_is_refused(port, fake_dns):
    answers, _ = fake_dns
    answers["mixed.test"] = ["100.64.0.7"]
    with pytest.raises(FetchError, match=r"mixed.test resolves to the non-public address 100.64.0.7"):
        fetch_url(f"http://mixed.test:{port}/feed.xml", settings=FetchSettings(timeout=0.5))


@pytest.fixture(scope="module")
def second_loopback() -> Iterator[int]:
    """A server on 127.0.0.2 only (Linux answers on all of 127.0.0.0/8)."""
    try:
        yield from _serve("127.0.0.2")
    except OSError as exc:
        pytest.skip(f"cannot listen on 127.0.0.2 ({exc})")


def test_connects_to_the_resolved_address_with_the_name_as_host(second_loopback, fake_dns):
    answers, lookups = fake_dns
    answers["pin.test"] = ["127.0.0.2", "127.0.0.1"]
    Handler.hosts.clear()
    result = fetch_url(f"http://pin.test:{second_loopback}/who", settings=FetchSettings(allow_private=True))
    assert result.content == b"served by 127.0.0.2"
    assert Handler.hosts == [f"pin.test:{second_loopback}"]
    assert lookups["pin.test"] == 1


# -- TLS still verifies the name while the connection goes to the pinned address ----------------

def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory) -> Iterator[tuple[int, Path, list[str]]]:
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make test certificates")
    d = tmp_path_factory.mktemp("tls")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=factwatch test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
             "-subj", "/CN=pin.test", cwd=d)
    (d / "ext.cnf").write_text("subjectAltName=DNS:pin.test\nextendedKeyUsage=serverAuth\n")
    _openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "leaf.pem", "-days", "2", "-extfile", "ext.cnf", cwd=d)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(d / "leaf.pem", d / "leaf.key")
    sni: list[str] = []
    context.sni_callback = lambda sock, name, ctx: sni.append(name)
    for port in _serve("127.0.0.1", tls=context):
        yield port, d / "ca.pem", sni


def test_tls_verifies_the_name_over_the_pinned_address(tls_server, fake_dns):
    port, ca, sni = tls_server
    answers, lookups = fake_dns
    answers["pin.test"] = ["127.0.0.1"]
    answers["other.test"] = ["127.0.0.1"]
    settings = FetchSettings(allow_private=True, ca_file=str(ca), timeout=2.0)
    assert fetch_url(f"https://pin.test:{port}/feed.xml", settings=settings).content == FEED
    assert sni[-1] == "pin.test"
    # Same address, another name: the certificate is checked against the name, not the address.
    with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
        fetch_url(f"https://other.test:{port}/feed.xml", settings=settings)
    assert sni[-1] == "other.test"

