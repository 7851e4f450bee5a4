"""The workbench pages of issue 10 (engineer C): overview charts, narrative, story cluster, coordinated
network graph, source and actor profiles, each as HTML and as /api JSON, on a real migrated SQLite
database built through the CLI (sources import, ingest of the demo's social posts and its
state-affiliated feed, the dedup, coordination and claims stages).

The narrative and match stages need the embedding model (minutes on a shared machine), so their
outputs are written through the same store methods those stages use, with known values the
expected figures are computed from independently (plain SQL on the file, not the code under test).
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from _live import CHROMIUM, CHROMIUM_ARGS, bearer, browser_login, add_user, live_dashboard, needs_chromium
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from factwatch.cli import app as cli_app
from factwatch.models import ClaimMatch, NewAlert, NewFactCheck, NewNarrativeAssignment
from factwatch.store import open_store
from factwatch.web.app import create_app

REPO = Path(__file__).resolve().parents[1]
CSV_MAP = ("text=text,author=account,source=account,external_id=post_id,published_at=created_at,url=url,"
           "language=lang_hint")
STATE_SOURCE = "Balkan Pravda Demo"
STATE_ACTOR = "Balkan Pravda Demo network"
RISING = "eu-never-accepts-balkans"  # assigned to the state outlet's posts of the last week (and one before)
FALLING = "ukraine-nazi-regime"  # assigned only to the week before: never "rising"
HOSTILE_ACCOUNT = "</script><script>alert('pwn')</script>"
HOSTILE_FACT = "<img src=x onerror=alert('fc')> NATO is preparing an attack"


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    db = folder / "factwatch.db"
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli_app, ["--db", str(db), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    # Two posts from an account whose name is markup: it reaches chart labels and graph data.
    hostile = folder / "hostile.csv"
    with hostile.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["post_id", "account", "created_at", "text", "url", "lang_hint"])
        w.writerow(["900001", HOSTILE_ACCOUNT, "2026-11-26T10:00:00Z", "EU nikada neće primiti Balkan, kažu svi.",
                    "https://social.example/h/1", "sr"])
        w.writerow(["900002", HOSTILE_ACCOUNT, "2026-11-27T10:00:00Z", "Brisel nas samo vuče za nos, EU nas neće.",
                    "https://social.example/h/2", "sr"])
    run("sources", "import")
    run("ingest", str(REPO / "demo/social/posts.csv"), "--format", "csv", "--map", CSV_MAP)
    run("ingest", str(hostile), "--format", "csv", "--map", CSV_MAP)
    run("ingest", str(REPO / "demo/feeds/balkan-pravda.xml"), "--format", "rss", "--source", STATE_SOURCE)
    run("narratives", "import", str(REPO / "profiles/western-balkans/narratives.yaml"))
    run("analyze", "--stage", "dedup", "--stage", "coordination", "--stage", "claims")

    raw = sqlite3.connect(db)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    today = _day(raw.execute("SELECT MAX(published_at) FROM documents WHERE published_at <= ?", (now,)).fetchone()[0])
    split = today - timedelta(days=6)  # first day of "the last 7 days"
    state_docs = raw.execute("SELECT id, published_at FROM documents WHERE source = ? ORDER BY published_at",
                             (STATE_SOURCE,)).fetchall()
    recent = [i for i, at in state_docs if _day(at) >= split]
    before = [i for i, at in state_docs if split - timedelta(days=7) <= _day(at) < split]
    hostile_docs = [r[0] for r in raw.execute("SELECT id FROM documents WHERE source = ?", (HOSTILE_ACCOUNT,))]
    assert len(recent) >= 2 and len(before) >= 2, "the demo feed no longer has posts in both weeks"
    on_narrative = {*recent, before[0]}
    # The state outlet's claims, those in documents carrying RISING first: the matched ones are taken from the front.
    rows = raw.execute("SELECT c.id, c.document_id FROM claims c JOIN documents d ON d.id = c.document_id"
                       " WHERE d.source = ? ORDER BY c.id", (STATE_SOURCE,)).fetchall()
    claims = [i for i, d in sorted(rows, key=lambda r: (r[1] not in on_narrative, r[0]))]
    assert len(claims) >= 5
    in_narrative = {i for i, d in rows if d in on_narrative}
    raw.close()

    with open_store(str(db)) as store:
        rows = [NewNarrativeAssignment(d, None, RISING, 0.9, "test") for d in [*recent, before[0], *hostile_docs]]
        rows += [NewNarrativeAssignment(d, None, FALLING, 0.9, "test") for d in before]
        store.save_narrative_assignments([*recent, *before, *hostile_docs], rows, stage="narratives", cursor="test")
        store.insert_fact_checks([
            NewFactCheck(key="t-false", claim=HOSTILE_FACT, format="test", verdict="False", publisher="Test FC",
                         url="https://fc.example/1", language="en"),
            NewFactCheck(key="t-true", claim="The EU opened a new chapter with Serbia", format="test", verdict="True",
                         publisher="Test FC", url="javascript:alert(1)", language="en")])
        fcs = {f.claim: f.id for f in store.list_fact_checks(limit=500)}
        false_id, true_id = fcs[HOSTILE_FACT], fcs["The EU opened a new chapter with Serbia"]
        # Four claims matched to the "False" fact-check, one of them then rejected by an analyst; one to "True".
        matched = claims[:4]
        store.replace_claim_matches(claims[:5], [
            *(ClaimMatch(c, 1, "fact_check", false_id, None, 0.9, True) for c in matched),
            ClaimMatch(claims[4], 1, "fact_check", true_id, None, 0.9, True)])
        store.add_review(matched[0], 1, decision="rejected", reviewer="tester")
        store.save_alerts([NewAlert(key="t-alert", kind="spike", narrative_id=RISING, subject=None,
                                    at=f"{today.isoformat()}T00:00:00Z", score=0.001,
                                    summary="Spike of <b>EU never accepts</b> documents")], stage="alerts", cursor="t")
    headers = bearer(db, "viewer")
    client = TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=headers)
    expected_on_narrative = len(set(matched[1:]) & in_narrative)
    assert expected_on_narrative >= 1, "no claim extracted from the state outlet's posts of the last week"
    return {"db": db, "client": client, "today": today, "recent": recent, "before": before, "claims": claims,
            "matched": matched, "hostile_docs": hostile_docs, "on_narrative": on_narrative,
            "fact_checked_on_narrative": expected_on_narrative}


def _sql(db: Path, query: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(query, params).fetchall()


def _json_block(html: str, block_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', html, re.S)
    assert found, f"no JSON block {block_id}"
    return json.loads(found.group(1))


# -- overview -------------------------------------------------------------------------------------

def test_overview_counts_documents_a_day_by_language_and_actor_type(site):
    data = site["client"].get("/api/overview").json()
    a = data["activity"]
    assert a["today"] == site["today"].isoformat()
    assert len(a["days"]) == 30 and a["days"][-1] == a["today"]
    since, until = a["days"][0], (site["today"] + timedelta(days=1)).isoformat()
    expected = dict(_sql(site["db"], "SELECT language, COUNT(*) FROM documents WHERE published_at >= ? AND published_at < ?"
                                     " GROUP BY language", since, until))
    assert {k: sum(v) for k, v in a["by_language"].items()} == expected
    state = _sql(site["db"], "SELECT COUNT(*) FROM documents WHERE source = ? AND published_at >= ? AND published_at < ?",
                 STATE_SOURCE, since, until)[0][0]
    assert sum(a["by_actor_type"]["state-affiliated"]) == state > 0
    assert sum(sum(v) for v in a["by_actor_type"].values()) == sum(expected.values())


def test_overview_rising_narratives_compare_this_week_with_the_last(site):
    rising = {r["narrative_id"]: r for r in site["client"].get("/api/overview").json()["rising_narratives"]}
    assert rising[RISING]["recent"] == len(site["recent"]) + len(site["hostile_docs"])
    assert rising[RISING]["previous"] == 1
    assert FALLING not in rising  # it only appeared the week before


def test_overview_claims_today_alerts_and_networks(site):
    data = site["client"].get("/api/overview").json()
    today = site["today"].isoformat()
    tomorrow = (site["today"] + timedelta(days=1)).isoformat()
    n = _sql(site["db"], "SELECT COUNT(*) FROM claims c JOIN documents d ON d.id = c.document_id"
                         " WHERE d.published_at >= ? AND d.published_at < ?", today, tomorrow)[0][0]
    assert data["claims_today"]["claims"] == n
    assert all(c["published_at"].startswith(today) for c in data["claims_today"]["latest"])
    assert [a["key"] for a in data["alerts"]] == ["t-alert"]
    stored = {r[0] for r in _sql(site["db"], "SELECT id FROM coordination_networks")}
    assert stored and {n["id"] for n in data["networks"]} == stored


def test_overview_page_carries_its_charts_as_data(site):
    html = site["client"].get("/").text
    languages = _json_block(html, "chart-languages")
    assert languages["kind"] == "line" and len(languages["labels"]) == 30 and not languages["empty"]
    assert {s["label"] for s in languages["series"]} >= {"Serbian", "Macedonian"}  # names, not codes
    latin = _json_block(site["client"].get("/?lang=sr-Latn").text, "chart-languages")
    assert "srpski" in {s["label"] for s in latin["series"]}  # in the interface language
    site["client"].get("/?lang=en")  # ?lang= is remembered in a cookie: back to English for the other tests
    rising = _json_block(html, "chart-rising")
    assert f"/narratives/{RISING}" in rising["links"]
    assert 'src="/static/charts.js"' in html and "<script>" not in html  # no inline script anywhere
    assert "Spike of &lt;b&gt;EU never accepts&lt;/b&gt; documents" in html


# -- narrative ----------------------------------------------------------------------------------

def test_narrative_page_lists_the_fact_checks_that_address_its_claims(site):
    data = site["client"].get(f"/api/narratives/{RISING}").json()
    fcs = {f["claim"]: f for f in data["fact_checks"]}
    # Claims of its documents matched to the "False" fact-check, less the one an analyst rejected;
    # the "True" one matched a claim outside the narrative's documents.
    assert fcs[HOSTILE_FACT]["claims"] == site["fact_checked_on_narrative"]
    assert fcs[HOSTILE_FACT]["verdict"] == "False" and fcs[HOSTILE_FACT]["confirmed"] is False
    assert data["by_actor_type"]["totals"]["state-affiliated"] == len(site["on_narrative"])
    html = site["client"].get(f"/narratives/{RISING}").text
    outlets = _json_block(html, "chart-narrative-outlets")
    assert HOSTILE_ACCOUNT in outlets["labels"]  # the name is data in the block...
    assert HOSTILE_ACCOUNT not in html  # ...escaped there: "</script>" never closes the block early
    assert "<img src=x" not in html


# -- source and actor profiles -----------------------------------------------------------------

def test_source_profile_share_of_false_claims(site):
    data = site["client"].get(f"/api/sources/{STATE_SOURCE}").json()["source"]
    total = len(site["claims"])
    assert data["claims"] == total
    assert data["false_claims"] == 3  # four matched to "False", one rejected; "True" does not count
    assert data["false_share"] == round(3 / total, 4)
    assert sum(m["matched"] for m in data["claim_months"]) == 4
    html = site["client"].get(f"/sources/{STATE_SOURCE}").text
    claims = _json_block(html, "chart-profile-claims")
    assert sum(claims["series"][0]["data"]) == 3
    narratives = _json_block(html, "chart-profile-narratives")
    label = {n: site["client"].get(f"/api/narratives/{n}").json()["narrative"]["label"] for n in (RISING, FALLING)}
    by_label = {s["label"]: sum(s["data"]) for s in narratives["series"]}
    assert by_label == {label[RISING]: len(site["on_narrative"]), label[FALLING]: len(site["before"])}
    assert f'href="/actors/{STATE_ACTOR.replace(" ", "%20")}"' in html


def test_actor_profile_takes_all_its_sources(site):
    data = site["client"].get(f"/api/actors/{STATE_ACTOR}").json()
    assert data["actor"]["type"] == "state-affiliated"
    assert [s["name"] for s in data["actor"]["sources"]] == [STATE_SOURCE]
    assert data["profile"]["false_claims"] == 3 and data["profile"]["kind"] == "actor"
    listing = site["client"].get("/api/actors?limit=500").json()["actors"]
    assert next(a for a in listing if a["name"] == STATE_ACTOR)["sources"] == 1
    assert site["client"].get("/actors").status_code == 200
    page = site["client"].get(f"/actors/{STATE_ACTOR}")
    assert page.status_code == 200 and "chart-profile-narratives" in page.text


def test_unknown_actor_is_a_404_that_says_where_to_look(site):
    r = site["client"].get("/api/actors/No%20Such%20Actor")
    assert r.status_code == 404 and "/actors" in r.json()["error"]


def test_pages_need_a_login(site):
    anonymous = TestClient(create_app(str(site["db"])), base_url="http://127.0.0.1")
    assert anonymous.get("/api/overview").status_code == 401
    assert anonymous.get(f"/api/actors/{STATE_ACTOR}").status_code == 401
    r = anonymous.get("/actors", follow_redirects=False)
    assert r.status_code in (302, 303, 307) and "/login" in r.headers["location"]


# -- coordination network graph ------------------------------------------------------------------

def _largest_network(site) -> str:
    return _sql(site["db"], "SELECT id FROM coordination_networks ORDER BY accounts DESC, id LIMIT 1")[0][0]


def test_network_graph_sizes_accounts_and_ties_objects_with_lags(site):
    network_id = _largest_network(site)
    data = site["client"].get(f"/api/coordination/{network_id}").json()
    network, graph = data["network"], data["graph"]
    accounts = [n for n in graph["nodes"] if n["kind"] == "account"]
    objects = [n for n in graph["nodes"] if n["kind"] == "object"]
    assert sorted(n["label"] for n in accounts) == sorted(network["accounts"])
    by_shares = sorted(accounts, key=lambda n: n["shares"])
    assert [n["size"] for n in by_shares] == sorted(n["size"] for n in by_shares)  # size grows with activity
    assert by_shares[0]["size"] < by_shares[-1]["size"] or by_shares[0]["shares"] == by_shares[-1]["shares"]
    assert objects and {o["full"] for o in objects} <= {str(o) for o, _ in network["top_objects"]}
    ids = {n["id"] for n in graph["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    for obj in objects:
        shares = [s for s in graph["shares"] if s["object"] == obj["full"]]
        times = [datetime.fromisoformat(s["at"].replace("Z", "+00:00")) for s in shares]
        first = min(times)
        assert [s["lag_seconds"] for s in shares] == [int((t - first).total_seconds()) for t in times]
        assert shares[0]["lag_seconds"] == 0 and len(shares) == obj["accounts"] >= 2
    html = site["client"].get(f"/coordination/{network_id}").text
    assert 'data-graph="network-graph-data"' in html
    assert _json_block(html, "network-graph-data")["nodes"] == graph["nodes"]


def test_network_graph_narrowing_reads_the_same_shares_and_is_cached(site):
    """The store's pre-filter (story clusters, substrings, Latin keys for Cyrillic hashtags) must not
    lose a share: every network's graph equals the one read from all its accounts' documents."""
    from factwatch.web._network import GraphCache, network_graph

    with open_store(str(site["db"]), access="read") as store:
        ids = [r[0] for r in _sql(site["db"], "SELECT id FROM coordination_networks ORDER BY id")]
        kinds = set()
        for network_id in ids:
            network = store.get_coordination_network(network_id)
            kinds.add(network.kind)
            narrowed, full = network_graph(store, network), network_graph(store, network, narrow=False)
            assert narrowed == full and narrowed.shares, network_id
        assert {"url", "hashtag", "text"} <= kinds
        hashtags = store.get_coordination_network(next(i for i in ids if i.startswith("hashtag")))
        assert any(not str(o).isascii() for o, _ in hashtags.top_objects)  # a Cyrillic tag is among them
        cache = GraphCache(maxsize=1)
        first = network_graph(store, hashtags, cache=cache)
        assert network_graph(store, hashtags, cache=cache) is first
        other = store.get_coordination_network(ids[0] if ids[0] != hashtags.id else ids[1])
        network_graph(store, other, cache=cache)  # evicts the first (maxsize 1)
        assert cache.get(hashtags) is None


# -- story cluster -------------------------------------------------------------------------------

def test_cluster_copy_chain_chart_counts_every_dated_copy(site):
    cluster_id = _sql(site["db"], "SELECT cluster_id FROM cluster_members GROUP BY cluster_id"
                                  " ORDER BY COUNT(*) DESC, cluster_id LIMIT 1")[0][0]
    report = site["client"].get(f"/api/clusters/{cluster_id}").json()["cluster"]
    dated = [c for c in report["copies"] if c["lag_seconds"] is not None]
    html = site["client"].get(f"/clusters/{cluster_id}").text
    chain = _json_block(html, "chart-copy-chain")
    assert len(chain["labels"]) == len(dated) >= 2
    per_platform = [s for s in chain["series"] if s["label"] != "altered wording"]
    assert sum(s["data"][-1] for s in per_platform) == len(dated)
    altered = next(s for s in chain["series"] if s["label"] == "altered wording")
    assert altered["data"][-1] == sum(1 for c in dated if c["altered"])
    assert chain["links"] == [f"/documents/{c['document_id']}" for c in dated]
    # Points on a time axis (minutes after the first appearance), not evenly spaced categories.
    assert chain["x"] == [round(c["lag_seconds"] / 60, 2) for c in dated] and chain["x"][0] == 0
    assert chain["x_title"] == "minutes after the first appearance"
    parents = {c["parent_id"] for c in report["copies"] if not c["first"] and c["parent_id"]}
    assert all(f'href="/documents/{p}"' in html for p in parents)


# -- in the browser ------------------------------------------------------------------------------

# Pixels with any paint, over every canvas of the element (cytoscape draws on stacked layers).
_PAINTED = """el => { let n = 0;
  for (const c of (el.tagName === 'CANVAS' ? [el] : el.querySelectorAll('canvas'))) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } }
  return n; }"""


def _until(page, script: str, arg=None, timeout: float = 15.0):
    """Poll ``page.evaluate(script, arg)`` until truthy. Not wait_for_function: its polling evals a
    string, which the page's CSP (no 'unsafe-eval') rightly refuses."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script, arg)
        if value or time.monotonic() > deadline:
            assert value, f"still false after {timeout} s: {script[:120]}"
            return value
        page.wait_for_timeout(100)


