"""EUvsDisinfo's case export: ``title``, ``summary`` (the claim), ``disproof``, ``date``
(MM/DD/YY), ``outlet``, ``source``, ``issue``. Every case is disinformation by definition."""

from __future__ import annotations

from collections.abc import Iterator

from ..models import NewFactCheck, RejectedRecord
from ..text.script import latin_key
from . import _factfields as fields
from ._factfields import Parsed

HEADER = frozenset({"summary", "disproof"})  # the columns that tell this layout apart


def parse_euvsdisinfo(content: str) -> Iterator[Parsed]:
    for item in fields.csv_rows(content):
        if isinstance(item, RejectedRecord):
            yield item
            continue
        n, row = item
        try:
            claim = fields.text(row.get("summary"), "summary")
            if not claim:
                raise ValueError("summary (the claim) is empty")
            title = fields.text(row.get("title"), "title")
            source = row.get("source", "").strip()
            yield NewFactCheck(
                # Cases have no URL of their own in the export: title + claim identify one.
                key=fields.key("euvsdisinfo", title, latin_key(claim, "en")), claim=claim, format="euvsdisinfo",
                external_id=fields.text(row.get("issue"), "issue"), verdict="disinformation",
                rebuttal=fields.text(row.get("disproof"), "disproof", paragraphs=True), headline=title, url=None,
                publisher="EUvsDisinfo", language="en", date=fields.date(row.get("date")),
                claim_author=fields.text(row.get("outlet"), "outlet"),
                appearance=source.split()[0] if source.startswith(("http://", "https://")) else None,
            )
        except ValueError as exc:
            yield RejectedRecord(f"row {n}", str(exc), fields.raw(row))
