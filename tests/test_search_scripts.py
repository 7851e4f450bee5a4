"""Document search across scripts and word forms (issue 10): one query finds Cyrillic and Latin
copies and inflected forms, on a real SQLite store with the real FTS5 index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factwatch.models import NewDocument
from factwatch.store._search import document_search_query
from factwatch.text.normalize import normalize
from factwatch.text.search import search_terms, stem


def _doc(n: int, text: str, title: str | None = None, language: str = "sr") -> NewDocument:
    norm = normalize(text, title=title)
    return NewDocument(platform="rss", source="Test", text=norm.text, language=language, script=norm.script,
                       latin_key=norm.latin_key, content_hash=f"h{n}", position=str(n), url=f"https://example.org/{n}",
                       title=title, published_at=f"2026-10-{n % 28 + 1:02d}T10:00:00Z")


CORPUS = {
    1: ("Влада је укинула визе за грађане.", None),
    2: ("Nove vize za putovanje u EU.", None),
    3: ("Razgovor o vizama i granicama.", None),
    4: ("Ова визија будућности није реална.", None),  # vision, not visa
    5: ("Sastanak o Kosovu i Metohiji.", None),
    6: ("Протест на Косову данас.", None),
    7: ("Kosovska policija je saopštila.", None),
    8: ("Генерални секретар НАТО је стигао.", None),
    9: ("Vežba NATO-a počinje sutra.", None),
    10: ("Tekst bez ičega od toga.", "Визна либерализација одложена"),  # the word only in a Cyrillic title
    11: ("Natočili su vodu.", None),  # starts with "nato" as a word form of another word
}


@pytest.fixture
def corpus_store(store):
    run = store.start_run("ingest", "test")
    store.insert_documents([_doc(n, text, title) for n, (text, title) in CORPUS.items()], run_id=run)
    ids = {d.url.rsplit("/", 1)[1]: d.id for d in store.list_documents(limit=100)}
    return store, {int(k): v for k, v in ids.items()}


def _found(store, ids, query: str) -> set[int]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[d.id] for d in store.list_documents(query=query, limit=100)}


def test_latin_and_cyrillic_queries_find_the_same_documents(corpus_store):
    store, ids = corpus_store
    assert _found(store, ids, "vize") == _found(store, ids, "визе") == {1, 2, 3}
    assert _found(store, ids, "NATO") == _found(store, ids, "НАТО") == {8, 9}  # not "natočili"
    assert store.count_documents(query="vize") == store.count_documents(query="Визе") == 3


def test_prefix_finds_inflected_and_derived_forms(corpus_store):
    store, ids = corpus_store
    # Before: "Kosov" matched no whole word, so nothing.
    assert _found(store, ids, "Kosov") == _found(store, ids, "Косов") == {5, 6, 7}
    assert _found(store, ids, "Kosovo") == {5, 6, 7}


def test_stem_does_not_reach_other_words(corpus_store):
    store, ids = corpus_store
    assert 4 not in _found(store, ids, "vize")  # vizija (vision) shares only "viz"
    assert _found(store, ids, "vizija") == {4}


def test_a_word_only_in_a_cyrillic_title_is_found_by_latin_and_cyrillic(corpus_store):
    store, ids = corpus_store
    assert 10 in _found(store, ids, "liberalizacija")
    assert 10 in _found(store, ids, "либерализација")


def test_every_word_must_match(corpus_store):
    store, ids = corpus_store
    assert _found(store, ids, "vize građane") == {1}
    assert _found(store, ids, "визе EU") == {2}


@pytest.mark.parametrize("hostile", ['"', 'a" OR "b', "NEAR(a b)", "title: x", "*", "^vize", "AND", "-", "{title}:x"])
def test_fts_syntax_in_a_query_is_text_not_syntax(corpus_store, hostile):
    store, _ids = corpus_store
    store.count_documents(query=hostile)  # raises on an FTS5 syntax error


def test_terms_and_stemmer():
    assert stem("vizama") == stem("vize") == stem("viza") == "viz"
    assert stem("rat") == "rat"  # a stem shorter than 3 keeps its ending
    assert stem("kosovo") == "kosov"
    assert search_terms("визе") == search_terms("vize") == search_terms("Vize")
    kosov = search_terms("Kosov")[0]
    assert kosov.prefix == "kosov"
    nato = search_terms("НАТО")[0]
    assert nato.forms == ("nato",) and nato.prefix is None  # an acronym is never stemmed
    assert document_search_query("") == '""'


def test_real_politika_titles_meet_their_transliterations(shared_data: Path, store):
    """Politika's Cyrillic headlines and their Latin transliterations (third-party pairs): every
    query finds a headline in one script exactly when it finds it in the other."""
    pairs = []
    with (shared_data / "serbian_news" / "serbian_news_titles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec.get("title_transliterated") and rec["title"] != rec["title_transliterated"]:
                pairs.append((rec["title"], rec["title_transliterated"]))
            if len(pairs) == 1500:
                break
    docs = []
    for i, (cyr, lat) in enumerate(pairs):
        docs += [_doc(2 * i, cyr), _doc(2 * i + 1, lat)]
    store.insert_documents(docs, run_id=store.start_run("ingest", "politika"))
    pair_of = {d.id: int(d.url.rsplit("/", 1)[1]) // 2 for d in store.list_documents(limit=10_000)}
    for query in ("Kosov", "Srbij", "vlad", "Вучић", "izbori", "НАТО", "Русија"):
        found = [pair_of[d.id] for d in store.list_documents(query=query, limit=10_000)]
        assert found, query
        # Each found pair is found twice: its Cyrillic and its Latin headline.
        assert all(found.count(p) == 2 for p in found), query


def test_snippet_marks_the_word_search_found_in_the_other_script():
    from factwatch.web._views import make_snippet

    snippet = make_snippet("Влада је данас укинула визе за грађане Косова.", "vize")
    assert snippet.hit == "визе"
    assert make_snippet("Protest na Kosovu danas.", "Косов").hit == "Kosovu"
    assert make_snippet("Ova vizija nije reč o putovanju.", "vize").hit == ""  # no hit: the opening


@pytest.mark.browser
def test_search_in_cyrillic_and_latin_in_the_browser(db_path, corpus_store):
    """As a person types it: the same rows for `визе` and `vize`, the hit marked in either script."""
    import shutil

    from _live import CHROMIUM, CHROMIUM_ARGS, add_user, browser_login, live_dashboard

    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is absent; `make browser` installs it")
    from playwright.sync_api import sync_playwright

    add_user(db_path, "searcher")
    with live_dashboard(db_path) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            browser_login(page, url, "searcher")
            found = {}
            for query in ("визе", "vize"):
                page.goto(url + "/documents")
                page.fill('input[name="q"]', query)
                page.get_by_role("button", name="Filter").click()
                page.wait_for_url("**/documents?q=*")
                links = page.locator("table.documents td.title a")
                found[query] = sorted(links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
                marks = page.locator("table.documents td.snippet mark").all_inner_texts()
                assert sorted(marks) == ["vizama", "vize", "визе"], marks
            assert found["визе"] == found["vize"] and len(found["vize"]) == 3
        finally:
            browser.close()


def test_very_long_words_are_found_but_not_kept_in_the_word_cache():
    """A hostile document of long "words" must not fill the word-key cache (65,536 slots) with megabytes."""
    from factwatch.text import search

    search._cached_word_key.cache_clear()
    long_word = "Kosovo" + "a" * 10_000
    assert search.find_hit("x " + long_word + " y", "NATO") is None
    assert search.find_hit("x " + long_word + " НАТО", "NATO") == (10_009, 10_013)
    assert search._cached_word_key.cache_info().currsize == 3  # "x", "y", "НАТО"; not the long word
