"""Narrative catalogues: the Western Balkans profile, malformed catalogues, SemEval import, store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from factwatch.errors import InputError
from factwatch.ingest.narratives import dump_catalogue_yaml, load_catalogue, parse_catalogue_yaml
from factwatch.models import Narrative
from factwatch.text.script import detect_script

REPO = Path(__file__).resolve().parents[1]
WB = REPO / "profiles" / "western-balkans" / "narratives.yaml"
SCRIPTS = {"sr-Cyrl": "Cyrl", "sr-Latn": "Latn", "sq": "Latn", "mk": "Cyrl", "ru": "Cyrl", "en": "Latn"}


def test_western_balkans_catalogue_has_twenty_regional_narratives_in_six_languages_and_scripts():
    cat = load_catalogue(WB)
    assert len(cat) >= 20 and cat[0].catalogue == "western-balkans"
    topics = {n.domain for n in cat}
    assert {"nato", "kosovo", "eu", "bih", "serbia-neutrality", "russia-ukraine", "elections", "migration", "energy"} <= topics
    for n in cat:
        assert {e.language for e in n.examples} == set(SCRIPTS), n.id
        for e in n.examples:
            # A Latin word left in a Cyrillic example (or the reverse) is a typo that halves its match.
            assert detect_script(e.text) == SCRIPTS[e.language], (n.id, e.language, e.text)
        assert n.keywords and n.disarm and n.status == "active"


def test_western_balkans_facts_exist_in_the_profile_fact_base():
    facts = yaml.safe_load((WB.parent / "facts.yaml").read_text(encoding="utf-8"))
    ids = {f["id"] for key in ("facts", "claim_reviews") for f in facts.get(key) or []}
    refs = {f for n in load_catalogue(WB) for f in n.facts}
    assert refs and refs <= ids, refs - ids


def test_western_balkans_disarm_ids_exist_in_disarm_v1_6(shared_data: Path):
    bundle = json.loads((shared_data / "disarm" / "DISARM.json").read_text(encoding="utf-8"))
    known = {r["external_id"] for o in bundle["objects"] if o.get("type") == "attack-pattern"
             for r in o.get("external_references", []) if r.get("external_id")}
    used = {t for n in load_catalogue(WB) for t in n.disarm}
    assert used and used <= known, used - known


GOOD = """\
catalogue: test
narratives:
  - id: a
    title: A
    description: first
  - id: b
    title: B
    description: second
    parent: a
"""


@pytest.mark.parametrize("text, line, reason", [
    (GOOD.replace("    description: second\n", ""), 6, "no 'description'"),
    (GOOD.replace("id: b", "id: a"), 6, "duplicate id 'a' (first at line 3)"),
    (GOOD.replace("parent: a", "parent: zz"), 6, "parent 'zz'"),
    (GOOD.replace("    description: first\n", "    description: first\n    parent: b\n"), 3, "cycle"),
    (GOOD + "    status: dormant\n", 6, "status 'dormant'"),
    (GOOD + "    disarm: [X12]\n", 6, "DISARM technique id 'X12'"),
    (GOOD + "    colour: red\n", 10, "unknown field 'colour'"),
    (GOOD + "    title: again\n", 10, "field 'title' given twice"),
    (GOOD.replace("    title: B\n", "    title: [B\n"), 8, "not valid YAML"),
    ("narratives:\n  - just a string\n", 2, "a narrative is a mapping"),
    ("narratives:\n  - id: a\n    title: A\n    description: d\n    examples: {en: [ok], sr: {x: 1}}\n", 2, "examples.sr"),
])
def test_malformed_catalogue_is_refused_with_line_and_reason(text: str, line: int, reason: str):
    with pytest.raises(InputError) as err:
        parse_catalogue_yaml(text, where="c.yaml")
    assert f"c.yaml: line {line}:" in str(err.value) and reason in str(err.value), str(err.value)


def test_self_parent_is_a_cycle():
    with pytest.raises(InputError, match="line 3: parents form a cycle: a -> a"):
        parse_catalogue_yaml(GOOD.replace("    description: first\n", "    description: first\n    parent: a\n"))


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "narratives: []\n", "narratives:\n", "catalogue: x\nnarratives: []\n"])
def test_empty_catalogue_is_valid(text: str):
    assert parse_catalogue_yaml(text) == []


def test_one_language_catalogue_and_list_forms_work():
    cat = parse_catalogue_yaml(
        "- id: x\n  title: X\n  description: only English\n  examples: [one, {language: en, text: two}]\n"
        "  keywords: [k1, k1, k2]\n", name="mine")
    assert cat[0].catalogue == "mine" and [e.text for e in cat[0].examples] == ["one", "two"]
    assert cat[0].keywords == ("k1", "k2") and cat[0].label == "X"


def test_export_reads_back_to_the_same_catalogue():
    cat = load_catalogue(WB)
    assert parse_catalogue_yaml(dump_catalogue_yaml(cat), name="other") == cat


def test_semeval_taxonomy_import(shared_data: Path):
    cat = load_catalogue(shared_data / "narratives", fmt="semeval2025")
    coarse = [n for n in cat if n.parent is None]
    subs = [n for n in cat if n.parent is not None]
    assert len(coarse) == 21 and len(subs) == 74
    labels = {n.label for n in cat}
    assert "URW: Discrediting Ukraine" in labels
    assert "URW: Discrediting Ukraine: Ukraine is associated with nazism" in labels
    assert not any(lab.endswith(": Other") or lab == "Other" for lab in labels)  # written by the scorer
    nazism = next(n for n in subs if n.label.endswith("associated with nazism"))
    assert nazism.parent == "URW.discrediting-ukraine" and len(nazism.examples) == 3 and nazism.domain == "URW"
    # Every label string of the task's list is a catalogued narrative or an "Other".
    with (shared_data / "narratives" / "subtask2_all_fine-grained_narratives.csv").open(encoding="utf-8") as fh:
        task = {r[0] for r in list(csv.reader(fh))[1:]}
    assert {t for t in task if not t.endswith("Other")} <= labels


def test_semeval_folder_without_its_files_is_refused(tmp_path: Path):
    with pytest.raises(InputError, match="not the SemEval-2025 Task 10 folder"):
        load_catalogue(tmp_path, fmt="semeval2025")


def test_store_retires_dropped_narratives_and_refuses_a_foreign_id(store):
    cat = parse_catalogue_yaml(GOOD)
    assert store.save_narratives("test", cat) == {"narratives": 2, "new": 2, "retired": 0}
    assert store.save_narratives("test", cat[:1]) == {"narratives": 1, "new": 0, "retired": 1}
    assert store.get_narrative("b").status == "retired"
    assert [n.id for n in store.list_narratives(status="active")] == ["a"]
    assert store.save_narratives("test", cat) == {"narratives": 2, "new": 0, "retired": 0}
    with pytest.raises(InputError, match="already belongs to catalogue 'test'"):
        store.save_narratives("other", [Narrative(id="a", catalogue="other", title="A", description="d", label="A")])


def test_cli_refuses_a_malformed_catalogue_with_its_line(cli, tmp_path: Path):
    bad = tmp_path / "narratives.yaml"
    bad.write_text(GOOD.replace("id: b", "id: a"), encoding="utf-8")
    result = cli("narratives", "import", str(bad))
    assert result.exit_code == 1
    assert "line 6: duplicate id 'a'" in result.output
