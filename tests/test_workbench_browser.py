"""The whole workbench in Debian's chromium (issue 10): demo data, hostile posts, a phone's width.

One real server (uvicorn on 127.0.0.1) over a copy of the demo database (``factwatch demo
--no-serve``, built once per run into a temporary folder, or taken from FACTWATCH_TEST_DEMO_DB to
save its minutes), into which hostile posts are ingested through POST /api/ingest and analysed.
Chromium logs in through the form and opens every page of the navigation, the detail pages the
hostile posts reach, and searches in both scripts; then again at 390 px. Nothing may run: no
dialog, no console error (a CSP violation is one), no ``javascript:`` link, no event-handler
attribute, no script but the dashboard's own files (JSON data blocks must still parse).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from factwatch.store import open_store

from _live import CHROMIUM, CHROMIUM_ARGS, add_user, bearer, browser_login, live_dashboard, needs_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]

FACTWATCH = Path(sys.executable).with_name("factwatch")
USER = "workbench-admin"  # admin: the navigation includes /users
PHONE = {"width": 390, "height": 844}

# Each marker would show up as a dialog, a console message or a live attribute if it ran.
HOSTILE_SOURCE = '<b onmouseover="alert(11)">Zli portal<img src=x onerror=alert(10)>'
SLASHED_SOURCE = "t.me/zli_portal"  # a channel named by its address, as exports often do
HOSTILE_TITLE = "<img src=x onerror=alert(12)>НАТО гори"
HOSTILE_POSTS = [
    {"id": "h1", "source": HOSTILE_SOURCE, "title": HOSTILE_TITLE, "url": "javascript:alert(13)",
     "author": '"><svg onload=alert(14)>', "date": "2026-11-20T08:00:00Z",
     "text": "<script>alert(15)</script>НАТО тајно гради базу у Србији, тврди портал. "
             "Влада је саопштила да НАТО нема никакву базу у Србији."},
    {"id": "h2", "source": HOSTILE_SOURCE, "title": "Kosovo <a href='javascript:alert(16)'>klikni</a>",
     "date": "2026-11-20T09:00:00Z",
     "text": "<div><p onclick=alert(17)>NATO tajno gradi bazu u Srbiji, tvrdi portal.<iframe "
             "src=javascript:alert(18)></iframe><svg><script>alert(19)</script></svg><p unclosed <b>"
             "<a href=\"JaVaScRiPt:alert(20)\">izvor</a> Vlada je saopštila da NATO nema nikakvu bazu."},
    {"id": "h3", "source": "Copy <style>body{display:none}</style>", "date": "2026-11-20T10:00:00Z",
     "text": "NATO tajno gradi bazu u Srbiji, tvrdi portal. <img src=x onerror=alert(21)> "
             "Vlada je saopštila da NATO nema nikakvu bazu."},
    {"id": "h5", "source": SLASHED_SOURCE, "date": "2026-11-20T11:00:00Z",
     "text": "Kanal tvrdi da NATO gradi bazu u Srbiji."},
    # Rejected (empty once the markup is cleaned): its raw excerpt is shown on the run's page.
    {"id": "h4", "source": HOSTILE_SOURCE, "text": "<script>alert(22)</script>"},
]

# Pages with an id in the path that the hostile posts and the demo reach (filled at run time).
DETAIL_QUERIES = {
    "/documents": "SELECT id FROM documents WHERE source = ? ORDER BY id",
    "/clusters": "SELECT DISTINCT cluster_id FROM cluster_members m JOIN documents d ON d.id = m.document_id "
                 "WHERE d.source = ?",
    "/claims": "SELECT c.id FROM claims c JOIN documents d ON d.id = c.document_id WHERE d.source = ?",
}


def _demo_database(folder: Path) -> Path:
    db = folder / "demo.db"
    given = os.environ.get("FACTWATCH_TEST_DEMO_DB")
    if given:
        src = sqlite3.connect(f"file:{given}?mode=ro", uri=True)
        dst = sqlite3.connect(db)
        src.backup(dst)
        src.close()
        dst.close()
        usearch = Path(f"{given}.facts.usearch")
        if usearch.exists():
            shutil.copy(usearch, f"{db}.facts.usearch")
    else:
        # Minutes on a loaded 2-core machine (it analyses the whole corpus); FACTWATCH_TEST_DEMO_DB skips it.
        subprocess.run([str(FACTWATCH), "--db", str(db), "demo", "--no-serve", "--json"], check=True,
                       stdout=subprocess.DEVNULL, timeout=3600)
    # A copy from an older build meets the current schema (the server opens it read-only).
    open_store(str(db)).close()
    return db


@pytest.fixture(scope="module")
def workbench(tmp_path_factory) -> Iterator[tuple[str, Path, dict[str, list[str]]]]:
    folder = tmp_path_factory.mktemp("workbench")
    db = _demo_database(folder)
    add_user(db, USER, "admin")
    headers = bearer(db, "analyst", name="workbench-ingest")
    posts = "\n".join(json.dumps(p, ensure_ascii=False) for p in HOSTILE_POSTS) + "\n"
    with live_dashboard(db) as url:
        answer = httpx.post(f"{url}/api/ingest", headers=headers, trust_env=False, timeout=120,
                            files={"file": ("hostile.jsonl", posts.encode())}).json()
    assert (answer["inserted"], answer["rejected"]) == (4, 1), answer
    # The pipeline puts them on the claims, clusters and review pages; incremental, so only they are new.
    subprocess.run([str(FACTWATCH), "--db", str(db), "analyze"], check=True, stdout=subprocess.DEVNULL,
                   timeout=1800)
    conn = sqlite3.connect(db)
    try:
        details = {prefix: [f"{prefix}/{r[0]}" for r in conn.execute(sql, (HOSTILE_SOURCE,))]
                   for prefix, sql in DETAIL_QUERIES.items()}
        details["/runs"] = [f"/runs/{answer['run_id']}"]
        source = conn.execute("SELECT name FROM sources ORDER BY name LIMIT 1").fetchone()[0]
        details["/sources"] = [f"/sources/{quote(HOSTILE_SOURCE, safe='')}", f"/sources/{quote(source, safe='')}"]
    finally:
        conn.close()
    with live_dashboard(db) as url:
        yield url, db, details


class Watch:
    """What a page did that it must not: dialogs, console errors, failed requests."""

    def __init__(self, page) -> None:  # noqa: ANN001 (playwright's Page)
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.failed.append(r.url))


# Run in the page through the DevTools protocol (not subject to the page's CSP): every element's
# attributes, so an on* handler or a javascript: URL that reached the DOM is found wherever it is.
_LIVE_MARKUP = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (a.name.startsWith('on')) found.push(el.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(a.name) && v.startsWith('javascript:'))
        found.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  for (const s of document.scripts) {
    const type = (s.type || '').toLowerCase();
    if (type === 'application/json' || type === 'application/ld+json') {
      // A data block (chart data, JSON-LD) never runs, but text that closed it early would:
      // then what is left in it no longer parses.
      try { JSON.parse(s.textContent); } catch (e) { found.push('broken data block ' + s.textContent.slice(0, 60)); }
    } else if (!s.src || new URL(s.src).origin !== location.origin || !new URL(s.src).pathname.startsWith('/static/')) {
      found.push('script ' + (s.src || s.textContent.slice(0, 60)));
    }
  }
  for (const f of document.querySelectorAll('iframe, object, embed')) found.push(f.tagName);
  return found;
}"""


