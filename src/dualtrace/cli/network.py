"""dualtrace network build | exposure | export | load-ownership | layouts"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, emit, err_console, user_errors
from dualtrace.cli.values import date_option
from dualtrace.session import Dualtrace

network_app = typer.Typer(
    help="Resolved parties, ownership (50% rule) and trade graph; exposure to listed parties.",
    no_args_is_help=True,
)
app.add_typer(network_app, name="network")


class ExportFormat(StrEnum):
    ftm = "ftm"
    graphml = "graphml"
    csv = "csv"


@network_app.command("build")
@user_errors
def build(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date the 50% rule is judged on (default: today).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes for name normalisation (default: CPUs).")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Resolve parties, apply the 50% rule, build the graph, write network findings."""
    with Dualtrace(db) as dt:
        report = dt.network_build(
            as_of=date_option(as_of, "--as-of"),
            workers=workers,
            progress=lambda label: err_console.print(f"  done: {label}", highlight=False),
        )
    r = report.resolution
    err_console.print(
        f"{r.records:,} records -> {r.parties:,} parties"
        f" ({', '.join(f'{v:,} {k}' for k, v in r.unions.items())};"
        f" {r.refused:,} joins refused by ids or decisions); {report.ownership_edges:,} ownership edges,"
        f" {report.sanctioned_by_ownership:,} parties under the 50% rule on {report.as_of};"
        f" {report.trade_edges:,} trade edges; {report.intermediaries:,} intermediaries;"
        f" findings: {', '.join(f'{v} {k}' for k, v in report.findings.items()) or 'none'}",
        highlight=False,
    )
    if fmt is not OutputFormat.table:
        emit([report.as_dict()], fmt)


@network_app.command("exposure")
@user_errors
def exposure(
    max_hops: Annotated[
        int | None, typer.Option("--max-hops", help="Only parties this close to a listed one (default 6).")
    ] = None,
    party: Annotated[
        str | None, typer.Option("--party", help="Only this party (id, name or id number).")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Each party's path to listed parties by ownership and by trade, listed partners, shares, signals."""
    with Dualtrace(db, read_only=True) as dt:
        rows = dt.network_exposure(max_hops=max_hops, party=party)
    if fmt is OutputFormat.table:
        rows = [
            {
                k: r[k]
                for k in (
                    "name",
                    "country",
                    "listed",
                    "ownership_hops",
                    "trade_hops",
                    "listed_partners",
                    "high_risk_volume_share",
                    "lines",
                    "signals",
                    "ownership_path",
                )
            }
            for r in rows
        ]
    emit(rows, fmt, title="exposure to listed parties")


@network_app.command("export")
@user_errors
def export(
    export_format: Annotated[ExportFormat, typer.Option("--format", "-f", help="ftm, graphml or csv.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File (ftm, graphml; default stdout) or folder (csv).")
    ] = None,
    lines: Annotated[
        bool, typer.Option("--lines/--no-lines", help="ftm: one EconomicActivity per declaration line.")
    ] = True,
    db: DbOption = None,
) -> None:
    """Export parties, ownership and trade as FtM JSON lines, GraphML or CSV node/edge tables."""
    with Dualtrace(db, read_only=True) as dt:
        summary = dt.network_export(export_format.value, out, lines=lines, stream=sys.stdout)
    err_console.print(f"exported: {summary}", highlight=False)


@network_app.command("load-ownership")
@user_errors
def load_ownership(
    files: Annotated[list[Path], typer.Argument(help="GLEIF JSON files or folders, or ownership CSV files.")],
    layout: Annotated[str | None, typer.Option("--layout", help="gleif or csv (default: detected).")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Name to keep these edges under (a reload replaces them).")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Load ownership edges (GLEIF level-2 relations, a user CSV); list ownership comes with the lists."""
    with Dualtrace(db) as dt:
        reports = dt.network_load_ownership(files, layout=layout, source=source)
    for r in reports:
        if r.status == "already-loaded":
            err_console.print(
                f"{r.source}: already loaded (load {r.load_id}); nothing changed", highlight=False
            )
        else:
            err_console.print(
                f"{r.source} ({r.layout}): {r.records:,} records -> {r.edges:,} edges between"
                f" {r.nodes:,} nodes;"
                f" {r.current:,} current, {r.ended:,} ended; {r.without_share:,} without a share",
                highlight=False,
            )
            for reason, n in sorted(r.skipped.items()):
                err_console.print(f"  {n:,} {reason}", highlight=False)
    if fmt is not OutputFormat.table:
        emit([r.as_dict() for r in reports], fmt)
    else:
        emit([{k: v for k, v in r.as_dict().items() if k not in ("files", "skipped")} for r in reports], fmt)


@network_app.command("layouts")
def layouts(fmt: FormatOption = OutputFormat.table) -> None:
    """The ownership file layouts `network load-ownership` reads."""
    from dualtrace.network.ownership_load import LAYOUTS

    emit([{"layout": k, "description": v} for k, v in LAYOUTS.items()], fmt)
