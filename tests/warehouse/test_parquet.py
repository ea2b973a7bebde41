"""`dualtrace export parquet`: the analytics' tables leave the warehouse whole (same rows, same
sums) on the real Eurostat extract, deterministically, and a bad target is a one-line error."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import dualtrace
from dualtrace.cli import build_app
from dualtrace.errors import InputError
from dualtrace.warehouse.parquet import ANALYTICS_TABLES
from tests.analytics.conftest import FIXTURES
from tests.conftest import shared_file

SUBSET = "trade/eurostat/eu_exports_cn8_monthly_CHPL_subset.csv"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("export") / "eu.duckdb"
    with dualtrace.open(db) as dt:
        dt.ingest_trade([shared_file(SUBSET)], mapping=FIXTURES / "eurostat_cn8.yaml")
    return db


def test_export_writes_every_table_with_its_rows(warehouse: Path, tmp_path: Path) -> None:
    with dualtrace.open(warehouse) as dt:
        counts = dt.export_parquet(tmp_path / "pq")
        total, value = dt.sql("SELECT COUNT(*) AS n, SUM(value) AS v FROM trade_flows")[0].values()
    assert set(counts) == set(ANALYTICS_TABLES)
    assert counts["trade_flows"] == total > 10_000
    assert counts["ref_countries"] > 200 and counts["ref_chpl"] > 0
    flows = pq.read_table(tmp_path / "pq" / "trade_flows.parquet")
    assert flows.num_rows == total
    exported = sum(float(v) for v in flows.column("value").to_pylist() if v is not None)
    assert exported == pytest.approx(float(value), rel=1e-12)
    manifest = json.loads((tmp_path / "pq" / "_dualtrace.json").read_text())
    assert manifest["tables"] == counts and manifest["schema_version"]
    # same warehouse, same files: rows are written in a fixed order
    with dualtrace.open(warehouse) as dt:
        dt.export_parquet(tmp_path / "again")
    assert pq.read_table(tmp_path / "again" / "trade_flows.parquet").equals(flows)
    assert not list((tmp_path / "pq").glob(".*partial"))


def test_cli_export_and_bad_target(warehouse: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_app(), ["export", "parquet", str(tmp_path / "out"), "--db", str(warehouse), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["table"] for r in rows} == set(ANALYTICS_TABLES)
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with dualtrace.open(warehouse) as dt, pytest.raises(InputError, match="not a folder"):
        dt.export_parquet(blocker)
