"""Candidates, not verdicts (issue 6 item 5) in the dashboard, its JSON API and `factwatch stats`.

One real database per module, built as an analyst builds it: `facts import`, `ingest`, `analyze`,
then `review confirm` and `review reject` (real subprocesses, real e5 matching). The dashboard
must show each automatic match as a candidate with the decision's stored probability, or the
analyst's decision; never the fact-check's verdict as the claim's; and read the stance the match
stage stored instead of working it out again.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import CHROMIUM, CHROMIUM_ARGS, add_user, bearer, browser_login, live_dashboard, needs_chromium
from test_cli_review import ok, run_cli

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "tests" / "data" / "web" / "facts.yaml"

CONFIRMED = "Влада Косова је забранила Српску православну цркву."  # repeats; an analyst confirms it
REPORTS = "Vlada Kosova je zabranila Srpsku pravoslavnu crkvu, tvrdi portal."  # attribution
DENIAL = "Лажна вест: Влада Косова није забранила Српску православну цркву."  # rejects the claim
REJECTED = "Vojnici KFOR-a pucali su na srpske civile u Severnoj Mitrovici."  # an analyst rejects it
PENDING = "Vlada u Prištini zabranila je Srpsku pravoslavnu crkvu."  # repeats; nobody decided yet
TRAM = "Skupština grada Beograda usvojila je plan nove tramvajske linije do Zemuna."
# Unaddressed, yet its best candidate's re-ranker score is high: the number a page shows must be
# the decision's probability, not that score (issue 6: "addressed" rows showed 0.07 or 0.47).
BUDGET = "Влада Србије усвојила је буџет за 2024. годину на седници у Београду."
SENTENCES = [CONFIRMED, REPORTS, DENIAL, REJECTED, PENDING, TRAM, BUDGET]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    tmp = tmp_path_factory.mktemp("web_review")
    db = tmp / "f.db"
    ok(run_cli("--db", str(db), "facts", "import", str(FACTS), "--json"))
    posts = tmp / "posts.jsonl"
    posts.write_text("".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n"
                             for i, t in enumerate(SENTENCES)), encoding="utf-8")
    ok(run_cli("--db", str(db), "ingest", str(posts), "--json"))
    ok(run_cli("--db", str(db), "analyze", "--json"))
    rows = json.loads(ok(run_cli("--db", str(db), "claims", "list", "--json")).stdout)["claims"]
    ids = {r["text"]: r["id"] for r in rows}
    assert set(ids) == set(SENTENCES)
    ok(run_cli("--db", str(db), "review", "confirm", f"{ids[CONFIRMED]}.1", "--note", "same claim, Cyrillic"))
    ok(run_cli("--db", str(db), "review", "reject", str(ids[REJECTED]), "--note", "other event", user="marko"))
    return db, ids


@pytest.fixture(scope="module")
def db(built) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def ids(built) -> dict[str, int]:
    return built[1]


@pytest.fixture(scope="module")
def client(db: Path):
    from factwatch.web.app import create_app

    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db)) as c:
        yield c


def stored_best(db: Path) -> dict[int, sqlite3.Row]:
    """Each claim's rank-1 match row, read straight from the table the match stage writes."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        return {r["claim_id"]: r for r in con.execute("SELECT * FROM claim_matches WHERE rank = 1")}
    finally:
        con.close()


def list_rows(page: str) -> dict[str, str]:
    """The /claims table rows by their sentence."""
    table = re.search(r'<table class="data claims">(.*?)</table>', page, flags=re.S)[1]
    rows = re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", table, flags=re.S)
    return {html.unescape(re.search(r'<td class="claim-text"[^>]*>(.*?)</td>', r, flags=re.S)[1]): r for r in rows}


def threshold() -> float:
    from factwatch.analysis.matching import calibration

    return float(calibration()["threshold"])


# -- the number shown is the decision's -----------------------------------------------------------

def test_the_shown_p_is_the_stored_decision_probability(client, db, ids):
    best = stored_best(db)
    # The corpus holds a row whose re-ranker score and decision probability differ on the page,
    # so showing the wrong one cannot pass.
    assert any(f"{r['score']:.2f}" != f"{r['probability']:.2f}" for r in best.values())
    rows = list_rows(client.get("/claims").text)
    api = {c["text"]: c for c in client.get("/api/claims").json()["claims"]}
    for text, row in rows.items():
        stored = best[ids[text]]
        shown = re.findall(r"p = (\d\.\d\d)", row)
        rejected = api[text]["review"] and api[text]["review"]["decision"] == "rejected"
        assert shown == ([] if rejected else [f"{stored['probability']:.2f}"]), text
        assert api[text]["probability"] == pytest.approx(stored["probability"])
        # Addressed exactly when p passes the decision's threshold: a low p never looks addressed.
        assert bool(stored["addressed"]) == (stored["probability"] >= threshold()) == api[text]["addressed"], text
        if not stored["addressed"] and api[text]["review"] is None:
            assert "not addressed" in row and "candidate fact-check" not in row, text


