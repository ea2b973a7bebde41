"""The XLSX report: a summary sheet, one sheet per finding kind, the evidence tables, the sources."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from dualtrace.findings import explain
from dualtrace.normalize.cells import neutralise
from dualtrace.report.data import ReportData, title

MAX_CELL = 32_000  # Excel refuses longer text in a cell


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value[:MAX_CELL] if isinstance(value, str) else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)[:MAX_CELL]


def _sheet_name(kind: str, used: set[str]) -> str:
    base = "".join(ch for ch in kind if ch not in "[]:*?/\\")[:28] or "kind"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[:26]}_{n}"
    used.add(name.lower())
    return name


def claim_rows(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per stored claim check (the SQL joined: a cell holds text)."""
    return [
        {
            "claim": c["text"],
            "verdict": c["verdict"],
            "answer": c["sentence"],
            "computed": c["computed"],
            "stated": c["stated"],
            "tolerance": c["tolerance"],
            "missing": c["missing"],
            "sql": "; ".join(c["sql"] or []),
            "checked_at": c["checked_at"],
        }
        for c in claims
    ]


class _Sheets:
    """A workbook's header and wrapped-text formats, and how a list of rows becomes a sheet."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.bold = book.add_format({"bold": True, "bg_color": "#EEF1F4"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})

    def put(self, sheet: Any, rows: list[dict[str, Any]], widths: dict[str, int] | None = None) -> None:
        columns: list[str] = []
        for row in rows:
            for key in row:
                if key not in columns:
                    columns.append(key)
        for c, column in enumerate(columns):
            sheet.write_string(0, c, neutralise(column), self.bold)
            sheet.set_column(
                c,
                c,
                (widths or {}).get(column, 14),
                self.wrap if (widths or {}).get(column, 0) > 40 else None,
            )
        for r, row in enumerate(rows, start=1):
            for c, column in enumerate(columns):
                value = neutralise(_plain(row.get(column)))
                if value is not None:
                    sheet.write(r, c, value)
        sheet.freeze_panes(1, 0)
        if columns:
            sheet.autofilter(0, 0, max(1, len(rows)), len(columns) - 1)


def _summary_rows(data: ReportData) -> list[dict[str, Any]]:
    return [
        {
            "kind": f.kind,
            "severity": f.severity,
            "score": round(f.score, 4),
            "subject": f.subject,
            "period_start": f.period_start,
            "period_end": f.period_end,
            "headline": f.headline,
            "finding_id": f.finding_id,
        }
        for kind in data.kinds()
        for f in data.of_kind(kind)
    ]


def _kind_rows(data: ReportData, kind: str) -> list[dict[str, Any]]:
    """A kind's findings with their metrics, score parts, notes, query and source rows."""
    rows = []
    for f in data.of_kind(kind):
        row: dict[str, Any] = {
            "finding_id": f.finding_id,
            "severity": f.severity,
            "score": round(f.score, 4),
            "headline": f.headline,
            "subject": f.subject,
            "period_start": f.period_start,
            "period_end": f.period_end,
        }
        for key, value in f.metrics.items():
            row[key] = value
        row["score_parts"] = explain(f.explanation)
        row["notes"] = " | ".join(f.evidence.notes)
        row["query"] = f.evidence.query
        row["rows"] = " ".join(f"{r.source_id}:{r.source_line}" for r in f.evidence.rows)
        rows.append(row)
    return rows


def write(data: ReportData, path: Path) -> int:
    """Write the workbook; returns the number of sheets."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_urls": False})
    sheets = _Sheets(book)
    used: set[str] = {"summary", "evidence", "sources"}
    sheets.put(book.add_worksheet("summary"), _summary_rows(data), {"headline": 110, "subject": 40})
    count = 1
    for kind in data.kinds():
        sheet = book.add_worksheet(_sheet_name(kind, used))
        sheets.put(sheet, _kind_rows(data, kind), {"headline": 90})
        sheet.set_header(f"&L{title(kind)}")  # the kind's full name on printed pages
        count += 1
    evidence = [
        {"finding_id": f.finding_id, "kind": f.kind, **row}
        for kind in data.kinds()
        for f in data.of_kind(kind)
        for row in f.evidence.table
    ]
    sheets.put(book.add_worksheet("evidence"), evidence)
    sheets.put(book.add_worksheet("sources"), [dict(s) for s in data.sources], {"filename": 40})
    if data.claims:
        sheets.put(
            book.add_worksheet("claims"), claim_rows(data.claims), {"claim": 60, "answer": 80, "sql": 80}
        )
        count += 1
    book.close()
    return count + 2
