"""One finding per fact (docs/analytics.md, "One finding per fact").

A finding about a heading (HS 8502) that one of its codes (HS 850239) explains, about "all
partners" that one partner explains, or about "all reporters" that one reporter explains,
states the same fact twice. The coarser finding is folded into the finer one: the finer one
stays, with the coarser one's headline and figures under ``metrics["merged"]`` and a note.

"Explains" means: the finer finding differs from the coarser one in exactly one of product,
partner or reporter (everything else - kind, flow, currency, measure, periods - equal), moves
the same way, and carries at least ``EXPLAINED`` of its change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from dualtrace.analytics import severity
from dualtrace.findings import Finding

EXPLAINED = 0.8
ALL = "*"


def _surge_change(f: Finding) -> float | None:
    return float(f.metrics["current"]) - float(f.metrics["base"])


# kind -> (fields that must be equal, fields of which one may be finer, the change)
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...], Callable[[Finding], float | None]]] = {
    "surge": (
        ("flow", "currency", "measure", "period", "base_period"),
        ("product", "partner", "reporter"),
        _surge_change,
    ),
    "collapse": (
        ("flow", "currency", "measure", "period", "base_period"),
        ("product", "partner", "reporter"),
        _surge_change,
    ),
    "share": (
        ("view", "group", "party", "flow", "currency", "measure", "period", "base_period"),
        ("product",),
        severity.money,
    ),
    "mirror_gap": (("exporter", "importer", "currency", "year"), ("product",), severity.money),
}


def _product(value: Any) -> str:
    text = str(value or "")
    return "" if text.upper() == "TOTAL" else text


def _finer(dim: str, coarse: Any, fine: Any) -> bool:
    if dim == "product":
        c, f = _product(coarse), _product(fine)
        return c != f and f.isdigit() and f.startswith(c) and (c == "" or c.isdigit())
    return coarse == ALL and fine not in (ALL, None)


def _explains(dims: tuple[str, ...], coarse: Finding, fine: Finding) -> bool:
    differs = [d for d in dims if coarse.metrics.get(d) != fine.metrics.get(d)]
    return len(differs) == 1 and _finer(
        differs[0], coarse.metrics.get(differs[0]), fine.metrics.get(differs[0])
    )


def _share(change: Callable[[Finding], float | None], coarse: Finding, fine: Finding) -> float:
    whole, part = change(coarse), change(fine)
    if not whole or part is None or (whole > 0) != (part > 0):
        return 0.0
    return part / whole


def one_per_fact(findings: list[Finding]) -> list[Finding]:
    """The findings with every coarser duplicate folded into the finding that explains it."""
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, finding in enumerate(findings):
        rule = RULES.get(finding.kind)
        if rule is not None:
            groups[(finding.kind, *(str(finding.metrics.get(k)) for k in rule[0]))].append(i)
    into: dict[int, tuple[int, float]] = {}  # coarse -> (the finer finding, share explained)
    for key, members in groups.items():
        _same, dims, change = RULES[key[0]]
        for c in members:
            best: tuple[int, float] | None = None
            for f in members:
                if f == c or not _explains(dims, findings[c], findings[f]):
                    continue
                share = _share(change, findings[c], findings[f])
                if share >= EXPLAINED and (best is None or share > best[1]):
                    best = (f, share)
            if best is not None:
                into[c] = best
    for c, (f, share) in sorted(into.items()):
        target, seen = f, {c}
        while target in into and target not in seen:  # the finest finding of the chain
            seen.add(target)
            target = into[target][0]
        _fold(findings[c], findings[target], share)
    return [finding for i, finding in enumerate(findings) if i not in into]


def _fold(coarse: Finding, fine: Finding, share: float) -> None:
    merged: dict[str, Any] = {
        "finding_key": coarse.key(),
        "headline": coarse.headline,
        "score": round(coarse.score, 4),
        "explained": round(share, 4),
        **{k: coarse.metrics.get(k) for k in ("product", "partner", "reporter") if k in coarse.metrics},
    }
    fine.metrics.setdefault("merged", []).append(merged)
    fine.evidence.notes.append(f"also covers, {share:.0%} of its change: {coarse.headline}")
