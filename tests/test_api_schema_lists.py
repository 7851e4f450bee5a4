"""Every /api list pages and says so in its OpenAPI schema (issue 10, REST API: pagination).

Walks the app's own schema, so a list added later is held to it too: each GET /api route without a
path parameter either takes ``limit`` and ``offset`` and documents its 200 answer (the rows' key,
``total``, ``limit``, ``offset``, ``next_offset``; ``_params.paged_responses``), or is in NOT_LISTS
with the reason. Routes with a path parameter are records (a document, a claim, a profile), not lists.

Then, on the demo database the browser tests use (``factwatch demo --no-serve``, or a copy of
FACTWATCH_TEST_DEMO_DB) with two review decisions, two published cards and two saved searches
made through the API: ``limit=1`` and ``limit=1&offset=1`` give different first rows, the second
being the whole list's second row.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient

from _live import add_user, bearer
from test_workbench_browser import _demo_database

# GET /api routes that are not one paged list of records, and why.
NOT_LISTS = {
    "/api/overview": "the dashboard's summary: counts, charts and a few latest items of several kinds",
    "/api/stats": "row counts per table, one object",
    "/api/trends": "chart data: one series per value over time buckets; `top` bounds the series",
    "/api/match": "a ranking of the k best fact-checks for one text; `k` bounds it",
    "/api/me": "the signed-in user, one object",
    "/api/review": "three queues in one answer (matches, narrative labels, candidates); each pages apart "
                   "with kind=...&offset=..., and next_offset is per kind",
}
PAGING = {"total", "limit", "offset", "next_offset"}
# Lists with fewer than two rows on the demo database, and where their two-row paging is tested.
ONE_ROW_ON_DEMO = {
    "/api/campaigns": "the demo's three networks share their eleven accounts, so they are one campaign; "
                      "tests/test_web_campaigns.py pages two",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = _demo_database(tmp_path_factory.mktemp("schema-lists"))
    add_user(db, "schema-lists-viewer", "viewer")  # /api/users gets a second row whatever the demo holds
    from factwatch.web.app import create_app

    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db, "admin")) as c:
        # Rows in the lists the demo leaves empty, written as an analyst would: confirmed matches
        # (audit entries) until two cards are published (a claim that only reports has no draft
        # to publish, a 400 that says so), and two saved searches.
        published = 0
        for item in c.get("/api/review", params={"kind": "match", "limit": 20}).json()["matches"]:
            r = c.post("/api/review/decisions", json={"kind": "match", "item": item["item_id"], "decision": "confirmed"})
            assert r.status_code == 201, r.text
            published += c.post(f"/api/claims/{item['claim_id']}/publish").status_code == 200
            if published == 2:
                break
        assert published == 2
        for name, url in (("vize", "/documents?q=vize"), ("NATO", "/claims?q=NATO")):
            assert c.post("/api/saved", json={"name": name, "url": url}).status_code == 201
        yield c


@pytest.fixture(scope="module")
def operations(client) -> dict[str, dict[str, Any]]:
    paths = client.get("/api/openapi.json").json()["paths"]
    return {path: ops["get"] for path, ops in paths.items()
            if path.startswith("/api/") and "get" in ops and "{" not in path}


def _rows_key(operation: dict[str, Any]) -> str | None:
    """The key a documented page holds its rows under, or None where the answer is not described so."""
    schema = operation["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
    required = set(schema.get("required", []))
    arrays = [k for k in required - PAGING if schema.get("properties", {}).get(k, {}).get("type") == "array"]
    return arrays[0] if PAGING <= required and len(arrays) == 1 else None


def test_every_list_pages_and_documents_its_answer(operations):
    lists = {p: op for p, op in operations.items() if p not in NOT_LISTS}
    unpaged = sorted(p for p, op in lists.items() if not {"limit", "offset"} <= {x["name"] for x in op.get("parameters", [])})
    undescribed = sorted(p for p, op in lists.items() if _rows_key(op) is None)
    assert unpaged == [], f"lists without limit/offset: {unpaged}; page them with _params.paging"
    assert undescribed == [], (f"lists whose 200 answer does not document rows, total and next_offset: {undescribed}; "
                               "add responses=_params.paged_responses(...)")
    assert len(lists) >= 15, sorted(lists)
    # An exception that is gone, or now pages like the rest, comes off the list.
    assert set(NOT_LISTS) <= set(operations), sorted(set(NOT_LISTS) - set(operations))
    assert [p for p in NOT_LISTS if _rows_key(operations[p])] == []


def test_the_docs_page_describes_each_list(client, operations):
    docs = client.get("/docs").text
    for path, op in operations.items():
        if path in NOT_LISTS:
            continue
        schema = op["responses"]["200"]["content"]["application/json"]["schema"]
        rows = schema["properties"][_rows_key(op)]["description"]
        assert f"A page of {rows}" in docs, path


def test_limit_one_then_offset_one_gives_the_next_row(client, operations):
    checked = []
    for path, op in sorted(operations.items()):
        if path in NOT_LISTS:
            continue
        key = _rows_key(op)
        whole = client.get(path, params={"limit": 2})
        assert whole.status_code == 200, (path, whole.text[:300])
        first, second = (client.get(path, params={"limit": 1, "offset": o}).json() for o in (0, 1))
        body = whole.json()
        assert PAGING <= set(body) and PAGING <= set(first), path
        total = body["total"]
        if path in ONE_ROW_ON_DEMO:
            assert PAGING <= set(body) and total >= 1 and len(body[key]) == min(total, 2), path
            continue
        assert total >= 2, f"{path} has {total} rows on the demo database; the test needs two"
        assert (first["limit"], first["offset"], second["offset"]) == (1, 0, 1), path
        assert first["next_offset"] == 1 and first["total"] == second["total"] == total, path
        assert len(first[key]) == len(second[key]) == 1, path
        assert first[key][0] != second[key][0], f"{path}: offset=1 gave the first row again"
        assert [first[key][0], second[key][0]] == body[key], path
        checked.append(path)
    assert len(checked) >= 15, checked


# -- the pages page as their API does ------------------------------------------------------------

def _links(html: str, prefix: str) -> list[str]:
    return re.findall(rf'href="{re.escape(prefix)}(\d+)"', html)


def _pager_hrefs(html: str) -> list[dict[str, str]]:
    """The prev/next links of each pager on the page, as query dicts (in page order)."""
    pagers = re.findall(r'<nav class="pager".*?</nav>', html, re.S)
    return [{rel: dict(parse_qsl(urlsplit(unescape(href)).query, keep_blank_values=True))
             for rel, href in re.findall(r'<a rel="(prev|next)" href="([^"]+)"', nav)} for nav in pagers]


def test_the_fact_base_page_pages_its_two_lists_apart(client):
    params = {"q": "", "limit": 3, "offset": 3, "facts_offset": 6}
    html = client.get("/facts", params=params).text
    checks = client.get("/api/facts", params={"limit": 3, "offset": 3}).json()
    facts = client.get("/api/facts/facts", params={"limit": 3, "offset": 6}).json()
    assert checks["total"] > 6 and facts["total"] > 9, (checks["total"], facts["total"])
    assert _links(html, "/facts/checks/") == [str(fc["id"]) for fc in checks["fact_checks"]]
    assert _links(html, "/facts/facts/") == [str(f["id"]) for f in facts["facts"]]
    checks_pager, facts_pager = _pager_hrefs(html)
    # Each pager moves its own list and keeps the other's place and the query.
    assert checks_pager["next"] == {"q": "", "limit": "3", "offset": "6", "facts_offset": "6"}
    assert checks_pager["prev"]["offset"] == "0" and checks_pager["prev"]["facts_offset"] == "6"
    assert facts_pager["next"] == {"q": "", "limit": "3", "offset": "3", "facts_offset": "9"}
    assert facts_pager["prev"]["facts_offset"] == "3" and facts_pager["prev"]["offset"] == "3"
    assert f"7–9 of {facts['total']}" in html and f"4–6 of {checks['total']}" in html
    assert client.get("/facts", params={"facts_offset": "-1"}).status_code == 400
    # A search is kept by both pagers.
    found = {key: client.get(f"/api/facts{tail}", params={"q": "NATO", "limit": 1}).json()["total"]
             for key, tail in (("checks", ""), ("facts", "/facts"))}
    assert min(found.values()) >= 2, found
    pagers = _pager_hrefs(client.get("/facts", params={"q": "NATO", "limit": 1}).text)
    assert [p["next"] for p in pagers] == [{"q": "NATO", "limit": "1", "offset": "1"},
                                           {"q": "NATO", "limit": "1", "facts_offset": "1"}]


def test_the_alerts_page_pages_like_the_other_lists(client):
    api = client.get("/api/alerts", params={"limit": 4, "offset": 4}).json()
    assert api["total"] > 8, api["total"]
    html = client.get("/alerts", params={"limit": 4, "offset": 4}).text
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert re.findall(r'<td class="mono">([^<]*)</td>', body) == [a["at"][:16] for a in api["alerts"]]
    (pager,) = _pager_hrefs(html)
    assert pager["next"]["offset"] == "8" and pager["prev"]["offset"] == "0"
    assert f"5–8 of {api['total']}" in html
