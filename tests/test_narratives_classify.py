"""Narrative classification with the real e5 model: cross-lingual hits, the pipeline stage (twice,
and again after a catalogue change), analysts' decisions, and the CLI's JSON contract."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from factwatch.analysis.narratives import classify_new_documents, classify_text, import_catalogue, semeval_labels
from factwatch.models import NarrativeHit, NewDocument
from factwatch.pipeline import run_pipeline
from factwatch.text.normalize import normalize

CATALOGUE = """\
catalogue: small
narratives:
  - id: kfor-abandons-serbs
    title: KFOR is abandoning the Serbs of Kosovo
    description: KFOR is said to leave the Serbs of Kosovo unprotected against Pristina's police.
    examples:
      en: [KFOR has abandoned the Serbs in northern Kosovo.]
      sr-Latn: [KFOR je napustio Srbe na severu Kosova.]
  - id: eu-bans-cyrillic
    title: The EU will ban the Cyrillic script
    description: EU accession is said to require Serbia to abandon the Cyrillic alphabet.
    examples:
      en: [Brussels will make Serbia abolish the Cyrillic alphabet.]
  - id: biolabs
    title: US biolabs develop biological weapons
    description: Public health laboratories are said to be secret American biological weapons labs.
    examples:
      en: [The Pentagon runs secret biolabs that develop biological weapons.]
      sq: [Amerikanët kanë laboratorë biologjikë të fshehtë në Maqedoni.]
