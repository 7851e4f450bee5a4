"""The fact base in the workbench (issue 10): search across scripts, the number of claims each
fact-check addresses with a link to them, add and edit fact-checks and facts (forms and /api),
"create a fact-check from this claim" carried through `analyze` to a match, and matching an
article by its URL with ingest/web.py's address rules. Real database, server, pipeline, HTTP.
"""

from __future__ import annotations

import html
import http.server
import re
import threading
from pathlib import Path

import httpx
import pytest

from _live import add_user, bearer, live_dashboard, login
from _workbench import FALSE_CLAIM, LATIN_COPY, UNADDRESSED, build

CHURCH_URL = "https://factcheck.example.org/kosovo-church-ban"
KFOR_URL = "https://factcheck.example.org/kfor-mitrovica"
KFOR_CLAIM = "Vojnici KFOR-a pucali su na srpske civile u Severnoj Mitrovici."


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = build(tmp_path_factory.mktemp("facts_edit"))
    add_user(path, "ana", "analyst")
    add_user(path, "vera", "viewer")
    return path


@pytest.fixture(scope="module")
def base(db):
    with live_dashboard(db) as url:
        yield url


@pytest.fixture(scope="module")
def api(db) -> dict[str, str]:
    return bearer(db, "analyst", name="ana")


@pytest.fixture(scope="module")
def analyst(base):
    client = httpx.Client(base_url=base)
    csrf = login(client, "ana", base=base)
    yield client, csrf
    client.close()


def church(base: str, api: dict[str, str]) -> dict:
    found = httpx.get(f"{base}/api/facts?q=church", headers=api).json()["fact_checks"]
    return next(fc for fc in found if fc["url"] == CHURCH_URL)


def claim_ids(base: str, api: dict[str, str]) -> dict[str, int]:
    return {c["text"]: c["id"] for c in httpx.get(f"{base}/api/claims?min_score=0&limit=500", headers=api).json()["claims"]}


def test_search_across_scripts(base, api):
    assert {fc["url"] for fc in httpx.get(f"{base}/api/facts?q=Orthodox", headers=api).json()["fact_checks"]} == {CHURCH_URL}
    # Cyrillic query, Latin translation stored: found through the passages' Latin key.
    cyr = httpx.get(f"{base}/api/facts?q=Српску православну", headers=api).json()
    assert [fc["url"] for fc in cyr["fact_checks"]] == [CHURCH_URL] and cyr["total"] == 1
    facts = httpx.get(f"{base}/api/facts/facts?q=UNESCO", headers=api).json()
    assert facts["total"] == 1 and facts["facts"][0]["source"] == "UNESCO"
    assert httpx.get(f"{base}/api/facts?q=nothing-like-this", headers=api).json()["total"] == 0


def test_count_and_link_to_the_claims_a_fact_check_addresses(base, api, analyst):
    client, _ = analyst
    fc = church(base, api)
    assert fc["addressed_claims"] == 2
    listed = httpx.get(f"{base}{fc['claims_url']}", headers=api).json()
    assert {c["text"] for c in listed["claims"]} == {FALSE_CLAIM, LATIN_COPY}
    page = client.get("/facts?q=church").text
    assert f'<a class="addressed-count" href="/claims?fact_check={fc["id"]}&amp;min_score=0">2</a>' in page
    # An analyst's rejection takes the claim out of the count and the list.
    latin = claim_ids(base, api)[LATIN_COPY]
    r = httpx.post(f"{base}/api/review/decisions", headers=api,
                   json={"kind": "match", "item": f"{latin}.1", "decision": "rejected"})
    assert r.status_code == 201
    assert church(base, api)["addressed_claims"] == 1
    assert {c["text"] for c in httpx.get(f"{base}{fc['claims_url']}", headers=api).json()["claims"]} == {FALSE_CLAIM}


def test_create_a_fact_check_from_a_claim_then_analyze_matches_it(base, api, analyst, db):
    client, csrf = analyst
    claim = claim_ids(base, api)[UNADDRESSED]
    page = client.get(f"/claims/{claim}").text
    assert f'href="/facts/checks/new?from_claim={claim}"' in page and "Create a fact-check from this claim" in page
    form = client.get(f"/facts/checks/new?from_claim={claim}").text
    assert f">{html.escape(UNADDRESSED, quote=False)}</textarea>" in form
    r = client.post("/facts/checks", data={
        "csrf_token": csrf, "from_claim": str(claim), "claim": UNADDRESSED, "language": "sr", "verdict": "False",
        "rebuttal": "Vlada nije usvojila takav zakon; izvoz litijuma nije zabranjen.",
        "url": "https://factcheck.example.org/litijum", "publisher": "Team desk"}, follow_redirects=False)
    assert r.status_code == 303 and re.fullmatch(r"/facts/checks/\d+", r.headers["location"])
    shown = client.get(r.headers["location"]).text
    assert "ana created" in shown and f'href="/claims/{claim}">claim {claim}</a>' in shown
    fc_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert client.get(f"/api/facts/checks/{fc_id}").json()["addressed_claims"] == 0  # not embedded yet
    # The next analyze embeds the new fact-check and rematches every claim against it.
    from factwatch.pipeline import run_pipeline
    from factwatch.store import open_store

    with open_store(str(db), access="write") as store:
        run_pipeline(store)
    got = httpx.get(f"{base}/api/claims/{claim}", headers=api).json()
    assert got["claim"]["addressed"] is True and got["claim"]["match_fact_check_id"] == fc_id
    assert client.get(f"/api/facts/checks/{fc_id}").json()["addressed_claims"] == 1
    audit = httpx.get(f"{base}/api/audit?kind=fact", headers=api).json()["entries"]
    assert audit[0]["action"] == f"created fact-check {fc_id}" and audit[0]["who"] == "ana"


