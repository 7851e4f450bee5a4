"""End-to-end tests of the CLI contract in DESIGN.md: commands, --json shapes, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Vesti</title><link>https://test.example</link>
<item><title>Влада усвојила буџет</title><link>https://test.example/1</link><guid>1</guid>
<pubDate>Tue, 06 Oct 2026 10:00:00 +0000</pubDate>
<description>Влада Србије је данас усвојила предлог буџета за 2027. годину.</description></item>
<item><title>Vlada usvojila budžet</title><link>https://test.example/2</link><guid>2</guid>
<pubDate>Tue, 06 Oct 2026 11:00:00 +0000</pubDate>
<description>Vlada Srbije je danas usvojila predlog budžeta za 2027. godinu.</description></item>
</channel></rss>"""


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "vesti.xml"
    path.write_text(RSS, encoding="utf-8")
    return path


def test_ingest_json_shape_and_rerun_adds_nothing(cli, feed):
    first = cli("ingest", str(feed), "--json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert set(data) == {"inserted", "duplicates", "rejected", "run_id"}
    assert (data["inserted"], data["duplicates"], data["rejected"]) == (2, 0, 0)
    again = json.loads(cli("ingest", str(feed), "--json").stdout)
    assert (again["inserted"], again["duplicates"]) == (0, 2)


def test_stats_json_counts_documents_and_sources(cli, feed):
    cli("ingest", str(feed), "--json")
    data = json.loads(cli("stats", "--json").stdout)
    assert data["documents"] == 2 and data["sources"] == 1


def test_stats_on_a_new_database_is_valid_json(cli, store):
    # `store` creates the (empty, migrated) database; a missing one is an error (test_cli_errors).
    data = json.loads(cli("stats", "--json").stdout)
    assert data["documents"] == 0


def test_inspect_json_shape():
    from typer.testing import CliRunner

    from factwatch.cli import app

    result = CliRunner().invoke(app, ["inspect", "Влада Србије је усвојила буџет. Министар је рекао да ће плате расти.", "--json"])
    data = json.loads(result.stdout)
    assert {"language", "script", "latin_key", "sentences"} <= set(data)
    assert (data["language"], data["script"]) == ("sr", "Cyrl")
    assert data["latin_key"].startswith("vlada srbije")
    assert len(data["sentences"]) == 2


def test_rejected_records_are_shown_by_runs_show(cli, tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text('{"text": "Dobar dan, Beograde", "id": "1"}\n{broken\n{"text": "Laku noć", "id": "2"}\n', encoding="utf-8")
    data = json.loads(cli("ingest", str(path), "--json").stdout)
    assert (data["inserted"], data["rejected"]) == (2, 1)
    shown = json.loads(cli("runs", "show", data["run_id"], "--json").stdout)
    (rejection,) = shown["rejections"]
    assert "line 2" in rejection["position"] + rejection["reason"]
    human = cli("runs", "show", data["run_id"])
    assert "line 2" in human.stdout


def test_errors_go_to_stderr_with_nonzero_exit(cli, tmp_path):
    result = cli("ingest", str(tmp_path / "missing.xml"), "--json")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "missing.xml" in result.stderr
    bad = cli("runs", "show", "no-such-run")
    assert bad.exit_code == 1 and "runs list" in bad.stderr


def test_sources_import_list_export_round_trip(cli, tmp_path):
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        "actors:\n  - {name: State TV Owner, type: state, country: RS}\n"
        "sources:\n  - {name: Test TV, platform: rss, url: 'https://tv.example', feed_url: 'https://tv.example/rss',"
        " country: RS, language: sr, actor: State TV Owner}\n  - {name: Broken}\n",
        encoding="utf-8",
    )
    imported = json.loads(cli("sources", "import", str(registry), "--json").stdout)
    assert (imported["sources"], len(imported["rejected"])) == (1, 1)
    listed = json.loads(cli("sources", "list", "--json").stdout)["sources"]
    assert listed[0]["actor_type"] == "state"
    exported = tmp_path / "out.yaml"
    cli("sources", "export", "-o", str(exported))
    assert "Test TV" in exported.read_text(encoding="utf-8")


@pytest.mark.parametrize(("content", "phrase"), [
    (b"", "is empty"),  # was imported as 0 actors, 0 sources, status 0
    (b'<?xml version="1.0"?>\n<rss><channel>\n<title>A: b</title>\n', "not valid YAML at line 3"),
    ("actors: [{name: Телевизија}]\n".encode("cp1251"), "not UTF-8"),
], ids=["empty", "rss", "cp1251"])
def test_sources_import_refuses_a_bad_registry_in_one_line(cli, tmp_path, content, phrase):
    registry = tmp_path / "sources.yaml"
    registry.write_bytes(content)
    result = cli("sources", "import", str(registry), "--json")
    assert result.exit_code == 1 and result.stdout == ""
    assert phrase in result.stderr and result.stderr.count("\n") == 1, result.stderr  # one line, no caret drawing


def test_the_profile_registry_imports_cleanly(cli):
    data = json.loads(cli("sources", "import", "--json").stdout)
    assert data["sources"] >= 30 and data["rejected"] == []
    kinds = {s["actor_type"] for s in json.loads(cli("sources", "list", "--json").stdout)["sources"]}
    assert {"state", "state-affiliated", "independent media"} <= kinds


def test_db_defaults_to_environment_variable(tmp_path, feed):
    env = {"FACTWATCH_DB": str(tmp_path / "env.db"), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "factwatch.cli", "ingest", str(feed), "--json"],
                         capture_output=True, text=True, env={**env, "PYTHONPATH": str(REPO / "src")}, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "env.db").exists() and not (tmp_path / "factwatch.db").exists()


