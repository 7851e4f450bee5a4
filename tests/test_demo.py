"""`factwatch demo` end to end: a real subprocess loads the demo corpus, analyses it and serves
the dashboard; then the planted stories must be findable in what it stored."""

from __future__ import annotations

import os
import socket
import html
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import json

import httpx
import pytest
import yaml

from factwatch.store import open_store

REPO = Path(__file__).resolve().parents[1]
PLANTED = [r["id"] for r in yaml.safe_load((REPO / "profiles/western-balkans/facts.yaml").read_text("utf-8"))["claim_reviews"]]
# The false claims the demo corpus plants (demo/README.md); the fact base also has extra reviews.
DEMO_CLAIMS = [
    "kfor-attack-north", "nato-secret-base-serbia", "eu-ban-cyrillic", "vaccines-infertility", "eufor-withdrawal",
    "albania-passports-nato", "montenegro-lose-nato", "ukrainian-mercenaries-kosovo", "us-biolabs-mk", "etias-visa",
]


DEMO_OUTPUT: list[str] = []
TABLOID, PORTAL = "Јутарњи курир демо", "Demo Vesti"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Every page needs a login (issue 10); the tests log in with the login the demo printed.
WEB = httpx.Client(timeout=30)


def _login_as_printed_demo_user(base: str) -> None:
    text = " ".join("".join(DEMO_OUTPUT).split())
    found = re.search(r"demo login: name (\S+), password (\S+) ", text)
    assert found, "factwatch demo printed no login:\n" + text[-2000:]
    form = WEB.get(base + "/login").text
    token = re.search(r'name="login_token" value="([^"]+)"', form).group(1)
    response = WEB.post(base + "/login", data={"name": found.group(1), "password": found.group(2), "next": "/",
                                               "login_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/", response.text[:500]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "factwatch.cli", "--db", str(db), "demo", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "COLUMNS": "120"},
    )
    base = f"http://127.0.0.1:{port}"
    # Read what the demo prints as it goes (a full pipe would block it); tests read DEMO_OUTPUT.
    reader = threading.Thread(target=lambda: DEMO_OUTPUT.extend(proc.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                reader.join(timeout=5)
                pytest.fail("factwatch demo exited early:\n" + "".join(DEMO_OUTPUT))
            try:
                if httpx.get(base + "/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("factwatch demo did not serve the dashboard within 300 s")
        _login_as_printed_demo_user(base)
        yield base, db
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_demo_serves_the_dashboard(demo_server):
    base, _ = demo_server
    home = WEB.get(base + "/").text
    for page in ("/sources", "/documents", "/runs", "/claims", "/facts"):
        assert WEB.get(base + page).status_code == 200, page
    assert "Documents" in home
    docs = WEB.get(base + "/api/documents", params={"language": "mk", "limit": 5}).json()
    assert docs["total"] >= 20 and all(d["language"] == "mk" for d in docs["documents"])


def test_demo_classifies_narratives_and_raises_alerts(demo_server):
    # The demo loads the profile's narrative catalogue, so trends and alerts have something to show.
    base, _ = demo_server
    narratives = WEB.get(base + "/api/narratives").json()["narratives"]
    assert len(narratives) >= 20 and sum(n["documents"] for n in narratives) > 0
    for page in ("/narratives", "/trends", "/alerts", "/clusters", "/coordination"):
        assert WEB.get(base + page).status_code == 200, page


def test_demo_corpus_goes_in_whole_in_many_languages_and_scripts(demo_server):
    _, db = demo_server
    with open_store(str(db)) as store:
        runs = [r for r in store.list_runs() if r.kind == "ingest"]
        assert len(runs) == 8 and all(r.status == "done" and r.rejected == 0 and r.duplicates == 0 for r in runs)
        assert store.stats()["documents"] >= 450
        languages = store.language_counts()
        assert {"sr", "bs", "sq", "mk", "ru", "en"} <= set(languages)
        scripts = Counter(d.script for d in store.list_documents(language="sr", limit=1000))
        assert scripts["Cyrl"] > 50 and scripts["Latn"] > 50
        assert any(s.actor_type == "state-affiliated" for s in store.list_sources())


def test_every_planted_false_claim_is_matched_to_its_debunk(demo_server):
    _, db = demo_server
    found: Counter[str] = Counter()
    with open_store(str(db)) as store:
        for claim_id in store.addressed_claims(limit=10_000):
            top = store.claim_matches(claim_id)[0]
            if top.fact_check_id:
                found[store.get_fact_check(top.fact_check_id).external_id] += 1
    missing = [c for c in DEMO_CLAIMS if found[c] == 0]
    assert missing == [], f"no addressed claim matched to {missing}; found {dict(found)}"
    assert set(found) <= set(PLANTED)


def test_copies_across_outlets_and_scripts_share_a_latin_key(demo_server):
    _, db = demo_server
    with open_store(str(db)) as store:
        cyrillic = store.list_documents(source="Јутарњи курир демо", query="KFOR", limit=5)
        assert cyrillic, "the tabloid's KFOR story is in the corpus"
        latin = store.list_documents(source="Demo Vesti", query="KFOR", limit=5)
        assert latin
        # The Latin key of the Cyrillic story finds its Latin copy by full-text search.
        words = " ".join(cyrillic[-1].latin_key.split()[:6])
        hits = {d.source for d in store.list_documents(query=words, limit=20)}
        assert {"Јутарњи курир демо", "Demo Vesti"} <= hits


# -- what `factwatch demo` prints ------------------------------------------------------------------


def test_demo_output_is_readable_text(demo_server):
    text = " ".join("".join(DEMO_OUTPUT).split())  # the console wraps long lines
    assert "{'" not in text and "':" not in text, "a Python dict or repr leaked into the demo's output"
    facts = yaml.safe_load((REPO / "profiles/western-balkans/facts.yaml").read_text("utf-8"))
    assert f"fact base: {len(facts['claim_reviews'])} fact-checks and {len(facts['facts'])} facts imported" in text
    assert re.search(r"ingested social/posts\.csv: 157 new, 0 duplicates, 0 rejected", text)
    for stage in ("dedup", "coordination", "claims", "match"):  # each stage says what it did
        assert re.search(rf"  ?{stage}: \w[\w ]* \d", text), stage
    _, db = demo_server
    with open_store(str(db), access="read") as store:
        st = store.stats()
    assert (f"demo loaded: {st['documents']:,} documents from {st['sources']:,} sources; "
            f"{st['clusters']:,} story clusters with copies") in text
    assert "/claims" in text and "/clusters" in text


# -- a claim's spread on the card, the document page and the claim partial ---------------------


def _claim_of(store, fact_check: str, source: str) -> int:
    """The claim of ``source`` whose best addressed match is the fact-check ``fact_check``."""
    for claim_id in store.addressed_claims(limit=10_000):
        top = store.claim_matches(claim_id)[0]
        if (top.fact_check_id and store.get_fact_check(top.fact_check_id).external_id == fact_check
                and store.get_document(store.get_claim(claim_id).document_id).source == source):
            return claim_id
    raise AssertionError(f"no claim of {source} matched to {fact_check}")


def test_card_counts_cyrillic_latin_and_translated_copies_of_the_cyrillic_ban(demo_server):
    from factwatch.analysis.spread import claim_spread
    from factwatch.respond.cards import build_card, render_card

    _, db = demo_server
    with open_store(str(db), access="read") as store:
        claim_id = _claim_of(store, "eu-ban-cyrillic", TABLOID)
        card = build_card(store, claim_id, use_llm=False)
        steps = claim_spread(store, claim_id).steps
    by_source = {s.source: s for s in steps}
    # demo/README.md: the tabloid (Cyrillic, 10-19 07:20 Belgrade) is first; Demo Vesti copies it in
    # Latin; Demo Portal BiH translates it to Bosnian and Balkan Pravda to Russian; the Telegram
    # channel posts it at 08:00; 11 X accounts burst on 10-20 16:31-16:36 UTC, two in Latin.
    assert card.first_seen["source"] == TABLOID and card.first_seen["date"] == "2026-10-19T05:20:00Z"
    assert card.seen_label == "the first appearance"
    assert by_source[PORTAL].script == "Latn" and by_source["Demo Portal BiH"].language == "bs"
    assert by_source["Balkan Pravda Demo"].language == "ru"
    burst = [s for s in steps if s.platform == "x" and s.published_at.startswith("2026-10-20T16:3")]
    assert len({s.author for s in burst}) == 11 and {s.script for s in burst} == {"Cyrl", "Latn"}
    # The card counts every one of them: by script, and translations apart from same-language copies.
    assert card.spread["documents"] == len(steps) >= 4 + 11
    assert card.reach["cyrillic"] == sum(s.script == "Cyrl" for s in steps) >= 1 + 9
    assert card.reach["latin"] == sum(s.script == "Latn" for s in steps) >= 2 + 2
    assert card.reach["translations"] == sum(s.language != "sr" for s in steps) >= 2
    assert card.reach["copies"] == card.spread["documents"] - 1 - card.reach["translations"]
    assert {"bs", "ru"} <= set(card.spread_languages) and card.reach["accounts"] >= 11
    # Demo Vesti's debunk of 10-22 is matched to the same fact-check but rejects the claim.
    assert not any(s.source == PORTAL and s.published_at.startswith("2026-10-22") for s in steps)
    # The cascade in time order: outlets, then the Telegram channel 40 minutes later, then X.
    assert card.cascade_label == "outlets → Telegram → X"
    outlets, telegram, x = card.cascade
    assert telegram.first_seen == "2026-10-19T06:00:00Z" and telegram.lag_seconds == 40 * 60
    assert x.accounts == 11 and x.first_seen.startswith("2026-10-20T16:31")
    md = render_card(card, "md")
    assert "- Cascade: outlets → Telegram → X" in md and f"in Cyrillic, {card.reach['latin']} in Latin" in md
    assert f"{card.reach['translations']} translations (" in md and "1. outlets from 2026-10-19T05:20:00Z" in md


def test_kfor_card_says_telegram_then_x_then_outlets(demo_server):
    from factwatch.respond.cards import build_card, render_card

    base, db = demo_server
    with open_store(str(db), access="read") as store:
        claim_id = _claim_of(store, "kfor-attack-north", TABLOID)
        card = build_card(store, claim_id, use_llm=False)
    # demo/README.md: the Telegram channel is first (10-06 06:50 Belgrade), an organic X post and
    # the tabloid follow within the hour, the burst of 10 X accounts at 12:02 UTC.
    assert card.first_seen["platform"] == "telegram" and card.first_seen["date"] == "2026-10-06T04:50:00Z"
    assert card.cascade_label == "Telegram → X → outlets"
    assert card.seen_label == "+50m 00s after the first appearance"  # the tabloid, 05:40 UTC
    assert card.cascade[1].accounts >= 11  # the burst and the organic post
    assert "Telegram → X → outlets" in WEB.get(f"{base}/claims/{claim_id}").text  # the card partial
    assert json.loads(render_card(card, "json"))["labels"]["cascade"] == "Telegram → X → outlets"


def test_document_page_links_its_story_cluster_and_first_publisher(demo_server):
    base, db = demo_server
    with open_store(str(db), access="read") as store:
        copy = next(d for d in store.list_documents(source=PORTAL, query="KFOR", limit=20)
                    if d.published_at == "2026-10-06T07:05:00Z")
        cluster_id = store.document_cluster(copy.id)
        first = store.cluster_members(cluster_id)[0]
    assert first.source == TABLOID and first.script == "Cyrl" and first.document_id != copy.id
    page = WEB.get(f"{base}/documents/{copy.id}").text
    origin = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.search(r'<p class="copy-origin.*?</p>', page, re.S)[0])).split())
    # The tabloid at 07:40 Belgrade, the Latin copy at 09:05: 1 h 25 min earlier.
    assert f"first published by {TABLOID} (rss" in origin and "1h 25m earlier" in origin
    assert f'href="/documents/{first.document_id}"' in page and f'href="/clusters/{cluster_id}"' in page
    first_page = WEB.get(f"{base}/documents/{first.document_id}").text
    assert "First appearance of" in first_page and f'href="/clusters/{cluster_id}"' in first_page
    api = WEB.get(f"{base}/api/documents/{copy.id}").json()
    assert api["cluster_id"] == cluster_id and api["id"] == copy.id
    listed = WEB.get(f"{base}/api/documents", params={"source": PORTAL, "limit": 100}).json()["documents"]
    assert next(d for d in listed if d["id"] == copy.id) == api  # the list item equals the detail


def test_spread_partial_lists_every_copy_in_time_order(demo_server):
    from factwatch.analysis.spread import claim_spread
    from factwatch.web._render import TEMPLATES

    _, db = demo_server
    with open_store(str(db), access="read") as store:
        report = claim_spread(store, _claim_of(store, "eu-ban-cyrillic", TABLOID))
    out = TEMPLATES.env.get_template("_spread.html").render(claim_spread=report)
    linked = [int(i) for i in re.findall(r'<td><a href="/documents/(\d+)">', out)]
    assert linked == [s.document_id for s in report.steps]
    assert "same fact-check" in out and "→ x" in out and out.count("<tr>") == len(report.steps) + 1
