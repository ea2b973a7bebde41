"""The held-out evaluation of benchmarks/screening.py: the pair set (screening_eval.py), candidate
recall on its held-in matches, and the screening-traffic set (screening_traffic.py), each with
nomenklatura's logic-v2 in the same run."""

from __future__ import annotations

import time
from typing import Any

from dualtrace.normalize.names import analyze
from dualtrace.screening.engine import Screener
from dualtrace.screening.index import block
from dualtrace.screening.pairs import score_pairs
from dualtrace.screening.score import DEFAULT_THRESHOLD
from nk_runner import run_nk
from screening_eval import build_pairs, held_out_line, own_names
from screening_eval import summary as eval_summary
from screening_traffic import traffic_comparison


def eval_comparison(con: Any, screener: Screener) -> None:
    """The held-out evaluation: pairs built from the lists (benchmarks/screening_eval.py), split by
    entity; thresholds chosen on the tuning part, every figure on the test part."""
    pairs = build_pairs(con)
    print(f"\nEvaluation set: {eval_summary(pairs)}")
    rows = [p.as_row() for p in pairs]
    started = time.perf_counter()
    scored = score_pairs(rows)
    ours = [r.scored.score for r in scored]
    calibrated = [r.scored.calibrated for r in scored]
    ours_s = time.perf_counter() - started
    tasks = [
        {
            "id": i,
            "query": {"schema": p.schema, "name": p.name1},
            "candidates": [{"id": "c", "schema": p.schema, "names": [p.name2], "countries": []}],
        }
        for i, p in enumerate(pairs)
    ]
    nk_out = run_nk(tasks)
    nk = [n["scores"]["c"] for n in nk_out]
    nk_s = sum(n["seconds"] for n in nk_out)
    tune = [i for i, p in enumerate(pairs) if p.split == "tune"]
    test = [i for i, p in enumerate(pairs) if p.split == "test"]
    labels = [p.is_match for p in pairs]
    print(
        f"  test part: {len(test)} pairs, {sum(labels[i] for i in test)} matches"
        " (names only, no country or identifier; threshold chosen on the tuning part)"
    )
    # The baseline that shows what F1 on this set is worth: most pairs are matches.
    matchers = (
        ("dualtrace level score", ours),
        ("dualtrace calibrated", calibrated),
        ("nomenklatura logic-v2", nk),
        ("every pair a match", [1.0] * len(pairs)),
    )
    for label, scores in matchers:
        t = held_out_line(label, scores, labels, tune, test)
        kinds = sorted({pairs[i].kind for i in test})
        per_kind = []
        for kind in kinds:
            idx = [i for i in test if pairs[i].kind == kind]
            right = sum(1 for i in idx if (scores[i] >= t) == labels[i])
            per_kind.append(f"{kind} {right / len(idx):.2f}")
        scripts = sorted({pairs[i].script for i in test if labels[i]})
        for script in scripts:
            idx = [i for i in test if pairs[i].script == script and labels[i]]
            if len(idx) >= 10:
                per_kind.append(f"recall {script} {sum(1 for i in idx if scores[i] >= t) / len(idx):.2f}")
        print("      accuracy by kind: " + ", ".join(per_kind))
    print(f"  time: dualtrace {ours_s:.1f}s, logic-v2 {nk_s:.1f}s for the {len(pairs)} pairs")
    held_in = [i for i in tune if labels[i]]
    candidate_recall(
        con,
        screener,
        [pairs[i] for i in held_in],
        [ours[i] >= DEFAULT_THRESHOLD for i in held_in],
        DEFAULT_THRESHOLD,
    )
    traffic_comparison(con, pairs, run_nk)


def candidate_recall(
    con: Any, screener: Screener, positives: list[Any], scored_as_match: list[bool], threshold: float
) -> None:
    """On the held-in (tuning) matches: is the entity of name2 among the blocking candidates of
    name1? name1 is indexed too, so each query is blocked leave-one-out: its own entity's names
    written like it are hidden from it (before, they took the entity's places among the
    candidates and hid the other spellings). A cross-list pair's other entity may carry the very
    same name: that hit counts, since it is another list's record.

    Printed twice: over every match, and over the matches the scorer accepts when the two names
    are compared directly (alert score >= the default alert threshold). The second is what blocking
    loses of what scoring would find; the first also counts nicknames and translations no name
    comparison can reach ("DON PACHO" / "FLOREZ UPEGUI, Francisco Antonio")."""
    hide = own_names(con, positives)
    started = time.perf_counter()
    blocked = block(
        con,
        [analyze(p.name1) for p in positives],
        top_k=screener.top_k,
        min_share=screener.min_share,
        hide=hide,
    )
    elapsed = time.perf_counter() - started
    found = 0
    misses = []
    for i, p in enumerate(positives):
        if any((r[1], r[2]) == p.entity2 for r in blocked.get(i, [])):
            found += 1
        else:
            misses.append(p)
    print(
        f"  candidate recall on the held-in matches: {found / len(positives):.3f}"
        f" ({found}/{len(positives)}, top {screener.top_k} entities, {elapsed:.1f}s); misses e.g.: "
        + "; ".join(f"{m.name1!r} -> {m.name2!r}" for m in misses[:4])
    )
    # What name keys can reach at all: any shared key that is not too common, 50 entities kept.
    wide = block(con, [analyze(p.name1) for p in positives], top_k=50, min_share=0.0, hide=hide)
    reach = sum(1 for i, p in enumerate(positives) if any((r[1], r[2]) == p.entity2 for r in wide.get(i, [])))
    print(
        f"  reach of the name keys (any shared key, top 50 entities): {reach / len(positives):.3f}"
        f" ({reach}/{len(positives)}): the rest share no key with any name of the entity"
    )
    missed = {id(m) for m in misses}
    reachable = [p for p, ok in zip(positives, scored_as_match, strict=True) if ok]
    lost = [p for p in reachable if id(p) in missed]
    print(
        f"  candidate recall on the held-in matches the scorer accepts (alert score >= {threshold:.2f}):"
        f" {1 - len(lost) / len(reachable):.3f} ({len(reachable) - len(lost)}/{len(reachable)}); lost e.g.: "
        + "; ".join(f"{m.name1!r} -> {m.name2!r}" for m in lost[:12])
    )
