"""Build profiles/western-balkans/facts.yaml from facts_src.yaml, adding sr-Latn from sr (our transliterator)."""
import sys, yaml
from pathlib import Path
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build import sr_latin
src = yaml.safe_load((HERE / "facts_src.yaml").read_text(encoding="utf-8"))
def add_latin(tr):
    if not tr or "sr" not in tr or "sr-Latn" in tr: return tr
    out = {}
    for k, v in tr.items():
        out[k] = v
        if k == "sr":
            out["sr-Latn"] = {kk: sr_latin(vv) for kk, vv in v.items()} if isinstance(v, dict) else sr_latin(v)
    return out
for f in src["facts"]:
    f["date"] = str(f["date"]); f["translations"] = add_latin(f.get("translations"))
for c in src["claim_reviews"]:
    c["date"] = str(c["date"]); c["translations"] = add_latin(c.get("translations"))
ids = {f["id"] for f in src["facts"]}
for c in src["claim_reviews"]:
    missing = set(c["facts"]) - ids
    assert not missing, (c["id"], missing)
head = """# factwatch — Western Balkans fact base, written for the project.
#
# facts: official statements and well-established facts, each with the institution that states it and
#   its public site (a page where we are confident of the address, otherwise the institution's home page).
# claim_reviews: debunks of specific false or misleading claims — the claims planted in demo/ and a few
#   well-known real ones. publisher "factwatch demo fact base" means the review was written for this
#   project from the cited facts; dates of reviews of demo claims fall inside the demo period (Oct-Nov 2026).
# Verify figures (troop numbers, fees) before using a rebuttal publicly: they change over time.
# sr-Latn translations are generated from sr by demo/_build/facts_build.py; edit facts_src.yaml, then rerun.
profile: western-balkans
"""
body = yaml.safe_dump(src, allow_unicode=True, sort_keys=False, width=120)
out = Path(HERE.parent.parent / "profiles/western-balkans/facts.yaml")
out.write_text(head + body, encoding="utf-8")
print(len(src["facts"]), "facts,", len(src["claim_reviews"]), "claim reviews")
