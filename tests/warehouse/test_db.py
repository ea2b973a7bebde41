"""The warehouse creates and migrates itself, refuses what it cannot do, and drops a source cleanly."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

import dualtrace
from dualtrace.errors import WarehouseError
from dualtrace.warehouse import connect, migrate, schema_version
from dualtrace.warehouse.db import bulk_insert, migrations


def test_created_with_every_canonical_table_and_a_schema_version(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert {"sources", "quarantine", "findings", "runs", "meta", "schema_migrations"} <= tables
    assert {"trade_flows", "shipments"} <= views
    assert schema_version(con) == migrations()[-1][0]
    # Re-opening applies nothing twice.
    assert migrate(con) == []
    con.close()


def test_read_only_needs_an_existing_warehouse(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="no warehouse at"):
        connect(tmp_path / "absent.duckdb", read_only=True)
    with pytest.raises(WarehouseError, match="does not exist"):
        connect(tmp_path / "no" / "such" / "w.duckdb")


def test_a_warehouse_in_use_says_so(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"open"
        with pytest.raises(WarehouseError, match=rf"in use by pid {holder.pid}: stop it"):
            connect(db)
    finally:
        holder.kill()
        holder.wait()


def test_drop_source_removes_its_rows_quarantine_and_storage(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("decl,date,hs,value\nA,2024-01-01,854231,1\nB,2024-01-02,854232,x\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "table: shipments\ncolumns: {declaration_no: decl, date: date, hs_code: hs, value: value}\nconstants: {currency: USD}\n"
    )
    other = tmp_path / "e.csv"
    other.write_text("decl,date,hs,value\nC,2024-01-03,854233,3\n")
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        [first] = dt.ingest_shipments([data], mapping=mapping)
        dt.ingest_shipments([other], mapping=mapping)
        dt.drop_source(first.source_id or 0)
        assert [r["declaration_no"] for r in dt.sql("SELECT declaration_no FROM shipments")] == ["C"]
        assert dt.quarantine() == []
        assert len(dt.sources()) == 1
        # The same file can be loaded again afterwards.
        [again] = dt.ingest_shipments([data], mapping=mapping)
        assert again.status == "loaded"


def test_bulk_insert_types_rows_by_the_table_and_parses_json_columns() -> None:
    con = connect(":memory:")
    row = {
        "party_key": "k1",
        "name": "N",
        "list": "l",
        "entity_id": "e1",
        "score": 1,
        "match_weight": 2.5,
        "features": '{"a": [1, 2]}',
    }
    row |= {"programs": ["P"], "listing_date": date(2024, 5, 1), "ignored": "not a column"}
    assert bulk_insert(con, "party_links", [row, {**row, "entity_id": "e2", "programs": None}]) == 2
    got = con.execute(
        "SELECT entity_id, score, (features->>'$.a[0]')::INT, programs, listing_date, screened_at IS NOT NULL"
        " FROM party_links ORDER BY entity_id"
    ).fetchall()
    # an int score becomes DOUBLE, the JSON is queryable, the omitted column keeps its default
    assert got == [
        ("e1", 1.0, 1, ["P"], date(2024, 5, 1), True),
        ("e2", 1.0, 1, None, date(2024, 5, 1), True),
    ]
    with pytest.raises(duckdb.Error):
        bulk_insert(con, "party_links", [{**row, "entity_id": "e3", "features": "{not json"}])
    assert bulk_insert(con, "party_links", []) == 0
    assert con.execute("SELECT count(*) FROM party_links").fetchone() == (2,)
    assert not con.execute("SELECT * FROM duckdb_views() WHERE view_name LIKE '_dt_bulk%'").fetchall()
