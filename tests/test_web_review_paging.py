"""Review queue paging (issue 10): every item of each kind is reachable, page by page, with how
many wait in all; the keys still move through the queue, across pages too. Real database (the
workbench's, a fresh copy here so decisions made elsewhere do not shift the pages), real server,
real chromium for the keys.

Before: the queue showed the first 50 items of each kind and nothing past them.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from _live import CHROMIUM, CHROMIUM_ARGS, add_user, bearer, browser_login, live_dashboard, login, needs_chromium
from _workbench import build


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = build(tmp_path_factory.mktemp("review_paging"))
    add_user(path, "ana", "analyst")
    return path


@pytest.fixture(scope="module")
def base(db):
    with live_dashboard(db) as url:
        yield url


@pytest.fixture(scope="module")
def api(db) -> dict[str, str]:
    return bearer(db, "analyst", name="ana")


def get(base: str, api: dict[str, str], **params: str | int) -> httpx.Response:
    return httpx.get(f"{base}/api/review", params=params, headers=api, timeout=60)


@pytest.mark.parametrize("kind, key", [("match", "matches"), ("narrative", "narrative_labels"),
                                       ("candidate", "candidate_narratives")])
def test_each_kind_pages_through_every_item(base, api, kind, key):
    whole = get(base, api, kind=kind).json()
    total = whole["counts"][kind]
    assert total >= 2 and len(whole[key]) == total and whole["next_offset"][kind] is None
    seen, offset = [], 0
    while offset is not None:
        page = get(base, api, kind=kind, limit=1, offset=offset).json()
        assert len(page[key]) == 1 and page["counts"][kind] == total
        assert (page["limit"], page["offset"]) == (1, offset)
        seen += [item["item_id"] for item in page[key]]
        offset = page["next_offset"][kind]
    assert seen == [item["item_id"] for item in whole[key]]  # the same order, nothing twice


def test_paging_input_is_checked(base, api):
    for params, message in [({"offset": 1}, "add kind=match"), ({"kind": "match", "limit": 0}, "limit"),
                            ({"kind": "match", "limit": 201}, "limit"), ({"kind": "match", "offset": "x"}, "offset")]:
        r = get(base, api, **params)
        assert r.status_code == 400 and message in r.json()["error"], (params, r.text)


def test_the_page_shows_where_it_is_and_links_to_the_rest(base, api):
    counts = get(base, api).json()["counts"]
    with httpx.Client(base_url=base, timeout=60) as client:
        login(client, "ana", base=base)
        first = client.get("/review?limit=1").text
        # The "All" view: the first item of each kind, then a link to the rest of each.
        assert first.count('class="queue-item"') == 3
        assert f'{counts["narrative"] - 1:,} more narrative labels' in first
        assert '/review?kind=narrative&amp;limit=1&amp;offset=1' in first
        second = client.get("/review?kind=narrative&limit=1&offset=1").text
        assert f'<span class="range">2–2 of {counts["narrative"]}</span>' in second
        assert 'rel="prev" href="/review?kind=narrative&limit=1&offset=0"' in second
        assert second.count('class="queue-item"') == 1
        # A decision returns to the same page.
        assert 'name="next" value="/review?kind=narrative&amp;limit=1&amp;offset=1"' in second
        # Past the end (the last item was just decided): the last page, not an empty one.
        past = client.get(f"/review?kind=narrative&limit=1&offset={counts['narrative']}", follow_redirects=False)
        assert past.status_code == 303
        assert past.headers["location"] == f"/review?kind=narrative&limit=1&offset={counts['narrative'] - 1}"


@needs_chromium
def test_keys_move_across_pages(base, api, db):
    from playwright.sync_api import sync_playwright

    add_user(db, "pager", "analyst")
    items = [m["item_id"] for m in get(base, api, kind="match").json()["matches"]]
    assert len(items) >= 2
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            browser_login(page, base, "pager")
            page.goto(f"{base}/review?kind=match&limit=1")
            selected = page.locator(".queue-item.selected")
            assert selected.get_attribute("data-item") == items[0]
            with page.expect_navigation():
                page.keyboard.press("j")  # past the page's last item: the next page
            assert page.url.endswith("offset=1") and selected.get_attribute("data-item") == items[1]
            with page.expect_navigation():
                page.keyboard.press("k")  # back before its first: the previous page, at its last item
            assert "offset=0" in page.url and selected.get_attribute("data-item") == items[0]
            page.goto(f"{base}/review?kind=match&limit=1&offset={len(items) - 1}")
            page.keyboard.press("n")
            page.keyboard.type("last page, by key")
            page.keyboard.press("Escape")
            with page.expect_navigation():
                page.keyboard.press("r")
            # That page is now past the end: the queue shows the new last page.
            page.wait_for_load_state()
            assert page.url.endswith(f"offset={len(items) - 2}")
            assert selected.get_attribute("data-item") == items[-2]
            assert errors == []
        finally:
            browser.close()
    entries = httpx.get(f"{base}/api/audit?kind=match", headers=api).json()["entries"]
    assert entries[0]["who"] == "pager" and entries[0]["note"] == "last page, by key"
