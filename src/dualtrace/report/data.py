"""What a report shows, read from the warehouse: the latest findings and the data sources."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from dualtrace.analytics import registry
from dualtrace.claims.store import stored
from dualtrace.errors import InputError
from dualtrace.findings import Finding, rank_key
from dualtrace.findings.store import latest
from dualtrace.warehouse import coverage as coverage_table


@dataclass
class ReportData:
    findings: list[Finding]
    sources: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    warehouse: str
    claims: list[dict[str, Any]] = field(default_factory=list)  # stored claim checks
    gaps: list[dict[str, Any]] = field(default_factory=list)  # coverage: what is not complete
    analysed: list[str] = field(default_factory=list)  # kinds the latest analyze run tested
    tested: dict[str, dict[str, Any]] = field(default_factory=dict)  # analytic -> what it tested
    generated_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    def kinds(self) -> list[str]:
        present = {f.kind for f in self.findings}
        ordered = [k for k in kind_order() if k in present]
        return ordered + sorted(present - set(ordered))

    def tested_rows(self) -> list[dict[str, Any]]:
        """Per analytic of the latest run: its findings, and what it tested where it records it."""
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.kind] = counts.get(f.kind, 0) + 1
        rows = []
        for analytic in registry.analytics():
            kinds = [k for k in analytic.kinds if k in self.analysed]
            if not kinds:
                continue
            t = self.tested.get(analytic.name, {})
            shown = ("currency", "before", "after", "compared")
            windows = "; ".join(
                ", ".join(f"{k} {v}" for k, v in w.items() if k in shown) for w in t.get("windows", [])
            )
            rows.append(
                {
                    "analytic": analytic.name,
                    "findings": ", ".join(f"{k} {counts.get(k, 0)}" for k in kinds),
                    "series tested": t.get("tested", ""),
                    "windows": windows,
                    "passing each filter": "; ".join(f"{k}: {v}" for k, v in t.get("filters", {}).items()),
                }
            )
        return rows

    def of_kind(self, kind: str) -> list[Finding]:
        return sorted((f for f in self.findings if f.kind == kind), key=rank_key)


def kind_order() -> tuple[str, ...]:
    """Kinds in the order a reader wants them (the analytics registry); kinds of other engines
    follow in name order."""
    return tuple(registry.kind_titles())


def title(kind: str) -> str:
    return registry.kind_titles().get(kind, kind.replace("_", " ").capitalize())


def collect(
    con: duckdb.DuckDBPyConnection,
    warehouse: str,
    kinds: Sequence[str] | None = None,
    min_severity: str | None = None,
) -> ReportData:
    try:
        found = latest(con, kinds=kinds, min_severity=min_severity)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    cursor = con.execute(
        "SELECT source_id, filename, layout, target_table, encoding, rows_read, rows_loaded, "
        "rows_quarantined,"
        " loaded_at, left(sha256, 12) AS sha256 FROM sources ORDER BY source_id"
    )
    columns = [d[0] for d in cursor.description or []]
    sources = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    run_ids = sorted({f.run_id for f in found})
    runs: list[dict[str, Any]] = []
    if run_ids:
        marks = ", ".join("?" for _ in run_ids)
        cursor = con.execute(
            f"SELECT run_id, command, started_at, finished_at FROM runs WHERE run_id IN ({marks}) ORDER BY "
            f"started_at",
            run_ids,
        )
        columns = [d[0] for d in cursor.description or []]
        runs = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    analysed, tested = _latest_analyze(con)
    return ReportData(
        found, sources, runs, warehouse, claims=stored(con), gaps=gaps(con), analysed=analysed, tested=tested
    )


def gaps(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Per file, reporter, flow, currency and reason: the years not complete."""
    grouped: dict[tuple[Any, ...], dict[str, list[int]]] = {}
    for r in coverage_table.summary(con):
        if r["status"] == "complete":
            continue
        # a file's own edge is the same for all its reporters: one row
        edge = str(r["reason"] or "").startswith("the file ")
        who = "(every reporter)" if edge else r["reporter"]
        key = (r["filename"], who, r["flow"], r["currency"], r["reason"])
        years = grouped.setdefault(key, {}).setdefault(str(r["status"]), [])
        if int(r["year"]) not in years:
            years.append(int(r["year"]))
    return [
        {
            "file": file,
            "reporter": reporter,
            "flow": flow,
            "currency": currency,
            "partial": ", ".join(map(str, sorted(years.get("partial", [])))),
            "absent": ", ".join(map(str, sorted(years.get("absent", [])))),
            "reason": reason,
        }
        for (file, reporter, flow, currency, reason), years in grouped.items()
    ]


def _latest_analyze(con: duckdb.DuckDBPyConnection) -> tuple[list[str], dict[str, dict[str, Any]]]:
    row = con.execute(
        "SELECT params FROM runs WHERE command = 'analyze' ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    if row is None or not row[0]:
        return [], {}
    params = json.loads(row[0])
    return list(params.get("kinds") or []), dict(params.get("tested") or {})
