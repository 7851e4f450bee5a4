"""The network page's pre-filter: the FTS index instead of a LIKE on every document of the accounts.

Real posts ingested from a JSONL export, the real coordination stage, a real SQLite store. The
objects are written the ways posts write them: hashtags in mixed case, with an underscore, in
Cyrillic capitals, only in the export's ``hashtags`` column; URLs with a capitalised host, a
trailing full stop, a fragment, only in the ``links`` column. Noise posts of the same accounts in
the same span carry the words without the '#' and longer URLs: the store may return them (a
superset) and the graph must not count them.

Before: every hashtag or URL needle was a LIKE on the text, meta and Latin key of each of the
accounts' documents in the span: 1.25 s for ten hashtags on the demo plus 100k generated documents
(9k of them the accounts'), now 0.03 s through documents_fts and the '#' or '://' in the text; the
page's first view 1.6 s -> 0.25 s (load ~11).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ACCOUNTS = ("ana_ns", "boris_bg", "ceca_ni", "dule_kg")
START = datetime(2026, 10, 1, 8, 0, tzinfo=timezone.utc)


def posts() -> list[dict]:
    def at(minutes: float, seconds: int) -> str:
        return (START + timedelta(minutes=minutes, seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")

    rows = []
    for r in range(4):  # four bursts: each account shares the same two hashtags and URL within seconds
        url = f"https://news.example/vesti/{r}/cirilica"
        forms = [
            {"text": f"Podrzite #Ne_Damo i #ЋИРИЛИЦА {url.replace('news.example', 'News.Example')}"},
            {"text": f"#ne_damo #ћирилица procitajte {url}."},
            {"text": "Pogledajte ovo", "hashtags": ["ne_damo", "ћирилица"], "links": [url]},
            {"text": f"Vidi {url}#komentari #NE_DAMO #Ћирилица"},
        ]
        for i, (account, form) in enumerate(zip(ACCOUNTS, forms)):
            rows.append({"author": account, "published_at": at(r * 90, 5 * i), "platform": "x",
                         "external_id": f"{account}-{r}", **form})
        # Noise: the words without '#', a longer URL; same accounts, same span, hours away from any burst.
        for i, account in enumerate(ACCOUNTS):
            rows.append({"author": account, "published_at": at(r * 90 + 40, 300 * i), "platform": "x",
                         "external_id": f"{account}-noise-{r}",
                         "text": f"Ne damo cirilicu, kaze {account}: https://news.example/vesti/{r}/cirilica-2"})
    return rows


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from factwatch.analysis.shares import detect_coordination
    from factwatch.ingest.service import ingest_path
    from factwatch.store import open_store

    folder = tmp_path_factory.mktemp("network")
    export = folder / "posts.jsonl"
    export.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts()), encoding="utf-8")
    db = folder / "factwatch.db"
    with open_store(str(db)) as s:
        ingest_path(s, str(export), fmt="jsonl", source="x-export")
        detect_coordination(s)
    with open_store(str(db), access="read") as s:
        yield s


def networks(store, kind: str):
    found = [n for n in store.list_coordination_networks(kind=kind, limit=50)]
    assert found, f"the stage stored no {kind} network"
    return [store.get_coordination_network(n.id) for n in found]


@pytest.mark.parametrize("kind", ["hashtag", "url"])
def test_the_fts_prefilter_loses_no_share(store, kind):
    from factwatch.web._network import network_graph

    for network in networks(store, kind):
        narrowed, full = network_graph(store, network), network_graph(store, network, narrow=False)
        assert narrowed == full
        assert set(network.accounts) == set(ACCOUNTS)
        for obj, _count in network.top_objects:
            shared_by = {s.account for s in narrowed.shares if s.object == obj}
            assert shared_by == set(ACCOUNTS), obj  # text, meta column, capitals, Cyrillic, punctuation


def test_hashtag_objects_include_cyrillic_and_underscore(store):
    (network,) = networks(store, "hashtag")
    assert {str(o) for o, _ in network.top_objects} == {"#ne_damo", "#ћирилица"}


def test_the_accounts_documents_are_narrowed_through_the_fts_index(store):
    """The query the page runs reads documents_fts, and no LIKE on the text or the Latin key."""
    from factwatch.web import _network

    (network,) = networks(store, "hashtag")
    statements: list[tuple[str, list]] = []
    run = store._query
    store._query = lambda sql, params=(): statements.append((sql, list(params))) or run(sql, params)
    try:
        _network.network_graph(store, network)
    finally:
        del store._query  # back to the class's method
    ((sql, params),) = [(s, p) for s, p in statements if "FROM documents d" in s]
    assert "documents_fts" in sql and "d.text LIKE" not in sql and "d.latin_key LIKE" not in sql
    plan = " ".join(str(r[3]) for r in store._conn.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert "documents_fts" in plan and "documents_author" in plan


def test_a_needle_without_a_token_falls_back_to_like(store):
    from factwatch.store._coordination import _fts_phrases

    assert _fts_phrases(["kosovo", "ћирилица"]) == '"kosovo"* OR "ћирилица"*'
    assert _fts_phrases(['say "hi"']) == '"say ""hi"""*'
    assert _fts_phrases(["__"]) is None and _fts_phrases([]) is None
    docs = store.account_share_documents(list(ACCOUNTS), needles=["__"])
    assert docs == []  # the LIKE path: no document holds "__"
