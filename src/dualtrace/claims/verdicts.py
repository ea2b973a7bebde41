"""The one-line answer: "The data shows x674, not x400: the claim understates the rise."."""

from __future__ import annotations

from dualtrace.claims.figures import fmt_number
from dualtrace.claims.model import Claim

# A change stated in words only: the change in percent it needs (docs/claims.md).
DIRECTION_RULES = {
    "surge": (25.0, "a rise of at least 25%"),
    "up": (0.0, "a rise"),
    "down": (0.0, "a fall"),
    "collapse": (-25.0, "a fall of at least 25%"),
}


def shown(claim: Claim, value: float) -> str:
    """A computed or stated figure as the claim's comparison writes it."""
    if claim.comparison == "ratio":
        return f"x{fmt_number(value)}"
    if claim.comparison == "change":
        return f"{value:+.0f}%" if abs(value) >= 10 else f"{value:+.1f}%"
    if claim.comparison == "share":
        return f"{value:.1f}%"
    if claim.comparison == "rank":
        return _ordinal(int(value))
    unit = claim.figure.unit if claim.figure and claim.figure.unit else ""
    if claim.measure == "weight":
        unit = unit or "t"
        return f"{fmt_number(value)} {unit}"
    if claim.measure == "unit_value":
        return f"{unit} {fmt_number(value)} per kg".strip()
    if claim.measure == "quantity":
        return f"{fmt_number(value)} units"
    return f"{unit or 'EUR'} {fmt_number(value)}".strip()


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _what(claim: Claim) -> str:
    if claim.comparison in ("change", "ratio"):
        rising = (claim.figure.value if claim.figure else 1.0) >= (
            1.0 if claim.comparison == "ratio" else 0.0
        )
        return "the rise" if rising else "the fall"
    return {"share": "the share", "rank": "the rank"}.get(claim.comparison, "the figure")


def sentence(claim: Claim, computed: float, ok: bool, tolerance: str) -> str:
    if claim.figure is None:
        words = DIRECTION_RULES[claim.direction or "up"][1]
        verb = "consistent with" if ok else "not"
        return f"The data shows {shown(claim, computed)}: {verb} {words} ('{claim.direction}')."
    stated = claim.figure
    if ok:
        return (
            f"The data shows {shown(claim, computed)}, "
            f"consistent with {_stated(claim)} "
            f"(tolerance {tolerance})."
        )
    if claim.comparison == "rank":
        return f"The data ranks it {shown(claim, computed)}, not {shown(claim, stated.value)}."
    if stated.rounding in ("more_than", "at_least", "less_than", "at_most"):
        return f"The data shows {shown(claim, computed)}, not {stated.text}: the claim does not hold."
    under = abs(computed) > abs(stated.value)
    return (
        f"The data shows {shown(claim, computed)}, not {shown(claim, stated.value)}: the claim "
        f"{'understates' if under else 'overstates'} {_what(claim)}."
    )


def _stated(claim: Claim) -> str:
    """The stated figure as written, unless it is a bare percent whose sign came from a verb."""
    figure = claim.figure
    assert figure is not None
    if not figure.text or (claim.comparison == "change" and figure.unit == "%"):
        return shown(claim, figure.value)
    return figure.text


def directional(claim: Claim, computed: float) -> tuple[bool, str]:
    """A change in words against its rule; ``computed`` is a change in percent or a ratio."""
    change = (computed - 1) * 100 if claim.comparison == "ratio" else computed
    threshold, words = DIRECTION_RULES[claim.direction or "up"]
    if claim.direction in ("up", "surge"):
        return (change > threshold if threshold == 0 else change >= threshold), words
    return (change < threshold if threshold == 0 else change <= threshold), words


def missing_sentence(missing: str) -> str:
    return f"Not enough data: {missing}."
