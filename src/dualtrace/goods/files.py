"""``dualtrace goods classify FILE.csv``: the same engine on a file, no warehouse needed.

The file is read as text (nothing is dropped: a cell that is not a number is left out of the
unit-value check, not out of the output), put in an in-memory DuckDB and tagged exactly as the
warehouse's shipments are. Each output row is the input row plus the tags.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.errors import InputError
from dualtrace.goods.catalogue import Catalogue
from dualtrace.goods.codes import CodeResolver
from dualtrace.goods.engine import Classifier
from dualtrace.normalize.encodings import read_text
from dualtrace.reference import CorrelationTable, hs_version_for_period
from dualtrace.reference.correlation import HS_VERSIONS

__all__ = ["OUTPUT_COLUMNS", "FileColumns", "classify_file"]

OUTPUT_COLUMNS = (
    "hs6",
    "hs_version",
    "categories",
    "chpl_tier",
    "code_categories",
    "text_categories",
    "terms",
    "claims",
    "flags",
    "mismatch",
    "reasons",
    "risk",
    "unit_value",
    "unit_basis",
)
_DELIMITERS = ",;\t|"
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y%m%d", "%Y-%m")


@dataclass(frozen=True)
class FileColumns:
    """Which input column holds what. Only ``hs`` and ``text`` are required."""

    hs: str
    text: str
    version: str | None = None
    date: str | None = None
    value: str | None = None
    currency: str | None = None
    value_usd: str | None = None
    qty: str | None = None
    unit: str | None = None
    net_kg: str | None = None


def _read(
    path: Path, encoding: str | None, delimiter: str | None
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    hint = "" if encoding else " (give --encoding, e.g. cp1251 or gb18030)"
    text = read_text(path, encoding, hint)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:65536], delimiters=_DELIMITERS).delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InputError(f"{path.name}: no header row")
    header = [h.strip() for h in header]
    rows = []
    start = reader.line_num + 1
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            start = reader.line_num + 1
            continue
        padded = cells + [""] * (len(header) - len(cells))
        record = dict(zip(header, padded[: len(header)], strict=True))
        if len(cells) > len(header):
            record["_extra"] = delimiter.join(cells[len(header) :])
        rows.append((start, record))
        start = reader.line_num + 1
    return header, rows


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    comma_decimal = "," in cleaned and "." not in cleaned
    cleaned = cleaned.replace(",", ".") if comma_decimal else cleaned.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


def _date(text: str | None) -> date | None:
    if not text or not text.strip():
        return None
    value = text.strip()[:10]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def classify_file(
    path: str | Path,
    columns: FileColumns,
    catalogue: Catalogue,
    *,
    hs_version: str = "HS2022",
    table: CorrelationTable | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> list[dict[str, Any]]:
    """Every row of the file with its tags (lists as lists)."""
    if hs_version not in HS_VERSIONS:
        raise InputError(f"unknown HS edition {hs_version!r}; use one of {', '.join(HS_VERSIONS)}")
    file = Path(path)
    header, rows = _read(file, encoding, delimiter)
    wanted = {name: getattr(columns, name) for name in FileColumns.__dataclass_fields__}
    for role, column in wanted.items():
        if column is not None and column not in header:
            raise InputError(
                f"{file.name}: no column {column!r} (for --{role.replace('_', '-')}-column); "
                f"columns are: {', '.join(header)}"
            )

    def cell(record: dict[str, str], role: str) -> str | None:
        column = wanted[role]
        return record.get(column) if column else None

    def version(record: dict[str, str]) -> str:
        given = (cell(record, "version") or "").strip().upper()
        if given in HS_VERSIONS:
            return given
        when = _date(cell(record, "date"))
        if when is None:
            return hs_version
        found = hs_version_for_period(when)
        return found if found in HS_VERSIONS else "HS2022"

    lines = pa.table(
        {
            "source_id": pa.array([0] * len(rows), pa.int32()),
            "source_line": pa.array([line for line, _ in rows], pa.int64()),
            "hs_code": pa.array([cell(r, "hs") for _, r in rows], pa.string()),
            "hs_version": pa.array([version(r) for _, r in rows], pa.string()),
            "description": pa.array([cell(r, "text") for _, r in rows], pa.string()),
            "value": pa.array([_number(cell(r, "value")) for _, r in rows], pa.float64()),
            "currency": pa.array([cell(r, "currency") for _, r in rows], pa.string()),
            "value_usd": pa.array([_number(cell(r, "value_usd")) for _, r in rows], pa.float64()),
            "qty": pa.array([_number(cell(r, "qty")) for _, r in rows], pa.float64()),
            "qty_unit": pa.array([cell(r, "unit") for _, r in rows], pa.string()),
            "net_kg": pa.array([_number(cell(r, "net_kg")) for _, r in rows], pa.float64()),
        }
    )
    classifier = Classifier(catalogue, CodeResolver(catalogue, table))
    con = duckdb.connect()
    try:
        con.register("_file_lines", lines)
        classifier.tag(con, "SELECT * FROM _file_lines")
        result = con.sql(
            "SELECT source_line, " + ", ".join(OUTPUT_COLUMNS) + " FROM _goods_result"
        ).to_arrow_table()
    finally:
        con.close()
    tags = {row["source_line"]: row for row in result.to_pylist()}
    out = []
    for line, record in rows:
        tag = tags[line]
        out.append({"line": line, **record, **{name: tag[name] for name in OUTPUT_COLUMNS}})
    return out


def line_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many classified lines there are, carry watched goods, and are flagged."""
    return {
        "lines": len(rows),
        "watched": sum(1 for row in rows if row["categories"]),
        "flagged": sum(1 for row in rows if row["mismatch"]),
    }
