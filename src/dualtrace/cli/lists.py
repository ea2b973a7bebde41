"""dualtrace lists load|status|changes|versions|diff|update|layouts"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, emit, err_console, user_errors
from dualtrace.cli.values import date_option
from dualtrace.lists.store import VersionReport
from dualtrace.session import Dualtrace

lists_app = typer.Typer(
    help="Sanctions and export-control lists: load, update, status.", no_args_is_help=True
)
app.add_typer(lists_app, name="lists")


def _summary(report: VersionReport) -> None:
    if report.status == "already-loaded":
        err_console.print(
            f"{report.files[0]}: already loaded as version {report.version_id} of {report.list_name};"
            " nothing added",
            highlight=False,
        )
        return
    err_console.print(
        f"{report.list_name} ({report.layout}, version {report.version_date or 'undated'}): "
        f"{report.targets:,} listed parties in {report.entities:,} entities; "
        f"added {report.added:,}, removed {report.removed:,}, changed {report.changed:,} "
        f"({report.duration_s:.1f}s)",
        highlight=False,
    )
    for note in report.notes:
        err_console.print(f"  note: {note}", highlight=False)


@lists_app.command("load")
@user_errors
def lists_load(
    files: Annotated[
        list[Path], typer.Argument(help="List files; OFAC alt/add/comments go with their sdn.csv.")
    ],
    layout: Annotated[
        str | None, typer.Option("--layout", help="Force a layout (see `lists layouts`).")
    ] = None,
    list_name: Annotated[str | None, typer.Option("--list", help="Name to store the list under.")] = None,
    version_date: Annotated[
        str | None, typer.Option("--version-date", help="Date of this version (default: from the file).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Make an older file the current version.")] = False,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Load list files in any official layout into entities / entity_names / entity_ids."""
    with Dualtrace(db) as dt:
        reports = dt.lists_load(
            files,
            layout=layout,
            list_name=list_name,
            version_date=date_option(version_date, "--version-date"),
            force=force,
            on_report=_summary,
        )
    if fmt is not OutputFormat.table:
        emit([r.as_dict() for r in reports], fmt)


@lists_app.command("update")
@user_errors
def lists_update(
    only: Annotated[list[str] | None, typer.Option("--only", help="Only this list (repeatable).")] = None,
    folder: Annotated[
        Path | None,
        typer.Option("--folder", help="Where to keep the files (default: lists/ beside the warehouse)."),
    ] = None,
    no_load: Annotated[bool, typer.Option("--no-load", help="Download only; do not load.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per request.")] = 60.0,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Download the official list files from their publishers and load what changed. Each list
    succeeds or fails alone; exit 1 if any failed (its previous version stays current)."""
    from dualtrace.lists.update import failed, official

    with Dualtrace(db) as dt:
        downloads = dt.lists_update(only=only, folder=folder, timeout=timeout, load=not no_load)
    emit([d.as_dict() for d in downloads], fmt, title="downloads")
    failures = failed(downloads)
    for d in downloads:
        for loaded in d.loaded:
            err_console.print(
                f"{loaded['list']}: loaded version {loaded['version_date'] or 'undated'},"
                f" added {loaded['added']}, removed {loaded['removed']}",
                highlight=False,
            )
    if not downloads:
        err_console.print(f"nothing to do (lists: {', '.join(official())})")
    for f in failures:
        err_console.print(f"failed: {f.name}, {f.url}, {f.reason}", highlight=False, soft_wrap=True)
    if downloads:
        done = sorted({d.name for d in downloads} - {f.name for f in failures})
        err_console.print(
            f"{len(done)} list(s) updated or current, {len(failures)} failed"
            + (f" ({', '.join(f.name for f in failures)}: previous version kept)" if failures else ""),
            highlight=False,
        )
    if failures:
        raise typer.Exit(1)


@lists_app.command("status")
@user_errors
def lists_status(db: DbOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Each list with its version date, counts and what its last version changed."""
    with Dualtrace(db, read_only=True) as dt:
        emit(dt.lists_status(), fmt, title="lists")


@lists_app.command("changes")
@user_errors
def lists_changes(
    list_name: Annotated[str, typer.Argument(help="List name (see `lists status`).")],
    version: Annotated[
        int | None, typer.Option("--version", help="Version id (default: the latest).")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """What one version of a list added, removed or changed."""
    with Dualtrace(db, read_only=True) as dt:
        emit(dt.lists_changes(list_name, version), fmt, title=f"{list_name} changes")


@lists_app.command("versions")
@user_errors
def lists_versions(
    list_name: Annotated[str | None, typer.Argument(help="List name (default: every list).")] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Every loaded version of the lists: id, loaded at, files, sha256, entries."""
    with Dualtrace(db, read_only=True) as dt:
        rows = dt.lists_versions(list_name)
    if fmt is OutputFormat.table:  # a terminal's width; every column and the full digest: -f json / csv
        keep = ("list", "version_id", "version_date", "loaded_at", "files", "sha256", "entities", "targets")
        rows = [{k: (r[k][:12] if k == "sha256" else r[k]) for k in keep} for r in rows]
    emit(rows, fmt, title="list versions")


@lists_app.command("diff")
@user_errors
def lists_diff(
    list_name: Annotated[str, typer.Argument(help="List name (see `lists versions`).")],
    from_version: Annotated[
        int | None, typer.Option("--from", help="Earlier version id (default: the one before --to).")
    ] = None,
    to_version: Annotated[
        int | None, typer.Option("--to", help="Later version id (default: the latest).")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Entities added, removed and changed (names, identifiers, programs, addresses...) between
    two versions of a list."""
    with Dualtrace(db, read_only=True) as dt:
        result = dt.lists_diff(list_name, from_version, to_version)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    counts = result.counts()
    emit(
        result.rows(),
        fmt,
        title=f"{list_name}: version {result.from_version} -> {result.to_version}",
    )
    err_console.print(
        f"{list_name} {result.from_version} -> {result.to_version}: added {counts['added']:,},"
        f" removed {counts['removed']:,}, changed {counts['changed']:,}",
        highlight=False,
    )


@lists_app.command("layouts")
def lists_layouts(fmt: FormatOption = OutputFormat.table) -> None:
    """The list layouts dualtrace reads."""
    from dualtrace.lists.load import layouts

    emit([{"layout": k, "description": v} for k, v in layouts().items()], fmt)
