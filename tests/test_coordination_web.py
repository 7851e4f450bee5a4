"""/coordination pages and their /api forms over networks the stage stored (demo corpus)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from _live import bearer

from factwatch.web.app import create_app

from test_coordination import BURST_ACCOUNTS, demo_db  # noqa: F401  (module fixture)


@pytest.fixture(scope="module")
def client(demo_db, tmp_path_factory):  # noqa: F811
    import shutil

    from factwatch.analysis.shares import detect_coordination
    from factwatch.store import open_store

    db = tmp_path_factory.mktemp("coord-web") / "factwatch.db"
    shutil.copy(demo_db, db)
    with open_store(str(db)) as store:
        detect_coordination(store)
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db)) as c:
        yield c


def test_api_lists_stored_networks_by_kind(client):
    data = client.get("/api/coordination?kind=url").json()
    assert data["total"] == 1 and data["kind"] == "url"
    (net,) = data["networks"]
    assert set(net["accounts"]) == BURST_ACCOUNTS and net["parameters"]["window"] == 60.0
    every = client.get("/api/coordination").json()
    assert every["total"] >= 2 and {n["kind"] for n in every["networks"]} >= {"url", "text"}


def test_network_page_and_api_show_accounts_edges_and_objects(client):
    net_id = client.get("/api/coordination?kind=url").json()["networks"][0]["id"]
    detail = client.get(f"/api/coordination/{net_id}").json()["network"]
    assert {a["account"] for a in detail["account_details"]} == BURST_ACCOUNTS
    assert detail["edge_list"] and detail["top_objects"][0][0].startswith("https://demo-")
    page = client.get(f"/coordination/{net_id}")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    assert "vuk_sumadija" in page.text
    # Scripts only from /static (the graph) and JSON data blocks: nothing inline runs.
    scripts = re.findall(r"<script([^>]*)>", page.text)
    assert scripts and all('src="/static/' in a or a.strip() == 'type="application/json" id="network-graph-data"'
                           for a in scripts)
    listing = client.get("/coordination?kind=text")
    assert listing.status_code == 200 and "/coordination/" in listing.text


@pytest.mark.parametrize("path,status,needle", [
    ("/api/coordination?kind=emoji", 400, "not an object kind"),
    ("/api/coordination/url-000000000000", 404, "No coordination network"),
    ("/api/coordination?limit=0", 400, "limit"),
])
def test_bad_requests_say_what_to_fix(client, path, status, needle):
    res = client.get(path)
    assert res.status_code == status
    assert needle in res.text
