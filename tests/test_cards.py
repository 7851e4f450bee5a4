"""Response cards: the claim as seen, verdict, facts with citations, drafts, escaping, LLM hook."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from factwatch.analysis._text import latin_key
from factwatch.analysis.claims import extract_claims
from factwatch.analysis.embed import embed_new_claims
from factwatch.analysis.factcheck import embed_fact_base
from factwatch.ingest.facts import import_facts
from factwatch.analysis.matching import match_new_claims
from factwatch.models import NewDocument
from factwatch.respond.cards import build_card, render_card

DATA = Path(__file__).parent / "data" / "facts"
CLAIM = "Vlada Kosova je zabranila Srpsku pravoslavnu crkvu, tvrdi portal."


@pytest.fixture
def card_store(store, monkeypatch):
    monkeypatch.delenv("FACTWATCH_LLM_URL", raising=False)
    import_facts(store, DATA / "facts_profile.yaml")
    import_facts(store, DATA / "claimreview_array.json")
    texts = [
        (CLAIM + " <script>alert(1)</script>", "portal-a.example", "2024-01-02T10:00:00Z"),
        (CLAIM, "portal-b.example", "2024-01-01T08:00:00Z"),
        ("Skupština grada Beograda usvojila je plan nove tramvajske linije do Zemuna.", "portal-a.example", None),
    ]
    docs = [NewDocument(platform="web", source=s, text=t, language="sr", script="Latn", latin_key=latin_key(t, "sr"),
                        content_hash=hashlib.sha1(f"{s}{t}".encode()).hexdigest(), position=str(i),
                        url=f"https://{s}/{i}", published_at=p) for i, (t, s, p) in enumerate(texts)]
    store.insert_documents(docs, run_id=store.start_run("ingest", "t"))
    extract_claims(store)
    embed_fact_base(store)
    embed_new_claims(store)
    match_new_claims(store)
    return store


def claim_id(store, startswith: str, source: str | None = None) -> int:
    for c in store.claims_after(0):
        if c.text.startswith(startswith) and (source is None or store.get_document(c.document_id).source == source):
            return c.id
    raise AssertionError("claim not found")


def test_card_in_claim_language_with_facts_and_spread(card_store):
    card = build_card(card_store, claim_id(card_store, "Vlada Kosova", "portal-a.example"))
    assert card.addressed and card.verdict == "False"
    assert card.spread == {"documents": 2, "sources": 2}
    assert card.first_seen["source"] == "portal-b.example"
    assert card.draft_language == "sr-Latn" and "Nijedan zakon" in card.draft and card.draft_origin == "assembled"
    assert {f.source for f in card.facts} == {"NATO", "UNESCO"}
    assert any("Rezolucije 1244" in f.statement for f in card.facts)  # the fact's own translation
    md = render_card(card, "md")
    assert "Nijedan zakon" in md and "https://www.nato.int" in md
    assert json.loads(render_card(card, "json"))["claim_id"] == card.claim_id


def test_unaddressed_claim_card(card_store):
    card = build_card(card_store, claim_id(card_store, "Skupština grada"))
    assert not card.addressed and card.draft == "" and "Not addressed" in render_card(card, "md")


def test_html_escapes_hostile_text(card_store):
    cid = claim_id(card_store, "Vlada Kosova", "portal-a.example")
    card = build_card(card_store, cid)
    hostile = card.__class__(**{**card.as_dict(), "quote": '<img src=x onerror="alert(1)">',
                                "facts": card.facts, "document_url": "javascript:alert(1)"})
    out = render_card(hostile, "html")
    assert "<img" not in out and "&lt;img" in out and 'href="javascript' not in out
    assert "<script" not in render_card(card, "html")
    with pytest.raises(Exception, match="Unknown card format"):
        render_card(card, "pdf")


class _LLM(BaseHTTPRequestHandler):
    calls: list[dict] = []
    fail = False

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _LLM.calls.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if _LLM.fail:
            self.send_response(500)
            self.end_headers()
            return
        out = json.dumps({"choices": [{"message": {"content": "Rewritten: " + body["messages"][-1]["content"][:40]}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(out.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def llm_server():
    server = HTTPServer(("127.0.0.1", 0), _LLM)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _LLM.calls, _LLM.fail = [], False
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_llm_hook_rewrites_and_falls_back(card_store, llm_server, monkeypatch):
    cid = claim_id(card_store, "Vlada Kosova", "portal-a.example")
    monkeypatch.setenv("FACTWATCH_LLM_URL", llm_server)
    monkeypatch.setenv("FACTWATCH_LLM_MODEL", "tiny")
    monkeypatch.setenv("FACTWATCH_LLM_KEY", "secret")
    card = build_card(card_store, cid)
    assert card.draft_origin == "llm" and card.draft.startswith("Rewritten: ")
    call = _LLM.calls[-1]
    assert call["path"] == "/v1/chat/completions" and call["auth"] == "Bearer secret" and call["body"]["model"] == "tiny"
    _LLM.fail = True
    card = build_card(card_store, cid)
    assert card.draft_origin == "assembled" and "Nijedan zakon" in card.draft
    monkeypatch.setenv("FACTWATCH_LLM_URL", "http://127.0.0.1:9")  # nothing listens: connection refused
    assert build_card(card_store, cid, timeout=2).draft_origin == "assembled"
    monkeypatch.delenv("FACTWATCH_LLM_URL")
    assert build_card(card_store, cid).draft_origin == "assembled"  # off by default


def test_a_text_that_rejects_the_claim_needs_no_response(store, monkeypatch):
    monkeypatch.delenv("FACTWATCH_LLM_URL", raising=False)
    import_facts(store, DATA / "facts_profile.yaml")
    text = "Lažna vest: Vlada Kosova nije zabranila Srpsku pravoslavnu crkvu, demantovali su iz Prištine."
    doc = NewDocument(platform="web", source="fact-desk.example", text=text, language="sr", script="Latn",
                      latin_key=latin_key(text, "sr"), content_hash="rejects", position="0",
                      url="https://fact-desk.example/1")
    store.insert_documents([doc], run_id=store.start_run("ingest", "t"))
    for stage in (extract_claims, embed_fact_base, embed_new_claims, match_new_claims):
        stage(store)
    card = build_card(store, claim_id(store, "Lažna vest"))
    assert card.addressed and card.stance == "rejects"
    assert card.draft == "" and card.draft_origin == "none"
    assert "no response needed" in render_card(card, "md") and "Draft response" not in render_card(card, "html")
