"""Source and actor profiles for their pages: what they carry over time and their share of false claims.

A claim counts as false when it is matched to a fact-check (the addressed best match, or one an
analyst confirmed; rejected matches never count) whose verdict reads false, misleading or partly
false. The share is over all the claims extracted from the source's (or actor's) documents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from factwatch.analysis.pushers import SourceProfile, source_profile
from factwatch.respond._phrases import verdict_kind
from factwatch.store import Store
from factwatch.web._charts import chart_spec

FALSE_KINDS = ("false", "misleading", "partly_false")
TOP_NARRATIVES = 8  # stacked in the chart; the table lists every one


@dataclass(frozen=True, slots=True)
class ClaimMonth:
    month: str  # YYYY-MM, or "" for undated documents
    claims: int
    matched: int  # matched to a fact-check
    false: int  # matched to one rated false, misleading or partly false


@dataclass(frozen=True, slots=True)
class ProfileView:
    profile: SourceProfile
    claim_months: list[ClaimMonth] = field(default_factory=list)

    @property
    def claims(self) -> int:
        return sum(m.claims for m in self.claim_months)

    @property
    def false_claims(self) -> int:
        return sum(m.false for m in self.claim_months)

    @property
    def false_share(self) -> float:
        return round(self.false_claims / self.claims, 4) if self.claims else 0.0

    def charts(self) -> dict[str, dict[str, object]]:
        months = sorted({m for n in self.profile.narratives for m in n.monthly})
        top = self.profile.narratives[:TOP_NARRATIVES]
        dated = [m for m in self.claim_months if m.month]
        return {
            "chart-profile-narratives": chart_spec(
                "bar", months, {n.label: [n.monthly.get(m, 0) for m in months] for n in top}, stacked=True,
                title="Documents a month carrying each narrative"),
            "chart-profile-claims": chart_spec(
                "bar", [m.month for m in dated],
                {"rated false or misleading": [m.false for m in dated],
                 "other claims": [m.claims - m.false for m in dated]},
                stacked=True, title="Claims a month, false or misleading by fact-checks",
                colours={"rated false or misleading": "#d62728", "other claims": "#9aa3ad"}),
        }

    def as_dict(self) -> dict[str, Any]:
        return {**self.profile.as_dict(), "claims": self.claims, "false_claims": self.false_claims,
                "false_share": self.false_share, "claim_months": [asdict(m) for m in self.claim_months]}


def profile_view(store: Store, name: str) -> ProfileView:
    profile = source_profile(store, name)
    matched: dict[str, int] = defaultdict(int)
    false: dict[str, int] = defaultdict(int)
    for month, verdict, n in store.source_matched_claim_months(profile.sources):
        matched[month] += n
        if verdict_kind(verdict) in FALSE_KINDS:
            false[month] += n
    # A claim matched to two fact-checks with different verdicts is counted under each: cap at the total.
    months = [ClaimMonth(m, n, min(matched[m], n), min(false[m], n))
              for m, n in store.source_claim_months(profile.sources)]
    return ProfileView(profile=profile, claim_months=months)
