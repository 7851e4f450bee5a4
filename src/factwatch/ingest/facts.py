"""The fact base's way in: ``import_facts`` reads a file of fact-checks and facts into the store.

One module per format: claimreview.py (schema.org ClaimReview as JSON-LD, JSON lines or HTML),
factcsv.py (a plain CSV), euvsdisinfo.py (the EUvsDisinfo case export), multiclaim.py
(MultiClaim / SemEval-2025 Task 7) and factyaml.py (the profile's ``facts.yaml``). Bytes are
decoded as every other input is (``_encoding``), so a Windows-1251 CSV reads as Cyrillic. Bad
records are rejected with a reason and the rest goes in; reimporting a file adds nothing.
Embedding the fact base is an analysis stage (``analysis.factcheck.embed_fact_base``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..models import NewFact, NewFactCheck, RejectedRecord
from ..store import Store
from . import euvsdisinfo, multiclaim
from ._encoding import decode_bytes
from ._factfields import Parsed, csv_header
from .claimreview import parse_claimreviews
from .euvsdisinfo import parse_euvsdisinfo
from .factcsv import parse_fact_csv
from .factyaml import parse_fact_yaml
from .multiclaim import parse_multiclaim

__all__ = ["FORMATS", "FactImportStats", "detect_fact_format", "import_facts", "parse_facts"]

FORMATS = ("auto", "claimreview", "csv", "euvsdisinfo", "multiclaim", "yaml")
_REASONS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class FactImportStats:
    inserted: int
    duplicates: int
    rejected: int
    run_id: str
    format: str
    fact_checks: int = 0  # of ``inserted``
    facts: int = 0  # of ``inserted``
    reasons: tuple[str, ...] = field(default_factory=tuple)  # the first rejections, "position: reason"

    def as_dict(self) -> dict[str, Any]:
        return {
            "inserted": self.inserted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "run_id": self.run_id,
            "format": self.format,
            "fact_checks": self.fact_checks,
            "facts": self.facts,
            "reasons": list(self.reasons),
        }


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"No such file: {path}. Check the path.") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder; pass a file.") from None
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from None
    if not data.strip():
        raise InputError(f"{path} is empty; nothing to import.")
    return decode_bytes(data)[0]


def detect_fact_format(path: Path, content: str) -> str:
    """The format of a fact file from its suffix, then its CSV header or first characters."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".json", ".jsonld", ".jsonl", ".html", ".htm"):
        return "claimreview"
    if suffix in (".csv", ".tsv", ".txt"):
        header = csv_header(content)
        if euvsdisinfo.HEADER <= header:
            return "euvsdisinfo"
        if multiclaim.HEADER <= header:
            return "multiclaim"
        if "claim" in header or "claimreviewed" in header:
            return "csv"
    stripped = content.lstrip("\ufeff \t\r\n")
    if stripped[:1] in "{[<":
        return "claimreview"
    if re.match(r"^(facts|claim_reviews)\s*:", stripped, re.MULTILINE):
        return "yaml"
    raise InputError(f"Cannot tell the format of {path.name}; pass --format one of {', '.join(FORMATS[1:])}.")


def parse_facts(path: str | Path, *, fmt: str = "auto") -> tuple[str, list[Parsed]]:
    """Parse a file into fact-checks, facts and rejections without touching a store."""
    if fmt not in FORMATS:
        raise InputError(f"Unknown fact format {fmt!r}; use one of {', '.join(FORMATS)}.")
    path = Path(path)
    if path.is_dir():
        # A MultiClaim / SemEval Task 7 folder: its fact-checks are the fact base.
        candidates = sorted(path.glob("*fact_checks*.csv"))
        if not candidates:
            raise InputError(f"{path} is a folder without a *fact_checks*.csv; pass the file to import.")
        path, fmt = candidates[0], "multiclaim" if fmt == "auto" else fmt
    content = _read(path)
    if fmt == "auto":
        fmt = detect_fact_format(path, content)
    if fmt == "claimreview":
        records = list(parse_claimreviews(content, name=path.name))
    elif fmt == "csv":
        records = list(parse_fact_csv(content))
    elif fmt == "euvsdisinfo":
        records = list(parse_euvsdisinfo(content))
    elif fmt == "multiclaim":
        records = list(parse_multiclaim(content))
    else:
        records = list(parse_fact_yaml(content, name=path.name))
    return fmt, records


def import_facts(store: Store, path: str | Path, *, fmt: str = "auto") -> FactImportStats:
    """Import a file of fact-checks and facts; idempotent (keys are url + Latin key of the claim)."""
    fmt, records = parse_facts(path, fmt=fmt)
    run_id = store.start_run("facts", str(path))
    checks = [r for r in records if isinstance(r, NewFactCheck)]
    facts = [r for r in records if isinstance(r, NewFact)]
    rejected = [r for r in records if isinstance(r, RejectedRecord)]
    try:
        ins_c, dup_c = store.insert_fact_checks(checks, run_id=run_id)
        ins_f, dup_f = store.insert_facts(facts, run_id=run_id)
        store.add_rejections(rejected, run_id=run_id)
    except BaseException as exc:
        store.finish_run(run_id, status="failed", inserted=0, duplicates=0, rejected=len(rejected), error=str(exc))
        raise
    store.finish_run(run_id, status="done", inserted=ins_c + ins_f, duplicates=dup_c + dup_f, rejected=len(rejected))
    return FactImportStats(
        inserted=ins_c + ins_f, duplicates=dup_c + dup_f, rejected=len(rejected), run_id=run_id, format=fmt,
        fact_checks=ins_c, facts=ins_f,
        reasons=tuple(f"{r.position}: {r.reason}" for r in rejected[:_REASONS_SHOWN]),
    )
