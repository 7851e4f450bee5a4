"""The interface in English and Serbian (Latin and Cyrillic), switched by ?lang= and a cookie,
with languages shown by name; through the real app over a real SQLite store (issue 10)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import add_user, bearer, login
from factwatch.text.script import detect_script
from factwatch.web._i18n import COOKIE, LANGUAGE_NAMES, SR_LATN, catalogue
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
        letters = re.sub(r"\{[^}]*\}|`[^`]*`|factwatch|API|JSON|CSV|URL|\bp\b", "", cyr[english])
        if any(c.isalpha() for c in letters):
            assert detect_script(letters) == "Cyrl", cyr[english]
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
    english = [t for t in texts if t in SR_LATN]
    assert english == []