def _rendered(page, chart: str) -> int:
    """Wait for static/charts.js to draw ``chart``; returns its painted pixels."""
    _until(page, "c => document.querySelector(`canvas[data-chart=\"${c}\"]`)?.dataset.rendered", chart)
    return page.locator(f'canvas[data-chart="{chart}"]').evaluate(_PAINTED)


@pytest.mark.browser
@needs_chromium
def test_charts_and_network_graph_render_in_chromium(site):
    from playwright.sync_api import sync_playwright

    add_user(site["db"], "pages-viewer", "viewer")
    errors: list[str] = []
    dialogs: list[str] = []
    with live_dashboard(site["db"]) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            browser_login(page, url, "pages-viewer")

            page.goto(url + "/")
            for chart in ("chart-languages", "chart-actor-types", "chart-rising", "chart-networks"):
                assert _rendered(page, chart) > 500, f"{chart} drew nothing"

            page.goto(f"{url}/narratives/{RISING}")
            assert _rendered(page, "chart-narrative-outlets") > 500

            network_id = _largest_network(site)
            page.goto(f"{url}/coordination/{network_id}")
            box = page.locator("#network-graph")
            _until(page, "() => document.getElementById('network-graph').dataset.nodes")
            graph = site["client"].get(f"/api/coordination/{network_id}").json()["graph"]
            assert int(box.get_attribute("data-nodes")) == len(graph["nodes"])
            assert int(box.get_attribute("data-edges")) == len(graph["edges"])
            # cytoscape paints on the next animation frame: wait for the pixels, not a fixed time.
            _until(page, f"() => ({_PAINTED})(document.getElementById('network-graph')) > 500")
            # Interactive: a click on an account node shows its details. The node is looked up again
            # before each try: the layout may still be settling (cose fits the view when it stops).
            for _ in range(10):
                pos = box.evaluate("el => { const n = el.factwatchGraph.nodes('[kind = \"account\"]')[0];"
                                   " const p = n.renderedPosition(); return [p.x, p.y, n.data('label')]; }")
                box.click(position={"x": pos[0], "y": pos[1]})
                page.wait_for_timeout(200)
                if page.locator("#network-graph-detail").inner_text().startswith("Account:"):
                    break
            assert pos[2] in page.locator("#network-graph-detail").inner_text()

            cluster_id = _sql(site["db"], "SELECT cluster_id FROM cluster_members GROUP BY cluster_id"
                                          " ORDER BY COUNT(*) DESC, cluster_id LIMIT 1")[0][0]
            page.goto(f"{url}/clusters/{cluster_id}")
            assert _rendered(page, "chart-copy-chain") > 500

            page.goto(f"{url}/sources/{STATE_SOURCE}")
            assert _rendered(page, "chart-profile-claims") > 200

            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(f"{url}/coordination/{network_id}")
            _until(page, "() => document.getElementById('network-graph').dataset.nodes")
            width = page.locator("#network-graph").evaluate("el => el.getBoundingClientRect().width")
            assert 0 < width <= 390
        finally:
            browser.close()
    assert dialogs == []
    assert errors == []  # a CSP violation, a missing vendored file or a script error would show here


