"""The workbench on a phone (issue 10): at a 390 px viewport no element runs off the page on any
main page, tables scroll inside their own box without squeezing text to a word a line, and the
menu folds behind a toggle that works without script. Real uvicorn, Debian's chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from _live import CHROMIUM, CHROMIUM_ARGS, add_user, browser_login, live_dashboard, needs_chromium
from test_web_app import corpus  # noqa: F401

pytestmark = [pytest.mark.browser, needs_chromium]

PHONE = {"width": 390, "height": 844}
PAGES = ["/", "/documents", "/documents?q=vlada", "/documents/1", "/sources", "/runs", "/runs/1", "/claims", "/review",
         "/match", "/facts", "/clusters", "/coordination", "/narratives", "/discovery", "/trends", "/alerts",
         "/saved", "/about", "/actors", "/campaigns", "/report"]
LONG_URL = "https://example.org/" + "a-very-long-unbroken-path-segment" * 6

# Elements whose box leaves the viewport, unless a scrolling/clipping box holds them; and table
# cells holding a sentence squeezed narrower than about 5 characters.
OVERFLOW_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  const squeezed = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (el.tagName === 'TD' && el.innerText.trim().split(/\\s+/).length >= 3 && r.width < 64) {
      squeezed.push(el.innerText.slice(0, 40) + ' ' + Math.round(r.width) + 'px');
    }
    if (r.right <= vw + 1 && r.left >= -1) continue;
    let p = el.parentElement, held = false;
    while (p && p !== document.body) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) { held = true; break; }
      p = p.parentElement;
    }
    if (!held) out.push(el.tagName.toLowerCase() + '.' + el.className + ' right=' + Math.round(r.right));
  }
  return {vw, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 8), squeezed: squeezed.slice(0, 8)};
}"""


@pytest.fixture
def server_url(db_path: Path, corpus, store):  # noqa: F811
    from test_web_app import _doc

    store.insert_documents([_doc("long-url", "en", "2024-05-01T00:00:00Z", "A link " + LONG_URL,
                                 "See " + LONG_URL + " for the full statement.", url=LONG_URL)],
                           run_id=store.start_run("ingest", "long"))
    add_user(db_path, "phone-viewer")
    with live_dashboard(db_path) as url:
        yield url


def _check_pages(base: str, pages: list[str]) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    problems = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=PHONE)
            browser_login(page, base, "phone-viewer")
            for path in pages:
                response = page.goto(base + path)
                assert response is not None and response.status < 500, path
                found = page.evaluate(OVERFLOW_JS)
                if found["scrollWidth"] > found["vw"] or found["out"] or found["squeezed"]:
                    problems[path] = found
        finally:
            browser.close()
    return problems


def test_no_main_page_overflows_a_390px_phone(server_url):
    assert _check_pages(server_url, PAGES) == {}


@pytest.mark.skipif(not os.environ.get("FACTWATCH_DEMO_DB"), reason="set FACTWATCH_DEMO_DB to a `factwatch demo` database")
def test_no_main_page_overflows_a_390px_phone_on_the_demo():
    """The same check on the analysed demo (charts, networks, long tables): a copy of the file."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        shutil.copy(os.environ["FACTWATCH_DEMO_DB"], db)
        add_user(db, "phone-viewer")
        with live_dashboard(db) as url:
            assert _check_pages(url, PAGES[:3] + PAGES[4:6] + PAGES[7:]) == {}


def test_menu_folds_and_opens_without_script(server_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=PHONE, java_script_enabled=False)
            page = context.new_page()
            browser_login(page, server_url, "phone-viewer")
            page.goto(server_url + "/documents")
            nav = page.get_by_role("navigation", name="Main")
            assert not nav.is_visible()
            page.focus("#nav-toggle")  # a keyboard opens it too
            page.keyboard.press("Space")
            assert nav.is_visible()
            page.click("label.nav-toggle-label")
            assert not nav.is_visible()
            page.click("label.nav-toggle-label")
            assert nav.is_visible()
            nav.get_by_role("link", name="Sources").click()
            page.wait_for_url("**/sources")
            # Switching the interface language is a plain link too.
            page.click('.lang-switch a[hreflang="sr-Cyrl"]')
            page.wait_for_url("**/sources?lang=sr-Cyrl")
            assert page.locator("label.nav-toggle-label").inner_text().endswith("Мени")
            wide = browser.new_page(viewport={"width": 1366, "height": 900})
            browser_login(wide, server_url, "phone-viewer")
            assert wide.get_by_role("navigation", name="Main").is_visible()
            assert not wide.locator("label.nav-toggle-label").is_visible()
        finally:
            browser.close()
