"""Typed score parts for trade findings: every analytic keeps its parts and their weights under
``metrics["score_parts"]``; the Finding carries them as ScoreParts, the shape every engine uses."""

from __future__ import annotations

from dualtrace.findings import Finding, ScorePart


def attach(finding: Finding) -> None:
    """Fill ``finding.explanation`` from its score parts (a part's weight is its share of the
    0..1 score); the parts add up to the score, a held or rounded score shown as its own part."""
    raw = finding.metrics.get("score_parts")
    if finding.explanation or not isinstance(raw, dict):
        return
    weights = raw.get("weights") or {}
    parts = [
        ScorePart(
            name,
            float(weights.get(name, 0.0)) * float(value),
            float(value),
            f"weight {weights.get(name, 0):g}",
        )
        for name, value in raw.items()
        if name != "weights" and isinstance(value, int | float)
    ]
    rest = finding.score - sum(p.weight for p in parts)
    if abs(rest) > 1e-6:
        parts.append(ScorePart("adjustment", rest, None, "held within 0..1 or adjusted by the analytic"))
    finding.explanation = parts
