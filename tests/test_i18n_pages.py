"""The pages a crawl found half English in the Serbian interface (issue 10): the fact base's edit
form, the claims list and a claim, the spread table, the review queue and audit list, /match, and
the headers and empty states of /alerts, /runs/N, /documents/N and /trends. Real database built
by the real pipeline (tests/_workbench.py), the real app; each English string must be gone and its
Serbian form (looked up in the catalogue, so a changed translation does not break the test) shown.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import sqlite3
from html.parser import HTMLParser
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
    fact = client.get("/api/facts/facts").json()["facts"]
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
        spec = NetworkGraph().spec()
    finally:
        _i18n._current.reset(token)
    texts = spec["text"]
    assert texts.keys() == GRAPH_TEXTS.keys()
    # A node's actor type is the stored key; spec["names"] names it ("state-affiliated" -> "blizak državi").
    assert spec["names"]["state-affiliated"] == catalogue(lang).get("state-affiliated", "state-affiliated")
    assert lang == "en" or spec["names"]["state"] != "state"
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
                                   " const p = n.renderedPosition(); return [p.x, p.y, n.data('label'), n.data('actor_type')]; }")
                box.click(position={"x": pos[0], "y": pos[1]})
                page.wait_for_timeout(200)
                detail = page.locator("#network-graph-detail").inner_text()
                if detail.startswith("Nalog: "):  # before a click hits a node it shows the "click a node" hint
                    break
            assert detail.startswith(f"Nalog: {pos[2]}"), detail
            assert "Tip aktera: " in detail and "Actor type" not in detail and "{" not in detail
            # The node keeps the stored key ("state-affiliated"); the detail names it in Serbian.
            assert f"Tip aktera: {catalogue('sr-Latn').get(pos[3], pos[3])}" in detail, (pos, detail)
        finally:
            browser.close()
    assert errors == []


# -- every page, mechanically: no English UI text left in the Serbian interface ------------------
#
# Each page is rendered in English and in Serbian Latin. A visible text (text node, title,
# placeholder, aria-label, alt, a chart's titles) that is the same in both renderings was not
# translated, unless it is data: a value stored in the database (titles, claims, names), a
# number or date, or a token that is the same in every language. What is left names a string
# to wrap in _() and translate.

_HIDDEN = {"script", "style"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_TEXT_ATTRS = {"title", "placeholder", "aria-label", "alt"}
_CHART_KEYS = {"title", "x_title", "y_title", "empty_text", "label"}
# Written the same in Serbian: product and format names, units, code.
_SAME_EVERYWHERE = re.compile(
    r"factwatch(?: [a-z]+)*|API|CSV|JSON-LD|JSON|UTC|URL|ClaimReview|schema\.org|Atom|Bearer|TOKEN|SQLite|"
    r"OpenAPI|ISO|e5|Markdown|\b[a-z]+-[0-9a-f]{8,}\b|DISARM|Poisson|\w+=\S*|\w+:\d+|\S+\.md|sr-Latn|sr-Cyrl|[A-Z][A-Z_]{2,}|\b[A-Z]\b|"
    r"\b(?:rss|web|x|facebook|telegram|youtube|tiktok|vk|instagram)\b|\bp\b|\bn\b|\bs\b|\bh\b|\bmin\b|\bid\b|\bq\b|\bok\b|https?://\S+|/\S*|--[a-z-]+|\{\w+\}")


class _Texts(HTMLParser):
    """The visible texts of a page, whitespace collapsed, and the chart specs' titles and labels."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0
        self._json = False
        self._foreign: list[str] = []  # open <code> and elements with a lang= of their own (the switch, a claim)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        # Code (commands, file names), text marked with a language of its own and data marked
        # translate="no" (the HTML attribute for "leave this as it is") are not the interface.
        if self._foreign or ("lang" in attr and tag != "html") or tag in ("code", "pre") or attr.get("translate") == "no":
            if tag not in _VOID:
                self._foreign.append(tag)
            return
        if tag in _HIDDEN:
            self._hidden += 1
            self._json = attr.get("type") == "application/json"
        for name, value in attrs:
            if value and (name in _TEXT_ATTRS or (tag == "input" and name == "value" and attr.get("type") in ("submit", "button"))):
                self._add(value)

    def handle_endtag(self, tag: str) -> None:
        if self._foreign:
            if tag in self._foreign:
                while self._foreign.pop() != tag:
                    pass
            return
        if tag in _HIDDEN:
            self._hidden -= 1
            self._json = False

    def handle_data(self, data: str) -> None:
        if self._foreign:
            return
        if self._json:
            self._chart(json.loads(data))
        elif not self._hidden:
            self._add(data)

    def _chart(self, spec: object) -> None:
        if isinstance(spec, dict):
            for key, value in spec.items():
                if isinstance(value, str) and key in _CHART_KEYS:
                    self._add(value)
                elif key == "text" and isinstance(value, dict):  # the network graph's click texts
                    for text in value.values():
                        self._add(text)
                else:
                    self._chart(value)
        elif isinstance(spec, list):
            for item in spec:
                self._chart(item)

    def _add(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.texts.append(text)


def _visible(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


class _Stored:
    """Every text value in the database, whitespace collapsed: what counts as data."""

    def __init__(self, db: Path) -> None:
        raw = sqlite3.connect(db)
        try:
            tables = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            self.values = {" ".join(v.split()) for t in tables for row in raw.execute(f'SELECT * FROM "{t}"')
                           for v in row if isinstance(v, str)}
        finally:
            raw.close()
        self.blob = "\n".join(self.values)
        # Words of the interface: a short piece made of them is not taken for data found in some text.
        self.ui_words = {w.lower() for key in SR_LATN for w in re.findall(r"[A-Za-z]{2,}", key)}

    def holds(self, text: str) -> bool:
        if text in self.values:
            return True
        parts = [p.strip(" .,:;()[]\"'") for p in re.split(r"…|·|—|\||→|›| / |: |\(|\)|, |(?<![\w-])\d+(?![\w-])", text)]
        return all(not _words(p) or p in self.values or self._inside(p) for p in parts)

    def _inside(self, part: str) -> bool:
        if len(part) >= 20:  # a truncated title or snippet
            return part in self.blob
        return (re.search(rf"(?<!\w){re.escape(part)}(?!\w)", self.blob) is not None
                and not {w.lower() for w in _words(part)} & self.ui_words)


def _words(text: str) -> list[str]:
    """The words of ``text`` that could be English, leaving out what is the same in every language."""
    return re.findall(r"[A-Za-z]{2,}", _SAME_EVERYWHERE.sub(" ", text))


def _untranslated(english_html: str, serbian_html: str, stored: _Stored) -> list[str]:
    """Texts shown the same in the English and Serbian pages that are neither data nor the same in Serbian."""
    english = set(_visible(english_html))
    wrong = []
    for text in dict.fromkeys(_visible(serbian_html)):
        if text not in english or SR_LATN.get(text) == text:
            continue
        if text in SR_LATN or (_words(text) and not stored.holds(text)):
            wrong.append(text)
    return wrong


def _each_page(client: TestClient, db: Path, paths: list[str]) -> dict[str, list[str]]:
    stored = _Stored(db)
    found = {}
    for path in paths:
        pages = []
        for lang in ("en", "sr-Latn"):
            response = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
            assert response.status_code < 500, (path, response.text[:300])
            pages.append(response.text)
        wrong = _untranslated(*pages, stored)
        if wrong:
            found[path] = wrong
    client.get("/?lang=en")
    return found


def _one(db: Path, query: str) -> object:
    raw = sqlite3.connect(db)
    try:
        row = raw.execute(query).fetchone()
    finally:
        raw.close()
    assert row, query
    return row[0]


def test_every_workbench_page_shows_no_english_in_serbian(client, db):
    claim = client.get("/api/claims?min_score=0&sort=spread").json()["claims"][0]["id"]
    paths = ["/", "/documents", "/documents?q=vlada", f"/documents/{_one(db, 'SELECT MIN(id) FROM documents')}",
             "/sources", f"/sources/{_one(db, 'SELECT name FROM sources ORDER BY name')}", "/actors",
             f"/actors/{_one(db, 'SELECT name FROM actors ORDER BY name')}", "/runs",
             f"/runs/{_one(db, 'SELECT MIN(id) FROM runs')}", "/claims", "/claims?min_score=0", f"/claims/{claim}",
             "/review", "/review?kind=match&limit=1", "/audit", "/match", "/match?q=Vlada+Kosova+zabranila+crkvu",
             "/facts", "/facts?q=crkv", f"/facts/checks/{_first(client, '/api/facts', 'fact_checks')}",
             "/facts/checks/new", "/facts/facts/new", "/clusters", "/coordination", "/narratives",
             "/narratives/test-church", "/discovery", "/trends", "/trends?by=source", "/trends?by=language&per=hour",
             "/alerts", "/saved", "/about", "/documents/99999999", "/public/cards", f"/claims?fact_check={_first(client, '/api/facts', 'fact_checks')}",
             f"/facts/checks/new?from_claim={claim}", "/coordination?kind=url", "/audit?kind=match", "/runs?limit=1",
             "/review?kind=candidate", "/review?kind=narrative", "/trends?by=platform", "/trends?by=actor_type&bucket=hour",
             "/claims/99999999", "/clusters/99999999", "/no-such-page", "/docs", "/campaigns", "/report"]
    facts = client.get("/api/facts/facts").json()["facts"]
    if facts:
        paths.append(f"/facts/facts/{facts[0]['id']}")
    clusters = client.get("/api/clusters").json().get("clusters") or []
    if clusters:
        paths.append(f"/clusters/{clusters[0]['id']}")
    assert _each_page(client, db, paths) == {}


def test_every_demo_page_shows_no_english_in_serbian(site):  # noqa: F811
    db, client = site["db"], site["client"]
    network = client.get("/api/coordination").json()["networks"][0]["id"]
    cluster = _one(db, "SELECT cluster_id FROM cluster_members GROUP BY cluster_id ORDER BY COUNT(*) DESC LIMIT 1")
    paths = ["/", "/clusters", f"/clusters/{cluster}", "/coordination", f"/coordination/{network}", "/narratives",
             f"/narratives/{_one(db, 'SELECT narrative_id FROM narrative_assignments ORDER BY narrative_id')}",
             "/trends?by=actor_type", "/alerts", "/claims?min_score=0",
             f"/claims/{site['matched'][1]}", f"/sources/{_one(db, 'SELECT name FROM sources WHERE actor IS NOT NULL')}",
             "/campaigns", "/report"]
    assert _each_page(client, db, paths) == {}


def test_admin_login_and_public_pages_show_no_english_in_serbian(db):
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db, "admin", name="adm")) as c:
        assert _each_page(c, db, ["/users"]) == {}
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1") as anonymous:
        assert _each_page(anonymous, db, ["/login", "/public/cards", "/public/cards/99999999"]) == {}



