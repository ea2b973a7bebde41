"""Storage of the fact tables (trade_flows, shipments): one table per loaded file, one view.

Why: every row must say which file line it came from (source_line), and DuckDB only keeps
file order cheaply when a bulk load writes a fresh table in order. So each load creates
`<fact>__src<id>` in file order, and a row's line is its position plus a fixed offset (or, for
files whose records and lines do not line up, a stored column). The view `<fact>` unions them
with the canonical columns only; rows that failed validation stay out of it (they are copied to
`quarantine`). Storage tables are written once and never updated in place, so positions hold.
"""

from __future__ import annotations

import duckdb

from dualtrace.warehouse.db import fetch_one

FACTS = ("trade_flows", "shipments")
ERROR_COLUMN = "_error"
RAW_COLUMN = "_raw"
STORED_LINE_COLUMN = "_line"


def empty_table(fact: str) -> str:
    return f"_{fact}_empty"


def storage_table(fact: str, source_id: int) -> str:
    return f"{fact}__src{source_id:06d}"


def canonical_columns(con: duckdb.DuckDBPyConnection, fact: str) -> list[tuple[str, str]]:
    """(name, type) of the fact's columns, in contract order."""
    rows = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns()"
        " WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index",
        [empty_table(fact)],
    ).fetchall()
    return [(name, dtype) for name, dtype in rows]


def stored_columns(con: duckdb.DuckDBPyConnection, fact: str) -> list[tuple[str, str]]:
    """Columns a storage table holds: the canonical ones except the provenance pair."""
    return [c for c in canonical_columns(con, fact) if c[0] not in ("source_id", "source_line")]


def _branch(fact_columns: list[str], source_id: int, table: str, offset: int, stored: bool) -> str:
    line = f"{STORED_LINE_COLUMN}" if stored else f"rowid + {offset}"
    select = ", ".join(f'"{c}"' for c in fact_columns)
    return (
        f"SELECT {select}, {source_id}::INTEGER AS source_id, ({line})::BIGINT AS source_line"
        f' FROM "{table}" WHERE {ERROR_COLUMN} IS NULL'
    )


def refresh_view(con: duckdb.DuckDBPyConnection, fact: str) -> None:
    """Recreate the fact view over every storage table of that fact."""
    columns = [name for name, _ in stored_columns(con, fact)]
    rows = con.execute(
        "SELECT source_id, storage_table, line_offset, line_stored FROM sources"
        " WHERE target_table = ? AND storage_table IS NOT NULL ORDER BY source_id",
        [fact],
    ).fetchall()
    if not rows:
        body = f"SELECT * FROM {empty_table(fact)}"
    else:
        body = "\nUNION ALL\n".join(
            _branch(columns, sid, table, int(offset or 0), bool(stored))
            for sid, table, offset, stored in rows
        )
    con.execute(f"CREATE OR REPLACE VIEW {fact} AS\n{body}")


def drop_source(con: duckdb.DuckDBPyConnection, source_id: int) -> None:
    """Remove a loaded file: its rows, its quarantine and its source record."""
    row = fetch_one(con, "SELECT target_table, storage_table FROM sources WHERE source_id = ?", [source_id])
    if row is None:
        return
    fact, table = row
    con.execute("DELETE FROM quarantine WHERE source_id = ?", [source_id])
    con.execute("DELETE FROM coverage WHERE source_id = ?", [source_id])
    con.execute("DELETE FROM sources WHERE source_id = ?", [source_id])
    if fact in FACTS:
        refresh_view(con, fact)
    if table:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
