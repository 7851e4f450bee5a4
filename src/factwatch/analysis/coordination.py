"""Coordinated sharing: accounts that share the same object within seconds, repeatedly.

The definition is CooRTweet 2.1.3's (nicolarighetti/CooRTweet, MIT; ``detect_groups`` and
``generate_coordinated_network``), which CooRnet and QUT's coordination-network-toolkit share
in outline:

1. Accounts with fewer than ``min_participation`` shares are dropped.
2. Two shares of the same object by different accounts, at most ``window`` seconds apart
   (inclusive), are a co-share. Loops go: a share paired with another share of its own account,
   and a share whose content id is the object itself (the original post is not a repost of it).
3. An account takes part when at least ``min_participation`` of its shares are in a co-share; a
   co-share stays when at least one of its two accounts takes part (CooRTweet's
   ``filter_min_participation`` keeps a row when either side qualifies).
4. An edge joins two accounts; its weight counts their co-shares (pairs of shares). Edges of
   weight at least ``min_weight`` are kept (default 2: co-shared more than once, the toolkit's
   default) and, when ``edge_quantile`` is given, only those strictly above that quantile of all
   weights (CooRTweet's edge_weight; R's type 7 is numpy's ``linear``). The quantile is relative:
   on a clean burst it drops real pairs (docs/coordination.md), so it is not the default.
5. A network is a connected component of the kept edges; Leiden (``leidenalg``, modularity)
   splits it into communities, reported per account.

``weight="messages"`` counts instead, for each ordered pair (A, B), the distinct shares of A
with at least one share of B in the window: coordination-network-toolkit's directed weight,
used to compare edge by edge (docs/coordination.md).

Cost: shares are sorted by (object, time) once and each share is paired with the shares after it
in its window by ``searchsorted``, so the work is the number of pairs in a window, never all
pairs of an object. Identical shares (same account, object and second) are collapsed into one
row with a multiplicity first, so one account posting an item 5,000 times at once is one row,
not 12.5 million loop pairs (tests/test_coordination_input.py).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from factwatch.errors import ConfigError, InputError

__all__ = [
    "CoordinationParams", "CoShares", "Network", "CoordinationResult", "OBJECT_KINDS",
    "co_shares", "coordinated_networks", "DEFAULT_WINDOW", "DEFAULT_MIN_PARTICIPATION", "DEFAULT_EDGE_QUANTILE",
    "DEFAULT_MIN_WEIGHT",
]

OBJECT_KINDS = ("url", "repost", "hashtag", "text", "media")
# Defaults and their reasons: docs/coordination.md. CooRTweet's own defaults are 10 s / 2 / 0.5;
# the demo's bursts span five minutes, and CooRnet-style studies use 60 s for links.
DEFAULT_WINDOW = 60.0
DEFAULT_MIN_PARTICIPATION = 2
DEFAULT_EDGE_QUANTILE: float | None = None
DEFAULT_MIN_WEIGHT = 2
# Pairs enumerated per block: bounds the memory of the pair arrays (two int32 + one float64 each).
_BLOCK_PAIRS = 8_000_000


@dataclass(frozen=True, slots=True)
class CoordinationParams:
    window: float = DEFAULT_WINDOW
    min_participation: int = DEFAULT_MIN_PARTICIPATION
    edge_quantile: float | None = DEFAULT_EDGE_QUANTILE
    min_weight: int = DEFAULT_MIN_WEIGHT
    object_kind: str = "url"
    weight: Literal["pairs", "messages"] = "pairs"

    def check(self) -> "CoordinationParams":
        if not (math.isfinite(self.window) and self.window >= 0):
            raise ConfigError(f"--window must be a number of seconds >= 0, not {self.window}")
        if self.min_participation < 1:
            raise ConfigError(f"--min-participation must be >= 1, not {self.min_participation}")
        if self.min_weight < 1:
            raise ConfigError(f"--min-weight must be >= 1, not {self.min_weight}")
        if self.edge_quantile is not None and not (0.0 <= self.edge_quantile <= 1.0):
            raise ConfigError(f"--edge-quantile must be between 0 and 1 (0.5 = median), not {self.edge_quantile}")
        if self.object_kind not in (*OBJECT_KINDS, "table"):  # "table": a --from-csv column
            raise ConfigError(f"--object must be one of {', '.join(OBJECT_KINDS)}, not {self.object_kind!r}")
        if self.weight not in ("pairs", "messages"):
            raise ConfigError(f"weight must be 'pairs' or 'messages', not {self.weight!r}")
        return self

    def as_dict(self) -> dict[str, Any]:
        return {"window": self.window, "min_participation": self.min_participation,
                "edge_quantile": self.edge_quantile, "min_weight": self.min_weight, "object": self.object_kind, "weight": self.weight}


@dataclass(frozen=True, slots=True)
class CoShares:
    """Every co-share that survived steps 1-3, as parallel arrays over collapsed share rows.

    ``row_*`` describe the collapsed rows (one per account, object and timestamp, with the
    number of original shares in ``row_mult``); ``i``/``j`` index them, ``i`` the earlier.
    """

    accounts: np.ndarray  # account labels (codes index it)
    objects: np.ndarray  # object labels
    row_account: np.ndarray
    row_object: np.ndarray
    row_time: np.ndarray
    row_mult: np.ndarray
    i: np.ndarray
    j: np.ndarray
    # With content ids: the posts inside each collapsed row (row_start[r] .. + row_mult[r] in
    # member_content), and each post's account; a post sharing two objects is one message.
    row_start: np.ndarray | None = None
    member_content: np.ndarray | None = None
    content_account: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class Network:
    id: str
    accounts: list[str]
    edges: int
    objects: int
    shares: int  # co-shares (pairs of shares) inside the network
    first_at: float
    last_at: float
    density: float
    median_lag: float
    score: float
    communities: dict[str, int] = field(default_factory=dict)
    account_shares: dict[str, int] = field(default_factory=dict)
    top_objects: list[tuple[str, int]] = field(default_factory=list)
    edge_list: list[tuple[str, str, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class CoordinationResult:
    networks: list[Network]
    parameters: CoordinationParams
    shares: int  # shares read
    accounts: int  # distinct accounts read
    coordinated_accounts: int
    edges: int  # kept edges (above the quantile)
    objects: int  # distinct objects on kept edges
    all_edges: int  # the full graph before the quantile
    all_accounts: int
    all_objects: int
    threshold: float  # the weight at the quantile (0 when none is given)
    skipped: dict[str, int] = field(default_factory=dict)
    # (account_a, account_b, weight) of the full graph, for comparisons; not in the JSON.
    graph: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _codes(values: Sequence[Any] | np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Integer codes in order of first appearance: a dict, not np.unique on strings, which took half
    the run on german_elections (sorting 41k Python strings)."""
    # dict.fromkeys and map over a bound method run in C: 10x a Python loop.
    index = {v: k for k, v in enumerate(dict.fromkeys(values))}
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    labels = np.array(["" if v is None else v if isinstance(v, str) else str(v) for v in index], dtype=object)
    return labels, codes, index


