"""Published response cards: public without login, ClaimReview JSON-LD, Atom; nothing else public.

A real store with a fact base and the match stage run; the claim published here carries script
tags, an HTML comment opener, ``&`` and ``]]>``, so the JSON-LD and the feed are tried with the
text most likely to break out of them.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from _live import add_user, bearer, login
from factwatch.store import open_store
from factwatch.web.app import create_app
from test_web_claims import DATA, DOCS, _doc

LOCAL = "http://127.0.0.1"
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = ("Влада Косова је забранила Српску православну цркву у целом Косову </script><script>alert(1)</script>"
           "<!-- & ]]> крај.")
HOSTILE_DOC = _doc("evil-portal", "sr", "2024-03-06T08:00:00Z", "Вест", f"Увод. {HOSTILE} Крај.", "https://evil.example/5")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    from factwatch.ingest.facts import import_facts
    from factwatch.pipeline import run_pipeline

    path = tmp_path_factory.mktemp("public") / "factwatch.db"
    docs = [*DOCS, HOSTILE_DOC]
    with open_store(str(path)) as store:
        import_facts(store, DATA / "facts.yaml")
        run_id = store.start_run("ingest", "tests/test_public_pages.py")
        store.insert_documents(docs, run_id=run_id)
        store.finish_run(run_id, status="done", inserted=len(docs), duplicates=0, rejected=0)
        run_pipeline(store)
    add_user(path, "ana", "analyst")
    add_user(path, "vera", "viewer")
    return path


@pytest.fixture
def site(db: Path, tmp_path: Path):
    """A fresh copy per test, so what one test publishes is not public in another."""
    copy = tmp_path / "site.db"
    copy.write_bytes(db.read_bytes())
    return copy


def _claim_of(store, source: str) -> int:
    (claim_id,) = [c.id for c in store.list_claim_rows(limit=100) if c.source == source]
    return claim_id


def _confirm(db: Path, source: str) -> int:
    from factwatch.respond.review import decide_match

    with open_store(str(db)) as store:
        claim_id = _claim_of(store, source)
        decide_match(store, f"{claim_id}.1", decision="confirmed", reviewer="ana")
    return claim_id


class _Scripts(HTMLParser):
    """Every <script> element as the browser's parser sees it: (attributes, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def _scripts(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = _Scripts()
    parser.feed(html)
    return parser.scripts


def test_publishing_needs_a_confirmed_match_and_an_analyst(site):
    with open_store(str(site)) as store:
        claim_id = _claim_of(store, "evil-portal")
    with TestClient(create_app(str(site)), base_url=LOCAL) as c:
        analyst, viewer = bearer(site, "analyst", name="ana"), bearer(site, "viewer", name="vera")
        candidate = c.post(f"/api/claims/{claim_id}/publish", headers=analyst)
        assert candidate.status_code == 400 and "confirm the match first" in candidate.json()["error"]
        _confirm(site, "evil-portal")
        assert c.post(f"/api/claims/{claim_id}/publish", headers=viewer).status_code == 403
        assert c.get(f"/public/cards/{claim_id}").status_code == 404
        ok = c.post(f"/api/claims/{claim_id}/publish", headers=analyst).json()
        assert ok["url"] == f"/public/cards/{claim_id}" and ok["published_by"] == "ana"
        assert c.get(f"/public/cards/{claim_id}").status_code == 200


def test_public_card_carries_claimreview_json_ld_that_survives_hostile_text(site):
    claim_id = _confirm(site, "evil-portal")
    with TestClient(create_app(str(site)), base_url=LOCAL) as c:
        c.post(f"/api/claims/{claim_id}/publish", headers=bearer(site, "analyst", name="ana"))
        card = c.get(f"/api/claims/{claim_id}/card", headers=bearer(site, "viewer", name="vera")).json()
        page = c.get(f"/public/cards/{claim_id}")  # no credentials
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    html = page.text
    # Exactly one script element, and it is the data block: the claim's </script><script> did not
    # close it and open another, and nothing executable is on the page.
    scripts = _scripts(html)
    assert [attrs.get("type") for attrs, _ in scripts] == ["application/ld+json"]
    assert "alert(1)</script>" not in html and "<!--" not in scripts[0][1]
    review = json.loads(scripts[0][1])
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == card["quote"] and "</script><script>alert(1)" in review["claimReviewed"]
    assert review["reviewRating"]["alternateName"] == card["verdict"] and card["verdict"]
    assert review["url"] == f"{LOCAL}/public/cards/{claim_id}"
    assert review["itemReviewed"]["appearance"][0]["url"] == "https://evil.example/5"
    assert review["citation"][0]["url"].startswith("https://factcheck.example.org/")
    assert review["reviewBody"] == card["draft"] and review["inLanguage"] == "sr"
    # The page is in the language (and script) of the card's drafts, labels included; the hostile
    # text shows as text.
    from factwatch.web.routers.public import labels_for

    assert card["draft_language"].startswith("sr") and f'<html lang="{card["draft_language"]}">' in html
    assert f"<h1>{labels_for(card['draft_language'])['claim']}</h1>" in html and "<h1>Claim</h1>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_team_edited_draft_is_what_goes_public(site):
    claim_id = _confirm(site, "evil-portal")
    with open_store(str(site)) as store:
        store.save_reply_draft(claim_id, "long", "Ово није тачно: црква ради. Извор: провера чињеница.",
                               edited_by="ana")
    with TestClient(create_app(str(site)), base_url=LOCAL) as c:
        c.post(f"/api/claims/{claim_id}/publish", headers=bearer(site, "analyst", name="ana"))
        html = c.get(f"/public/cards/{claim_id}").text
    review = json.loads(_scripts(html)[0][1])
    assert review["reviewBody"] == "Ово није тачно: црква ради. Извор: провера чињеница."
    assert "Ово није тачно: црква ради." in html


