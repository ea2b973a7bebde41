"""dualtrace export parquet: the analytics' tables as Parquet files for Spark."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, emit, err_console, user_errors
from dualtrace.session import Dualtrace

export_app = typer.Typer(help="Write warehouse tables out for other engines.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("parquet")
@user_errors
def parquet(
    folder: Annotated[Path, typer.Argument(help="Folder to write <table>.parquet files into.")],
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Write the tables the analytics read (trade flows, shipments, reference) as Parquet."""
    with Dualtrace(db) as dt:
        counts = dt.export_parquet(folder)
    err_console.print(f"wrote {len(counts)} tables to {folder}", highlight=False)
    emit([{"table": t, "rows": n, "file": str(folder / f"{t}.parquet")} for t, n in counts.items()], fmt)
