"""End-to-end CLI tests of the fact base: facts import, match (TEXT and --file), analyze, card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FACTS = Path(__file__).parent / "data" / "facts" / "facts_profile.yaml"
CHURCH_URL = "https://factcheck.example.org/kosovo-church-ban"
CYRILLIC_CLAIM = "Влада Косова је забранила Српску православну цркву, тврди портал."
UNRELATED = "Skupština grada Beograda usvojila je plan nove tramvajske linije do Zemuna."


@pytest.fixture
def facts_cli(cli):
    result = cli("facts", "import", str(FACTS), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["inserted"] > 0 and data["rejected"] >= 1  # the fixture holds one broken entry
    return cli


def test_facts_import_twice_adds_nothing(facts_cli):
    again = json.loads(facts_cli("facts", "import", str(FACTS), "--json").stdout)
    assert again["inserted"] == 0 and again["duplicates"] > 0


def test_match_json_finds_the_english_debunk_of_a_cyrillic_claim(facts_cli):
    data = json.loads(facts_cli("match", CYRILLIC_CLAIM, "--json").stdout)
    assert data["addressed"] is True
    best = data["matches"][0]
    assert best["url"] == CHURCH_URL and best["verdict"].lower() == "false"
    assert {"url", "claim", "verdict", "score", "publisher", "language"} <= set(best)
    scores = [m["score"] for m in data["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_match_file_gives_one_json_document_per_line_in_order(facts_cli, tmp_path):
    lines = tmp_path / "claims.txt"
    lines.write_text(f"{CYRILLIC_CLAIM}\n{UNRELATED}\n\n", encoding="utf-8")
    out = facts_cli("match", "--file", str(lines), "--json").stdout.strip().splitlines()
    docs = [json.loads(line) for line in out]
    assert [d["addressed"] for d in docs] == [True, False, False]
    assert docs[2]["error"] == "empty line"


def test_match_file_reads_a_windows_1251_list_as_ingest_does(facts_cli, tmp_path):
    # A Cyrillic list saved by Excel/Notepad is Windows-1251; it was refused as "not UTF-8".
    lines = tmp_path / "claims-1251.txt"
    unrelated = "Скупштина града Београда усвојила је план нове трамвајске линије до Земуна."
    lines.write_bytes(f"{CYRILLIC_CLAIM}\r\n{unrelated}\r\n".encode("cp1251"))
    result = facts_cli("match", "--file", str(lines), "--json")
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["addressed"] for d in docs] == [True, False]
    assert docs[0]["matches"][0]["url"] == CHURCH_URL


def test_match_file_refuses_binary_and_missing_files_in_one_line(facts_cli, tmp_path):
    binary = tmp_path / "claims.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    refused = facts_cli("match", "--file", str(binary), "--json")
    assert refused.exit_code == 1 and "does not look like text" in refused.stderr and not refused.stdout
    missing = facts_cli("match", "--file", str(tmp_path / "nope.txt"), "--json")
    assert missing.exit_code == 1 and missing.stderr.startswith("error: No such file") and "Errno" not in missing.stderr


def test_match_needs_text_or_file(facts_cli):
    result = facts_cli("match", "--json")
    assert result.exit_code == 1 and "TEXT or --file" in result.stderr
    empty = facts_cli("match", "   ", "--json")
    assert empty.exit_code == 1 and "empty" in empty.stderr


def test_analyze_then_card(facts_cli, tmp_path):
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        json.dumps({"id": "1", "text": CYRILLIC_CLAIM, "author": "portal"}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "2", "text": UNRELATED, "author": "grad"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert json.loads(facts_cli("ingest", str(posts), "--json").stdout)["inserted"] == 2
    first = json.loads(facts_cli("analyze", "--json").stdout)
    assert list(first["stages"]) == ["dedup", "coordination", "claims", "embed_facts", "embed_claims", "match",
                                    "narratives", "discovery", "alerts"]
    assert first["stages"]["claims"]["claims"] >= 1
    second = json.loads(facts_cli("analyze", "--json").stdout)
    assert second["stages"]["claims"]["claims"] == 0
    stats = json.loads(facts_cli("stats", "--json").stdout)
    assert stats["addressed_claims"] >= 1 and stats["fact_checks"] >= 1
    card = None
    for claim_id in range(1, stats["claims"] + 1):
        candidate = json.loads(facts_cli("card", str(claim_id), "--format", "json").stdout)
        if candidate["addressed"]:
            card = candidate
            break
    assert card is not None and card["fact_check"]["url"] == CHURCH_URL
    # "…, тврди портал" attributes the claim to a portal: it reports it, so the card drafts no reply.
    assert card["stance"] == "reports" and not card["draft"] and "only reports" in card["no_draft_reason"]
    missing = facts_cli("card", "9999")
    assert missing.exit_code == 1 and missing.stderr


def test_facts_import_of_deeply_nested_json_rejects_it_with_a_reason(cli, tmp_path):
    # Before: a RecursionError traceback from json.loads (issue 7, item 12).
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    result = cli("facts", "import", str(deep), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["inserted"], data["rejected"]) == (0, 1)
    assert "more than 64 levels deep" in data["reasons"][0] and "Traceback" not in result.output


@pytest.mark.parametrize("name,kind", [
    ("rss2.xml", "an RSS/Atom feed of news items, not fact-checks (`factwatch ingest` reads feeds)"),
    ("atom.xml", "an RSS/Atom feed of news items"),
    ("article_sr.html", "an HTML page with no ClaimReview in it"),
])
def test_facts_import_of_a_feed_says_it_is_a_feed_and_which_formats_it_reads(cli, name, kind):
    # Before: an RSS file was called "an HTML page without <script ...>" with no formats named.
    from factwatch.ingest.facts import FORMATS

    result = cli("facts", "import", str(Path(__file__).parent / "data" / "ingest" / name))
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {name}: {kind}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert all(fmt in result.stderr.lower() for fmt in FORMATS[1:])
    assert json.loads(cli("stats", "--json").stdout)["fact_checks"] == 0


ETIAS_BASE = """facts:
  - id: etias-not-a-visa
    statement: ETIAS is an online travel authorisation for non-EU nationals who do not need a visa to enter the Schengen area; it is not a visa.
    source: European Union
    url: https://travel-europe.europa.eu/etias_en
    date: 2025-01-01
    language: en
