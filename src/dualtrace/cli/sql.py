"""dualtrace sql, sources, quarantine: look inside the warehouse."""

from __future__ import annotations

from typing import Annotated

import typer

from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, emit, user_errors
from dualtrace.session import Dualtrace


@app.command("sql")
@user_errors
def sql(
    query: Annotated[str, typer.Argument(help="Read-only SQL (SELECT, DESCRIBE, EXPLAIN...).")],
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Refuse results with more rows than this.")
    ] = 100_000,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Stop the query after this many seconds.")
    ] = 60.0,
) -> None:
    """Run read-only SQL on the warehouse: SELECT/EXPLAIN only, no file, network or extension
    access, settings locked."""
    with Dualtrace(db, confined=True) as dt:
        emit(dt.sql(query, max_rows=max_rows, timeout_s=timeout), fmt)


@app.command("sources")
@user_errors
def sources(db: DbOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Every file loaded, with its row accounting (read = loaded + quarantined)."""
    with Dualtrace(db, read_only=True) as dt:
        emit(dt.sources(), fmt, title="sources")


@app.command("coverage")
@user_errors
def coverage(
    everything: Annotated[
        bool, typer.Option("--all", help="Per product level and partner too, not only per reporter.")
    ] = False,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """What each trade file covers: per reporter and year the months present and whether the
    year is complete, partial or absent (and why)."""
    with Dualtrace(db) as dt:
        emit(dt.coverage(everything), fmt, title="coverage")


@app.command("quarantine")
@user_errors
def quarantine(
    source: Annotated[int | None, typer.Option("--source", help="Only this source id.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many rows.")] = 100,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Rows that were not loaded, with file, line, reason and raw text."""
    with Dualtrace(db, read_only=True) as dt:
        emit(dt.quarantine(source, limit), fmt, title="quarantine")
