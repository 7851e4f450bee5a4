"""Query-string parsing shared by the dashboard pages and the JSON API.

Both read the same filters from the same parameters, so a page URL and its API URL differ
only by the ``/api`` prefix. Bad values raise ``InputError`` (a 400), never a 500 or a
silently empty result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urlencode

from factwatch.errors import InputError

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_QUERY_CHARS = 500

# ISO 639-1/-3 codes as the store holds them (sr, hr, cnr, und).
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
# C0 controls but tab and newlines. A NUL in ?q= broke the FTS5 query (a 500; issue 7 item 8),
# and no filter value has a reason to hold one.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# SQLite integers are signed 64-bit; a larger id overflowed in the driver (a 500; issue 7 item 8).
MAX_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """The filters of ``/documents`` and ``/api/documents``, validated."""

    language: str | None = None
    source: str | None = None
    since: str | None = None
    until: str | None = None
    q: str | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def store_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``store.count_documents`` (add limit/offset for ``list_documents``)."""
        return {
            "language": self.language,
            "source": self.source,
            "since": self.since,
            "until": self.until,
            "query": self.q,
        }

    def query_string(self, **overrides: Any) -> str:
        """This filter as a query string, leaving out empty values and default paging."""
        values = {
            "language": self.language, "source": self.source, "since": self.since,
            "until": self.until, "q": self.q, "limit": self.limit, "offset": self.offset,
        }
        values.update(overrides)
        if values["limit"] == DEFAULT_LIMIT:
            values["limit"] = None
        if not values["offset"]:
            values["offset"] = None
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})

    @property
    def active(self) -> bool:
        return any((self.language, self.source, self.since, self.until, self.q))


def _text(params: Mapping[str, str], name: str, *, max_chars: int = 200) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if len(value) > max_chars:
        raise InputError(f"{name} is {len(value)} characters long; keep it under {max_chars}.")
    if _CONTROL_RE.search(value):
        raise InputError(f"{name} contains a control character (such as NUL); remove it.")
    return value


def parse_date(value: str | None, *, name: str) -> str | None:
    """Accept YYYY-MM-DD or an ISO 8601 timestamp; return it in the store's form.

    A bare date is passed on as is: the store reads ``until=YYYY-MM-DD`` as the whole day.
    A timestamp is converted to UTC ``YYYY-MM-DDTHH:MM:SSZ`` so string comparison with
    ``published_at`` (stored that way) is correct.
    """
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            # 0001-01-01T00:00:00+01:00 falls before year 1 in UTC: OverflowError, not ValueError.
            moment = moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise InputError(
            f"{name}={value!r} is not a date; use YYYY-MM-DD (e.g. 2024-03-01) or an ISO 8601 timestamp "
            "between the years 1 and 9999."
        ) from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_int(value: str | None, *, name: str, default: int, minimum: int, maximum: int) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise InputError(f"{name}={value!r} is not a whole number.") from None
    if not minimum <= number <= maximum:
        raise InputError(f"{name}={number} is out of range; use {minimum} to {maximum}.")
    return number


