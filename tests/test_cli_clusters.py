"""`factwatch clusters` and the /clusters pages over one real database built by ingest + analyze."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import bearer

from factwatch.web.app import create_app

CYRL = (
    "Брисел тражи да Србија укине ћирилицу као услов за улазак у Европску унију. Према изворима "
    "портала, захтев ће бити део новог поглавља преговора. Влада није одговорила на питања."
)
LATN = (
    "Brisel traži da Srbija ukine ćirilicu kao uslov za ulazak u Evropsku uniju. Prema izvorima "
    "portala, zahtev će biti deo novog poglavlja pregovora. Vlada nije odgovorila na pitanja."
)
HOSTILE = "<script>alert(1)</script> Brisel & Beograd: <b>ćirilica</b>"  # ingest strips the tags; & stays


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    from factwatch.cli import app

    folder = tmp_path_factory.mktemp("clusters")
    path = folder / "factwatch.db"
    rows = [
        {"id": "k1", "source": "kurir", "title": "Ћирилица", "date": "2026-10-19T05:20:00Z", "text": CYRL,
         "url": "https://kurir.example/1"},
        {"id": "v1", "source": "vesti", "title": HOSTILE, "date": "2026-10-19T07:40:00Z", "text": LATN + " Preneto.",
         "url": "https://vesti.example/1"},
        {"id": "p1", "source": "posts", "author": "bot", "date": "2026-10-20T16:31:00Z", "text": LATN},
        {"id": "p2", "source": "posts", "author": "bot2", "text": LATN},  # no timestamp
        {"id": "s1", "source": "vesti", "date": "2026-10-19T08:00:00Z", "text": "Foto"},
        {"id": "o1", "source": "vesti", "date": "2026-10-19T09:00:00Z",
         "text": "Zvezda je pobedila Real u Evroligi pred dvadeset hiljada navijača u Beogradu, trener zadovoljan."},
    ]
    data = folder / "docs.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    runner = CliRunner()
    for args in (["ingest", str(data), "--format", "jsonl"], ["analyze", "--stage", "dedup"]):
        result = runner.invoke(app, ["--db", str(path), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def run(db: Path):
    from typer.testing import CliRunner

    from factwatch.cli import app

    def invoke(*args: str):
        return CliRunner().invoke(app, ["--db", str(db), *args], catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def client(db: Path):
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db)) as c:
        yield c


def test_clusters_json_lists_the_copy_cluster_with_its_first_appearance(run):
    result = run("clusters", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["total"] == 1 and data["parameters"] == {"min_size": 2, "min_sources": 1}
    (cluster,) = data["clusters"]
    assert cluster["size"] == 4 and cluster["first_source"] == "kurir"
    assert cluster["first_published_at"] == "2026-10-19T05:20:00Z"
    assert cluster["scripts"] == ["Cyrl", "Latn"] and cluster["sources"] == 4
    assert [p["lag_seconds"] for p in cluster["timeline"]] == [0, 8400, 126660]  # the undated post has no point


@pytest.mark.parametrize("args,total", [(["--min-size", "1"], 2), (["--min-size", "5"], 0), (["--min-sources", "5"], 0)])
def test_clusters_filters(run, args, total):
    assert json.loads(run("clusters", *args, "--json").stdout)["total"] == total


def test_cluster_detail_json_has_copies_lags_changes_and_accounts(run):
    cluster_id = json.loads(run("clusters", "--json").stdout)["clusters"][0]["id"]
    data = json.loads(run("clusters", str(cluster_id), "--json").stdout)["cluster"]
    assert [c["source"] for c in data["copies"]] == ["kurir", "vesti", "posts", "posts"]
    assert [c["lag_seconds"] for c in data["copies"]] == [0, 8400, 126660, None]
    assert data["undated"] == 1 and data["altered"] == 1
    assert data["copies"][1]["changes"] == [{"op": "insert", "before": "", "after": "preneto"}]
    assert {a["name"] for a in data["accounts"]} >= {"bot", "bot2"}


def test_clusters_table_and_unknown_cluster(run):
    result = run("clusters")
    assert result.exit_code == 0 and "kurir" in result.stdout
    missing = run("clusters", "999999")
    assert missing.exit_code == 1 and "No cluster 999999" in missing.stderr


def test_clusters_help_names_the_options(run):
    result = run("clusters", "--help")
    assert "--min-size" in result.stdout and "--json" in result.stdout


def test_clusters_page_lists_the_cluster_with_an_svg_timeline(client):
    page = client.get("/clusters")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert "<script" not in page.text.split("</head>")[1]
    assert page.text.count('vector-effect="non-scaling-stroke"') == 3 and "Cluster" in page.text  # 3 dated members
    assert client.get("/api/clusters").json() == client.get("/api/clusters?min_size=2&min_sources=1").json()


def test_cluster_page_escapes_hostile_titles_and_shows_changes(client):
    cluster_id = client.get("/api/clusters").json()["clusters"][0]["id"]
    page = client.get(f"/clusters/{cluster_id}")
    assert page.status_code == 200
    assert "alert(1)" not in page.text and "<b>" not in page.text
    assert "Brisel &amp; Beograd: ćirilica" in page.text  # autoescaped
    assert "<ins>preneto</ins>" in page.text and "undated" in page.text
    assert page.text.count('vector-effect="non-scaling-stroke"') == 3  # the timeline of its dated members
    api = client.get(f"/api/clusters/{cluster_id}").json()["cluster"]
    assert api["size"] == 4 and api["first"]["source"] == "kurir"


@pytest.mark.parametrize("url,status", [("/clusters/abc", 404), ("/api/clusters/99999999", 404),
                                        ("/api/clusters/99999999999999999999", 404), ("/clusters?min_size=x", 400),
                                        ("/api/clusters?min_size=0", 400), ("/api/clusters?limit=100000", 400)])
def test_bad_cluster_requests(client, url, status):
    assert client.get(url).status_code == status
