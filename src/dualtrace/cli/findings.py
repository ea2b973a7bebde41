"""dualtrace findings: what the engines found, most severe first."""

from __future__ import annotations

from typing import Annotated

import typer

from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, emit, user_errors
from dualtrace.session import Dualtrace


@app.command("findings")
@user_errors
def findings(
    kind: Annotated[list[str] | None, typer.Option("--kind", "-k", help="Only these kinds.")] = None,
    min_severity: Annotated[
        str | None, typer.Option("--min-severity", help="info, low, medium, high or critical.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many.")] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List findings of the latest run of each kind, with their headline and evidence."""
    with Dualtrace(db, read_only=True) as dt:
        found = dt.findings(kind, min_severity, limit)
    if fmt is OutputFormat.table:
        rows = [
            {
                "severity": f.severity,
                "score": round(f.score, 2),
                "kind": f.kind,
                "subject": f.subject,
                "headline": f.headline,
            }
            for f in found
        ]
    else:
        rows = [f.to_record() for f in found]
    emit(rows, fmt, title="findings")