def _check_inputs(account: Any, obj: Any, time: Any, content: Any) -> np.ndarray:
    n = len(account)
    if len(obj) != n or len(time) != n or (content is not None and len(content) != n):
        raise InputError("account, object, time (and content) must be the same length")
    t = np.asarray(time, dtype=np.float64)
    bad = ~np.isfinite(t)
    if bad.any():
        raise InputError(f"{int(bad.sum())} share(s) without a usable timestamp (first at row {int(np.argmax(bad))}); "
                         "drop them or pass them through read_share_table, which skips and counts them")
    return t


def _check_accounts(labels: np.ndarray, codes: np.ndarray) -> None:
    blank = [k for k, label in enumerate(labels) if not label.strip()]
    if blank:
        empty = np.isin(codes, blank)
        raise InputError(f"{int(empty.sum())} share(s) with an empty account id (first at row {int(np.argmax(empty))}); "
                         "an empty id would make unrelated posts one account")


def co_shares(
    account: Sequence[Any] | np.ndarray, obj: Sequence[Any] | np.ndarray, time: Sequence[float] | np.ndarray,
    *, window: float, min_participation: int = 1, content: Sequence[Any] | np.ndarray | None = None,
) -> CoShares:
    """Steps 1-3 of the definition: the co-shares that survive the participation filter."""
    t = _check_inputs(account, obj, time, content)
    accounts, acc, _ = _codes(account)
    _check_accounts(accounts, acc)
    objects, ob, object_index = _codes(obj)
    n = len(t)
    # Step 1: the pre-filter counts every share, the object's own post included (as CooRTweet does).
    per_account = np.bincount(acc, minlength=len(accounts)) if n else np.zeros(len(accounts), np.int64)
    keep = per_account[acc] >= min_participation
    cc = content_account = None
    if content is not None:
        own = np.fromiter(map(object_index.get, content, itertools.repeat(-1)), dtype=np.int64, count=len(content))
        keep &= own != ob
        _, cc, _ = _codes(content)
        content_account = np.zeros(int(cc.max()) + 1 if len(cc) else 0, dtype=np.int64)
        content_account[cc[::-1]] = acc[::-1]  # a post id used by two accounts keeps its first
        cc = cc[keep]
    acc, ob, t = acc[keep], ob[keep], t[keep]
    # Collapse identical shares: same object, account and timestamp -> one row with a multiplicity.
    order = np.lexsort((t, acc, ob))
    acc, ob, t = acc[order], ob[order], t[order]
    member_content = cc[order] if cc is not None else None
    starts = np.zeros(0, dtype=np.int64)
    if len(t):
        new = np.ones(len(t), dtype=bool)
        new[1:] = (ob[1:] != ob[:-1]) | (acc[1:] != acc[:-1]) | (t[1:] != t[:-1])
        starts = np.flatnonzero(new)
        mult = np.diff(np.append(starts, len(t)))
        acc, ob, t = acc[starts], ob[starts], t[starts]
    else:
        mult = np.zeros(0, dtype=np.int64)
    # Rows by (object, time); a time axis that is monotone across objects, with a gap wider than
    # the window between two objects, lets one searchsorted find every row's window end.
    order = np.lexsort((t, ob))
    acc, ob, t, mult = acc[order], ob[order], t[order], mult[order]
    row_start = starts[order] if member_content is not None else None
    i, j = _pairs_in_window(ob, t, window)
    # Step 2: loops (same account) go.
    cross = acc[i] != acc[j]
    i, j = i[cross], j[cross]
    # Step 3: participation counts the shares in at least one co-share.
    if min_participation > 1 and len(i):
        in_pair = np.zeros(len(t), dtype=bool)
        in_pair[i] = True
        in_pair[j] = True
        took_part = np.bincount(acc[in_pair], weights=mult[in_pair], minlength=len(accounts)) >= min_participation
        stay = took_part[acc[i]] | took_part[acc[j]]
        i, j = i[stay], j[stay]
    return CoShares(accounts=accounts, objects=objects, row_account=acc, row_object=ob, row_time=t,
                    row_mult=mult, i=i, j=j, row_start=row_start, member_content=member_content,
                    content_account=content_account)


