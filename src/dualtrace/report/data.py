"""What a report shows, read from the warehouse: the latest findings and the data sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from dualtrace.analytics import registry
from dualtrace.claims.store import stored
from dualtrace.errors import InputError
from dualtrace.findings import Finding
from dualtrace.findings.store import latest


@dataclass
class ReportData:
    findings: list[Finding]
    sources: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    warehouse: str
    claims: list[dict[str, Any]] = field(default_factory=list)  # stored claim checks
    generated_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    def kinds(self) -> list[str]:
        present = {f.kind for f in self.findings}
        ordered = [k for k in kind_order() if k in present]
        return ordered + sorted(present - set(ordered))

    def of_kind(self, kind: str) -> list[Finding]:
        return sorted((f for f in self.findings if f.kind == kind), key=lambda f: (-f.score, f.subject))


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
    return ReportData(found, sources, runs, warehouse, claims=stored(con))
