"""dualtrace classify; dualtrace goods classify|explain|categories."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer

from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, console, emit, err_console, user_errors
from dualtrace.goods.files import line_counts
from dualtrace.session import Dualtrace

goods_app = typer.Typer(
    help="Goods: what a code or a file's lines carry, and which descriptions do not fit.",
    no_args_is_help=True,
)
app.add_typer(goods_app, name="goods")

CategoriesOption = Annotated[
    list[Path] | None,
    typer.Option("--categories", "-c", help="Your own watch-category YAML (repeatable; see docs/goods.md)."),
]
CorrelationOption = Annotated[
    Path | None,
    typer.Option("--correlation", help="Official UNSD HS2022/HS2017 correlation CSV for older codes."),
]
VersionOption = Annotated[
    str, typer.Option("--hs-version", help="HS edition of the codes: HS2022 (default), HS2017...")
]


def _flat(rows: list[dict[str, Any]], fmt: OutputFormat) -> list[dict[str, Any]]:
    """Lists joined for csv and table output; JSON keeps them."""
    if fmt is OutputFormat.json:
        return rows
    return [{k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()} for row in rows]


@app.command("classify")
@user_errors
def classify(
    categories: CategoriesOption = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Tag every shipment and trade flow with goods categories, CHPL tier and mismatch flags."""
    with Dualtrace(db) as dt:
        report = dt.classify(categories, progress=lambda step: err_console.print(f"[dim]{step}…[/]"))
        top = dt.findings(["misdeclaration", "controlled_goods"], limit=10)
    record = report.as_dict()
    if fmt is not OutputFormat.table:
        emit([{**record, "findings": dict(record["findings"])}], fmt)
        return
    console.print(
        f"Tagged {report.shipments:,} shipment lines ({report.tagged:,} carry watched goods, "
        f"{report.mismatches:,} flagged) from {report.distinct_pairs:,} distinct (code, description) pairs, "
        f"and {report.trade_flows:,} trade flows ({report.flows_tagged:,} watched) in {report.seconds:.1f}s.",
        highlight=False,
    )
    console.print(
        "Findings: "
        + ", ".join(f"{n:,} {kind}" for kind, n in sorted(report.findings.items()))
        + f" (run {report.run_id})",
        highlight=False,
    )
    emit(
        [{"severity": f.severity, "kind": f.kind, "headline": f.headline} for f in top],
        fmt,
        title="most severe findings (dualtrace findings --kind misdeclaration for all)",
    )


@goods_app.command("classify")
@user_errors
def goods_classify(
    file: Annotated[Path, typer.Argument(help="CSV file of declaration lines.")],
    hs_column: Annotated[str, typer.Option("--hs-column", help="Column with the HS code.")],
    text_column: Annotated[str, typer.Option("--text-column", help="Column with the goods description.")],
    hs_version: VersionOption = "HS2022",
    version_column: Annotated[
        str | None, typer.Option("--hs-version-column", help="Column with the HS edition of each line.")
    ] = None,
    date_column: Annotated[
        str | None, typer.Option("--date-column", help="Date column (sets the HS edition per line).")
    ] = None,
    value_column: Annotated[
        str | None, typer.Option("--value-column", help="Value (for unit values).")
    ] = None,
    currency_column: Annotated[
        str | None, typer.Option("--currency-column", help="Currency of the value.")
    ] = None,
    value_usd_column: Annotated[str | None, typer.Option("--value-usd-column", help="Value in USD.")] = None,
    qty_column: Annotated[str | None, typer.Option("--qty-column", help="Quantity.")] = None,
    unit_column: Annotated[str | None, typer.Option("--unit-column", help="Unit of the quantity.")] = None,
    kg_column: Annotated[str | None, typer.Option("--kg-column", help="Net weight in kg.")] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="Text encoding (default UTF-8).")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    categories: CategoriesOption = None,
    correlation: CorrelationOption = None,
    fmt: FormatOption = OutputFormat.csv,
) -> None:
    """Classify every line of a CSV file: categories, CHPL tier, flags and reasons per line."""
    rows = Dualtrace().goods_classify(
        file,
        hs_column,
        text_column,
        hs_version=hs_version,
        categories=categories,
        correlation=correlation,
        encoding=encoding,
        version=version_column,
        date=date_column,
        value=value_column,
        currency=currency_column,
        value_usd=value_usd_column,
        qty=qty_column,
        unit=unit_column,
        net_kg=kg_column,
    )
    counts = line_counts(rows)
    if output is not None:
        with output.open("w", encoding="utf-8", newline="") as handle, contextlib.redirect_stdout(handle):
            emit(_flat(rows, fmt), fmt)
    else:
        emit(_flat(rows, fmt), fmt, title=file.name)
    err_console.print(
        f"{counts['lines']:,} lines: {counts['watched']:,} carry watched goods,"
        f" {counts['flagged']:,} flagged",
        highlight=False,
    )


@goods_app.command("explain")
@user_errors
def goods_explain(
    code: Annotated[str, typer.Argument(help="An HS or national code: 8542.31, 8542310000, 852580...")],
    hs_version: VersionOption = "HS2022",
    text: Annotated[
        str | None, typer.Option("--text", "-t", help="A description to judge with the code.")
    ] = None,
    categories: CategoriesOption = None,
    correlation: CorrelationOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """What a code is, its watch categories and CHPL tier, and why it is or is not watched."""
    record = Dualtrace().goods_explain(
        code, hs_version=hs_version, text=text, categories=categories, correlation=correlation
    )
    if fmt is not OutputFormat.table:
        emit(_flat([record], fmt), fmt)
        return
    console.print(
        f"[bold]{record['dotted']}[/] ({record['hs_version']}): {record['description']}", highlight=False
    )
    for line in record["nomenclature"]:
        console.print(f"  {line}", highlight=False)
    if record["correlation"]:
        console.print("HS2022: " + "; ".join(record["correlation"]), highlight=False)
    console.print("[bold]watched[/]" if record["watched"] else "[bold]not watched[/]")
    for line in record["why"]:
        console.print(f"  - {line}", highlight=False)
    if record.get("text") is not None:
        console.print(f"description: {record['text']!r} -> {record['normalized']!r}", highlight=False)
        console.print(
            f"  names: {record['text_categories'] or 'no watched goods'};"
            f" claims: {record['claims'] or 'none'}",
            highlight=False,
        )
        console.print(f"  line categories: {', '.join(record['line_categories']) or 'none'}", highlight=False)
        if record["mismatch"]:
            for reason in record["reasons"]:
                console.print(f"  [bold red]flag[/]: {reason}", highlight=False)
        else:
            console.print("  no mismatch", highlight=False)


@goods_app.command("categories")
@user_errors
def goods_categories(
    categories: CategoriesOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The watch categories in force (shipped, plus your files)."""
    emit(Dualtrace().goods_categories(categories), fmt, title="watch categories")
