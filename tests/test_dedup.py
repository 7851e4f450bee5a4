"""Story clusters (stage ``dedup``) and a claim's spread: copies across scripts, incremental and
persistent index, bad input (empty, short, floods of identical posts, missing timestamps), the demo."""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from pathlib import Path

import pytest

from factwatch.analysis import dedup
from factwatch.analysis._shingles import MIN_KEY_CHARS, signature, similarity, too_short
from factwatch.analysis.dedup import DedupStats, cluster_new_documents
from factwatch.analysis.spread import claim_spread, cluster_report, list_clusters
from factwatch.errors import ConfigError, NotFoundError
from factwatch.models import ClaimMatch, NewClaim, NewDocument, NewFactCheck
from factwatch.store import open_store
from factwatch.text import latin_key
from factwatch.text.normalize import normalize

REPO = Path(__file__).resolve().parents[1]

ARTICLE_CYRL = (
    "Министарство здравља крило је извештај о западним вакцинама. Према документу који је порталу "
    "доставио неименовани извор, у три општине забележен је пад наталитета од двадесет одсто. "
    "Министар није одговорио на питања новинара, а опозиција тражи хитну седницу скупштине. "
    "Лекари из Ниша кажу да о извештају нису обавештени."
)
ARTICLE_LATN_COPY = (
    "Ministarstvo zdravlja krilo je izveštaj o zapadnim vakcinama. Prema dokumentu koji je portalu "
    "dostavio neimenovani izvor, u tri opštine zabeležen je pad nataliteta od dvadeset odsto. "
    "Ministar nije odgovorio na pitanja novinara, a opozicija traži hitnu sednicu skupštine. "
    "Lekari iz Niša kažu da o izveštaju nisu obavešteni. Portal je tekst preneo u celini."
)
UNRELATED = (
    "Košarkaši Crvene zvezde pobedili su Real u Evroligi pred dvadeset hiljada navijača. Trener je "
    "posle utakmice pohvalio odbranu, a kapiten je najavio borbu za plej-of do poslednjeg kola."
)


def make_doc(text: str, *, source: str = "outlet", platform: str = "rss", author: str | None = None,
             published_at: str | None = "2026-10-01T08:00:00Z", n: int = 0, title: str | None = None) -> NewDocument:
    norm = normalize(text)
    digest = hashlib.sha1(f"{source}|{author}|{published_at}|{n}|{text}".encode()).hexdigest()
    return NewDocument(platform=platform, source=source, text=text, language=norm.language, script=norm.script,
                       latin_key=norm.latin_key, content_hash=digest, position=str(n), author=author,
                       published_at=published_at, title=title)


def add(store, *docs: NewDocument) -> list[int]:
    before = store.count_documents_after(0)
    store.insert_documents(list(docs), run_id=store.start_run("ingest", "test"))
    return [d.id for d in store.documents_after(0, limit=100_000)][before:]


def snapshot(store) -> list[tuple]:
    rows = store.list_cluster_rows(min_size=1, limit=100_000)
    return sorted((r.id, r.size, tuple(m.document_id for m in store.cluster_members(r.id))) for r in rows)


# -- the shingling and confirmation primitives ----------------------------------------------------


def test_cyrillic_and_latin_copies_have_one_key_and_high_similarity():
    a, b = latin_key(ARTICLE_CYRL, "sr"), latin_key(ARTICLE_LATN_COPY, "sr")
    assert b.startswith(a)
    assert similarity(a, b) > 0.9 and signature(a).jaccard(signature(b)) > 0.7
    assert similarity(a, latin_key(UNRELATED, "sr")) < 0.5


@pytest.mark.parametrize("text", ["Foto", "Pogledajte video", "FOTO: Beograd danas", "Vremenska prognoza za sutra", ""])
def test_captions_are_too_short_to_cluster(text):
    assert too_short(latin_key(text, "sr"))


# -- the stage --------------------------------------------------------------------------------------


