"""Cards whose best match is a fact (an official statement), not a fact-check (issue 6, items 5-6).

A true sentence that agrees with an official statement was shown as "candidate fact-check",
"Verdict: see fact-check" (or the verdict of a debunk citing the statement) and got a rebuttal
draft ("This claim is false."). Such a card names the record as evidence, has no verdict line and
no rebuttal, only the fact to cite, in the claim's language and script. Real CLI, real SQLite,
the real matcher.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

FACT_BASE = """facts:
  - id: eu-cyrillic-official-script
    statement: Cyrillic has been an official script of the European Union since Bulgaria joined on 1 January 2007; Bulgarian is an official EU language written in Cyrillic, and euro banknotes of the Europa series carry the word ЕВРО in Cyrillic.
    source: European Union / European Central Bank
    url: https://www.ecb.europa.eu
    date: 2013-05-02
    language: en
    translations:
      sr: Ћирилица је службено писмо Европске уније од 1. јануара 2007, када је Бугарска постала чланица; бугарски је службени језик ЕУ и пише се ћирилицом.
      sr-Latn: Ćirilica je službeno pismo Evropske unije od 1. januara 2007, kada je Bugarska postala članica; bugarski je službeni jezik EU i piše se ćirilicom.
claim_reviews:
  - id: eu-ban-cyrillic
    claim: The EU will require Serbia to abolish the Cyrillic alphabet as a condition for membership
    verdict: False
    rebuttal: The EU's membership conditions say nothing about alphabets. Cyrillic has been an official EU script since Bulgaria joined in 2007.
    facts: [eu-cyrillic-official-script]
    publisher: Western Balkans fact desk (example)
    url: https://factcheck.example.org/eu-cyrillic
    date: 2026-10-20
    language: en
"""
AGREES_EN = "Cyrillic is already an official EU script (Bulgarian, since 2007)."
AGREES_SR_CYRL = "Ћирилица је већ службено писмо Европске уније, од 2007. године када је Бугарска ушла у ЕУ."


def _card_of(cli, tmp_path, text: str) -> tuple[int, dict]:
    base = tmp_path / "facts.yaml"
    base.write_text(FACT_BASE, encoding="utf-8")
    assert cli("facts", "import", str(base), "--json").exit_code == 0
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"id": "1", "text": text, "author": "journalist"}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    assert cli("ingest", str(posts), "--json").exit_code == 0
    assert cli("analyze", "--json").exit_code == 0
    claims = json.loads(cli("claims", "list", "--json").stdout)["claims"]
    assert len(claims) == 1
    card = json.loads(cli("card", str(claims[0]["id"]), "--format", "json").stdout)
    assert card["addressed"] is True and card["match_target"] == "fact", card  # the premise
    return claims[0]["id"], card


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_claim_agreeing_with_a_statement_gets_evidence_not_a_verdict_or_rebuttal(cli, tmp_path, fmt):
    claim_id, card = _card_of(cli, tmp_path, AGREES_EN)
    assert card["verdict"] is None and card["draft"] == "" and card["draft_short"] == ""
    assert card["draft_origin"] == "none" and "contradicts" in card["no_draft_reason"]
    assert card["labels"]["match"].startswith("relevant fact / official statement, p = ")
    assert card["matched_fact"]["url"] == "https://www.ecb.europa.eu"
    assert card["evidence_text"].startswith("Relevant fact: Cyrillic has been an official script")
    assert "European Union / European Central Bank" in card["evidence_text"]
    # The fact-check citing the statement is still shown, named as such, without its verdict.
    assert card["fact_check"]["url"] == "https://factcheck.example.org/eu-cyrillic"
    out = cli("card", str(claim_id), "--format", fmt).stdout
    for wrong in ("candidate fact-check", "see fact-check", "Verdict", "fact-checked", "This claim is false"):
        assert wrong not in out, (wrong, out)
    assert "Relevant fact / official statement" in out and "Evidence to cite" in out


def test_the_evidence_is_in_the_claims_language_and_script(cli, tmp_path):
    _, card = _card_of(cli, tmp_path, AGREES_SR_CYRL)
    assert card["evidence_language"] == "sr-Cyrl"
    assert card["evidence_text"].startswith("Релевантна чињеница: Ћирилица је службено писмо")
    assert card["draft"] == "" and card["verdict"] is None


def test_a_stored_stance_that_the_text_contradicts_the_statement_brings_back_the_rebuttal(cli, tmp_path, db_path):
    claim_id, _ = _card_of(cli, tmp_path, AGREES_EN)
    # The match stage stores no stance for a fact today; when a row says the text rejects the
    # statement, the fact-check citing it is the rebuttal (with its verdict).
    with sqlite3.connect(db_path) as con:
        con.execute("UPDATE claim_matches SET stance = 'rejects' WHERE claim_id = ? AND rank = 1", (claim_id,))
    card = json.loads(cli("card", str(claim_id), "--format", "json").stdout)
    assert card["verdict"] == "False" and card["draft"].startswith("This claim is circulating")
    assert card["no_draft_reason"] is None


def test_the_web_card_and_its_downloads_name_the_fact_in_english_and_serbian(cli, tmp_path, db_path):
    import html as html_lib

    from fastapi.testclient import TestClient

    from _live import bearer
    from factwatch.web.app import create_app

    claim_id, card = _card_of(cli, tmp_path, AGREES_EN)
    with TestClient(create_app(str(db_path)), base_url="http://127.0.0.1", headers=bearer(db_path)) as client:
        page = html_lib.unescape(client.get(f"/claims/{claim_id}?lang=en").text)
        box = page.split('class="response-card"', 1)[1].split("</article>", 1)[0]
        assert card["labels"]["match"] in box and "Evidence to cite" in box and card["evidence_text"] in box
        assert "Verdict" not in box and "candidate fact-check" not in box and "see fact-check" not in box
        assert 'id="drafts"' not in page and "evidence, not a fact-check" in page
        status = page.split('class="match-status"', 1)[1].split("</p>", 1)[0]
        assert "relevant fact / official statement" in status and "candidate fact-check" not in status
        serbian = html_lib.unescape(client.get(f"/claims/{claim_id}?lang=sr-Latn").text)
        box = serbian.split('class="response-card"', 1)[1].split("</article>", 1)[0]
        assert "relevantna činjenica / zvanična izjava" in box and "Dokaz za navođenje" in box
        assert "Relevant fact / official statement" not in box and "No draft" not in box
        for fmt in ("md", "json"):
            text = client.get(f"/claims/{claim_id}/card.{fmt}").text
            assert "Verdict" not in text and "candidate fact-check" not in text and "This claim is false" not in text
