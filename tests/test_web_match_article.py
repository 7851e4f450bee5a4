"""Matching a whole article (issue 10): the demo's planted KFOR claim inside a longer news page
served from 127.0.0.1 is found sentence by sentence, with its fact-check and p, best first; a
short text is matched whole as before. Real fact base (the profile's, as the demo loads it),
real pipeline and e5 vectors, a real uvicorn server and a real page fetched over HTTP.

Before: the article was one query of its five most check-worthy sentences, and the claim (sixth
by check-worthiness here, behind news of loans and EU meetings) came out "not addressed".
"""

from __future__ import annotations

import html
import http.server
import threading
from pathlib import Path

import httpx
import pytest

from _live import add_user, bearer, live_dashboard, login

REPO = Path(__file__).resolve().parents[1]
PROFILE_FACTS = REPO / "profiles" / "western-balkans" / "facts.yaml"
# demo/feeds/jutarnji-kurir.xml carries this sentence (claim kfor-attack-north in demo/README.md).
PLANTED = "Prema informacijama do kojih je došao naš list, KFOR se sprema za napad na Srbe na severu Kosova."
KFOR_CHECK = "KFOR is preparing an attack on Serbs in northern Kosovo"
# Ordinary news the check-worthiness scorer rates above the planted sentence (loans, EU meetings).
NEWS = [
    "Evropska komisija je odobrila Srbiji 1,5 milijardi evra iz Plana rasta za Zapadni Balkan.",
    "Evropska investiciona banka odobrila je Srbiji kredit od 600 miliona evra za izgradnju pruge.",
    "Evropska banka za obnovu i razvoj odobrila je Srbiji 300 miliona evra za obnovu bolnica.",
    "Evropska komisija je odobrila Srbiji 500 miliona evra za izgradnju autoputa do Niša.",
    "U Briselu je juče održan sastanak predstavnika Evropske unije i srpske vlade o poglavlju 27.",
    "Evropski parlament je usvojio rezoluciju o Srbiji kojom se poziva na reformu pravosuđa.",
    "Svetska banka odobrila je Srbiji zajam od 400 miliona evra za modernizaciju energetske mreže.",
]
FILLER = ["Sastanak je trajao duže od očekivanog.", "Opozicija tvrdi da je predlog pripremljen bez javne rasprave.",
          "Predsednik je najavio obraćanje javnosti u četvrtak uveče."]


def article_html() -> str:
    paragraphs = [" ".join(NEWS[:3] + FILLER[:1]), " ".join(NEWS[3:5] + [PLANTED] + FILLER[1:2]),
                  " ".join(NEWS[5:] + FILLER[2:])]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<html><head><title>Pregled dana</title></head><body><article><h1>Pregled dana</h1>{body}"
            f"</article></body></html>")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    from factwatch.ingest.facts import import_facts
    from factwatch.pipeline import run_pipeline
    from factwatch.store import open_store

    path = tmp_path_factory.mktemp("match_article") / "factwatch.db"
    with open_store(str(path)) as store:
        import_facts(store, PROFILE_FACTS)
        run_pipeline(store)  # embeds the fact base: what the demo's `analyze` does to it
    add_user(path, "ana", "analyst")
    return path


@pytest.fixture(scope="module")
def base(db):
    with live_dashboard(db) as url:
        yield url


@pytest.fixture(scope="module")
def article_url():
    body = article_html().encode("utf-8")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/pregled"
    server.shutdown()


def test_the_planted_claim_is_found_inside_a_longer_article(base, db, article_url, monkeypatch):
    from factwatch.analysis.claims import checkworthy_sentences

    # The premise: five sentences outrank the planted one, so a top-five pick leaves it out.
    ranked = [s for _, _, s, _ in checkworthy_sentences(" ".join(NEWS + [PLANTED]), "sr", top=10)]
    assert ranked.index(PLANTED) >= 5
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")  # the article is served from loopback
    r = httpx.get(f"{base}/api/match", params={"url": article_url}, headers=bearer(db, "analyst", name="ana"),
                  timeout=120)
    assert r.status_code == 200, r.text
    got = r.json()
    sentences = got["sentences"]
    assert {s["sentence"] for s in sentences} >= set(NEWS) | {PLANTED}
    probabilities = [s["probability"] for s in sentences]
    assert probabilities == sorted(probabilities, reverse=True)  # best first
    addressed = [s for s in sentences if s["addressed"]]
    assert [s["sentence"] for s in addressed] == [PLANTED]
    top = addressed[0]["matches"][0]
    assert top["claim"] == KFOR_CHECK and top["kind"] == "fact_check" and top["verdict"] == "False"
    assert top["matched_sentence"] == PLANTED
    # The article's decision is its best sentence's, with the same p and candidates.
    assert got["addressed"] is True and got["probability"] == addressed[0]["probability"] >= 0.5
    assert got["matches"][0]["claim"] == KFOR_CHECK
    assert addressed[0]["end"] - addressed[0]["start"] >= len(PLANTED)


def test_the_page_lists_each_addressed_sentence_with_its_fact_check_and_p(base, db, article_url, monkeypatch):
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")
    with httpx.Client(base_url=base, timeout=120) as client:
        login(client, "ana", base=base)
        page = client.get("/match", params={"url": article_url}).text
    assert "Sentences the fact base addresses" in page
    assert "1 of " in page and "check-worthy sentences in the text has a candidate fact-check" in page
    table = page.split('<table class="data article-sentences">', 1)[1].split("</table>", 1)[0]
    assert table.count('<tr class="addressed-sentence">') == 1
    assert html.escape(PLANTED, quote=False) in table and KFOR_CHECK in table and "p = " in table


def test_a_short_text_is_matched_whole_as_before(base, db):
    from factwatch.analysis.matching import match_text
    from factwatch.store import open_store

    api = bearer(db, "analyst", name="ana")
    got = httpx.get(f"{base}/api/match", params={"text": PLANTED}, headers=api, timeout=120).json()
    assert "sentences" not in got and got["addressed"] is True and got["matches"][0]["claim"] == KFOR_CHECK
    with open_store(str(db), access="read") as store:
        assert got == match_text(store, PLANTED, memo={}).as_dict()  # exactly as before


def test_the_cli_matches_an_article_the_same_way(db):
    import json
    import os
    import subprocess
    import sys

    text = " ".join(NEWS[:3] + FILLER[:1]) + "\n\n" + " ".join(NEWS[3:5] + [PLANTED] + FILLER[1:2]) + "\n\n" + \
        " ".join(NEWS[5:] + FILLER[2:])
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("FACTWATCH_DB", None)
    run = subprocess.run([sys.executable, "-m", "factwatch.cli", "--db", str(db), "match", text, "--json"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert [s["sentence"] for s in got["sentences"] if s["addressed"]] == [PLANTED]
    assert got["addressed"] is True and got["matches"][0]["claim"] == KFOR_CHECK
    shown = subprocess.run([sys.executable, "-m", "factwatch.cli", "--db", str(db), "match", text],
                           capture_output=True, text=True, env={**env, "COLUMNS": "250"}, timeout=300)
    assert shown.returncode == 0 and "sentences the fact base addresses" in shown.stdout and "KFOR se sprema" in shown.stdout