def _pairs_in_window(ob: np.ndarray, t: np.ndarray, window: float) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j), i < j, of rows of one object at most ``window`` seconds apart; rows sorted by (object, time)."""
    n = len(t)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    first = np.ones(n, dtype=bool)
    first[1:] = ob[1:] != ob[:-1]
    group = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    span = np.maximum.reduceat(t, starts) - t[starts]
    offset = np.concatenate(([0.0], np.cumsum(span + window + 1.0)[:-1]))
    axis = (t - t[starts][group]) + offset[group]
    hi = np.searchsorted(axis, axis + window, side="right")
    count = hi - np.arange(n) - 1
    total = int(count.sum())
    idx_type = np.int32 if n < 2**31 else np.int64
    out_i: list[np.ndarray] = []
    out_j: list[np.ndarray] = []
    # Blocks of rows whose pairs fit _BLOCK_PAIRS, so a dense object cannot allocate at once what
    # the whole run needs; the result itself is as large as the co-shares it holds.
    cum = np.cumsum(count)
    lo = 0
    while lo < n and total:
        base = int(cum[lo - 1]) if lo else 0
        hi_row = int(np.searchsorted(cum, base + _BLOCK_PAIRS, side="right"))
        hi_row = max(hi_row, lo + 1)
        c = count[lo:hi_row]
        m = int(c.sum())
        if m:
            rows = np.arange(lo, hi_row, dtype=np.int64)
            ii = np.repeat(rows, c)
            within = np.arange(m, dtype=np.int64) - np.repeat(np.cumsum(c) - c, c)
            out_i.append(ii.astype(idx_type))
            out_j.append((ii + 1 + within).astype(idx_type))
        lo = hi_row
    if not out_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_i).astype(np.int64), np.concatenate(out_j).astype(np.int64)


def _edges(cs: CoShares, weight: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Undirected edges (a < b), their weights, and the edge index of each co-share."""
    n_acc = max(len(cs.accounts), 1)
    ai, aj = cs.row_account[cs.i], cs.row_account[cs.j]
    a, b = np.minimum(ai, aj), np.maximum(ai, aj)
    key = a * n_acc + b
    keys, edge_of = np.unique(key, return_inverse=True)
    if weight == "pairs":
        w = np.bincount(edge_of, weights=(cs.row_mult[cs.i] * cs.row_mult[cs.j]).astype(np.float64),
                        minlength=len(keys))
    else:
        w = _message_weights(cs, keys, n_acc)
    return keys // n_acc, keys % n_acc, w, edge_of


