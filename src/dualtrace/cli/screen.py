"""dualtrace screen NAME... | screen --file F --column C | screen --parties | screen review;
dualtrace match --pairs FILE.csv"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dualtrace.api.screening import Screened
from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, console, emit, err_console, user_errors
from dualtrace.errors import InputError
from dualtrace.screening.pairs import best_threshold
from dualtrace.session import Dualtrace


def _table(hits: list[dict[str, Any]], title: str) -> None:
    """A compact table, then one line per hit with its explanation (too long for a column)."""
    rows = [
        {
            "#": i,
            "query": h["query"],
            "score": f"{h['score']:.2f}",
            "list": h["list"],
            "entity": h["caption"],
            "programs": ", ".join((h.get("programs") or [])[:3]),
            "listed": h.get("listing_date"),
        }
        for i, h in enumerate(hits, start=1)
    ]
    emit(rows, OutputFormat.table, title=title)
    for i, h in enumerate(hits, start=1):
        console.print(f"[bold]{i}[/] {h['explanation']}", highlight=False, soft_wrap=True)


def _column(flag: str, what: str) -> Any:
    return typer.Option(flag, help=f"With --file: the column of each row's {what}.")


def _review_option(flag: str, what: str) -> Any:
    return typer.Option(flag, help=f"review: {what}.")


Text = str | None
CountryColumn = Annotated[Text, _column("--country-column", "country")]
IdColumn = Annotated[Text, _column("--id-column", "registration id")]
DobColumn = Annotated[Text, _column("--dob-column", "date of birth")]
AddressColumn = Annotated[Text, _column("--address-column", "address")]
Party = Annotated[Text, _review_option("--party", "party name or party_key")]
Entity = Annotated[Text, _review_option("--entity", "entity_id or list:entity_id")]
Decision = Annotated[Text, _review_option("--decision", "confirmed or dismissed")]
Reviewer = Annotated[Text, _review_option("--reviewer", "who (default: login name)")]
Names = Annotated[
    list[str] | None, typer.Argument(help="Names to screen (or `review` to record a decision).")
]
PartyIds = Annotated[
    list[str] | None, typer.Option("--id", help="Registration id (INN, OGRN, USCC, LEI...).")
]
Dob = Annotated[Text, typer.Option("--dob", help="Date of birth of a person (YYYY, YYYY-MM or YYYY-MM-DD).")]
Threshold = Annotated[float | None, typer.Option("--threshold", help="Minimum score 0..1 (default 0.7).")]
Parties = Annotated[bool, typer.Option("--parties", help="Screen every shipment party into party_links.")]


@app.command("screen")
@user_errors
def screen(
    names: Names = None,
    file: Annotated[Path | None, typer.Option("--file", help="CSV file of names to screen.")] = None,
    column: Annotated[Text, typer.Option("--column", help="Column of --file holding the names.")] = None,
    country_column: CountryColumn = None,
    id_column: IdColumn = None,
    dob_column: DobColumn = None,
    address_column: AddressColumn = None,
    country: Annotated[
        Text, typer.Option("--country", help="Country of the party (RU, RUS, Russia...).")
    ] = None,
    party_id: PartyIds = None,
    schema: Annotated[Text, typer.Option("--schema", help="Company, Organization, Person or Vessel.")] = None,
    dob: Dob = None,
    address: Annotated[Text, typer.Option("--address", help="Address of the party.")] = None,
    threshold: Threshold = None,
    limit: Annotated[int, typer.Option("--limit", help="Hits per name.")] = 5,
    parties: Parties = False,
    full: Annotated[bool, typer.Option("--full", help="With --parties: re-screen everything.")] = False,
    party: Party = None,
    entity: Entity = None,
    decision: Decision = None,
    note: Annotated[Text, _review_option("--note", "why")] = None,
    reviewer: Reviewer = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Screen counterparties against every loaded list, with the reason for each hit."""
    names = names or []
    if names[:1] == ["review"]:
        if len(names) > 1 or not (party and entity and decision):
            raise InputError(
                "usage: dualtrace screen review --party NAME --entity ID --decision confirmed|dismissed"
            )
        with Dualtrace(db) as dt:
            emit([dt.screen_review(party, entity, decision, note=note, reviewer=reviewer)], fmt)
        return
    if parties:
        if names or file:
            raise InputError(
                "--parties screens the warehouse's shipment parties; give no names or --file with it"
            )
        with Dualtrace(db) as dt:
            _show_parties(dt.screen_parties(threshold=threshold, full=full), fmt)
        return
    qualifiers: dict[str, Any] = {"country": country, "schema": schema, "birth_date": dob, "address": address}
    if file is not None:
        if column is None:
            raise InputError("--file needs --column (the column holding the names)")
        columns = {"country_column": country_column, "id_column": id_column,
                   "birth_date_column": dob_column, "address_column": address_column}  # fmt: skip
        with Dualtrace(db) as dt:
            hits = dt.screen_file(file, column, **columns, threshold=threshold, limit=limit, **qualifiers)
    elif names:
        with Dualtrace(db) as dt:
            screened = dt.screen_names(
                names, threshold=threshold, limit=limit, ids=party_id or (), **qualifiers
            )
        _tell_misses(screened)
        hits = screened.hits
    else:
        raise InputError("give names to screen, --file F --column C, or --parties")
    _show_hits(hits, fmt)


