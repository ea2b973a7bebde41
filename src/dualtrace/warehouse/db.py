"""Open the DuckDB warehouse, create it on first use and migrate it to the current schema."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace import config
from dualtrace.errors import WarehouseError
from dualtrace.warehouse import lock

MIGRATIONS_PACKAGE = "dualtrace.warehouse.migrations"


def migrations() -> list[tuple[str, str]]:
    """All migration scripts as (id, sql), in order. Ids are file stems like 0001_core."""
    folder = resources.files(MIGRATIONS_PACKAGE)
    scripts = [
        (entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(scripts)


def _configure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"SET memory_limit = '{config.memory_limit()}'")
    # Row order is carried explicitly (source_line); letting DuckDB reorder makes bulk loads
    # parallel.
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    threads = config.threads()
    if threads:
        con.execute(f"SET threads = {threads}")


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet applied; return their ids."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " id VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    done = {row[0] for row in con.execute("SELECT id FROM schema_migrations").fetchall()}
    applied: list[str] = []
    for migration_id, sql in migrations():
        if migration_id in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (id) VALUES (?)", [migration_id])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(migration_id)
    return applied


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    """The first row of a query, fully fetched (a half-read result blocks the connection for
    some DuckDB calls such as register)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def schema_version(con: duckdb.DuckDBPyConnection) -> str | None:
    row = fetch_one(con, "SELECT max(id) FROM schema_migrations")
    return row[0] if row else None


def _confined_config() -> dict[str, Any]:
    """Settings for a connection that runs SQL a user typed: the warehouse file only.

    No file, network or extension access (read_csv on a path, COPY TO, ATTACH, INSTALL, LOAD,
    EXPORT all fail), and the configuration locked so that SET cannot undo it.
    """
    settings: dict[str, Any] = {
        "memory_limit": config.memory_limit(),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "enable_external_access": False,
    }
    threads = config.threads()
    if threads:
        settings["threads"] = threads
    settings["lock_configuration"] = True  # last: it freezes everything above
    return settings


def connect(
    path: str | Path | None = None, *, read_only: bool = False, confined: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. Writable opens create and migrate it; read-only opens need it to exist.
    A confined open is read-only with no file, network or extension access and a locked
    configuration (for SQL typed by a user)."""
    if confined:
        read_only = True
    db_path = Path(path) if path is not None else config.default_db_path()
    if read_only and not db_path.exists():
        raise WarehouseError(
            f"no warehouse at {db_path}: load data first (dualtrace ingest ... or dualtrace demo)"
        )
    if not read_only and db_path.parent and not db_path.parent.exists():
        raise WarehouseError(f"folder {db_path.parent} does not exist for warehouse {db_path}")
    try:
        if confined:
            return duckdb.connect(str(db_path), read_only=True, config=_confined_config())
        con = duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.ConnectionException as exc:
        raise WarehouseError(f"cannot open warehouse {db_path}: {str(exc).splitlines()[0]}") from exc
    except duckdb.IOException as exc:
        message = str(exc).splitlines()[0]
        if "lock" in message.lower():
            # DuckDB names the pid holding its lock; the holder file adds the command when it
            # is that process's (a file left by another, closed connection is not)
            found = re.search(r"PID (\d+)", str(exc))
            pid = int(found.group(1)) if found else None
            who = lock.describe(db_path, pid)
            if who is None:
                who = f"pid {pid}" if pid else "another process"
            raise WarehouseError(
                f"warehouse {db_path} is in use by {who}: stop it or use --db another.duckdb"
            ) from exc
        raise WarehouseError(f"cannot open warehouse {db_path}: {message}") from exc
    _configure(con)
    if not read_only:
        if str(db_path) != ":memory:":
            lock.record(db_path)
        migrate(con)
    return con


_OPEN: set[int] = set()  # connections inside a transaction() block


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit when the block ends, roll back on any exception. Inside another
    transaction it joins that one (DuckDB has no nested transactions or savepoints): the outer
    block commits or rolls back, so a step made of several blocks stays one transaction."""
    if id(con) in _OPEN:  # a failed BEGIN would abort the outer transaction, so it is tracked
        yield con  # joined: an exception rises to the outer block, which rolls back
        return
    con.execute("BEGIN TRANSACTION")
    _OPEN.add(id(con))
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        _OPEN.discard(id(con))
    con.execute("COMMIT")


def records(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """A query's rows as dicts keyed by column name, fully fetched. Named parameters ($pid) take
    a mapping; only the names the query uses are passed."""
    if isinstance(params, Mapping):
        cursor = con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    else:
        cursor = con.execute(sql, list(params or []))
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str] | None = None,
) -> int:
    """Insert dicts into a table by column name, row by row (``executemany``); returns how many.

    DuckDB casts each Python value to its column as a literal would be (a Decimal into a DOUBLE,
    a text into JSON), so any value that SQL accepts goes in: for a few rows of loosely typed
    values. For many rows use ``bulk_insert``, one Arrow statement typed strictly by the table."""
    if not rows:
        return 0
    names = list(columns or rows[0].keys())
    placeholders = ", ".join("?" for _ in names)
    quoted = ", ".join(f'"{n}"' for n in names)
    con.executemany(
        f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})",
        [[row.get(n) for n in names] for row in rows],
    )
    return len(rows)


@contextmanager
def register_frame(
    con: duckdb.DuckDBPyConnection, name: str, frame: pa.Table | Sequence[Mapping[str, Any]]
) -> Iterator[str]:
    """An Arrow table (or records) visible to SQL as ``name`` for the block, then unregistered,
    so no view outlives the step that needed it."""
    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pylist(list(frame))
    con.register(name, table)
    try:
        yield name
    finally:
        con.unregister(name)


def bulk_insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert dicts into a table in one statement through Arrow; returns how many. For many rows:
    unlike ``insert_rows`` (row by row, DuckDB casting each value) the values must already fit
    the column's Arrow type (no Decimal into a DOUBLE, no bool into an INTEGER).

    The table itself gives the Arrow types, so no column list is written twice: the columns are
    the table's that the first row names (the others keep their defaults), and JSON columns take
    their text through ``::JSON`` so that a malformed document fails here, not in a later read."""
    if not rows:
        return 0
    target = con.sql(f"SELECT * FROM {table} LIMIT 0")
    is_json = {name: str(kind) == "JSON" for name, kind in zip(target.columns, target.types, strict=True)}
    fields = [
        pa.field(f.name, pa.string()) if is_json[f.name] else f
        for f in target.arrow().schema
        if f.name in rows[0]
    ]
    frame = pa.Table.from_pylist(list(rows), schema=pa.schema(fields))
    names = ", ".join(f'"{f.name}"' for f in fields)
    select = ", ".join(f'"{f.name}"::JSON' if is_json[f.name] else f'"{f.name}"' for f in fields)
    with register_frame(con, f"_dt_bulk_{table}", frame) as view:
        con.execute(f"INSERT INTO {table} ({names}) SELECT {select} FROM {view}")
    return len(rows)
