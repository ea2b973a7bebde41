"""What the analytics' SQL runs on: the DuckDB warehouse itself, or a Spark session that reads
the warehouse's tables from Parquet (``dualtrace export parquet``).

An engine knows four things: run a query and return its rows, keep a query's result under a name
for later queries (a temporary table), show a small Arrow table under a name, and forget a name.
Every statement goes through ``analytics.sql.Runner``, which logs it; the SQL handed in is always
DuckDB's, translated by the engine's dialect (analytics/dialect.py).
"""

from __future__ import annotations

import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.analytics.dialect import DUCKDB, SPARK, Dialect
from dualtrace.errors import InputError
from dualtrace.warehouse.parquet import ANALYTICS_TABLES, export


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Engine(ABC):
    dialect: Dialect = DUCKDB

    @abstractmethod
    def rows(self, sql: str) -> list[dict[str, Any]]: ...

    @abstractmethod
    def table(self, name: str, sql: str) -> None:
        """Keep the result of ``sql`` as ``name`` (computed now, read many times)."""

    @abstractmethod
    def view(self, name: str, sql: str) -> None:
        """``name`` for the query itself (computed wherever it is read)."""

    @abstractmethod
    def arrow(self, name: str, table: pa.Table) -> None: ...

    @abstractmethod
    def drop(self, name: str) -> None: ...

    @abstractmethod
    def execute(self, statement: str) -> None:
        """A statement in the engine's own dialect (what ``sources`` returns)."""

    def sources(self) -> list[tuple[str, str]]:
        """(label, statement) that make the warehouse's tables visible, run first by the Runner."""
        return []


class DuckDBEngine(Engine):
    """The warehouse's own connection: temporary tables live in the session and vanish with it."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def execute(self, statement: str) -> None:
        self.con.execute(statement)

    def rows(self, sql: str) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def table(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(name)} AS\n{sql}")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(name)} AS\n{sql}")

    def arrow(self, name: str, table: pa.Table) -> None:
        view = f"_arrow_{name}"
        self.con.register(view, table)
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(name)} AS SELECT * FROM {ident(view)}")
        finally:
            self.con.unregister(view)

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {ident(name)}")


def parquet_sources(folder: str | Path, tables: Sequence[str] = ANALYTICS_TABLES) -> dict[str, Path]:
    """Each table's Parquet: ``folder/<table>.parquet`` (a file, as export writes it) or
    ``folder/<table>/`` (a folder of part files, as Spark writes it)."""
    root = Path(folder)
    found: dict[str, Path] = {}
    missing = []
    for table in tables:
        for candidate in (root / f"{table}.parquet", root / table):
            if candidate.exists():
                found[table] = candidate
                break
        else:
            missing.append(table)
    if missing:
        raise InputError(
            f"{root}: no Parquet for {', '.join(missing)} (write them with: dualtrace export parquet {root})"
        )
    return found


def spark_session(master: str = "local[2]", app: str = "dualtrace") -> Any:
    """A Spark session set up for the analytics (or the one already running).

    ANSI mode off: a division by zero or ln(0) is NULL rather than a failed job (the analytics
    floor every ratio, dialect.py). Session time zone UTC: dates never shift. Small shuffles:
    local runs of one machine's data are many small stages.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pyspark is an optional dependency
        raise InputError("--engine spark needs pyspark: pip install 'dualtrace[spark]'") from exc
    builder: Any = SparkSession.builder
    session = (
        builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine(Engine):
    """A Spark session reading the warehouse's tables as Parquet-backed temporary views."""

    dialect = SPARK

    def __init__(self, session: Any, folder: str | Path) -> None:
        self.spark = session
        self.paths = parquet_sources(folder)

    def sources(self) -> list[tuple[str, str]]:
        return [
            (
                f"source {table}",
                f"CREATE OR REPLACE TEMPORARY VIEW {table} USING parquet OPTIONS (path '{_quote(path)}')",
            )
            for table, path in self.paths.items()
        ]

    def execute(self, statement: str) -> None:
        self.spark.sql(statement).collect()

    def rows(self, sql: str) -> list[dict[str, Any]]:
        return [row.asDict() for row in self.spark.sql(self.dialect.translate(sql)).collect()]

    def table(self, name: str, sql: str) -> None:
        # computed once and kept (localCheckpoint cuts the lineage: a later query reads the
        # stored rows instead of re-planning every step before it)
        frame = self.spark.sql(self.dialect.translate(sql)).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {self.dialect.translate(sql)}")

    def arrow(self, name: str, table: pa.Table) -> None:
        self.spark.createDataFrame(table).localCheckpoint(eager=True).createOrReplaceTempView(name)

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)


def _quote(path: Path) -> str:
    return str(path.resolve()).replace("'", "\\'")


@contextmanager
def open_engine(
    con: duckdb.DuckDBPyConnection,
    name: str = "duckdb",
    *,
    master: str | None = None,
    parquet: str | Path | None = None,
) -> Iterator[Engine]:
    """The engine `analyze` runs on. Spark reads ``parquet`` (a folder `export parquet` wrote, or
    one laid out the same way); without it the warehouse's tables are exported to a temporary
    folder for the run."""
    if name == "duckdb":
        if parquet is not None or master is not None:
            raise InputError("--parquet and --spark-master need --engine spark")
        yield DuckDBEngine(con)
        return
    if name != "spark":
        raise InputError(f"unknown engine {name!r}: use duckdb or spark")
    session = spark_session(master or "local[2]")
    if parquet is not None:
        yield SparkEngine(session, parquet)
        return
    with tempfile.TemporaryDirectory(prefix="dualtrace-parquet-") as folder:
        export(con, folder)
        yield SparkEngine(session, folder)