@pytest.mark.browser
@needs_chromium
def test_detail_pages_fit_a_390px_phone(site):
    """The responsive check of the main pages (test_web_responsive), on this module's detail pages."""
    from test_web_responsive import _check_pages

    add_user(site["db"], "phone-viewer", "viewer")
    cluster_id = _sql(site["db"], "SELECT cluster_id FROM cluster_members GROUP BY cluster_id"
                                  " ORDER BY COUNT(*) DESC, cluster_id LIMIT 1")[0][0]
    pages = [f"/narratives/{RISING}", f"/coordination/{_largest_network(site)}", f"/clusters/{cluster_id}",
             f"/sources/{STATE_SOURCE}", f"/actors/{STATE_ACTOR}", "/actors"]
    with live_dashboard(site["db"]) as url:
        assert _check_pages(url, pages) == {}


# -- the pages in Serbian -----------------------------------------------------------------------

PAGE_TEMPLATES = ("overview", "narrative", "cluster", "coordination_network", "source", "actor", "actors",
                  "_profile_charts", "_profile_tables", "_trendchart", "_timeline")


def test_every_wrapped_string_of_these_pages_has_a_serbian_translation():
    from factwatch.web._i18n import SR_LATN

    templates = REPO / "src/factwatch/web/templates"
    wrapped = {m.group(2) for t in PAGE_TEMPLATES
               for m in re.finditer(r'''_\(\s*(["'])(.*?)\1''', (templates / f"{t}.html").read_text())}
    assert len(wrapped) > 150
    assert sorted(wrapped - SR_LATN.keys()) == []


