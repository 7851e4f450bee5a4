"""Discovery of new narratives with the real e5 model and a real SQLite file: planted groups of
paraphrases in several languages form one candidate each, unrelated and catalogued claims stay
out, incremental equals batch, a rerun changes nothing, and promote works end to end (CLI)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from factwatch.analysis.discovery import OnlineClusters, candidates, discover_narratives
from factwatch.analysis.discovery_terms import collapse, ctfidf
from factwatch.analysis.embed import embed_new_claims
from factwatch.analysis.narratives import classify_new_documents, import_catalogue
from factwatch.models import NewClaim, NewDocument
from factwatch.text.normalize import normalize

sys.path.insert(0, str(Path(__file__).parent))
from _discovery_data import GROUPS, UNRELATED  # noqa: E402
from _live import bearer  # noqa: E402

CATALOGUE = """\
catalogue: small
narratives:
  - id: biolabs
    title: US biolabs develop biological weapons
    description: Public health laboratories are said to be secret American biological weapons labs.
    examples:
      en: [The Pentagon runs secret biolabs that develop biological weapons.]
"""
BIOLABS = [("en", "The Pentagon runs secret biolabs in Serbia that develop biological weapons."),
           ("en", "Secret American biolabs in the region develop biological weapons for the Pentagon.")]


def _rows() -> list[tuple[str, str, str]]:
    rows = [(g, lang, t) for g, items in GROUPS.items() for lang, t in items]
    rows += [(f"u{i}", lang, t) for i, (lang, t) in enumerate(UNRELATED)]
    rows += [("biolabs", lang, t) for lang, t in BIOLABS]
    # Interleaved, as claims arrive from many sources at once.
    return [rows[i] for i in np.random.default_rng(7).permutation(len(rows))]


def _load(store, rows, start: int = 0) -> list[int]:
    """One document per claim; the claim is the whole sentence."""
    for n, (_, lang, text) in enumerate(rows, start):
        norm = normalize(text)
        day = f"2026-10-{1 + n % 20:02d}T08:00:00Z"
        doc = NewDocument(platform="rss", source=f"outlet{n % 3}", text=text, language=norm.language, script=norm.script,
                          latin_key=norm.latin_key, content_hash=hashlib.sha1(f"{n}{text}".encode()).hexdigest(),
                          position=str(n), published_at=day, title=None)
        store.insert_documents([doc], run_id=store.start_run("test", "discovery"))
    docs = store.documents_after(0, limit=10_000)
    new = docs[start:]
    store.insert_claims([NewClaim(d.id, 0, len(d.text), d.text, d.language, d.latin_key, 0.9) for d in new])
    return [d.id for d in new]


def _analyze(store, **kw):
    embed_new_claims(store)
    classify_new_documents(store)
    return discover_narratives(store, **kw)


def _membership(store) -> dict[int, int]:
    return {m["claim_id"]: m["cluster_id"] for m in store.discovery_member_rows(
        [k.id for k in store.discovery_clusters(status=None)])}


def _group_of(store) -> dict[int, str]:
    rows = _rows()
    by_text = {t: g for g, _, t in rows}
    return {c.id: by_text[c.text] for c in store.claims_after(0, limit=10_000)}


@pytest.fixture(scope="module")
def catalogue_file(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("cat") / "narratives.yaml"
    p.write_text(CATALOGUE, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def batch_db(tmp_path_factory, catalogue_file: Path):
    from factwatch.store import open_store

    path = tmp_path_factory.mktemp("db") / "factwatch.db"
    with open_store(str(path)) as store:
        import_catalogue(store, catalogue_file)
        _load(store, _rows())
        stats = _analyze(store)
    return path, stats


def test_planted_groups_form_one_candidate_each_and_unrelated_claims_do_not_join(batch_db):
    from factwatch.store import open_store

    path, stats = batch_db
    with open_store(str(path)) as store:
        group = _group_of(store)
        member = _membership(store)
        found = candidates(store)
    # Catalogued claims are not clustered: the classifier matched them.
    assert all(group[c] != "biolabs" for c in member)
    assert stats.clustered == len(member) == len(group) - len(BIOLABS)
    for g, items in GROUPS.items():
        ids = {member[c] for c, x in group.items() if x == g}
        assert len(ids) == 1, (g, ids)
        others = {x for c, x in group.items() if c in member and member[c] in ids and x != g}
        assert not others, (g, others)
    assert len(found) == len(GROUPS)
    assert sorted(c.size for c in found) == sorted(len(v) for v in GROUPS.values())
    for c in found:
        assert len(c.languages) >= 3 and c.sources and len(c.representatives) == 3
        assert c.terms and c.last_7_days + c.previous_7_days <= c.size


def test_labels_show_translations_of_one_word_once(batch_db):
    from factwatch.store import open_store

    with open_store(str(batch_db[0])) as store:
        found = candidates(store)
    for c in found:
        shown = [t["term"] for t in c.terms]
        assert len(shown) == len(set(shown))
    forms = [set(t["forms"]) for c in found for t in c.terms]
    # "companies" in English, Serbian (Cyrillic and Latin), Russian and Macedonian is one term.
    company = [f for f in forms if "companies" in f]
    assert len(company) == 1 and {"kompanijama", "kompaniyam"} <= company[0], forms


def test_collapse_groups_spelling_variants_and_keeps_other_words():
    got = collapse([("sankcije", 3.0), ("sankczii", 2.0), ("nato", 1.5), ("natoa", 1.0), ("reke", 0.5)])
    assert [g["term"] for g in got] == ["sankcije", "nato", "reke"]
    assert got[0]["forms"] == ["sankcije", "sankczii"] and got[0]["score"] == 5.0


def test_ctfidf_prefers_words_of_one_class():
    w = ctfidf({1: ["litijum reke srbija", "litijum reke"], 2: ["vakcine srbija", "vakcine cipovi"]})
    assert w[1]["litijum"] > w[1]["srbija"] and w[2]["vakcine"] > w[2]["srbija"]


def test_rerun_changes_nothing(batch_db):
    from factwatch.store import open_store

    with open_store(str(batch_db[0])) as store:
        before = (_membership(store), [(k.id, k.size, k.vector_sum, k.label) for k in store.discovery_clusters(status=None)])
        stats = discover_narratives(store)
        after = (_membership(store), [(k.id, k.size, k.vector_sum, k.label) for k in store.discovery_clusters(status=None)])
    assert stats.claims == 0 and stats.labelled == 0 and before == after


def test_incremental_equals_batch(batch_db, tmp_path: Path, catalogue_file: Path):
    """The same claims in four arrivals, the stage run after each: same partition as one batch."""
    from factwatch.store import open_store

    with open_store(str(batch_db[0])) as store:
        batch = _membership(store)
    rows = _rows()
    with open_store(str(tmp_path / "inc.db")) as store:
        import_catalogue(store, catalogue_file)
        for a, b in ((0, 5), (5, 9), (9, 17), (17, len(rows))):
            _load(store, rows[a:b], start=a)
            _analyze(store, batch=3)  # several batches per run as well
        inc = _membership(store)
        found = candidates(store)
    assert set(inc) == set(batch)
    ids = sorted(batch)
    assert _ari([batch[i] for i in ids], [inc[i] for i in ids]) >= 0.9
    assert sorted(c.size for c in found) == sorted(len(v) for v in GROUPS.values())


def test_a_crash_mid_run_loses_and_duplicates_nothing(batch_db, tmp_path: Path, catalogue_file: Path):
    """The cursor moves in the batch's transaction: a run killed after two batches resumes there."""
    from factwatch.store import open_store

    with open_store(str(batch_db[0])) as store:
        batch = _membership(store)
    with open_store(str(tmp_path / "crash.db")) as store:
        import_catalogue(store, catalogue_file)
        _load(store, _rows())
        embed_new_claims(store)
        classify_new_documents(store)
        real, calls = store.save_discovery_batch, []

        def dies_on_third(*a, **k):
            calls.append(1)
            if len(calls) == 3:
                raise KeyboardInterrupt  # as a kill between two batches
            return real(*a, **k)

        store.save_discovery_batch = dies_on_third  # type: ignore[method-assign]
        with pytest.raises(KeyboardInterrupt):
            discover_narratives(store, batch=4)
        del store.save_discovery_batch
        assert 0 < len(_membership(store)) < len(batch)
        discover_narratives(store, batch=4)
        resumed = _membership(store)
    assert set(resumed) == set(batch)
    ids = sorted(batch)
    assert _ari([batch[i] for i in ids], [resumed[i] for i in ids]) >= 0.9


