"""The structured claim (what a sentence asserts) and the result of checking it.

A claim names a slice of ``trade_flows`` (flow, reporters, partners, goods, periods), a measure
computed over it, a comparison between slices and the figure the statement gives. The YAML form
(``claims_from_yaml``) is the same record, so a user can correct what the parser understood.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, Literal, get_args

Measure = Literal["value", "weight", "quantity", "share", "rank", "unit_value"]
Comparison = Literal["level", "change", "ratio", "share", "rank"]
Rounding = Literal["exact", "about", "more_than", "less_than", "at_least", "at_most", "almost"]
Direction = Literal["up", "surge", "down", "collapse"]
Verdict = Literal["supported", "contradicted", "not enough data"]
MEASURES: tuple[str, ...] = get_args(Measure)
COMPARISONS: tuple[str, ...] = get_args(Comparison)
ROUNDINGS: tuple[str, ...] = get_args(Rounding)
DIRECTIONS: tuple[str, ...] = get_args(Direction)


@dataclass(frozen=True)
class Figure:
    """The stated number, its unit ("EUR", "USD", "t", "kg", "%", "x" for a ratio, "" for a rank
    or a count) and how it was rounded ("about", "more than"...). ``step`` is the precision the
    text gave (400 -> 100, 2.7 billion -> 0.1 billion), used for the tolerance."""

    value: float
    unit: str = ""
    rounding: Rounding = "exact"
    step: float = 0.0
    text: str = ""


@dataclass(frozen=True)
class Period:
    """Whole months from ``start`` to ``end`` (both first days of a month, inclusive)."""

    start: date
    end: date
    label: str = ""

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def shifted(self, years: int) -> Period:
        return Period(
            self.start.replace(year=self.start.year + years),
            self.end.replace(year=self.end.year + years),
            f"{self.label} {years:+d}y" if self.label else "",
        )


@dataclass(frozen=True)
class Goods:
    """HS/CN prefixes (matched on the declared code), with where they came from; no codes = all goods."""

    codes: tuple[str, ...] = ()
    label: str = "all goods"
    source: str = "total"  # total | hs | category | chpl | word

    @property
    def total(self) -> bool:
        return not self.codes


@dataclass(frozen=True)
class Claim:
    """What a statement asserts. ``periods`` holds one period (level, share, rank) or two, the
    base first (change, ratio). A ratio between partners in one period uses ``against``.
    ``whole`` is a share's or a rank's universe: "reporter" (among reporters: the EU members)
    or "partner" (among partners). ``direction`` is a change stated in words only ("surged")."""

    text: str = ""
    measure: Measure = "value"
    comparison: Comparison = "level"
    flow: str = "X"
    reporters: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    goods: Goods = field(default_factory=Goods)
    periods: tuple[Period, ...] = ()
    figure: Figure | None = None
    direction: Direction | None = None
    against: tuple[str, ...] = ()
    whole: str = "partner"
    notes: tuple[str, ...] = ()

    def with_(self, **changes: Any) -> Claim:
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["periods"] = [
            {"start": p.start.isoformat()[:7], "end": p.end.isoformat()[:7], "label": p.label}
            for p in self.periods
        ]
        data["goods"]["codes"] = list(self.goods.codes)
        for key in ("reporters", "partners", "against", "notes"):
            data[key] = list(data[key])
        return data


@dataclass
class Check:
    """The answer for one claim: verdict, figures, tolerance, the SQL run and its evidence rows."""

    claim: Claim
    verdict: Verdict
    sentence: str
    computed: float | None = None
    stated: float | None = None
    tolerance: str = ""
    missing: str | None = None  # what data is lacking, for "not enough data"
    sql: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.claim.text,
            "verdict": self.verdict,
            "sentence": self.sentence,
            "computed": self.computed,
            "stated": self.stated,
            "tolerance": self.tolerance,
            "missing": self.missing,
            "values": self.values,
            "claim": self.claim.as_dict(),
            "sql": self.sql,
            "evidence": self.evidence,
        }
