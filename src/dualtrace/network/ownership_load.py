"""Load ownership files of any supported layout: GLEIF API JSON or a user CSV table."""

from __future__ import annotations

from pathlib import Path

import duckdb

from dualtrace.errors import InputError
from dualtrace.network.gleif import load_gleif
from dualtrace.network.ownership_csv import load_ownership_csv
from dualtrace.network.ownership_store import LoadReport

__all__ = ["LAYOUTS", "detect_layout", "load_ownership"]

LAYOUTS = {
    "gleif": "GLEIF API JSON: relationship-records (level 2), lei-records, reporting-exceptions",
    "csv": "ownership table: parent_name, parent_id, child_name, child_id, share, start_date, end_date,"
    " source",
}


def detect_layout(path: Path) -> str:
    if path.is_dir() or path.suffix.lower() == ".json":
        return "gleif"
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return "csv"
    raise InputError(f"{path.name}: cannot tell the layout; give --layout gleif or --layout csv")


def load_ownership(
    con: duckdb.DuckDBPyConnection, paths: list[Path], *, layout: str | None = None, source: str | None = None
) -> list[LoadReport]:
    """GLEIF files (or folders) are loaded together as one source; each CSV file on its own."""
    if not paths:
        raise InputError("no files given")
    for path in paths:
        if not path.exists():
            raise InputError(f"file not found: {path}")
    if layout is not None and layout not in LAYOUTS:
        raise InputError(f"unknown ownership layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    layouts = {p: layout or detect_layout(p) for p in paths}
    reports: list[LoadReport] = []
    gleif = [p for p in paths if layouts[p] == "gleif"]
    if gleif:
        reports.append(load_gleif(con, gleif, source=source or "gleif"))
    for path in paths:
        if layouts[path] == "csv":
            reports.append(load_ownership_csv(con, path, source=source))
    return reports
