"""SQL text the analytics run: literals, lists, and a runner that keeps what it ran.

Why text and literals rather than bound parameters: every query is also a finding's evidence
(``dualtrace sql "<query>"`` must reproduce it on the warehouse) and must stay portable. The SQL
is written once in a plain dialect (CTEs, GROUP BY, window functions, CASE, LN/EXP) that DuckDB
runs and that sqlglot transpiles to Spark SQL (``to_spark``), so the same analytic can run where
the data outgrows one machine.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb


def lit(value: Any) -> str:
    """A SQL literal for a Python value (strings quoted, dates typed)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    text = str(value).replace("'", "''")
    return f"'{text}'"


def in_list(values: Iterable[Any]) -> str:
    """`(a, b, c)` for an IN clause; a list that matches nothing when empty."""
    items = [lit(v) for v in values]
    return "(" + ", ".join(items) + ")" if items else "(NULL)"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def to_spark(sql: str) -> str:
    """The same query in Spark SQL (raises when a construct has no Spark equivalent)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel

    out = []
    for tree in sqlglot.parse(sql, read="duckdb"):
        if tree is None:
            continue
        # MATERIALIZED is a DuckDB planning hint (a CTE read several times is computed once);
        # Spark has no such clause and plans shared subqueries itself.
        for cte in tree.find_all(exp.CTE):
            cte.set("materialized", None)
        out.append(tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE, pretty=True))
    return ";\n".join(out)


@dataclass
class Executed:
    label: str
    sql: str
    seconds: float
    rows: int


@dataclass
class Runner:
    """Runs the analytics' SQL on a connection and keeps a log of what ran and how long it took."""

    con: duckdb.DuckDBPyConnection
    log: list[Executed] = field(default_factory=list)
    built: set[str] = field(default_factory=set)  # shared tables already made in this run

    def rows(self, label: str, sql: str) -> list[dict[str, Any]]:
        started = time.perf_counter()
        cursor = self.con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        records = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        self.log.append(Executed(label, sql, time.perf_counter() - started, len(records)))
        return records

    def table(self, name: str, sql: str, label: str | None = None) -> None:
        """Materialise a query as a temporary table (engine-specific wrapper; the query is not)."""
        started = time.perf_counter()
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(name)} AS\n{sql}")
        self.log.append(Executed(label or name, sql, time.perf_counter() - started, -1))

    def register(
        self,
        name: str,
        columns: Sequence[str],
        records: Sequence[Sequence[Any]],
        types: Sequence[str] | None = None,
    ) -> None:
        """A small Python-made table (product maps, chosen keys) as a temporary table.

        ``types`` per column: "str", "int", "float" or "bool" (default: text).
        """
        import pyarrow as pa

        kinds = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
        arrays = {}
        for i, column in enumerate(columns):
            kind = kinds[types[i]] if types else pa.string()
            arrays[column] = pa.array([r[i] for r in records], type=kind)
        view = f"_arrow_{name}"
        self.con.register(view, pa.table(arrays))
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(name)} AS SELECT * FROM {ident(view)}")
        finally:
            self.con.unregister(view)

    def drop(self, *names: str) -> None:
        for name in names:
            self.con.execute(f"DROP TABLE IF EXISTS {ident(name)}")
