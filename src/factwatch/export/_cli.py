"""``factwatch export stix|claimreview|csv [-o FILE]``: the store in the formats partners' tools read.

Registered on the app by cli.py (as the accounts and workflow commands are), so the command's code
lives beside the exports it writes.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
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


def export_chunks(store: Store, fmt: Format, *, disarm: Path | None) -> Iterator[str]:
    """The export as text chunks to write in order. CSV streams a page of claims at a time (the
    same rows and cells as the web's /claims.csv); the JSON formats are one document, one chunk."""
    if fmt is Format.csv:
        from factwatch.export.tables import claims_csv_chunks

        yield from claims_csv_chunks(store)
        return
    if fmt is Format.claimreview:
        from factwatch.export.claimreview import claim_reviews

        yield json.dumps(claim_reviews(store), ensure_ascii=False, indent=1) + "\n"
        return
    from factwatch.export.stix import DisarmCatalogue, stix_bundle
    from factwatch.respond.publishing import publisher_name

    bundle = stix_bundle(store, producer=publisher_name(), disarm=DisarmCatalogue.load(disarm))
    yield json.dumps(bundle, ensure_ascii=False, indent=1) + "\n"


def export_text(store: Store, fmt: Format, *, disarm: Path | None) -> str:
    return "".join(export_chunks(store, fmt, disarm=disarm))


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
        with opener("read") as store:  # open while the chunks are written: they are read as written
            _write(export_chunks(store, fmt, disarm=disarm), output)


def _write(chunks: Iterable[str], output: Path | None) -> None:
    if output is not None:
        _write_file(chunks, output)
    elif sys.stdout.isatty():
        for chunk in chunks:
            out.write_text(chunk)  # on a terminal, control characters from sources are shown, not run
    else:
        sys.stdout.flush()
        for chunk in chunks:
            sys.stdout.buffer.write(chunk.encode("utf-8"))
        sys.stdout.buffer.flush()


def _write_file(chunks: Iterable[str], output: Path) -> None:
    """Write FILE whole or not at all: the export streams into a temporary file beside it, renamed
    over FILE at the end, so an export that fails half way leaves FILE as it was. A FILE that is
    not a regular file (/dev/stdout, a pipe) is written as it is."""
    if output.exists() and not output.is_file():
        with output.open("w", encoding="utf-8", newline="") as f:
            f.writelines(chunks)
        return
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # the mode open() would have given a new file
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:  # newline="": CSV rows end in CRLF as written
            f.writelines(chunks)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