def test_online_clusters_merge_converged_centroids():
    rng = np.random.default_rng(1)
    base = rng.normal(size=384).astype(np.float32)
    base /= np.linalg.norm(base)
    other = rng.normal(size=384).astype(np.float32)
    other /= np.linalg.norm(other)
    a, b = base + 0.35 * other, base - 0.35 * other  # two founders 0.78 apart, below 0.9
    oc = OnlineClusters([], [], np.zeros((0, 384), np.float32), next_id=1, threshold=0.9, merge_threshold=0.9)
    ka, _ = oc.add(a / np.linalg.norm(a))
    kb, _ = oc.add(b / np.linalg.norm(b))
    assert ka != kb and oc.merge() == 0
    # Claims between them join the first; the mean cosine over the cross pairs rises from 0.78
    # (0.86, 0.89 with one, two of them) to 0.90 with the third: then the two merge.
    for _ in range(2):
        assert oc.add(base)[0] == ka and oc.merge() == 0
    assert oc.add(base)[0] == ka and oc.merge() == 1
    assert oc.labels_of([ka, kb]) == [ka, ka]
    states = {s.id: s for s in oc.drain()}
    assert states[kb].status == "merged" and states[kb].merged_into == ka and states[ka].size == 5


def test_promote_end_to_end(batch_db, tmp_path: Path):
    """CLI: candidates --json, promote with a title, then the narratives stage finds the new
    narrative on a fresh paraphrase, and the promoted candidate is no longer listed."""
    import shutil

    from typer.testing import CliRunner

    from factwatch.cli import app
    from factwatch.store import open_store

    db = tmp_path / "promote.db"
    shutil.copy(batch_db[0], db)
    runner = CliRunner()
    res = runner.invoke(app, ["--db", str(db), "narratives", "candidates", "--json"])
    assert res.exit_code == 0, res.output
    cands = json.loads(res.output)["candidates"]
    lithium = next(c for c in cands if "litij" in json.dumps(c["terms"]) or "lithium" in json.dumps(c["terms"]))
    res = runner.invoke(app, ["--db", str(db), "narratives", "promote", str(lithium["id"]), "--title",
                              "Lithium mining poisons Serbia's rivers", "--json"])
    assert res.exit_code == 0, res.output
    nid = json.loads(res.output)["narrative"]["id"]
    res = runner.invoke(app, ["--db", str(db), "narratives", "promote", str(lithium["id"])])
    assert res.exit_code != 0 and "promoted" in res.output
    with open_store(str(db)) as store:
        n = store.get_narrative(nid)
        assert n.status == "active" and n.catalogue == "discovered" and len(n.examples) == 3
        assert n.title == "Lithium mining poisons Serbia's rivers"
        _load(store, [("lithium", "sr", "Рудник литијума ће затровати реке западне Србије.")], start=len(_rows()))
        embed_new_claims(store)
        classify_new_documents(store)
        newest = store.claims_after(0, limit=10_000)[-1]
        assigned = {a.narrative_id for a in store.document_narratives(newest.document_id)}
        assert nid in assigned
        assert all(c.id != lithium["id"] for c in candidates(store))
        assert store.get_discovery_cluster(lithium["id"]).narrative_id == nid


