"""What one analytics run shares: the connection, config, cleaned flows, products and series."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dualtrace.analytics import series as series_module
from dualtrace.analytics import wide as wide_module
from dualtrace.analytics.config import AnalyticsConfig
from dualtrace.analytics.evidence import Batch
from dualtrace.analytics.flows import Prepared
from dualtrace.analytics.products import ProductMap
from dualtrace.analytics.series import SeriesTables
from dualtrace.analytics.sql import Runner
from dualtrace.analytics.trace import Trace
from dualtrace.analytics.wide import Wide


@dataclass
class Context:
    runner: Runner
    config: AnalyticsConfig
    prepared: Prepared
    products: ProductMap
    levels: set[str]  # levels of the product map
    series_levels: set[str]  # levels the series tables hold (surge, share, divergence, mirror)
    evidence: Batch = field(default_factory=Batch)
    explain: bool = False  # record what each analytic tested (analyze --explain)
    traces: dict[str, Trace] = field(default_factory=dict)
    _series: dict[str, SeriesTables] = field(default_factory=dict)

    def series(self, period: str) -> SeriesTables:
        """The series table for a bucket size, built on first use with every level any analytic
        of the run needs."""
        if period not in self._series:
            self._series[period] = series_module.build(
                self.runner, self.prepared, period, sorted(self.series_levels)
            )
        return self._series[period]

    def trace(self, analytic: str) -> Trace:
        """The record of what `analytic` tests in this run (kept only when explaining)."""
        if analytic not in self.traces:
            self.traces[analytic] = Trace(analytic)
        return self.traces[analytic]

    def wide(self) -> Wide:
        """The yearly sums, one column per year (built on first use)."""
        return wide_module.build(self.runner, self.prepared, sorted(self.series_levels), self.measures)

    def reporters(self, flow: str, currency: str) -> int:
        """How many reporters (statistical areas aside) report this flow in this currency."""
        areas = set(self.prepared.areas)
        return sum(
            1
            for reporter, f, c in self.prepared.coverage.groups()
            if f == flow and c == currency and reporter not in areas
        )

    @property
    def measures(self) -> list[str]:
        """The configured measures that the data has at all."""
        return [m for m in self.config.measures if m in self.prepared.coverage.measures]

    @property
    def baseline(self) -> int:
        return self.config.effective_baseline()

    @property
    def policy(self) -> date:
        return self.config.policy_date
