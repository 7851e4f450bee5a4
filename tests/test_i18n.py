"""The interface in English and Serbian (Latin and Cyrillic), switched by ?lang= and a cookie,
with languages shown by name; through the real app over a real SQLite store (issue 10)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import add_user, bearer, login
from factwatch.text.script import detect_script
from factwatch.web import _i18n
from factwatch.web._i18n import (_KEEP_LATIN_RE, COOKIE, LANGUAGE_NAMES, SR_LATN, SR_PLURALS, browser_language,
                                 catalogue, gettext_value, ngettext, serbian_plural_form)
from factwatch.web.app import create_app
from test_web_app import corpus  # noqa: F401  (the mixed-script corpus fixture)


@pytest.fixture
def client(db_path: Path, corpus):  # noqa: F811
    with TestClient(create_app(str(db_path)), base_url="http://127.0.0.1", headers=bearer(db_path)) as c:
        yield c


def _nav(html: str) -> list[str]:
    nav = html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


def test_english_by_default(client):
    html = client.get("/documents").text
    assert '<html lang="en">' in html
    assert _nav(html)[:3] == ["Overview", "Documents", "Sources"]
    assert "<th>Title</th>" in html


@pytest.mark.parametrize("lang, documents, title", [("sr-Latn", "Dokumenti", "Naslov"), ("sr-Cyrl", "Документи", "Наслов")])
def test_serbian_latin_and_cyrillic(client, lang, documents, title):
    html = client.get(f"/documents?lang={lang}").text
    assert f'<html lang="{lang}">' in html
    assert documents in _nav(html)
    assert f"<th>{title}</th>" in html
    assert f'aria-current="true">{ {"sr-Latn": "Srpski", "sr-Cyrl": "Српски"}[lang] }</a>' in html


def test_lang_parameter_is_remembered_in_a_cookie(client):
    first = client.get("/sources?lang=sr-Cyrl")
    assert f"{COOKIE}=sr-Cyrl" in first.headers["set-cookie"]
    assert "Извори" in _nav(client.get("/runs").text)  # no ?lang= now: the cookie keeps it
    assert "Sources" in _nav(client.get("/runs?lang=en").text)
    assert "Sources" in _nav(client.get("/runs").text)


def test_an_unknown_language_is_ignored(client):
    response = client.get("/documents?lang=xx-evil")
    assert response.status_code == 200 and '<html lang="en">' in response.text
    assert COOKIE not in response.headers.get("set-cookie", "")


def test_switch_links_keep_the_page_and_its_filters(client):
    html = client.get("/documents?q=vlada&language=sr").text
    assert 'href="/documents?q=vlada&amp;language=sr&amp;lang=sr-Cyrl"' in html


def test_languages_are_shown_by_name_in_each_interface_language(client):
    en = client.get("/documents").text
    assert '<span class="lang" title="sq">Albanian</span>' in en
    assert '<option value="mk">Macedonian</option>' in en
    assert '<span class="lang" title="sq">albanski</span>' in client.get("/documents?lang=sr-Latn").text
    assert '<span class="lang" title="sq">албански</span>' in client.get("/documents?lang=sr-Cyrl").text


def test_cyrillic_catalogue_is_the_latin_one_transliterated_keeping_placeholders_and_code():
    cyr = catalogue("sr-Cyrl")
    assert cyr.keys() == SR_LATN.keys()
    for english, latin in SR_LATN.items():
        assert re.findall(r"\{\w*\}", cyr[english]) == re.findall(r"\{\w*\}", latin) == re.findall(r"\{\w*\}", english)
        letters = _KEEP_LATIN_RE.sub("", cyr[english])
        if any(c.isalpha() for c in letters):
            assert detect_script(letters) == "Cyrl", cyr[english]
        # No Latin word left behind (serbian-translit skips text between quotation marks).
        assert not re.search(r"[A-Za-zčćžšđČĆŽŠĐ]", letters), cyr[english]
    assert "`factwatch analyze`" in cyr[next(k for k in SR_LATN if "factwatch analyze" in k)]
    assert set(LANGUAGE_NAMES["en"]) == set(LANGUAGE_NAMES["sr-Latn"])


def test_a_logged_in_page_and_its_form_in_cyrillic(db_path, corpus):  # noqa: F811
    add_user(db_path, "ana", "analyst")
    with TestClient(create_app(str(db_path)), base_url="http://127.0.0.1") as c:
        login(c, "ana")
        html = c.get("/documents?q=vlada&lang=sr-Cyrl").text
        assert "Одјави ana" in html  # the user name stays as typed
        assert "Сачувај ову претрагу" in html
        pager = html.split('class="pager"', 1)[1].split("</nav>", 1)[0]
        assert re.search(r"1–\d+ од \d+", pager) and "претходна" in pager


MAIN_PAGES = ["/", "/documents", "/documents/1", "/sources", "/runs", "/runs/{run}", "/claims", "/review", "/match", "/facts",
              "/clusters", "/coordination", "/narratives", "/discovery", "/trends", "/alerts", "/saved", "/about",
              "/actors"]


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_no_catalogued_heading_header_label_or_button_stays_english(client, corpus, path):  # noqa: F811
    """Every heading, table header, form label and button whose English the catalogue translates
    shows in Cyrillic: a template string left unwrapped would show here in English."""
    response = client.get(path.format(run=corpus["run"]), params={"lang": "sr-Cyrl"})
    assert response.status_code == 200
    texts = re.findall(r"<(?:th|h1|h2|h3|button|label)\b[^>]*>\s*([^<{]+?)\s*(?:<|$)", response.text, re.M)
    english = [t for t in texts if t in SR_LATN and SR_LATN[t] != t]  # "URL", "JSON" are the same in Serbian
    assert english == []


# -- the browser's language, plurals, messages built in Python ------------------------------------

@pytest.mark.parametrize("header, lang", [
    ("sr-Latn-RS,sr;q=0.9,en;q=0.5", "sr-Latn"), ("sr-Latn", "sr-Latn"), ("hr-HR,hr;q=0.9", "sr-Latn"),
    ("bs", "sr-Latn"), ("cnr", "sr-Latn"), ("sh", "sr-Latn"),
    ("sr", "sr-Cyrl"), ("sr-RS", "sr-Cyrl"), ("sr-Cyrl-RS", "sr-Cyrl"), ("sr-ME", "sr-Cyrl"),
    ("en-US,en;q=0.9,sr;q=0.8", "en"), ("de-DE,de;q=0.9", None), ("de,sr-Latn;q=0.5", "sr-Latn"),
    ("en;q=0.2,sr-Latn;q=0.8", "sr-Latn"), ("sr;q=0,en", "en"), ("sr-latn;q=abc,en", "en"), ("", None), (None, None),
    ("srb", None), ("hrv-x", None),
])
def test_the_browser_language_by_tag_and_q_value(header, lang):
    assert browser_language(header) == lang


def test_accept_language_applies_only_without_lang_and_cookie(client):
    assert _nav(client.get("/documents", headers={"Accept-Language": "sr-Latn-RS,en;q=0.5"}).text)[:2] == [
        "Pregled", "Dokumenti"]
    assert "Документи" in _nav(client.get("/documents", headers={"Accept-Language": "sr-RS"}).text)
    assert "Documents" in _nav(client.get("/documents", headers={"Accept-Language": "de-DE"}).text)
    # ?lang= and the cookie it leaves win over the browser.
    assert "Documents" in _nav(client.get("/documents?lang=en", headers={"Accept-Language": "sr"}).text)
    assert "Documents" in _nav(client.get("/documents", headers={"Accept-Language": "sr"}).text)


@pytest.mark.parametrize("n, form", [(1, 0), (21, 0), (101, 0), (2, 1), (3, 1), (4, 1), (22, 1), (104, 1),
                                     (0, 2), (5, 2), (11, 2), (12, 2), (14, 2), (20, 2), (111, 2), (112, 2), (25, 2)])
def test_serbian_plural_forms(n, form):
    assert serbian_plural_form(n) == form


@pytest.mark.parametrize("lang, counts", [
    ("en", {1: "1 document", 2: "2 documents", 11: "11 documents"}),
    ("sr-Latn", {1: "1 dokument", 21: "21 dokument", 3: "3 dokumenta", 12: "12 dokumenata", 5: "5 dokumenata"}),
    ("sr-Cyrl", {1: "1 документ", 3: "3 документа", 14: "14 докумената"}),
])
def test_counted_messages_take_the_plural_of_the_interface_language(lang, counts):
    token = _i18n._current.set(lang)
    try:
        assert {n: ngettext("{n} document", "{n} documents", n) for n in counts} == counts
    finally:
        _i18n._current.reset(token)


def test_every_plural_has_three_forms_with_its_placeholders():
    for english, forms in SR_PLURALS.items():
        assert len(forms) == 3
        for form in forms:
            assert set(re.findall(r"\{\w+\}", form)) == set(re.findall(r"\{\w+\}", english)), (english, form)


@pytest.mark.parametrize("message, serbian", [
    ("Claim 113", "Tvrdnja 113"), ("Network text-fd48ed8d5edc", "Mreža text-fd48ed8d5edc"),
    ("Run 20261129204407-aaa849", "Učitavanje 20261129204407-aaa849"),
    ("No claim '9x'; claim ids are numbers, see /claims.", "Nema tvrdnje '9x'; id tvrdnje je broj, vidi /claims."),
    ("No claim 99999; /claims or `factwatch claims list` lists them.",  # the store's, for CLI and web alike
     "Nema tvrdnje 99999; spisak je na /claims ili ga daje `factwatch claims list`."),
    ("Church banned", "Church banned"),  # a narrative's own title: data, not looked up
    ("Claim {evil}", "Tvrdnja {evil}"),  # the value goes in as it is, never through format()
])
def test_titles_and_errors_with_a_value_are_translated_around_it(message, serbian):
    token = _i18n._current.set("sr-Latn")
    try:
        assert gettext_value(message) == serbian
    finally:
        _i18n._current.reset(token)


def test_error_page_in_serbian(client):
    response = client.get("/claims/9x?lang=sr-Latn")
    assert response.status_code == 404
    assert "nije pronađeno" in response.text and "Nema tvrdnje" in response.text and "Nazad na pregled" in response.text


def test_pages_say_they_vary_with_the_browser_language(client):
    """A shared cache must not hand a Serbian page to an English browser."""
    assert "accept-language" in client.get("/documents").headers["vary"].lower()


@pytest.mark.parametrize("lang, context, shown", [("en", "genitive", "claim 5"), ("sr-Latn", "genitive", "tvrdnje 5"),
                                                  ("sr-Latn", None, "tvrdnja 5"), ("sr-Latn", "no-such", "tvrdnja 5"),
                                                  ("sr-Cyrl", "genitive", "тврдње 5")])
def test_a_context_picks_the_serbian_case_and_falls_back_to_the_plain_message(lang, context, shown):
    token = _i18n._current.set(lang)
    try:
        assert _i18n.gettext("claim {id}", _context=context, id=5) == shown
    finally:
        _i18n._current.reset(token)


@pytest.mark.parametrize("n, shown", [(1, "1 tvrdnju"), (21, "21 tvrdnju"), (3, "3 tvrdnje"), (11, "11 tvrdnji")])
def test_a_counted_message_in_a_second_case(n, shown):
    token = _i18n._current.set("sr-Latn")
    try:
        assert ngettext("{n} claim", "{n} claims", n, _context="accusative") == shown
        assert ngettext("{n} claim", "{n} claims", n, _context="no-such") == ngettext("{n} claim", "{n} claims", n)
    finally:
        _i18n._current.reset(token)