def _ari(a: list[int], b: list[int]) -> float:
    """Adjusted Rand index (Hubert and Arabie), without scikit-learn."""
    from math import comb

    pairs: dict[tuple[int, int], int] = {}
    for x, y in zip(a, b):
        pairs[(x, y)] = pairs.get((x, y), 0) + 1
    ra: dict[int, int] = {}
    rb: dict[int, int] = {}
    for (x, y), n in pairs.items():
        ra[x] = ra.get(x, 0) + n
        rb[y] = rb.get(y, 0) + n
    index = sum(comb(n, 2) for n in pairs.values())
    sa, sb, total = sum(comb(n, 2) for n in ra.values()), sum(comb(n, 2) for n in rb.values()), comb(len(a), 2)
    expected = sa * sb / total if total else 0.0
    top = (sa + sb) / 2 - expected
    return 1.0 if top == 0 else (index - expected) / top


def test_dashboard_lists_candidates(batch_db):
    """/discovery and /api/discovery over the real store: what the CLI shows, escaped, no inline JS."""
    from fastapi.testclient import TestClient

    from factwatch.web.app import create_app

    with TestClient(create_app(str(batch_db[0])), base_url="http://127.0.0.1", headers=bearer(batch_db[0])) as client:
        api = client.get("/api/discovery")
        assert api.status_code == 200
        got = api.json()["candidates"]
        assert sorted(c["size"] for c in got) == sorted(len(v) for v in GROUPS.values())
        assert all(c["representatives"] and c["terms"] and c["languages"] for c in got)
        assert client.get("/api/discovery", params={"min_size": 99}).json()["candidates"] == []
        page = client.get("/discovery")
        assert page.status_code == 200
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert "<script" not in page.text and "factwatch narratives promote" in page.text
        for c in got:
            assert f'<td class="mono">{c["id"]}</td>' in page.text
        assert "Candidates" in page.text  # in the navigation bar


