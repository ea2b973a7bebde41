"""Read the names to screen from a CSV file (``screen --file F --column C``)."""

from __future__ import annotations

import csv
from pathlib import Path

from dualtrace.errors import InputError

__all__ = ["read_names"]


def read_names(
    path: Path, column: str, qualifiers: dict[str, str] | None = None
) -> list[tuple[str, dict[str, str | None]]]:
    """(name, qualifier values) of every row with a name; ``qualifiers`` maps a qualifier
    (country, id, birth_date, address) to the column holding it. The delimiter is sniffed."""
    if not path.exists():
        raise InputError(f"file not found: {path}")
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    header = list(reader.fieldnames or [])
    wanted = dict(qualifiers or {})
    for name in (column, *wanted.values()):
        if name not in header:
            raise InputError(f"{path.name}: no column {name!r} (columns: {', '.join(header)})")
    out = []
    for row in reader:
        name = (row.get(column) or "").strip()
        if name:
            out.append((name, {q: (row.get(c) or "").strip() or None for q, c in wanted.items()}))
    return out
