"""``/about``: what the dashboard's numbers and labels mean (linked from every "p = ..." it shows).

The calibration facts (threshold, what the decision was fitted on) are read from the shipped
calibration, so the page stays true when ``bench/bench_paraphrase.py`` or ``factwatch calibrate``
refits it.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from factwatch.analysis.matching import calibration
from factwatch.store import Store
from factwatch.web._params import get_store
from factwatch.web._render import render

router = APIRouter()


@router.get("/about", response_class=HTMLResponse, include_in_schema=False)
def about_page(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    cal = calibration()
    decision = cal.get("decision") or {}
    stats = store.stats()
    return render(
        request, "about.html", page_title="About the numbers",
        threshold=float(cal.get("threshold", 0.5)), fitted_on=decision.get("fitted_on") or cal.get("fitted_on"),
        reviews={k: stats.get(f"reviews_{k}", 0) for k in ("pending", "confirmed", "rejected")},
    )
