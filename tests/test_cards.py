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
from factwatch.models import Fact, FactCheck, NewDocument
from factwatch.respond._phrases import count, verdict_kind
from factwatch.respond.cards import SHORT_LIMIT, build_card, compose_drafts, no_draft_reason, render_card

DATA = Path(__file__).parent / "data" / "facts"
CLAIM = "Vlada Kosova je zabranila Srpsku pravoslavnu crkvu!"


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
    assert card.reach == {"accounts": 0, "copies": 1, "translations": 0, "cyrillic": 0, "latin": 2}
    assert card.first_seen["source"] == "portal-b.example" and card.first_seen["platform"] == "web"
    assert card.seen_label == "+1d 2h after the first appearance" and card.cascade_label == "outlets"
    assert card.draft_language == "sr-Latn" and "Nijedan zakon" in card.draft and card.draft_origin == "assembled"
    assert card.stance == "repeats" and card.no_draft_reason is None
    # The verdict and connecting words in the claim's language; plurals that agree with the number.
    assert "Ova tvrdnja je netačna." in card.draft and "False" not in card.draft
    assert "(2 dokumenta, 2 izvora)" in card.draft
    assert card.draft_short.startswith("Ova tvrdnja je netačna. Nijedan zakon") and len(card.draft_short) <= SHORT_LIMIT
    assert card.draft_short.endswith("https://factcheck.example.org/kosovo-church-ban")
    # Facts best first: the church fact shares the claim's words, KFOR's mandate only the rebuttal's.
    assert [f.source for f in card.facts] == ["UNESCO", "NATO"] and card.facts[0].relevance > card.facts[1].relevance
    assert any("Rezolucije 1244" in f.statement for f in card.facts)  # the fact's own translation
    md = render_card(card, "md")
    assert "Nijedan zakon" in md and "https://www.nato.int" in md and "Spread: 2 documents, 2 sources" in md
    assert json.loads(render_card(card, "json"))["claim_id"] == card.claim_id


def test_unaddressed_claim_card(card_store):
    card = build_card(card_store, claim_id(card_store, "Skupština grada"))
    assert not card.addressed and card.draft == "" and card.draft_short == "" and "Not addressed" in render_card(card, "md")
    assert card.no_draft_reason and "no fact-check" in card.no_draft_reason
    assert card.spread_label == "1 document, 1 source"  # was "1 documents, 1 sources"


def test_html_escapes_hostile_text(card_store):
    cid = claim_id(card_store, "Vlada Kosova", "portal-a.example")
    card = build_card(card_store, cid)
    fields = {k: v for k, v in card.as_dict().items() if k != "labels"}
    hostile = card.__class__(**{**fields, "quote": '<img src=x onerror="alert(1)">',
                                "facts": card.facts, "cascade": card.cascade, "document_url": "javascript:alert(1)"})
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
    assert "no response needed" in render_card(card, "md") and "Drafts" not in render_card(card, "html")


# -- the card reads the match row; candidates are marked -------------------------------------------

@pytest.mark.parametrize("stored,reason", [("reports", "only reports"), ("asks", "asks whether"),
                                           ("rejects", "no response needed")])
def test_the_card_reads_the_stance_stored_in_the_match_row(card_store, stored, reason):
    import dataclasses

    cid = claim_id(card_store, "Vlada Kosova", "portal-a.example")
    rows = card_store.claim_matches(cid)
    # The text repeats the claim; the stored stance says otherwise, and the card must follow the store.
    card_store.replace_claim_matches([cid], [dataclasses.replace(m, stance=stored) for m in rows])
    card = build_card(card_store, cid)
    assert card.stance == stored and card.draft == card.draft_short == "" and card.draft_origin == "none"
    assert reason in card.no_draft_reason and reason in render_card(card, "md")


def test_drafts_of_an_unconfirmed_match_are_marked_as_candidate_drafts(card_store):
    cid = claim_id(card_store, "Vlada Kosova", "portal-a.example")
    candidate = build_card(card_store, cid)
    assert not candidate.confirmed and "CANDIDATE" in candidate.draft_note
    assert candidate.match_label.startswith("candidate fact-check, p = ")
    assert "CANDIDATE match, unconfirmed" in render_card(candidate, "md")
    assert "Drafts of a candidate match (unconfirmed)" in render_card(candidate, "html")
    assert json.loads(render_card(candidate, "json"))["confirmed"] is False
    confirmed = build_card(card_store, cid, confirmed=True)
    assert confirmed.confirmed and confirmed.draft_note is None and confirmed.draft == candidate.draft
    assert confirmed.match_label.startswith("confirmed fact-check") and "CANDIDATE" not in render_card(confirmed, "md")


