"""Templates, security headers and error responses shared by every router.

Text from sources is hostile, so templates autoescape everything and the
Content-Security-Policy forbids inline scripts; a stored ``<script>`` shows as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from factwatch.errors import ConfigError, FactwatchError, FetchError, InputError, NotFoundError, StoreError
from factwatch.web._alert_text import alert_summary
from factwatch.web._auth import csrf_token, current_user
from factwatch.web._i18n import activate as activate_language
from factwatch.web._i18n import install as install_i18n
from factwatch.web._views import make_snippet, pretty_json, safe_href

HERE = Path(__file__).resolve().parent

# The navigation bar, in order. Pages added later append here.
NAV: list[tuple[str, str]] = [
    ("/", "Overview"),
    ("/documents", "Documents"),
    ("/sources", "Sources"),
    ("/actors", "Actors"),  # who owns the sources; an actor's profile: all its sources together
    ("/runs", "Runs"),
    ("/claims", "Claims"),  # check-worthy claims, their best fact-check, spread and response card
    ("/review", "Review"),  # the review queue (matches, narrative labels, candidate narratives) and audit list
    ("/match", "Match"),  # fact-checks that address a pasted text
    ("/facts", "Facts"),  # the fact base: fact-checks and official statements
    ("/clusters", "Clusters"),  # story clusters: copies across outlets, scripts and platforms
    ("/coordination", "Coordination"),  # accounts sharing the same object within seconds, repeatedly
    ("/campaigns", "Campaigns"),  # coordinated networks with their narratives, owners and fact-checks
    ("/narratives", "Narratives"),  # the narrative catalogue and how many documents carry each
    ("/discovery", "Candidates"),  # candidate new narratives: clusters of claims no narrative matches
    ("/trends", "Trends"),  # documents over time per narrative, source, actor type, language, platform
    ("/alerts", "Alerts"),  # narrative spikes, state actors starting a narrative, coordinated amplification
    ("/report", "Briefing"),  # the briefing for a period, as `factwatch report`; .md and .html downloads
    ("/saved", "Saved"),  # saved searches of any list; those of /documents can become alerts
    ("/about", "About"),  # what p, candidate, review and stance mean (linked from every p shown)
    ("/users", "Users"),  # admins only (base.html hides it from others): accounts, roles, API tokens
]

# `default-src 'self'` alone already blocks inline scripts and styles; the rest closes what
# default-src does not cover (framing, <base> hijack, form posts elsewhere).
CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # Source links leave the dashboard; do not tell a propaganda outlet who is reading it.
    "Referrer-Policy": "no-referrer",
}

# FactwatchError subclass -> HTTP status; the first match in MRO order wins.
ERROR_STATUS: dict[type[FactwatchError], int] = {
    NotFoundError: 404,
    InputError: 400,
    ConfigError: 400,
    FetchError: 502,
    StoreError: 503,
    FactwatchError: 400,
}
STATUS_TITLES = {400: "bad request", 404: "not found", 429: "too many requests", 500: "server error"}


def error_status(exc: FactwatchError) -> int:
    for cls in type(exc).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 400


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        # Explicit, not left to a default: every {{ }} is escaped unless marked safe.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["nav"] = NAV
    env.globals["status_titles"] = STATUS_TITLES
    env.filters["safe_href"] = safe_href
    env.filters["snippet"] = make_snippet
    env.filters["pretty_json"] = pretty_json
    install_i18n(env)  # _(), language_name, url_with (web/_i18n.py)
    env.globals["alert_summary"] = alert_summary  # an alert in the interface language (web/_alert_text.py)
    return env


TEMPLATES = Jinja2Templates(env=_environment())


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("page_title", None)
    context.setdefault("ui_lang", activate_language(request))  # the interface language, for _() and <html lang>
    # Every page knows who is logged in (nav, role-dependent buttons) and carries the CSRF token
    # its forms post back (<input type="hidden" name="csrf_token" value="{{ csrf_token }}">).
    context.setdefault("user", current_user(request))
    context.setdefault("csrf_token", csrf_token(request))
    return TEMPLATES.TemplateResponse(
        request, name, {"current": request.url.path, **context}, status_code=status_code
    )


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def error_response(
    request: Request, status: int, message: str, *, headers: dict[str, str] | None = None
) -> Response:
    """A ``{"error": message}`` body under /api, the error page elsewhere; security headers on both.

    The headers are set here, not only by the middleware, because the last-resort 500 handler
    runs outside every middleware (Starlette's ServerErrorMiddleware is the outermost layer).
    """
    all_headers = {**SECURITY_HEADERS, **(headers or {})}
    if is_api(request.url.path):
        return JSONResponse({"error": message}, status_code=status, headers=all_headers)
    response = render(request, "error.html", status_code=status, status=status, message=message,
                      page_title=f"{status}")
    response.headers.update(all_headers)
    return response
