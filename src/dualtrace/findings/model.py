"""The Finding: one fact an engine states about the data, with the evidence behind it.

Every engine (screening, goods, analytics, network) produces these; faces only format them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

SEVERITIES = ("info", "low", "medium", "high", "critical")


def severity_from_score(score: float) -> str:
    """Map a 0..1 score to a severity word; engines may also set severity directly."""
    if score >= 0.9:
        return "critical"
    if score >= 0.7:
        return "high"
    if score >= 0.4:
        return "medium"
    if score >= 0.2:
        return "low"
    return "info"


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def rank_key(finding: Finding) -> tuple[int, float, str, str]:
    """The one ranking every face uses: most severe first, then the highest score, then by kind
    and subject (a stable order)."""
    return (-severity_rank(finding.severity), -finding.score, finding.kind, finding.subject)


@dataclass(frozen=True)
class RowRef:
    """A row of a canonical table, by where it came from (a stable identity across runs)."""

    table: str
    source_id: int
    source_line: int


@dataclass
class Evidence:
    """What a finding rests on.

    query:    SQL that, run on the warehouse, returns the evidence rows (reproducible).
    rows:     the canonical rows (trade_flows / shipments) by source and line.
    entities: list entity ids (sanctions or registry entries) involved.
    table:    a small summary table (list of records) for reports, e.g. a time series.
    notes:    the reasons, in words a person can check.
    chart:    how to draw `table` (mark, x, y, color fields...), for reports; empty: no chart.
    """

    query: str | None = None
    rows: list[RowRef] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    table: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chart: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=_json_default, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> Evidence:
        if not text:
            return cls()
        data = json.loads(text)
        data["rows"] = [RowRef(**row) for row in data.get("rows", [])]
        return cls(**data)


@dataclass(frozen=True)
class ScorePart:
    """One named feature behind a score, the same shape for every engine (as Splink's match
    weights or nomenklatura's FtResult features).

    name:   the feature ("name_similarity", "country", "growth", "money", "chpl_tier"...).
    weight: what it contributed to the score, in the engine's own unit (a log2 match weight for
            screening, a share of the 0..1 score for analytics); sign says which way it pushed.
    value:  the feature's own value (a similarity, a ratio, an amount), or None.
    detail: the reason in words a person can check.
    """

    name: str
    weight: float
    value: float | str | None = None
    detail: str = ""

    def describe(self) -> str:
        shown = "" if self.value is None else f" {_short(self.value)}"
        why = f" ({self.detail})" if self.detail else ""
        return f"{self.name}{shown} {self.weight:+.2f}{why}"


def capped(parts: list[ScorePart], cap: float) -> tuple[float, list[ScorePart]]:
    """The score the parts add up to, held at ``cap``: the parts with a negative ``cap`` part when
    the sum is over it, so the parts shown always add up to the score."""
    total = sum(part.weight for part in parts)
    if total <= cap:
        return total, parts
    return cap, [*parts, ScorePart("cap", cap - total, cap, f"held at {cap:g}")]


def explain(parts: list[ScorePart]) -> str:
    """The explanation as one line, as every face shows it."""
    return "; ".join(part.describe() for part in parts)


def _short(value: float | str) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


@dataclass
class Finding:
    kind: str
    subject_type: str
    subject: str
    headline: str
    score: float
    severity: str = ""
    period_start: date | None = None
    period_end: date | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    evidence: Evidence = field(default_factory=Evidence)
    explanation: list[ScorePart] = field(default_factory=list)
    finding_id: str = ""
    run_id: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"finding score must be within 0..1, got {self.score}")
        if not self.severity:
            self.severity = severity_from_score(self.score)
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}; use one of {SEVERITIES}")

    def key(self) -> str:
        """Identity of what the finding is about, stable across runs."""
        parts = [self.kind, self.subject_type, self.subject, str(self.period_start), str(self.period_end)]
        return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]

    def to_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["evidence"] = asdict(self.evidence)
        record["explanation"] = [asdict(part) for part in self.explanation]
        return record

    def explanation_json(self) -> str:
        return dumps([asdict(part) for part in self.explanation])


def parts_from_json(text: str | None) -> list[ScorePart]:
    if not text:
        return []
    return [ScorePart(**part) for part in json.loads(text)]


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "__float__"):
        return float(value)
    raise TypeError(f"cannot serialise {type(value).__name__} in a finding")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)
