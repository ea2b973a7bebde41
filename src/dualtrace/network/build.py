"""``dualtrace network build``: everything the network engine computes, in order.

1. ownership edges from the lists (FtM Ownership, parent links) are derived again;
2. party resolution (shipment spellings, list entities, owners) -> parties;
3. the 50 % rule on the resolved ownership graph -> party_control;
4. trade edges between parties -> trade_edges;
5. the graph: distances to listed parties, partners, volume shares, intermediary signals
   -> party_exposure;
6. findings (ownership_exposure, intermediary, sanctioned_network), recorded as one run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from dualtrace.findings import record_run
from dualtrace.network import control as control_module
from dualtrace.network import exposure as exposure_module
from dualtrace.network import findings as findings_module
from dualtrace.network.ownership_lists import refresh_list_ownership
from dualtrace.network.resolve import ResolveReport, resolve_parties
from dualtrace.network.trade import build_trade_edges
from dualtrace.reference.install import ensure_installed
from dualtrace.warehouse.db import transaction

__all__ = ["BuildReport", "build_network", "compute_and_store_control"]


@dataclass
class BuildReport:
    as_of: date
    resolution: ResolveReport | None = None
    list_ownership_edges: int = 0
    ownership_edges: int = 0
    sanctioned_by_ownership: int = 0
    controlled_unknown_share: int = 0
    trade_edges: int = 0
    exposed_parties: int = 0
    intermediaries: int = 0
    findings: dict[str, int] = field(default_factory=dict)
    run_id: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "resolution"}
        out["resolution"] = self.resolution.as_dict() if self.resolution else None
        return out


def compute_and_store_control(
    con: duckdb.DuckDBPyConnection, as_of: date
) -> dict[str, control_module.Control]:
    stakes = control_module.load_stakes(con)
    listed = {r[0] for r in con.execute("SELECT party_id FROM parties WHERE listed").fetchall()}
    names = dict(con.execute("SELECT party_id, name FROM parties").fetchall())
    results = control_module.compute_control(stakes, listed, names, as_of)
    with transaction(con):
        control_module.write_control(con, results, as_of)
    return results


def build_network(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    as_of = as_of or date.today()
    report = BuildReport(as_of=as_of)
    started = time.perf_counter()

    def lap(label: str) -> None:
        nonlocal started
        now = time.perf_counter()
        report.seconds[label] = round(now - started, 2)
        started = now
        if progress is not None:
            progress(label)

    # One transaction for the whole build (the blocks below join it): a crash or kill at any
    # moment leaves the warehouse as it was, never parties resolved without their findings.
    with transaction(con):
        ensure_installed(con)  # the CHPL codes tell controlled goods
        with transaction(con):
            report.list_ownership_edges = refresh_list_ownership(con)
        lap("ownership from lists")
        report.resolution = resolve_parties(con, workers=workers)
        lap("party resolution")
        results = compute_and_store_control(con, as_of)
        report.ownership_edges = int(con.execute("SELECT count(*) FROM ownership").fetchall()[0][0])
        report.sanctioned_by_ownership = sum(1 for c in results.values() if c.sanctioned_by_ownership)
        report.controlled_unknown_share = sum(1 for c in results.values() if c.controlled_unknown_share)
        lap("50% rule")
        with transaction(con):
            report.trade_edges = build_trade_edges(con)
        lap("trade edges")
        exposure = exposure_module.compute_exposure(con, as_of)
        report.exposed_parties = exposure.rows
        report.intermediaries = exposure.intermediaries
        lap("graph and exposure")
        found = findings_module.build_findings(con, as_of)
        for f in found:
            report.findings[f.kind] = report.findings.get(f.kind, 0) + 1
        report.run_id = record_run(con, "network build", found, {"as_of": as_of})
        lap("findings")
    return report