# -- drafts in every profile language (pure: no store) ---------------------------------------------

_REBUTTALS = {
    "en": "ETIAS is a travel authorisation, not a visa. Citizens of Serbia keep travelling without visas.",
    "sr": "ЕТИАС је путна дозвола, а не виза. Грађани Србије и даље путују без виза.",
    "sr-Latn": "ETIAS je putna dozvola, a ne viza. Građani Srbije i dalje putuju bez viza.",
    "hr": "ETIAS je putna autorizacija, a ne viza. Građani Srbije i dalje putuju bez viza.",
    "mk": "ЕТИАС е патна дозвола, а не виза. Граѓаните на Србија и понатаму патуваат без визи.",
    "sq": "ETIAS është autorizim udhëtimi, jo vizë. Qytetarët e Serbisë udhëtojnë ende pa viza.",
    "ru": "ETIAS — это разрешение на въезд, а не виза. Граждане Сербии по-прежнему ездят без виз.",
    "bg": "ETIAS е разрешение за пътуване, а не виза. Гражданите на Сърбия продължават да пътуват без визи.",
}
FC = FactCheck(
    id=1, key="k", external_id="etias-visa", claim="From January, citizens of Serbia will need visas for the EU "
    "because of ETIAS", verdict="misleading", rating_value=None, rebuttal=_REBUTTALS["en"], headline=None,
    url="https://fc.example/etias", publisher="Fact desk", language="en", date="2026-10-01", claim_author=None,
    appearance=None, fact_ids=("etias", "visa-free", "cyrillic"),
    translations={k: {"claim": "…", "rebuttal": v} for k, v in _REBUTTALS.items() if k != "en"}, format="yaml",
)
FACTS = [
    Fact(id=1, key="a", external_id="cyrillic", statement="Cyrillic is one of the three alphabets of the EU.",
         source="EU", url="https://eu.example/alphabets", date=None, language="en", topics=(), translations={}),
    Fact(id=2, key="b", external_id="etias", statement="ETIAS is a travel authorisation for visa-exempt travellers.",
         source="European Commission", url="https://travel-europe.example/etias", date=None, language="en",
         topics=(), translations={"sr-Latn": "ETIAS je putna dozvola za putnike bez vize.",
                                  "hr": "ETIAS je putna autorizacija za putnike bez vize."}),
    Fact(id=3, key="c", external_id="visa-free", statement="Citizens of Serbia travel to the Schengen area without "
         "visas since 2009.", source="EU", url="https://eu.example/visa-free", date=None, language="en", topics=(),
         translations={}),
]


@pytest.mark.parametrize(
    "quote,language,variant,verdict",
    [
        ("Од јануара ће грађанима Србије требати визе због ЕТИАС-а.", "sr", "sr-Cyrl", "Ова тврдња је обмањујућа."),
        ("Od januara će građanima Srbije trebati vize zbog ETIAS-a.", "sr", "sr-Latn", "Ova tvrdnja je obmanjujuća."),
        ("Od siječnja će građani Srbije trebati vize zbog ETIAS-a.", "hr", "hr", "Ova je tvrdnja obmanjujuća."),
        ("Od januara će građani Srbije trebati vize zbog ETIAS-a.", "bs", "bs", "Ova tvrdnja je obmanjujuća."),
        ("Od januara će građani Srbije trebati vize zbog ETIAS-a.", "cnr", "cnr", "Ova tvrdnja je obmanjujuća."),
        ("Од јануари на граѓаните на Србија ќе им требаат визи поради ЕТИАС.", "mk", "mk", "Ова тврдење е заблудувачко."),
        ("Nga janari qytetarët e Serbisë do të kenë nevojë për viza për shkak të ETIAS.", "sq", "sq",
         "Ky pretendim është mashtrues."),
        ("С января гражданам Сербии понадобятся визы из-за ETIAS.", "ru", "ru", "Это утверждение вводит в заблуждение."),
        ("От януари гражданите на Сърбия ще се нуждаят от визи заради ETIAS.", "bg", "bg",
         "Това твърдение е подвеждащо."),
        ("From January Serbians will need visas because of ETIAS.", "en", "en", "This claim is misleading."),
    ],
)
def test_drafts_in_the_claims_language_and_script(quote, language, variant, verdict):
    d = compose_drafts(quote, language=language, verdict="misleading", fact_check=FC, facts=FACTS,
                       spread={"documents": 5, "sources": 2})
    assert d.language == variant
    assert d.short.startswith(verdict) and d.long.split(": ", 1)[1][1:].startswith(quote)
    assert d.long.split(": ", 1)[1][0] == {"en": "“", "ru": "«", "sq": "«"}.get(variant, "„")
    assert len(d.short) <= SHORT_LIMIT and d.short.endswith("https://fc.example/etias")
    if variant != "en":
        assert "misleading" not in d.long and "ETIAS is a travel authorisation" not in d.long  # never a mix
    script = "Cyrl" if variant in ("sr-Cyrl", "mk", "ru", "bg") else "Latn"
    from factwatch.text import detect_script
    assert detect_script(d.long.replace("ETIAS", "").replace("https://fc.example/etias", "")) == script