@pytest.mark.parametrize("claim", [1, 2, 3])  # matched[0] was rejected: it has no card
def test_response_card_labels_in_english_match_the_downloads_and_are_translated(site, claim):  # noqa: F811
    """The card's page labels are built in the template from the Card's fields: in English they say
    what the Markdown/JSON download says; in Serbian none of those English labels is left."""
    client = site["client"]
    claim_id = site["matched"][claim]
    card = client.get(f"/api/claims/{claim_id}/card").json()
    labels = card["labels"]
    english = html_lib.unescape(client.get(f"/claims/{claim_id}?lang=en").text)
    box = english.split('class="response-card"', 1)[1].split("</article>", 1)[0]
    wanted = [labels["seen"], labels["match"], *labels["cascade_steps"]]
    if not card["reach"].get("translations"):
        wanted.append(labels["spread"])  # with translations the page names the languages, the download codes
    assert [w for w in wanted if w not in box] == [], wanted
    serbian = _page(client, f"/claims/{claim_id}")
    box = serbian.split('class="response-card"', 1)[1].split("</article>", 1)[0]
    assert [w for w in wanted if w in box and re.search(r"[a-z]{3}", w)] == []


def test_a_published_card_its_public_pages_and_publish_box_show_no_english_in_serbian(site):  # noqa: F811
    db = site["db"]
    analyst = bearer(db, "analyst", name="ana")
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=analyst) as c:
        for claim_id in site["matched"][1:]:  # the first whose card has a draft (a sentence that repeats the claim)
            decided = c.post("/api/review/decisions", json={"kind": "match", "item": f"{claim_id}.1", "decision": "confirmed"})
            assert decided.status_code == 201, decided.text
            if c.post(f"/api/claims/{claim_id}/publish").status_code == 200:
                break
        else:
            pytest.fail("no matched claim of the demo has a draft to publish")
        assert _each_page(c, db, [f"/claims/{claim_id}", "/audit", "/review"]) == {}
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1") as anonymous:
        # The card's own text is in the claim's language (lang= on the page); the frame follows the interface.
        assert _each_page(anonymous, db, ["/public/cards", f"/public/cards/{claim_id}"]) == {}
        feed = anonymous.get("/public/cards?lang=sr-Latn").text
        assert "Objavljeni odgovori" in feed and "Atom fid" in feed


def test_after_an_analyst_works_a_claim_its_pages_show_no_english_in_serbian(tmp_path):
    """Status with an assignee, an edited draft, a recorded post, a saved search: the lines they add
    (on the claim page, the audit list, /saved) are checked too. A copy of the database: this writes."""
    db = build(tmp_path)
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db, "analyst", name="ana")) as c:
        claim = c.get("/api/claims?min_score=0&sort=spread").json()["claims"][0]["id"]
        assert c.put(f"/api/claims/{claim}/status", json={"status": "in_review", "assignee": "ana"}).status_code == 200
        assert c.put(f"/api/claims/{claim}/drafts/short", json={"text": "Kratak odgovor."}).status_code == 200
        assert c.post(f"/api/claims/{claim}/posts", json={"url": "https://x.example/1", "note": "n"}).status_code == 201
        assert c.post("/api/saved", json={"name": "vize", "url": "/documents?q=vize", "alert": True}).status_code == 201
        assert _each_page(c, db, [f"/claims/{claim}", "/audit", "/saved", "/claims?status=in_review"]) == {}
