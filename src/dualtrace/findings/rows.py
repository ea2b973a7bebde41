"""The evidence rows of a finding as stored: each with its file name and line."""

from __future__ import annotations

from typing import Any

import duckdb

from dualtrace.findings.model import Finding
from dualtrace.warehouse.db import records
from dualtrace.warehouse.facts import FACTS


def evidence_rows(con: duckdb.DuckDBPyConnection, finding: Finding, limit: int = 200) -> list[dict[str, Any]]:
    """The rows the finding names (at most ``limit``), or the reason a row is not there."""
    out: list[dict[str, Any]] = []
    for ref in finding.evidence.rows[:limit]:
        where = {"table": ref.table, "source_id": ref.source_id, "line": ref.source_line}
        if ref.table not in FACTS:
            out.append({**where, "file": None, "row": None, "missing": f"unknown table {ref.table}"})
            continue
        found = records(
            con,
            f"SELECT s.filename, t.* FROM {ref.table} t JOIN sources s USING (source_id)"
            " WHERE t.source_id = ? AND t.source_line = ?",
            [ref.source_id, ref.source_line],
        )
        if not found:
            out.append({**where, "file": None, "row": None, "missing": "row not in the warehouse"})
            continue
        row = found[0]
        out.append({**where, "file": row.pop("filename"), "row": row, "missing": None})
    return out
