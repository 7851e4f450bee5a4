"""A plain CSV of fact-checks: one a row, columns named ``claim`` (or ``claimReviewed``),
``verdict``/``rating``, ``rebuttal``/``review``, ``url``, ``publisher``, ``language``, ``date``,
``title``/``headline``, ``id``."""

from __future__ import annotations

from collections.abc import Iterator

from ..models import NewFactCheck, RejectedRecord
from . import _factfields as f
from ._factfields import Parsed


def parse_fact_csv(content: str) -> Iterator[Parsed]:
    for item in f.csv_rows(content):
        if isinstance(item, RejectedRecord):
            yield item
            continue
        n, row = item
        try:
            claim = f.text(row.get("claim") or row.get("claimreviewed") or row.get("claim_reviewed"), "claim")
            if not claim:
                raise ValueError("the claim column is empty")
            language = f.language(row.get("language"))
            url = f.url(row.get("url"))
            yield NewFactCheck(
                key=f.claim_key(url, claim, language), claim=claim, format="csv",
                external_id=f.text(row.get("id"), "id"),
                verdict=f.text(row.get("verdict") or row.get("rating"), "verdict"),
                rebuttal=f.text(row.get("rebuttal") or row.get("review"), "rebuttal", paragraphs=True), url=url,
                publisher=f.text(row.get("publisher"), "publisher"), language=language, date=f.date(row.get("date")),
                headline=f.text(row.get("title") or row.get("headline"), "title"),
            )
        except ValueError as exc:
            yield RejectedRecord(f"row {n}", str(exc), f.raw(row))