def test_pages_and_their_charts_in_serbian_cyrillic(site):
    client = site["client"]
    cluster_id = _sql(site["db"], "SELECT cluster_id FROM cluster_members GROUP BY cluster_id"
                                  " ORDER BY COUNT(*) DESC, cluster_id LIMIT 1")[0][0]
    source = _sql(site["db"], "SELECT name FROM sources WHERE actor IS NOT NULL ORDER BY name LIMIT 1")[0][0]
    network = client.get("/api/coordination").json()["networks"][0]["id"]
    try:
        pages = {path: client.get(path, params={"lang": "sr-Cyrl"}) for path in
                 ("/", f"/narratives/{RISING}", f"/clusters/{cluster_id}", f"/coordination/{network}",
                  f"/sources/{source}", "/actors")}
    finally:
        client.get("/?lang=en")
    assert {p: r.status_code for p, r in pages.items()} == {p: 200 for p in pages}
    overview, narrative, cluster, coordination, profile, actors = (r.text for r in pages.values())
    assert "Преглед" in overview and "Докумената дневно" in overview and "Documents a day" not in overview
    rising = _json_block(overview, "chart-rising")
    assert rising["title"] == "Наративи у успону" and {s["label"] for s in rising["series"]} == {
        "последњих 7 дана", "7 дана пре"}
    assert rising["empty_text"] == "Још нема ничега за графикон."  # what charts.js shows for an empty chart
    assert "Ко га гура" in narrative and "Who pushes it" not in narrative
    assert _json_block(narrative, "chart-narrative-outlets")["title"] == "Медији и канали који га преносе"
    chain = _json_block(cluster, "chart-copy-chain")
    assert "измењен текст" in {s["label"] for s in chain["series"]} and chain["x_title"].endswith("првог појављивања")
    assert "Копије по времену" in cluster and "Copies in time order" not in cluster
    assert "Заједничка дељења са заостајањем" in coordination and "Edges" not in coordination
    assert "Тврдње и нетачне тврдње" in profile and "Claims and false claims" not in profile
    assert _json_block(profile, "chart-profile-claims")["title"].startswith("Тврдњи месечно")
    assert "Ко поседује изворе" in actors


def test_a_source_or_actor_named_with_a_slash_has_its_profile(site):
    """`| urlencode` keeps a '/' in a name, so /sources/{name} and /actors/{name} take a path."""
    from urllib.parse import quote

    client = site["client"]
    actor = _sql(site["db"], "SELECT name FROM actors WHERE name LIKE '%/%' ORDER BY name LIMIT 1")
    assert actor, "the profile no longer registers an actor named with a '/'"
    name = actor[0][0]  # Radio Free Europe/Radio Liberty
    for path in (f"/actors/{quote(name)}", f"/api/actors/{quote(name)}", f"/sources/{quote(name)}",
                 f"/api/sources/{quote(name)}", f"/actors/{quote(name, safe='')}"):
        assert client.get(path).status_code == 200, path
    assert f'href="/actors/{quote(name)}"' in client.get("/actors").text
    assert client.get("/actors/No such/actor").status_code == 404
