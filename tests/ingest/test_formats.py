"""The same declarations arrive as TSV, gzip CSV, Parquet or XLSX and load identically."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dualtrace.session import Dualtrace
from tests.ingest.conftest import write

ROWS = [
    [
        "D1",
        "2024-01-15",
        "Hong Kong Sino Link Ltd",
        "OOO Vektor",
        "HK",
        "8517620000",
        "router",
        "1500.5",
        "12",
    ],
    ["D2", "2024-02-01", "Shenzhen Xinghe Co", "OOO Vektor", "CN", "854231", "processors", "99", "0.4"],
    ["D3", "2024-02-30", "Bad Date Ltd", "OOO Vektor", "CN", "854231", "processors", "5", "1"],
]
HEADER = ["decl", "date", "shipper", "consignee", "from", "hs", "description", "value", "kg"]
MAPPING = """
table: shipments
columns: {declaration_no: decl, date: date, shipper_name: shipper, consignee_name: consignee,
          departure_country: from, hs_code: hs, description: description, value: value, net_kg: kg}
constants: {currency: USD}
"""


def expected_loaded(dt: Dualtrace) -> list[tuple[object, ...]]:
    return [
        tuple(r.values())
        for r in dt.sql(
            "SELECT declaration_no, date::VARCHAR, shipper_name, departure_country, hs_code, hs6,"
            " value::DOUBLE, value_usd::DOUBLE, net_kg, source_line FROM shipments ORDER BY declaration_no"
        )
    ]


def check(dt: Dualtrace, path: Path, tmp_path: Path, first_line: int = 2) -> None:
    [report] = dt.ingest_shipments([path], mapping=write(tmp_path / "m.yaml", MAPPING))
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    assert expected_loaded(dt) == [
        (
            "D1",
            "2024-01-15",
            "Hong Kong Sino Link Ltd",
            "HKG",
            "8517620000",
            "851762",
            1500.5,
            1500.5,
            12.0,
            first_line,
        ),
        (
            "D2",
            "2024-02-01",
            "Shenzhen Xinghe Co",
            "CHN",
            "854231",
            "854231",
            99.0,
            99.0,
            0.4,
            first_line + 1,
        ),
    ]
    [q] = dt.quarantine(report.source_id)
    assert q["line"] == first_line + 2 and q["reason"] == "date: not a date '2024-02-30'"


def test_tsv(warehouse: Dualtrace, tmp_path: Path) -> None:
    path = tmp_path / "d.tsv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter="\t").writerows([HEADER, *ROWS])
    check(warehouse, path, tmp_path)


def test_gzip_csv(warehouse: Dualtrace, tmp_path: Path) -> None:
    path = tmp_path / "d.csv.gz"
    with gzip.open(path, "wt", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *ROWS])
    check(warehouse, path, tmp_path)


def test_parquet(warehouse: Dualtrace, tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    columns = list(zip(*ROWS, strict=True))
    table = pa.table({name: pa.array(values) for name, values in zip(HEADER, columns, strict=True)})
    pq.write_table(table, path)
    # Parquet has no header line: row 1 is the first record.
    check(warehouse, path, tmp_path, first_line=1)


def test_xlsx_with_typed_cells_and_a_title_row(warehouse: Dualtrace, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    import datetime as dt

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Customs extract, fictional"])
    sheet.append(HEADER)
    for row in ROWS:
        typed: list[object] = list(row)
        if row[1] != "2024-02-30":
            typed[1] = dt.datetime.fromisoformat(row[1])  # a real date cell
        typed[5] = int(row[5])  # HS code stored as a number
        typed[7], typed[8] = float(row[7]), float(row[8])
        sheet.append(typed)
    path = tmp_path / "d.xlsx"
    workbook.save(path)
    mapping = MAPPING + "options: {skip_rows: 1}\n"
    [report] = warehouse.ingest_shipments([path], mapping=write(tmp_path / "m.yaml", mapping))
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    rows = expected_loaded(warehouse)
    assert [r[0] for r in rows] == ["D1", "D2"]
    assert [r[-1] for r in rows] == [3, 4]  # spreadsheet row numbers
    assert rows[0][4] == "8517620000" and rows[0][6] == 1500.5


def test_rates_fill_value_usd_for_other_currencies(warehouse: Dualtrace, tmp_path: Path) -> None:
    data = write(
        tmp_path / "flows.csv",
        "reporter,partner,cn8,month,value_eur\n"
        "DE,RU,85423100,2022-01,1000\nDE,RU,85423100,2022-02,1000\nDE,RU,85423100,2023-05,1000\n",
    )
    rates = write(tmp_path / "rates.csv", "currency,period,usd_per_unit\nEUR,2022-01,1.10\nEUR,2022,1.05\n")
    mapping = write(
        tmp_path / "m.yaml",
        "table: trade_flows\ncolumns: {reporter: reporter, partner: partner, hs_code: cn8, period: month,"
        " value: value_eur}\nconstants: {flow: X, currency: EUR}\n",
    )
    warehouse.ingest_trade([data], mapping=mapping, rates=rates)
    got = warehouse.sql("SELECT period::VARCHAR AS p, value_usd::DOUBLE AS usd FROM trade_flows ORDER BY p")
    # A monthly rate wins, else the year's rate, else value_usd stays unknown.
    assert got == [
        {"p": "2022-01-01", "usd": 1100.0},
        {"p": "2022-02-01", "usd": 1050.0},
        {"p": "2023-05-01", "usd": None},
    ]
