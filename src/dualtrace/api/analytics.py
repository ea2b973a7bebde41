"""The trade-flow analytics, stored as one run of findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dualtrace.analytics import AnalyticsConfig, AnalyzeResult, analyze, load_config
from dualtrace.analytics.explain import Explanation
from dualtrace.analytics.explain import explain as explain_analytic
from dualtrace.api.base import PathLike, SessionBase


class AnalyticsMixin(SessionBase):
    def analyze(
        self,
        only: Sequence[str] | None = None,
        config: PathLike | Any | None = None,
        *,
        on_step: Callable[[str], None] | None = None,
        engine: str = "duckdb",
        spark_master: str | None = None,
        parquet: PathLike | None = None,
    ) -> AnalyzeResult:
        """Run the trade-flow analytics (surge, share, divergence, diversion, mirror_gap,
        unit_value, new_party) and store their findings as one run.

        ``config`` is a YAML file or an ``AnalyticsConfig``; ``only`` names analytics to run.
        ``engine="spark"`` runs every query on Spark (``spark_master``: a cluster URL, default
        local) over ``parquet`` (a folder written by ``export_parquet``; default: exported for the
        run); the findings are stored here either way.
        """
        settings = config if isinstance(config, AnalyticsConfig) else load_config(config)
        return analyze(
            self.con,
            settings,
            only,
            on_step=on_step,
            engine=engine,
            spark_master=spark_master,
            parquet=parquet,
        )

    def explain(
        self,
        kind: str,
        config: PathLike | Any | None = None,
        *,
        top: int = 5,
        on_step: Callable[[str], None] | None = None,
    ) -> Explanation:
        """What one analytic (its name, an alias or a finding kind) tested and why it found what
        it found, or nothing: windows, series tested, thresholds, counts passing each filter and
        the ``top`` nearest misses. Runs the analytic without storing a run."""
        settings = config if isinstance(config, AnalyticsConfig) else load_config(config)
        return explain_analytic(self.con, settings, kind, top=top, on_step=on_step)
