"""Claims, fact-check matches, response cards and the fact base in the dashboard and JSON API.

One real store per module: a small fact base (tests/data/web/facts.yaml) imported with the real
importer, documents inserted through the store, and the real pipeline (claims, e5 embeddings,
matching) run over them. Among the documents: a Serbian Cyrillic false claim that an English
fact-check refutes (and a copy of it in a second source), a hostile post whose check-worthy
sentence carries ``<script>alert(1)</script>``, and ordinary news.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import CHROMIUM, CHROMIUM_ARGS, add_user, bearer, browser_login, live_dashboard, needs_chromium

from factwatch.models import NewDocument
from factwatch.text.script import detect_script, latin_key

DATA = Path(__file__).parent / "data" / "web"
CHURCH_URL = "https://factcheck.example.org/kosovo-church-ban"
FALSE_CLAIM = "Влада Косова је забранила Српску православну цркву, пише портал."
HOSTILE_SENTENCE = "Vlada Srbije je 12. marta usvojila zakon <script>alert(1)</script> o budžetu od 2 milijarde evra."


def _doc(source: str, language: str, published_at: str, title: str, text: str, url: str) -> NewDocument:
    return NewDocument(
        platform="web", source=source, text=text, language=language, script=detect_script(text),
        latin_key=latin_key(f"{title} {text}", language),
        content_hash=hashlib.sha256(f"{source}|{title}|{text}".encode()).hexdigest(),
        position=title[:20], title=title, published_at=published_at, url=url,
    )


DOCS = [
    _doc("informer-example", "sr", "2024-03-01T08:00:00Z", "Скандал у Приштини",
         f"Вечерас је објављена вест из Приштине. {FALSE_CLAIM} Верници су забринути.",
         "https://informer.example/1"),
    _doc("telegram-echo", "sr", "2024-03-02T08:00:00Z", "Пренето", FALSE_CLAIM, "https://t.me/echo/2"),
    _doc("hostile-feed", "sr", "2024-03-03T08:00:00Z", "<b>Vest</b>", f"Uvod. {HOSTILE_SENTENCE} Kraj.",
         "javascript:alert(2)"),
    _doc("rts", "sr", "2024-03-04T08:00:00Z", "Буџет",
         "Влада Србије усвојила је буџет за 2024. годину на седници у Београду.", "https://www.rts.rs/3"),
    _doc("balkan-insight", "en", "2024-03-05T08:00:00Z", "EU talks",
         "EU enlargement talks with Serbia and Montenegro resumed in Brussels on 12 March.",
         "https://balkaninsight.com/4"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    from factwatch.ingest.facts import import_facts
    from factwatch.pipeline import run_pipeline
    from factwatch.store import open_store

    path = tmp_path_factory.mktemp("web_claims") / "factwatch.db"
    with open_store(str(path)) as store:
        stats = import_facts(store, DATA / "facts.yaml")
        # The third fact-check has a javascript: URL; the importer refuses it.
        assert (stats.fact_checks, stats.facts, len(stats.reasons)) == (2, 2, 1)
        run_id = store.start_run("ingest", "tests/test_web_claims.py")
        assert store.insert_documents(DOCS, run_id=run_id) == (len(DOCS), 0)
        store.finish_run(run_id, status="done", inserted=len(DOCS), duplicates=0, rejected=0)
        run_pipeline(store)
    return path


@pytest.fixture(scope="module")
def client(db: Path):
    from factwatch.web.app import create_app

    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db)) as c:
        yield c


@pytest.fixture(scope="module")
def claims(client) -> dict[str, dict]:
    """Every claim by source (one check-worthy sentence per document in this corpus)."""
    body = client.get("/api/claims").json()
    by_source = {c["source"]: c for c in body["claims"]}
    assert len(by_source) == body["total"] == len(DOCS)
    return by_source


def _marked(page: str) -> list[str]:
    return re.findall(r"<mark[^>]*>(.*?)</mark>", page, flags=re.S)


# -- /claims and /api/claims ------------------------------------------------------------------

def test_api_claims_shape_and_best_match(client, claims):
    body = client.get("/api/claims").json()
    assert set(body) == {"claims", "total", "limit", "offset", "next_offset", "facets"} and body["total"] == 5
    church = claims["informer-example"]
    assert church["text"] == FALSE_CLAIM and church["language"] == "sr"
    assert church["addressed"] is True and church["match_url"] == CHURCH_URL
    assert church["match_verdict"] == "False" and 0.0 <= church["match_score"] <= 1.0
    assert {"id", "document_id", "start", "end", "score", "source", "published_at", "title",
            "match_claim", "match_publisher"} <= set(church)
    assert claims["balkan-insight"]["addressed"] is False
    # Newest document first.
    dates = [c["published_at"] for c in body["claims"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("query,expected", [
    ("addressed=yes", {"informer-example", "telegram-echo"}),
    ("addressed=no", {"hostile-feed", "rts", "balkan-insight"}),
    ("addressed=all", {d.source for d in DOCS}),
    ("language=en", {"balkan-insight"}),
    ("source=rts", {"rts"}),
    ("addressed=yes&source=telegram-echo", {"telegram-echo"}),
    ("q=vlada+kosova", {"informer-example", "telegram-echo"}),  # a Latin query finds Cyrillic claims
    ("q=Brussels", {"balkan-insight"}),
    ("q=100%25", set()),  # LIKE wildcards are literal
])
def test_claim_filters(client, query, expected):
    body = client.get(f"/api/claims?{query}").json()
    assert {c["source"] for c in body["claims"]} == expected and body["total"] == len(expected)
    page = client.get(f"/claims?{query}")
    assert page.status_code == 200
    assert len(re.findall(r'class="claim-link" href="/claims/\d+"', page.text)) == len(expected)


def test_claims_paging(client):
    first = client.get("/api/claims?limit=2").json()
    second = client.get("/api/claims?limit=2&offset=2").json()
    assert first["total"] == second["total"] == 5 and len(first["claims"]) == len(second["claims"]) == 2
    assert not {c["id"] for c in first["claims"]} & {c["id"] for c in second["claims"]}
    page = client.get("/claims?limit=2&offset=2").text
    assert "3–4 of 5" in page and 'href="/claims?limit=2&amp;offset=4"' in page


@pytest.mark.parametrize("query", ["addressed=maybe", "language=serbian", "limit=0", "offset=-1"])
def test_bad_claim_filters_are_400(client, query):
    assert client.get(f"/claims?{query}").status_code == 400
    r = client.get(f"/api/claims?{query}")
    assert r.status_code == 400 and "error" in r.json()


def test_claims_page_rows(client, claims):
    page = client.get("/claims").text
    assert '<a href="/claims" aria-current="page">Claims</a>' in page
    assert html.escape(FALSE_CLAIM) in page and "not addressed" in page
    # Candidates, not verdicts: the verdict is the fact-check's, never a badge on the claim (issue 6).
    table = re.search(r'<table class="data claims">(.*?)</table>', page, flags=re.S)[1]
    assert 'the fact-check rates its claim: <strong class="fc-verdict">False</strong>' in table
    assert 'class="verdict' not in table and "candidate fact-check" in table
    assert f'href="/claims/{claims["informer-example"]["id"]}"' in page


# -- /claims/{id} ------------------------------------------------------------------------------

def test_claim_page_highlights_exactly_the_claim(client, claims):
    claim = claims["informer-example"]
    page = client.get(f"/claims/{claim['id']}").text
    article = re.search(r'<article class="doc-text"[^>]*>(.*?)</article>', page, flags=re.S)[1]
    assert _marked(article) == [html.escape(FALSE_CLAIM)]
    # Before + claim + after is the document text, unchanged.
    assert html.unescape(re.sub(r"</?mark[^>]*>", "", article)) == DOCS[0].text
    assert article.startswith("Вечерас је објављена вест из Приштине. <mark")


def test_claim_page_matches_spread_and_card(client, claims):
    claim = claims["informer-example"]
    page = client.get(f"/claims/{claim['id']}").text
    assert "status-candidate" in page and "candidate fact-check" in page and 'href="/about#probability"' in page
    assert f'<a href="{CHURCH_URL}" rel="noopener noreferrer nofollow" target="_blank">' in page
    assert "No Kosovo law or government decision bans" in page  # rebuttal
    # The spread counts every copy (here the Telegram echo of the same sentence), in time order.
    assert '<h2 id="spread">Spread <span class="count">2 documents</span></h2>' in page
    assert f'href="/documents/{claims["telegram-echo"]["document_id"]}"' in page  # the copy
    assert f'<article class="response-card" data-claim="{claim["id"]}">' in page  # response card
    assert f'href="/claims/{claim["id"]}/card.md"' in page and f'href="/claims/{claim["id"]}/card.json"' in page


def test_hostile_claim_is_text_everywhere(client, claims):
    hostile = claims["hostile-feed"]
    assert hostile["text"] == HOSTILE_SENTENCE
    escaped = html.escape(HOSTILE_SENTENCE)
    for url in ("/", "/claims", f"/claims/{hostile['id']}", f"/documents/{hostile['document_id']}",
                "/claims?source=hostile-feed", "/match?text=" + HOSTILE_SENTENCE.replace(" ", "+")):
        page = client.get(url).text
        assert "<script>" not in page and "<b>Vest</b>" not in page, url
        assert 'href="javascript:' not in page, url
    page = client.get(f"/claims/{hostile['id']}").text
    assert escaped in _marked(page)
    assert '<span class="unsafe" title="not an http(s) link; shown as text">javascript:alert(2)</span>' in page
    md = client.get(f"/claims/{hostile['id']}/card.md").text
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert client.get(f"/api/claims/{hostile['id']}/card").json()["quote"] == HOSTILE_SENTENCE


def test_unaddressed_claim_page(client, claims):
    page = client.get(f"/claims/{claims['balkan-insight']['id']}").text
    assert "not addressed" in page and "Not addressed by the fact base." in page
    assert '<h2 id="spread">Spread <span class="count">1 document</span></h2>' in page


@pytest.mark.parametrize("url", [
    "/claims/999999", "/claims/abc", "/claims/-1", "/claims/999999/card.md", "/claims/1/card.pdf",
])
def test_unknown_claim_pages_are_404(client, url):
    r = client.get(url)
    assert r.status_code == 404 and "not found" in r.text


@pytest.mark.parametrize("url", ["/api/claims/999999", "/api/claims/abc", "/api/claims/999999/card"])
def test_unknown_claim_api_is_404(client, url):
    r = client.get(url)
    assert r.status_code == 404 and "claim" in r.json()["error"]


# -- cards -----------------------------------------------------------------------------------

def test_card_downloads(client, claims):
    cid = claims["informer-example"]["id"]
    md = client.get(f"/claims/{cid}/card.md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.headers["content-disposition"] == f'attachment; filename="claim-{cid}-card.md"'
    assert md.text.startswith(f"## Claim {cid}") and "Verdict: **False**" in md.text and CHURCH_URL in md.text
    js = client.get(f"/claims/{cid}/card.json")
    assert js.status_code == 200 and js.headers["content-type"].startswith("application/json")
    card = json.loads(js.text)
    assert card == client.get(f"/api/claims/{cid}/card").json()
    assert card["addressed"] is True and card["verdict"] == "False" and card["quote"] == FALSE_CLAIM
    assert card["spread"] == {"documents": 2, "sources": 2}
    # "…, пише портал" attributes the claim to a portal: it reports it, so the card drafts no reply.
    assert card["fact_check"]["url"] == CHURCH_URL and card["stance"] == "reports" and not card["draft"]
    assert "only reports" in card["no_draft_reason"]


# -- /api/claims/{id} --------------------------------------------------------------------------

def test_api_claim_detail(client, claims):
    claim = claims["telegram-echo"]
    body = client.get(f"/api/claims/{claim['id']}").json()
    assert set(body) == {"claim", "matches", "spread", "reach", "workflow", "drafts", "posts"}
    assert body["reach"]["claim_id"] == claim["id"] and body["reach"]["documents"] >= 1
    assert body["claim"] == claim
    ranks = [m["rank"] for m in body["matches"]]
    assert ranks == sorted(ranks) and body["matches"][0]["url"] == CHURCH_URL
    assert {"score", "verdict", "publisher", "date", "rebuttal", "matched_text", "fact_check_id"} <= set(body["matches"][0])
    spread = body["spread"]
    assert (spread["documents"], spread["sources"]) == (2, 2)
    assert spread["first_source"] == "informer-example"  # first appearance, not this copy
    assert [c["claim_id"] for c in spread["copies"]] == [claims["informer-example"]["id"]]


# -- /match and /api/match -------------------------------------------------------------------

def test_match_page_cyrillic_claim_is_addressed(client):
    r = client.get("/match", params={"text": "Влада Косова је забранила Српску православну цркву.", "k": "3"})
    assert r.status_code == 200
    assert "candidate fact-check</span>, " in r.text and "probably addresses this claim" in r.text
    first = re.search(r'<tr class="match[^"]*">.*?</tr>', r.text, flags=re.S)[0]
    assert CHURCH_URL in first and "False" in first
    assert len(re.findall(r'<tr class="match', r.text)) <= 3


def test_match_page_unrelated_claim_is_not_addressed(client):
    r = client.get("/match", params={"text": "Srbija i Mađarska potpisale su sporazum o novom naftovodu do 2027. godine."})
    assert r.status_code == 200 and "No fact-check in the fact base addresses this claim" in r.text


@pytest.mark.parametrize("query", ["", "?text=", "?text=+%0A+"])
def test_match_page_empty_shows_the_form(client, query):
    r = client.get("/match" + query)
    assert r.status_code == 200 and '<textarea id="match-text" name="text"' in r.text
    assert "Paste a claim above" in r.text
    assert ("The text was empty" in r.text) == ("text=" in query)


@pytest.mark.parametrize("query", ["text=NATO&k=0", "text=NATO&k=abc", "text=NATO&k=999"])
def test_match_bad_input_is_400(client, query):
    assert client.get(f"/match?{query}").status_code == 400
    assert client.get(f"/api/match?{query}").status_code == 400


def test_api_match_is_match_text_as_dict(client):
    from factwatch.analysis.matching import match_text

    text = "Влада Косова је забранила Српску православну цркву."
    body = client.get("/api/match", params={"text": text, "k": "2"}).json()
    # The web store is read-only: the same call with an in-memory vector memo, as the route makes it.
    assert body == match_text(client.app.state.store, text, k=2, memo={}).as_dict()
    assert body["addressed"] is True and len(body["matches"]) == 2 and body["matches"][0]["url"] == CHURCH_URL
    empty = client.get("/api/match?text=")
    assert empty.status_code == 400 and "empty" in empty.json()["error"]


# -- /facts, documents, overview ---------------------------------------------------------------

def test_facts_page_and_api(client):
    page = client.get("/facts").text
    assert "The Kosovo government has banned the Serbian Orthodox Church." in page
    assert "KFOR operates in Kosovo under UN Security Council Resolution 1244" in page
    assert f'<a href="{CHURCH_URL}"' in page
    body = client.get("/api/facts").json()
    assert (body["total"], client.get("/api/facts/facts").json()["total"]) == (2, 2)
    assert {fc["verdict"] for fc in body["fact_checks"]} == {"False"}
    assert {"claim", "verdict", "publisher", "language", "date", "url"} <= set(body["fact_checks"][0])
    assert len(client.get("/api/facts?limit=1&offset=1").json()["fact_checks"]) == 1
    assert client.get("/facts?limit=0").status_code == 400


def test_document_page_lists_its_claims(client, claims):
    claim = claims["informer-example"]
    page = client.get(f"/documents/{claim['document_id']}").text
    assert f'href="/claims/{claim["id"]}"' in page and 'id="claims"' in page
    assert _marked(page) == [html.escape(FALSE_CLAIM)]


def test_overview_counts_and_latest_addressed(client, claims):
    page = client.get("/").text
    for key, value in (("claims", 5), ("addressed_claims", 2), ("fact_checks", 2), ("facts", 2)):
        assert f'<div class="card-value">{value}</div><div class="card-label">{key.replace("_", " ")}</div>' in page
    latest = re.search(r'<table class="data claims latest-addressed">(.*?)</table>', page, flags=re.S)[1]
    assert f'href="/claims/{claims["telegram-echo"]["id"]}"' in latest
    assert f'href="/claims/{claims["balkan-insight"]["id"]}"' not in latest
    for path, label in (("/claims", "Claims"), ("/match", "Match"), ("/facts", "Facts")):
        assert f'<a href="{path}">{label}</a>' in page


# -- the browser -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server_url(db: Path):
    add_user(db, "browser-viewer")  # every page needs a login (issue 10)
    with live_dashboard(db) as url:
        yield url


@pytest.mark.browser
@needs_chromium
def test_claims_in_chromium(server_url):
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    console_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            browser_login(page, server_url, "browser-viewer")
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: console_errors.append(str(e)))

            page.goto(server_url + "/claims")
            assert page.locator("h1").inner_text().startswith("Claims")
            # The hostile sentence is listed as text.
            assert page.get_by_text(HOSTILE_SENTENCE).count() == 1
            page.select_option('select[name="addressed"]', "yes")
            page.get_by_role("button", name="Filter").click()
            page.wait_for_url("**/claims?*addressed=yes*")
            rows = page.locator("table.claims tbody tr.addressed")
            assert rows.count() == 2
            rows.first.locator("a.claim-link").click()
            page.wait_for_url("**/claims/*")
            assert page.locator("article.doc-text mark").inner_text() == FALSE_CLAIM
            assert page.locator("table.matches .verdict").first.inner_text() == "False"
            assert page.locator(".response-card-box article.response-card").count() == 1

            page.goto(server_url + "/claims?source=hostile-feed")
            page.locator("a.claim-link").click()
            page.wait_for_url("**/claims/*")
            assert page.locator("article.doc-text mark").inner_text() == HOSTILE_SENTENCE
            # The hostile sentence made no script element: the only scripts are the app's own files.
            assert page.evaluate("[...document.querySelectorAll('main script')]"
                                 ".every(s => (s.getAttribute('src') || '').startsWith('/static/'))")
            page.wait_for_timeout(300)
        finally:
            browser.close()
    assert dialogs == []
    assert console_errors == []



def test_claims_list_marks_sentences_that_reject_the_fact_checked_claim(tmp_path):
    from factwatch.ingest.facts import import_facts
    from factwatch.pipeline import run_pipeline
    from factwatch.store import open_store
    from factwatch.web.app import create_app

    db = tmp_path / "stance.db"
    denial = "Лажна вест: Влада Косова није забранила Српску православну цркву."
    with open_store(str(db)) as store:
        import_facts(store, DATA / "facts.yaml")
        docs = [_doc("echo", "sr", "2024-03-02T08:00:00Z", "Пренето", FALSE_CLAIM, "https://t.me/echo/9"),
                _doc("desk", "sr", "2024-03-03T08:00:00Z", "Провера", denial, "https://desk.example/1")]
        store.insert_documents(docs, run_id=store.start_run("ingest", "stance"))
        run_pipeline(store)
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db)) as c:
        page = c.get("/claims", params={"addressed": "yes"}).text
    rows = {html.unescape(re.search(r'<td class="claim-text"[^>]*>(.*?)</td>', r, flags=re.S)[1]): r
            for r in re.findall(r'<tr class="addressed">(.*?)</tr>', page, flags=re.S)}
    assert set(rows) == {FALSE_CLAIM, denial}
    assert "rejects the claim" in rows[denial] and "rejects the claim" not in rows[FALSE_CLAIM]


@pytest.mark.parametrize("source", ["informer-example", "hostile-feed", "balkan-insight"])
def test_card_partial_says_what_the_card_renderer_says(client, claims, source):
    """The claim page's card is a template partial (issue 7 item 15); its text matches
    respond.cards.render_card's HTML, so the page and the downloads never disagree."""
    from factwatch.respond.cards import build_card, render_card

    def text(fragment: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())

    claim_id = claims[source]["id"]
    page = client.get(f"/claims/{claim_id}").text
    partial = re.search(r'<article class="response-card".*?</article>', page, flags=re.S)[0]
    expected = render_card(build_card(client.app.state.store, claim_id, use_llm=False), "html")
    assert text(partial) == text(expected)
    assert "<script>" not in partial  # hostile quotes stay text