"""

KFOR_CYRL = "КФОР је напустио Србе на северу Косова и не штити их од специјалне полиције."
CYRILLIC_RU = "Брюссель потребует от Сербии отказаться от кириллицы ради членства в ЕС."
BIOLABS_SQ = "Pentagoni drejton laboratorë sekretë biologjikë që zhvillojnë armë biologjike."
FOOTBALL = "Crvena zvezda je pobedila Partizan sa 3:1 u derbiju pred punim stadionom."


@pytest.fixture(scope="module")
def catalogue_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cat") / "narratives.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, catalogue_file: Path):
    """One store for the module: e5 on two busy cores is slow, and the cache makes reruns cheap."""
    from factwatch.store import open_store

    path = tmp_path_factory.mktemp("db") / "factwatch.db"
    with open_store(str(path)) as store:
        import_catalogue(store, catalogue_file)
        yield store, path


def _doc(text: str, n: int) -> NewDocument:
    norm = normalize(text)
    return NewDocument(platform="rss", source="outlet", text=text, language=norm.language, script=norm.script,
                       latin_key=norm.latin_key, content_hash=hashlib.sha1(f"{n}{text}".encode()).hexdigest(),
                       position=str(n), published_at="2026-10-01T08:00:00Z", title=None)


@pytest.mark.parametrize("text, expected", [
    (KFOR_CYRL, "kfor-abandons-serbs"),   # Serbian Cyrillic; the examples are English and Latin
    (CYRILLIC_RU, "eu-bans-cyrillic"),    # Russian; English example only
    (BIOLABS_SQ, "biolabs"),              # Albanian; another Albanian statement (e5-small is weak en->sq)
])
def test_classify_text_finds_the_narrative_across_languages(loaded, text: str, expected: str):
    store, _ = loaded
    hits = classify_text(store, text)
    assert hits and hits[0].id == expected, hits
    assert hits[0].evidence == text and 0.9 <= hits[0].score <= 1.0


def test_unrelated_text_gets_no_narrative(loaded):
    store, _ = loaded
    assert classify_text(store, FOOTBALL) == []
    assert classify_text(store, "   ") == []


def test_stage_classifies_documents_and_claims_once_and_again_after_a_catalogue_change(loaded, catalogue_file, tmp_path):
    store, _ = loaded
    store.insert_documents([_doc(f"{KFOR_CYRL} {FOOTBALL}", 1), _doc(FOOTBALL, 2), _doc(BIOLABS_SQ, 3)],
                           run_id=store.start_run("ingest", "test"))
    run_pipeline(store, only=["claims"])
    first = classify_new_documents(store)
    assert first.documents == 3 and not first.reclassified
    docs = {d.text: d.id for d in store.documents_after(0, limit=10)}
    whole = [a for a in store.document_narratives(docs[f"{KFOR_CYRL} {FOOTBALL}"]) if a.claim_id is None]
    assert [a.narrative_id for a in whole] == ["kfor-abandons-serbs"]
    assert whole[0].evidence == KFOR_CYRL  # the sentence that carries it, not the football one
    assert store.document_narratives(docs[FOOTBALL]) == []
    snapshot = {d: store.document_narratives(d) for d in docs.values()}
    again = classify_new_documents(store)
    assert again.documents == 0 and again.assignments == 0
    assert {d: store.document_narratives(d) for d in docs.values()} == snapshot
    # Retire the biolabs narrative: every document is classified again without it.
    changed = tmp_path / "narratives.yaml"
    changed.write_text(CATALOGUE.split("  - id: biolabs")[0], encoding="utf-8")
    import_catalogue(store, changed)
    third = classify_new_documents(store)
    assert third.reclassified and third.documents == 3
    assert store.document_narratives(docs[BIOLABS_SQ]) == []
    import_catalogue(store, catalogue_file)  # restore for the other tests
    classify_new_documents(store)
    assert [a.narrative_id for a in store.document_narratives(docs[BIOLABS_SQ])][:1] == ["biolabs"]


def test_cli_classify_json_contract_and_file_mode(loaded, tmp_path):
    from typer.testing import CliRunner

    from factwatch.cli import app

    _, db = loaded
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(db), "narratives", "classify", KFOR_CYRL, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"narratives"} and data["narratives"]
    assert set(data["narratives"][0]) == {"id", "label", "score", "evidence"}
    lines = tmp_path / "texts.txt"
    lines.write_text(f"{FOOTBALL}\n{BIOLABS_SQ}\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", str(db), "narratives", "classify", "--file", str(lines), "--json"])
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert out[0] == {"narratives": []} and out[1]["narratives"][0]["id"] == "biolabs"


def test_classify_without_a_catalogue_says_how_to_load_one(cli, store):
    result = cli("narratives", "classify", "text")
    assert result.exit_code == 1 and "narratives import" in result.output


def test_analyst_decisions_keep_who_and_when_and_the_latest_wins(loaded, monkeypatch):
    from typer.testing import CliRunner

    from factwatch.cli import app

    store, db = loaded
    doc = store.documents_after(0, limit=1)[0].id
    monkeypatch.setenv("FACTWATCH_USER", "ana")
    runner = CliRunner()
    ok = runner.invoke(app, ["--db", str(db), "narratives", "confirm", str(doc), "kfor-abandons-serbs", "--json"])
    assert ok.exit_code == 0, ok.output
    first = json.loads(ok.stdout)
    assert first["reviewer"] == "ana" and first["decision"] == "confirmed" and first["decided_at"]
    monkeypatch.setenv("FACTWATCH_USER", "marko")
    runner.invoke(app, ["--db", str(db), "narratives", "reject", str(doc), "kfor-abandons-serbs", "--note", "sports"])
    latest = store.list_narrative_reviews(narrative_id="kfor-abandons-serbs")
    assert [(r.reviewer, r.decision, r.note) for r in latest] == [("marko", "rejected", "sports")]
    assert len(store.list_narrative_reviews(narrative_id="kfor-abandons-serbs", latest_only=False)) == 2
    shown = [a for a in store.document_narratives(doc) if a.narrative_id == "kfor-abandons-serbs" and a.claim_id is None]
    assert shown and shown[0].decision == "rejected" and shown[0].reviewer == "marko"
    bad = runner.invoke(app, ["--db", str(db), "narratives", "confirm", str(doc), "no-such-narrative"])
    assert bad.exit_code == 1 and "narratives list" in bad.output


def test_semeval_labels_write_other_as_the_task_does():
    from factwatch.ingest.narratives import parse_catalogue_yaml

    cat = parse_catalogue_yaml(
        "- {id: u, title: U, label: 'URW: U', description: d}\n"
        "- {id: u1, title: S, label: 'URW: U: S', description: d, parent: u}\n"
        "- {id: v, title: V, label: 'URW: V', description: d}\n")
    assert semeval_labels([], cat) == ({"Other"}, {"Other"})
    hits = [NarrativeHit("u", "URW: U", 1, ""), NarrativeHit("v", "URW: V", 1, ""), NarrativeHit("u1", "URW: U: S", 1, "")]
    assert semeval_labels(hits, cat) == ({"URW: U", "URW: V"}, {"URW: U: S", "URW: V: Other"})


def test_semeval_catalogue_labels_are_the_task_strings(shared_data, tmp_path):
    from factwatch.store import open_store

    with open_store(str(tmp_path / "s.db")) as store:
        stats = import_catalogue(store, shared_data / "narratives", fmt="semeval2025", documents=False)
        assert stats.narratives == 95 and stats.labelled_documents == 0
        hits = classify_text(store, "Ukraine is a Nazi state. The Azov battalion glorifies the Nazi collaborator "
                                    "Stepan Bandera, and the government in Kyiv is run by neo-Nazis.")
    labels = [h.label for h in hits]
    assert labels[0] == "URW: Discrediting Ukraine", labels
    assert "URW: Discrediting Ukraine: Ukraine is associated with nazism" in labels
    assert not any(lab.startswith("CC:") for lab in labels)  # the domain step keeps climate out


# The demo's four coordinated bursts (demo/social/posts.csv, found by the link every copy carries)
# and the narrative each one was written to carry. Burst 1 used to be filed under "Ukraine is ruled
# by Nazis" via its Ukrainian-mercenaries sub-narrative: the catalogue had no narrative for a KFOR
# attack, and every statement about "Serbs in northern Kosovo" sits near 0.91 to every other.
BURSTS = {
    "kfor-napadenie": "kfor-turns-on-serbs",
    "brisel-cirilica": "eu-bans-cyrillic",
    "crna-gora-nato": "nato-membership-regret",
    "biolaboratorii": "western-biolabs",
}


def test_demo_bursts_get_the_narrative_they_were_planted_with(tmp_path):
    import csv

    from factwatch.ingest.narratives import load_catalogue
    from factwatch.store import open_store

    repo = Path(__file__).resolve().parents[1]
    profile = repo / "profiles" / "western-balkans" / "narratives.yaml"
    parent = {n.id: n.parent for n in load_catalogue(profile)}

    def root(nid: str) -> str:
        while parent.get(nid):
            nid = parent[nid]
        return nid

    with (repo / "demo" / "social" / "posts.csv").open(encoding="utf-8", newline="") as f:
        posts = [p["text"] for p in csv.DictReader(f)]
    # The Telegram channel forwards the same stories (text: a string or a list of entities).
    messages = json.loads((repo / "demo" / "telegram" / "result.json").read_text(encoding="utf-8"))["messages"]
    posts += ["".join(x if isinstance(x, str) else x.get("text", "") for x in m["text"]) if isinstance(m["text"], list)
              else m["text"] for m in messages]
    with open_store(str(tmp_path / "wb.db")) as store:
        import_catalogue(store, profile)
        for link, expected in BURSTS.items():
            texts = sorted({p for p in posts if link in p})
            assert len(texts) >= 2, link
            for text in texts:
                ids = {h.id for h in classify_text(store, text)}
                assert expected in ids, (text, ids)
                assert {root(i) for i in ids} == {root(expected)}, (text, ids)


def test_profile_examples_are_whole_statements():
    # An unquoted example with a comma in a YAML flow list ("[A, b.]") silently became two
    # fragments ("A", "b."): 51 examples of the profile were cut so, and a fragment such as
    # "Since joining NATO" matches any text about NATO.
    import re

    from factwatch.ingest.narratives import load_catalogue

    profile = Path(__file__).resolve().parents[1] / "profiles" / "western-balkans" / "narratives.yaml"
    bad = [(n.id, e.language, e.text) for n in load_catalogue(profile) for e in n.examples
           if not (e.text[:1].isupper() and re.search(r"[.!?]$", e.text))]
    assert bad == []


def test_shipped_pool_is_the_calibrated_dev_documents():
    from factwatch.analysis.narratives import load_calibration, shipped_pool

    pool = shipped_pool("semeval2025")
    assert pool is not None, "run bench/bench_narratives.py --fit"
    vectors, labels = pool
    assert vectors.shape == (len(labels), 384) and len(labels) >= 80
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 0.01  # mean sentence vectors, normalised
    assert all(x.split(".")[0] in {"URW", "CC"} for row in labels for x in row)
    assert load_calibration("semeval2025").mix < 1.0  # the calibration counts on the neighbour vote
    assert shipped_pool("western-balkans") is None


def test_taxonomy_without_articles_still_votes_with_the_shipped_pool(shared_data, tmp_path):
    # Before, a store without the labelled articles fell back to similarity alone (test 0.32
    # against 0.41 with the vote): the figure depended on which folder the taxonomy came from.
    from factwatch.analysis.narratives import build_models
    from factwatch.store import open_store

    with open_store(str(tmp_path / "s.db")) as store:
        import_catalogue(store, shared_data / "narratives", fmt="semeval2025", documents=False)
        (model,) = build_models(store)
    assert model.pool is not None and len(model.pool) >= 80
    assert model.calibration.mix < 1.0 and model.pool_y.sum() > 0
