"""Calibrated severity of a trade finding: one rule for every analytic (docs/analytics.md,
"Severity").

The analytic's own score says how strong the change is; severity also weighs what is at stake.
Points are added up from five parts:

- strength: the analytic's score, >= 0.9: 3, >= 0.75: 2, >= 0.5: 1, else 0;
- money: the amount the finding moves (a diversion: the rise through the intermediaries),
  >= 100M: +2, >= 10M: +1, >= 1M: 0, below: -1 (EUR or USD at face value; no money figure: 0);
- goods: CHPL tier 1 or 2 (or a CHPL basket): +1; all goods together: -1; anything else: 0;
- persistence: the change holds in more than one period: +1; in one period only: -1;
  unknown: 0 (a diversion: its target's controlled trade in the placebo year was within x1.5 of
  the 'before' window: +1, the fall was already under way: -1);
- data quality: a data-quality finding (analytics/data_quality.py) is low (a reporter's gap, a
  partial year) or info (a file's edge, blanks), whatever its points.

6 or more points: critical, 5: high, 3-4: medium, 2: low, below: info. Critical therefore needs
a strong, persistent change of controlled goods worth at least 10M, or one worth 100M.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dualtrace.analytics import text
from dualtrace.findings import Finding
from dualtrace.reference import chpl

BANDS = ((6, "critical"), (5, "high"), (3, "medium"), (2, "low"))
DATA_QUALITY = "data_quality"
_TOP_TIERS = {"1", "2"}


@dataclass(frozen=True)
class Part:
    name: str
    points: int
    detail: str

    def describe(self) -> str:
        return f"{self.name} {self.points:+d} ({self.detail})"


@dataclass(frozen=True)
class Grade:
    severity: str
    points: int
    parts: tuple[Part, ...]

    def note(self) -> str:
        return f"severity {self.severity} ({self.points} points): " + ", ".join(
            p.describe() for p in self.parts
        )


def _strength(score: float) -> Part:
    points = 3 if score >= 0.9 else 2 if score >= 0.75 else 1 if score >= 0.5 else 0
    return Part("strength", points, f"score {score:.2f}")


def money(finding: Finding) -> float | None:
    """The amount of money a finding moves (its currency at face value), or None."""
    m = finding.metrics
    kind = finding.kind
    if kind in ("surge", "collapse"):
        if m.get("measure") == "value":
            return abs(float(m["current"]) - float(m["base"]))
        other = next((o for o in m.get("other_measures") or [] if o.get("measure") == "value"), None)
        return abs(float(other["current"]) - float(other["base"])) if other else None
    if kind == "share" and m.get("measure") == "value":
        return abs(float(m["party_amount"]) - float(m["base_party_amount"]))
    if kind == "divergence" and m.get("measure") == "value":
        moves = [
            abs(float(m[f"{side}_current"]) - float(m[f"{side}_base"] or 0))
            for side in ("a", "b")
            if m.get(f"{side}_current") is not None
        ]
        return max(moves) if moves else None
    if kind == "diversion":
        # what went through the third countries, not what stopped going to the target
        return float(m.get("rise_to_intermediaries") or 0)
    if kind == "mirror_gap":
        return abs(float(m["gap"]))
    if kind == "unit_value":
        return float(m["value"])
    if kind == "new_party":
        return max((float(v) for v in (m.get("value_usd_by_year") or {}).values()), default=None)
    return None


def _money(finding: Finding) -> Part:
    amount = money(finding)
    if amount is None:
        return Part("money", 0, "no money figure")
    points = 2 if amount >= 1e8 else 1 if amount >= 1e7 else 0 if amount >= 1e6 else -1
    currency = str(finding.metrics.get("currency") or ("USD" if finding.kind == "new_party" else ""))
    return Part("money", points, f"{text.money(amount, currency)} at stake")


def goods_tier(finding: Finding) -> str:
    """'CHPL tier N', 'CHPL', 'all goods' or 'other goods' for what a finding is about."""
    m = finding.metrics
    if finding.kind == "diversion":
        return "CHPL" if m.get("basket", {}).get("controlled") else "other goods"
    product = str(m.get("product") or m.get("code") or "")
    if m.get("level") == "total" or product.upper() == "TOTAL":
        return "all goods"
    if product.startswith("CHPL tier "):
        return product
    digits = product.replace(".", "")
    if digits.isdigit() and len(digits) >= 6:
        tier = chpl.tier_of(digits[:6])
        if tier:
            return f"CHPL tier {tier}"
    return "other goods"


def _goods(finding: Finding) -> Part:
    tier = goods_tier(finding)
    if tier == "CHPL" or tier.removeprefix("CHPL tier ") in _TOP_TIERS:
        return Part("goods", 1, tier)
    return Part("goods", -1 if tier == "all goods" else 0, tier)


def _departs(series: Mapping[str, Any], base_key: str, period_key: str) -> tuple[int, int] | None:
    """(periods after the base that depart from it the same way as the finding's, periods
    after the base), or None when the series cannot say."""
    try:
        base = float(series[base_key])
        moved = float(series[period_key])
    except (KeyError, TypeError, ValueError):
        return None
    if base <= 0 or moved <= 0:
        return None
    half = abs(math.log(moved / base)) / 2
    up = moved > base
    later = []
    for key, value in series.items():
        if str(key) > base_key and value is not None and float(value) > 0:
            change = math.log(float(value) / base)
            later.append((change > 0) == up and abs(change) >= half)
    return (sum(later), len(later)) if later else None


def _placebo(m: Mapping[str, Any]) -> Part:
    """A diversion's fall is new when the year before its window looked like the window's own
    'before' (not a trend that was already under way)."""
    placebo, before = m.get("target_controlled_placebo"), m.get("target_controlled_before")
    if not placebo or not before:
        return Part("persistence", 0, "no placebo year")
    ratio = float(before) / float(placebo)
    if 1 / 1.5 <= ratio <= 1.5:
        return Part("persistence", 1, f"placebo year level x{ratio:.2f} of the year before: the fall is new")
    return Part("persistence", -1, f"placebo year level x{ratio:.2f}: a change already under way")


def _persistence(finding: Finding) -> Part:
    m = finding.metrics
    found: tuple[int, int] | None = None
    if finding.kind in ("surge", "collapse") and m.get("comparison") == "baseline":
        found = _departs(m.get("by_year") or {}, str(m.get("base_period")), str(m.get("period")))
    elif finding.kind == "share":
        found = _departs(m.get("share_by_year") or {}, str(m.get("base_period")), str(m.get("period")))
    elif finding.kind == "mirror_gap":
        low, high = float(m["cif_fob"]) * (1 - m["tolerance"]), float(m["cif_fob"]) * (1 + m["tolerance"])
        years = [r.get("ratio") for r in (m.get("by_year") or {}).values() if isinstance(r, dict)]
        off = [r for r in years if r is not None and not low <= float(r) <= high]
        found = (len(off), len(years)) if years else None
    elif finding.kind == "diversion":
        return _placebo(m)
    if found is None:
        return Part("persistence", 0, "not measured")
    held, periods = found
    if held >= 2:
        return Part("persistence", 1, f"holds in {held} of {periods} periods")
    return Part("persistence", -1, f"holds in {held} of {periods} periods")


def grade(finding: Finding) -> Grade:
    """The severity of a trade finding and the points behind it."""
    if finding.kind == DATA_QUALITY:  # ranked below every finding about trade
        severity = "low" if finding.score >= 0.5 else "info"
        return Grade(severity, 0, (Part("data quality", 0, "a coverage gap: at most low"),))
    parts = [_strength(finding.score), _money(finding), _goods(finding), _persistence(finding)]
    points = sum(p.points for p in parts)
    severity = next((word for floor, word in BANDS if points >= floor), "info")
    return Grade(severity, points, tuple(parts))


def apply(findings: list[Finding]) -> None:
    """Set every finding's severity by the rule and keep the reason with its evidence."""
    for finding in findings:
        g = grade(finding)
        finding.severity = g.severity
        finding.metrics["severity_points"] = {p.name: p.points for p in g.parts}
        finding.evidence.notes = [n for n in finding.evidence.notes if not n.startswith("severity ")]
        finding.evidence.notes.append(g.note())
