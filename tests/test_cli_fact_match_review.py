"""A claim whose best match is a fact (an official statement), not a fact-check: the lists name it
as a fact, the live match page does not call it a candidate fact-check, and review decisions act
on the card's own best match (respond/review.py card_match). Real CLI, real SQLite, the real
matcher; the fact base is test_cards_fact_match's (rank 1 the fact, rank 2 the fact-check citing it).
"""

from __future__ import annotations

import html as html_lib
import json

import pytest

from test_cards_fact_match import AGREES_EN, _card_of


@pytest.fixture
def fact_claim(cli, tmp_path) -> int:
    claim_id, _ = _card_of(cli, tmp_path, AGREES_EN)
    ranks = json.loads(cli("review", "list", "--claim", str(claim_id), "--json").stdout)["candidates"]
    assert [(c["rank"], c["target"]) for c in ranks[:2]] == [(1, "fact"), (2, "fact_check")]  # the premise
    return claim_id


def test_claims_and_review_lists_name_a_fact_as_a_fact(cli, fact_claim, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # one table row a line
    for args in (["claims", "list"], ["review", "list"]):
        out = cli(*args).stdout
        assert "candidate fact-check or fact" in out, out
        row = next(line for line in out.splitlines() if "Cyrillic is already" in line)
        assert "fact: Cyrillic has been an official script" in row, row


def test_rejecting_the_fact_a_card_is_built_on_withdraws_the_card(cli, fact_claim):
    # Before: the card read the decision on rank 2 (the first fact-check), so rejecting rank 1 left it.
    assert cli("review", "reject", f"{fact_claim}.1", "--note", "not the same topic").exit_code == 0
    result = cli("card", str(fact_claim), "--format", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "rejected its candidate fact on" in result.stderr and f"review confirm {fact_claim}.1" in result.stderr


def test_a_decision_on_a_lower_fact_check_does_not_decide_the_fact_card(cli, fact_claim):
    # Before: rejecting rank 2 removed the card of rank 1's fact; confirming rank 1 left it unconfirmed.
    assert cli("review", "reject", f"{fact_claim}.2").exit_code == 0
    card = json.loads(cli("card", str(fact_claim), "--format", "json").stdout)
    assert card["match_target"] == "fact" and card["confirmed"] is False
    assert cli("review", "confirm", str(fact_claim)).exit_code == 0  # bare id: rank 1
    card = json.loads(cli("card", str(fact_claim), "--format", "json").stdout)
    assert card["match_target"] == "fact" and card["confirmed"] is True


def test_the_live_match_page_names_a_best_fact_in_english_and_serbian(cli, fact_claim, db_path):
    from fastapi.testclient import TestClient

    from _live import bearer
    from factwatch.web.app import create_app

    with TestClient(create_app(str(db_path)), base_url="http://127.0.0.1", headers=bearer(db_path)) as client:
        for lang, shown, also in [
            ("en", "relevant fact / official statement", "the first fact below (an official statement, not a fact-check)"),
            ("sr-Latn", "relevantna činjenica / zvanična izjava", "prva činjenica ispod (zvanična izjava, ne provera činjenica)"),
        ]:
            response = client.get("/match", params={"text": AGREES_EN, "lang": lang})
            assert response.status_code == 200
            verdict = html_lib.unescape(response.text).split('class="match-verdict"', 1)[1].split("</p>", 1)[0]
            assert shown in verdict and also in verdict, verdict
            assert "candidate fact-check" not in verdict and "moguća provera činjenica" not in verdict


def test_the_claim_page_says_a_rejected_fact_was_a_fact(cli, fact_claim, db_path):
    """After rejecting the fact a card was built on, the claim page read 'rejected this candidate fact-check'."""
    from fastapi.testclient import TestClient

    from _live import bearer
    from factwatch.web.app import create_app

    assert cli("review", "reject", f"{fact_claim}.1", "--note", "other topic").exit_code == 0
    with TestClient(create_app(str(db_path)), base_url="http://127.0.0.1", headers=bearer(db_path)) as client:
        page = html_lib.unescape(client.get(f"/claims/{fact_claim}").text)
        assert "rejected this candidate fact on" in page and "rejected this candidate fact-check" not in page
        page = html_lib.unescape(client.get(f"/claims/{fact_claim}?lang=sr-Latn").text)
        assert "je odbio ovu moguću činjenicu" in page
