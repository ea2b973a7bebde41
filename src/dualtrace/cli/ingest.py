"""dualtrace ingest trade|shipments FILE..."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dualtrace.cli import app
from dualtrace.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    console,
    emit,
    err_console,
    user_errors,
)
from dualtrace.cli.progress import RichProgress
from dualtrace.errors import InputError
from dualtrace.ingest.outcome import LoadReport
from dualtrace.session import Dualtrace

ingest_app = typer.Typer(
    help="Load trade statistics and declarations into the warehouse.", no_args_is_help=True
)
app.add_typer(ingest_app, name="ingest")

Files = Annotated[list[Path], typer.Argument(help="Files to load (CSV, TSV, .csv.gz, Parquet, XLSX).")]
MappingOption = Annotated[
    Path | None, typer.Option("--mapping", "-m", help="YAML column mapping (see docs/mappings.md).")
]
EncodingOption = Annotated[
    str | None, typer.Option("--encoding", help="Text encoding: auto, utf-8, cp1251, gbk, gb18030...")
]
RatesOption = Annotated[
    Path | None, typer.Option("--rates", help="CSV of exchange rates (currency, period, usd_per_unit).")
]


def _summary(report: LoadReport) -> None:
    name = Path(report.path).name
    if report.status == "already-loaded":
        err_console.print(f"{name}: already loaded as source {report.source_id}; nothing added")
        return
    err_console.print(
        f"{name}: read {report.rows_read:,} = loaded {report.rows_loaded:,} + quarantined "
        f"{report.rows_quarantined:,} ({report.layout}, {report.encoding}, {report.duration_s:.1f}s)",
        highlight=False,
    )
    if report.inferred_mapping:
        err_console.print(
            f"{name}: no built-in layout matches; loaded with this inferred mapping "
            "(--suggest-mapping M.yaml saves it to edit):",
            highlight=False,
        )
        err_console.print(report.inferred_mapping.rstrip(), highlight=False, markup=False)
    for summary in report.reasons[:5]:
        err_console.print(
            f"  quarantined {summary.count:,} x {summary.kind} (first: line {summary.first_line}: "
            f"{summary.first_reason})",
            highlight=False,
            markup=False,
        )


def _run(table: str, files: list[Path], db: Path | None, fmt: OutputFormat, **options: object) -> None:
    with Dualtrace(db) as dt, RichProgress() as progress:
        method = dt.ingest_trade if table == "trade_flows" else dt.ingest_shipments
        reports = method(files, progress=progress, on_report=_summary, **options)  # type: ignore[arg-type]
    if fmt is not OutputFormat.table:
        emit([r.as_dict() for r in reports], fmt)
    elif len(reports) > 1:
        total = [
            sum(getattr(r, k) for r in reports) for k in ("rows_read", "rows_loaded", "rows_quarantined")
        ]
        console.print(f"total: read {total[0]:,} = loaded {total[1]:,} + quarantined {total[2]:,}")


def _suggest(files: list[Path], target: Path, encoding: str | None, db: Path | None) -> None:
    if len(files) != 1:
        raise InputError("--suggest-mapping takes exactly one file")
    with Dualtrace(db) as dt:
        inference = dt.suggest_mapping(files[0], encoding=encoding)
    target.write_text(inference.yaml(), encoding="utf-8")
    err_console.print(inference.yaml().rstrip(), highlight=False, markup=False)
    state = "ready to load" if inference.usable else f"{len(inference.problems)} TODO(s) to fill in"
    console.print(f"wrote {target} ({state})", highlight=False)


@ingest_app.command("trade")
@user_errors
def ingest_trade(
    files: Files,
    layout: Annotated[
        str | None, typer.Option("--layout", help="comtrade, comext, comext-2024 or eurostat-extract.")
    ] = None,
    mapping: MappingOption = None,
    encoding: EncodingOption = None,
    rates: RatesOption = None,
    suggest_mapping: Annotated[
        Path | None,
        typer.Option(
            "--suggest-mapping",
            help="Write the mapping dualtrace infers for the file to this YAML file; load nothing.",
        ),
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Load trade-flow statistics into trade_flows (layout detected or inferred, or a mapping)."""
    if suggest_mapping is not None:
        _suggest(files, suggest_mapping, encoding, db)
        return
    _run("trade_flows", files, db, fmt, layout=layout, mapping=mapping, encoding=encoding, rates=rates)


@ingest_app.command("shipments")
@user_errors
def ingest_shipments(
    files: Files,
    mapping: MappingOption = None,
    encoding: EncodingOption = None,
    rates: RatesOption = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Load line-level declarations / bills of lading into shipments through a mapping."""
    _run("shipments", files, db, fmt, mapping=mapping, encoding=encoding, rates=rates)