def test_cyrillic_original_and_latin_copy_join_one_cluster_and_a_rerun_changes_nothing(store):
    orig, copy, other = add(store,
                            make_doc(ARTICLE_CYRL, source="kurir", published_at="2026-10-26T06:35:00Z"),
                            make_doc(ARTICLE_LATN_COPY, source="vesti", published_at="2026-10-26T10:15:00Z", n=1),
                            make_doc(UNRELATED, source="vesti", n=2))
    first = cluster_new_documents(store)
    assert (first.documents, first.clusters, first.copies, first.exact) == (3, 2, 1, 0)
    cluster = store.document_cluster(orig)
    assert store.document_cluster(copy) == cluster and store.document_cluster(other) != cluster
    before, cursor = snapshot(store), store.get_cursor("dedup")
    second = cluster_new_documents(store)
    assert second == DedupStats(0, 0, 0, 0, 0, 0, 0)
    assert snapshot(store) == before and store.get_cursor("dedup") == cursor

    report = cluster_report(store, cluster)
    assert report.first.document_id == orig and report.first.source == "kurir"
    assert report.scripts == ["Cyrl", "Latn"] and report.size == 2
    latin = next(c for c in report.copies if c.document_id == copy)
    assert latin.lag_seconds == 3 * 3600 + 40 * 60
    assert latin.altered and latin.changes == [{"op": "insert", "before": "", "after": "portal je tekst preneo u celini"}]


def test_each_copy_shows_its_changes_against_the_copy_it_was_taken_from(store):
    """A copy chain reads parent by parent: the second copy's changes are what it added to the first
    copy, not everything since the first appearance (which is what ``altered`` still counts)."""
    second = ARTICLE_LATN_COPY + " Dodali smo i izjavu portparola vlade od juce."
    orig, copy, copy2 = add(store,
                            make_doc(ARTICLE_CYRL, source="kurir", published_at="2026-10-26T06:35:00Z"),
                            make_doc(ARTICLE_LATN_COPY, source="vesti", published_at="2026-10-26T10:15:00Z", n=1),
                            make_doc(second, source="alo", published_at="2026-10-26T11:00:00Z", n=2))
    cluster_new_documents(store)
    report = cluster_report(store, store.document_cluster(orig))
    first, one, two = report.copies
    assert (first.document_id, one.document_id, two.document_id) == (orig, copy, copy2)
    assert two.parent_id == copy and two.changes_from == copy
    assert two.changes == [{"op": "insert", "before": "", "after": "dodali smo i izjavu portparola vlade od juce"}]
    assert one.changes_from == orig and one.changes == [
        {"op": "insert", "before": "", "after": "portal je tekst preneo u celini"}]
    assert first.changes_from is None and first.changes == []
    assert report.altered == 2 and two.altered


def test_a_pure_transliteration_is_an_exact_copy_and_not_altered(store):
    cyrl = ARTICLE_CYRL
    latn = ARTICLE_LATN_COPY.replace(" Portal je tekst preneo u celini.", "")
    a, b = add(store, make_doc(cyrl, source="kurir"), make_doc(latn, source="vesti", n=1,
                                                             published_at="2026-10-01T09:00:00Z"))
    stats = cluster_new_documents(store)
    assert (stats.copies, stats.exact, stats.verified) == (1, 1, 0)
    report = cluster_report(store, store.document_cluster(a))
    assert [c.altered for c in report.copies] == [False, False]


def test_new_documents_join_existing_clusters_after_a_restart(db_path):
    with open_store(str(db_path)) as store:
        (orig,) = add(store, make_doc(ARTICLE_CYRL, source="kurir"))
        cluster_new_documents(store)
    # A new process: the LSH is rebuilt from the stored signatures, not from the texts.
    with open_store(str(db_path)) as store:
        assert len(store.dedup_index(dedup.SCHEME)) == 1
        (copy,) = add(store, make_doc(ARTICLE_LATN_COPY, source="vesti", n=1))
        stats = cluster_new_documents(store)
        assert (stats.documents, stats.clusters, stats.copies, stats.verified) == (1, 0, 1, 1)
        assert store.document_cluster(copy) == store.document_cluster(orig) == orig


