"""Check-worthiness of sentences: factwatch's rules against a number-or-name baseline.

Data: tests/data/facts/checkworthy_labelled.jsonl, written for the project (en, sr Cyrillic and
Latin, sq; dev = even lines per language, test = odd). Rules were set on dev; test is reported.
Also the share of real Alo.rs sentences that pass, and scoring speed.

Run: .venv/bin/python bench/bench_checkworthy.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, SHARED, md_table, update_doc_section, write_results  # noqa: E402

from factwatch.analysis.claims import THRESHOLD, score_sentence, sentence_features  # noqa: E402
from factwatch.text import sentences  # noqa: E402

LABELLED = REPO / "tests" / "data" / "facts" / "checkworthy_labelled.jsonl"


def prf(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    tp = sum(p and y for p, y in pairs)
    fp = sum(p and not y for p, y in pairs)
    fn = sum(y and not p for p, y in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(pairs), "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def main() -> None:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    results: dict[str, dict] = {}
    table = []
    for split in ("dev", "test"):
        groups: dict[str, dict[str, list]] = defaultdict(lambda: {"ours": [], "base": []})
        for r in (r for r in rows if r["split"] == split):
            f = sentence_features(r["text"], r["language"])
            for key in ("all", r["language"]):
                groups[key]["ours"].append((score_sentence(r["text"], r["language"])[0] >= THRESHOLD, r["checkworthy"]))
                groups[key]["base"].append((bool(f["number"] or f["entities"]), r["checkworthy"]))
        for key in sorted(groups, key=lambda k: (k != "all", k)):
            ours, base = prf(groups[key]["ours"]), prf(groups[key]["base"])
            results[f"{split}:{key}"] = {"factwatch": ours, "baseline": base}
            table.append([split, key, ours["n"], f"{base['precision']:.3f} / {base['recall']:.3f} / {base['f1']:.3f}",
                          f"**{ours['precision']:.3f} / {ours['recall']:.3f} / {ours['f1']:.3f}**"])
    alo = SHARED / "serbian_news" / "alo_articles.jsonl"
    real = None
    if alo.exists():
        texts = [json.loads(line)["text"] for line in alo.open(encoding="utf-8")][:300]
        sents = [s for t in texts for s in sentences(t)]
        t0 = time.perf_counter()
        passed = sum(score_sentence(s, "sr")[0] >= THRESHOLD for s in sents)
        seconds = time.perf_counter() - t0
        real = {"articles": len(texts), "sentences": len(sents), "check_worthy": passed,
                "sentences_per_s": round(len(sents) / seconds)}
    write_results("checkworthy", {"threshold": THRESHOLD, "labelled": results, "alo": real})
    md = [
        "## Check-worthiness",
        "",
        "`bench/bench_checkworthy.py`: sentences labelled for the project "
        "(`tests/data/facts/checkworthy_labelled.jsonl`: English, Serbian Cyrillic and Latin, Albanian; dev = even "
        "lines per language, test = odd; the rules' weights were set on dev). Baseline: every sentence with a number "
        "or a named entity. Precision / recall / F1:",
        "",
        md_table(["split", "language", "n", "baseline", "factwatch"], table),
    ]
    if real:
        md += ["", f"Real text: of {real['sentences']:,} sentences in {real['articles']} Alo.rs articles, "
               f"{real['check_worthy']:,} pass the threshold ({real['check_worthy'] / real['sentences']:.0%}); "
               f"scoring runs at {real['sentences_per_s']:,} sentences/s. The labelled sample is small and written "
               "by the same hand as the rules: expect lower precision on real news."]
    update_doc_section("checkworthy", "\n".join(md))
    print("\n".join(md))


if __name__ == "__main__":
    main()