def test_bosnian_and_montenegrin_drafts_use_the_closest_standard_and_bcms_plurals():
    # Regression: a Bosnian claim got "Ocjena: misleading" and English facts in its draft.
    d = compose_drafts("Od januara će građani trebati vize zbog ETIAS-a.", language="bs", verdict="misleading",
                       fact_check=FC, facts=FACTS, spread={"documents": 5, "sources": 2})
    assert "Ocjena" not in d.long and "misleading" not in d.long and "obmanjujuća" in d.long
    assert "putna autorizacija, a ne viza" in d.long  # the Croatian rebuttal, the closest standard present
    assert "(5 dokumenata, 2 izvora)" in d.long
    # Only facts translated into the draft's language are cited in it; the rest stay on the card.
    assert "Činjenice: ETIAS je putna autorizacija za putnike bez vize" in d.long and "Schengen" not in d.long


def test_only_facts_that_bear_on_the_claim_ranked():
    d = compose_drafts("From January Serbians will need visas because of ETIAS.", language="en",
                       verdict="misleading", fact_check=FC, facts=FACTS)
    assert [f.url for f in d.facts] == ["https://travel-europe.example/etias", "https://eu.example/visa-free"]
    assert "alphabets" not in d.long  # the Cyrillic fact is attached to the fact-check but irrelevant here
    assert d.long.index("ETIAS is a travel authorisation for") < d.long.index("without visas since 2009")


def test_short_draft_fits_a_reply_whatever_the_rebuttal():
    long_fc = FactCheck(**{**{f: getattr(FC, f) for f in FC.__dataclass_fields__},
                           "rebuttal": "ETIAS is a travel authorisation and not a visa at all " * 20,
                           "translations": {}})
    d = compose_drafts("From January Serbians will need visas because of ETIAS.", language="en",
                       verdict="false", fact_check=long_fc, facts=[])
    assert len(d.short) <= SHORT_LIMIT and d.short.startswith("This claim is false.") and d.short.endswith(
        "https://fc.example/etias") and "…" in d.short


def test_a_language_missing_from_the_fact_base_gives_an_english_draft():
    fc = FactCheck(**{**{f: getattr(FC, f) for f in FC.__dataclass_fields__}, "translations": {}})
    d = compose_drafts("Od januara će nam trebati vize zbog ETIAS-a.", language="bs", verdict="misleading",
                       fact_check=fc, facts=FACTS)
    assert d.language == "en" and d.short.startswith("This claim is misleading.") and "Ova tvrdnja" not in d.long


@pytest.mark.parametrize(
    "variant,expected",
    [
        ("en", ["1 document", "2 documents", "5 documents", "21 documents"]),
        ("sr-Latn", ["1 dokument", "2 dokumenta", "5 dokumenata", "21 dokument"]),
        ("hr", ["1 dokument", "2 dokumenta", "5 dokumenata", "21 dokument"]),
        ("sr-Cyrl", ["1 документ", "2 документа", "5 докумената", "21 документ"]),
        ("ru", ["1 документ", "2 документа", "5 документов", "21 документ"]),
        ("mk", ["1 документ", "2 документи", "5 документи", "21 документ"]),
        ("bg", ["1 документ", "2 документа", "5 документа", "21 документа"]),
        ("sq", ["1 dokument", "2 dokumente", "5 dokumente", "21 dokumente"]),
    ],
)
def test_plurals(variant, expected):
    assert [count(n, variant, "document") for n in (1, 2, 5, 21)] == expected
    assert count(12, variant, "document") == count(5, variant, "document").replace("5", "12")


