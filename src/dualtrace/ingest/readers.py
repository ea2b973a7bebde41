"""Open an input file as a DuckDB relation of text columns, whatever its format.

CSV, TSV and gzip-compressed CSV are read by DuckDB's parallel CSV reader; Parquet by DuckDB;
XLSX by python-calamine. Every column arrives as VARCHAR so that validation (expressions.py)
sees exactly what the file says.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.errors import InputError
from dualtrace.ingest.expressions import ident, lit
from dualtrace.normalize import gzguard
from dualtrace.normalize.encodings import open_binary

# Empty fields must read as '' and padded (missing) fields as NULL, so that a short row can be
# told from a row with empty trailing fields. This null marker never occurs in real text.
NULL_MARKER = "\x01"
# A few spare columns catch rows with more fields than the header instead of rejecting them.
OVERFLOW_COLUMNS = ("__overflow_1", "__overflow_2", "__overflow_3", "__overflow_4")

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".dat", ".tab"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


def file_format(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    last = suffixes[-1] if suffixes else ""
    if last == ".gz" and len(suffixes) >= 2 and suffixes[-2] in TEXT_SUFFIXES:
        return "csv"
    if last in TEXT_SUFFIXES:
        return "csv"
    if last == ".parquet":
        return "parquet"
    if last in EXCEL_SUFFIXES:
        return "xlsx"
    raise InputError(
        f"{path.name}: unknown file type {last or '(no extension)'!r}; "
        "dualtrace reads .csv, .tsv, .txt, .csv.gz, .parquet and .xlsx"
    )


def refuse_gzip_bomb(path: Path) -> None:
    """DuckDB decompresses .csv.gz itself, past any guard: decompress it once under the guard first."""
    if path.suffix.lower() == ".gz":
        gzguard.check(path)


SERIAL_READ_NEEDED = "null_padding in conjunction with quoted new lines"


def needs_serial_read(error: Exception) -> bool:
    return SERIAL_READ_NEEDED in str(error)


@dataclass
class Source:
    """A file opened for loading."""

    path: Path  # the file as the user named it
    format: str
    header: list[str]
    first_line: int  # line (or spreadsheet row) of the first data record
    read_path: Path | None = None  # what DuckDB reads (a UTF-8 copy for other encodings)
    csv: dict[str, Any] = field(default_factory=dict)
    arrow: pa.Table | None = None  # XLSX rows, already read
    line_column: str | None = None  # a column carrying exact line numbers, when known
    # DuckDB's parallel CSV reader cannot pad short rows when quoted fields hold line breaks;
    # such files are read by one thread.
    parallel: bool = True

    def relation(self, *, rejects: tuple[str, str] | None = None) -> str:
        """SQL for the rows as text columns (header names, plus overflow columns for CSV)."""
        if self.format == "csv":
            assert self.read_path is not None
            columns = (
                "{" + ", ".join(f"{lit(name)}: 'VARCHAR'" for name in [*self.header, *OVERFLOW_COLUMNS]) + "}"
            )
            options = [
                "header = true",
                "auto_detect = false",
                f"columns = {columns}",
                f"delim = {lit(self.csv['delimiter'])}",
                f"quote = {lit(self.csv['quote'])}",
                f"escape = {lit(self.csv['escape'])}",
                f"skip = {int(self.csv['skip'])}",
                "null_padding = true",
                f"nullstr = {lit(NULL_MARKER)}",
                "strict_mode = false",
                f"max_line_size = {MAX_LINE}",
            ]
            if not self.parallel:
                options.append("parallel = false")
            if rejects is not None:
                options += [
                    "store_rejects = true",
                    f"rejects_table = {lit(rejects[0])}",
                    f"rejects_scan = {lit(rejects[1])}",
                ]
            return f"read_csv({lit(str(self.read_path))}, {', '.join(options)})"
        if self.format == "parquet":
            return f"(SELECT COLUMNS(*)::VARCHAR FROM read_parquet({lit(str(self.path))}))"
        return "_dualtrace_sheet"

    @property
    def data_columns(self) -> list[str]:
        return [c for c in self.header if c != self.line_column]


DELIMITERS = (",", ";", "\t", "|")
MAX_LINE = 8388608  # the longest line DuckDB is told to accept (max_line_size)


def sniff_csv(
    read_path: Path,
    label: str,
    *,
    delimiter: str,
    quote: str,
    skip_rows: int,
) -> tuple[list[str], dict[str, Any]]:
    """The header and dialect of a CSV file, from its header line.

    The delimiter is the candidate that splits the header most (users may force one); a
    sampler that looks at data rows can be misled by the very rows that are broken.
    """
    with open_binary(read_path) as handle:
        start = handle.read(65536)
        if b"\r" in start and b"\n" not in start:
            # Old Mac files end lines in CR only; DuckDB and the line counts expect LF or CRLF.
            raise InputError(
                f"{label}: line 1: lines end in a bare CR (old Mac line endings); save it with LF or CRLF"
            )
        handle.seek(0)
        for _ in range(skip_rows):
            handle.readline(MAX_LINE)
        first = handle.readline(MAX_LINE).decode("utf-8-sig", errors="replace")
    if not first.strip():
        raise InputError(f"{label}: no header line found (line {skip_rows + 1} is empty)")
    if delimiter == "auto":
        chosen = max(DELIMITERS, key=lambda d: (first.count(d), d == ","))
    else:
        chosen = "\t" if delimiter in ("\\t", "tab", "TAB") else delimiter
    if len(chosen) != 1:
        raise InputError(f"{label}: the delimiter must be one character (got {delimiter!r})")
    quote_char = quote or '"'
    try:
        names = next(csv.reader([first.rstrip("\r\n")], delimiter=chosen, quotechar=quote_char))
    except csv.Error as exc:
        raise InputError(f"{label}: line {skip_rows + 1}: the header cannot be read ({exc})") from None
    header = unique_names(names)
    dialect = {"delimiter": chosen, "quote": quote_char, "escape": quote_char, "skip": skip_rows}
    return header, dialect


def unique_names(names: list[str]) -> list[str]:
    """Header names as the mapping sees them: blanks become columnN, repeats get _2, _3..."""
    seen: dict[str, int] = {}
    result = []
    for index, raw in enumerate(names):
        name = raw.strip() or f"column{index}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        result.append(name)
    return result


def _cell_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Spreadsheets store codes and whole amounts as floats: 8542310000.0 is "8542310000".
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_sheet(path: Path, sheet: str | None, skip_rows: int) -> tuple[list[str], pa.Table]:
    """An XLSX sheet as text columns plus the spreadsheet row number of each record."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise InputError(f"{path.name}: cannot read as a spreadsheet: {exc}") from None
    names = workbook.sheet_names
    if sheet is not None and sheet not in names:
        raise InputError(f"{path.name}: no sheet {sheet!r}; sheets are: {', '.join(names)}")
    rows = workbook.get_sheet_by_name(sheet or names[0]).to_python(skip_empty_area=False)
    rows = rows[skip_rows:]
    if not rows:
        raise InputError(f"{path.name}: the sheet is empty")
    header = unique_names([_cell_text(cell) or "" for cell in rows[0]])
    width = len(header)
    records: list[list[str | None]] = []
    lines: list[int] = []
    for offset, row in enumerate(rows[1:]):
        cells = [_cell_text(cell) for cell in row]
        if not any(cells):
            continue  # empty spreadsheet rows are layout, not records
        records.append([*(cells + [None] * width)[:width], _overflow(cells, width)])
        lines.append(skip_rows + 2 + offset)
    columns: dict[str, Any] = {
        name: pa.array([r[i] for r in records], type=pa.string()) for i, name in enumerate(header)
    }
    columns[OVERFLOW_COLUMNS[0]] = pa.array([r[width] for r in records], type=pa.string())
    columns["__line"] = pa.array(lines, type=pa.int64())
    return header, pa.table(columns)


def _overflow(cells: list[str | None], width: int) -> str | None:
    extra = [c for c in cells[width:] if c]
    return ",".join(extra) if extra else None


def parquet_header(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(str(path))})").fetchall()
    except duckdb.Error as exc:
        raise InputError(f"{path.name}: cannot read as Parquet: {str(exc).splitlines()[0]}") from None
    return [row[0] for row in rows]


def quote_field(column: str, delimiter: str) -> str:
    """SQL re-creating one CSV field of a row, quoted when needed, for quarantine."""
    c = ident(column)
    pattern = lit("[" + _regex_escape(delimiter) + '"\n\r]')
    return (
        f"CASE WHEN {c} IS NULL THEN '' WHEN regexp_matches({c}, {pattern}) "
        f"THEN '\"' || replace({c}, '\"', '\"\"') || '\"' ELSE {c} END"
    )


def _regex_escape(text: str) -> str:
    return "".join("\\" + ch if ch in r"\^$.|?*+()[]{}-" else ch for ch in text)