def test_edit_a_fact_check_keeps_what_it_was(base, api, db):
    fc = church(base, api)
    r = httpx.put(f"{base}/api/facts/checks/{fc['id']}", headers=api, json={"verdict": "Misleading"})
    assert r.status_code == 200 and r.json()["verdict"] == "Misleading" and r.json()["claim"] == fc["claim"]
    from factwatch.store import open_store

    with open_store(str(db), access="read") as store:
        edits = store.fact_edits("fact_check", fc["id"])
        passages = [p for p in store.fact_passages() if p.target == "fact_check" and p.target_id == fc["id"]]
    assert edits[-1]["action"] == "edited" and edits[-1]["editor"] == "ana" and '"verdict": "False"' in edits[-1]["before"]
    assert passages == []  # dropped: the next analyze embeds the edited text
    for bad, message in [({"url": "javascript:alert(1)"}, "http"), ({"claim": ""}, "empty"),
                         ({"language": "serbian"}, "language")]:
        r = httpx.put(f"{base}/api/facts/checks/{fc['id']}", headers=api, json=bad)
        assert r.status_code == 400 and message in r.json()["error"]
    assert httpx.put(f"{base}/api/facts/checks/999999", headers=api, json={"verdict": "x"}).status_code == 404


def test_facts_by_form_and_api_and_hostile_text_stays_text(base, api, analyst):
    client, csrf = analyst
    r = client.post("/facts/facts", data={"csrf_token": csrf, "statement": "<script>alert(3)</script> KFOR statement",
                                          "source": "KFOR", "url": "https://jfcnaples.nato.int/kfor"},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page and "<script>alert(3)" not in page
    fact_id = int(r.headers["location"].rsplit("/", 1)[1])
    r = httpx.put(f"{base}/api/facts/facts/{fact_id}", headers=api, json={"source": "KFOR press office"})
    assert r.status_code == 200 and r.json()["source"] == "KFOR press office"
    r = httpx.post(f"{base}/api/facts/facts", headers=api, json={"statement": "Ministry: exports are not banned."})
    assert r.status_code == 201 and r.json()["statement"] == "Ministry: exports are not banned."
    dup = httpx.post(f"{base}/api/facts/facts", headers=api, json={"statement": "Ministry: exports are not banned."})
    assert dup.status_code == 400 and "already" in dup.json()["error"]
    assert httpx.post(f"{base}/api/facts/facts", headers=api, json={"source": "x"}).status_code == 400


def test_fact_base_writes_need_an_analyst_and_csrf(base, db, analyst):
    client, _ = analyst
    assert client.post("/facts/facts", data={"statement": "no token"}).status_code == 403
    with httpx.Client(base_url=base) as viewer:
        csrf = login(viewer, "vera", base=base)
        assert viewer.post("/facts/facts", data={"csrf_token": csrf, "statement": "viewer"}).status_code == 403
        assert viewer.get("/facts/checks/new").status_code == 403
        assert "Add a fact-check" not in viewer.get("/facts").text
    assert httpx.post(f"{base}/api/facts/checks", json={"claim": "x"}).status_code == 401
    assert httpx.post(f"{base}/api/facts/checks", json={"claim": "x"},
                      headers=bearer(db, "viewer", name="vera")).status_code == 403


# -- match a URL --------------------------------------------------------------------------------

@pytest.fixture()
def article_server():
    body = (f"<html><head><title>Vest</title></head><body><article><h1>Skandal</h1>"
            f"<p>{KFOR_CLAIM}</p></article></body></html>")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/vest"
    server.shutdown()


def test_match_a_url(base, api, analyst, article_server, monkeypatch):
    """The page holds one claim: a whole article's decision is the matcher's business, not this test's."""
    client, _ = analyst
    # A loopback address is refused by default (the fetch rules of ingest/web.py).
    refused = httpx.get(f"{base}/api/match", params={"url": article_server}, headers=api)
    assert refused.status_code == 502 and "127.0.0.1" in refused.json()["error"]
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")  # the test's own server is on loopback
    r = httpx.get(f"{base}/api/match", params={"url": article_server}, headers=api, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["addressed"] is True and r.json()["matches"][0]["url"] == KFOR_URL
    page = client.get("/match", params={"url": article_server}, timeout=60).text
    assert "Matched the article at" in page and KFOR_URL in page
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/x"):
        r = httpx.get(f"{base}/api/match", params={"url": bad}, headers=api)
        assert r.status_code == 400 and "http(s)" in r.json()["error"]
    both = httpx.get(f"{base}/api/match", params={"url": article_server, "text": "x"}, headers=api)
    assert both.status_code == 400
