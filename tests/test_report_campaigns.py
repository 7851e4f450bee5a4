"""`factwatch campaigns` and `factwatch report` on a real small store built through the CLI.

The store holds the state-affiliated outlet's feed (Balkan Pravda Demo, RU) and the social posts
with the demo's eleven coordinated accounts (demo/README.md), the profile's fact base and
narrative catalogue, and one hostile post dated 2027 (an account name with markup, a
``javascript:`` link) that repeats a planted claim, so it gets a candidate fact-check.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _live import CHROMIUM, CHROMIUM_ARGS, needs_chromium

from factwatch.cli import app
from factwatch.respond.report import render_html, render_markdown

REPO = Path(__file__).resolve().parents[1]
PROFILE = REPO / "profiles/western-balkans"
BURST_ACCOUNTS = {"vuk_sumadija", "ceca_patriota", "stefan_1389", "milos_istina", "jelena_zlatibor",
                  "pravi_srbin_ns", "dragana_kv", "nemanja_ortodox", "sasa_cacak", "balkan_voice_77", "gorica_vranje"}
CSV_MAP = ("text=text,author=account,source=account,external_id=post_id,published_at=created_at,url=url,"
           "language=lang_hint")
HOSTILE_ACCOUNT = "evil_<b>acct</b>"
HOSTILE_CSV = f"""post_id,account,display_name,platform,created_at,text,url,retweets,likes,lang_hint
9900000000000000001,{HOSTILE_ACCOUNT},Evil,x,2027-01-05T10:00:00Z,"Украинские наёмники проходят подготовку на американской базе Бондстил в Косово, сообщают источники.",javascript:alert(1),1,1,ru
"""


def _runner(db: Path):
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.stdout if code == 0 else result.output
    return run


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report-campaigns")
    run = _runner(tmp / "factwatch.db")
    run("sources", "import")
    run("ingest", str(REPO / "demo/feeds/balkan-pravda.xml"), "--format", "rss", "--source", "Balkan Pravda Demo")
    run("ingest", str(REPO / "demo/social/posts.csv"), "--format", "csv", "--map", CSV_MAP)
    run("facts", "import", str(PROFILE / "facts.yaml"), "--format", "yaml")
    run("narratives", "import", str(PROFILE / "narratives.yaml"))
    hostile = tmp / "hostile.csv"
    hostile.write_text(HOSTILE_CSV, encoding="utf-8")
    run("ingest", str(hostile), "--format", "csv", "--map", CSV_MAP)
    run("analyze")
    return run, tmp


def test_campaigns_json_shape(store):
    run, _tmp = store
    found = json.loads(run("campaigns", "--json"))
    assert set(found) == {"since", "networks", "notes", "campaigns"}
    assert found["since"] is None and found["networks"] >= 1
    top = found["campaigns"][0]
    # The planted bursts: the same eleven accounts, found by links, hashtags and copied text, are one campaign.
    assert set(top["accounts"]) == BURST_ACCOUNTS and top["size"] == 11
    assert len(top["kinds"]) >= 2 and len(top["networks"]) == len(top["kinds"])
    assert top["first_at"][:10] == "2026-10-06" and top["last_at"][:10] == "2026-11-20"
    assert {n["label"] for n in top["narratives"]} >= {"KFOR is preparing to attack the Serbs of Kosovo"}
    assert all(n["documents"] >= 1 and n["accounts"] >= 1 for n in top["narratives"])
    assert top["fact_checks"] and {f["status"] for f in top["fact_checks"]} <= {"candidate", "confirmed"}
    assert all(0.0 <= f["probability"] <= 1.0 for f in top["fact_checks"] if f["status"] == "candidate")
    assert set(top["sources"][0]) == {"name", "platform", "documents"}
    assert sum(s["documents"] for s in top["sources"]) == top["documents"]
    assert any("candidate" in note for note in found["notes"])


def test_campaigns_since_counts_only_the_period(store):
    run, _tmp = store
    everything = json.loads(run("campaigns", "--json"))["campaigns"][0]
    late = json.loads(run("campaigns", "--since", "2026-11-15", "--json"))
    assert late["since"] == "2026-11-15"
    top = late["campaigns"][0]
    assert top["first_at"] >= "2026-11-15" and 0 < top["documents"] < everything["documents"]
    assert json.loads(run("campaigns", "--since", "2027-01-01", "--json"))["campaigns"] == []
    assert "campaigns (1 from" in run("campaigns")


def test_report_markdown_is_readable(store):
    run, _tmp = store
    text = run("report")
    for heading in ("# factwatch briefing", "## Counts", "## Top narratives", "## Top claims and fact-checks",
                    "## Campaigns", "## State actors pushing narratives", "## New candidate narratives"):
        assert heading in text
    assert "Balkan Pravda Demo network (state-affiliated, RU)" in text
    assert "candidate, p " in text and "factwatch gives no verdict itself" in text
    assert "spike 2026-" in text  # the planted bursts raised spike alerts
    # The hostile account name is escaped as Markdown, not left as inline HTML.
    assert HOSTILE_ACCOUNT not in text and r"evil\_\<b\>acct\</b\>" in text


def test_report_since_and_output_file(store):
    run, tmp = store
    out = tmp / "late.md"
    assert run("report", "--since", "2027-01-01", "-o", str(out)) == ""
    text = out.read_text(encoding="utf-8")
    assert "Period: 2027-01-01 to 2027-01-05" in text and "- documents: 1\n" in text
    assert "No coordinated network was active in this period." in text
    assert "Бондстил" in text  # the one claim of the period, with its candidate fact-check
    assert "Camp Bondsteel" in text


def test_report_html_escapes_source_text(store):
    run, _tmp = store
    page = run("report", "--since", "2027-01-01", "--format", "html")
    assert page.startswith("<!doctype html>")
    assert HOSTILE_ACCOUNT not in page and "evil_&lt;b&gt;acct&lt;/b&gt;" in page
    assert "javascript:" not in page and "<script" not in page
    assert "default-src 'none'" in page


EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _hostile_report(tmp: Path):
    """The store's real report with every kind of source text replaced by markup that would run."""
    from factwatch.respond.report import build_report
    from factwatch.store import open_store

    with open_store(str(tmp / "factwatch.db"), access="read") as s:
        report = build_report(s)
    report.claims[0].update(text=EVIL, fact_check_claim=EVIL, fact_check_url="javascript:alert(1)",
                            document_url="data:text/html,<script>alert(1)</script>")
    report.narratives[0]["label"] = EVIL
    report.campaigns[0]["accounts"][0] = EVIL
    report.candidates[0]["representatives"][0]["text"] = EVIL
    return report


