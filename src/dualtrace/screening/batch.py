"""Read the names to screen from a CSV file (``screen --file F --column C``)."""

from __future__ import annotations

import csv
from pathlib import Path

from dualtrace.errors import InputError

__all__ = ["read_names"]


def read_names(
    path: Path, column: str, country_column: str | None = None, id_column: str | None = None
) -> list[tuple[str, str | None, str | None]]:
    """(name, country, id) of every row with a name; the file's delimiter is sniffed."""
    if not path.exists():
        raise InputError(f"file not found: {path}")
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    header = list(reader.fieldnames or [])
    for wanted in (column, country_column, id_column):
        if wanted and wanted not in header:
            raise InputError(f"{path.name}: no column {wanted!r} (columns: {', '.join(header)})")
    out = []
    for row in reader:
        name = (row.get(column) or "").strip()
        if name:
            out.append(
                (
                    name,
                    (row.get(country_column) or "").strip() or None if country_column else None,
                    (row.get(id_column) or "").strip() or None if id_column else None,
                )
            )
    return out
