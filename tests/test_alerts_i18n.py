"""Alerts in the interface language: the real ``alerts`` stage stores each alert's details beside
its English summary, and /alerts, the overview and the trend chart's spike markers render the
details in Serbian (Latin and Cyrillic); an alert stored before the details carried the summary's
values keeps its English summary; the webhook and `factwatch alerts --json` keep the English
summary and carry the details."""

from __future__ import annotations

import html as html_lib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import bearer
from factwatch.analysis.alerts import SUMMARY_MESSAGES, detect_alerts, english_summary
from factwatch.models import NewAlert
from factwatch.store import open_store
from factwatch.web.app import create_app
from test_alerts_stage import planted  # noqa: F401  (posts, registry and narratives with known alerts)
from test_alerts_webhook import hook  # noqa: F401  (a real HTTP server on 127.0.0.1)
from test_i18n_pages import _each_page

SPIKE_SR = "Bursting narrative: 8 dokumenata za dan 2026-10-11, naspram osnove od"
SPIKE_CYRL = "Bursting narrative: 8 докумената за дан 2026-10-11, наспрам основе од"
STATE_SR = "State Media (state-affiliated, RU) počinje da širi „Bursting narrative” 2026-10-07T09:00"
STATE_CYRL = "State Media (state-affiliated, RU) почиње да шири „Bursting narrative” 2026-10-07T09:00"
OLD_SUMMARY = "an alert stored before its details carried the summary"


@pytest.fixture
def alerted(store, db_path, planted):  # noqa: F811
    detect_alerts(store)
    # A row as an older version stored it: details without the narrative's title.
    store.save_alerts([NewAlert(key="spike:n-steady:2026-09-01", kind="spike", narrative_id="n-steady", subject=None,
                                at="2026-09-01", score=1e-5, summary=OLD_SUMMARY,
                                details={"count": 12, "baseline": 2.0, "p_value": 1e-5, "bucket": "day"})],
                      stage="alerts", cursor="old")
    return db_path


def _get(client: TestClient, path: str, lang: str) -> str:
    response = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
    assert response.status_code == 200, response.text[:300]
    return html_lib.unescape(response.text)


def test_the_stage_stores_details_that_render_its_english_summary(store, planted):  # noqa: F811
    detect_alerts(store)
    alerts = store.list_alerts()
    assert {a.kind for a in alerts} == {"spike", "state-actor"}
    for a in alerts:
        assert a.details["narrative_title"] == "Bursting narrative"
        assert english_summary(a.kind, a.details, at=a.at) == a.summary
    spike = next(a for a in alerts if a.kind == "spike")
    assert spike.summary.startswith("Bursting narrative: 8 documents in the day 2026-10-11, against a baseline of")


@pytest.mark.parametrize("lang,spike,state", [("sr-Latn", SPIKE_SR, STATE_SR), ("sr-Cyrl", SPIKE_CYRL, STATE_CYRL)])
def test_alerts_and_overview_show_alerts_in_serbian_and_old_rows_in_english(alerted, lang, spike, state):
    with TestClient(create_app(str(alerted)), base_url="http://127.0.0.1", headers=bearer(alerted)) as c:
        page = _get(c, "/alerts", lang)
        assert spike in page and state in page
        assert "documents in the day" not in page and "started pushing" not in page
        assert OLD_SUMMARY in page  # no details to render: the stored English summary
        overview = _get(c, "/", lang)
        assert spike in overview and state in overview
        english = _get(c, "/alerts", "en")
        assert "Bursting narrative: 8 documents in the day 2026-10-11" in english and spike not in english


def test_spike_marker_titles_on_the_trend_chart_are_translated(alerted):
    with TestClient(create_app(str(alerted)), base_url="http://127.0.0.1", headers=bearer(alerted)) as c:
        assert SPIKE_SR in _get(c, "/trends?since=2026-10-01", "sr-Latn")
        assert SPIKE_CYRL in _get(c, "/trends?since=2026-10-01", "sr-Cyrl")
        api = c.get("/api/trends?since=2026-10-01&lang=sr-Latn").json()
        summaries = [s["summary"] for s in api["spikes"]["n-burst"]]
        assert len(summaries) == 1 and "8 documents in the day" in summaries[0]  # the JSON stays English


def test_alert_pages_pass_the_mechanical_english_serbian_check(alerted):
    with TestClient(create_app(str(alerted)), base_url="http://127.0.0.1", headers=bearer(alerted)) as c:
        assert _each_page(c, alerted, ["/alerts", "/", "/trends?since=2026-10-01"]) == {}


def test_every_summary_template_is_in_the_catalogue():
    from factwatch.web._i18n import SR_PLURALS

    assert [plural for _s, plural in SUMMARY_MESSAGES.values() if plural not in SR_PLURALS] == []


def test_webhook_payload_keeps_its_fields_and_english_summary(store, planted, hook, monkeypatch):  # noqa: F811
    state, url = hook
    state.fail_first = 0
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")
    detect_alerts(store, webhook_url=url, retries=1)
    bodies = [b for _s, _t, b in state.requests]
    assert len(bodies) == 2 and all(set(b) == {"factwatch", "alert"} for b in bodies)
    for body in bodies:
        alert = body["alert"]
        assert set(alert) == {"id", "key", "kind", "narrative_id", "subject", "at", "score", "summary", "details",
                              "created_at"}
        assert alert["details"]["narrative_title"] == "Bursting narrative"
        assert alert["summary"] == english_summary(alert["kind"], alert["details"], at=alert["at"])


def test_cli_alerts_json_has_the_english_summary_and_the_details(alerted: Path):
    out = subprocess.run([str(Path(sys.executable).with_name("factwatch")), "--db", str(alerted), "alerts", "--json"],
                         capture_output=True, text=True, timeout=120, check=True)
    alerts = json.loads(out.stdout)["alerts"]
    spike = next(a for a in alerts if a["kind"] == "spike" and a["narrative_id"] == "n-burst")
    assert spike["summary"].startswith("Bursting narrative: 8 documents in the day 2026-10-11")
    assert spike["details"]["count"] == 8 and spike["details"]["narrative_title"] == "Bursting narrative"


def test_the_narrative_page_lists_and_marks_its_alerts_in_serbian(alerted):
    with TestClient(create_app(str(alerted)), base_url="http://127.0.0.1", headers=bearer(alerted)) as c:
        page = _get(c, "/narratives/n-burst", "sr-Latn")
        assert SPIKE_SR in page and STATE_SR in page and "skok" in page
        assert SPIKE_CYRL in _get(c, "/narratives/n-burst", "sr-Cyrl")
        api = c.get("/api/narratives/n-burst").json()["alerts"]
        assert any("8 documents in the day" in a["summary"] for a in api)  # the JSON stays English