def test_a_crash_mid_run_loses_nothing_and_duplicates_nothing(store, monkeypatch):
    variants = [f"{ARTICLE_LATN_COPY} Dopuna broj {i}: izvor je potvrdio navode portalu." for i in range(6)]
    add(store, *[make_doc(t, source=f"s{i}", n=i) for i, t in enumerate(variants)], make_doc(UNRELATED, n=99))
    real_save = store.save_dedup_batch
    calls = {"n": 0}

    def save_then_die(entries, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # killed between the first batch's commit and the second's
        return real_save(entries, **kw)

    monkeypatch.setattr(store, "save_dedup_batch", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        cluster_new_documents(store, batch=3)
    monkeypatch.setattr(store, "save_dedup_batch", real_save)
    assert store.get_cursor("dedup") is not None and len(snapshot(store)) == 1  # first batch kept
    cluster_new_documents(store, batch=3)
    sizes = sorted(size for _, size, _ in snapshot(store))
    assert sizes == [1, 6]
    # A lost cursor re-reads everything and still changes nothing.
    before = snapshot(store)
    store.set_cursor("dedup", "0")
    again = cluster_new_documents(store)
    assert again.documents == 7 and again.clusters == again.copies == 0 and snapshot(store) == before


def test_short_and_empty_texts_are_recorded_but_never_clustered(store):
    docs = [make_doc("Foto", source=f"outlet{i}", n=i) for i in range(30)]
    docs += [make_doc("Pogledajte video!", source=f"outlet{i}", n=100 + i) for i in range(30)]
    docs += [make_doc("🙂🙂🙂 !!! ???", source="x", n=500), make_doc("—", source="y", n=501)]
    add(store, *docs)
    stats = cluster_new_documents(store)
    assert (stats.short, stats.empty, stats.clusters, stats.copies) == (60, 2, 0, 0)
    assert store.count_clusters(min_size=1) == 0
    assert cluster_new_documents(store).documents == 0


def test_one_account_posting_thousands_of_identical_items_does_no_pairwise_work(store):
    text = "Hitno podelite: KFOR se sprema da napadne Srbe na severu Kosova, izvor iz Prištine potvrđuje!"
    n = 3000
    add(store, *[make_doc(text, platform="x", source="posts", author="bot_1",
                          published_at=f"2026-10-06T12:{i // 60 % 60:02d}:{i % 60:02d}Z", n=i) for i in range(n)])
    started = time.perf_counter()
    stats = cluster_new_documents(store)
    seconds = time.perf_counter() - started
    assert (stats.clusters, stats.copies, stats.exact, stats.verified) == (1, n - 1, n - 1, 0)
    (row,) = store.list_cluster_rows()
    assert row.size == n and row.sources == 1
    assert seconds < 60  # ~1 s here; a pairwise comparison would be 4.5 million ratio calls


def test_near_identical_floods_meet_a_bounded_number_of_candidates(store):
    base = "Hitno podelite: KFOR se sprema da napadne Srbe na severu Kosova, izvor iz Prištine potvrđuje! Broj"
    n = 400
    add(store, *[make_doc(f"{base} {i} {i * 7}", platform="x", source="posts", author=f"acc{i % 50}", n=i)
                 for i in range(n)])
    stats = cluster_new_documents(store)
    assert stats.clusters == 1 and stats.copies == n - 1
    # Only the founder and MAX_INDEXED variants are in the index: each document is compared with
    # at most MAX_INDEXED + 1 others, whatever the flood's size.
    assert stats.verified <= n * (dedup.MAX_INDEXED + 1)
    assert len(store.dedup_index(dedup.SCHEME)) <= dedup.MAX_INDEXED + 1


def test_missing_timestamps_never_make_the_first_appearance(store):
    undated, later, earlier = add(store,
                                  make_doc(ARTICLE_CYRL, source="a", published_at=None),
                                  make_doc(ARTICLE_CYRL, source="b", published_at="2026-10-02T00:00:00Z", n=1),
                                  make_doc(ARTICLE_CYRL, source="c", published_at="2026-10-01T00:00:00Z", n=2))
    cluster_new_documents(store)
    report = cluster_report(store, store.document_cluster(undated))
    assert report.first.document_id == earlier and report.first_dated
    assert [c.document_id for c in report.copies] == [earlier, later, undated]
    assert [c.lag_seconds for c in report.copies] == [0, 86400, None] and report.undated == 1


def test_a_cluster_with_no_timestamps_says_so(store):
    first, _ = add(store, make_doc(ARTICLE_CYRL, source="a", published_at=None),
                   make_doc(ARTICLE_LATN_COPY, source="b", published_at=None, n=1))
    cluster_new_documents(store)
    report = cluster_report(store, store.document_cluster(first))
    assert not report.first_dated and report.first.document_id == first and report.span_seconds is None


@pytest.mark.parametrize("kwargs", [{"lsh_threshold": 0}, {"lsh_threshold": 1.5}, {"min_similarity": 0}])
def test_bad_thresholds_are_config_errors(store, kwargs):
    with pytest.raises(ConfigError, match="default"):
        cluster_new_documents(store, **kwargs)


def test_unknown_cluster_is_not_found(store):
    with pytest.raises(NotFoundError, match="factwatch clusters"):
        cluster_report(store, 12345)


def test_dedup_runs_before_claims_in_the_pipeline():
    from factwatch.pipeline import stage_names

    names = stage_names()
    assert names.index("dedup") < names.index("claims")


# -- a claim's spread --------------------------------------------------------------------------------


def test_claim_spread_counts_copies_sentence_copies_and_translations_in_time_order(store):
    ru = ("Министерство здравоохранения Сербии скрыло доклад о западных вакцинах: в трёх общинах "
          "рождаемость упала на двадцать процентов.")
    tg = "Министарство здравља крило је извештај о западним вакцинама, јавља наш извор. Делите!"
    tg_doc, kurir, vesti, pravda, other = add(
        store,
        make_doc(tg, platform="telegram", source="kanal", published_at="2026-10-24T07:45:00Z"),
        make_doc(ARTICLE_CYRL, source="kurir", published_at="2026-10-26T06:35:00Z", n=1),
        make_doc(ARTICLE_LATN_COPY, source="vesti", published_at="2026-10-26T10:15:00Z", n=2),
        make_doc(ru, source="pravda", published_at="2026-10-25T09:00:00Z", n=3),
        make_doc(UNRELATED, source="vesti", n=4),
    )
    cluster_new_documents(store)
    sentence = "Министарство здравља крило је извештај о западним вакцинама"
    claims = [
        NewClaim(tg_doc, 0, len(sentence), sentence, "sr", latin_key(sentence, "sr"), 0.9),
        NewClaim(kurir, 0, len(sentence), sentence, "sr", latin_key(sentence, "sr"), 0.9),
        NewClaim(pravda, 0, 60, ru[:60], "ru", latin_key(ru[:60], "ru"), 0.9),
        NewClaim(other, 0, 40, UNRELATED[:40], "sr", latin_key(UNRELATED[:40], "sr"), 0.9),
    ]
    store.insert_claims(claims)
    ids = {c.document_id: c.id for c in store.claims_after(0)}
    store.insert_fact_checks([NewFactCheck(key="fc-vaccines", claim="Western vaccines cause infertility", format="yaml")])
    fc = store.fact_check_ids_by_key(["fc-vaccines"])["fc-vaccines"]
    store.replace_claim_matches([ids[kurir], ids[pravda], ids[other]], [
        ClaimMatch(ids[kurir], 1, "fact_check", fc, None, 0.9, True),
        ClaimMatch(ids[pravda], 1, "fact_check", fc, None, 0.8, True),
        ClaimMatch(ids[other], 1, "fact_check", fc, None, 0.3, False),  # not addressed: does not count
    ])
    spread = claim_spread(store, ids[kurir])
    by_doc = {s.document_id: s.via for s in spread.steps}
    assert by_doc == {kurir: "self", tg_doc: "sentence", vesti: "cluster", pravda: "fact_check"}
    assert [s.document_id for s in spread.steps] == [tg_doc, pravda, kurir, vesti]
    assert spread.first.document_id == tg_doc and spread.first.platform == "telegram"
    assert [c.platform for c in spread.cascade] == ["telegram", "rss"]
    assert spread.languages == ["ru", "sr"] and spread.scripts == ["Cyrl", "Latn"]
    assert spread.documents == 4 and spread.sources == 4
    assert spread.as_dict()["by_via"] == {"sentence": 1, "fact_check": 1, "self": 1, "cluster": 1}
    # An analyst's rejection of the match takes the translation out.
    store.add_review(ids[pravda], 1, decision="rejected", reviewer="ana")
    assert pravda not in {s.document_id for s in claim_spread(store, ids[kurir]).steps}
    with pytest.raises(NotFoundError):
        claim_spread(store, 987654)


# -- the demo corpus --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    from factwatch.demo import read_manifest
    from factwatch.ingest.registry import import_sources
    from factwatch.config import profile_file
    from factwatch.ingest.service import ingest_path

    root = REPO / "demo"
    path = tmp_path_factory.mktemp("demo-dedup") / "factwatch.db"
    with open_store(str(path)) as store:
        import_sources(store, profile_file("western-balkans", "sources.yaml"), profile="western-balkans")
        for entry in read_manifest(root):
            ingest_path(store, str(root / entry["path"]), fmt=str(entry.get("format") or "auto"),
                        source=entry.get("source"), mapping=entry.get("map"))
        cluster_new_documents(store)
        yield store


TABLOID, PORTAL = "Јутарњи курир демо", "Demo Vesti"
BURSTS = {  # demo/README.md, "Coordinated amplification": first post time -> accounts
    "2026-10-06T12:02": 10, "2026-10-20T16:31": 11, "2026-11-12T11:14": 9, "2026-11-20T08:40": 10,
}


def test_demo_cyrillic_to_latin_copies_cluster_and_nothing_else_crosses_outlets(demo_store):
    listing = list_clusters(demo_store, min_size=2, limit=500)
    members = {c.row.id: demo_store.cluster_members(c.row.id) for c in listing.clusters}
    cross_outlet = {cid: ms for cid, ms in members.items()
                    if len({m.source for m in ms if m.platform == "rss"}) > 1}
    # demo/README.md: nine stories copied from the tabloid (Cyrillic) to Demo Vesti (Latin).
    assert len(cross_outlet) == 9
    for ms in cross_outlet.values():
        assert sorted((m.source, m.script) for m in ms) == [(PORTAL, "Latn"), (TABLOID, "Cyrl")]
        tabloid = next(m for m in ms if m.source == TABLOID)
        assert ms[0] is tabloid or ms[0].published_at == tabloid.published_at  # the original comes first
    # Every Demo Vesti copy of the tabloid is found (the portal's other items are its own).
    copied = {m.document_id for ms in cross_outlet.values() for m in ms if m.source == PORTAL}
    assert len(copied) == 9


def test_demo_bursts_are_one_cluster_each_with_their_accounts(demo_store):
    rows = list_clusters(demo_store, min_size=2, limit=500).clusters
    found = {}
    for c in rows:
        if c.row.platforms == ["x"] and c.row.size >= 5:
            found[(c.row.first_published_at or "")[:16]] = c
    assert {k: c.row.size for k, c in found.items()} == BURSTS
    for c in found.values():
        report = cluster_report(demo_store, c.row.id)
        assert len(report.accounts) == c.row.size  # one post per account per burst
        assert c.span_seconds <= 6 * 60
    # The Cyrillic burst has Latin variants: one cluster, both scripts.
    assert found["2026-10-20T16:31"].row.scripts == ["Cyrl", "Latn"]


def test_unparsable_or_zoneless_timestamps_count_as_undated(store):
    # Ingest writes UTC with a zone; these could only come from hand edits or another writer.
    bad, naive, good = add(store,
                           make_doc(ARTICLE_CYRL, source="a", published_at="0000-bad"),
                           make_doc(ARTICLE_CYRL, source="b", published_at="2026-10-01T00:00:00", n=1),
                           make_doc(ARTICLE_CYRL, source="c", published_at="2026-10-03T00:00:00Z", n=2))
    cluster_new_documents(store)
    report = cluster_report(store, store.document_cluster(bad))
    assert report.first.document_id == good and report.undated == 2
    assert [c.lag_seconds for c in report.copies] == [0, None, None]
    listing = list_clusters(store)
    assert [p.document_id for p in listing.clusters[0].timeline] == [good]


@pytest.mark.parametrize("batch", [1, 2, 5])
def test_clusters_do_not_depend_on_the_batch_size(tmp_path, batch):
    texts = [ARTICLE_CYRL, ARTICLE_LATN_COPY, UNRELATED, UNRELATED + " Utakmica je odigrana u Beogradu.", "Foto",
             ARTICLE_LATN_COPY.replace("dvadeset", "trideset")]
    results = []
    for size in (batch, 500):
        with open_store(str(tmp_path / f"b{size}.db")) as s:
            add(s, *[make_doc(t, source=f"s{i}", n=i) for i, t in enumerate(texts)])
            cluster_new_documents(s, batch=size)
            results.append(snapshot(s))
    assert results[0] == results[1]
    assert sorted(size for _, size, _ in results[0]) == [2, 3]


# -- a real process killed mid-run -------------------------------------------------------------------


def _stories(n: int) -> list[dict]:
    """n documents: stories of made-up words, every third one a copy of an earlier one with an edit."""
    import random

    rnd = random.Random(8)
    syllables = ["ka", "ro", "vi", "ne", "sto", "pra", "li", "mo", "dra", "gu", "ze", "ti", "ba", "šu", "ći"]
    words = ["".join(rnd.choice(syllables) for _ in range(rnd.randint(2, 4))) for _ in range(3000)]
    rows: list[dict] = []
    for i in range(n):
        if i % 3 == 2:
            base = rows[rnd.randrange(len(rows))]["text"].split()
            base[rnd.randrange(len(base))] = rnd.choice(words)
            text = " ".join(base)
        else:
            text = " ".join(rnd.choice(words) for _ in range(60))
        rows.append({"id": f"d{i}", "source": f"s{i % 13}", "text": text,
                     "date": f"2026-10-{i % 28 + 1:02d}T08:{i % 60:02d}:00Z"})
    return rows


@pytest.mark.slow
def test_sigkill_mid_dedup_then_rerun_gives_the_clusters_of_an_uninterrupted_run(tmp_path):
    import json as _json
    import os
    import signal
    import subprocess
    import sys

    data = tmp_path / "docs.jsonl"
    data.write_text("".join(_json.dumps(r) + "\n" for r in _stories(2000)), encoding="utf-8")
    killed, clean = tmp_path / "killed.db", tmp_path / "clean.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    def cli(db: Path, *args: str) -> list[str]:
        return [sys.executable, "-m", "factwatch.cli", "--db", str(db), *args]

    for db in (killed, clean):
        subprocess.run(cli(db, "ingest", str(data), "--format", "jsonl"), env=env, check=True, capture_output=True)
    child = subprocess.Popen(cli(killed, "analyze", "--stage", "dedup"), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    cursor = None
    while time.monotonic() < deadline and child.poll() is None:
        with open_store(str(killed), access="read") as s:
            cursor = s.get_cursor("dedup")
        if cursor is not None:
            break
        time.sleep(0.02)
    assert child.poll() is None, "dedup finished before it could be killed; raise the number of documents"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    with open_store(str(killed)) as s:
        partial = int(s.get_cursor("dedup") or 0)
        assert 0 < partial < 2000 and s.count_clusters(min_size=1) > 0
    for db in (killed, clean):
        subprocess.run(cli(db, "analyze", "--stage", "dedup"), env=env, check=True, capture_output=True, timeout=600)
    with open_store(str(killed)) as a, open_store(str(clean)) as b:
        assert snapshot(a) == snapshot(b)
        assert sum(size for _, size, _ in snapshot(a)) == 2000
        assert max(size for _, size, _ in snapshot(a)) >= 2


def test_a_huge_text_and_its_copy_cluster_without_quadratic_comparison(store):
    # Ingest accepts records up to 16 MiB; comparing these two 1.4 MB keys in full took ~16 s here.
    rnd_words = [f"rec{i % 997}x{i % 13}" for i in range(150_000)]
    huge = " ".join(rnd_words)
    copy = huge.replace("rec5x5 ", "izmena ", 3)
    a, b = add(store, make_doc(huge, source="a"), make_doc(copy, source="b", n=1))
    started = time.perf_counter()
    stats = cluster_new_documents(store)
    assert time.perf_counter() - started < 8  # under a second here
    assert stats.copies == 1 and store.document_cluster(a) == store.document_cluster(b)
    report = cluster_report(store, store.document_cluster(a))
    assert report.copies[1].changes and report.copies[1].altered
    # Only the one edit is reported: both sides are cut at the same word end before comparing.
    (member,) = [m for m in store.cluster_members(store.document_cluster(a)) if m.parent_id is not None]
    assert member.diff == [{"op": "replace", "before": "rec5x5", "after": "izmena"}]


def test_posts_without_an_account_count_as_their_source_only(store):
    a, b, c = add(store,
                  make_doc(ARTICLE_LATN_COPY, platform="x", source="export.csv", author=None),
                  make_doc(ARTICLE_LATN_COPY, platform="x", source="export.csv", author=None, n=1),
                  make_doc(ARTICLE_LATN_COPY, platform="x", source="export.csv", author="nalog_1", n=2))
    cluster_new_documents(store)
    report = cluster_report(store, store.document_cluster(a))
    assert [x.name for x in report.accounts] == ["nalog_1"]
    assert [(x.name, x.documents) for x in report.sources] == [("export.csv", 3)]
    (row,) = store.list_cluster_rows()
    assert row.sources == 2  # carriers: the source's account-less posts, and nalog_1
