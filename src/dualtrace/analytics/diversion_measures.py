"""Diversion's measures of one basket cell: the control it is compared with, log growth and
difference-in-differences (DiD), a destination's strength and a finding's score parts."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["Measures", "control", "score_parts", "strength"]


def control(other_before: float, other_after: float, floor: float, placebo_ok: bool) -> str:
    """The control: other goods, unless they collapsed to the target too (then they are treated,
    not a control), else the same goods one period earlier, else none."""
    if other_before >= 10 * floor and other_after >= 0.5 * other_before:
        return "other goods"
    if placebo_ok:
        return "the same goods a period earlier"
    return "none"


class Measures:
    """Log growth and difference-in-differences of one basket cell, under one control."""

    def __init__(self, floor: float, control: str) -> None:
        self.floor = floor
        self.control = control

    def log_ratio(self, a: float, b: float) -> float:
        return math.log((a + self.floor) / (b + self.floor))

    def did(self, cell: dict[str, list[float]]) -> float | None:
        (before, after, placebo), (other_before, other_after, _) = cell["controlled"], cell["other"]
        if self.control == "other goods":
            return self.log_ratio(after, before) - self.log_ratio(other_after, other_before)
        if self.control == "none":
            return None
        return self.log_ratio(after, before) - self.log_ratio(before, placebo)


def strength(d: dict[str, Any]) -> float:
    """How strongly a destination rose: its DiD, or its log growth when there is no control."""
    return float(d["did"] if d["did"] is not None else d["growth_log"])


def score_parts(
    flagged: list[dict[str, Any]], measures: Measures, controlled_before: float, controlled_after: float
) -> dict[str, float]:
    """The parts of a finding's score, each 0..1 (weighted by ``diversion_plan.WEIGHTS``)."""
    rise = sum(d["controlled_after"] - d["controlled_before"] for d in flagged)
    fall = controlled_before - controlled_after
    floor = measures.floor
    return {
        "collapse": min(1.0, abs(measures.log_ratio(controlled_after, controlled_before)) / math.log(10)),
        "did": min(1.0, max(strength(d) for d in flagged) / math.log(10)),
        "substitution": min(1.0, rise / fall) if fall > 0 else 0.0,
        "size": max(0.0, min(1.0, math.log10(max(fall, floor) / floor) / 4)),
    }
