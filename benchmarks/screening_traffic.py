"""The screening-traffic evaluation set: the pairs the scorer really has to judge.

The pair set of screening_eval.py is about 60% matches, and many of its matches are aliases that
no name comparison can tie (former names, nicknames, translations). On it, calling every pair a
match scores F1 0.757, above every matcher, so a scorer's F1 there says little. Screening traffic
is different. A query meets the candidates the search returns, and most of those are not its party.

So each query of the pair set is blocked the way screening blocks it. The queries are name1 of each
alias, cross-list and hard-negative pair. Blocking keeps the top 10 entities at the default share,
leave-one-out: the query's own spelling is hidden from its own entity. Every candidate entity then
becomes one row. A row is a match when the entity belongs to the query's party (screening_eval's
clusters: a shared strong identifier or normalised name). The scorer sees the entity's names only,
without the query's own spelling, and no country or identifier. Rows are split by the query's
party, as the pair set is. What blocking misses never enters this set: that is candidate recall,
measured apart (screening.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dualtrace.normalize.names import analyze
from dualtrace.screening.engine import load_candidates
from dualtrace.screening.index import MIN_SHARE, block, ensure_index
from dualtrace.screening.score import Candidate, Query, score
from screening_eval import EvalPair, Key, held_out_line, listed_parties, own_names, side

SEED = 14  # the pair set's seed: the same parties go to the same side


@dataclass(frozen=True)
class TrafficRow:
    query: str
    schema: str  # the query's kind: Person or Company
    candidate: Candidate  # names only, the query's own spelling left out of its own entity
    is_match: bool
    split: str  # tune or test, the side of the query's party
    kind: str  # the kind of the pair the query came from


def _queries(pairs: list[EvalPair]) -> list[EvalPair]:
    """One pair per distinct (name1, entity1) among the list-built pairs, in order."""
    seen: set[tuple[str, Key]] = set()
    out = []
    for p in pairs:
        if p.kind.startswith("hand_") or (p.name1, p.entity1) in seen:
            continue
        seen.add((p.name1, p.entity1))
        out.append(p)
    return out


def build_traffic(
    con: Any, pairs: list[EvalPair], top_k: int = 10, min_share: float = MIN_SHARE
) -> list[TrafficRow]:
    ensure_index(con)
    clusters = listed_parties(con)
    queries = _queries(pairs)
    hide = own_names(con, queries)
    norms = [analyze(q.name1).norm for q in queries]
    blocked = block(con, [analyze(q.name1) for q in queries], top_k=top_k, min_share=min_share, hide=hide)
    wanted = {(r[1], r[2]) for hits in blocked.values() for r in hits}
    entries = load_candidates(con, wanted)
    out: list[TrafficRow] = []
    for i, q in enumerate(queries):
        party = clusters.find(q.entity1)
        for key in dict.fromkeys((r[1], r[2]) for r in blocked.get(i, [])):
            entry = entries.get(key)
            if entry is None:
                continue
            kept = [n for n in entry.names if key != q.entity1 or analyze(n).norm != norms[i]]
            if not kept:
                continue
            cand = Candidate(entry.list, entry.entity_id, entry.schema, kept[0], kept)
            out.append(
                TrafficRow(q.name1, q.schema, cand, clusters.find(key) == party, side(party, SEED), q.kind)
            )
    return out


def summary(rows: list[TrafficRow]) -> str:
    parts = []
    for split in ("tune", "test"):
        part = [r for r in rows if r.split == split]
        queries = len({(r.query, r.kind) for r in part})
        parts.append(
            f"{split} {len(part)} rows ({sum(r.is_match for r in part)} matches, ~{queries} queries)"
        )
    return "; ".join(parts)


def _nk_scores(
    rows: list[TrafficRow], run_nk: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
) -> list[float]:
    """logic-v2's score of every row: one task per query, its candidates' names as given here."""
    tasks: dict[tuple[str, str], dict[str, Any]] = {}
    for i, r in enumerate(rows):
        task = tasks.setdefault(
            (r.query, r.schema),
            {"id": len(tasks), "query": {"schema": r.schema, "name": r.query}, "candidates": []},
        )
        task["candidates"].append({"id": str(i), "schema": r.candidate.schema, "names": r.candidate.names})
    scores = [0.0] * len(rows)
    for out in run_nk(list(tasks.values())):
        for cid, value in out["scores"].items():
            scores[int(cid)] = value
    return scores


def traffic_comparison(
    con: Any, pairs: list[EvalPair], run_nk: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None
) -> None:
    """F1 (threshold from the tuning part), precision, recall and ECE on the test part's rows."""
    rows = build_traffic(con, pairs)
    print(f"\nScreening traffic (each query against its blocked candidates): {summary(rows)}")
    started = time.perf_counter()
    scored = [score(Query(r.query, None, (), r.schema), r.candidate) for r in rows]
    ours_s = time.perf_counter() - started
    matchers = [
        ("dualtrace level score", [s.score for s in scored]),
        ("dualtrace calibrated", [s.calibrated for s in scored]),
        ("every row a match", [1.0] * len(rows)),
    ]
    if run_nk is not None:
        started = time.perf_counter()
        matchers.append(("nomenklatura logic-v2", _nk_scores(rows, run_nk)))
        print(
            f"  time: dualtrace {ours_s:.1f}s, logic-v2 {time.perf_counter() - started:.1f}s for {len(rows)} rows"
        )
    labels = [r.is_match for r in rows]
    tune = [i for i, r in enumerate(rows) if r.split == "tune"]
    test = [i for i, r in enumerate(rows) if r.split == "test"]
    for label, scores in matchers:
        held_out_line(label, scores, labels, tune, test)
    for label, scores in matchers[:2]:
        print(f"  reliability of {label} on the test part (score bin: rows, mean score, share of matches):")
        print("    " + reliability([scores[i] for i in test], [labels[i] for i in test]))


def reliability(scores: list[float], labels: list[bool], bins: int = 10) -> str:
    """Per equal-width score bin: its rows, mean score and share of matches (what ECE averages)."""
    cells = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, s in enumerate(scores) if lo <= s < hi or (b == bins - 1 and s == hi)]
        if idx:
            mean = sum(scores[i] for i in idx) / len(idx)
            rate = sum(labels[i] for i in idx) / len(idx)
            cells.append(f"[{lo:.1f},{hi:.1f}) {len(idx)} {mean:.2f} {rate:.2f}")
    return "; ".join(cells)
