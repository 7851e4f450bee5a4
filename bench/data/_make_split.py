"""Deterministic sample of cases_dev.csv rows for translated_claims.jsonl.

Rule: walk blocks of 6 rows (0-5, 6-11, ...); in block b take the first row
(from offset b%2 onwards) whose title has 5-40 words, no "Trend" prefix, no "?" ending, is not a
duplicate title already sampled, and does not look like a non-claim.
Split: dev = even 0-based row index, test = odd.
"""
import csv, json
SRC = "/work/shared/data/euvsdisinfo/cases_dev.csv"
rows = list(csv.DictReader(open(SRC, encoding="utf-8")))
LANGS = [("sr","Cyrl"),("sr","Latn"),("bs","Latn"),("hr","Latn"),("cnr","Latn"),
         ("sq","Latn"),("mk","Cyrl"),("ru","Cyrl"),("bg","Cyrl")]
def ok(t):
    t = t.strip()
    n = len(t.split())
    return (5 <= n <= 40 and not t.endswith("?") and "trend" not in t.lower()
            and not t.startswith("["))
def sample(stride=6):
    seen, out = set(), []
    for start in range(0, len(rows), stride):
        b = start // stride
        # alternate the first-tried offset so dev (even) / test (odd) stay balanced
        for i in range(start + b % 2, min(start + stride, len(rows))):
            t = rows[i]["title"].strip()
            if ok(t) and t.lower() not in seen:
                seen.add(t.lower()); out.append(i); break
    return out
if __name__ == "__main__":
    s = sample()
    for k, i in enumerate(s):
        lang, script = LANGS[k % len(LANGS)]
        print(json.dumps({"k": k, "issue_row": i, "lang": lang, "script": script,
                          "split": "dev" if i % 2 == 0 else "test",
                          "title_en": rows[i]["title"]}, ensure_ascii=False))


def verify(datadir="/work/main/bench/data"):
    """Check both JSONL files; return per-language/split counts."""
    import collections, re
    cnt = {}
    for name in ("translated_claims.jsonl", "unrelated_claims.jsonl"):
        c = collections.Counter(); keys = set()
        for n, line in enumerate(open(f"{datadir}/{name}", encoding="utf-8"), 1):
            d = json.loads(line)
            assert d["split"] in ("dev", "test"), (name, n)
            assert d["text"].strip(), (name, n)
            cyr = bool(re.search(r"[\u0400-\u04FF]", d["text"]))
            if d["script"] == "Latn":
                assert not cyr, (name, n, d["text"])
            else:
                assert d["script"] == "Cyrl" and cyr, (name, n)
            if name == "translated_claims.jsonl":
                i = d["issue_row"]
                assert isinstance(i, int) and 0 <= i < len(rows), (n, i)
                assert d["title_en"] == rows[i]["title"], (n, i)
                assert d["split"] == ("dev" if i % 2 == 0 else "test"), (n, i)
                k = (i, d["language"], d["script"]); assert k not in keys, k; keys.add(k)
            else:
                assert d["text"] not in keys, n; keys.add(d["text"])
            c[(d["language"] + "-" + d["script"], d["split"])] += 1
        cnt[name] = c
    return cnt
