"""dualtrace party show | merge | split | decisions"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, console, emit, err_console, user_errors
from dualtrace.errors import InputError
from dualtrace.session import Dualtrace

party_app = typer.Typer(
    help="Resolved parties: show one, merge or split them (kept as decisions).", no_args_is_help=True
)
app.add_typer(party_app, name="party")


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


def _section(title: str, rows: list[dict[str, Any]], columns: list[str] | None = None) -> None:
    if not rows:
        return
    if columns:
        rows = [{c: r.get(c) for c in columns} for r in rows]
    emit(rows, OutputFormat.table, title=title)


@party_app.command("show")
@user_errors
def show(
    name_or_id: Annotated[
        str, typer.Argument(help="Party id (pty-...), a name as written, or an INN/USCC/LEI.")
    ],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="table or json.")] = ShowFormat.table,
    db: DbOption = None,
) -> None:
    """Aliases, ids, lists and hits, owners and holdings, top partners, goods, exposure path."""
    with Dualtrace(db, read_only=True) as dt:
        data = dt.party_show(name_or_id)
    if fmt is ShowFormat.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    p = data["party"]
    status = "LISTED" if p["listed"] else "not listed"
    control = data["control"]
    if control and control["sanctioned_by_ownership"] and not p["listed"]:
        status = "treated as sanctioned (50% rule)"
    console.print(f"[bold]{p['name']}[/] ({p['country'] or '?'}) {p['party_id']} - {status}", highlight=False)
    console.print(
        f"{p['lines']:,} declaration lines {p['first_date'] or ''}..{p['last_date'] or ''}; ids: "
        f"{', '.join(p['ids'] or []) or 'none'}; programmes: {', '.join(p['programs'] or []) or 'none'}",
        highlight=False,
        soft_wrap=True,
    )
    _section("names as written", data["aliases"], ["name", "country", "id", "origin", "lines"])
    _section(
        "list entries", data["lists"], ["list", "entity_id", "caption", "target", "programs", "listing_date"]
    )
    _section("screening hits", data["screening_hits"], ["name", "list", "caption", "score", "decision"])
    if control:
        console.print(
            f"[bold]50% rule ({control['as_of']}):[/] {control['explanation']}",
            highlight=False,
            soft_wrap=True,
        )
    _section("owners", data["owners"], ["owner", "share", "relation", "start_date", "end_date", "source"])
    _section("holdings", data["holdings"], ["asset", "share", "relation", "start_date", "end_date", "source"])
    _section(
        "top partners",
        data["partners"],
        [
            "direction",
            "partner",
            "country",
            "listed",
            "lines",
            "value_usd",
            "controlled_lines",
            "first_date",
            "last_date",
        ],
    )
    _section("goods", data["goods"], ["hs6", "direction", "lines", "value_usd", "example_description"])
    e = data["exposure"]
    if e:
        console.print(
            "[bold]exposure:[/] ownership"
            f" {e['ownership_hops'] if e['ownership_hops'] is not None else '-'} hops,"
            f" trade {e['trade_hops'] if e['trade_hops'] is not None else '-'} hops;"
            f" {e['listed_partners']} listed"
            f" partners; {(e['high_risk_volume_share'] or 0) * 100:.0f}% of volume with listed or"
            " high-risk parties;"
            f" signals: {', '.join(e['signals'] or []) or 'none'}",
            highlight=False,
            soft_wrap=True,
        )
        for label in ("ownership_path_text", "trade_path_text"):
            if e[label]:
                console.print(f"  {label.split('_')[0]} path: {e[label]}", highlight=False, soft_wrap=True)
    console.print(f"merge evidence: {data['merge_rules']}", highlight=False)
    _section("how the records were joined", data["merges"], ["rule", "a", "b", "detail", "features"])
    _section("analysts' decisions", data["decisions"])


def _decided(decision: dict[str, Any], what: str, fmt: OutputFormat) -> None:
    """Say what a merge or split decided, then show the decision (without its record lists)."""
    err_console.print(
        f"decision #{decision['decision_id']}: {what};"
        " exposure and findings follow at the next `dualtrace network build`",
        highlight=False,
    )
    emit([{k: v for k, v in decision.items() if k not in ("refs_a", "refs_b")}], fmt)


@party_app.command("merge")
@user_errors
def merge(
    a: Annotated[str, typer.Argument(help="A party (id, name or id number).")],
    b: Annotated[str, typer.Argument(help="The party that is the same company.")],
    note: Annotated[str | None, typer.Option("--note", help="Why.")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Who (default: login name).")] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Decide that two parties are one company; every later build keeps them together."""
    with Dualtrace(db) as dt:
        decision = dt.party_merge(a, b, note=note, reviewer=reviewer)
    _decided(decision, f"merged {decision['parties'][1]} into {decision['parties'][0]}", fmt)


@party_app.command("split")
@user_errors
def split(
    party: Annotated[str, typer.Argument(help="The party (id, name or id number).")],
    name: Annotated[
        list[str] | None,
        typer.Option("--name", help="Records written with this name go to a party of their own."),
    ] = None,
    ref: Annotated[
        list[str] | None, typer.Option("--ref", help="Records by reference (pk:..., entity:...).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why.")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Who (default: login name).")] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Decide that some records of a party are another company; every later build keeps them apart."""
    if not name and not ref:
        raise InputError("say which records to split off: --name NAME (as written) or --ref REF")
    with Dualtrace(db) as dt:
        decision = dt.party_split(party, names=name or [], refs=ref or [], note=note, reviewer=reviewer)
    what = f"{len(decision['refs_a'])} records split off {decision['party']} ({len(decision['refs_b'])} stay)"
    _decided(decision, what, fmt)


@party_app.command("decisions")
@user_errors
def decisions(db: DbOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Every split and merge decision, oldest first (the audit trail)."""
    with Dualtrace(db, read_only=True) as dt:
        emit(dt.party_decisions(), fmt, title="party decisions")
