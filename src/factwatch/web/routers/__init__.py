"""One router per dashboard page family; each page's HTML and JSON forms call one view function.

As datasette serves a table as HTML and as ``.json`` from the same data, a view function here
returns a record of what the page shows; the HTML route renders it with a template and the
``/api`` route returns its ``as_dict()``.
"""

from factwatch.web.routers import (
    about,
    actors,
    apidocs,
    campaigns,
    claims,
    clusters,
    coordination,
    discovery,
    documents,
    facts,
    ingest_api,
    match,
    narratives,
    overview,
    pushers,
    review,
    runs,
    saved,
    sources,
    trends,
    users,
)

ROUTERS = (overview.router, actors.router, documents.router, sources.router, runs.router, claims.router, match.router,
           facts.router, clusters.router, coordination.router, narratives.router, discovery.router, pushers.router, trends.router,
           about.router, ingest_api.router, apidocs.router, review.router, saved.router,
           users.router, campaigns.router)

__all__ = ["ROUTERS"]
