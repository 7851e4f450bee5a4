"""Saved searches (issue 10): stored per list page, shown at /saved, and those of /documents can
become alerts that the alerts stage raises for new matching documents. Real SQLite, real app."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import add_user, bearer, login
from factwatch.analysis.alerts import detect_alerts
from factwatch.errors import InputError, NotFoundError
from factwatch.models import NewDocument
from factwatch.store import open_store
from factwatch.store.sqlite import _migrations, _split_sql
from factwatch.text.normalize import normalize
from factwatch.web.app import create_app

_n = iter(range(10_000))


def _doc(text: str) -> NewDocument:
    n = next(_n)
    norm = normalize(text)
    return NewDocument(platform="rss", source="Test", text=norm.text, language="sr", script=norm.script,
                       latin_key=norm.latin_key, content_hash=f"saved-{n}", position=str(n),
                       url=f"https://example.org/saved/{n}", published_at=f"2026-10-{n % 28 + 1:02d}T10:00:00Z")


def _add(store, *texts: str) -> None:
    store.insert_documents([_doc(t) for t in texts], run_id=store.start_run("ingest", "test"))


def _saved_alerts(store):
    return [a for a in store.list_alerts() if a.kind == "saved-search"]


def test_save_list_toggle_delete(store):
    saved = store.save_search("Vize", "/documents", "q=vize", owner="ana")
    other = store.save_search("claims sr", "/claims", "language=sr")
    assert [s.name for s in store.list_saved_searches()] == ["claims sr", "Vize"]
    assert saved.url == "/documents?q=vize" and not saved.alert
    assert store.set_saved_search_alert(saved.id, True).alert
    with pytest.raises(InputError, match="Only searches of /documents"):
        store.set_saved_search_alert(other.id, True)
    with pytest.raises(InputError, match="name"):
        store.save_search("  ", "/documents", "")
    store.delete_saved_search(other.id)
    with pytest.raises(NotFoundError):
        store.get_saved_search(other.id)


def test_a_watched_search_alerts_once_per_batch_of_new_matching_documents(store):
    _add(store, "Stare vize za putnike.")  # before the alert: never reported
    saved = store.save_search("vize", "/documents", "q=vize", alert=True)
    detect_alerts(store)
    assert _saved_alerts(store) == []

    _add(store, "Укинуте визе за грађане.", "Vremenska prognoza za sutra.")
    detect_alerts(store)
    [alert] = _saved_alerts(store)
    matching = [d.id for d in store.list_documents(query="визе", limit=10) if "Укинуте" in d.text]
    assert alert.details["documents"] == matching and alert.score == 1.0
    assert alert.subject == "vize" and alert.details["url"] == "/documents?q=vize"

    detect_alerts(store)  # a rerun with nothing new stores nothing
    assert len(_saved_alerts(store)) == 1

    _add(store, "Nove vizama uslovljene mere.")
    detect_alerts(store)
    assert len(_saved_alerts(store)) == 2

    store.set_saved_search_alert(saved.id, False)
    _add(store, "Još jedna vest o vizama.")
    detect_alerts(store)
    assert len(_saved_alerts(store)) == 2


def test_migration_014_keeps_existing_alerts_and_deliveries(db_path: Path):
    """A database made before 014 (alerts and a delivery stored) keeps them after the alert tables
    are rebuilt for the new kind."""
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
    for version, name, sql in _migrations():
        if version >= 14:
            break
        for statement in _split_sql(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01')", (version, name))
    conn.execute("INSERT INTO alerts(id, key, kind, at, summary, created_at) VALUES (7, 'spike:x:1', 'spike', '2026-01-01',"
                 " 'a spike', '2026-01-01')")
    conn.execute("INSERT INTO alert_deliveries VALUES (7, 'https://hooks.example/x', 'delivered', 1, NULL, '2026-01-01')")
    conn.commit()
    conn.close()
    with open_store(str(db_path)) as store:
        assert [(a.id, a.key, a.delivery) for a in store.list_alerts()] == [(7, "spike:x:1", "delivered")]
        _add(store, "vize")
        store.save_search("v", "/documents", "q=vize", alert=True)
        _add(store, "vize opet")
        detect_alerts(store)
        assert len(_saved_alerts(store)) == 1
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert "REFERENCES \"alerts\"" in conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'alert_deliveries'").fetchone()[0].replace("'", '"')


# -- the page ------------------------------------------------------------------------------------


@pytest.fixture
def app_db(db_path: Path) -> Path:
    with open_store(str(db_path)) as store:
        _add(store, "Визе за грађане.", "Vize za putnike.")
    add_user(db_path, "ana", "analyst")
    add_user(db_path, "vera", "viewer")
    return db_path


def test_analyst_saves_from_the_documents_page_and_makes_it_an_alert(app_db):
    with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1") as c:
        csrf = login(c, "ana")
        page = c.get("/documents?q=визе").text
        form = page.split('class="save-search"', 1)[1].split("</form>", 1)[0]
        url = re.search(r'name="url" value="([^"]+)"', form).group(1).replace("&amp;", "&")
        response = c.post("/saved", data={"csrf_token": csrf, "name": "визе", "url": url}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/saved"
        [saved] = c.get("/api/saved").json()["saved_searches"]
        assert (saved["name"], saved["path"], saved["owner"], saved["alert"]) == ("визе", "/documents", "ana", False)
        listing = c.get("/saved").text
        assert f'href="{saved["url"].replace("&", "&amp;")}"' in listing and "Make it an alert" in listing
        c.post(f"/saved/{saved['id']}/alert", data={"csrf_token": csrf, "alert": "1"})
        assert c.get("/api/saved").json()["saved_searches"][0]["alert"] is True
        assert "0 waiting" in c.get("/saved").text  # only documents stored from now on count
        with open_store(str(app_db)) as store:
            _add(store, "Нове визе.", "Ništa o tome.")
        assert "1 waiting" in c.get("/saved").text
        c.post(f"/saved/{saved['id']}/delete", data={"csrf_token": csrf})
        assert c.get("/api/saved").json()["saved_searches"] == []


@pytest.mark.parametrize("url, message", [
    ("https://evil.example/documents?q=x", "not another site"),
    ("//evil.example/documents", "not another site"),
    ("/\\evil.example/documents", "not another site"),  # Chrome reads /\ as //
    ("/documents?since=yesterday", "since"),
])
def test_bad_saved_search_urls_are_refused(app_db, url, message):
    with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1") as c:
        csrf = login(c, "ana")
        response = c.post("/saved", data={"csrf_token": csrf, "name": "x", "url": url})
        assert response.status_code == 400 and message in response.text


def test_alerts_only_for_documents_and_writes_need_analyst_and_csrf(app_db):
    with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1") as c:
        csrf = login(c, "ana")
        response = c.post("/saved", data={"csrf_token": csrf, "name": "c", "url": "/claims?language=sr", "alert": "1"})
        assert response.status_code == 400 and "Only searches of /documents" in response.text
        assert c.post("/saved", data={"name": "x", "url": "/documents"}).status_code == 403  # no CSRF token
    with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1") as c:
        csrf = login(c, "vera")
        response = c.post("/saved", data={"csrf_token": csrf, "name": "x", "url": "/documents?q=x"})
        assert response.status_code == 403
        assert "Make it an alert" not in c.get("/saved").text
    with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1", headers=bearer(app_db, "analyst")) as c:
        # A script with a token needs no CSRF token.
        assert c.post("/saved", data={"name": "api", "url": "/documents?q=x"}, follow_redirects=False).status_code == 303


def test_every_pager_links_a_prefilled_save_form(app_db):
    with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1") as c:
        login(c, "ana")
        html = c.get("/documents?q=vize&language=sr&offset=0&lang=sr-Latn").text
        href = re.search(r'<a class="save" href="([^"]+)"', html).group(1).replace("&amp;", "&")
        assert href == "/saved?url=/documents%3Fq%3Dvize%26language%3Dsr"
        form = c.get(href).text
        assert 'value="/documents?q=vize&amp;language=sr"' in form


def test_the_json_api_saves_switches_and_deletes(app_db):
    with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1", headers=bearer(app_db, "analyst")) as c:
        response = c.post("/api/saved", json={"name": "vize", "url": "/documents?q=визе&offset=50", "alert": True})
        assert response.status_code == 201
        saved = response.json()
        assert (saved["path"], saved["query"], saved["alert"]) == ("/documents", "q=%D0%B2%D0%B8%D0%B7%D0%B5", True)
        assert c.put(f"/api/saved/{saved['id']}/alert", json={"alert": False}).json()["alert"] is False
        bad = c.post("/api/saved", json={"name": "x", "url": "/claims", "alert": True})
        assert bad.status_code == 400 and "Only searches of /documents" in bad.json()["error"]
        assert c.delete(f"/api/saved/{saved['id']}").json() == {"deleted": saved["id"]}
        assert c.delete(f"/api/saved/{saved['id']}").status_code == 404
        assert c.delete("/api/saved/abc").status_code == 404
    with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1", headers=bearer(app_db, "viewer")) as c:
        assert c.post("/api/saved", json={"name": "x", "url": "/documents"}).status_code == 403


def test_the_alerts_page_links_a_saved_search_alert_to_its_search(app_db):
    with open_store(str(app_db)) as store:
        store.save_search("vize", "/documents", "q=vize", alert=True)
        _add(store, "Nove vize.")
        detect_alerts(store)
    with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1", headers=bearer(app_db)) as c:
        html = c.get("/alerts?kind=saved-search").text
        assert "1 new document matches the saved search &#39;vize&#39;" in html
        assert '<a href="/documents?q=vize">the search</a>' in html


# -- who may change a saved search: its owner or an admin; one with no owner, any analyst ---------


def test_only_the_owner_or_an_admin_switches_or_deletes_a_saved_search(app_db):
    add_user(app_db, "bojan", "analyst")
    add_user(app_db, "root", "admin")
    with open_store(str(app_db)) as store:
        team = store.save_search("team", "/documents", "q=team")  # the CLI's: no owner
    with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1") as ana:
        csrf_ana = login(ana, "ana")
        ana.post("/saved", data={"csrf_token": csrf_ana, "name": "anina", "url": "/documents?q=vize", "alert": "1"})
        [mine] = [s for s in ana.get("/api/saved").json()["saved_searches"] if s["name"] == "anina"]
        assert mine["owner"] == "ana" and mine["alert"] is True
        with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1") as bojan:
            csrf = login(bojan, "bojan")
            page = bojan.get("/saved").text
            assert f'action="/saved/{mine["id"]}/delete"' not in page  # no buttons for another's search
            assert f'action="/saved/{team.id}/delete"' in page
            for path, data in ((f"/saved/{mine['id']}/alert", {"alert": "0"}), (f"/saved/{mine['id']}/delete", {})):
                refused = bojan.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)
                assert refused.status_code == 403 and "only its owner or an admin" in refused.text
            api = bojan.put(f"/api/saved/{mine['id']}/alert", json={"alert": False}, headers={"X-CSRF-Token": csrf})
            assert api.status_code == 403 and "is ana's" in api.json()["error"]
            assert bojan.delete(f"/api/saved/{mine['id']}", headers={"X-CSRF-Token": csrf}).status_code == 403
            # The CLI's search is the team's: another analyst may switch it.
            assert bojan.put(f"/api/saved/{team.id}/alert", json={"alert": True},
                             headers={"X-CSRF-Token": csrf}).json()["alert"] is True
        with open_store(str(app_db)) as store:
            assert store.get_saved_search(mine["id"]).alert is True  # untouched by bojan
        # The owner may.
        assert ana.post(f"/saved/{mine['id']}/alert", data={"csrf_token": csrf_ana, "alert": "0"},
                        follow_redirects=False).status_code == 303
    with TestClient(create_app(str(app_db)), base_url="http://127.0.0.1", headers=bearer(app_db, "admin", "root")) as root:
        assert f'action="/saved/{mine["id"]}/delete"' in root.get("/saved").text
        assert root.delete(f"/api/saved/{mine['id']}").json() == {"deleted": mine["id"]}
        assert root.delete(f"/api/saved/{team.id}").json() == {"deleted": team.id}
        assert root.get("/api/saved").json()["saved_searches"] == []
