"""Ingestion over HTTP: ``POST /api/documents`` (one document as JSON) and ``POST /api/ingest`` (a file).

Both are thin, as the CLI is: a JSON document is one JSONL record and a file is any input
``factwatch ingest`` reads, so the same parsers, cleaning, dedup keys and per-record rejections
apply, and each request is one run listed under /api/runs with the records it rejected and why.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from factwatch.errors import InputError
from factwatch.ingest.detect import FORMATS
from factwatch.ingest.loader import DocumentLoader
from factwatch.ingest.service import ingest_path
from factwatch.ingest.tables import iter_jsonl
from factwatch.models import IngestStats
from factwatch.store import Store
from factwatch.web._auth import User, require_analyst
from factwatch.web._params import get_write_store

router = APIRouter()

# A post or an article is far below this; a whole export belongs in /api/ingest.
MAX_TEXT = 200_000
# An upload is streamed to a temporary file and refused past this size, before parsing.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_CHUNK = 1024 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class DocumentIn(BaseModel):
    """One document, as a JSONL line of ``factwatch ingest`` would carry it."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT, description="The document's text (HTML is cleaned).")
    source: str = Field(min_length=1, max_length=200, description="Outlet, channel or account it came from.")
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=4000)
    author: str | None = Field(None, max_length=500)
    published_at: str | None = Field(None, max_length=100, description="ISO 8601 or a common date form.")
    external_id: str | None = Field(None, max_length=500, description="Its id on its platform, for dedup.")
    language: str | None = Field(None, max_length=20, description="A hint; detection decides.")
    platform: str = Field("api", pattern=r"^[a-z][a-z0-9_-]{0,19}$",
                          description="Where it was published: api (default), rss, web, telegram, x, ...")


def _outcome(store: Store, stats: IngestStats) -> dict[str, Any]:
    # The per-record reasons the CLI points to with `factwatch runs show RUN`, in the answer itself.
    rejections = [{"position": r.position, "reason": r.reason} for r in store.list_rejections(stats.run_id)]
    return {**stats.as_dict(), "rejections": rejections}


@router.post("/api/documents", tags=["api"], status_code=201,
             responses={200: {"description": "Already stored (a duplicate); nothing added."},
                        422: {"description": "Rejected, with the reason."}})
def post_document(
    doc: DocumentIn, user: User = Depends(require_analyst), store: Store = Depends(get_write_store),
) -> JSONResponse:
    """Store one document (201), or say it is a duplicate (200) or why it was rejected (422)."""
    record = doc.model_dump(exclude_none=True)
    loader = DocumentLoader.start(store, kind="ingest", input=f"POST /api/documents by {user.name}",
                                  default_source=doc.source)
    try:
        loader.load(iter_jsonl(json.dumps(record, ensure_ascii=False).encode(), name="api", source=doc.source))
    except BaseException as exc:
        loader.finish(status="failed", error=f"{type(exc).__name__}: {exc}")
        raise
    stats = loader.finish(status="done")
    body = _outcome(store, stats)
    # Its stable id, for GET /api/documents/{id}; None for a duplicate (the earlier copy is kept).
    ids = store.run_document_ids(stats.run_id, limit=1)
    body["document_id"] = ids[0] if ids else None
    if stats.rejected:
        body["error"] = "; ".join(r["reason"] for r in body["rejections"]) or "rejected"
        return JSONResponse(body, status_code=422)
    return JSONResponse(body, status_code=201 if stats.inserted else 200)


def _upload_name(filename: str | None) -> str:
    # Format detection and the default source name read the file name; keep its stem and
    # suffixes, never its directories (a client chooses it).
    name = _SAFE_NAME.sub("_", Path(filename or "").name).strip("._")
    return name or "upload"


@router.post("/api/ingest", tags=["api"], status_code=201)
def post_file(
    file: Annotated[UploadFile, File(description="RSS/Atom, HTML, JSONL, CSV, a Telegram or X export, IRA CSV; "
                                                 ".gz accepted.")],
    format: Annotated[str, Form(description="auto (default) or one of: " + ", ".join(FORMATS))] = "auto",
    source: Annotated[str | None, Form(description="Source name for every record.", max_length=200)] = None,
    user: User = Depends(require_analyst),
    store: Store = Depends(get_write_store),
) -> JSONResponse:
    """Ingest an uploaded file as ``factwatch ingest FILE`` does: one run, its counts and every rejected record."""
    if format != "auto" and format not in FORMATS:
        raise InputError(f"format={format!r} is not known; use auto or one of {', '.join(FORMATS)}.")
    with tempfile.TemporaryDirectory(prefix="factwatch-upload-") as tmp:
        path = Path(tmp) / _upload_name(file.filename)
        size = 0
        with path.open("wb") as out:
            while chunk := file.file.read(_CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise InputError(f"The upload is over {MAX_UPLOAD_BYTES // 2**20} MiB; split it, or ingest it "
                                     "on the server with `factwatch ingest PATH`.")
                out.write(chunk)
        if size == 0:
            raise InputError("The uploaded file is empty; nothing to ingest.")
        stats = ingest_path(store, str(path), fmt=format, source=source or None,
                            label=f"upload {path.name} by {user.name}")
    return JSONResponse(_outcome(store, stats), status_code=201)
