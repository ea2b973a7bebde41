"""dualtrace report --out FILE.html|.xlsx|.json"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dualtrace.cli import app
from dualtrace.cli.common import DbOption, console, user_errors
from dualtrace.session import Dualtrace


@app.command("report")
@user_errors
def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="Report file: .html, .xlsx or .json.")],
    kind: Annotated[list[str] | None, typer.Option("--kind", "-k", help="Only these finding kinds.")] = None,
    min_severity: Annotated[
        str | None, typer.Option("--min-severity", help="info, low, medium, high or critical.")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Findings per kind shown with a chart (HTML).")] = 40,
    db: DbOption = None,
) -> None:
    """Write the latest findings as a self-contained HTML report, an XLSX workbook or JSON."""
    with Dualtrace(db, read_only=True) as dt:
        result = dt.report(out, kinds=kind, min_severity=min_severity, top=top)
    console.print(
        f"wrote {result.path} ({result.findings} findings, {result.charts} charts, {result.bytes:,} bytes)",
        highlight=False,
    )
