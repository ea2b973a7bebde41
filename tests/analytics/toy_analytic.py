"""A toy analytic for tests/analytics/test_registry.py: one finding per reporter."""

from __future__ import annotations

from dualtrace.analytics.context import Context
from dualtrace.findings import Finding


def run(ctx: Context) -> list[Finding]:
    rows = ctx.runner.rows("toy: reporters", "SELECT DISTINCT reporter FROM _an_flows ORDER BY reporter")
    return [
        Finding("toy_kind", "reporter", str(r["reporter"]), f"{r['reporter']} reports", 0.5) for r in rows
    ]
