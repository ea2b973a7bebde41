"""dualtrace analyze: surges, shares, divergence, diversion, mirror gaps, unit values, new parties."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dualtrace.analytics import ANALYTICS
from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, console, emit, err_console, user_errors
from dualtrace.session import Dualtrace


@app.command("analyze")
@user_errors
def analyze(
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            "-k",
            help=f"Run only these analytics: {', '.join(ANALYTICS)} (repeat the option for several).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="YAML settings (periods, thresholds, categories...)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Findings to print (all are stored).")] = 20,
    engine: Annotated[
        str, typer.Option("--engine", help="Where the queries run: duckdb (the warehouse) or spark.")
    ] = "duckdb",
    spark_master: Annotated[
        str | None, typer.Option("--spark-master", help="Spark master URL (default local[2]).")
    ] = None,
    parquet: Annotated[
        Path | None,
        typer.Option("--parquet", help="Parquet folder Spark reads (default: exported for the run)."),
    ] = None,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            help="Say what one analytic (or finding kind) tested: windows, series, thresholds, how many"
            " passed each filter, the nearest misses. Stores no run.",
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Nearest misses --explain lists.")] = 5,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Run the trade-flow analytics on the warehouse and store their findings."""
    if explain is not None:
        with Dualtrace(db) as dt:
            why = dt.explain(explain, config, top=top)
        if fmt is OutputFormat.table:
            for line in why.lines():
                console.print(line, highlight=False, markup=False, soft_wrap=True)
        else:
            emit([why.to_record()], fmt)
        return
    with Dualtrace(db) as dt:
        result = dt.analyze(
            only,
            config,
            on_step=lambda name: err_console.print(f"  {name}...", highlight=False),
            engine=engine,
            spark_master=spark_master,
            parquet=parquet,
        )
    counts = result.counts()
    err_console.print(
        f"run {result.run_id}: {len(result.findings)} findings ("
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + f") in {result.seconds.get('total', 0):.1f}s",
        highlight=False,
    )
    for note in result.notes:
        err_console.print(f"  note: {note}", highlight=False)
    ranked = sorted(result.findings, key=lambda f: -f.score)[:limit]
    if fmt is OutputFormat.table:
        emit(
            [
                {"severity": f.severity, "score": round(f.score, 2), "kind": f.kind, "headline": f.headline}
                for f in ranked
            ],
            fmt,
            title="top findings (dualtrace findings lists them all)",
        )
        if not ranked:
            console.print("no findings: thresholds are in docs/analytics.md")
    else:
        emit([f.to_record() for f in ranked], fmt)
