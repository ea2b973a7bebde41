"""Reports of findings: a self-contained HTML file, an XLSX workbook, or JSON for machines.

import dualtrace
dualtrace.open("w.duckdb").report("report.html")
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from dualtrace.errors import InputError
from dualtrace.report import data as report_data

FORMATS = (".html", ".xlsx", ".json")


@dataclass
class ReportResult:
    path: Path
    format: str
    findings: int
    charts: int
    bytes: int


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(data: report_data.ReportData) -> str:
    return json.dumps(
        {
            "generated_at": data.generated_at,
            "warehouse": data.warehouse,
            "runs": data.runs,
            "sources": data.sources,
            "counts": {k: len(data.of_kind(k)) for k in data.kinds()},
            "findings": [f.to_record() for k in data.kinds() for f in data.of_kind(k)],
            "claims": data.claims,
        },
        default=_json_default,
        ensure_ascii=False,
        indent=1,
    )


def write_report(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    kinds: Sequence[str] | None = None,
    min_severity: str | None = None,
    top: int = 40,
    warehouse: str = "",
) -> ReportResult:
    """Write the latest findings to `path`; the suffix (.html, .xlsx, .json) picks the format."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"report format {suffix or '(none)'} is not supported: name the file .html, .xlsx or .json"
        )
    if path.parent and not path.parent.exists():
        raise InputError(f"folder {path.parent} does not exist for report {path.name}")
    if top < 1:
        raise InputError("--top must be at least 1")
    data = report_data.collect(con, warehouse or str(getattr(con, "database", "")), kinds, min_severity)
    charts = 0
    if suffix == ".html":
        from dualtrace.report import html

        text, charts = html.render(data, top)
        path.write_text(text, encoding="utf-8")
    elif suffix == ".json":
        path.write_text(to_json(data), encoding="utf-8")
    else:
        from dualtrace.report import xlsx

        xlsx.write(data, path)
    return ReportResult(path, suffix[1:], len(data.findings), charts, path.stat().st_size)


__all__ = ["FORMATS", "ReportResult", "to_json", "write_report"]
