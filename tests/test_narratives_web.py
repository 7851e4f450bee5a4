"""/narratives and /api/narratives over a real store: the catalogue, counts, escaping."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from _live import bearer

from factwatch.ingest.narratives import load_catalogue, parse_catalogue_yaml
from factwatch.store import open_store
from factwatch.web.app import create_app

REPO = Path(__file__).resolve().parents[1]


def test_narratives_page_and_api_list_the_catalogue(db_path: Path):
    with open_store(str(db_path)) as store:
        store.save_narratives("western-balkans", load_catalogue(REPO / "profiles" / "western-balkans" / "narratives.yaml"))
        store.save_narratives("hostile", parse_catalogue_yaml(
            "- {id: x, title: '<script>alert(1)</script>', description: '<b>bold</b>'}\n", name="hostile"))
    with TestClient(create_app(str(db_path)), base_url="http://127.0.0.1", headers=bearer(db_path)) as client:
        api = client.get("/api/narratives")
        assert api.status_code == 200
        rows = {n["id"]: n for n in api.json()["narratives"]}
        assert len(rows) == 27 and rows["kfor-occupation"]["parent"] == "kfor-abandons-serbs"
        assert rows["kfor-occupation"]["documents"] == 0
        page = client.get("/narratives")
        assert page.status_code == 200
        assert "KFOR is abandoning the Serbs of Kosovo" in page.text and "sr-Cyrl" in page.text
        assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
