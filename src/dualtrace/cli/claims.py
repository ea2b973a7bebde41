"""dualtrace claims check|parse: statements about trade figures, checked against the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, console, emit, err_console, user_errors
from dualtrace.session import Dualtrace

claims_app = typer.Typer(
    help="Claims: check statements about trade figures against the data.", no_args_is_help=True
)
app.add_typer(claims_app, name="claims")

ItemsArgument = Annotated[
    list[str], typer.Argument(help="Sentences in quotes, or .yaml/.txt files of claims (see docs/claims.md).")
]
CategoriesOption = Annotated[
    list[Path] | None, typer.Option("--categories", "-c", help="Your own watch-category YAML (goods words).")
]


def _parsed(claim: dict[str, Any]) -> str:
    """The parsed claim in one line, so the user can see what was understood and correct it in YAML."""
    goods = claim["goods"]["label"]
    periods = " vs ".join(f"{p['start']}..{p['end']}" for p in claim["periods"]) or "no period"
    fig = claim["figure"]
    stated = (
        f"{fig['rounding']} {fig['value']:g}{fig['unit']}" if fig else (claim["direction"] or "no figure")
    )
    return (
        f"{claim['measure']} {claim['comparison']} · flow {claim['flow']} · reporters "
        f"{','.join(claim['reporters']) or 'any'} · partners {','.join(claim['partners']) or 'any'}"
        f"{' · against ' + ','.join(claim['against']) if claim['against'] else ''}"
        f" · {goods} · {periods} · {stated}"
    )


@claims_app.command("check")
@user_errors
def check(
    items: ItemsArgument,
    categories: CategoriesOption = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="Store the checks in the warehouse for the report.")
    ] = True,
) -> None:
    """Verdict per claim: supported, contradicted or not enough data, with the figure, SQL and rows."""
    with Dualtrace(db, read_only=not save) as dt:
        checks = [c.as_dict() for c in dt.check_claims(items, categories, save=save)]
    if fmt is OutputFormat.json:
        emit(checks, fmt)
        return
    if fmt is OutputFormat.csv:
        emit(
            [
                {k: v for k, v in c.items() if k not in ("claim", "evidence", "values")}
                | {"sql": "; ".join(c["sql"]), "parsed": _parsed(c["claim"])}
                for c in checks
            ],
            fmt,
        )
        return
    for c in checks:
        colour = {"supported": "green", "contradicted": "red"}.get(c["verdict"], "yellow")
        console.print(f"[bold]{c['text']}[/]", highlight=False)
        console.print(f"  parsed: {_parsed(c['claim'])}", highlight=False, soft_wrap=True)
        for note in c["claim"]["notes"]:
            console.print(f"  note: {note}", highlight=False)
        console.print(
            f"  [{colour}]{c['verdict'].upper()}[/] {c['sentence']}", highlight=False, soft_wrap=True
        )
        for sql in c["sql"]:
            console.print(f"  [dim]sql: {sql}[/]", highlight=False, soft_wrap=True)
    err_console.print(
        f"{len(checks)} claims: "
        + ", ".join(
            f"{sum(c['verdict'] == v for c in checks)} {v}"
            for v in ("supported", "contradicted", "not enough data")
        )
    )


@claims_app.command("parse")
@user_errors
def parse(
    items: ItemsArgument, categories: CategoriesOption = None, fmt: FormatOption = OutputFormat.table
) -> None:
    """The structured claims the sentences state (YAML-ready with --format json); no warehouse needed."""
    claims = [c.as_dict() for c in Dualtrace(":memory:").claims_parse(items, categories)]
    if fmt is OutputFormat.table:
        for claim in claims:
            console.print(f"[bold]{claim['text']}[/]\n  {_parsed(claim)}", highlight=False, soft_wrap=True)
        return
    emit(
        claims if fmt is OutputFormat.json else [{"text": c["text"], "parsed": _parsed(c)} for c in claims],
        fmt,
    )