def test_nothing_unpublished_is_reachable(site):
    claim_id = _confirm(site, "evil-portal")
    with open_store(str(site)) as store:
        others = [c.id for c in store.list_claim_rows(limit=100) if c.id != claim_id]
        secret_texts = [c.text for c in store.list_claim_rows(limit=100) if c.id != claim_id]
    with TestClient(create_app(str(site)), base_url=LOCAL) as c:
        # Before anything is published: the list and feed are empty, every card 404.
        assert c.get(f"/public/cards/{claim_id}").status_code == 404
        c.post(f"/api/claims/{claim_id}/publish", headers=bearer(site, "analyst", name="ana"))
        probes = [f"/public/cards/{i}" for i in [*others, 0, 999999, 10**20]] + [
            "/public/cards/abc", f"/public/cards/{others[0]}.json", f"/public/cards/{claim_id}/card.json",
            f"/public/cards/%2e%2e/claims/{others[0]}", f"/public/../claims/{others[0]}", "/public/claims",
            f"/public/cards/{claim_id}x", f"/public/cards/-{claim_id}", "/public/documents",
        ]
        for path in probes:
            r = c.get(path, follow_redirects=False)
            assert r.status_code in (303, 404), path  # 303: a non-public path asks for a login
            assert not any(text[:40] in r.text for text in secret_texts), path
        listing = c.get("/public/cards").text
        feed = c.get("/public/feed.atom").text
        assert f"/public/cards/{claim_id}" in listing and f"/public/cards/{claim_id}" in feed
        assert not any(f"/public/cards/{i}\"" in listing + feed for i in others)
        # Withdrawn: gone from the page, the list and the feed.
        c.post(f"/api/claims/{claim_id}/unpublish", headers=bearer(site, "analyst", name="ana"))
        assert c.get(f"/public/cards/{claim_id}").status_code == 404
        assert f"/public/cards/{claim_id}" not in c.get("/public/cards").text + c.get("/public/feed.atom").text


def test_atom_feed_is_well_formed_atom_with_every_published_card(site):
    hostile = _confirm(site, "evil-portal")
    with TestClient(create_app(str(site)), base_url=LOCAL) as c:
        c.post(f"/api/claims/{hostile}/publish", headers=bearer(site, "analyst", name="ana"))
        r = c.get("/public/feed.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)  # raises on anything that is not well-formed XML
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    (entry,) = root.findall(f"{ATOM}entry")
    for required in ("id", "title", "updated", "link", "content"):
        assert entry.find(f"{ATOM}{required}") is not None, required
    assert entry.find(f"{ATOM}id").text == f"{LOCAL}/public/cards/{hostile}"
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang", "").startswith("sr")
    assert "</script><script>alert(1)" in entry.find(f"{ATOM}title").text  # text, escaped in the XML
    assert b"<script>" not in r.content


def test_claim_page_offers_publish_to_analysts_with_csrf(site):
    claim_id = _confirm(site, "evil-portal")
    with TestClient(create_app(str(site)), base_url=LOCAL) as c:
        csrf = login(c, "ana")
        page = c.get(f"/claims/{claim_id}").text
        assert f'action="/claims/{claim_id}/publish"' in page and csrf in page
        r = c.post(f"/claims/{claim_id}/publish", data={"csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/claims/{claim_id}#publish"
        assert f'href="/public/cards/{claim_id}"' in c.get(f"/claims/{claim_id}").text
        assert c.post(f"/claims/{claim_id}/unpublish", data={}).status_code == 403  # no token: refused
        assert c.get(f"/public/cards/{claim_id}").status_code == 200


def test_publish_box_in_serbian_latin_and_cyrillic(site):
    claim_id = _confirm(site, "evil-portal")
    with TestClient(create_app(str(site)), base_url=LOCAL) as c:
        csrf = login(c, "ana")
        page = c.get(f"/claims/{claim_id}?lang=sr-Latn").text
        assert "Nije objavljeno. Objavljivanje stavlja karticu" in page and ">Objavi</button>" in page
        c.post(f"/claims/{claim_id}/publish", data={"csrf_token": csrf})
        page = c.get(f"/claims/{claim_id}?lang=sr-Cyrl").text
        box = page.split('id="publish"', 1)[1].split("</section>", 1)[0]
        assert "Објавио ana" in box and "ClaimReview" in box  # the name and the format stay as they are
        assert ">Повуци</button>" in box and "Ponovo" not in box and "Publish" not in box