def parse_document_filter(params: Mapping[str, str]) -> DocumentFilter:
    language = _text(params, "language", max_chars=3)
    if language is not None:
        language = language.lower()
        if not _LANGUAGE_RE.match(language):
            raise InputError(f"language={language!r} is not a language code; use e.g. sr, hr, sq, mk, cnr.")
    since = parse_date(_text(params, "since", max_chars=40), name="since")
    until = parse_date(_text(params, "until", max_chars=40), name="until")
    if since and until and since[:10] > until[:10]:
        raise InputError(f"since={since} is after until={until}; swap them.")
    return DocumentFilter(
        language=language,
        source=_text(params, "source"),
        since=since,
        until=until,
        q=_text(params, "q", max_chars=MAX_QUERY_CHARS),
        limit=parse_int(params.get("limit"), name="limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT),
        offset=parse_int(params.get("offset"), name="offset", default=0, minimum=0, maximum=10**9),
    )


def parse_document_id(value: str) -> int:
    """A document id from the path; anything but a positive integer names no document."""
    from factwatch.errors import NotFoundError

    if not value.isascii() or not value.isdigit() or len(value) > 19 or int(value) > MAX_ID:
        raise NotFoundError(f"No document {value!r}; document ids are numbers, see /documents.")
    return int(value)


_ADDRESSED = {"": None, "all": None, "yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
# The analyst decision on a claim's best match (pending: addressed, undecided), and the stance
# the match stage stored (analysis/stance.py).
REVIEW_CHOICES = ("pending", "confirmed", "rejected")
STANCE_CHOICES = ("repeats", "rejects", "reports", "asks")


# By default a claim scored below this is hidden unless the fact base addresses it or an analyst
# decided on it. The claims stage keeps everything from 0.3 up; in the demo, 0.3-0.5 holds a quarter
# of the claims, routine news ("Mandat je obnovljen u Vijeću sigurnosti UN-a.") beside short
# disinformation slogans ("Američke biolaboratorije u Severnoj Makedoniji!", 0.33) that the fact
# base does address: a bare threshold would hide those. An explicit min_score is a plain threshold.
DEFAULT_MIN_SCORE = 0.5
MATCH_CHOICES = ("none", "candidate", "confirmed", "rejected")
STATUS_CHOICES = ("new", "in_review", "responded")
SORT_CHOICES = ("recency", "spread", "score")
ACTOR_TYPE_CHOICES = ("state", "state-affiliated", "non-state", "independent media", "unknown")


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    """The filters of ``/claims`` and ``/api/claims``, validated."""

    addressed: bool | None = None
    language: str | None = None
    source: str | None = None
    q: str | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    review: str | None = None
    stance: str | None = None
    since: str | None = None
    until: str | None = None
    actor_type: str | None = None
    country: str | None = None
    narrative: str | None = None
    min_score: float | None = None  # None: the default rule above
    match: str | None = None
    status: str | None = None
    assignee: str | None = None
    fact_check: int | None = None
    sort: str = "recency"

    @property
    def addressed_param(self) -> str:
        return "all" if self.addressed is None else ("yes" if self.addressed else "no")

    def triage_query(self) -> Any:
        """The store's ``TriageQuery`` for these filters (``review=pending`` is ``match=candidate``)."""
        from factwatch.store._workflow import TriageQuery

        match = self.match or {"pending": "candidate"}.get(self.review or "", self.review)
        return TriageQuery(
            since=self.since, until=self.until, language=self.language, source=self.source,
            actor_type=self.actor_type, country=self.country, narrative=self.narrative,
            min_score=self.min_score or None, match=match,
            hide_below=DEFAULT_MIN_SCORE if self.min_score is None else None, status=self.status, assignee=self.assignee,
            fact_check=self.fact_check, q=self.q, sort=self.sort,
            addressed=self.addressed, stance=self.stance,
        )

    def query_string(self, **overrides: Any) -> str:
        values: dict[str, Any] = {
            "addressed": None if self.addressed is None else self.addressed_param,
            "language": self.language, "source": self.source, "q": self.q,
            "review": self.review, "stance": self.stance, "since": self.since, "until": self.until,
            "actor_type": self.actor_type, "country": self.country, "narrative": self.narrative,
            "min_score": self.min_score, "match": self.match, "status": self.status, "assignee": self.assignee,
            "fact_check": self.fact_check, "sort": self.sort, "limit": self.limit, "offset": self.offset,
        }
        values.update(overrides)
        if values["limit"] == DEFAULT_LIMIT:
            values["limit"] = None
        if not values["offset"]:
            values["offset"] = None
        if values["sort"] == "recency":
            values["sort"] = None
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})

    @property
    def active(self) -> bool:
        return self.addressed is not None or self.min_score is not None or any((
            self.language, self.source, self.q, self.review, self.stance, self.since, self.until, self.actor_type,
            self.country, self.narrative, self.match, self.status, self.assignee, self.fact_check))


def _language(params: Mapping[str, str]) -> str | None:
    language = _text(params, "language", max_chars=3)
    if language is None:
        return None
    language = language.lower()
    if not _LANGUAGE_RE.match(language):
        raise InputError(f"language={language!r} is not a language code; use e.g. sr, hr, sq, mk, cnr.")
    return language


