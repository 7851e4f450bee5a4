"""Stance towards a fact-checked claim: factwatch's four-class rules against the old two-class rule.

Data: tests/data/stance_labelled.jsonl, written for the project: 204 sentences in Serbian
(Cyrillic and Latin), Croatian, Bosnian, Montenegrin, Macedonian, Albanian, Russian, Bulgarian
and English, each about one claim of the Western Balkans fact base, labelled repeats / rejects /
reports / asks. Split by claim (no claim is in both halves); the rules were tuned on dev only.
Baseline: the rule at the start of issue 6 (negation or debunk words -> rejects, else repeats),
copied below so later changes to analysis/stance.py do not move it.

Run: .venv/bin/python bench/bench_stance.py
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, md_table, update_doc_section, write_results  # noqa: E402

from factwatch.analysis.stance import read_stance  # noqa: E402
from factwatch.text import latin_key  # noqa: E402

LABELLED = REPO / "tests" / "data" / "stance_labelled.jsonl"
PROFILE_FACTS = REPO / "profiles" / "western-balkans" / "facts.yaml"
CLASSES = ("repeats", "rejects", "reports", "asks")

# -- baseline: analysis/stance.py as of commit 2245d5e (two classes) ------------------------------
_EN = frozenset("not no never none nobody nothing without neither nor cannot isnt arent wasnt werent dont "
                "doesnt didnt wont cant hasnt havent".split())
_SLAVIC = frozenset("ne nije nisu nisam nismo niste nece necu nista nikada nikad nijedan nijedna nijedno nikakav "
                    "nikakva nikakvo nikakvog nema nemaju nemamo bez niti "
                    "net nikogda nichego nikakoj nikakogo nikakih "
                    "nikogash nikoj nishto".split())
_SQ = frozenset("nuk s jo asnje kurre pa".split())
_NEGATION = {**{lang: _SLAVIC for lang in ("sr", "hr", "bs", "cnr", "mk", "ru", "bg", "uk", "sl")}, "sq": _SQ, "en": _EN}
_UNKNOWN = (_EN | _SLAVIC) - {"ne"}
_DEBUNK = re.compile(
    r"\b(fake|hoax|debunk\w*|false|untrue|myth|deni\w*|disinformation|misinformation|"
    r"lazn\w*|laz|lazi|neistin\w*|netacn\w*|netocn\w*|dezinformacij\w*|demant\w*|opovrg\w*|izmisljen\w*|fejk\w*|"
    r"lozh\w*|fejk|oproverg\w*|dezinformaci\w*|"
    r"lazhn\w*|neviastin\w*|nevistinit\w*|"
    r"rreme|genjeshtr\w*|mohon\w*|mohoi|hedh\w* poshte|dezinformat\w*)\b"
)
_TOKEN = re.compile(r"[a-z0-9]+")


def _negations(text: str, language: str) -> int:
    words = _NEGATION.get(language, _UNKNOWN)
    return sum(1 for t in _TOKEN.findall(latin_key(text, language)) if t in words)


def _debunks(text: str, language: str) -> bool:
    return bool(_DEBUNK.search(latin_key(text, language)))


def baseline(text: str, claim: str, *, language: str = "und", claim_language: str = "en") -> str:
    if _debunks(text, language) and not _debunks(claim, claim_language):
        return "rejects"
    if (_negations(text, language) > 0) != (_negations(claim, claim_language) > 0):
        return "rejects"
    return "repeats"


# -- scoring -----------------------------------------------------------------------------------------

def scores(pairs: list[tuple[str, str]]) -> dict:
    """Accuracy and per-class precision/recall of (predicted, gold) pairs."""
    out: dict = {"n": len(pairs), "accuracy": round(sum(p == g for p, g in pairs) / len(pairs), 3) if pairs else 0.0}
    for c in CLASSES:
        tp = sum(p == c and g == c for p, g in pairs)
        predicted, gold = sum(p == c for p, _ in pairs), sum(g == c for _, g in pairs)
        out[c] = {"gold": gold, "precision": round(tp / predicted, 3) if predicted else None,
                  "recall": round(tp / gold, 3) if gold else None}
    return out


def claim_translations() -> dict[str, dict[str, str]]:
    """``{claim id: {language key: claim}}`` from the profile's fact base.

    The match stage passes the matched passage, often the claim's translation into the text's
    language, so the bench also scores each sentence against that translation where one exists.
    """
    import yaml

    doc = yaml.safe_load(PROFILE_FACTS.read_text(encoding="utf-8"))
    return {c["id"]: {k: v["claim"] for k, v in (c.get("translations") or {}).items()
                      if isinstance(v, dict) and v.get("claim")}
            for c in doc.get("claim_reviews", [])}


def _translation_key(row: dict) -> str:
    if row["language"] == "sr":
        return "sr" if row["script"] == "Cyrl" else "sr-Latn"  # the profile's convention
    return row["language"]


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}"


def main() -> None:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    results: dict = {}
    errors: dict[str, list] = defaultdict(list)
    table, lang_table, same_table = [], [], []
    translations = claim_translations()
    for split in ("dev", "test"):
        part = [r for r in rows if r["split"] == split]
        ours, base = [], []
        by_lang: dict[str, list] = defaultdict(list)
        rules: Counter = Counter()
        for r in part:
            reading = read_stance(r["text"], r["claim"], language=r["language"], claim_language=r["claim_language"])
            ours.append((reading.stance, r["stance"]))
            base.append((baseline(r["text"], r["claim"], language=r["language"], claim_language=r["claim_language"]),
                         r["stance"]))
            by_lang[f"{r['language']}-{r['script']}"].append(reading.stance == r["stance"])
            rules[reading.rule] += 1
            if reading.stance != r["stance"]:
                errors[split].append({"text": r["text"], "language": r["language"], "gold": r["stance"],
                                      "predicted": reading.stance, "rule": reading.rule, "cue": reading.cue})
        same = []
        for r in part:
            claim = translations.get(r["claim_id"], {}).get(_translation_key(r))
            if claim:
                lang = "sr" if _translation_key(r) == "sr-Latn" else r["language"]
                same.append((read_stance(r["text"], claim, language=r["language"], claim_language=lang).stance,
                             r["stance"]))
        s_same = scores(same)
        same_table.append([split, s_same["n"], f"{s_same['accuracy']:.3f}"])
        s_ours, s_base = scores(ours), scores(base)
        results[split] = {"factwatch": s_ours, "baseline": s_base, "rules": dict(rules),
                          "claim_in_text_language": s_same,
                          "accuracy_by_language": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_lang.items())},
                          "errors": errors[split]}
        for name, s in (("baseline (2 classes)", s_base), ("factwatch", s_ours)):
            cells = [f"{_fmt(s[c]['precision'])} / {_fmt(s[c]['recall'])}" for c in CLASSES]
            acc = f"**{s['accuracy']:.3f}**" if name == "factwatch" else f"{s['accuracy']:.3f}"
            table.append([split, name, s["n"], acc, *cells])
        lang_table.append([split, *(f"{results[split]['accuracy_by_language'].get(k, 0):.2f} ({len(by_lang[k])})"
                                    for k in sorted(by_lang))])
        langs = sorted(by_lang)
    t0 = time.perf_counter()
    for _ in range(10):
        for r in rows:
            read_stance(r["text"], r["claim"], language=r["language"], claim_language=r["claim_language"])
    per_call_us = (time.perf_counter() - t0) / (10 * len(rows)) * 1e6
    counts = Counter((r["split"], r["stance"]) for r in rows)
    write_results("stance", {"labelled": str(LABELLED.relative_to(REPO)), "sentences": len(rows),
                             "gold": {f"{s}:{c}": n for (s, c), n in sorted(counts.items())},
                             "microseconds_per_call": round(per_call_us, 1), **results})
    md = [
        "## Stance (bench/bench_stance.py)",
        "",
        f"`tests/data/stance_labelled.jsonl`: {len(rows)} sentences written for the project about 15 claims of the "
        "profile's fact base, in sr (Cyrillic and Latin), hr, bs, cnr, mk, sq, ru, bg and en, each labelled "
        "`repeats` / `rejects` / `reports` / `asks`, with hard cases (reported denials, \"nije tajna da\", "
        "\"Is it a coincidence that…?\", factive \"revealed\", debunk framing, questions without a question mark). "
        "Split by claim: 7 claims dev, 8 claims test. The rules were tuned on dev only. The first score of the test "
        "half was 0.929; its errors showed one bug, fixed since (Albanian case suffixes such as \"NATO-s\" keyed "
        "to a bare \"s\", Albanian for \"not\"), so the figure below is no longer strictly held out. Baseline: the two-class rule before issue 6 (negation or debunk words → "
        "rejects, else repeats). Precision / recall per class:",
        "",
        md_table(["split", "rule", "n", "accuracy", *CLASSES], table),
        "",
        "Accuracy by language and script (n):",
        "",
        md_table(["split", *langs], lang_table),
        "",
        "The match stage often passes the claim's translation into the text's language (the passage that "
        "matched). Accuracy against that translation, for the sentences whose claim the profile translates "
        "into their language:",
        "",
        md_table(["split", "n", "accuracy"], same_table),
        "",
        f"Errors on test ({len(errors['test'])}), with the rule that fired:",
        "",
    ]
    md += [f"- {e['language']} “{e['text']}” — gold {e['gold']}, read {e['predicted']} ({e['rule']}"
           + (f": {e['cue']}" if e["cue"] else "") + ")" for e in errors["test"]]
    md += ["", f"Speed: {per_call_us:.0f} µs per sentence on one core (the match stage calls it once per stored "
           "match). The sentences and labels are by the same hand as the rules: expect lower accuracy on text "
           "written by others."]
    update_doc_section("stance", "\n".join(md))
    print("\n".join(md))
    if "--dev-errors" in sys.argv:
        for e in errors["dev"]:
            print("DEV", e)


if __name__ == "__main__":
    main()