def _open(page, url: str) -> None:  # noqa: ANN001
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(150)  # a (wrongly) live onerror/onload would fire by now


def _pages(details: dict[str, list[str]]) -> list[str]:
    from factwatch.web._render import NAV

    nav = [path for path, _ in NAV]
    searches = [f"/documents?q={quote(q)}" for q in ("НАТО", "NATO", "vize", "визе", "Kosov")]
    extra = ["/docs", "/review", f"/claims?q={quote('NATO')}"]
    return nav + searches + extra + [u for urls in details.values() for u in urls]


def test_every_page_renders_and_nothing_hostile_runs(workbench):
    from playwright.sync_api import sync_playwright

    url, _, details = workbench
    assert details["/documents"] and details["/runs"], details
    live: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            browser_login(page, url, USER)
            assert page.url.startswith(url) and "/login" not in page.url, page.url
            watch = Watch(page)
            for path in _pages(details):
                _open(page, url + path)
                assert page.locator("h1").count() >= 1, path
                if found := page.evaluate(_LIVE_MARKUP):
                    live[path] = found
            # Titles and texts are cleaned of markup at ingestion; the source name is kept as given
            # and reaches its pages as text.
            _open(page, url + details["/documents"][0])
            assert "НАТО гори" in page.locator("main").inner_text()
            _open(page, url + details["/sources"][0])
            assert HOSTILE_SOURCE in page.locator("main").inner_text()
            # The rejected record's raw excerpt is shown on its run's page, as text.
            _open(page, url + details["/runs"][0])
            assert "<script>alert(22)</script>" in page.locator("main").inner_text()
        finally:
            browser.close()
    assert live == {}
    assert watch.dialogs == []
    assert watch.errors == []  # a CSP violation (an inline script or style that reached the page) shows here
    assert watch.failed == []


