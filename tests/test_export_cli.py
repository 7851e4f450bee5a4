"""`factwatch export stix|claimreview|csv [-o FILE]` (DESIGN.md's CLI contract) on real stores built
with the CLI: a small one (facts import, ingest, analyze, review confirm, publish) and the demo."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import stix2
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from _live import bearer
from conftest import SHARED_DATA
from factwatch.cli import app
from factwatch.export.tables import CLAIM_COLUMNS
from factwatch.respond.publishing import publish_card
from factwatch.store import open_store
from factwatch.web.app import create_app

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "tests" / "data" / "facts" / "facts_profile.yaml"
CYRILLIC_CLAIM = "Влада Косова је забранила Српску православну цркву."  # asserted, not reported: it gets a draft
REPORTED = "Влада Косова је забранила Српску православну цркву, тврди портал."  # reported: no draft
UNRELATED = "Skupština grada Beograda usvojila je plan nove tramvajske linije do Zemuna."
HOSTILE_SOURCE = '=HYPERLINK("http://evil.example","x"),"\r\n@SUM(A1)'
DISARM = SHARED_DATA / "disarm" / "DISARM.json"


def invoke(db: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


@pytest.fixture(scope="module")
def small_template(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("export")
    db = tmp / "f.db"
    invoke(db, "facts", "import", str(FACTS))
    posts = tmp / "posts.jsonl"
    posts.write_text("".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n"
                             for i, t in enumerate([CYRILLIC_CLAIM, REPORTED, UNRELATED])), encoding="utf-8")
    invoke(db, "ingest", str(posts), "--source", HOSTILE_SOURCE)
    invoke(db, "analyze")
    return db


@pytest.fixture
def small(small_template: Path, tmp_path: Path) -> Path:
    """A copy per test: decisions and publications are written."""
    copy = tmp_path / "f.db"
    copy.write_bytes(small_template.read_bytes())
    return copy


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("export-demo") / "demo.db"
    invoke(db, "demo", "--no-serve")
    return db


def _csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_csv_is_the_claims_csv_of_the_web(small: Path, tmp_path: Path):
    out = tmp_path / "claims.csv"
    invoke(small, "export", "csv", "-o", str(out))
    text = out.read_bytes().decode("utf-8")
    with TestClient(create_app(str(small)), base_url="http://127.0.0.1", headers=bearer(small)) as client:
        web = client.get("/claims.csv")
    assert web.status_code == 200
    assert text == web.content.decode("utf-8")  # same columns, cells and defusing, byte for byte
    rows = _csv_rows(text)
    assert tuple(rows[0]) == CLAIM_COLUMNS
    assert len(rows) == 4  # the three sentences are check-worthy claims


def test_hostile_text_round_trips_defused_in_csv(small: Path):
    rows = _csv_rows(invoke(small, "export", "csv").stdout_bytes.decode("utf-8"))  # .stdout folds CR LF
    source = rows[0].index("source")
    # Quotes, commas and CR LF inside the cell survive; the formula start gets its apostrophe.
    assert {r[source] for r in rows[1:]} == {"'" + HOSTILE_SOURCE}
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows[1:] for cell in r)


def _candidate(db: Path, text: str = CYRILLIC_CLAIM) -> dict:
    [found] = [c for c in json.loads(invoke(db, "review", "list", "--json").stdout)["candidates"]
               if c["claim_text"] == text]
    return found


def test_claimreview_holds_confirmed_and_published_cards_only(small: Path):
    assert json.loads(invoke(small, "export", "claimreview").stdout) == []  # a candidate is no verdict
    candidate = _candidate(small)
    invoke(small, "review", "confirm", candidate["match_id"])
    [review] = json.loads(invoke(small, "export", "claimreview").stdout)
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == CYRILLIC_CLAIM
    assert review["reviewRating"]["alternateName"]
    assert review["reviewBody"]  # the draft publishing would use
    assert review["datePublished"]  # when the match was confirmed
    assert review["itemReviewed"]["appearance"][0]["publisher"]["name"] == HOSTILE_SOURCE
    with open_store(str(small)) as store:
        published = publish_card(store, candidate["claim_id"], who="ana")
    [after] = json.loads(invoke(small, "export", "claimreview").stdout)
    assert after == published.claim_review  # the public snapshot, as published


def test_claimreview_body_is_the_analysts_edited_draft(small: Path):
    candidate = _candidate(small)
    invoke(small, "review", "confirm", candidate["match_id"])
    with open_store(str(small)) as store:
        store.save_reply_draft(candidate["claim_id"], "long", "Our edited, =checked reply.", edited_by="ana")
    [review] = json.loads(invoke(small, "export", "claimreview").stdout)
    assert review["reviewBody"] == "Our edited, =checked reply."


def test_a_confirmed_card_without_draft_keeps_its_verdict(small: Path):
    candidate = _candidate(small, REPORTED)  # it only reports the claim: the card has no rebuttal
    invoke(small, "review", "confirm", candidate["match_id"])
    [review] = json.loads(invoke(small, "export", "claimreview").stdout)
    assert review["claimReviewed"] == REPORTED and "reviewBody" not in review
    assert review["reviewRating"]["alternateName"] == candidate["verdict"]
    assert review["citation"][0]["url"] == candidate["url"]


def test_a_rejected_candidate_is_not_exported(small: Path):
    invoke(small, "review", "reject", _candidate(small)["match_id"])
    assert json.loads(invoke(small, "export", "claimreview").stdout) == []


def _objects(text: str) -> dict[str, dict]:
    bundle = json.loads(text)
    assert bundle["type"] == "bundle"
    parsed = stix2.parse(text, allow_custom=True)  # raises on an invalid object or property
    assert len(parsed.objects) == len(bundle["objects"])
    return {o["id"]: o for o in bundle["objects"]}


def test_stix_of_the_demo_is_valid_and_deterministic(demo: Path, tmp_path: Path):
    out = tmp_path / "bundle.json"
    invoke(demo, "export", "stix", "-o", str(out))
    again = invoke(demo, "export", "stix").stdout
    assert out.read_text(encoding="utf-8") == again  # two exports of one store are identical
    objects = _objects(again)
    by_type: dict[str, list[dict]] = {}
    for o in objects.values():
        by_type.setdefault(o["type"], []).append(o)
    with open_store(str(demo), access="read") as store:
        states = {a.name: a for a in store.list_actors() if a.type in ("state", "state-affiliated")}
        narratives = store.list_narratives()
        networks = store.list_coordination_networks(limit=100)
    actors = {o["name"]: o for o in by_type["identity"] if "x_factwatch_actor_type" in o}
    assert set(actors) == set(states)
    rels = [(objects[r["source_ref"]], r["relationship_type"], objects.get(r["target_ref"])) for r in by_type["relationship"]]
    for name, actor in states.items():
        places = [t["country"] for s, kind, t in rels if s is actors[name] and kind == "located-at"]
        assert places == ([actor.country] if actor.country else [])
    campaigns = {o["x_factwatch_narrative"]: o for o in by_type["campaign"]}
    assert set(campaigns) == {n.id for n in narratives}
    assert {n.id: n.status for n in narratives} == {k: c["x_factwatch_status"] for k, c in campaigns.items()}
    for n in narratives:
        used = {t["external_references"][0]["external_id"] for s, kind, t in rels if s is campaigns[n.id] and kind == "uses"}
        assert used == set(n.disarm)
    # The state-affiliated outlet of the demo carries planted narratives (tests/test_who_pushes_what.py).
    carried = {(s["x_factwatch_narrative"], t["name"]) for s, kind, t in rels if s["type"] == "campaign" and kind == "related-to"}
    assert carried and {a for _n, a in carried} == {"Balkan Pravda Demo network"}
    groups = {o["x_factwatch_network"]: o for o in by_type["grouping"]}
    assert set(groups) == {n.id for n in networks}
    for net in networks:
        assert sorted(objects[r]["account_login"] for r in groups[net.id]["object_refs"]) == sorted(net.accounts)
    assert any(s["type"] == "grouping" and t["type"] == "campaign" for s, _k, t in rels)


def test_stix_attack_patterns_are_disarms_own(demo: Path):
    if not DISARM.is_file():
        pytest.skip("needs ../shared/data/disarm (CI has it; a fresh clone does not)")
    theirs = {o["id"]: o for o in json.loads(DISARM.read_text(encoding="utf-8"))["objects"]}
    patterns = [o for o in _objects(invoke(demo, "export", "stix", "--disarm", str(DISARM)).stdout).values()
                if o["type"] == "attack-pattern"]
    assert patterns
    for p in patterns:
        assert theirs[p["id"]]["name"] == p["name"]
        assert theirs[p["id"]]["external_references"] == p["external_references"]


def test_without_disarm_the_technique_id_is_kept(demo: Path, tmp_path: Path):
    empty = tmp_path / "empty-disarm.json"
    empty.write_text('{"type": "bundle", "objects": []}', encoding="utf-8")
    objects = _objects(invoke(demo, "export", "stix", "--disarm", str(empty)).stdout)
    patterns = [o for o in objects.values() if o["type"] == "attack-pattern"]
    assert patterns and all(p["name"] == p["external_references"][0]["external_id"] for p in patterns)


def test_an_empty_store_exports_valid_empty_files(db_path: Path, store):
    assert _csv_rows(invoke(db_path, "export", "csv").stdout_bytes.decode("utf-8")) == [list(CLAIM_COLUMNS)]
    assert json.loads(invoke(db_path, "export", "claimreview").stdout) == []
    objects = _objects(invoke(db_path, "export", "stix").stdout)
    assert [o["type"] for o in objects.values()] == ["identity"]  # the producer only


def test_a_bad_format_is_a_usage_error(db_path: Path, store):
    result = invoke(db_path, "export", "xml", code=2)
    assert "stix" in result.output and "claimreview" in result.output


def test_output_overwrites_like_the_other_exports(db_path: Path, store, tmp_path: Path):
    out = tmp_path / "out.json"
    out.write_text("old", encoding="utf-8")
    invoke(db_path, "export", "claimreview", "-o", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == []


# -- `export csv` streams (it built the whole table in memory first) -----------------------------


def _old_claims_csv(db: Path) -> str:
    """The table as the export built it before it streamed: every row, then one string."""
    from factwatch.export.tables import claim_rows, csv_lines

    with open_store(str(db)) as store:
        rows = [[row.get(c) for c in CLAIM_COLUMNS] for row in claim_rows(store)]
    return "\ufeff" + csv_lines([list(CLAIM_COLUMNS)], header=True) + csv_lines(rows)


def test_streamed_csv_is_byte_identical_to_the_whole_table(small: Path, tmp_path: Path):
    from factwatch.export.tables import claims_csv_chunks

    expected = _old_claims_csv(small).encode("utf-8")
    assert len(_csv_rows(expected.decode("utf-8"))) > 1  # a table with rows, not only the header
    out = tmp_path / "claims.csv"
    invoke(small, "export", "csv", "-o", str(out))
    assert out.read_bytes() == expected
    assert invoke(small, "export", "csv").stdout_bytes == expected
    with open_store(str(small)) as store:  # page boundaries change nothing
        assert "".join(claims_csv_chunks(store, page_size=1)).encode("utf-8") == expected


def test_csv_rows_are_written_as_read_a_page_at_a_time(demo: Path):
    import itertools
    import tracemalloc

    from factwatch.export.tables import claims_csv_chunks

    with open_store(str(demo)) as store:
        chunks = claims_csv_chunks(store, page_size=10)
        header = next(chunks)
        assert _csv_rows(header) == [list(CLAIM_COLUMNS)]
        first = next(chunks)  # the first page comes before the rest is read
        assert len(list(csv.reader(io.StringIO(first, newline="")))) == 10
        rows = sum(len(list(csv.reader(io.StringIO(c, newline="")))) for c in chunks) + 10
        assert rows > 100, "the demo should have enough claims to tell a stream from a table"

        def peak(pages: int | None) -> int:
            tracemalloc.start()
            for _ in itertools.islice(claims_csv_chunks(store, page_size=10), pages):
                pass
            peak_bytes = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            return peak_bytes

        peak(None)  # imports and statement caches out of the way
        two_pages, all_pages = peak(3), peak(None)
        # Memory holds a page, not the table: reading every page peaks about where two pages do.
        assert all_pages < 1.5 * two_pages, (two_pages, all_pages)


def test_a_failed_export_leaves_the_output_file_as_it_was(tmp_path: Path):
    from factwatch.export._cli import _write_file

    out = tmp_path / "claims.csv"
    out.write_text("kept", encoding="utf-8")

    def failing():
        yield "\ufeffid\r\n"
        raise OSError("the store went away")

    with pytest.raises(OSError, match="went away"):
        _write_file(failing(), out)
    assert out.read_text(encoding="utf-8") == "kept" and [p.name for p in tmp_path.iterdir()] == ["claims.csv"]
    _write_file(iter(["a\r\n", "b\r\n"]), out)
    assert out.read_bytes() == b"a\r\nb\r\n"
