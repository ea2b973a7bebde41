"""The XLSX workbook (one sheet per finding kind) and the JSON report."""

from __future__ import annotations

import json
from collections import Counter

import openpyxl

from tests.report.conftest import Reports, out


def test_xlsx_has_one_sheet_per_kind(reports: Reports) -> None:
    book = openpyxl.load_workbook(reports.xlsx.path, read_only=True)
    counts = Counter(f.kind for f in reports.findings)
    assert {"summary", "evidence", "sources"} <= set(book.sheetnames)
    for kind, n in counts.items():
        assert kind in book.sheetnames
        rows = list(book[kind].iter_rows(values_only=True))
        header = rows[0]
        assert header[:4] == ("finding_id", "severity", "score", "headline")
        data = [r for r in rows[1:] if r[0]]
        assert len(data) == n
        assert {r[0] for r in data} == {f.finding_id for f in reports.findings if f.kind == kind}
    summary = list(book["summary"].iter_rows(values_only=True))
    assert len(summary) - 1 == len(reports.findings)
    evidence = list(book["evidence"].iter_rows(values_only=True))
    assert len(evidence) - 1 == sum(len(f.evidence.table) for f in reports.findings)
    sources = list(book["sources"].iter_rows(values_only=True))
    assert len(sources) - 1 == reports.sources


def test_json_report_for_machines(reports: Reports) -> None:
    data = json.loads(out(reports.json.path))
    assert len(data["findings"]) == len(reports.findings)
    assert data["counts"] == dict(Counter(f.kind for f in reports.findings))
    assert len(data["sources"]) == reports.sources
    for f in data["findings"]:
        assert f["headline"] and f["evidence"]["query"]
        assert 0 <= f["score"] <= 1