TINY_CATALOGUE = """narratives:
  - id: bridge-collapse
    title: The new bridge is collapsing
    description: Claims that the new bridge over the Sava is unsafe and about to collapse.
    examples: {sr: ["Novi most na Savi samo što se nije srušio."]}
"""


def test_narratives_import_refuses_an_empty_file_instead_of_retiring_the_catalogue(cli, tmp_path):
    catalogue = tmp_path / "city.yaml"
    catalogue.write_text(TINY_CATALOGUE, encoding="utf-8")
    assert cli("narratives", "import", str(catalogue), "--json").exit_code == 0
    catalogue.write_text("\n", encoding="utf-8")  # a truncated copy of the same file
    refused = cli("narratives", "import", str(catalogue), "--json")
    assert refused.exit_code == 1 and "is empty" in refused.stderr and refused.stdout == ""
    listed = json.loads(cli("narratives", "list", "--json").stdout)["narratives"]
    assert [(n["id"], n["status"]) for n in listed] == [("bridge-collapse", "active")]  # was retired


def test_narratives_import_of_an_empty_catalogue_uses_its_catalogue_key(cli, tmp_path):
    # Before: `narratives: []` named its catalogue after the file ("retire"), so the catalogue the
    # key names kept its narratives and an empty catalogue "retire" appeared.
    catalogue = tmp_path / "city.yaml"
    catalogue.write_text(TINY_CATALOGUE, encoding="utf-8")
    assert cli("narratives", "import", str(catalogue), "--json").exit_code == 0
    emptied = tmp_path / "retire.yaml"
    emptied.write_text("catalogue: city\nnarratives: []\n", encoding="utf-8")
    result = cli("narratives", "import", str(emptied), "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert (stats["catalogue"], stats["retired"]) == ("city", 1)
    listed = json.loads(cli("narratives", "list", "--json").stdout)["narratives"]
    assert [(n["id"], n["catalogue"], n["status"]) for n in listed] == [("bridge-collapse", "city", "retired")]
    unknown = cli("narratives", "list", "--catalogue", "retire", "--json")
    assert unknown.exit_code == 1 and "the catalogues are city" in unknown.stderr


def test_narratives_list_refuses_an_unknown_status_or_catalogue(cli, tmp_path):
    catalogue = tmp_path / "city.yaml"
    catalogue.write_text(TINY_CATALOGUE, encoding="utf-8")
    assert cli("narratives", "import", str(catalogue), "--json").exit_code == 0
    result = cli("narratives", "list", "--status", "activ", "--json")
    assert result.exit_code == 1 and "active, candidate, retired" in result.stderr and result.stdout == ""
    assert len(json.loads(cli("narratives", "list", "--status", "active", "--json").stdout)["narratives"]) == 1
    other = cli("narratives", "list", "--catalogue", "citi", "--json")  # listed nothing, exit 0
    assert other.exit_code == 1 and "No catalogue 'citi'; the catalogues are city" in other.stderr
    assert len(json.loads(cli("narratives", "list", "--catalogue", "city", "--json").stdout)["narratives"]) == 1


def test_trends_for_an_unknown_narrative_is_an_error_not_an_empty_chart(cli, tmp_path):
    catalogue = tmp_path / "city.yaml"
    catalogue.write_text(TINY_CATALOGUE, encoding="utf-8")
    assert cli("narratives", "import", str(catalogue), "--json").exit_code == 0
    typo = cli("trends", "--narrative", "bridge-colapse", "--json")
    assert typo.exit_code == 1 and "No narrative 'bridge-colapse'" in typo.stderr and typo.stdout == ""
    known = cli("trends", "--narrative", "bridge-collapse", "--json")
    assert known.exit_code == 0 and json.loads(known.stdout)["dimension"] == "narrative"
