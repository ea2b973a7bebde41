"""Read-only SQL on the warehouse: queries in, writes refused with a clear reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from dualtrace.errors import DualtraceError

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


def run(
    con: duckdb.DuckDBPyConnection, query: str, params: Sequence[Any] | None = None
) -> list[dict[str, Any]]:
    """Run one or more read-only statements; return the rows of the last as records."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as exc:
        raise DualtraceError(f"SQL error: {_first_line(exc)}") from None
    if not statements:
        raise DualtraceError("no SQL statement given")
    for statement in statements:
        if statement.type not in ALLOWED:
            kind = statement.type.name
            raise DualtraceError(
                f"sql is read-only: {kind} statements are refused "
                "(use dualtrace ingest / lists / screen to change the warehouse)"
            )
    cursor = None
    try:
        for statement in statements:
            cursor = con.execute(statement, list(params or []) if statement is statements[-1] else [])
        assert cursor is not None
        columns = [d[0] for d in cursor.description or []]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    except duckdb.Error as exc:
        raise DualtraceError(f"SQL error: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return " ".join(lines[:2]) if lines else type(exc).__name__
