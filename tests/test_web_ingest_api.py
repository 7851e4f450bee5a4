"""Ingestion over HTTP (issue 10): POST /api/documents and POST /api/ingest on a real server.

A real uvicorn on 127.0.0.1 over a real SQLite file; users and tokens made with the accounts
service. The answers are checked against what the store then holds (GET /api/documents/{id},
/api/runs/{id}), so a route that said "inserted" without storing would fail.
"""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from _live import bearer, live_dashboard
from factwatch.store import open_store


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("ingest_api") / "fw.db"
    open_store(str(db)).close()
    analyst, viewer = bearer(db, "analyst"), bearer(db, "viewer")
    with live_dashboard(db) as url, httpx.Client(base_url=url, trust_env=False, timeout=60) as http:
        yield http, analyst, viewer, db


def test_post_document_stores_it_with_a_stable_id(server):
    http, analyst, _, _ = server
    doc = {"text": "НАТО је бомбардовао Србију 1999. године, кажу извори.", "source": "api-test",
           "title": "НАТО", "published_at": "2026-03-01T10:00:00Z", "url": "https://example.org/a/1"}
    r = http.post("/api/documents", json=doc, headers=analyst)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["inserted"] == 1 and body["rejected"] == 0 and body["rejections"] == []
    stored = http.get(f"/api/documents/{body['document_id']}", headers=analyst).json()
    assert stored["text"] == doc["text"] and stored["source"] == "api-test"
    assert stored["script"] == "Cyrl" and stored["published_at"].startswith("2026-03-01T10:00")
    assert stored["platform"] == "api"
    run = http.get(f"/api/runs/{body['run_id']}", headers=analyst).json()["run"]
    assert run["inserted"] == 1 and run["status"] == "done"

    again = http.post("/api/documents", json=doc, headers=analyst)  # a rerun adds nothing
    assert again.status_code == 200, again.text
    assert again.json()["duplicates"] == 1 and again.json()["document_id"] is None


def test_post_document_rejection_says_why(server):
    http, analyst, _, _ = server
    # Only markup: empty after cleaning, so the loader rejects it as the CLI would.
    r = http.post("/api/documents", json={"text": "<p><br></p>", "source": "api-test"}, headers=analyst)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["rejected"] == 1 and "empty text" in body["error"]
    assert body["rejections"][0]["reason"] == body["error"]


@pytest.mark.parametrize("payload,needle", [
    ({"source": "x"}, "text"),                             # no text
    ({"text": "hello there", "source": "x", "evil": 1}, "evil"),  # unknown field: a typo is not dropped silently
    ({"text": "hello there", "source": "x", "platform": "A B"}, "platform"),
])
def test_post_document_bad_json_is_a_400_naming_the_field(server, payload, needle):
    http, analyst, _, _ = server
    r = http.post("/api/documents", json=payload, headers=analyst)
    assert r.status_code == 400 and needle in r.json()["error"], r.text


def test_writes_need_an_analyst(server):
    http, _, viewer, _ = server
    doc = {"text": "A viewer may read but not write.", "source": "api-test"}
    assert http.post("/api/documents", json=doc).status_code == 401
    assert http.post("/api/documents", json=doc, headers={"Authorization": "Bearer nope"}).status_code == 401
    r = http.post("/api/documents", json=doc, headers=viewer)
    assert r.status_code == 403 and "analyst" in r.json()["error"]
    files = {"file": ("a.jsonl", b'{"text": "x y z"}\n')}
    assert http.post("/api/ingest", files=files, headers=viewer).status_code == 403


def test_post_file_reports_each_rejected_record(server):
    http, analyst, _, _ = server
    lines = [
        json.dumps({"text": "Vučić je rekao da Srbija neće uvesti sankcije Rusiji.", "source": "upload-src", "id": "1"}),
        "{not json",
        json.dumps({"text": "", "source": "upload-src", "id": "3"}),
        json.dumps({"text": "Kosovo i Srbija nastavljaju dijalog u Briselu.", "source": "upload-src", "id": "4"}),
    ]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    r = http.post("/api/ingest", files={"file": ("../../etc/posts.jsonl.gz", data)}, data={"format": "auto"},
                  headers=analyst)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["inserted"], body["rejected"]) == (2, 2)
    assert [x["position"] for x in body["rejections"]] == ["line 2", "line 3"]
    # The run names the upload (its directories dropped) and who sent it, not a temporary path.
    run = http.get(f"/api/runs/{body['run_id']}", headers=analyst).json()["run"]
    assert run["input"] == "upload posts.jsonl.gz by test-analyst"
    docs = http.get("/api/documents", params={"source": "upload-src"}, headers=analyst).json()
    assert docs["total"] == 2
    # The same file again: nothing new, as with `factwatch ingest`.
    again = http.post("/api/ingest", files={"file": ("posts.jsonl.gz", data)}, headers=analyst).json()
    assert (again["inserted"], again["duplicates"]) == (0, 2)


def test_post_file_with_explicit_format_and_source(server):
    http, analyst, _, _ = server
    csv = "text,date\nPrva vest o izborima u Crnoj Gori.,2026-02-02\nDruga vest o vizama za Evropu.,2026-02-03\n"
    r = http.post("/api/ingest", files={"file": ("export.txt", csv.encode())},
                  data={"format": "csv", "source": "csv-upload"}, headers=analyst)
    assert r.status_code == 201, r.text
    assert r.json()["inserted"] == 2
    assert http.get("/api/documents", params={"source": "csv-upload"}, headers=analyst).json()["total"] == 2


@pytest.mark.parametrize("files,form,needle", [
    ({"file": ("empty.jsonl", b"")}, {}, "empty"),
    ({"file": ("a.jsonl", b"{}\n")}, {"format": "pdf"}, "format"),
    ({"file": ("bin.dat", bytes(range(256)) * 10)}, {}, ""),  # garbage: an error, never a 500
])
def test_post_file_bad_input_is_an_error_not_a_500(server, files, form, needle):
    http, analyst, _, _ = server
    r = http.post("/api/ingest", files=files, data=form, headers=analyst)
    assert 400 <= r.status_code < 500, r.text
    assert needle in r.json()["error"]



def test_an_upload_over_the_cap_is_refused_before_parsing(server, monkeypatch):
    from factwatch.web.routers import ingest_api

    http, analyst, _, _ = server
    runs_before = len(http.get("/api/runs", headers=analyst).json()["runs"])
    monkeypatch.setattr(ingest_api, "MAX_UPLOAD_BYTES", 4096)  # the server runs in this process
    line = json.dumps({"text": "Dugačak zapis o vizama i granicama.", "source": "big"}) + "\n"
    r = http.post("/api/ingest", files={"file": ("big.jsonl", (line * 200).encode())}, headers=analyst)
    assert r.status_code == 400 and "split it" in r.json()["error"], r.text
    assert len(http.get("/api/runs", headers=analyst).json()["runs"]) == runs_before  # nothing was started