def test_search_finds_both_scripts(workbench):
    url, db, _ = workbench
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            browser_login(page, url, USER)
            found: dict[str, list[str]] = {}
            for q in ("НАТО", "NATO"):
                _open(page, f"{url}/documents?q={quote(q)}")
                found[q] = page.locator("table.documents tbody tr").all_inner_texts()
        finally:
            browser.close()
    for q, rows in found.items():
        text = " ".join(rows)
        # One query, either script, finds documents written in both.
        assert any("\u0400" <= ch <= "\u04ff" for ch in text), (q, text[:300])
        assert any(w in text for w in ("NATO", "Nato")), (q, text[:300])
    assert len(found["НАТО"]) == len(found["NATO"])


def test_every_page_fits_a_phone(workbench):
    """At 390 px nothing makes the page itself scroll sideways (wide tables scroll inside their box)."""
    from playwright.sync_api import sync_playwright

    url, _, details = workbench
    too_wide: dict[str, int] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
            browser_login(page, url, USER)
            watch = Watch(page)
            for path in _pages(details):
                _open(page, url + path)
                width = page.evaluate("() => document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide[path] = width
        finally:
            browser.close()
    assert too_wide == {}
    assert watch.dialogs == [] and watch.errors == []


def test_overview_charts_draw_something(workbench):
    from playwright.sync_api import sync_playwright

    url, _, _ = workbench
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            browser_login(page, url, USER)
            watch = Watch(page)
            _open(page, url + "/")
            page.wait_for_timeout(500)  # Chart.js animates in
            # A canvas with no drawn pixel has alpha 0 everywhere.
            drawn = page.evaluate("""() => [...document.querySelectorAll('canvas')].map(c => {
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; })""")
        finally:
            browser.close()
    assert drawn and all(n > 100 for n in drawn), drawn
    assert watch.errors == []


def test_a_source_named_with_a_slash_has_its_profile_page(workbench):
    url, db, _ = workbench
    headers = bearer(db, "viewer", name="workbench-slash")
    r = httpx.get(f"{url}/sources/{quote(SLASHED_SOURCE, safe='')}", headers=headers, trust_env=False)
    assert r.status_code == 200, r.status_code


def test_the_checks_catch_markup_that_runs():
    """The same checks on a page that does let hostile markup run: each finds it (so a pass means something)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            watch = Watch(page)
            page.set_content('<a href=" JaVaScRiPt:alert(1)">x</a><img src=x onerror="alert(2)">'
                             '<script type="application/json">{"a": "</script><b>"}</script>')
            page.wait_for_timeout(300)
            found = page.evaluate(_LIVE_MARKUP)
        finally:
            browser.close()
    assert watch.dialogs == ["2"]
    assert any("onerror" in f for f in found) and any("javascript:" in f.lower() for f in found)
    assert any(f.startswith("broken data block") for f in found)
