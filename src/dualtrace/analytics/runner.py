"""Run the analytics on a warehouse and store their findings as one run.

from dualtrace.analytics import analyze
result = analyze(con, config, only=["surge", "diversion"])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dualtrace.analytics import config as config_module
from dualtrace.analytics import explanation, flows, merge, products, registry, severity
from dualtrace.analytics import series as series_module
from dualtrace.analytics.config import AnalyticsConfig
from dualtrace.analytics.context import Context
from dualtrace.analytics.engines import Engine, open_engine
from dualtrace.analytics.evidence import Pending
from dualtrace.analytics.sql import Executed, Runner
from dualtrace.analytics.trace import Trace
from dualtrace.findings import Finding, rank_key
from dualtrace.findings.store import record_run
from dualtrace.reference.install import ensure_installed

# Names of the analytics, in the order they run (data/analytics.yaml).
ANALYTICS = registry.names()
# Finding kinds each analytic writes (surge writes both surges and collapses).
KINDS = {a.name: tuple(a.kinds) for a in registry.analytics()}


@dataclass
class AnalyzeResult:
    run_id: str
    findings: list[Finding]
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    queries: list[Executed] = field(default_factory=list)
    traces: dict[str, Trace] = field(default_factory=dict)  # what each analytic tested

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.kind] = out.get(f.kind, 0) + 1
        return out


def resolve_only(only: Sequence[str] | None) -> list[str]:
    if not only:
        return list(registry.names())
    chosen = []
    for name in only:
        analytic = registry.get(name).name
        if analytic not in chosen:
            chosen.append(analytic)
    return chosen


def _series_levels(config: AnalyticsConfig, chosen: list[str]) -> set[str]:
    """Product levels the series tables need (surge, share, divergence, mirror gaps)."""
    levels: set[str] = set()
    if "surge" in chosen:
        levels.update(config.surge.levels)
    if "share" in chosen:
        levels.update(config.share.levels)
    if "divergence" in chosen:
        levels.update(config.divergence.levels)
    if "mirror_gap" in chosen:
        levels.update(lv for lv in config.mirror_gap.levels if lv not in ("matched", "category"))
        levels.add("hs6")
    return levels


def _levels(config: AnalyticsConfig, chosen: list[str]) -> set[str]:
    """Product levels of the product map (every analytic's, plus what diversion and mirror
    gaps build their own sums from)."""
    levels = _series_levels(config, chosen)
    if "diversion" in chosen:
        levels.update({config.diversion.product_level, "category", "code"})
    if "mirror_gap" in chosen and "category" in config.mirror_gap.levels:
        levels.add("category")
    if "unit_value" in chosen:
        levels.add("code")
    return levels


def compute(
    con: duckdb.DuckDBPyConnection | Engine,
    config: AnalyticsConfig | None = None,
    only: Sequence[str] | None = None,
    *,
    source: str = "trade_flows",
    on_step: Callable[[str], None] | None = None,
    explain: bool = False,
) -> AnalyzeResult:
    """Run the analytics and return their findings without storing them. ``con`` is the
    warehouse or another engine reading its tables (analytics/engines.py). ``explain`` also
    records what each analytic tested (``result.traces``; costs extra queries)."""
    config = config_module.validate(config or AnalyticsConfig())
    chosen = resolve_only(only)
    runner = Runner(con)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    needs_flows = any(registry.get(a).reads == "flows" for a in chosen)
    findings: list[Finding] = []
    notes: list[str] = []
    if needs_flows:
        prepared = flows.prepare(runner, source)
        levels = _levels(config, chosen)
        # one scan: the yearly sums per reported code, which everything after reads
        year_buckets, _use, _cov = series_module.buckets(runner, prepared, "year")
        product_map = products.build(runner, config, levels, year_buckets)
        notes.extend(prepared.notes)
        seconds["prepare"] = time.perf_counter() - started
        ctx: Context | None = Context(
            runner, config, prepared, product_map, levels, _series_levels(config, chosen), explain=explain
        )
    else:
        ctx = None
    pending: list[tuple[str, Pending]] = []
    for name in chosen:
        if on_step is not None:
            on_step(name)
        t0 = time.perf_counter()
        analytic = registry.get(name)
        module = analytic.module()
        if analytic.reads == "shipments":
            findings.extend(module.run_shipments(runner, config))
        else:
            assert ctx is not None
            produced = module.run(ctx)
            if isinstance(produced, Pending):
                pending.append((name, produced))
            else:
                findings.extend(produced)
        seconds[name] = time.perf_counter() - t0
    if ctx is not None and pending:
        # the evidence every analytic asked for, in one pass over the flows
        t0 = time.perf_counter()
        got = ctx.evidence.fetch(runner, ctx.prepared)
        for _name, item in pending:
            findings.extend(item.finish(got))
        seconds["evidence"] = time.perf_counter() - t0
    findings = _settle(findings)
    seconds["total"] = time.perf_counter() - started
    traces = dict(ctx.traces) if ctx is not None else {}
    return AnalyzeResult("", findings, seconds, notes, runner.log, traces)


def _settle(findings: list[Finding]) -> list[Finding]:
    """One finding per fact, typed score parts, calibrated severity, then the one ranking."""
    for finding in findings:
        explanation.attach(finding)
    kept = merge.one_per_fact(findings)
    severity.apply(kept)
    return sorted(kept, key=rank_key)


def analyze(
    con: duckdb.DuckDBPyConnection,
    config: AnalyticsConfig | None = None,
    only: Sequence[str] | None = None,
    *,
    source: str = "trade_flows",
    on_step: Callable[[str], None] | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    parquet: str | Path | None = None,
) -> AnalyzeResult:
    """Run the analytics and store their findings as one run of `analyze`.

    ``engine="spark"`` runs every query on a Spark session (``spark_master``, default local)
    reading ``parquet`` (default: the warehouse exported for the run); the findings are stored
    in the warehouse the same way."""
    ensure_installed(con)
    config = config_module.validate(config or AnalyticsConfig())
    with open_engine(con, engine, master=spark_master, parquet=parquet) as target:
        result = compute(target, config, only, source=source, on_step=on_step)
    chosen = resolve_only(only)
    params = {
        "only": chosen,
        # kinds analysed, found or not
        "kinds": [kind for name in chosen for kind in registry.get(name).kinds],
        "config": config.as_dict(),
        "engine": engine,
        # what each analytic that records it tested (the report's "What was tested")
        "tested": {name: trace.summary() for name, trace in result.traces.items()},
    }
    result.run_id = record_run(con, "analyze", result.findings, params)
    return result
