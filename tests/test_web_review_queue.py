"""The review queue and the audit list (issue 10): candidate matches, narrative labels and
candidate narratives wait for an analyst; confirm/reject with an optional note stores who and
when (the trust issue's decisions, through respond/review.py and the store's narrative reviews);
every decision shows in the audit list. Real database, real server, real chromium for the keys.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from _live import CHROMIUM, CHROMIUM_ARGS, add_user, bearer, browser_login, live_dashboard, login, needs_chromium
from _workbench import FALSE_CLAIM, LATIN_COPY, build


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = build(tmp_path_factory.mktemp("review_queue"))
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


def queue(base: str, api: dict[str, str], kind: str | None = None) -> dict:
    r = httpx.get(f"{base}/api/review" + (f"?kind={kind}" if kind else ""), headers=api)
    assert r.status_code == 200, r.text
    return r.json()


def test_queue_holds_all_three_kinds(base, api):
    q = queue(base, api)
    assert {m["claim_text"] for m in q["matches"]} == {FALSE_CLAIM, LATIN_COPY}
    assert all(m["decision"] is None and m["item_id"] == m["match_id"] for m in q["matches"])
    assert [l["narrative_id"] for l in q["narrative_labels"]] == ["test-church", "test-church"]
    assert q["narrative_labels"][0]["score"] > q["narrative_labels"][1]["score"]  # most certain first
    assert len(q["candidate_narratives"]) >= 1 and all(c["size"] >= 3 for c in q["candidate_narratives"])
    assert q["counts"]["match"] == 2 and q["counts"]["narrative"] == 2
    assert q["counts"]["candidate"] == len(q["candidate_narratives"])  # counted in SQL, listed in full
    with httpx.Client(base_url=base) as c:
        login(c, "vera", base=base)
        page = c.get("/review").text
    assert page.count('class="queue-item"') == sum(q["counts"].values())
    assert '<script src="/static/workbench.js" defer></script>' in page and "Deciding needs the analyst role" in page
    assert 'class="decide"' not in page  # a viewer gets no buttons that would only answer 403
    assert httpx.get(f"{base}/api/review").status_code == 401


def test_confirm_a_match_by_form_with_a_note(base, api):
    match = queue(base, api, "match")["matches"][0]
    with httpx.Client(base_url=base) as c:
        csrf = login(c, "ana", base=base)
        r = c.post("/review/decide", data={"csrf_token": csrf, "kind": "match", "item": match["item_id"],
                                           "decision": "confirmed", "note": "same claim", "next": "/review?kind=match"})
        assert r.status_code == 303 and r.headers["location"] == "/review?kind=match"
        claim = c.get(f"/api/claims/{match['claim_id']}").json()
        review = claim["claim"]["review"]
        assert review["decision"] == "confirmed" and review["reviewer"] == "ana" and review["note"] == "same claim"
        audit = c.get("/audit").text
        assert "confirmed fact-check" in audit and "same claim" in audit
    assert match["item_id"] not in {m["item_id"] for m in queue(base, api, "match")["matches"]}
    entries = httpx.get(f"{base}/api/audit?kind=match", headers=api).json()["entries"]
    assert entries[0]["who"] == "ana" and entries[0]["note"] == "same claim" and entries[0]["at"].endswith("Z")


def test_decisions_need_an_analyst_and_a_csrf_token(base, api, db):
    item = queue(base, api, "match")["matches"][0]["item_id"]
    with httpx.Client(base_url=base) as c:
        login(c, "ana", base=base)
        assert c.post("/review/decide", data={"kind": "match", "item": item, "decision": "rejected"}).status_code == 403
    with httpx.Client(base_url=base) as c:
        csrf = login(c, "vera", base=base)
        assert c.post("/review/decide", data={"csrf_token": csrf, "kind": "match", "item": item,
                                              "decision": "rejected"}).status_code == 403
    body = {"kind": "match", "item": item, "decision": "rejected"}
    assert httpx.post(f"{base}/api/review/decisions", json=body).status_code == 401
    assert httpx.post(f"{base}/api/review/decisions", json=body,
                      headers=bearer(db, "viewer", name="vera")).status_code == 403
    assert item in {m["item_id"] for m in queue(base, api, "match")["matches"]}  # nothing was decided


def test_next_never_leaves_the_site(base, api):
    item = queue(base, api, "narrative")["narrative_labels"][-1]["item_id"]
    with httpx.Client(base_url=base) as c:
        csrf = login(c, "ana", base=base)
        r = c.post("/review/decide", data={"csrf_token": csrf, "kind": "narrative", "item": item,
                                           "decision": "confirmed", "next": "//evil.example/x"})
        assert r.status_code == 303 and r.headers["location"] == "/review"


def test_reject_a_narrative_label_by_api(base, api):
    before = queue(base, api, "narrative")
    item = before["narrative_labels"][0]["item_id"]
    r = httpx.post(f"{base}/api/review/decisions", headers=api,
                   json={"kind": "narrative", "item": item, "decision": "rejected", "note": "about Montenegro"})
    assert r.status_code == 201, r.text
    stored = r.json()
    assert stored["decision"] == "rejected" and stored["reviewer"] == "ana" and stored["note"] == "about Montenegro"
    after = queue(base, api, "narrative")
    assert item not in {l["item_id"] for l in after["narrative_labels"]}
    assert after["counts"]["narrative"] == before["counts"]["narrative"] - 1
    bad = httpx.post(f"{base}/api/review/decisions", headers=api,
                     json={"kind": "narrative", "item": "x:y", "decision": "rejected"})
    assert bad.status_code == 400 and "DOCUMENT[.CLAIM]:NARRATIVE" in bad.json()["error"]
    missing = httpx.post(f"{base}/api/review/decisions", headers=api,
                         json={"kind": "match", "item": "999999.1", "decision": "confirmed"})
    assert missing.status_code == 404
    # Ids past SQLite's 64-bit integers overflowed in the driver (a 500).
    for kind, item in [("match", "99999999999999999999.1"), ("narrative", "99999999999999999999.1:x"),
                       ("candidate", "99999999999999999999")]:
        huge = httpx.post(f"{base}/api/review/decisions", headers=api,
                          json={"kind": kind, "item": item, "decision": "rejected"})
        assert huge.status_code == 404 and huge.json()["error"], (kind, huge.text)


def test_candidate_narratives_confirm_promotes_reject_removes(base, api):
    cands = queue(base, api, "candidate")["candidate_narratives"]
    first = cands[0]["item_id"]
    r = httpx.post(f"{base}/api/review/decisions", headers=api,
                   json={"kind": "candidate", "item": first, "decision": "confirmed", "title": "Vaccine microchips"})
    assert r.status_code == 201, r.text
    narrative_id = r.json()["narrative_id"]
    assert narrative_id == f"discovered-{first}"
    narrative = httpx.get(f"{base}/api/narratives/{narrative_id}", headers=api)
    assert narrative.status_code == 200 and "Vaccine microchips" in narrative.text
    assert first not in {c["item_id"] for c in queue(base, api, "candidate")["candidate_narratives"]}
    again = httpx.post(f"{base}/api/review/decisions", headers=api,
                       json={"kind": "candidate", "item": first, "decision": "confirmed"})
    assert again.status_code == 400 and "promoted" in again.json()["error"]
    audit = httpx.get(f"{base}/api/audit?kind=candidate", headers=api).json()["entries"]
    assert audit[0]["action"] == f"confirmed as {narrative_id}" and audit[0]["who"] == "ana"


def test_rejected_candidate_narrative_leaves_the_queue(tmp_path):
    """Needs an open candidate of its own: a fresh copy of the database, through the service."""
    from factwatch.respond import workflow
    from factwatch.store import open_store

    with open_store(str(build(tmp_path)), access="write") as store:
        cand = workflow.review_queue(store, kind="candidate").candidates[0]
        workflow.decide(store, "candidate", str(cand.id), "rejected", who="ana", note="weather chatter")
        after = workflow.review_queue(store, kind="candidate")
        assert cand.id not in {c.id for c in after.candidates} and after.counts["candidate"] == len(after.candidates)
        assert store.get_discovery_cluster(cand.id).status == "open"  # not promoted, only out of the queue
        entries, total = store.audit_entries(kind="candidate")
        assert total == 1 and entries[0].note == "weather chatter" and entries[0].action == "rejected"


@needs_chromium
def test_keyboard_confirm_with_a_note_persists(base, api, db):
    from playwright.sync_api import sync_playwright

    add_user(db, "keys", "analyst")
    pending = queue(base, api, "match")["matches"]
    assert pending, "an earlier test decided every match; the keyboard needs one left"
    target = pending[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            browser_login(page, base, "keys")
            page.goto(f"{base}/review?kind=match")
            first = page.locator(".queue-item").first
            assert first.get_attribute("data-item") == target["item_id"]
            assert "selected" in (first.get_attribute("class") or "")
            page.keyboard.press("j")  # moves on (only when there is a next item) and back with k
            page.keyboard.press("k")
            assert "selected" in (first.get_attribute("class") or "")
            page.keyboard.press("n")
            page.keyboard.type("typed with the keyboard")
            page.keyboard.press("Escape")
            with page.expect_navigation():
                page.keyboard.press("c")
            assert page.url.endswith("/review?kind=match&limit=50&offset=0")  # back on the same page
            assert target["item_id"] not in {el.get_attribute("data-item") for el in page.locator(".queue-item").all()}
            page.goto(f"{base}/audit?kind=match")
            row = page.locator("table.audit tbody tr").first
            assert "keys" in row.inner_text() and "typed with the keyboard" in row.inner_text()
            assert errors == []
        finally:
            browser.close()
    claim = httpx.get(f"{base}/api/claims/{target['claim_id']}", headers=api).json()["claim"]
    assert claim["review"]["decision"] == "confirmed" and claim["review"]["reviewer"] == "keys"


def test_a_claim_level_label_of_a_narrative_id_with_colons(tmp_path):
    """Catalogue ids may hold ':' (and SemEval's hold '.'): the item id puts the narrative last.
    With DOCUMENT:NARRATIVE:CLAIM such a label could not be decided at all."""
    from factwatch.models import Narrative, NewNarrativeAssignment
    from factwatch.respond import workflow
    from factwatch.store import open_store

    with open_store(str(build(tmp_path)), access="write") as store:
        store.save_narratives("urw", [Narrative(id="URW:blame.the-west", catalogue="urw", title="Blame the West",
                                                description="d", label="URW: Blame the West")])
        claim = store.list_claim_rows(limit=1)[0]
        store.save_narrative_assignments([claim.document_id], [NewNarrativeAssignment(
            document_id=claim.document_id, claim_id=claim.id, narrative_id="URW:blame.the-west", score=0.99,
            evidence="x")], stage="test-urw", cursor="1")
        label = next(l for l in workflow.review_queue(store, kind="narrative").labels
                     if l.narrative_id == "URW:blame.the-west")
        item = workflow.narrative_item_id(label)
        assert item == f"{claim.document_id}.{claim.id}:URW:blame.the-west"
        stored = workflow.decide(store, "narrative", item, "confirmed", who="ana")
        assert (stored["claim_id"], stored["narrative_id"], stored["reviewer"]) == (claim.id, "URW:blame.the-west", "ana")
        assert all(l.narrative_id != "URW:blame.the-west" for l in workflow.review_queue(store, kind="narrative").labels)
