"""A mapping inferred for trade files no built-in layout recognises: the real Eurostat CN8
extract loads in one command, and what cannot be settled is asked, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import dualtrace
from dualtrace.cli import build_app
from dualtrace.errors import MappingError
from tests.conftest import shared_file
from tests.ingest.conftest import FIXTURES, write

CN8 = "trade/eurostat/eu_exports_cn8_monthly_CHPL_subset.csv"

TOTALS_SQL = (
    "SELECT count(*), sum(value), min(period), max(period), count(DISTINCT hs_code),"
    " string_agg(DISTINCT flow, ','), string_agg(DISTINCT currency, ','), string_agg(DISTINCT freq, ',')"
    " FROM trade_flows"
)


def test_eurostat_cn8_file_loads_in_one_command_as_with_the_hand_written_mapping(tmp_path: Path) -> None:
    path = shared_file(CN8)
    with dualtrace.open(tmp_path / "inferred.duckdb") as dt:
        [report] = dt.ingest_trade([path])
        inferred = dt.con.execute(TOTALS_SQL).fetchone()
        layout = dt.sources()[0]["layout"]
    with dualtrace.open(tmp_path / "mapped.duckdb") as dt:
        dt.ingest_trade([path], mapping=FIXTURES / "eurostat_cn8.yaml")
        mapped = dt.con.execute(TOTALS_SQL).fetchone()
    assert layout == "inferred"
    assert report.rows_read == report.rows_loaded > 20_000
    assert inferred == mapped
    assert report.inferred_mapping is not None
    spec = yaml.safe_load(report.inferred_mapping)
    assert spec["columns"] == {
        "reporter": "reporter",
        "partner": "partner",
        "hs_code": "cn8",
        "period": "month",
        "value": "value_eur",
    }
    assert spec["constants"] == {"flow": "X", "currency": "EUR"}


def test_names_and_values_decide_with_a_flow_column_and_currency_in_the_header(tmp_path: Path) -> None:
    path = write(
        tmp_path / "trade.csv",
        "Reporter Country,Partner,HS Code,Period,Trade Value (USD),Flow,Net Weight (kg)\n"
        "China,Russia,854231,2023-01,1000,Export,\n"
        "Kazakhstan,China,8542.31,2023-02,2500.5,Import,12\n",
    )
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        inference = dt.suggest_mapping(path)
        [report] = dt.ingest_trade([path])
        rows = dt.con.execute(
            "SELECT reporter, partner, hs_code, flow, value, currency, net_kg FROM trade_flows ORDER BY value"
        ).fetchall()
    assert inference.usable, inference.problems
    assert inference.spec["columns"]["net_kg"] == "Net Weight (kg)"
    assert inference.spec["constants"] == {"currency": "USD"}
    assert report.rows_loaded == 2
    assert rows == [
        ("CHN", "RUS", "854231", "X", 1000.0, "USD", None),  # a blank weight stays unknown
        ("KAZ", "CHN", "854231", "M", 2500.5, "USD", 12.0),
    ]


def test_a_column_whose_values_do_not_fit_its_name_is_not_taken(tmp_path: Path) -> None:
    path = write(
        tmp_path / "exports.csv",
        "reporter,partner,hs_code,period,value_eur\n"
        "Germany,Armenia,Machines,2022-01,10\n"
        "Germany,Armenia,Tools,2022-02,20\n",
    )
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        inference = dt.suggest_mapping(path)
        with pytest.raises(MappingError) as error:
            dt.ingest_trade([path])
        assert dt.sources() == []
    assert "hs_code" not in inference.spec["columns"]
    assert any("hs_code" in p for p in inference.problems)
    message = str(error.value)
    assert "exports.csv: unknown layout" in message
    assert "no column found for hs_code" in message
    assert "--suggest-mapping" in message
    assert "\n" not in message


def test_unknown_currency_and_flow_are_asked_for_not_guessed(tmp_path: Path) -> None:
    path = write(
        tmp_path / "flows.csv",
        "reporter,partner,cn8,month,value\nGermany,Armenia,84715000,2022-01,10\n",
    )
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        inference = dt.suggest_mapping(path)
    assert not inference.usable
    assert any("currency" in p for p in inference.problems)
    assert any("flow" in p for p in inference.problems)
    assert "TODO: " in inference.yaml()


def test_suggest_mapping_writes_a_file_that_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path / "kz_imports.csv",
        "declarant;partner_iso;product;year;value_usd\nKZ;CN;854231;2021;5\nKZ;RU;854232;2022;7\n",
    )
    target = tmp_path / "kz.yaml"
    db = tmp_path / "w.duckdb"
    runner, app = CliRunner(), build_app()
    result = runner.invoke(
        app, ["ingest", "trade", str(path), "--suggest-mapping", str(target), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert "ready to load" in result.output
    spec = yaml.safe_load(target.read_text("utf-8"))
    assert spec["constants"] == {"flow": "M", "currency": "USD"}  # the file name says imports
    loaded = runner.invoke(app, ["ingest", "trade", str(path), "--mapping", str(target), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.output
    with dualtrace.open(db) as dt:
        assert dt.con.execute(
            "SELECT count(*), string_agg(DISTINCT freq, ',') FROM trade_flows"
        ).fetchone() == (
            2,
            "A",
        )
