"""The pages a crawl found half English in the Serbian interface (issue 10): the fact base's edit
form, the claims list and a claim, the spread table, the review queue and audit list, /match, and
the headers and empty states of /alerts, /runs/N, /documents/N and /trends. Real database built
by the real pipeline (tests/_workbench.py), the real app; each English string must be gone and its
Serbian form (looked up in the catalogue, so a changed translation does not break the test) shown.
"""

from __future__ import annotations

import html as html_lib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import CHROMIUM, CHROMIUM_ARGS, add_user, bearer, browser_login, live_dashboard, needs_chromium
from _workbench import build
from factwatch.web import _i18n
from factwatch.web._i18n import SR_LATN, catalogue
from factwatch.web._network import GRAPH_TEXTS, NetworkGraph
from factwatch.web.app import create_app
from test_web_pages import site  # noqa: F401  (the module's store with coordination networks)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("i18n_pages"))


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db, "analyst", name="ana")) as c:
        yield c


def _page(client: TestClient, path: str, lang: str = "sr-Latn") -> str:
    # In the path itself: httpx's params= would replace the path's own query.
    response = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
    assert response.status_code == 200, (path, response.text[:300])
    return html_lib.unescape(response.text)


def _translated(page: str, english: list[str], lang: str = "sr-Latn") -> list[str]:
    """The strings of ``english`` still shown in English or missing in ``lang``; [] when all are translated.
    A short label counts as shown when it fills an element (``>Edit<``), a sentence anywhere."""
    wrong = []
    for text in english:
        shown = f">{text}<" in page if len(text) < 25 else text in page
        if shown or catalogue(lang)[text] not in page:
            wrong.append(text)
    return wrong


def _first(client: TestClient, api: str, key: str) -> int:
    items = client.get(api).json()[key]
    assert items, f"{api} returned no {key}"
    return items[0]["id"]


def test_fact_edit_form_in_serbian(client):
    check = _first(client, "/api/facts", "fact_checks")
    page = _page(client, f"/facts/checks/{check}")
    assert _translated(page, ["Claim checked", "Verdict", "Rebuttal", "Headline", "Publisher",
                              "Language (sr, hr, sq, mk, en…)", "Date (YYYY-MM-DD)", "Edit", "Save"]) == []
    assert "The next factwatch analyze embeds" not in page and "Sledeće pokretanje factwatch analyze" in page
    fact = client.get("/api/facts").json()["facts"]
    if fact:
        assert _translated(_page(client, f"/facts/facts/{fact[0]['id']}"), ["Statement", "Source"]) == []


def test_claims_list_facets_status_and_the_explanation_of_p(client):
    page = _page(client, "/claims?min_score=0")
    facets = page.split('class="facets"', 1)[1].split("</section>", 1)[0]
    titles = {"match": "Match", "language": "Language", "actor_type": "Actor type", "country": "Country",
              "source": "Source", "narrative": "Narrative"}  # "Status" is "Status" in Serbian too
    shown = [english for name, english in titles.items() if f"facet facet-{name}" in facets]
    assert len(shown) >= 3 and _translated(facets, shown) == []
    assert ">responded<" not in page and ">odgovoreno<" in page
    assert "A claim is never labelled with a verdict" not in page and "Tvrdnji se nikad ne dodeljuje ocena" in page


@pytest.mark.parametrize("lang", ["sr-Latn", "sr-Cyrl"])
def test_a_claim_its_card_and_its_spread(client, lang):
    claim = client.get("/api/claims?min_score=0&sort=spread").json()["claims"][0]["id"]
    page = _page(client, f"/claims/{claim}", lang)
    assert _translated(page, ["Seen in", "First seen", "Spread", "No reply recorded yet.", "this claim", "first"],
                       lang) == []
    assert "p is the calibrated probability" not in page
    assert catalogue(lang)["More on p"] in page