def test_claims_are_candidates_never_labelled_with_the_verdict(client, ids):
    rows = list_rows(client.get("/claims").text)
    for text in (REPORTS, DENIAL, PENDING):
        assert 'class="status status-candidate"' in rows[text] and "candidate fact-check</span>, " in rows[text]
    assert re.search(r"confirmed</span> <span class=\"review-by\">by ana on 20\d\d-\d\d-\d\d", rows[CONFIRMED])
    assert re.search(r"rejected</span> <span class=\"review-by\">by marko on 20\d\d-\d\d-\d\d", rows[REJECTED])
    for text in (CONFIRMED, REPORTS, DENIAL, PENDING, REJECTED):
        assert 'the fact-check rates its claim: <strong class="fc-verdict">False</strong>' in rows[text]
    for url in ("/claims", "/", f"/documents/{client.get(f'/api/claims/{ids[PENDING]}').json()['claim']['document_id']}"):
        page = client.get(url).text
        for table in re.findall(r'<table class="data claims[^"]*">(.*?)</table>', page, flags=re.S):
            assert 'class="verdict' not in table, url
    page = client.get(f"/claims/{ids[PENDING]}").text
    head = page[page.index("<h1>"):page.index('<div class="doc-layout">')]
    assert "candidate fact-check" in head and 'class="verdict' not in head
    assert 'href="/about#probability"' in head and "calibrated probability that this fact-check addresses" in head


def test_every_shown_p_links_to_its_explanation(client, ids):
    for url in ("/claims", "/", f"/claims/{ids[PENDING]}", f"/claims/{ids[CONFIRMED]}"):
        page = client.get(url).text
        shown = re.findall(r">p = \d\.\d\d<", page)
        linked = re.findall(r'<a class="p-value mono" href="/about#probability" title="p: calibrated probability[^"]*">p = \d\.\d\d<', page)
        assert shown and len(shown) == len(linked), url


def test_about_page_says_what_p_is_and_what_it_was_calibrated_on(client):
    from factwatch.analysis.matching import calibration

    page = client.get("/about").text
    assert 'id="probability"' in page and 'id="review"' in page and 'id="stance"' in page
    assert "calibrated probability that this fact-check addresses this sentence" in page
    assert f"{threshold():.2f}" in page
    assert html.escape(calibration()["decision"]["fitted_on"]) in page
    assert '<a href="/about" aria-current="page">About</a>' in page


# -- JSON -------------------------------------------------------------------------------------------

def test_api_rows_carry_candidate_probability_review_and_stance(client, db, ids):
    best = stored_best(db)
    claims = {c["text"]: c for c in client.get("/api/claims").json()["claims"]}
    for text, c in claims.items():
        assert {"candidate", "probability", "review", "stance"} <= set(c)
        assert c["stance"] == best[ids[text]]["stance"]
    assert claims[PENDING]["candidate"] is True and claims[PENDING]["review"] is None
    assert claims[PENDING]["stance"] == "repeats"
    assert claims[REPORTS]["stance"] == "reports" and claims[DENIAL]["stance"] == "rejects"
    confirmed = claims[CONFIRMED]
    assert confirmed["candidate"] is False
    assert set(confirmed["review"]) == {"decision", "reviewer", "decided_at", "note"}
    assert (confirmed["review"]["decision"], confirmed["review"]["reviewer"], confirmed["review"]["note"]) == (
        "confirmed", "ana", "same claim, Cyrillic")
    assert confirmed["review"]["decided_at"].startswith("20")
    assert claims[REJECTED]["candidate"] is False and claims[REJECTED]["review"]["decision"] == "rejected"
    assert claims[TRAM]["candidate"] is False and claims[TRAM]["review"] is None


def test_api_claim_detail_carries_the_same_and_each_match_its_review(client, ids):
    listed = {c["id"]: c for c in client.get("/api/claims").json()["claims"]}
    for text in (CONFIRMED, PENDING, REJECTED):
        body = client.get(f"/api/claims/{ids[text]}").json()
        assert body["claim"] == listed[ids[text]]
        assert all({"stance", "probability", "review"} <= set(m) for m in body["matches"])
    top = client.get(f"/api/claims/{ids[CONFIRMED]}").json()["matches"][0]
    assert top["review"]["decision"] == "confirmed" and top["review"]["reviewer"] == "ana"
    assert client.get(f"/api/claims/{ids[PENDING]}").json()["matches"][0]["review"] is None