claim_reviews:
  - id: cr-church
    claim: The Kosovo government has banned the Serbian Orthodox Church.
    verdict: False
    rebuttal: No Kosovo law or government decision bans the Serbian Orthodox Church.
    publisher: Western Balkans fact desk (example)
    url: https://factcheck.example.org/kosovo-church-ban
    date: 2023-03-14
    language: en
"""


def test_a_card_whose_best_match_is_a_fact_shows_no_unrelated_fact_check(cli, tmp_path):
    base = tmp_path / "facts.yaml"
    base.write_text(ETIAS_BASE, encoding="utf-8")
    assert cli("facts", "import", str(base), "--json").exit_code == 0
    posts = tmp_path / "posts.jsonl"
    text = "ETIAS je elektronsko odobrenje za putovanje za državljane zemalja bez viza, a ne viza."
    posts.write_text(json.dumps({"id": "1", "text": text, "author": "portal"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert cli("ingest", str(posts), "--json").exit_code == 0
    assert cli("analyze", "--json").exit_code == 0
    claims = json.loads(cli("claims", "list", "--json").stdout)["claims"]
    assert len(claims) == 1
    card = json.loads(cli("card", str(claims[0]["id"]), "--format", "json").stdout)
    assert card["addressed"] is True  # the ETIAS fact addresses it
    # The church-ban debunk is only the fact base's other entry; it was shown with verdict False.
    assert card["fact_check"] is None and card["verdict"] is None
    markdown = cli("card", str(claims[0]["id"]), "--format", "md").stdout
    assert "Serbian Orthodox Church" not in markdown


def test_a_card_whose_best_match_is_a_fact_shows_the_fact_check_citing_it(cli, tmp_path):
    base = tmp_path / "facts.yaml"
    base.write_text(ETIAS_BASE.replace("""  - id: cr-church""", """  - id: cr-etias
    claim: From January, citizens of Serbia will need visas for the EU because of ETIAS.
    verdict: Misleading
    rebuttal: ETIAS is not a visa; visa-free travel to Schengen is unchanged.
    facts: [etias-not-a-visa]
    publisher: Western Balkans fact desk (example)
    url: https://factcheck.example.org/etias
    date: 2025-01-02
    language: en
  - id: cr-church"""), encoding="utf-8")
    assert cli("facts", "import", str(base), "--json").exit_code == 0
    posts = tmp_path / "posts.jsonl"
    text = "ETIAS je elektronsko odobrenje za putovanje za državljane zemalja bez viza, a ne viza."
    posts.write_text(json.dumps({"id": "1", "text": text, "author": "portal"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert cli("ingest", str(posts), "--json").exit_code == 0
    assert cli("analyze", "--json").exit_code == 0
    claim_id = json.loads(cli("claims", "list", "--json").stdout)["claims"][0]["id"]
    card = json.loads(cli("card", str(claim_id), "--format", "json").stdout)
    # Whether the fact or the debunk citing it ranks first, the card's fact-check is the ETIAS one.
    assert card["addressed"] is True and card["fact_check"]["url"] == "https://factcheck.example.org/etias"


def test_match_on_an_empty_fact_base_says_to_import_one(cli, tmp_path):
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"id": "1", "text": "Vest o budžetu grada."}\n', encoding="utf-8")
    assert cli("ingest", str(posts), "--json").exit_code == 0
    text = cli("match", "KFOR sprema napad na Srbe")
    # It printed "not addressed" and an empty table, with no word on why.
    assert text.exit_code == 0 and "not addressed" in text.stdout and "facts import" in text.stdout
    data = json.loads(cli("match", "KFOR sprema napad na Srbe", "--json").stdout)
    assert set(data) == {"addressed", "probability", "matches"} and data["matches"] == []  # the contract's shape
