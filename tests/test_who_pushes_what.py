"""Who pushes what, trends and alerts on the demo corpus, built through the CLI (sources import,
ingest, narratives import, analyze) with the real classifier.

The demo plants four bursts by eleven coordinated accounts (demo/README.md) and a state-affiliated
outlet (Balkan Pravda Demo, actor "Balkan Pravda Demo network", RU) that carries the planted
claims; the tabloid (Demo Media Group) is non-state and the Telegram channel's owner unknown.
To keep the classifier's time down the fixture ingests the three sources that carry the bursts,
the state outlet's claims and their forwards, plus the tabloid.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _live import bearer

from factwatch.cli import app

REPO = Path(__file__).resolve().parents[1]
BURST_ACCOUNTS = {"vuk_sumadija", "ceca_patriota", "stefan_1389", "milos_istina", "jelena_zlatibor",
                  "pravi_srbin_ns", "dragana_kv", "nemanja_ortodox", "sasa_cacak", "balkan_voice_77", "gorica_vranje"}
BURST_DAYS = {"2026-10-06", "2026-10-20", "2026-11-12", "2026-11-20"}
STATE_ACTOR = "Balkan Pravda Demo network"
CSV_MAP = ("text=text,author=account,source=account,external_id=post_id,published_at=created_at,url=url,"
           "language=lang_hint")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("who-pushes-what") / "factwatch.db"
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    run("sources", "import")
    run("ingest", str(REPO / "demo/feeds/balkan-pravda.xml"), "--format", "rss", "--source", "Balkan Pravda Demo")
    run("ingest", str(REPO / "demo/feeds/jutarnji-kurir.xml"), "--format", "rss", "--source", "Јутарњи курир демо")
    run("ingest", str(REPO / "demo/telegram/result.json"), "--format", "telegram", "--source", "Балкански фронт демо")
    run("ingest", str(REPO / "demo/social/posts.csv"), "--format", "csv", "--map", CSV_MAP)
    run("narratives", "import", str(REPO / "profiles/western-balkans/narratives.yaml"))
    first = json.loads(run("analyze", "--json"))
    again = json.loads(run("analyze", "--json"))
    return run, first, again, db


def _alerts(run, *args: str) -> list[dict]:
    return json.loads(run("alerts", "--json", *args))["alerts"]


def test_alerts_are_stored_once(demo):
    run, first, again, _db = demo
    assert first["stages"]["alerts"]["new"] == first["stages"]["alerts"]["found"] > 0
    assert again["stages"]["alerts"]["new"] == 0
    alerts = _alerts(run)
    assert len(alerts) == first["stages"]["alerts"]["new"]
    assert len({a["key"] for a in alerts}) == len(alerts)


def test_coordinated_amplification_names_only_the_burst_accounts(demo):
    run, _first, _again, _db = demo
    found = _alerts(run, "--kind", "coordinated-amplification")
    assert found, "the four bursts carry planted narratives"
    for a in found:
        assert set(a["details"]["accounts"]) <= BURST_ACCOUNTS, a
        assert len(a["details"]["accounts"]) >= 2 and len(a["details"]["documents"]) >= 3


def test_state_actor_alerts_are_the_state_affiliated_outlet_at_its_first_document(demo):
    run, _first, _again, _db = demo
    found = _alerts(run, "--kind", "state-actor")
    assert found
    assert {a["subject"] for a in found} == {STATE_ACTOR}  # the tabloid is non-state, the channel unknown
    a = found[0]
    shown = json.loads(run("narratives", "show", a["narrative_id"], "--json"))["pushers"]
    actor = next(c for c in shown["actors"] if c["name"] == STATE_ACTOR)
    assert (actor["actor_type"], actor["country"]) == ("state-affiliated", "RU")
    assert a["at"] == actor["first_at"] and a["details"]["documents"] == actor["documents"]


def test_every_burst_is_a_spike_of_the_narratives_it_carries(demo):
    run, _first, _again, _db = demo
    spikes = {(a["narrative_id"], a["at"]) for a in _alerts(run, "--kind", "spike")}
    amplified = _alerts(run, "--kind", "coordinated-amplification")
    # A burst of 9-11 posts within minutes, after quiet days, is a spike of what it carries.
    assert {(a["narrative_id"], a["at"][:10]) for a in amplified} <= spikes
    assert {a["at"][:10] for a in amplified} <= BURST_DAYS
    for a in _alerts(run, "--kind", "spike"):
        assert a["details"]["count"] >= 5 and a["score"] < 1e-3


def test_one_amplification_alert_per_burst_and_narrative(demo):
    run, _first, _again, _db = demo
    amplified = _alerts(run, "--kind", "coordinated-amplification")
    # Shared links, hashtags and copied text find the same accounts: one alert, not three.
    pairs = [(a["narrative_id"], a["at"][:10]) for a in amplified]
    assert len(pairs) == len(set(pairs))
    assert any(len(a["details"]["networks"]) > 1 for a in amplified)


def test_alerts_since_filters_on_data_time(demo):
    run, _first, _again, _db = demo
    late = _alerts(run, "--since", "2026-11-01")
    assert late and all(a["at"] >= "2026-11-01" for a in late)
    assert len(late) < len(_alerts(run))


def test_narrative_show_says_who_pushes_it(demo):
    run, _first, _again, _db = demo
    amplified = _alerts(run, "--kind", "coordinated-amplification")[0]
    shown = json.loads(run("narratives", "show", amplified["narrative_id"], "--json"))
    p = shown["pushers"]
    accounts = {c["name"] for c in p["accounts"]}
    assert set(amplified["details"]["accounts"]) <= accounts
    assert p["documents"] == sum(c["documents"] for c in p["outlets"])
    assert p["first"]["published_at"] <= min(c["first_at"] for c in p["outlets"])
    assert sum(p["languages"].values()) == p["documents"] and sum(d["documents"] for d in p["daily"]) == p["documents"]
    text = run("narratives", "show", amplified["narrative_id"])
    assert "who pushes it" in text and "owning actors" in text


def test_sources_show_state_share_and_narratives(demo):
    run, _first, _again, _db = demo
    pravda = json.loads(run("sources", "show", "Balkan Pravda Demo", "--json"))
    assert (pravda["actor_type"], pravda["country"], pravda["kind"]) == ("state-affiliated", "RU", "source")
    assert pravda["documents"] == 40 and pravda["state_share"] == 1.0
    assert pravda["narratives"]
    tabloid = json.loads(run("sources", "show", "Јутарњи курир демо", "--json"))
    assert tabloid["actor_type"] == "non-state"
    # Copies of the state outlet's stories count; the tabloid's own do not.
    assert tabloid["state_share"] < 1.0
    # The channel forwards 17 of the state outlet's articles (demo/README.md): those count, its own posts not.
    channel = json.loads(run("sources", "show", "Балкански фронт демо", "--json"))
    assert channel["actor_type"] == "unknown" and 17 <= channel["state_documents"] < channel["documents"]
    by_actor = json.loads(run("sources", "show", STATE_ACTOR, "--json"))
    assert by_actor["kind"] == "actor" and by_actor["sources"] == ["Balkan Pravda Demo"]
    assert by_actor["documents"] == 40


def test_trends_by_dimension(demo):
    run, _first, _again, _db = demo
    lang = json.loads(run("trends", "--by", "language", "--json"))
    assert {"ru", "sr"} <= set(lang["series"])
    assert all(len(v) == len(lang["buckets"]) for v in lang["series"].values())
    platform = json.loads(run("trends", "--by", "platform", "--bucket", "hour", "--since", "2026-10-20", "--json"))
    assert platform["buckets"][0] >= "2026-10-20T00" and len(platform["buckets"][0]) == 13
    actor = json.loads(run("trends", "--by", "actor_type", "--json"))
    assert {"state-affiliated", "non-state", "unknown"} <= set(actor["series"])


def test_dashboard_pages(demo):
    from fastapi.testclient import TestClient

    from factwatch.web.app import create_app

    run, _first, _again, db = demo
    alerts = _alerts(run)
    narrative = next(a["narrative_id"] for a in alerts if a["narrative_id"])
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db)) as client:
        page = client.get("/trends")
        assert page.status_code == 200 and "<svg" in page.text and "<polyline" in page.text
        assert "<script" not in page.text
        assert client.get("/trends?by=source&bucket=hour").status_code == 200
        api = client.get("/api/trends", params={"narrative": narrative, "by": "source"}).json()
        assert api["series"]
        listed = client.get("/api/alerts").json()["alerts"]
        assert len(listed) == len(alerts)
        assert client.get("/alerts").status_code == 200
        detail = client.get(f"/narratives/{narrative}")
        assert detail.status_code == 200 and "Owning actors" in detail.text and "<polyline" in detail.text
        assert client.get(f"/api/narratives/{narrative}").json()["pushers"]["documents"] > 0
        source = client.get("/sources/Balkan Pravda Demo")
        assert source.status_code == 200 and "state-affiliated" in source.text
        assert client.get("/api/sources/Balkan Pravda Demo").json()["source"]["state_share"] == 1.0
        assert client.get("/api/sources/nobody").status_code == 404


def test_the_narrative_page_says_how_many_assignments_an_analyst_confirmed_or_rejected(demo):
    """Automatic assignments are candidates (on real news most uncalibrated ones are wrong): the page
    and its JSON say how many an analyst has confirmed and rejected. Runs last: it adds decisions."""
    from fastapi.testclient import TestClient

    from factwatch.web.app import create_app

    run, _first, _again, db = demo
    narrative = next(a["narrative_id"] for a in _alerts(run) if a["narrative_id"])
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db)) as client:
        before = client.get(f"/api/narratives/{narrative}").json()
        assert before["reviews"] == {}
        assert "0 confirmed, 0 rejected" in client.get(f"/narratives/{narrative}").text
        first = before["pushers"]["first"]["document_id"]
        latest = before["pushers"]["latest"]["document_id"]
        assert first != latest
        run("narratives", "confirm", str(first), narrative)
        run("narratives", "reject", str(latest), narrative)
        run("narratives", "confirm", str(latest), narrative)  # the latest decision is the one in force
        assert client.get(f"/api/narratives/{narrative}").json()["reviews"] == {"confirmed": 2}
        page = client.get(f"/narratives/{narrative}?lang=sr-Latn").text
        assert "potvrđeno 2, odbačeno 0" in page
