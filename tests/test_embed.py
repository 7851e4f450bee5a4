"""e5 embeddings: normalised vectors, the text-hash cache, the embed_claims stage."""

from __future__ import annotations

import numpy as np

from factwatch.analysis.embed import DIM, embed_new_claims, embed_texts


def test_vectors_are_normalised_and_cached(store):
    stats: dict[str, int] = {}
    texts = ["NATO bombed Serbia in 1999.", "NATO  bombed Serbia in 1999.", "Kosovo declared independence in 2008."]
    v = embed_texts(store, texts, kind="passage", stats=stats)
    assert v.shape == (3, DIM) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert stats == {"embedded": 2, "cached": 0}  # whitespace copies share one hash
    assert np.array_equal(v[0], v[1])
    again: dict[str, int] = {}
    assert np.array_equal(embed_texts(store, texts, kind="passage", stats=again), v)
    assert again == {"embedded": 0, "cached": 2}
    q = embed_texts(store, texts[:1], kind="query")
    assert not np.array_equal(q[0], v[0])  # query and passage prefixes differ


def test_cross_lingual_similarity(store):
    q = embed_texts(store, ["Влада Косова забранила је Српску православну цркву."], kind="query")[0]
    p = embed_texts(store, ["The Kosovo government has banned the Serbian Orthodox Church.",
                            "Croatia joined the Schengen area in 2023."], kind="passage")
    assert p[0] @ q > p[1] @ q


def test_embed_new_claims_twice(store):
    import hashlib

    from factwatch.analysis._text import latin_key
    from factwatch.analysis.claims import extract_claims
    from factwatch.models import NewDocument

    texts = ["NATO je 1999. bombardovao Srbiju, izjavio je ministar. Hvala na pažnji!",
             "NATO je 1999. bombardovao Srbiju, izjavio je ministar."]
    docs = [NewDocument(platform="web", source=f"s{i}", text=t, language="sr", script="Latn",
                        latin_key=latin_key(t, "sr"), content_hash=hashlib.sha1(f"{i}{t}".encode()).hexdigest(),
                        position=str(i)) for i, t in enumerate(texts)]
    store.insert_documents(docs, run_id=store.start_run("ingest", "t"))
    extract_claims(store)
    first = embed_new_claims(store)
    assert first.claims == 2 and first.embedded == 1  # the copied sentence is embedded once
    counts = store.fact_base_counts()
    second = embed_new_claims(store)
    assert (second.claims, second.embedded) == (0, 0) and store.fact_base_counts() == counts


def test_cyrillic_and_latin_copies_of_a_claim_share_one_vector(store):
    # Regression (issue 6 item 7): copies in the other script were embedded again, although they
    # are one sentence to the matcher (one Latin key).
    import hashlib

    from factwatch.analysis._text import latin_key
    from factwatch.analysis.claims import extract_claims
    from factwatch.models import NewDocument

    texts = [("НАТО је 1999. бомбардовао Србију, изјавио је министар одбране.", "Cyrl"),
             ("NATO je 1999. bombardovao Srbiju, izjavio je ministar odbrane.", "Latn")]
    docs = [NewDocument(platform="web", source=f"s{i}", text=t, language="sr", script=sc,
                        latin_key=latin_key(t, "sr"), content_hash=hashlib.sha1(f"{i}{t}".encode()).hexdigest(),
                        position=str(i)) for i, (t, sc) in enumerate(texts)]
    store.insert_documents(docs, run_id=store.start_run("ingest", "t"))
    extract_claims(store)
    claims = store.claims_after(0)
    assert len(claims) == 2 and claims[0].latin_key == claims[1].latin_key
    stats = embed_new_claims(store)
    assert (stats.claims, stats.embedded) == (2, 1)
    vecs = store.claim_vectors([c.id for c in claims])
    assert vecs[claims[0].id] == vecs[claims[1].id]
