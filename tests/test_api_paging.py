"""The /api lists that did not page before issue 10's paging pass, each paged on rows of its own.

Each list gets three or more rows written through the store (saved searches, alerts, candidate
narratives, users, published cards, fact-checks, facts), then: the first page of one row, the
second page, the total, the page size capped at 500, and a bad ``limit`` answered with a 400 JSON
message naming it. The store is test_web_claims' (documents, claims and a fact base, analysed).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import add_user, bearer
from test_web_claims import db  # noqa: F401  (module-scoped store with a fact base and matches)

# path -> the key its rows are under
LISTS = {
    "/api/saved": "saved_searches",
    "/api/alerts": "alerts",
    "/api/discovery": "candidates",
    "/api/users": "users",
    "/api/published": "published",
    "/api/facts": "fact_checks",
    "/api/facts/facts": "facts",
}


@pytest.fixture(scope="module")
def client(db: Path):  # noqa: F811
    from factwatch.models import NewAlert, NewClaim, NewDocument
    from factwatch.text.script import latin_key
    from factwatch.store import open_store
    from factwatch.store._discovery import ClusterState
    from factwatch.web.app import create_app

    with open_store(str(db)) as store:
        for name in ("paging vize", "paging Kosovo", "paging NATO"):
            store.save_search(name, "/documents", f"q={name.split()[1]}", owner="test")
        store.save_alerts([NewAlert(key=f"paging-{i}", kind="spike", narrative_id=None, subject=None,
                                    at=f"2026-01-0{i}T00:00:00Z", score=0.001, summary=f"spike {i}")
                           for i in (1, 2, 3)], stage="test-paging", cursor="3")
        claim_ids = [r[0] for r in store._query("SELECT id FROM claims ORDER BY id LIMIT 3")]
        assert len(claim_ids) == 3
        # Candidates with dated members: the largest's claim is of March 2024, the second's of
        # May, so a candidate's growth ("last 7 days" of the data's latest date) depends on the
        # whole list, and a page must not compute it from its own rows only.
        run_id = store.start_run("ingest", "tests/test_api_paging.py")
        dated: list[int] = []
        for day in ("2024-03-01", "2024-05-01"):
            text = f"Vlada je {day} objavila da Srbiji od januara trebaju vize."
            store.insert_documents([NewDocument(platform="web", source="paging", text=text, language="sr",
                                                script="Latn", latin_key=latin_key(text, "sr"), content_hash=day,
                                                position=day, published_at=f"{day}T08:00:00Z")], run_id=run_id)
            doc_id = store._query("SELECT id FROM documents WHERE content_hash = ?", (day,))[0][0]
            store.insert_claims([NewClaim(document_id=doc_id, start=0, end=len(text), text=text, language="sr",
                                          latin_key=latin_key(text, "sr"), score=0.9)])
            dated.append(store._query("SELECT id FROM claims WHERE document_id = ?", (doc_id,))[0][0])
        first = store.discovery_next_cluster_id()
        store.save_discovery_batch([ClusterState(id=first + i, status="open", size=10 - i, vector_sum=b"\0" * 16)
                                    for i in range(3)], [(dated[0], first, 0.9), (dated[1], first + 1, 0.9)],
                                   stage="test-paging", cursor="0")
        for cid in claim_ids:
            store.publish_card(cid, language="sr", card={}, claim_review={}, who="test")
    for name in ("paging-a", "paging-b"):
        add_user(db, name, "viewer")
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db, "admin")) as c:
        yield c


@pytest.mark.parametrize("path", sorted(LISTS))
def test_each_list_pages_with_a_total(client, path):
    key = LISTS[path]
    whole = client.get(path, params={"limit": 500})
    assert whole.status_code == 200, whole.text[:300]
    body = whole.json()
    total = body["total"]
    assert total >= 2 and len(body[key]) == total, (path, total)
    assert (body["limit"], body["offset"], body["next_offset"]) == (500, 0, None)
    first = client.get(path, params={"limit": 1}).json()
    second = client.get(path, params={"limit": 1, "offset": 1}).json()
    assert first[key] == body[key][:1] and second[key] == body[key][1:2], path
    assert (first["total"], second["total"]) == (total, total)
    assert first["next_offset"] == 1 and second["next_offset"] == (2 if total > 2 else None)
    last = client.get(path, params={"limit": 1, "offset": total - 1}).json()
    assert last[key] == body[key][-1:] and last["next_offset"] is None
    assert client.get(path, params={"offset": total}).json()[key] == []
    # Without limit: the default page of 50, which holds these few rows.
    assert client.get(path).json()["limit"] == 50


@pytest.mark.parametrize("path", sorted(LISTS))
@pytest.mark.parametrize("bad", ["0", "501", "ten", "-3"])
def test_a_bad_limit_is_a_400_json_message(client, path, bad):
    r = client.get(path, params={"limit": bad})
    assert r.status_code == 400, (path, bad, r.status_code, r.text[:200])
    assert r.headers["content-type"].startswith("application/json")
    message = r.json()["error"]
    assert "limit" in message and ("500" in message or bad == "ten"), message


def test_alerts_page_keeps_its_filter(client):
    kinds = client.get("/api/alerts", params={"kind": "spike", "limit": 2}).json()
    assert kinds["kind"] == "spike" and len(kinds["alerts"]) == 2 and kinds["total"] >= 3
    assert all(a["kind"] == "spike" for a in kinds["alerts"])
    assert client.get("/api/alerts", params={"kind": "nonsense"}).status_code == 400
    since = client.get("/api/alerts", params={"since": "2026-01-02", "kind": "spike"}).json()
    assert since["total"] == kinds["total"] - 1  # the alert of 1 January is before it


def test_discovery_pages_largest_first(client):
    body = client.get("/api/discovery", params={"min_size": 8}).json()
    assert [c["size"] for c in body["candidates"]] == [10, 9, 8] and body["total"] == 3
    # Growth is measured up to the latest claim of all candidates (May), on every page alike.
    assert (body["candidates"][0]["last_7_days"], body["candidates"][1]["last_7_days"]) == (0, 1)
    assert client.get("/api/discovery", params={"min_size": 8, "limit": 1}).json()["candidates"] == body["candidates"][:1]
    assert [c["size"] for c in client.get("/api/discovery", params={"min_size": 8, "limit": 1, "offset": 2})
            .json()["candidates"]] == [8]


def test_the_fact_base_is_two_lists_each_with_its_total(client):
    checks = client.get("/api/facts").json()
    facts = client.get("/api/facts/facts").json()
    assert "facts" not in checks and "total_fact_checks" not in checks
    assert checks["total"] == len(checks["fact_checks"]) and facts["total"] == len(facts["facts"])
    assert all("addressed_claims" in fc and fc["claims_url"].startswith("/api/claims?") for fc in checks["fact_checks"])


@pytest.mark.parametrize("path", sorted(LISTS))
def test_the_schema_says_how_each_list_pages(client, path):
    """/api/openapi.json (and /docs) name the rows' key and the paging fields, and the answer has them."""
    answer = client.get("/api/openapi.json").json()["paths"][path]["get"]["responses"]["200"]
    schema = answer["content"]["application/json"]["schema"]
    assert set(schema["required"]) == {LISTS[path], "total", "limit", "offset", "next_offset"}
    body = client.get(path, params={"limit": 2}).json()
    assert set(schema["required"]) <= set(body) and isinstance(body[LISTS[path]], list)
    assert all(isinstance(body[k], int) for k in ("total", "limit", "offset"))
    assert f"A page of {schema['properties'][LISTS[path]]['description']}" in client.get("/docs").text
