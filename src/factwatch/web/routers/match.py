"""``/match`` and ``/api/match``: which fact-checks address a pasted text or an article's URL.

A URL is fetched with ingest/web.py's rules (http(s) only, public addresses only unless
FACTWATCH_ALLOW_PRIVATE, size limit, a deadline for the whole fetch) and its main text extracted
as ``factwatch ingest URL`` would.

A GET here must neither write (query vectors live in the app's bounded LRU, not the store)
nor run unmetered (a token bucket per client): any web page can make a browser fire these.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from factwatch.analysis.article_matching import ArticleMatch, match_article
from factwatch.errors import InputError
from factwatch.store import Store
from factwatch.web._filters import MATCH_MAX_CHARS, MatchQuery
from factwatch.web._params import get_store, match_query
from factwatch.web._ratelimit import TokenBuckets, retry_after
from factwatch.web._render import render

router = APIRouter()


def metered(request: Request) -> None:
    """Spend one of this client's match tokens, or answer 429 with Retry-After."""
    buckets: TokenBuckets = request.app.state.match_buckets
    wait = buckets.take(request.client.host if request.client else "unknown")
    if wait:
        raise HTTPException(
            429,
            f"Too many matches from this address: at most {buckets.burst} at once and "
            f"{buckets.rate:g} a second after that. Retry in {retry_after(wait)} s.",
            headers={"Retry-After": retry_after(wait)},
        )


# A person waits for the page: a slow site gets this long, not the ingest default of 60 s.
URL_DEADLINE = 20.0


def article_text(url: str) -> str:
    """The main text of the page at ``url`` (FetchError when it cannot be fetched, InputError when
    it holds no article text)."""
    from factwatch.ingest.web import FetchSettings, fetch_url, iter_html
    from factwatch.models import ParsedRecord

    settings = FetchSettings.from_env()
    fetched = fetch_url(url, settings=FetchSettings.from_env(deadline=min(settings.deadline, URL_DEADLINE)))
    for item in iter_html(fetched.content, name=url, url=fetched.final_url, content_type=fetched.content_type):
        if isinstance(item, ParsedRecord):
            return item.text[:MATCH_MAX_CHARS]
    raise InputError(f"{url}: no article text found on the page; paste the text instead.")


def match_view(request: Request, store: Store, mq: MatchQuery) -> ArticleMatch | None:
    """The match of the pasted text or the URL's article (None for the empty form): a short text
    whole, an article sentence by sentence; vectors kept in the app's LRU."""
    text = article_text(mq.url) if mq.url else mq.text
    if text is None:
        return None
    return match_article(store, text, k=mq.k, memo=request.app.state.query_vectors)


@router.get("/match", response_class=HTMLResponse, include_in_schema=False)
def match_page(request: Request, mq: MatchQuery = Depends(match_query), store: Store = Depends(get_store)) -> HTMLResponse:
    if mq.text is not None or mq.url is not None:
        metered(request)  # the empty form costs nothing
    article = match_view(request, store, mq)
    return render(request, "match.html", query=mq, article=article, result=article.result if article else None,
                  submitted="text" in request.query_params or "url" in request.query_params, page_title="Match a claim")


@router.get("/api/match", tags=["api"], responses={429: {"description": "Rate limited; see Retry-After."}})
def match_json(
    request: Request, mq: MatchQuery = Depends(match_query), store: Store = Depends(get_store)
) -> dict[str, Any]:
    """Fact-checks and facts that address ``text`` (or the article at ``url``), best first, with the
    calibrated decision. For an article (over 400 characters) each check-worthy sentence is
    matched on its own: ``sentences`` lists them with their decision, ``probability`` and
    ``matches``, most probably addressed first, and the top-level decision is the best sentence's."""
    if mq.text is not None or mq.url is not None:
        metered(request)
    result = match_view(request, store, mq)
    if result is None:
        raise InputError("Nothing to match: text is empty. Call /api/match?text=CLAIM or ?url=ARTICLE_URL "
                         "(optionally &k=5).")
    return result.as_dict()
