"""Accounts and public pages in Debian's chromium: log in through the form, publish a card by
clicking, read it logged out, log out. Under the CSP nothing of the hostile claim runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _live import CHROMIUM, CHROMIUM_ARGS, TEST_PASSWORD, live_dashboard, needs_chromium
from test_public_pages import _confirm, db  # noqa: F401  (module fixture: store with a hostile claim)

pytestmark = [pytest.mark.browser, needs_chromium]


def test_login_publish_read_logged_out_and_logout(db, tmp_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    site = tmp_path / "site.db"
    site.write_bytes(db.read_bytes())
    claim_id = _confirm(site, "evil-portal")
    dialogs: list[str] = []
    errors: list[str] = []
    with live_dashboard(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            # A page behind the login sends the browser to the form and, after it, back.
            page.goto(f"{url}/claims/{claim_id}")
            assert "/login?next=" in page.url
            page.fill("input[name=name]", "ana")
            page.fill("input[name=password]", "not the password")
            page.click("form.login-form button[type=submit]")
            assert "Wrong name or password." in page.content()
            page.fill("input[name=password]", TEST_PASSWORD)
            page.click("form.login-form button[type=submit]")
            page.wait_for_url(f"{url}/claims/{claim_id}")
            assert "Log out ana" in page.locator("form.logout button").inner_text()

            page.click("section#publish button:has-text('Publish')")
            page.wait_for_url(f"{url}/claims/{claim_id}#publish")
            assert page.locator(f"section#publish a[href='/public/cards/{claim_id}']").count() == 1

            # Another browser context has no cookie: the public page opens, the claim page does not.
            anon = browser.new_context().new_page()
            anon.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            anon.on("pageerror", lambda e: errors.append(str(e)))
            response = anon.goto(f"{url}/public/cards/{claim_id}")
            assert response is not None and response.status == 200
            assert "alert(1)" in anon.locator("blockquote.public-quote").inner_text()  # shown as text
            ld = anon.locator("script[type='application/ld+json']")
            assert ld.count() == 1 and json.loads(ld.text_content())["@type"] == "ClaimReview"
            assert anon.evaluate("document.scripts.length") == 1
            anon.goto(f"{url}/claims/{claim_id}")
            assert "/login" in anon.url

            page.click("form.logout button")
            page.wait_for_url(f"{url}/login")
            page.goto(f"{url}/claims")
            assert "/login?next=" in page.url
        finally:
            browser.close()
    assert dialogs == [] and errors == []
