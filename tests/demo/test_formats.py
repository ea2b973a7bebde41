"""Every file parses in its declared encoding and delimiter, in the layout it claims."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.csv as pacsv
import pytest
import yaml

from dualtrace.demo.scenario import Scenario
from dualtrace.demo.scenario.writer import COMEXT_HEADER, COMTRADE_HEADER

from .conftest import decoded, shared

SHIPMENT_COLUMNS = {
    "date", "declaration_no", "line_no", "direction", "shipper_name", "shipper_address",
    "shipper_country", "shipper_id", "consignee_name", "consignee_address", "consignee_country",
    "consignee_id", "declarant_name", "declarant_id", "origin_country", "departure_country",
    "destination_country", "hs_code", "description", "manufacturer", "brand", "value", "currency",
    "value_usd", "net_kg", "qty", "qty_unit", "transport",
}  # fmt: skip


def duck_rows(path: Path, **options: object) -> list[tuple[Any, ...]]:
    opts = ", ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in options.items())
    con = duckdb.connect()
    return con.execute(f"SELECT * FROM read_csv('{path}', {opts})").fetchall()


def test_comtrade_files_have_the_official_47_columns(scenario: Scenario) -> None:
    assert len(COMTRADE_HEADER) == 47
    try:
        real = shared("trade/comtrade/comtradeplus_api_CHN_8542_annual_2010-2021.csv")
        assert real.read_text(encoding="utf-8").splitlines()[0].split(",") == COMTRADE_HEADER
    except pytest.skip.Exception:
        pass
    for rel, info in scenario.files.items():
        if not rel.startswith("trade/comtrade_"):
            continue
        path = scenario.path(rel)
        assert path.read_text(encoding="utf-8").splitlines()[0].split(",") == COMTRADE_HEADER
        rows = duck_rows(path, header=True, all_varchar=True)
        assert len(rows) == info.rows
        assert {r[1] for r in rows} == {"M"}
        assert all(len(r[5]) == 6 for r in rows)  # period YYYYMM
        assert {r[17] for r in rows} <= {"H5", "H6"}
        assert all((r[17] == "H6") == (int(r[3]) >= 2022) for r in rows)
        assert all(len(r[20]) == 6 for r in rows)  # cmdCode HS6


def test_comext_files_have_the_bulk_layout(scenario: Scenario) -> None:
    for year in range(2019, 2025):
        rel = f"trade/comext_{year}.csv"
        path = scenario.path(rel)
        assert path.read_text(encoding="ascii").splitlines()[0].split(",") == COMEXT_HEADER
        rows = duck_rows(path, header=True, all_varchar=True)
        assert len(rows) == scenario.files[rel].rows
        assert {r[13] for r in rows} == {"2"}  # FLOW 2 = export
        assert {r[16][:4] for r in rows} == {str(year)}
        assert all(len(r[5]) == 8 and r[5].isdigit() for r in rows)  # CN8, leading zeros kept
        assert all(len(r[0]) == 3 and len(r[2]) == 4 for r in rows)  # Eurostat geo codes


def test_declarations_are_really_in_their_encodings(scenario: Scenario) -> None:
    ru = scenario.path("declarations/ru_imports.csv").read_bytes()
    cn = scenario.path("declarations/cn_exports.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        ru.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        cn.decode("utf-8")
    assert "Номер ДТ" in ru.decode("cp1251").splitlines()[0]
    assert "申报日期" in cn.decode("gb18030").splitlines()[0]
    assert scenario.files["declarations/ru_imports.csv"].encoding == "cp1251"
    assert scenario.files["declarations/cn_exports.csv"].encoding == "gb18030"


@pytest.mark.parametrize("rel", ["declarations/ru_imports.csv", "declarations/cn_exports.csv"])
def test_declarations_parse_with_pyarrow(scenario: Scenario, rel: str) -> None:
    info = scenario.files[rel]
    bad: list[int] = []

    def handler(row: pacsv.InvalidRow) -> str:
        bad.append(row.number)
        return "skip"

    table = pacsv.read_csv(
        scenario.path(rel),
        read_options=pacsv.ReadOptions(encoding=info.encoding, use_threads=False),
        parse_options=pacsv.ParseOptions(delimiter=info.delimiter, invalid_row_handler=handler),
        convert_options=pacsv.ConvertOptions(
            column_types={c: "string" for c in decoded(scenario, rel).splitlines()[0].split(info.delimiter)}
        ),
    )
    field_count = [
        m["line"] for m in scenario.truth["malformed_rows"]
        if m["file"] == rel and m["kind"].startswith("field_count")
    ]  # fmt: skip
    # pyarrow numbers rows from 1 at the header, like our physical lines
    assert sorted(bad) == sorted(field_count)
    assert table.num_rows == info.rows - len(field_count)


@pytest.mark.parametrize("rel", ["declarations/ru_imports.csv", "declarations/cn_exports.csv"])
def test_mapping_yaml_names_existing_headers(scenario: Scenario, rel: str) -> None:
    info = scenario.files[rel]
    mapping = yaml.safe_load(scenario.path(rel.replace(".csv", ".yaml")).read_text("utf-8"))
    header = next(csv.reader(io.StringIO(decoded(scenario, rel).splitlines()[0]),
                             delimiter=info.delimiter))  # fmt: skip
    assert mapping["table"] == "shipments"
    assert set(mapping["columns"]) <= SHIPMENT_COLUMNS
    assert set(mapping["constants"]) <= SHIPMENT_COLUMNS
    assert set(mapping["values"]) <= SHIPMENT_COLUMNS
    for column, source in mapping["columns"].items():
        assert source in header, (column, source)
    assert not set(mapping["columns"]) & set(mapping["constants"])
    options = mapping["options"]
    assert options["encoding"] == info.encoding
    assert options["delimiter"] == info.delimiter
    assert options["decimal"] == ("," if info.delimiter == ";" else ".")
    for col in ("date", "hs_code", "value_usd", "consignee_name", "shipper_name"):
        assert col in mapping["columns"]


def test_ofac_legacy_files(scenario: Scenario, tmp_path: Path) -> None:
    widths = {"sdn.csv": 12, "alt.csv": 5, "add.csv": 6}
    for name, width in widths.items():
        raw = scenario.path(f"lists/{name}").read_bytes()
        raw.decode("ascii")
        assert raw.endswith(b"\r\n\x1a"), name  # like OFAC's own files
        assert b"-0- " in raw
        body = tmp_path / name
        body.write_bytes(raw[:-1])
        rows = duck_rows(body, header=False, all_varchar=True, quote='"', delim=",")
        assert rows and all(len(r) == width for r in rows)
        try:
            stem = "sdn_2024-05-03" if name == "sdn.csv" else f"{name[:3]}_2025-02"
            real = shared(f"sanctions/ofac/{stem}.csv")
        except pytest.skip.Exception:
            continue
        first = next(csv.reader(io.StringIO(real.read_text("latin-1").splitlines()[0])))
        assert len(first) == width


def test_eu_dod_ownership_and_ftm(scenario: Scenario) -> None:
    eu = scenario.path("lists/eu__journal_sanctions__32014R0833.csv")
    eu_rows = list(csv.reader(io.StringIO(eu.read_text("utf-8"))))
    assert len(eu_rows[0]) == 45 and all(len(r) == 45 for r in eu_rows)
    assert {r[3] for r in eu_rows[1:]} == {"IV"}
    dod = scenario.path("lists/us__dod_chinese_milcorps__sanctions.csv")
    dod_rows = list(csv.DictReader(io.StringIO(dod.read_text("utf-8"))))
    assert any(r["Parent Name"] for r in dod_rows)
    for rel in (
        "lists/eu__journal_sanctions__32014R0833.csv",
        "lists/us__dod_chinese_milcorps__sanctions.csv",
        "lists/ownership.csv",
    ):
        assert len(duck_rows(scenario.path(rel), header=True, all_varchar=True)) == scenario.files[rel].rows
    try:
        real_eu = shared("sanctions/eu/eu__journal_sanctions__32014R0833.csv")
        real_dod = shared("sanctions/opensanctions/us__dod_chinese_milcorps__sanctions.csv")
        assert real_eu.read_text("utf-8").splitlines()[0] == eu.read_text("utf-8").splitlines()[0]
        assert real_dod.read_text("utf-8").splitlines()[0] == dod.read_text("utf-8").splitlines()[0]
    except pytest.skip.Exception:
        pass

    entities = [
        json.loads(line) for line in scenario.path("lists/entities.ftm.json").read_text("utf-8").splitlines()
    ]
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    assert {e["schema"] for e in entities} == {"Company", "Person", "Ownership", "Sanction"}
    for e in entities:
        assert set(e) >= {"id", "caption", "schema", "properties", "datasets", "target"}
        props = e["properties"]
        if e["schema"] == "Ownership":
            assert props["owner"][0] in ids and props["asset"][0] in ids
            assert float(props["percentage"][0]) > 0
        if e["schema"] == "Sanction":
            assert props["entity"][0] in ids
    scripts = {ch for e in entities if e["schema"] == "Company" for n in e["properties"]["name"] for ch in n}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in scripts)  # Chinese
    assert any("\u0400" <= ch <= "\u04ff" for ch in scripts)  # Cyrillic
    assert any(e["schema"] == "Ownership" and "endDate" in e["properties"] for e in entities)


def test_one_trade_row_per_key(scenario: Scenario) -> None:
    con = duckdb.connect()
    trade = scenario.out_dir / "trade"
    dup_comtrade = con.execute(
        f"""SELECT count(*) FROM (SELECT filename, reporterISO, partnerISO, flowCode, cmdCode,
        period FROM read_csv('{trade}/comtrade_*.csv', all_varchar=true, filename=true)
        GROUP BY ALL HAVING count(*) > 1)"""
    ).fetchone()
    dup_comext = con.execute(
        f"""SELECT count(*) FROM (SELECT DECLARANT, PARTNER, PRODUCT_NC, FLOW, PERIOD
        FROM read_csv('{trade}/comext_*.csv', all_varchar=true) GROUP BY ALL HAVING count(*) > 1)"""
    ).fetchone()
    assert dup_comtrade == (0,) and dup_comext == (0,)
