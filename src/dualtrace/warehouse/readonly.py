"""Read-only SQL on the warehouse: queries in, everything else refused with a one-line reason.

Two guards. Statement types: only SELECT and EXPLAIN run (no writes, SET, PRAGMA, COPY, ATTACH,
INSTALL, LOAD, EXPORT). The connection: `dualtrace sql` opens the warehouse confined
(db.connect(confined=True): read-only, enable_external_access=false, locked configuration), so a
SELECT cannot read files either (read_csv('/etc/passwd'), FROM 'x.csv', glob). A time limit
interrupts a long query and a row limit refuses a result too large to print.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import duckdb

from dualtrace.errors import DualtraceError

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
HINT = "use dualtrace ingest / lists / screen to change the warehouse"


class SqlRefused(DualtraceError):
    """A statement or an access that sql does not allow."""


def check(con: duckdb.DuckDBPyConnection, query: str) -> list[duckdb.Statement]:
    """The statements of a query, or a one-line refusal for any that is not a read."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as exc:
        raise DualtraceError(f"SQL error: {_first_line(exc)}") from None
    if not statements:
        raise DualtraceError("no SQL statement given")
    for statement in statements:
        kind = statement.type
        if kind is duckdb.StatementType.EXPLAIN:
            # EXPLAIN ANALYZE runs what it explains: the explained statement must be a read too.
            inner = re.sub(r"^\s*EXPLAIN\s+(ANALY[SZ]E\s+)?", "", statement.query, flags=re.IGNORECASE)
            if inner.strip() and inner != statement.query:
                check(con, inner)
        elif kind not in ALLOWED:
            raise SqlRefused(f"sql is read-only: {kind.name} statements are refused ({HINT})")
    return statements


def run(
    con: duckdb.DuckDBPyConnection,
    query: str,
    params: Sequence[Any] | None = None,
    *,
    max_rows: int | None = None,
    timeout_s: float | None = None,
) -> list[dict[str, Any]]:
    """Run one or more read-only statements; return the rows of the last as records."""
    statements = check(con, query)
    timer = threading.Timer(timeout_s, con.interrupt) if timeout_s else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        cursor = None
        for statement in statements:
            cursor = con.execute(statement, list(params or []) if statement is statements[-1] else [])
        assert cursor is not None
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall() if max_rows is None else cursor.fetchmany(max_rows + 1)
    except duckdb.InterruptException:
        raise DualtraceError(
            f"SQL stopped after {timeout_s:g} s (the time limit; narrow the query or raise --timeout)"
        ) from None
    except duckdb.PermissionException as exc:
        raise SqlRefused(
            "sql reads the warehouse only: file, network and extension access is refused "
            f"({_first_line(exc)})"
        ) from None
    except duckdb.Error as exc:
        if "configuration has been locked" in str(exc):
            raise SqlRefused(f"sql cannot change settings: {_first_line(exc)}") from None
        raise DualtraceError(f"SQL error: {_first_line(exc)}") from None
    finally:
        if timer is not None:
            timer.cancel()
    if max_rows is not None and len(rows) > max_rows:
        raise DualtraceError(
            f"SQL returned more than {max_rows:,} rows (the row limit; add LIMIT or raise --max-rows)"
        )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _first_line(exc: Exception) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return " ".join(lines[:2]) if lines else type(exc).__name__