# -- filters ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("query,expected", [
    ("review=confirmed", {CONFIRMED}),
    ("review=rejected", {REJECTED}),
    ("review=pending", {REPORTS, DENIAL, PENDING}),
    ("review=all", set(SENTENCES)),
    ("stance=reports", {REPORTS}),
    ("stance=rejects", {DENIAL}),
    ("review=pending&stance=repeats", {PENDING}),
    ("review=confirmed&stance=rejects", set()),
])
def test_review_and_stance_filters(client, query, expected):
    body = client.get(f"/api/claims?{query}").json()
    assert {c["text"] for c in body["claims"]} == expected and body["total"] == len(expected)
    page = client.get(f"/claims?{query}")
    assert page.status_code == 200 and set(list_rows(page.text)) == expected
    # The filter form keeps the choice, and paging links carry it.
    for name, value in re.findall(r"(review|stance)=(\w+)", query):
        if value != "all":
            assert f'<option value="{value}" selected>' in page.text


@pytest.mark.parametrize("query", ["review=maybe", "stance=denies", "review=%00"])
def test_bad_review_and_stance_filters_are_400(client, query):
    assert client.get(f"/claims?{query}").status_code == 400
    r = client.get(f"/api/claims?{query}")
    assert r.status_code == 400 and ("review" in r.json()["error"] or "stance" in r.json()["error"])


# -- cards ------------------------------------------------------------------------------------------

def test_confirmed_match_offers_a_confirmed_card(client, ids):
    cid = ids[CONFIRMED]
    page = client.get(f"/claims/{cid}").text
    assert "confirmed card" in page and "Drafts of a candidate match" not in page
    assert f'<article class="response-card" data-claim="{cid}">' in page
    card = client.get(f"/api/claims/{cid}/card").json()
    assert card["confirmed"] is True and card["draft_note"] is None and card["draft"]
    assert "CANDIDATE" not in client.get(f"/claims/{cid}/card.md").text


def test_unconfirmed_match_is_a_draft_of_a_candidate(client, ids):
    cid = ids[PENDING]
    page = client.get(f"/claims/{cid}").text
    assert "draft of a candidate" in page and "Drafts of a candidate match (unconfirmed)" in page
    card = client.get(f"/api/claims/{cid}/card").json()
    assert card["confirmed"] is False and card["draft"] and "CANDIDATE" in card["draft_note"]


def test_rejected_match_offers_no_card(client, ids):
    cid = ids[REJECTED]
    page = client.get(f"/claims/{cid}").text
    assert "No card: marko rejected this candidate fact-check on 20" in page and "(other event)" in page
    assert "response-card" not in page.split('id="card"')[1] and f"/claims/{cid}/card.md" not in page
    for url in (f"/claims/{cid}/card.md", f"/claims/{cid}/card.json"):
        r = client.get(url)
        assert r.status_code == 404 and "marko rejected" in r.text
    r = client.get(f"/api/claims/{cid}/card")
    assert r.status_code == 404 and "marko rejected" in r.json()["error"]


def test_cli_card_follows_the_review(db, ids):
    confirmed = json.loads(ok(run_cli("--db", str(db), "card", str(ids[CONFIRMED]), "--format", "json")).stdout)
    assert confirmed["confirmed"] is True
    pending = json.loads(ok(run_cli("--db", str(db), "card", str(ids[PENDING]), "--format", "json")).stdout)
    assert pending["confirmed"] is False and pending["draft_note"]
    rejected = run_cli("--db", str(db), "card", str(ids[REJECTED]))
    assert rejected.returncode == 1 and "marko rejected" in rejected.stderr and "Traceback" not in rejected.stderr


# -- stance is read, not computed -------------------------------------------------------------------

