"""A plain CSV of fact-checks: one a row, columns named ``claim`` (or ``claimReviewed``),
``verdict``/``rating``, ``rebuttal``/``review``, ``url``, ``publisher``, ``language``, ``date``,
``title``/``headline``, ``id``."""

from __future__ import annotations

from collections.abc import Iterator

from ..models import NewFactCheck, RejectedRecord
from . import _factfields as fields
from ._factfields import Parsed


def parse_fact_csv(content: str) -> Iterator[Parsed]:
    for item in fields.csv_rows(content):
        if isinstance(item, RejectedRecord):
            yield item
            continue
        n, row = item
        try:
            claim = fields.text(row.get("claim") or row.get("claimreviewed") or row.get("claim_reviewed"), "claim")
            if not claim:
                raise ValueError("the claim column is empty")
            language = fields.language(row.get("language"))
            url = fields.url(row.get("url"))
            yield NewFactCheck(
                key=fields.claim_key(url, claim, language), claim=claim, format="csv",
                external_id=fields.text(row.get("id"), "id"),
                verdict=fields.text(row.get("verdict") or row.get("rating"), "verdict"),
                rebuttal=fields.text(row.get("rebuttal") or row.get("review"), "rebuttal", paragraphs=True), url=url,
                publisher=fields.text(row.get("publisher"), "publisher"), language=language,
                date=fields.date(row.get("date")),
                headline=fields.text(row.get("title") or row.get("headline"), "title"),
            )
        except ValueError as exc:
            yield RejectedRecord(f"row {n}", str(exc), fields.raw(row))
