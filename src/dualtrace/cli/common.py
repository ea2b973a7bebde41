"""What every command shares: --db and --format options, output formatting, error handling."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from dualtrace.errors import DualtraceError
from dualtrace.normalize.cells import neutralise

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True, soft_wrap=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Warehouse file (default: $DUALTRACE_DB, else ./dualtrace.duckdb).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format: table, json or csv.")
]


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a DualtraceError into a one-line message and exit code 1 (no traceback)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DualtraceError as exc:
            err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=1) from None
        except FileNotFoundError as exc:
            err_console.print(f"[bold red]Error:[/] file not found: {exc.filename}", highlight=False)
            raise typer.Exit(code=1) from None

    return wrapper


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def emit(rows: Sequence[dict[str, Any]], fmt: OutputFormat, *, title: str | None = None) -> None:
    """Print records in the chosen format on stdout."""
    columns = list(rows[0].keys()) if rows else []
    if fmt is OutputFormat.json:
        sys.stdout.write(
            json.dumps([{k: _plain(v) for k, v in row.items()} for row in rows], ensure_ascii=False, indent=2)
            + "\n"
        )
    elif fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralise(_plain(v)) for k, v in row.items()})
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*("" if v is None else str(_plain(v)) for v in row.values()))
        console.print(table)
        if not rows:
            console.print("(no rows)")