def test_no_stance_is_computed_at_read_time():
    src = REPO / "src" / "factwatch"
    readers = [*sorted((src / "web").rglob("*.py")), src / "cli.py"]
    offenders = [str(p.relative_to(REPO)) for p in readers if "stance_towards" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_pages_show_the_stance_stored_in_the_match_row(db, ids, tmp_path):
    """Change the stored stance of one match: every page and the API follow the row."""
    from factwatch.web.app import create_app

    copy = tmp_path / "f.db"
    shutil.copyfile(db, copy)
    con = sqlite3.connect(copy)
    with con:
        con.execute("UPDATE claim_matches SET stance = 'asks' WHERE claim_id = ? AND rank = 1", (ids[REPORTS],))
    con.close()
    with TestClient(create_app(str(copy)), base_url="http://127.0.0.1", headers=bearer(copy)) as c:
        row = list_rows(c.get("/claims").text)[REPORTS]
        assert "asks about the claim" in row and "reports the claim" not in row
        assert c.get(f"/api/claims/{ids[REPORTS]}").json()["claim"]["stance"] == "asks"
        assert {x["text"] for x in c.get("/api/claims?stance=asks").json()["claims"]} == {REPORTS}
        assert "asks about the claim" in c.get(f"/claims/{ids[REPORTS]}").text


# -- counts -----------------------------------------------------------------------------------------

def test_stats_count_reviews(client, db):
    counts = json.loads(ok(run_cli("--db", str(db), "stats", "--json")).stdout)
    pending = client.get("/api/claims?review=pending").json()["total"]
    assert (counts["reviews_pending"], counts["reviews_confirmed"], counts["reviews_rejected"]) == (pending, 1, 1)
    assert pending == 3
    human = ok(run_cli("--db", str(db), "stats")).stdout
    assert re.search(r"reviews pending\s+│\s+3", human) and re.search(r"reviews confirmed\s+│\s+1", human)
    assert client.get("/api/stats").json() == counts
    page = client.get("/").text
    for key in ("pending", "confirmed", "rejected"):
        assert (f'<div class="card-value">{counts["reviews_" + key]}</div>'
                f'<div class="card-label">reviews {key}</div>') in page


def test_a_later_decision_moves_the_counts_and_the_page(db, ids, tmp_path):
    copy = tmp_path / "f.db"
    shutil.copyfile(db, copy)
    ok(run_cli("--db", str(copy), "review", "confirm", str(ids[REJECTED]), user="vesna"))
    counts = json.loads(ok(run_cli("--db", str(copy), "stats", "--json")).stdout)
    assert (counts["reviews_confirmed"], counts["reviews_rejected"]) == (2, 0)
    from factwatch.web.app import create_app

    with TestClient(create_app(str(copy)), base_url="http://127.0.0.1", headers=bearer(copy)) as c:
        row = list_rows(c.get("/claims").text)[REJECTED]
        assert "by vesna on" in row and "rejected" not in row
        assert c.get(f"/api/claims/{ids[REJECTED]}/card").json()["confirmed"] is True


def test_cli_claims_list_shows_the_decision_probability(db, ids):
    out = ok(run_cli("--db", str(db), "claims", "list")).stdout
    best = stored_best(db)
    budget = best[ids[BUDGET]]
    assert f"{budget['score']:.2f}" != f"{budget['probability']:.2f}"
    line = next(line for line in out.splitlines() if BUDGET[:30] in line)
    assert f" {budget['probability']:.2f} " in line and f" {budget['score']:.2f} " not in line
    assert re.search(r"│ confirmed │ repeats", next(line for line in out.splitlines() if CONFIRMED[:30] in line))


# -- the browser ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server_url(db: Path):
    add_user(db, "browser-viewer")  # every page needs a login (issue 10)
    with live_dashboard(db) as url:
        yield url


@pytest.mark.browser
@needs_chromium
def test_claim_page_in_chromium_shows_a_candidate_and_no_verdict_badge(server_url, ids):
    from playwright.sync_api import sync_playwright

    console_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            browser_login(page, server_url, "browser-viewer")
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: console_errors.append(str(e)))

            page.goto(server_url + "/claims")
            page.select_option('select[name="review"]', "pending")
            page.select_option('select[name="stance"]', "repeats")
            page.get_by_role("button", name="Filter").click()
            page.wait_for_url("**/claims?*review=pending*")
            rows = page.locator("table.claims tbody tr")
            assert rows.count() == 1 and rows.locator(".verdict").count() == 0
            assert rows.first.locator(".match-status").inner_text().startswith("candidate fact-check, p = ")
            rows.first.locator("a.claim-link").click()
            page.wait_for_url(f"**/claims/{ids[PENDING]}")

            claim = page.locator("h1, blockquote.claim-quote, .claim-match")
            assert claim.locator(".verdict").count() == 0  # no verdict badge on the claim
            status = page.locator(".claim-match .match-status").inner_text()
            assert status.startswith("candidate fact-check, p = ")
            assert page.locator(".claim-match .fc-rates").inner_text() == "the fact-check rates its claim: False"
            p_link = page.locator(".claim-match a.p-value")
            assert "calibrated probability" in p_link.get_attribute("title")
            assert page.locator(".card-kind").inner_text().startswith("draft of a candidate")
            p_link.click()
            page.wait_for_url("**/about#probability")
            assert page.locator("#probability h2").is_visible()
        finally:
            browser.close()
    assert console_errors == []
