"""``/documents`` and ``/documents/{id}``, with their ``/api`` forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from factwatch.analysis.spread import CopyOrigin, copy_origin
from factwatch.models import ClaimRow, Document
from factwatch.store import Store
from factwatch.web._filters import DocumentFilter, parse_document_id
from factwatch.web._params import DocumentId, document_filter, get_store, paged, paged_responses
from factwatch.web._render import render
from factwatch.web._views import Page, claim_segments

router = APIRouter()


@dataclass(frozen=True, slots=True)
class DocumentList:
    filter: DocumentFilter
    documents: list[Document]
    total: int
    clusters: dict[int, int]  # document id -> story cluster id (analysis/dedup.py)

    @property
    def page(self) -> Page:
        return Page(total=self.total, limit=self.filter.limit, offset=self.filter.offset)

    def as_dict(self) -> dict[str, Any]:
        return paged("documents", [_with_cluster(d, self.clusters.get(d.id)) for d in self.documents],
                     (self.filter.limit, self.filter.offset), total=self.total)


def _with_cluster(doc: Document, cluster_id: int | None) -> dict[str, Any]:
    # The story cluster's id (None until `factwatch analyze` has deduplicated the document): the
    # same key in the list and the detail, so an item of one equals the other.
    return {**doc.as_dict(), "cluster_id": cluster_id}


def documents_view(store: Store, f: DocumentFilter) -> DocumentList:
    docs = store.list_documents(**f.store_kwargs(), limit=f.limit, offset=f.offset)
    return DocumentList(
        filter=f, documents=docs, total=store.count_documents(**f.store_kwargs()),
        clusters=store.document_clusters([d.id for d in docs]),
    )


@dataclass(frozen=True, slots=True)
class DocumentView:
    doc: Document
    claims: list[ClaimRow]
    origin: CopyOrigin | None  # its story cluster and first appearance; None before dedup

    def as_dict(self) -> dict[str, Any]:
        return _with_cluster(self.doc, self.origin.cluster_id if self.origin else None)


def document_view(store: Store, doc_id: str) -> DocumentView:
    doc = store.get_document(parse_document_id(doc_id))
    return DocumentView(doc=doc, claims=store.document_claim_rows(doc.id),
                        origin=copy_origin(store, doc.id, published_at=doc.published_at))


@router.get("/documents", response_class=HTMLResponse, include_in_schema=False)
def documents_page(
    request: Request, f: DocumentFilter = Depends(document_filter), store: Store = Depends(get_store)
) -> HTMLResponse:
    view = documents_view(store, f)
    return render(
        request, "documents.html", filter=f, documents=view.documents, page=view.page,
        # The filter form's choices: chrome of the HTML form, not part of the result.
        languages=sorted(store.language_counts()), source_names=store.source_names(), page_title="Documents",
    )


@router.get("/api/documents", tags=["api"], responses=paged_responses("documents", "documents"))
def documents_json(f: DocumentFilter = Depends(document_filter), store: Store = Depends(get_store)) -> dict[str, Any]:
    """Documents, newest first, filtered like the /documents page."""
    return documents_view(store, f).as_dict()


@router.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
def document_page(request: Request, doc_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    view = document_view(store, doc_id)
    doc = view.doc
    return render(
        request, "document.html", doc=doc, claims=view.claims, origin=view.origin,
        segments=claim_segments(doc.text, [(c.id, c.start, c.end) for c in view.claims]),
        page_title=doc.title or f"Document {doc.id}",
    )


@router.get("/api/documents/{doc_id}", tags=["api"])
def document_json(doc_id: DocumentId, store: Store = Depends(get_store)) -> dict[str, Any]:
    """One document with its metadata and story cluster id (its claims are under /api/claims, its
    cluster's copies under /api/clusters/{cluster_id})."""
    return document_view(store, doc_id).as_dict()