@pytest.mark.parametrize(
    "variant,expected",
    [
        ("en", ["1 account", "3 accounts", "1 translation", "5 translations"]),
        ("sr-Latn", ["1 nalog", "3 naloga", "1 prevod", "5 prevoda"]),
        ("hr", ["1 račun", "3 računa", "1 prijevod", "5 prijevoda"]),
        ("sr-Cyrl", ["1 налог", "3 налога", "1 превод", "5 превода"]),
        ("ru", ["1 аккаунт", "3 аккаунта", "1 перевод", "5 переводов"]),
        ("mk", ["1 профил", "3 профили", "1 превод", "5 преводи"]),
    ],
)
def test_plurals_of_the_spread_nouns(variant, expected):
    assert [count(1, variant, "account"), count(3, variant, "account"), count(1, variant, "translation"),
            count(5, variant, "translation")] == expected


def test_verdict_kinds():
    assert verdict_kind("False") == verdict_kind("disinformation") == "false"
    assert verdict_kind("Missing context") == "misleading" and verdict_kind("Mostly True") == "true"
    assert verdict_kind("satire") is None and verdict_kind(None) is None


PROFILE_FACTS = Path(__file__).resolve().parents[1] / "profiles" / "western-balkans" / "facts.yaml"


def test_drafts_for_every_fact_check_of_the_profile_in_each_of_its_languages(store):
    from factwatch.text import detect_script

    import_facts(store, PROFILE_FACTS)
    checks = store.list_fact_checks(limit=1000)
    assert len(checks) >= 10
    seen = set()
    for fc in checks:
        facts = store.facts_by_external_ids(list(fc.fact_ids)) if fc.fact_ids else []
        for key, tr in {fc.language or "en": {"claim": fc.claim}, **fc.translations}.items():
            language = "sr" if key in ("sr", "sr-Latn", "sr-Cyrl") else key
            d = compose_drafts(tr["claim"], language=language, verdict=fc.verdict, fact_check=fc, facts=facts,
                               spread={"documents": 3, "sources": 1})
            seen.add(d.language)
            assert 0 < len(d.short) <= SHORT_LIMIT, (fc.external_id, key)
            assert d.language == {"sr": "sr-Cyrl"}.get(key, key), (fc.external_id, key)
            body = d.long.replace(fc.url or "\0", "")
            for f in d.facts:
                body = body.replace(f.url or "\0", "").replace(f.source or "\0", "")
            if d.language != "en":
                assert not any(w in d.short + d.long for w in (" false", " misleading", "Verdict")), (fc.external_id, key)
                assert ", 1 source" not in d.long and "documents" not in d.long
            # One script per draft (names such as KFOR, ETIAS and URLs aside).
            expected = "Cyrl" if d.language in ("sr-Cyrl", "mk", "ru", "bg") else "Latn"
            assert detect_script(body) == expected, (fc.external_id, key, d.long)
    assert {"en", "sr-Cyrl", "sr-Latn", "ru", "sq", "mk"} <= seen


@pytest.mark.parametrize(
    "addressed,stance,verdict,expected",
    [
        (True, "repeats", "False", None),
        (True, "repeats", "misleading", None),
        (True, None, "False", None),  # a fact matched directly: no fact-checked claim to take a stance on
        (False, None, None, "no fact-check"),
        (True, "rejects", "False", "no response needed"),
        (True, "reports", "False", "only reports"),
        (True, "asks", "False", "asks whether"),
        (True, "repeats", "Mostly true", "rates the claim true"),
    ],
)
def test_when_a_card_offers_no_draft(addressed, stance, verdict, expected):
    reason = no_draft_reason(addressed=addressed, stance=stance, verdict=verdict)
    assert reason is None if expected is None else expected in reason


# -- the spread on the card (analysis/spread.py:claim_spread through respond/_reach.py) ---------------

CHURCH_CYRL = "Влада Косова је забранила Српску православну цркву!"


