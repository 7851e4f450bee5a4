"""``factwatch export stix|claimreview|csv [-o FILE]``: the store in the formats partners' tools read.

Registered on the app by cli.py (as the accounts and workflow commands are), so the command's code
lives beside the exports it writes.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from factwatch import _output as out
from factwatch.store import Store

REPO = Path(__file__).resolve().parents[3]


class Format(str, Enum):
    stix = "stix"
    claimreview = "claimreview"
    csv = "csv"


def default_disarm() -> Path | None:
    """DISARM's STIX bundle in the shared data folder ($FACTWATCH_SHARED_DATA, else ../shared/data)."""
    base = os.environ.get("FACTWATCH_SHARED_DATA")
    for folder in ([Path(base)] if base else []) + [REPO.parent / "shared" / "data"]:
        path = folder / "disarm" / "DISARM.json"
        if path.is_file():
            return path
    return None


def export_text(store: Store, fmt: Format, *, disarm: Path | None) -> str:
    if fmt is Format.csv:
        from factwatch.export.tables import claims_csv

        return claims_csv(store)
    if fmt is Format.claimreview:
        from factwatch.export.claimreview import claim_reviews

        return json.dumps(claim_reviews(store), ensure_ascii=False, indent=1) + "\n"
    from factwatch.export.stix import DisarmCatalogue, stix_bundle
    from factwatch.respond.publishing import publisher_name

    bundle = stix_bundle(store, producer=publisher_name(), disarm=DisarmCatalogue.load(disarm))
    return json.dumps(bundle, ensure_ascii=False, indent=1) + "\n"


def register(app: typer.Typer, opener: Callable[[str], AbstractContextManager[Store]]) -> None:
    """Add `export` to ``app``; ``opener`` is cli._store (it knows --db), as for the accounts commands."""
    @app.command("export")
    def export(
        fmt: Annotated[Format, typer.Argument(metavar="stix|claimreview|csv", help="stix: STIX 2.1 bundle of actors, narratives with DISARM techniques and coordinated networks; claimreview: schema.org ClaimReview of every confirmed or published card; csv: the claims table.")],
        output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="FILE", help="File to write (default: stdout).")] = None,
        disarm: Annotated[Optional[Path], typer.Option("--disarm", metavar="FILE", help="DISARM's STIX bundle, for technique names (default: ../shared/data/disarm/DISARM.json when there).")] = None,
    ) -> None:
        """Write the store as STIX 2.1, schema.org ClaimReview JSON-LD or CSV (docs/data-formats.md)."""
        if fmt is Format.stix:
            disarm = disarm or default_disarm()
            if disarm is None:
                out.warn("no DISARM bundle found (--disarm FILE): attack-patterns carry the technique id only.")
        with opener("read") as store:
            text = export_text(store, fmt, disarm=disarm)
        _write(text, output)


def _write(text: str, output: Path | None) -> None:
    if output is not None:
        with output.open("w", encoding="utf-8", newline="") as f:  # newline="": CSV rows end in CRLF as written
            f.write(text)
    elif sys.stdout.isatty():
        out.write_text(text)  # on a terminal, control characters from sources are shown, not run
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()