def _show_parties(report: Any, fmt: OutputFormat) -> None:
    err_console.print(
        f"{report.parties:,} parties: {report.screened_new:,} screened against all lists, "
        f"{report.rescreened:,} re-screened against {report.changed_entities:,} changed list entities; "
        f"{report.links:,} hits ({report.dismissed:,} dismissed), {report.findings:,} findings",
        highlight=False,
    )
    if fmt is OutputFormat.table:
        _table(
            [{"query": h["name"], "score": h["score"], "list": h["list"], "caption": h["caption"],
              "explanation": h["explanation"]} for h in report.hits],
            "shipment parties on lists",
        )  # fmt: skip
    else:
        emit(report.hits, fmt)


def _tell_misses(screened: Screened) -> None:
    for name, near in screened.misses.items():
        told = (
            f"best: {near['caption']} on {near['list']}, score {near['score']:.2f}"
            if near
            else "no candidate"
        )
        err_console.print(f"no match above {screened.threshold:g} for {name!r} ({told})", highlight=False)


def _show_hits(hits: list[dict[str, Any]], fmt: OutputFormat) -> None:
    if fmt is OutputFormat.table:
        _table(hits, "screening hits")
    else:
        emit(
            [{k: v for k, v in h.items() if k != "features"} | {"features": h["features"]} for h in hits], fmt
        )


@app.command("match")
@user_errors
def match(
    pairs: Annotated[
        Path, typer.Option("--pairs", help="CSV with name1, name2 [schema, country1, country2, is_match].")
    ],
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.csv,
) -> None:
    """Score name pairs with an explanation; with is_match, precision/recall/F1 per threshold.

    With --db, a row may name a list entry (list2, entity2) instead of name2."""
    with Dualtrace(db, read_only=True) if db else Dualtrace(":memory:") as dt:
        rows, metrics = dt.match(pairs)
    if fmt is OutputFormat.json:
        import json
        import sys

        sys.stdout.write(
            json.dumps({"pairs": rows, "metrics": metrics}, ensure_ascii=False, indent=2, default=str) + "\n"
        )
        return
    emit(rows, fmt)
    if metrics:
        best = best_threshold(metrics)
        assert best is not None  # metrics is not empty
        err_console.print(
            f"best F1 {best['f1']:.3f} at threshold {best['threshold']} "
            f"(precision {best['precision']:.3f}, recall {best['recall']:.3f})",
            highlight=False,
        )
        if fmt is OutputFormat.table:
            emit(metrics, fmt, title="precision / recall / F1 by threshold")
        else:
            console.print()
            emit(metrics, fmt)
