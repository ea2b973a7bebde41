"""The warehouse tables the analytics read, written out as Parquet for another engine (Spark).

One file per table, ``DIR/<table>.parquet``, plus ``DIR/_dualtrace.json`` naming the tables, their
row counts and the warehouse's schema version, so a reader can tell what it was given. Each file
is written under a temporary name and renamed, so a crash mid-export never leaves a half file
under a table's name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

from dualtrace.errors import InputError
from dualtrace.warehouse import coverage
from dualtrace.warehouse.db import fetch_one, schema_version

# What `dualtrace analyze` reads from the warehouse (trade flows, shipments and the reference
# tables the product map and the statistical areas come from).
ANALYTICS_TABLES: tuple[str, ...] = (
    "trade_flows",
    "shipments",
    "ref_countries",
    "ref_hs",
    "ref_hs_correlation",
    "ref_chpl",
    "ref_hs6_chpl",
    "coverage",
    "sources",  # the file names data-quality findings cite
)
MANIFEST = "_dualtrace.json"


def table_path(folder: Path, table: str) -> Path:
    return folder / f"{table}.parquet"


def export(
    con: duckdb.DuckDBPyConnection, folder: str | Path, tables: Sequence[str] = ANALYTICS_TABLES
) -> dict[str, int]:
    """Write each table to ``folder/<table>.parquet``; returns rows written per table."""
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: not a folder (export parquet writes one file per table into a folder)")
    out.mkdir(parents=True, exist_ok=True)
    known = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    missing = [t for t in tables if t not in known]
    if missing:
        raise InputError(f"warehouse has no table {', '.join(missing)} to export")
    if "coverage" in tables:
        coverage.ensure(con)  # files loaded before the coverage table existed get theirs first
    counts: dict[str, int] = {}
    for table in tables:
        target = table_path(out, table)
        partial = target.with_name(f".{target.name}.partial")
        # sorted by every column so the same warehouse always writes the same rows in the same order
        con.execute(
            f"COPY (SELECT * FROM \"{table}\" ORDER BY ALL) TO '{_quote(partial)}' (FORMAT PARQUET)"
        )
        os.replace(partial, target)
        counts[table] = int(fetch_one(con, f'SELECT COUNT(*) FROM "{table}"')[0])
    manifest = {"schema_version": schema_version(con), "tables": counts}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
