"""`factwatch demo` end to end: a real subprocess loads the demo corpus, analyses it and serves
the dashboard; then the planted stories must be findable in what it stored."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "factwatch.cli", "--db", str(db), "demo", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "COLUMNS": "120"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"factwatch demo exited early:\n{proc.stdout.read()}")
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("factwatch demo did not serve the dashboard within 300 s")
        yield base, db
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_demo_serves_the_dashboard(demo_server):
    base, _ = demo_server
    home = httpx.get(base + "/").text
    for page in ("/sources", "/documents", "/runs", "/claims", "/facts"):
        assert httpx.get(base + page).status_code == 200, page
    assert "Documents" in home
    docs = httpx.get(base + "/api/documents", params={"language": "mk", "limit": 5}).json()
    assert docs["total"] >= 20 and all(d["language"] == "mk" for d in docs["documents"])


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
