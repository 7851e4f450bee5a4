"""Claims and the fact base are searched by word form in either script (issue 10, migration 019).

Before, /claims?q= and /facts?q= matched a substring of the Latin key: a query crossed scripts but
not word forms (``vizama`` found no claim saying "визе", ``Kosovu`` none saying "Kosovo"). They now
use the documents' search terms (text/search.py). The claims are sentences of the demo corpus
(demo/), the fact base is the profile's (profiles/western-balkans/facts.yaml), over a real store
and the real app.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import bearer
from factwatch.models import NewClaim, NewDocument
from factwatch.store import open_store
from factwatch.store._workflow import TriageQuery
from factwatch.text.script import detect_script, latin_key

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "profiles" / "western-balkans" / "facts.yaml"

# Sentences of the demo corpus, by a short name.
CLAIMS = {
    "vize-cyr": ("sr", "Србима ће од почетка године бити потребне визе за путовање у Европску унију, јер ЕУ уводи систем ЕТИАС."),
    "vize-lat": ("sr", "Naslovi da Srbi od januara moraju da vade vize za EU su netačni."),
    "viza-bs": ("bs", "ETIAS nije viza: popuniš formular online, platiš 20 eura, važi tri godine."),
    "kosovu-cyr": ("sr", "Украјински плаћеници пролазе обуку у америчкој бази Бондстил на Косову, тврде руски извори."),
    "kosovo-en": ("en", "KFOR is an occupation force in Kosovo with no legal mandate."),
    "nato-base": ("sr", "NATO tajno gradi vojnu bazu u Srbiji, kod Niša."),
    "vizija": ("sr", "Vlada je predstavila viziju razvoja do 2030. godine."),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    from factwatch.ingest.facts import import_facts

    path = tmp_path_factory.mktemp("claim_search") / "factwatch.db"
    with open_store(str(path)) as store:
        import_facts(store, FACTS)
        run_id = store.start_run("ingest", "tests/test_claim_fact_search.py")
        docs = [NewDocument(platform="web", source=name, text=text, language=lang, script=detect_script(text),
                            latin_key=latin_key(text, lang), content_hash=hashlib.sha256(text.encode()).hexdigest(),
                            position=name, published_at=f"2026-11-{i + 10:02d}T08:00:00Z")
                for i, (name, (lang, text)) in enumerate(CLAIMS.items())]
        store.insert_documents(docs, run_id=run_id)
        ids = {r["source"]: r["id"] for r in store._query("SELECT id, source FROM documents")}
        store.insert_claims([NewClaim(document_id=ids[name], start=0, end=len(text), text=text, language=lang,
                                      latin_key=latin_key(text, lang), score=0.9)
                             for name, (lang, text) in CLAIMS.items()])
    return path


def _claims_found(store, q: str) -> set[str]:
    page = store.triage_claims(TriageQuery(q=q), limit=100)
    return {row.claim.source for row in page.rows}


@pytest.mark.parametrize("query,expected", [
    ("vize", {"vize-cyr", "vize-lat", "viza-bs"}),
    ("визе", {"vize-cyr", "vize-lat", "viza-bs"}),
    ("vizama", {"vize-cyr", "vize-lat", "viza-bs"}),  # an inflected query; a substring would find none
    ("визама", {"vize-cyr", "vize-lat", "viza-bs"}),
    ("Kosov", {"kosovu-cyr", "kosovo-en"}),
    ("Kosovu", {"kosovu-cyr", "kosovo-en"}),  # "Kosovu" is no substring of "kosovo"
    ("Косово", {"kosovu-cyr", "kosovo-en"}),
    ("NATO bazu", {"nato-base"}),  # every word must match
    ("baza Kosovu", {"kosovu-cyr"}),  # "бази" is a form of "baza"
    ("100%", set()),
    ("%", set()),  # no words: nothing, not everything
])
def test_claim_search_finds_word_forms_in_both_scripts(db, query, expected):
    with open_store(str(db), access="read") as store:
        assert _claims_found(store, query) == expected


def test_a_short_stem_is_not_a_prefix(db):
    # "viz" + any ending is a form of "viza"; "vizija" (vision) is another word.
    with open_store(str(db), access="read") as store:
        assert "vizija" not in _claims_found(store, "vize")
        assert _claims_found(store, "viziju") == {"vizija"}


def test_claims_page_and_api_search_by_word_form(db):
    from factwatch.web.app import create_app

    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db, "viewer")) as client:
        body = client.get("/api/claims", params={"q": "vizama"}).json()
        assert {c["source"] for c in body["claims"]} == {"vize-cyr", "vize-lat", "viza-bs"} and body["total"] == 3
        page = client.get("/claims", params={"q": "Kosovu"})
        assert page.status_code == 200 and "Бондстил" in page.text and "occupation force" in page.text
        # The fact base through its API, in both scripts and word forms.
        for q in ("vizama", "визе"):
            checks = client.get("/api/facts", params={"q": q}).json()
            assert [fc["claim"] for fc in checks["fact_checks"]] == [
                "From January, citizens of Serbia will need visas for the EU because of ETIAS"], q
            assert checks["total"] == 1
        facts = client.get("/api/facts/facts", params={"q": "Kosovu"}).json()
        assert facts["total"] >= 2 and all("Kosovo" in f["statement"] or "Kosov" in str(f["translations"])
                                           for f in facts["facts"])
        assert client.get("/facts", params={"q": "Бондстил"}).text.count("Bondsteel") >= 1


# The fact base's search before 019: a substring of the fields as written (LIKE), or of the Latin
# key of the row's embedded passages (none here: nothing was analysed).
OLD_FACT_CHECK_SEARCH = ("SELECT COUNT(*) FROM fact_checks WHERE claim LIKE :q OR headline LIKE :q OR rebuttal LIKE :q"
                         " OR publisher LIKE :q")


@pytest.mark.parametrize("query", ["Bondstil", "Бондстилу", "vakcinama", "плаћеницима"])
def test_fact_base_search_finds_what_the_substring_search_missed(db, query):
    with open_store(str(db), access="read") as store:
        found, total = store.search_fact_checks(query, limit=100)
        assert total == len(found) >= 1, query
        assert store._query(OLD_FACT_CHECK_SEARCH, {"q": f"%{query}%"})[0][0] == 0, query


def test_an_edit_is_searchable_at_once(tmp_path: Path):
    from factwatch.ingest.facts import import_facts

    path = tmp_path / "edit.db"
    with open_store(str(path)) as store:
        import_facts(store, FACTS)
        fc = store.search_fact_checks("Bondstil", limit=1)[0][0]
        store.update_fact_check(fc.id, {"headline": "Obuka plaćenika u Prištini"}, editor="test")
        assert [f.id for f in store.search_fact_checks("Prištinom", limit=5)[0]] == [fc.id]
        fact = store.search_facts("UNESCO", limit=1)[0] or store.search_facts("KFOR", limit=1)[0]
        store.update_fact(fact[0].id, {"statement": "Misija ima sedište u Skoplju."}, editor="test")
        assert [f.id for f in store.search_facts("Skoplje", limit=5)[0]] == [fact[0].id]


def test_a_database_from_before_migration_019_is_indexed_on_open(db: Path, tmp_path: Path):
    """Undo 019 on a copy (drop its tables and triggers, forget it ran), then open the copy: the
    migration's rebuild indexes the stored claims, the open indexes the stored fact base."""
    copy = tmp_path / "old.db"
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    con = sqlite3.connect(copy)
    for trigger in ("claims_fts_ai", "claims_fts_ad", "claims_fts_au", "fact_checks_fts_ad", "facts_fts_ad"):
        con.execute(f"DROP TRIGGER {trigger}")
    for table in ("claims_fts", "fact_checks_fts", "facts_fts"):
        con.execute(f"DROP TABLE {table}")
    con.execute("DELETE FROM schema_migrations WHERE version = 19")
    con.commit()
    con.close()
    with open_store(str(copy)) as store:
        assert _claims_found(store, "vizama") == {"vize-cyr", "vize-lat", "viza-bs"}
        assert store.search_fact_checks("визама", limit=5)[1] == 1
        assert store.search_facts("Kosovu", limit=50)[1] >= 2
        assert store.index_fact_base() == 0  # nothing left to index: a second open writes nothing


def test_any_query_text_is_a_valid_search(db):
    """Whatever a user types (FTS5 syntax, quotes, stars, other scripts) is searched as words, never
    read as an FTS5 query that fails."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    with open_store(str(db), access="read") as store:
        @settings(max_examples=300, deadline=None)
        @given(st.text(alphabet=st.sampled_from(list('ab вз"*():^-+NOTANDOR{}\'.,č')), max_size=40) | st.text(max_size=40))
        def search(q: str) -> None:
            store.triage_claims(TriageQuery(q=q), limit=5)
            store.search_fact_checks(q, limit=5)
            store.search_facts(q, limit=5)

        search()
