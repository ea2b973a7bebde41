"""Why an analytic found what it found, or nothing: ``dualtrace analyze --explain KIND``.

from dualtrace.analytics.explain import explain
e = explain(con, config, "diversion")
print("\\n".join(e.lines()))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from dualtrace.analytics import config as config_module
from dualtrace.analytics import registry
from dualtrace.analytics.config import AnalyticsConfig
from dualtrace.analytics.runner import compute
from dualtrace.analytics.trace import Miss, Trace
from dualtrace.reference.install import ensure_installed

# the config section each analytic reads its thresholds from
SECTIONS = {
    "surge": "surge",
    "share": "share",
    "divergence": "divergence",
    "diversion": "diversion",
    "mirror_gap": "mirror_gap",
    "unit_value": "unit_value",
    "new_party": "new_party",
}


@dataclass
class Explanation:
    analytic: str
    kinds: list[str]
    thresholds: dict[str, Any]
    findings: dict[str, int]  # per kind, after the post-processing (merge) step
    trace: Trace
    top: int = 5
    notes: list[str] = field(default_factory=list)

    @property
    def nearest(self) -> list[Miss]:
        return self.trace.nearest(self.top)

    def to_record(self) -> dict[str, Any]:
        return {
            "analytic": self.analytic,
            "kinds": self.kinds,
            "findings": self.findings,
            "thresholds": self.thresholds,
            "windows": self.trace.windows,
            "series_tested": self.trace.tested,
            "filters": [{"filter": k, "passed": v} for k, v in self.trace.filters.items()],
            "nearest_misses": [m.to_record() for m in self.nearest],
            "notes": [*self.trace.notes, *self.notes],
            "instrumented": self.trace.instrumented,
        }

    def lines(self) -> list[str]:
        """The explanation as plain text, one statement a line."""
        total = sum(self.findings.values())
        out = [
            f"{self.analytic}: {total} findings"
            + (f" ({', '.join(f'{k} {v}' for k, v in sorted(self.findings.items()))})" if total else "")
        ]
        out.append("thresholds: " + ", ".join(f"{k}={_short(v)}" for k, v in self.thresholds.items()))
        for w in self.trace.windows:
            out.append("window: " + ", ".join(f"{k} {v}" for k, v in w.items()))
        if not self.trace.instrumented:
            out.append(
                f"{self.analytic} does not record its filter counts yet: only its thresholds are shown"
            )
        else:
            out.append(f"series tested: {self.trace.tested}; passing each filter and all before it:")
            for name, n in self.trace.filters.items():
                out.append(f"  {name}: {n}")
        nearest = self.nearest
        if nearest:
            out.append(f"nearest misses (top {len(nearest)}):")
            for m in nearest:
                figures = ", ".join(f"{k} {_short(v)}" for k, v in m.figures.items())
                out.append(f"  {m.series}: stopped by {m.stopped_by} ({m.closeness:.0%} of it); {figures}")
        elif self.trace.instrumented:
            out.append("nearest misses: none (every series tested passed, or none was tested)")
        out.extend(f"note: {n}" for n in [*self.trace.notes, *self.notes])
        return out


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    if isinstance(v, list) and len(v) > 8:
        return "[" + ", ".join(map(str, v[:8])) + ", ...]"
    return str(v)


def thresholds(config: AnalyticsConfig, analytic: str) -> dict[str, Any]:
    """The settings an analytic applies (its config section, and the shared ones it reads)."""
    plain = config.as_dict()
    section = dict(plain.get(SECTIONS.get(analytic, analytic), {}) or {})
    shared: dict[str, Any] = {k: plain[k] for k in ("policy_date", "max_findings") if k in plain}
    shared["baseline_year"] = config.effective_baseline()
    return {**section, **shared}


def explain(
    con: duckdb.DuckDBPyConnection,
    config: AnalyticsConfig | None = None,
    kind: str = "diversion",
    *,
    top: int = 5,
    on_step: Callable[[str], None] | None = None,
) -> Explanation:
    """Run one analytic (``kind``: its name, an alias or a finding kind it writes) without
    storing a run, and say what it tested."""
    ensure_installed(con)
    config = config_module.validate(config or AnalyticsConfig())
    analytic = _analytic(kind)
    result = compute(con, config, [analytic.name], on_step=on_step, explain=True)
    trace = result.traces.get(analytic.name) or Trace(analytic.name)
    counts = {k: 0 for k in analytic.kinds}
    for f in result.findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    return Explanation(
        analytic.name,
        list(analytic.kinds),
        thresholds(config, analytic.name),
        counts,
        trace,
        top,
        list(result.notes),
    )


def _analytic(kind: str) -> registry.Analytic:
    for a in registry.analytics():
        if kind in a.kinds:
            return a
    return registry.get(kind)
