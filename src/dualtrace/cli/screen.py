"""dualtrace screen NAME... | screen --file F --column C | screen --parties | screen review;
dualtrace match --pairs FILE.csv"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, console, emit, err_console, user_errors
from dualtrace.errors import InputError
from dualtrace.screening.pairs import best_threshold
from dualtrace.screening.score import DEFAULT_THRESHOLD
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


@app.command("screen")
@user_errors
def screen(
    names: Annotated[
        list[str] | None, typer.Argument(help="Names to screen (or `review` to record a decision).")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", help="CSV file of names to screen.")] = None,
    column: Annotated[
        str | None, typer.Option("--column", help="Column of --file holding the names.")
    ] = None,
    country_column: Annotated[
        str | None, typer.Option("--country-column", help="With --file: the column of each row's country.")
    ] = None,
    id_column: Annotated[
        str | None, typer.Option("--id-column", help="With --file: the column of each row's registration id.")
    ] = None,
    dob_column: Annotated[
        str | None, typer.Option("--dob-column", help="With --file: the column of each row's date of birth.")
    ] = None,
    address_column: Annotated[
        str | None, typer.Option("--address-column", help="With --file: the column of each row's address.")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Country of the party (RU, RUS, Russia...).")
    ] = None,
    party_id: Annotated[
        list[str] | None, typer.Option("--id", help="Registration id (INN, OGRN, USCC, LEI...).")
    ] = None,
    schema: Annotated[
        str | None, typer.Option("--schema", help="Company, Organization, Person or Vessel.")
    ] = None,
    dob: Annotated[
        str | None, typer.Option("--dob", help="Date of birth of a person (YYYY, YYYY-MM or YYYY-MM-DD).")
    ] = None,
    address: Annotated[str | None, typer.Option("--address", help="Address of the party.")] = None,
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Minimum score 0..1 (default 0.7).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Hits per name.")] = 5,
    parties: Annotated[
        bool, typer.Option("--parties", help="Screen every shipment party into party_links.")
    ] = False,
    full: Annotated[bool, typer.Option("--full", help="With --parties: re-screen everything.")] = False,
    party: Annotated[str | None, typer.Option("--party", help="review: party name or party_key.")] = None,
    entity: Annotated[
        str | None, typer.Option("--entity", help="review: entity_id or list:entity_id.")
    ] = None,
    decision: Annotated[
        str | None, typer.Option("--decision", help="review: confirmed or dismissed.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="review: why.")] = None,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="review: who (default: login name).")
    ] = None,
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
            record = dt.screen_review(party, entity, decision, note=note, reviewer=reviewer)
        emit([record], fmt)
        return
    if parties:
        if names or file:
            raise InputError(
                "--parties screens the warehouse's shipment parties; give no names or --file with it"
            )
        with Dualtrace(db) as dt:
            report = dt.screen_parties(threshold=threshold, full=full)
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
        return
    best: dict[str, dict[str, Any] | None] = {}
    if file is not None:
        if column is None:
            raise InputError("--file needs --column (the column holding the names)")
        with Dualtrace(db) as dt:
            hits = dt.screen_file(
                file, column, country_column=country_column, id_column=id_column,
                birth_date_column=dob_column, address_column=address_column,
                country=country, schema=schema, threshold=threshold, limit=limit,
                birth_date=dob, address=address,
            )  # fmt: skip
    elif names:
        with Dualtrace(db) as dt:
            qualifiers: dict[str, Any] = {
                "country": country, "ids": party_id or (), "schema": schema,
                "birth_date": dob, "address": address,
            }  # fmt: skip
            hits = dt.screen(names, threshold=threshold, limit=limit, **qualifiers)
            missed = [n for n in names if not any(h["query"] == n for h in hits)]
            best = dt.screen_best(missed, **qualifiers) if missed else {}
        floor = DEFAULT_THRESHOLD if threshold is None else threshold
        for name, near in best.items():
            told = (
                f"best: {near['caption']} on {near['list']}, score {near['score']:.2f}"
                if near
                else "no candidate"
            )
            err_console.print(f"no match above {floor:g} for {name!r} ({told})", highlight=False)
    else:
        raise InputError("give names to screen, --file F --column C, or --parties")
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
