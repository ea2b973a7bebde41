"""SQL text the analytics run: literals, lists, and a runner that keeps what it ran.

Why text and literals rather than bound parameters: every query is also a finding's evidence
(``dualtrace sql "<query>"`` must reproduce it on the warehouse) and must stay portable. The SQL
is written once in DuckDB's dialect (the warehouse's); an engine of another dialect translates
it (analytics/dialect.py, analytics/engines.py), so the same analytic runs on Spark.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from dualtrace.analytics.dialect import SPARK
from dualtrace.analytics.engines import DuckDBEngine, Engine


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


def weighted_score(weights: dict[str, float], parts: dict[str, str]) -> str:
    """The score as SQL: each part's weight times its column, in the order of `parts`."""
    return " + ".join(f"{weights[name]} * {column}" for name, column in parts.items())


def best_per_series(
    partition: str, order: str, limit: int, *, source: str = "ranked", bucket: str = "b", keep: int = 4
) -> str:
    """The last SELECT of a candidate query: the `keep` best-scored rows of `source` in each
    partition (ties to the earliest bucket), best first."""
    return f"""SELECT * FROM (
  SELECT {source}.*, ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY score DESC, {bucket}) AS rn
  FROM {source}
) best WHERE rn <= {int(keep)}
ORDER BY score DESC, {order}
LIMIT {int(limit)}"""


def to_spark(sql: str) -> str:
    """The same query in Spark SQL (raises when a construct has no Spark equivalent)."""
    return SPARK.translate(sql)


@dataclass
class Executed:
    label: str
    sql: str
    seconds: float
    rows: int


@dataclass
class Runner:
    """Runs the analytics' SQL on an engine (a DuckDB connection is the warehouse's own engine)
    and keeps a log of every statement, how long it took and how many rows it returned."""

    target: duckdb.DuckDBPyConnection | Engine
    log: list[Executed] = field(default_factory=list)
    built: set[str] = field(default_factory=set)  # shared tables already made in this run

    def __post_init__(self) -> None:
        self.engine = self.target if isinstance(self.target, Engine) else DuckDBEngine(self.target)
        for label, statement in self.engine.sources():
            started = time.perf_counter()
            self.engine.execute(statement)
            self.log.append(Executed(label, statement, time.perf_counter() - started, -1))

    @property
    def warehouse(self) -> duckdb.DuckDBPyConnection | None:
        """The warehouse connection when the queries run on it (None on Spark, which reads the
        exported tables)."""
        return self.engine.con if isinstance(self.engine, DuckDBEngine) else None

    def rows(self, label: str, sql: str) -> list[dict[str, Any]]:
        started = time.perf_counter()
        records = self.engine.rows(sql)
        self.log.append(Executed(label, sql, time.perf_counter() - started, len(records)))
        return records

    def table(self, name: str, sql: str, label: str | None = None) -> None:
        """Materialise a query as a temporary table (engine-specific wrapper; the query is not)."""
        started = time.perf_counter()
        self.engine.table(name, sql)
        self.log.append(Executed(label or name, sql, time.perf_counter() - started, -1))

    def view(self, name: str, sql: str, label: str | None = None) -> None:
        """A name for a query, computed where it is read."""
        started = time.perf_counter()
        self.engine.view(name, sql)
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
        self.engine.arrow(name, pa.table(arrays))

    def drop(self, *names: str) -> None:
        for name in names:
            self.engine.drop(name)
