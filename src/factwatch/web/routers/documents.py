"""``/documents`` and ``/documents/{id}``, with their ``/api`` forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from factwatch.models import ClaimRow, Document
from factwatch.store import Store
from factwatch.web._filters import DocumentFilter, parse_document_id
from factwatch.web._params import DocumentId, document_filter, get_store
from factwatch.web._render import render
from factwatch.web._views import Page, claim_segments

router = APIRouter()


@dataclass(frozen=True, slots=True)
class DocumentList:
    filter: DocumentFilter
    documents: list[Document]
    total: int

    @property
    def page(self) -> Page:
        return Page(total=self.total, limit=self.filter.limit, offset=self.filter.offset)

    def as_dict(self) -> dict[str, Any]:
        return {"documents": [d.as_dict() for d in self.documents], "total": self.total,
                "limit": self.filter.limit, "offset": self.filter.offset}


def documents_view(store: Store, f: DocumentFilter) -> DocumentList:
    return DocumentList(
        filter=f,
        documents=store.list_documents(**f.store_kwargs(), limit=f.limit, offset=f.offset),
        total=store.count_documents(**f.store_kwargs()),
    )


@dataclass(frozen=True, slots=True)
class DocumentView:
    doc: Document
    claims: list[ClaimRow]


def document_view(store: Store, doc_id: str) -> DocumentView:
    doc = store.get_document(parse_document_id(doc_id))
    return DocumentView(doc=doc, claims=store.document_claim_rows(doc.id))


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


@router.get("/api/documents", tags=["api"])
def documents_json(f: DocumentFilter = Depends(document_filter), store: Store = Depends(get_store)) -> dict[str, Any]:
    """Documents, newest first, filtered like the /documents page."""
    return documents_view(store, f).as_dict()


@router.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
def document_page(request: Request, doc_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    view = document_view(store, doc_id)
    doc = view.doc
    return render(
        request, "document.html", doc=doc, claims=view.claims,
        segments=claim_segments(doc.text, [(c.id, c.start, c.end) for c in view.claims]),
        page_title=doc.title or f"Document {doc.id}",
    )


@router.get("/api/documents/{doc_id}", tags=["api"])
def document_json(doc_id: DocumentId, store: Store = Depends(get_store)) -> dict[str, Any]:
    """One document with its metadata (its claims are under /api/claims)."""
    return document_view(store, doc_id).doc.as_dict()