def parse_paging(params: Mapping[str, str]) -> tuple[int, int]:
    """(limit, offset) from the query string."""
    return (
        parse_int(params.get("limit"), name="limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT),
        parse_int(params.get("offset"), name="offset", default=0, minimum=0, maximum=10**9),
    )


def parse_claim_filter(params: Mapping[str, str]) -> ClaimFilter:
    raw = (params.get("addressed") or "").strip().lower()
    if raw not in _ADDRESSED:
        raise InputError(f"addressed={raw!r} is not understood; use yes, no or all.")
    limit, offset = parse_paging(params)
    since = parse_date(_text(params, "since", max_chars=40), name="since")
    until = parse_date(_text(params, "until", max_chars=40), name="until")
    if since and until and since[:10] > until[:10]:
        raise InputError(f"since={since} is after until={until}; swap them.")
    fact_check = _text(params, "fact_check", max_chars=19)
    if fact_check is not None and not (fact_check.isascii() and fact_check.isdigit() and int(fact_check) <= MAX_ID):
        raise InputError(f"fact_check={fact_check!r} is not a fact-check id (a number, see /facts).")
    return ClaimFilter(
        addressed=_ADDRESSED[raw],
        language=_language(params),
        source=_text(params, "source"),
        q=_text(params, "q", max_chars=MAX_QUERY_CHARS),
        limit=limit,
        offset=offset,
        review=_choice(params, "review", REVIEW_CHOICES),
        stance=_choice(params, "stance", STANCE_CHOICES),
        since=since,
        until=until,
        actor_type=_choice(params, "actor_type", ACTOR_TYPE_CHOICES),
        country=_text(params, "country", max_chars=60),
        narrative=_text(params, "narrative", max_chars=200),
        min_score=parse_score(params.get("min_score")),
        match=_choice(params, "match", MATCH_CHOICES),
        status=_choice(params, "status", STATUS_CHOICES),
        assignee=_text(params, "assignee", max_chars=100),
        fact_check=int(fact_check) if fact_check is not None else None,
        sort=_choice(params, "sort", SORT_CHOICES) or "recency",
    )


def parse_score(value: str | None) -> float | None:
    """``min_score``: a check-worthiness between 0 and 1 (0 shows every claim); None when not given."""
    if value is None or value.strip() == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"min_score={value[:40]!r} is not a number; use 0 to 1 (0 shows every claim).") from None
    if not 0.0 <= number <= 1.0:  # NaN fails this too
        raise InputError(f"min_score={number} is out of range; use 0 to 1 (0 shows every claim).")
    return number


def _choice(params: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str | None:
    raw = (params.get(name) or "").strip().lower()
    if raw in ("", "all", "any"):
        return None
    if raw not in choices:
        raise InputError(f"{name}={raw[:40]!r} is not understood; use {', '.join(choices)} or all.")
    return raw


def parse_claim_id(value: str) -> int:
    """A claim id from the path; anything but a positive integer names no claim."""
    from factwatch.errors import NotFoundError

    if not value.isascii() or not value.isdigit() or len(value) > 19 or int(value) > MAX_ID:
        raise NotFoundError(f"No claim {value!r}; claim ids are numbers, see /claims.")
    return int(value)


MATCH_MAX_K = 20
MATCH_MAX_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class MatchQuery:
    """The ``/match`` and ``/api/match`` input: ``text`` is None when the form is empty."""

    text: str | None
    k: int = 5
    url: str | None = None  # a page to fetch and match instead of pasted text


def parse_match_query(params: Mapping[str, str]) -> MatchQuery:
    text = params.get("text") or ""
    if len(text) > MATCH_MAX_CHARS:
        raise InputError(f"text is {len(text):,} characters long; paste at most {MATCH_MAX_CHARS:,} (one article).")
    # Pasted articles may carry stray controls; they mean nothing to the matcher.
    text = _CONTROL_RE.sub(" ", text)
    k = parse_int(params.get("k"), name="k", default=5, minimum=1, maximum=MATCH_MAX_K)
    url = _text(params, "url", max_chars=2000)
    if url is not None and not re.match(r"^https?://[^\s]+$", url, re.IGNORECASE):
        raise InputError(f"url={url[:80]!r} is not an http(s) URL; paste the article's address, such as https://example.rs/vest.")
    if url is not None and text.strip():
        raise InputError("Give either text or url, not both.")
    return MatchQuery(text=text if text.strip() else None, k=k, url=url)
