"""The dashboard and JSON API over a real SQLite store, through FastAPI's TestClient.

The corpus mixes scripts, languages, sources and dates, and carries hostile records whose
title, text, URL, metadata, feed URL and rejected input try to run script in the browser.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from _live import bearer

from factwatch.errors import ConfigError
from factwatch.models import NewDocument, RejectedRecord, Source
from factwatch.text.script import detect_script, latin_key
from factwatch.web.app import create_app

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_TEXT = 'Kliknite <img src=x onerror=alert(2)> ovde "odmah" & <b>sada</b>'
HOSTILE_URL = "javascript:alert(3)"
HOSTILE_META = "<svg onload=alert(4)>"
HOSTILE_FEED = "javascript:alert(5)"
HOSTILE_RAW = "<script>alert(6)</script>"
BULK = 12  # documents from one wire service, for paging


def _doc(source: str, language: str, published_at: str, title: str, text: str, **extra) -> NewDocument:
    return NewDocument(
        platform=extra.pop("platform", "rss"),
        source=source,
        text=text,
        language=language,
        script=detect_script(f"{title} {text}"),
        latin_key=latin_key(f"{title} {text}", language),
        content_hash=hashlib.sha256(f"{source}|{title}|{text}".encode()).hexdigest(),
        position=extra.pop("position", title[:20]),
        title=title,
        published_at=published_at,
        **extra,
    )


CORPUS = [
    _doc("rts", "sr", "2024-03-01T08:00:00Z", "Влада Србије усвојила буџет",
         "Влада Србије усвојила је буџет за 2024. годину на седници у Београду.",
         url="https://www.rts.rs/vesti/1", author="РТС"),
    _doc("n1-srbija", "sr", "2024-03-02T09:30:00Z", "Vlada Srbije usvojila budžet",
         "Vlada Srbije usvojila je budžet za 2024. godinu na sednici u Beogradu.",
         url="https://n1info.rs/vesti/2"),
    _doc("hostile-feed", "sr", "2024-03-03T12:00:00Z", HOSTILE_TITLE, HOSTILE_TEXT,
         url=HOSTILE_URL, platform="telegram", external_id="666", meta={"html": HOSTILE_META}),
    _doc("index-hr", "hr", "2024-03-05T10:00:00Z", "Hrvatski sabor o proračunu",
         "Hrvatski sabor raspravlja o proračunu i mirovinama.", url="https://www.index.hr/vijesti/3"),
    _doc("koha", "sq", "2024-03-10T07:15:00Z", "Qeveria e Kosovës miratoi buxhetin",
         "Qeveria e Kosovës miratoi buxhetin për vitin 2024.", url="https://www.koha.net/4"),
    _doc("mia", "mk", "2024-02-20T16:45:00Z", "Владата на Северна Македонија",
         "Владата на Северна Македонија го усвои буџетот.", url="https://mia.mk/5"),
    _doc("sputnik-srbija", "ru", "2024-03-15T18:00:00Z", "НАТО расширяет присутствие на Балканах",
         "НАТО расширяет присутствие на Балканах, утверждают источники.", url="https://sputnik.example/6"),
    _doc("balkan-insight", "en", "2024-03-20T11:00:00Z", "EU enlargement talks resume",
         "EU enlargement talks with Serbia and Montenegro resume in Brussels.", url="https://balkaninsight.com/7"),
] + [
    _doc("bulk-wire", "en", f"2024-01-{day:02d}T06:00:00Z", f"Wire item {day}",
         f"Routine wire report number {day} about regional weather.", url=f"https://wire.example/{day}")
    for day in range(1, BULK + 1)
]
SOURCES = {d.source for d in CORPUS}


@pytest.fixture
def corpus(store) -> dict[str, str]:
    """Fill the store: two runs (one with rejections), registered sources with actors."""
    run_id = store.start_run("ingest", "fixtures/balkans.jsonl")
    inserted, duplicates = store.insert_documents(CORPUS, run_id=run_id)
    assert (inserted, duplicates) == (len(CORPUS), 0)
    store.add_rejections(
        [
            RejectedRecord(position="line 7", reason="json: Expecting ',' delimiter", raw=HOSTILE_RAW),
            RejectedRecord(position="line 9", reason="empty text", raw=""),
        ],
        run_id=run_id,
    )
    store.finish_run(run_id, status="done", inserted=inserted, duplicates=0, rejected=2)
    failed = store.start_run("watch", "https://feeds.example/rss")
    store.finish_run(failed, status="failed", inserted=0, duplicates=0, rejected=0, error="timed out after 20s")
    store.upsert_source(Source(name="sputnik-srbija", platform="rss", url="https://sputnik.example",
                               feed_url="https://sputnik.example/rss", country="RS", language="sr",
                               actor="Rossiya Segodnya", actor_type="state-affiliated"))
    store.upsert_source(Source(name="rts", platform="rss", url="https://www.rts.rs", country="RS",
                               language="sr", actor="RTS", actor_type="state"))
    store.upsert_source(Source(name="hostile-feed", platform="telegram", feed_url=HOSTILE_FEED))
    return {"run": run_id, "failed_run": failed}


@pytest.fixture
def client(db_path: Path, corpus) -> TestClient:
    with TestClient(create_app(str(db_path)), base_url="http://127.0.0.1", headers=bearer(db_path)) as c:
        yield c


def _doc_ids(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'href="/documents/(\d+)"', html)]


def _row_languages(html: str) -> set[str]:
    # Languages are shown by name, the code kept in the title (issue 10).
    return set(re.findall(r'<span class="lang" title="([a-z]+)">', html))


def _assert_no_live_markup(html: str) -> None:
    """Hostile text must appear escaped: no tag it carried may reach the page as markup."""
    lowered = html.lower()
    # The dashboard's own scripts are files under /static (the charts) and JSON data blocks; no
    # other <script> may appear, and nothing inline runs.
    scripts = re.findall(r"<script\b([^>]*)>", lowered)
    assert all(re.fullmatch(r' src="/static/[\w./-]+" defer', a) or re.fullmatch(r' type="application/json" id="[\w-]+"', a)
               for a in scripts), scripts
    assert "<img" not in lowered
    assert "<svg" not in lowered
    assert "<b>sada" not in lowered
    assert 'href="javascript:' not in lowered


# -- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/sources", "/documents", "/runs", "/documents?q=srbije&language=sr"])
def test_pages_render_with_nav_and_security_headers(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    for href in ('href="/"', 'href="/documents"', 'href="/sources"', 'href="/runs"'):
        assert href in r.text
    assert 'href="/static/factwatch.css"' in r.text
    _assert_no_live_markup(r.text)


def test_overview_shows_counts_languages_runs_and_actor_types(client, corpus):
    html = client.get("/").text
    assert f">{len(CORPUS)}<" in html  # documents card
    for lang in ("sr", "hr", "sq", "mk", "ru", "en"):
        assert f'href="/documents?language={lang}"' in html
    assert corpus["run"] in html and corpus["failed_run"] in html
    assert "state-affiliated" in html and "unassigned" in html
    assert "<meter" in html  # bars without inline style (CSP blocks style attributes)


def test_sources_page_lists_registry_with_actor_and_document_counts(client):
    html = client.get("/sources").text
    for name in SOURCES:
        assert name in html
    assert "Rossiya Segodnya" in html and "state-affiliated" in html
    assert 'href="https://sputnik.example/rss"' in html
    assert f'href="/documents?source=bulk-wire">{BULK}<' in html
    # A javascript: feed URL is shown as text, never as a link.
    assert HOSTILE_FEED in html
    _assert_no_live_markup(html)


@pytest.mark.parametrize("language,expected", [("sr", 3), ("hr", 1), ("mk", 1), ("ru", 1), ("en", 1 + BULK)])
def test_documents_filter_by_language(client, language, expected):
    html = client.get("/documents", params={"language": language}).text
    assert _row_languages(html) == {language}
    assert len(_doc_ids(html)) == expected
    assert f'<option value="{language}" selected>' in html
    api = client.get("/api/documents", params={"language": language}).json()
    assert api["total"] == expected
    assert {d["language"] for d in api["documents"]} == {language}


def test_documents_filter_by_source(client):
    api = client.get("/api/documents", params={"source": "rts"}).json()
    assert api["total"] == 1 and api["documents"][0]["title"] == "Влада Србије усвојила буџет"
    html = client.get("/documents", params={"source": "rts"}).text
    assert "Влада Србије усвојила буџет" in html and "Vlada Srbije" not in html


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"since": "2024-03-01", "until": "2024-03-05"}, {"rts", "n1-srbija", "hostile-feed", "index-hr"}),
        ({"until": "2024-02-20"}, {"mia", "bulk-wire"}),  # a bare until date includes that whole day
        ({"since": "2024-03-15"}, {"sputnik-srbija", "balkan-insight"}),
        ({"since": "2024-03-02T10:00:00+01:00", "until": "2024-03-03"}, {"n1-srbija", "hostile-feed"}),
    ],
)
def test_documents_filter_by_date_range(client, params, expected):
    api = client.get("/api/documents", params={**params, "limit": 500}).json()
    assert {d["source"] for d in api["documents"]} == expected


def test_full_text_query_meets_cyrillic_and_latin_copies(client):
    # The Latin key is indexed: a Latin query finds the Cyrillic copy of the same story too.
    api = client.get("/api/documents", params={"q": "srbije"}).json()
    assert {d["source"] for d in api["documents"]} == {"rts", "n1-srbija"}
    cyr = client.get("/api/documents", params={"q": "Македонија"}).json()
    assert [d["source"] for d in cyr["documents"]] == ["mia"]
    html = client.get("/documents", params={"q": "enlargement"}).text
    assert "<mark>enlargement</mark>" in html
    # FTS syntax in the query is taken literally, not parsed (no 500 on stray quotes or NEAR).
    assert client.get("/documents", params={"q": 'NEAR( "budž OR'}).status_code == 200


def test_filters_combine(client):
    api = client.get("/api/documents", params={"q": "budžet", "language": "sr", "since": "2024-03-02"}).json()
    assert [d["source"] for d in api["documents"]] == ["n1-srbija"]


def test_pagination_walks_every_document_once(client):
    seen: list[int] = []
    url = "/documents?source=bulk-wire&limit=5"
    pages = 0
    while url:
        html = client.get(url).text
        ids = _doc_ids(html)
        assert len(ids) <= 5
        seen += ids
        pages += 1
        m = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = m.group(1).replace("&amp;", "&") if m else None
        if url:
            assert parse_qs(urlsplit(url).query)["source"] == ["bulk-wire"]  # filters kept
    assert pages == 3
    assert len(seen) == len(set(seen)) == BULK
    last = client.get("/documents?source=bulk-wire&limit=5&offset=10").text
    assert "11–12 of 12" in last
    assert 'rel="prev" href="/documents?source=bulk-wire&amp;limit=5&amp;offset=5"' in last
    first = client.get("/api/documents", params={"limit": 5}).json()
    second = client.get("/api/documents", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == second["total"] == len(CORPUS)
    assert not {d["id"] for d in first["documents"]} & {d["id"] for d in second["documents"]}


def test_documents_are_newest_first(client):
    dates = [d["published_at"] for d in client.get("/api/documents", params={"limit": 500}).json()["documents"]]
    assert dates == sorted(dates, reverse=True)


def test_document_detail_shows_text_metadata_and_http_link(client):
    doc = client.get("/api/documents", params={"source": "rts"}).json()["documents"][0]
    html = client.get(f"/documents/{doc['id']}").text
    assert "Влада Србије усвојила је буџет" in html
    assert "vlada srbije usvojila budzet" in html  # the Latin key
    assert 'href="https://www.rts.rs/vesti/1"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "РТС" in html and "Cyrl" in html


def test_hostile_document_is_shown_as_text(client):
    doc = client.get("/api/documents", params={"source": "hostile-feed"}).json()["documents"][0]
    assert doc["title"] == HOSTILE_TITLE  # stored as received; escaping happens on output
    html = client.get(f"/documents/{doc['id']}").text
    _assert_no_live_markup(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;svg onload=alert(4)&gt;" in html
    assert HOSTILE_URL in html  # shown, but not as a link
    listing = client.get("/documents", params={"source": "hostile-feed"}).text
    _assert_no_live_markup(listing)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing


@pytest.mark.parametrize(
    "url,linked",
    [
        ("https://example.org/a?b=1", True),
        ("http://example.org/", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("https:alert(1)", False),
    ],
)
def test_only_http_urls_become_links(url, linked):
    from factwatch.web._views import safe_href

    assert (safe_href(url) == url) is linked


def test_runs_and_run_detail_show_rejections(client, corpus):
    html = client.get("/runs").text
    assert corpus["run"] in html and "fixtures/balkans.jsonl" in html and "failed" in html
    detail = client.get(f"/runs/{corpus['run']}").text
    assert "json: Expecting &#39;,&#39; delimiter" in detail and "empty text" in detail
    assert "&lt;script&gt;alert(6)&lt;/script&gt;" in detail
    _assert_no_live_markup(detail)
    assert "timed out after 20s" in client.get(f"/runs/{corpus['failed_run']}").text


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/documents/999999", "/documents/abc", "/documents/-1", "/runs/no-such-run", "/nowhere"])
def test_unknown_ids_are_404_pages(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "404" in r.text and 'href="/documents"' in r.text  # the nav is there to get back


@pytest.mark.parametrize("path", ["/api/documents/999999", "/api/documents/abc", "/api/runs/no-such-run", "/api/nowhere"])
def test_api_unknown_ids_are_404_json(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert set(r.json()) == {"error"}


@pytest.mark.parametrize(
    "params,mentions",
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2024-13-45"}, "until"),
        ({"since": "2024-03-10", "until": "2024-03-01"}, "swap"),
        ({"limit": "0"}, "limit"),
        ({"limit": "lots"}, "limit"),
        ({"offset": "-5"}, "offset"),
        ({"language": "<script>"}, "language"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_bad_filter_values_are_400(client, params, mentions):
    page = client.get("/documents", params=params)
    assert page.status_code == 400
    assert mentions in page.text
    _assert_no_live_markup(page.text)  # the message echoes the input; it must be escaped too
    api = client.get("/api/documents", params=params)
    assert api.status_code == 400
    assert mentions in api.json()["error"]


def test_empty_form_fields_mean_no_filter(client):
    r = client.get("/documents?q=&language=&source=&since=&until=")
    assert r.status_code == 200
    assert f"of {len(CORPUS)}" in r.text


# -- API -------------------------------------------------------------------------------------


def test_api_stats_matches_store(client, store):
    assert client.get("/api/stats").json() == store.stats()


def test_api_documents_shape(client):
    body = client.get("/api/documents", params={"limit": 2}).json()
    assert set(body) >= {"documents", "total"}
    assert body["total"] == len(CORPUS) and len(body["documents"]) == 2
    doc = body["documents"][0]
    assert set(doc) >= {"id", "source", "language", "script", "title", "text", "latin_key", "published_at", "url", "meta"}
    assert client.get(f"/api/documents/{doc['id']}").json() == doc


def test_api_sources_and_runs_shape(client, corpus):
    sources = client.get("/api/sources").json()["sources"]
    by_name = {s["name"]: s for s in sources}
    assert set(by_name) == SOURCES
    assert by_name["sputnik-srbija"]["actor_type"] == "state-affiliated"
    assert by_name["bulk-wire"]["documents"] == BULK
    runs = client.get("/api/runs").json()["runs"]
    assert {r["id"] for r in runs} == {corpus["run"], corpus["failed_run"]}
    one = client.get(f"/api/runs/{corpus['run']}").json()
    assert set(one) == {"run", "rejections"}
    assert one["run"]["rejected"] == 2
    assert [r["position"] for r in one["rejections"]] == ["line 7", "line 9"]
    assert one["rejections"][0]["raw"] == HOSTILE_RAW  # JSON carries the data as is


# -- app lifecycle and assets ----------------------------------------------------------------


def test_static_assets_are_local_and_served(client):
    css = client.get("/static/factwatch.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@import" not in css.text and "http" not in css.text  # nothing fetched from the internet
    assert client.get("/static/favicon.svg").status_code == 200


def test_store_is_closed_on_shutdown(db_path, corpus):
    app = create_app(str(db_path))
    with TestClient(app, base_url="http://127.0.0.1", headers=bearer(db_path)) as c:
        assert c.get("/api/stats").status_code == 200
    with pytest.raises(sqlite3.ProgrammingError):
        app.state.store.stats()


def test_bad_database_url_fails_at_startup():
    with pytest.raises(ConfigError):
        create_app("postgres://db.example/factwatch")
