"""A link-following crawl of the workbench in Debian's chromium, as its first user meets it (issue 10).

test_workbench_browser.py opens a fixed list of pages; this one starts from the navigation and
follows the links it finds there one level deep (up to PER_SHAPE pages of each route, e.g. two
/claims/N, two /sources/NAME), at 1280 px in English and at 390 px in Serbian Cyrillic. Any page
answering 4xx/5xx, any console error (a CSP violation is one, so is a failed resource) and any page
wider than the window fails; every same-site link found on the way must answer below 400.
One real server (uvicorn on 127.0.0.1) over the demo database (FACTWATCH_TEST_DEMO_DB reuses a
built one, as for test_workbench_browser.py).
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin, urlparse

import pytest

from _live import CHROMIUM, CHROMIUM_ARGS, add_user, browser_login, live_dashboard, needs_chromium
from test_workbench_browser import _demo_database

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]

USER = "crawler"  # admin: the navigation includes /users
PER_SHAPE = 2  # pages opened per route shape one level deep
# Not pages: leaving, files, the API (the contract tests cover it), downloads, the language switch.
SKIP_PREFIXES = ("/logout", "/static/", "/api/", "/openapi.json")
SKIP_QUERY = re.compile(r"(^|&)(format=csv|lang=)")


@dataclass
class Crawl:
    visited: list[str] = field(default_factory=list)
    links: set[str] = field(default_factory=set)  # every same-site link found on the start pages
    status: dict[str, int] = field(default_factory=dict)  # pages that answered >= 400
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    too_wide: dict[str, int] = field(default_factory=dict)


def _shape(path: str) -> str:
    """/claims/29 and /claims/30 are one route; so are two source names."""
    parsed = urlparse(path)
    parts = parsed.path.strip("/").split("/")
    return "/" + "/".join(parts[:1] + ["*"] * (len(parts) - 1)) + ("?" if parsed.query else "")


def _same_site_paths(page, base: str, here: str) -> list[tuple[str, bool]]:  # noqa: ANN001 (playwright's Page)
    """(path, is a download): a link marked ``download`` (the briefing's .md/.html) is fetched as a
    link, not opened as a page (chromium's goto refuses a download)."""
    hrefs = page.eval_on_selector_all("main a[href]", "as => as.map(a => [a.getAttribute('href'), a.hasAttribute('download')])")
    found = []
    for href, download in hrefs:
        url = urlparse(urljoin(base + here, href))
        if url.netloc != urlparse(base).netloc or url.path.startswith(SKIP_PREFIXES) or SKIP_QUERY.search(url.query):
            continue
        found.append((url.path + ("?" + url.query if url.query else ""), download))
    return found


def crawl(page, base: str, start: list[str]) -> Crawl:  # noqa: ANN001
    """Open each start page and, one level deep, up to PER_SHAPE of each route linked from them."""
    result = Crawl()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    queue, shapes = list(start), defaultdict(int)
    while queue:
        path = queue.pop(0)
        if path in result.visited:
            continue
        result.visited.append(path)
        errors.clear()
        response = page.goto(base + path)
        page.wait_for_load_state("networkidle")
        if response is None or response.status >= 400:
            result.status[path] = response.status if response else 0
        width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            result.too_wide[path] = width[0]
        if errors:
            result.errors[path] = list(errors)
        if path in start:
            for link, download in _same_site_paths(page, base, path):
                result.links.add(link)
                if not download and link not in result.visited and shapes[_shape(link)] < PER_SHAPE:
                    shapes[_shape(link)] += 1
                    queue.append(link)
    return result


def broken_links(context, base: str, links: set[str]) -> dict[str, int]:  # noqa: ANN001 (BrowserContext)
    """Each link fetched with the context's session: those answering >= 400."""
    answers = {link: context.request.get(base + link).status for link in sorted(links)}
    return {link: status for link, status in answers.items() if status >= 400}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    db = _demo_database(tmp_path_factory.mktemp("crawl"))
    add_user(db, USER, "admin")
    with live_dashboard(db) as url:
        yield url


@pytest.mark.parametrize("lang,viewport", [("en", {"width": 1280, "height": 900}),
                                           ("sr-Cyrl", {"width": 390, "height": 844})])
def test_nav_and_every_route_one_level_deep(site, lang, viewport):
    from playwright.sync_api import sync_playwright

    from factwatch.web._render import NAV

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=viewport, is_mobile=viewport["width"] < 500)
            page = context.new_page()
            browser_login(page, site, USER)
            page.goto(f"{site}/?lang={lang}")  # remembered in a cookie for the rest of the crawl
            found = crawl(page, site, [path for path, _ in NAV])
            assert page.locator("html").get_attribute("lang") == lang
            broken = broken_links(context, site, found.links) if lang == "en" else {}
        finally:
            browser.close()
    assert len(found.visited) > len(NAV) + 20 and len(found.links) > 100, (len(found.visited), len(found.links))
    assert found.status == {}
    assert dict(found.errors) == {}
    assert found.too_wide == {}
    assert broken == {}


PAGES = {
    "/": '<main><a href="/ok">ok</a> <a href="/missing">gone</a> <a href="/wide">wide</a>'
         '<a href="/logout">out</a><a href="/ok?format=csv">csv</a><a href="/file.md" download>md</a></main>',
    "/ok": "<main>fine</main>",
    "/file.md": "a download",
    "/wide": '<main><div style="width:3000px">wide</div><script>console.error("boom")</script></main>',
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = PAGES.get(urlparse(self.path).path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(f"<!doctype html><html><body>{body or 'not found'}</body></html>".encode())

    def log_message(self, *args: object) -> None:
        pass


def test_the_crawl_catches_broken_links_console_errors_and_wide_pages():
    """The same crawl over a small site that has each fault: each is found (so a pass means something)."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                found = crawl(context.new_page(), base, ["/"])
                broken = broken_links(context, base, found.links)
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert found.visited == ["/", "/ok", "/missing", "/wide"]
    # Not /logout, not the CSV export; the marked download is checked as a link but not opened.
    assert found.links == {"/ok", "/missing", "/wide", "/file.md"}
    assert found.status == {"/missing": 404} and broken == {"/missing": 404}
    assert "boom" in found.errors["/wide"] and any("404" in e for e in found.errors["/missing"])
    assert list(found.too_wide) == ["/wide"]
