"""Trade-flow analytics: statistics over customs data that become findings with their evidence.

Each analytic is one module (surge, shares, divergence, diversion, mirror, unit_values,
new_parties); ``analyze`` runs them on a warehouse and stores their findings as one run.

    >>> import dualtrace
    >>> dt = dualtrace.open("demo-output/demo.duckdb")      # doctest: +SKIP
    >>> result = dt.analyze(only=["surge"])                  # doctest: +SKIP
    >>> result.findings[0].headline                           # doctest: +SKIP
"""

from dualtrace.analytics.config import AnalyticsConfig, ConfigError
from dualtrace.analytics.config import load as load_config
from dualtrace.analytics.runner import ANALYTICS, KINDS, AnalyzeResult, analyze, compute

__all__ = [
    "ANALYTICS",
    "KINDS",
    "AnalyticsConfig",
    "AnalyzeResult",
    "ConfigError",
    "analyze",
    "compute",
    "load_config",
]