def test_html_renderer_escapes_every_field(store):
    """The renderer itself, on a report whose texts are all hostile: nothing comes out as markup."""
    run, tmp = store
    page = run("report", "--format", "html")
    assert "<script" not in page
    html = render_html(_hostile_report(tmp))
    assert "<script" not in html and "<img" not in html and "javascript:" not in html and "data:text" not in html
    assert html.count("&lt;script&gt;") == 5
    md = render_markdown(_hostile_report(tmp))
    # Every '<' of source text is backslash-escaped: Markdown renderers show it as text.
    assert not re.search(r"(?<!\\)<(script|img)", md) and md.count(r"\<script\>") == 5
    assert "javascript:" not in md and "data:text" not in md


def test_pdf_and_unknown_formats_are_refused(store):
    run, _tmp = store
    assert "print it to PDF from a browser" in run("report", "--format", "pdf", code=2)
    assert "md or html" in run("report", "--format", "docx", code=2)


def test_empty_store_gives_a_valid_report(tmp_path):
    from factwatch.store import open_store

    with open_store(str(tmp_path / "empty.db"), access="create"):
        pass  # a migrated store with nothing in it
    run = _runner(tmp_path / "empty.db")
    text = run("report")
    assert "Nothing was found" in text and "- documents: 0" in text
    assert "No narrative was found in this period." in text
    page = run("report", "--format", "html")
    assert "Nothing was found" in page and page.rstrip().endswith("</html>")
    assert json.loads(run("campaigns", "--json"))["campaigns"] == []



def test_report_counts_date_only_and_undated_documents(tmp_path):
    """Regression: the count first came from the hourly trend buckets, which skip date-only
    published_at values, so a store of 94,674 dated articles (2015-07-25 ...) read 'Nothing was
    found'; and a stray 'None' text from an old import compared later than every date."""
    rows = ["post_id,account,created_at,text",
            "1,ana,2015-07-25,Vlada je usvojila budžet za 2016. godinu u iznosu od 10 milijardi dinara.",
            "2,ana,2015-08-01,Skupština je izglasala zakon o medijima sa 150 glasova za.",
            "3,ana,,Ministarstvo je objavilo da je nezaposlenost pala na 17 odsto.",
            "4,ana,2015-08-03,Policija je zaplenila 200 kilograma droge kod Niša."]
    table = tmp_path / "dated.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = _runner(tmp_path / "dated.db")
    run("ingest", str(table), "--format", "csv", "--map",
        "text=text,author=account,source=account,external_id=post_id,published_at=created_at")
    import sqlite3

    with sqlite3.connect(tmp_path / "dated.db") as db:  # what an old import left behind
        db.execute("UPDATE documents SET published_at = 'None' WHERE external_id = '4'")
    text = run("report")
    assert "- documents: 4 (2 undated, not placed in any period)" in text and "Nothing was found" not in text
    assert "to 2015-08-01" in text
    late = run("report", "--since", "2015-07-30")
    assert "- documents: 1 (2 undated" in late and "Period: 2015-07-30 to 2015-08-01" in late


@pytest.mark.browser
@needs_chromium
def test_hostile_report_in_chromium(store, tmp_path):
    """The HTML briefing opened from a file in Debian's chromium: hostile text shows as text, no
    script runs, nothing is fetched (the page's CSP is default-src 'none')."""
    from playwright.sync_api import sync_playwright

    run, tmp = store
    page_file = tmp_path / "briefing.html"
    page_file.write_text(render_html(_hostile_report(tmp)), encoding="utf-8")
    dialogs: list[str] = []
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            assert page.locator("h1").inner_text() == "factwatch briefing"
            assert page.locator("script").count() == 0 and page.locator("img").count() == 0
            assert page.get_by_text(EVIL).count() >= 4  # shown literally, as text
            assert not page.locator('a[href^="javascript:"], a[href^="data:"]').count()
        finally:
            browser.close()
    assert dialogs == [] and errors == []
    assert requests == [page_file.as_uri()]


def test_a_campaign_past_the_document_cap_is_read_by_its_latest_activity(store, monkeypatch):
    """On a big store the cap kept a campaign's OLDEST documents (the store read them oldest first), so
    its last activity, narratives and fact-checks came from its first weeks only."""
    from factwatch.analysis import campaigns
    from factwatch.store import open_store

    run, tmp = store
    monkeypatch.setattr(campaigns, "MAX_DOCUMENTS", 3)
    with open_store(str(tmp / "factwatch.db"), access="read") as s:
        top = campaigns.find_campaigns(s).campaigns[0]
    assert top.documents_truncated and top.documents == 3
    assert top.last_at[:10] == "2026-11-20"  # the campaign's latest document, as without the cap
