"""CSV export of every list page (issue 10): /PAGE?format=csv and /PAGE.csv, all rows under the
page's filters, cells a spreadsheet would run as formulas defused; real app, real SQLite store."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import bearer
from factwatch.web import _csv
from factwatch.web._csv import csv_cell
from factwatch.web.app import create_app
from test_web_app import CORPUS, _doc, corpus  # noqa: F401

FORMULA_TITLE = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def client(db_path: Path, corpus, store):  # noqa: F811
    run = store.start_run("ingest", "formula")
    store.insert_documents([_doc("formula-feed", "en", "2024-04-01T00:00:00Z", FORMULA_TITLE, "@SUM(A1:A9) -2 +3")],
                           run_id=run)
    with TestClient(create_app(str(db_path)), base_url="http://127.0.0.1", headers=bearer(db_path)) as c:
        yield c


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("plain", "plain"), (-2, "-2"), (1.5, "1.5"), (None, ""), (True, "true"),
    ({"b": 1, "a": "=x"}, '{"a": "=x", "b": 1}'), (["=x"], '["=x"]'),
])
def test_cells(value, cell):
    assert csv_cell(value) == cell


def test_documents_csv_has_every_row_and_defuses_formulas(client, monkeypatch):
    monkeypatch.setattr(_csv, "PAGE_SIZE", 5)  # several API pages behind one export
    rows = _rows(client.get("/documents?format=csv"))
    assert len(rows) == len(CORPUS) + 1
    assert len({r["id"] for r in rows}) == len(rows)
    formula = next(r for r in rows if r["source"] == "formula-feed")
    assert formula["title"] == "'" + FORMULA_TITLE
    assert formula["text"] == "'@SUM(A1:A9) -2 +3"
    assert _rows(client.get("/documents.csv")) == rows


def test_csv_follows_the_page_filters_and_search(client):
    serbian = _rows(client.get("/documents.csv?language=sr"))
    assert serbian and {r["language"] for r in serbian} == {"sr"}
    found = _rows(client.get("/documents?q=Влада&format=csv&offset=1&limit=1"))  # paging of the page is ignored
    assert {r["title"] for r in found} >= {"Влада Србије усвојила буџет", "Vlada Srbije usvojila budžet"}


@pytest.mark.parametrize("page", ["/documents", "/sources", "/runs", "/claims", "/facts", "/clusters", "/coordination",
                                  "/narratives", "/discovery", "/alerts", "/review", "/saved", "/actors", "/trends"])
def test_every_list_page_exports(client, page):
    response = client.get(page + "?format=csv")
    _rows(response)
    assert response.headers["content-disposition"].startswith("attachment; filename=\"factwatch-")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")


def test_list_pages_link_their_csv(client):
    html = client.get("/documents?language=sr").text
    assert 'class="csv" href="/documents?language=sr&amp;format=csv"' in html


def test_csv_needs_a_login_like_the_page(db_path, corpus):  # noqa: F811
    with TestClient(create_app(str(db_path)), base_url="http://127.0.0.1") as anonymous:
        response = anonymous.get("/documents.csv")
    assert response.status_code == 401
    assert "Log in" in response.text


def test_a_bad_filter_is_an_error_not_an_empty_file(client):
    response = client.get("/documents.csv?since=not-a-date")
    assert response.status_code == 400
    assert "since" in response.text


def test_a_time_series_exports_one_row_per_bucket(client):
    rows = _rows(client.get("/trends.csv?by=language"))
    api = client.get("/api/trends?by=language").json()
    assert [r["bucket"] for r in rows] == api["buckets"]
    assert set(rows[0]) == {"bucket", *api["series"]}
    assert sum(int(r["sr"]) for r in rows) == sum(api["series"]["sr"])


def test_a_long_list_is_cut_at_the_limit_and_says_so(client, monkeypatch):
    monkeypatch.setattr(_csv, "PAGE_SIZE", 3)
    monkeypatch.setattr(_csv, "MAX_ROWS", 7)
    response = client.get("/documents.csv")
    assert len(_rows(response)) == 7
    assert response.headers["x-factwatch-truncated"] == f"first 7 of {len(CORPUS) + 1} rows"