def _message_weights(cs: CoShares, keys: np.ndarray, n_acc: int) -> np.ndarray:
    """Undirected weight as max of the two directed toolkit weights (see directed_message_weights)."""
    src, dst, w = directed_message_weights(cs)
    a, b = np.minimum(src, dst), np.maximum(src, dst)
    out = np.zeros(len(keys))
    pos = np.searchsorted(keys, a * n_acc + b)
    np.maximum.at(out, pos, w)
    return out


def directed_message_weights(cs: CoShares) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """coordination-network-toolkit's weight: for (A, B), the shares of A with a share of B in the window."""
    n_acc = max(len(cs.accounts), 1)
    # (share row, other account), both directions, each once.
    inc = np.concatenate((cs.i * n_acc + cs.row_account[cs.j], cs.j * n_acc + cs.row_account[cs.i]))
    inc = np.unique(inc)
    row, other = inc // n_acc, inc % n_acc
    if cs.member_content is None or cs.row_start is None or cs.content_account is None:
        # Without post ids each share is its own message.
        key = cs.row_account[row] * n_acc + other
        keys, inv = np.unique(key, return_inverse=True)
        w = np.bincount(inv, weights=cs.row_mult[row].astype(np.float64), minlength=len(keys))
        return keys // n_acc, keys % n_acc, w
    # A post that co-shares two objects with B counts once (the toolkit's count(distinct message_id)).
    lengths = cs.row_mult[row]
    total = int(lengths.sum())
    offsets = np.repeat(cs.row_start[row] - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
    posts = cs.member_content[offsets]
    pairs = np.unique(posts * n_acc + np.repeat(other, lengths))
    key = cs.content_account[pairs // n_acc] * n_acc + pairs % n_acc
    keys, counts = np.unique(key, return_counts=True)
    return keys // n_acc, keys % n_acc, counts.astype(np.float64)


def _leiden(n: int, edges: list[tuple[int, int]], weights: list[float]) -> list[int]:
    import igraph as ig
    import leidenalg

    g = ig.Graph(n=n, edges=edges)
    part = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition, weights=weights, seed=42)
    return list(part.membership)


def coordinated_networks(
    account: Sequence[Any] | np.ndarray, obj: Sequence[Any] | np.ndarray, time: Sequence[float] | np.ndarray,
    *, params: CoordinationParams | None = None, content: Sequence[Any] | np.ndarray | None = None,
    skipped: dict[str, int] | None = None, id_prefix: str = "",
) -> CoordinationResult:
    """Run the whole definition on parallel arrays of shares (account, object, unix seconds)."""
    p = (params or CoordinationParams()).check()
    cs = co_shares(account, obj, time, window=p.window, min_participation=p.min_participation, content=content)
    a, b, w, edge_of = _edges(cs, p.weight)
    all_accounts = int(len(np.unique(np.concatenate((a, b))))) if len(a) else 0
    all_objects = int(len(np.unique(cs.row_object[cs.i]))) if len(cs.i) else 0
    # numpy's 'linear' is R's type 7; strictly above, as CooRTweet keeps edges.
    threshold = float(np.quantile(w, p.edge_quantile)) if len(w) and p.edge_quantile is not None else 0.0
    kept = (w > threshold) & (w >= p.min_weight)
    kept_edges = np.flatnonzero(kept)
    pair_kept = kept[edge_of] if len(edge_of) else np.zeros(0, bool)
    networks = _networks(cs, a[kept], b[kept], w[kept], kept_edges, edge_of, pair_kept, p, id_prefix)
    coordinated = sorted({x for net in networks for x in net.accounts})
    return CoordinationResult(
        networks=networks, parameters=p, shares=len(account), accounts=len(cs.accounts),
        coordinated_accounts=len(coordinated), edges=int(kept.sum()),
        objects=int(len(np.unique(cs.row_object[cs.i[pair_kept]]))) if pair_kept.any() else 0,
        all_edges=int(len(w)), all_accounts=all_accounts, all_objects=all_objects, threshold=threshold,
        skipped=dict(skipped or {}), graph=(cs.accounts[a], cs.accounts[b], w),
    )


def _groups(labels: np.ndarray, n: int) -> list[np.ndarray]:
    """Indices of ``labels`` grouped by label 0..n-1."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n + 1))
    return [order[bounds[k]:bounds[k + 1]] for k in range(n)]


def _networks(cs: CoShares, a: np.ndarray, b: np.ndarray, w: np.ndarray, kept_edges: np.ndarray,
              edge_of: np.ndarray, pair_kept: np.ndarray, p: CoordinationParams, id_prefix: str) -> list[Network]:
    import hashlib

    import igraph as ig

    if not len(a):
        return []
    nodes, local = np.unique(np.concatenate((a, b)), return_inverse=True)
    la, lb = local[: len(a)], local[len(a):]
    g = ig.Graph(n=len(nodes), edges=list(zip(la.tolist(), lb.tolist())))
    component = np.asarray(g.connected_components().membership)
    # Each kept co-share, with its network.
    pi, pj = cs.i[pair_kept], cs.j[pair_kept]
    kept_pos = np.searchsorted(kept_edges, edge_of[pair_kept])
    pair_net = component[la[kept_pos]]
    lag = np.abs(cs.row_time[pj] - cs.row_time[pi])
    n_nets = int(component.max()) + 1
    # Group nodes, edges and co-shares by network once (argsort), so thousands of networks cost
    # one pass, not one pass each.
    node_groups = _groups(component, n_nets)
    edge_groups = _groups(component[la], n_nets)
    pair_groups = _groups(pair_net, n_nets)
    out: list[Network] = []
    for c in range(n_nets):
        members = node_groups[c]
        names = sorted(cs.accounts[nodes[members]].tolist())
        e_idx, p_idx = edge_groups[c], pair_groups[c]
        ea, eb, ew = la[e_idx], lb[e_idx], w[e_idx]
        ci, cj = pi[p_idx], pj[p_idx]
        objs, counts = np.unique(cs.row_object[np.concatenate((ci, cj))], return_counts=True)
        top = np.argsort(-counts, kind="stable")[:20]
        k = len(members)
        density = 2.0 * len(ea) / (k * (k - 1)) if k > 1 else 0.0
        median_lag = float(np.median(lag[p_idx])) if len(p_idx) else 0.0
        # Synchrony: 1 when the co-shares are simultaneous, 0 at the edge of the window.
        sync = 1.0 - (median_lag / p.window) if p.window > 0 else 1.0
        times = cs.row_time[np.concatenate((ci, cj))]
        rows = np.unique(np.concatenate((ci, cj)))
        row_accounts, row_inv = np.unique(cs.row_account[rows], return_inverse=True)
        shares_of = dict(zip(row_accounts.tolist(), np.bincount(row_inv, weights=cs.row_mult[rows]).tolist()))
        index = {int(m): x for x, m in enumerate(members)}
        communities = _leiden(k, [(index[int(x)], index[int(y)]) for x, y in zip(ea, eb)], ew.tolist()) if k > 2 else [0] * k
        by_name = {str(cs.accounts[nodes[m]]): communities[index[int(m)]] for m in members}
        digest = hashlib.sha1(("\x1f".join([p.object_kind, *names])).encode()).hexdigest()[:12]
        out.append(Network(
            id=f"{id_prefix}{p.object_kind}-{digest}", accounts=names, edges=int(len(ea)), objects=int(len(objs)),
            shares=int(len(p_idx)), first_at=float(times.min()), last_at=float(times.max()),
            density=round(density, 4), median_lag=round(median_lag, 3), score=round(density * max(sync, 0.0), 4),
            communities=dict(sorted(by_name.items())),
            account_shares={str(cs.accounts[nodes[m]]): int(shares_of.get(int(nodes[m]), 0)) for m in members},
            top_objects=[(str(cs.objects[objs[x]]), int(counts[x])) for x in top],
            edge_list=sorted((str(cs.accounts[nodes[x]]), str(cs.accounts[nodes[y]]), int(v))
                             for x, y, v in zip(ea, eb, ew)),
        ))
    out.sort(key=lambda n_: (-len(n_.accounts), -n_.score, n_.id))
    return out