@pytest.fixture
def spread_store(store, monkeypatch):
    """A claim posted on Telegram in Cyrillic, copied in Latin by two X accounts, then by an outlet
    (feed) and a web page, once undated, and translated into English; through the real stages."""
    from factwatch.analysis.dedup import cluster_new_documents

    monkeypatch.delenv("FACTWATCH_LLM_URL", raising=False)
    import_facts(store, DATA / "facts_profile.yaml")
    import_facts(store, DATA / "claimreview_array.json")
    posts = [  # platform, source, author, text, language, published_at
        ("telegram", "front-channel", None, CHURCH_CYRL + " Делите!", "sr", "2024-01-01T06:00:00Z"),
        ("x", "acc_one", "acc_one", CLAIM + " Delite!", "sr", "2024-01-01T06:30:00Z"),
        ("x", "acc_two", "acc_two", CLAIM + " Delite!", "sr", "2024-01-01T06:31:00Z"),
        ("rss", "portal-a.example", "Redakcija", "Skandal. " + CLAIM + " Vernici su zabrinuti.", "sr", "2024-01-01T08:00:00Z"),
        ("web", "portal-c.example", None, CHURCH_CYRL + " Верници су забринути.", "sr", None),
        ("x", "en_news", "en_news", "The government of Kosovo has banned the Serbian Orthodox Church!", "en",
         "2024-01-01T09:00:00Z"),
    ]
    docs = [NewDocument(platform=pl, source=src, author=au, text=t, language=lang,
                        script="Cyrl" if t.startswith("В") else "Latn", latin_key=latin_key(t, lang),
                        content_hash=hashlib.sha1(f"{src}{t}".encode()).hexdigest(), position=str(i),
                        url=f"https://{src}.example/{i}", published_at=p)
            for i, (pl, src, au, t, lang, p) in enumerate(posts)]
    store.insert_documents(docs, run_id=store.start_run("ingest", "t"))
    cluster_new_documents(store)
    extract_claims(store)
    embed_fact_base(store)
    embed_new_claims(store)
    match_new_claims(store)
    return store


def test_card_spread_counts_scripts_translations_and_orders_the_cascade(spread_store):
    card = build_card(spread_store, claim_id(spread_store, "Vlada Kosova", "portal-a.example"))
    assert card.first_seen["source"] == "front-channel" and card.first_seen["platform"] == "telegram"
    assert card.first_seen_label == "2024-01-01T06:00:00Z — front-channel (Telegram)"
    assert card.seen_label == "+2h 00m after the first appearance"
    assert card.spread == {"documents": 6, "sources": 6}
    # The English post counts as a translation (same fact-check); the undated page as a Cyrillic copy.
    assert card.reach == {"accounts": 4, "copies": 4, "translations": 1, "cyrillic": 2, "latin": 4}
    assert card.spread_languages == {"sr": 5, "en": 1}
    assert card.cascade_label == "Telegram → X → outlets"
    telegram, x, outlets = card.cascade
    assert (x.documents, x.accounts, x.lag_seconds) == (3, 3, 30 * 60)
    assert outlets.platforms == ["rss", "web"] and outlets.documents == 2 and outlets.first_seen == "2024-01-01T08:00:00Z"
    assert card.spread_label == ("6 documents, 6 sources, 4 accounts · 2 in Cyrillic, 4 in Latin · 1 translation (en 1)")
    assert outlets.label == "outlets from 2024-01-01T08:00:00Z (+2h 00m): 2 documents, 2 sources"
    # The long draft says how far it circulates, with the plurals of its language.
    assert "(6 dokumenata, 6 izvora)" in card.draft
    md, page = render_card(card, "md"), render_card(card, "html")
    assert "- Cascade: Telegram → X → outlets" in md and "  2. X from 2024-01-01T06:30:00Z (+30m 00s): 3 documents, 3 accounts" in md
    assert '<ol class="cascade"><li>Telegram from 2024-01-01T06:00:00Z: 1 document, 1 account</li>' in page
    assert json.loads(render_card(card, "json"))["labels"]["cascade_steps"][2] == outlets.label


def test_the_first_appearance_card_and_an_undated_copy(spread_store):
    first = build_card(spread_store, claim_id(spread_store, "Влада Косова", "front-channel"))
    assert first.seen_label == "the first appearance" and first.lag_seconds == 0
    undated = build_card(spread_store, claim_id(spread_store, "Влада Косова", "portal-c.example"))
    assert undated.lag_seconds is None and undated.seen_label == "undated; the first appearance is dated"
    assert undated.cascade == first.cascade  # the same story, whichever copy the card starts from