def test_a_large_loose_cluster_does_not_swallow_everything():
    """Regression: with a unit-centroid rule, a cluster's centroid drifted to e5's common direction
    (within 0.9 of almost any text) and on SemEval sentences one cluster took 99.6% of them. The
    group-average rule compares a claim with the members: loosely related claims stay apart."""
    rng = np.random.default_rng(3)
    common = rng.normal(size=384).astype(np.float32)
    common /= np.linalg.norm(common)
    noise = rng.normal(size=(300, 384)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    X = common + 0.45 * noise  # pairwise cosine ~0.83, 0.91 to the common direction
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    oc = OnlineClusters([], [], np.zeros((0, 384), np.float32), next_id=1, threshold=0.87, merge_threshold=0.87)
    for _ in range(3):
        oc.add(common)  # a seed cluster sitting on the common direction
    ks = [oc.add(v)[0] for v in X]
    oc.merge()
    ks = oc.labels_of(ks)
    largest = max(ks.count(k) for k in set(ks))
    assert largest < 0.1 * len(X), largest


def test_promoting_a_small_cluster_labels_only_that_one(batch_db, tmp_path: Path):
    """Regression: promote relabelled every stale open cluster (all singletons, with e5 on their
    words); it labels only the promoted one."""
    import shutil

    from factwatch.analysis.discovery import promote_candidate
    from factwatch.store import open_store

    db = tmp_path / "small.db"
    shutil.copy(batch_db[0], db)
    with open_store(str(db)) as store:
        singles = store.discovery_clusters(status="open")
        singles = [k for k in singles if k.size == 1]
        assert len(singles) >= 3 and all(k.labelled_size == 0 for k in singles)
        n = promote_candidate(store, singles[0].id, title="A single claim")
        assert n.examples and n.status == "active"
        after = {k.id: k for k in store.discovery_clusters(status=None)}
        assert after[singles[0].id].status == "promoted" and after[singles[0].id].labelled_size == 1
        assert all(after[k.id].labelled_size == 0 for k in singles[1:])


def test_label_words_are_embedded_in_few_large_batches_with_the_same_labels(monkeypatch):
    """Issue 9: on a first run the stage's cost is embedding the candidates' label words (13,262
    for the Alo sample's 625 candidates). They go to the model shortest first in batches of
    WORD_BATCH, not 32 at a time, and the labels equal those from vectors embedded one batch
    order the old way (alphabetical, 32 a batch): the model gives a text the same bits in any batch."""
    import factwatch.analysis.embed as embed
    from factwatch.analysis import discovery_terms
    from factwatch.store import open_store

    classes = {g: [normalize(t).latin_key for _, t in items] for g, items in GROUPS.items()}
    classes[99] = [normalize(t).latin_key for _, t in UNRELATED]
    calls: list[tuple[int, list[str]]] = []
    real = embed.encode

    def recording(texts, *, kind, batch_size=32, progress=None):
        calls.append((batch_size, list(texts)))
        return real(texts, kind=kind, batch_size=batch_size, progress=progress)

    monkeypatch.setattr(embed, "encode", recording)
    with open_store(":memory:") as store:
        got = discovery_terms.top_terms(store, classes, list(classes), n=8)
    [(batch, words)] = calls
    assert batch == discovery_terms.WORD_BATCH > 32 and len(words) > 32
    assert [len(w) for w in words] == sorted(len(w) for w in words)
    # The old way, recomputed here: alphabetical words, 32 a batch, no cache.
    weights = ctfidf(classes)
    old_words = sorted(words)
    vec = dict(zip(old_words, real(old_words, kind="query", batch_size=32)))
    assert all((vec[w] == v).all() for w, v in zip(words, real(words, kind="query", batch_size=256)))
    for k in classes:
        picked = sorted(weights[k].items(), key=lambda kv: (-kv[1], kv[0]))[:32]
        assert got[k] == collapse(picked, np.stack([vec[t] for t, _ in picked]))[:8], k


def test_label_words_are_counted_and_a_second_labelling_embeds_none(batch_db, tmp_path: Path):
    """Issue 6 item 7: the stage's stats say how many label words e5 embedded (a first run's main
    cost) and how many the embedding cache already held; labelling the same candidates again
    (labels made stale in a copy) runs e5 on no word and gives the same labels."""
    import shutil
    import sqlite3

    from factwatch.analysis.discovery import relabel
    from factwatch.store import open_store

    first = batch_db[1]
    assert first.labelled > 0 and first.label_words_embedded > 0
    db = tmp_path / "relabel.db"
    shutil.copy(batch_db[0], db)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE discovery_clusters SET labelled_size = 0 WHERE status = 'open'")
    with open_store(str(db)) as store:
        before = {k.id: k.label for k in store.discovery_clusters(status="open", min_size=3)}
        words: dict[str, int] = {}
        assert relabel(store, stats=words) == first.labelled
        after = {k.id: k.label for k in store.discovery_clusters(status="open", min_size=3)}
    assert words["embedded"] == 0
    assert words["cached"] == first.label_words_embedded + first.label_words_cached
    assert after == before