def test_review_queue_pager_and_audit_list(client):
    first = _page(client, "/review?limit=1")
    assert "Keys: j/k" not in first and SR_LATN["Keys: j/k next/previous item, c confirm, r reject, n write a note"
                                                  " (Enter in the note confirms, Esc leaves it). Who decided and when"
                                                  " is stored and shown in the audit list."] in first
    assert " more candidate matches →" not in first and "još 1 kandidata za uparivanje →" in first
    assert _translated(first, ["Audit list", "All", "Candidate matches"]) == []
    paged = _page(client, "/review?kind=match&limit=1")
    assert "next 1 of 1 more →" not in paged and "sledećih 1 od još 1 →" in paged
    assert _translated(paged, ["← prev", "next →"]) == []
    audit = _page(client, "/audit")
    assert _translated(audit, ["No decisions yet."]) == []
    assert "Every decision and edit, newest first" not in audit


def test_match_alerts_run_document_and_trends(client, db):
    assert _translated(_page(client, "/match"), [
        "Paste a claim or an article (any language or script)", "or an article's URL",
        "Paste a claim above to see which fact-checks in the fact base address it, best first."]) == []
    assert _translated(_page(client, "/alerts"), ["Webhook"]) == []
    runs = [r["id"] for r in client.get("/api/runs").json()["runs"] if not r.get("rejected")]
    assert runs
    assert _translated(_page(client, f"/runs/{runs[0]}"), ["No records were rejected in this run."]) == []
    trends = _page(client, "/trends?by=narrative")
    assert "<th>narrative</th>" not in trends and "<th>narativ</th>" in trends and ">actor_type<" not in trends
    # A document the pipeline has not analysed has no claims yet.
    from factwatch.store import open_store
    from _workbench import _doc

    with open_store(str(db)) as store:
        run = store.start_run("ingest", "i18n-test")
        store.insert_documents([_doc("rts", "sr", 20, "Bez tvrdnji", "Kratka vest bez tvrdnji.", 999)], run_id=run)
        store.finish_run(run, status="done", inserted=1, duplicates=0, rejected=0)
    doc = client.get("/api/documents?q=Kratka").json()["documents"][0]["id"]
    page = _page(client, f"/documents/{doc}")
    assert "No check-worthy claims in this document" not in page
    assert SR_LATN["No check-worthy claims in this document (or factwatch analyze has not run since it arrived)."] in page


@pytest.mark.parametrize("lang", ["en", "sr-Latn", "sr-Cyrl"])
def test_network_graph_click_texts_come_translated_in_its_spec(lang):
    """charts.js shows the graph's click details from spec["text"], filled in the interface language."""
    token = _i18n._current.set(lang)
    try:
        texts = NetworkGraph().spec()["text"]
    finally:
        _i18n._current.reset(token)
    assert texts.keys() == GRAPH_TEXTS.keys()
    assert texts == {k: catalogue(lang).get(m, m) for k, m in GRAPH_TEXTS.items()}
    if lang != "en":
        assert all(m in SR_LATN for m in GRAPH_TEXTS.values())
        assert texts["empty"] != "No accounts to draw." and "{full}" in texts["object"]


@pytest.mark.browser
@needs_chromium
def test_network_graph_click_details_in_serbian_in_chromium(site):  # noqa: F811
    """charts.js fills the click details from the spec's table: a click on an account shows "Nalog: …"."""
    from playwright.sync_api import sync_playwright

    from test_web_pages import _largest_network, _until

    add_user(site["db"], "i18n-viewer", "viewer")
    network_id = _largest_network(site)
    errors: list[str] = []
    with live_dashboard(site["db"]) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("pageerror", lambda e: errors.append(str(e)))
            browser_login(page, url, "i18n-viewer")
            page.goto(f"{url}/coordination/{network_id}?lang=sr-Latn")
            box = page.locator("#network-graph")
            _until(page, "() => document.getElementById('network-graph').dataset.nodes")
            detail = ""
            for _ in range(10):  # the layout may still be settling: look the node up again each try
                pos = box.evaluate("el => { const n = el.factwatchGraph.nodes('[kind = \"account\"]')[0];"
                                   " const p = n.renderedPosition(); return [p.x, p.y, n.data('label')]; }")
                box.click(position={"x": pos[0], "y": pos[1]})
                page.wait_for_timeout(200)
                detail = page.locator("#network-graph-detail").inner_text()
                if detail.startswith("Nalog: "):  # before a click hits a node it shows the "click a node" hint
                    break
            assert detail.startswith(f"Nalog: {pos[2]}"), detail
            assert "Tip aktera: " in detail and "Actor type" not in detail and "{" not in detail
        finally:
            browser.close()
    assert errors == []
