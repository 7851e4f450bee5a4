"""The admin's users page in Debian's chromium: add a user by the form, change the role with the
select, revoke the token, remove the user, as an admin would by clicking; a user name made of
markup shows as text and nothing runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from _live import CHROMIUM, CHROMIUM_ARGS, TEST_PASSWORD, add_user, bearer, browser_login, live_dashboard, needs_chromium
from factwatch.store import open_store

pytestmark = [pytest.mark.browser, needs_chromium]
HOSTILE = "<img/src=x/onerror=alert(1)>"  # a valid user name: printable, no spaces


def _roles(db: Path) -> dict[str, str]:
    with open_store(str(db), access="read") as store:
        return {u.name: u.role for u in store.list_users()}


def test_admin_manages_a_user_by_clicking(tmp_path):
    from playwright.sync_api import sync_playwright

    db = tmp_path / "users.db"
    open_store(str(db)).close()
    add_user(db, "adam", "admin")
    dialogs: list[str] = []
    errors: list[str] = []
    with live_dashboard(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            browser_login(page, url, "adam")
            page.goto(f"{url}/users")
            form = page.locator("form.add-user")
            form.locator("input[name=name]").fill(HOSTILE)
            form.locator("select[name=role]").select_option("analyst")
            form.locator("input[name=password]").fill(TEST_PASSWORD)
            form.locator("button[type=submit]").click()
            page.wait_for_load_state("networkidle")
            assert _roles(db)[HOSTILE] == "analyst"
            row = page.locator("tr", has_text=HOSTILE)
            assert row.count() == 1 and page.locator("main img").count() == 0  # the name is text

            row.locator("select[name=role]").select_option("viewer")
            row.locator("button:has-text('Change role')").click()
            page.wait_for_load_state("networkidle")
            assert _roles(db)[HOSTILE] == "viewer"

            token = bearer(db, "viewer", name=HOSTILE)
            page.reload()
            page.locator("tr", has_text=HOSTILE).locator("button:has-text('Revoke')").click()
            page.wait_for_load_state("networkidle")
            assert page.request.get(f"{url}/api/me", headers=token).status == 401

            page.locator("tr", has_text=HOSTILE).locator("button:has-text('Remove')").click()
            page.wait_for_load_state("networkidle")
            assert HOSTILE not in _roles(db) and page.locator("tr", has_text=HOSTILE).count() == 0
            # The page fits a phone: nothing wider than the viewport.
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            browser.close()
    assert dialogs == [] and errors == []
