"""Load one file into a fact table: all or nothing, nothing lost, nothing loaded twice.

For each file: fingerprint it (sha256; a file already loaded is skipped), pick its mapping
(given, named or detected layout), read it as text columns, parse and validate every row in one
DuckDB statement that writes the file's storage table in file order, copy failed rows to
`quarantine` with their line and reason, record the file in `sources`, and refresh the fact
view. All of it happens in one transaction: an error or a crash leaves the warehouse unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb
import numpy as np
import pyarrow as pa

from dualtrace.errors import InputError, MappingError
from dualtrace.ingest import layouts, readers
from dualtrace.ingest.expressions import country_key, ident, lit, period
from dualtrace.ingest.fingerprint import Fingerprint, fingerprint, line_count
from dualtrace.ingest.infer import Inference, infer_trade_mapping
from dualtrace.ingest.lines import blank_lines, record_lines
from dualtrace.ingest.mapping import Mapping, Options, from_dict
from dualtrace.ingest.sqlbuild import (
    ALIASES_TABLE,
    CURRENCY_TABLE,
    RATES_TABLE,
    SourceShape,
    build_select,
    parse_column,
    raw_expression,
)
from dualtrace.normalize import encodings as enc
from dualtrace.reference import currencies
from dualtrace.reference.countries import alias_key, resolve
from dualtrace.reference.install import ensure_installed
from dualtrace.warehouse import coverage, facts
from dualtrace.warehouse.db import fetch_one
from dualtrace.warehouse.schema import FACT_TABLES, Kind

# Unambiguous signs of each decimal mark; "1.234" or "1,234" alone could be either.
DECIMAL_COMMA_PATTERN = r"[0-9],([0-9]{1,2}|[0-9]{4,})$|\.[0-9]{3},[0-9]+$"
DECIMAL_POINT_PATTERN = r"[0-9]\.([0-9]{1,2}|[0-9]{4,})$|,[0-9]{3}\.[0-9]+$"


class Progress(Protocol):
    """What a face shows while a file loads. Engines call it; they never print."""

    def phase(self, label: str) -> None: ...

    def running(self, con: duckdb.DuckDBPyConnection) -> Any: ...  # a context manager


class _Silent:
    def phase(self, label: str) -> None:
        pass

    @contextmanager
    def running(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        yield


@dataclass(frozen=True)
class QuarantineSummary:
    kind: str  # the reason without the offending value
    count: int
    first_line: int
    first_reason: str


@dataclass
class LoadReport:
    path: str
    table: str
    status: str  # loaded | already-loaded
    source_id: int | None = None
    layout: str = ""
    encoding: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    duration_s: float = 0.0
    reasons: list[QuarantineSummary] = field(default_factory=list)
    inferred_mapping: str | None = None  # the mapping YAML, when no layout matched and one was inferred

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "table": self.table,
            "status": self.status,
            "source_id": self.source_id,
            "layout": self.layout,
            "encoding": self.encoding,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "seconds": round(self.duration_s, 2),
        }


@dataclass
class LoadRequest:
    table: str
    mapping: Mapping | None = None
    layout: str | None = None
    encoding: str | None = None
    rates: Path | None = None


def _setup_session(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP MACRO quote_raw(x) AS "
        "'''' || CASE WHEN length(x) > 60 THEN left(x, 57) || '...' ELSE x END || ''''"
    )


def _alias_table(con: duckdb.DuckDBPyConnection, extra: dict[str, str], label: str) -> None:
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {ALIASES_TABLE} AS SELECT alias, iso3 FROM ref_country_aliases"
    )
    if not extra:
        return
    known = {row[0] for row in con.execute("SELECT iso3 FROM ref_countries").fetchall()}
    rows = []
    for alias, code in extra.items():
        target = resolve(code) or code.upper()
        if target not in known:
            raise MappingError(f"{label}: country alias {alias!r} points to unknown code {code!r}")
        rows.append((alias_key(alias), target))
    con.executemany(f"DELETE FROM {ALIASES_TABLE} WHERE alias = ?", [(alias,) for alias, _ in rows])
    con.executemany(f"INSERT INTO {ALIASES_TABLE} VALUES (?, ?)", rows)


def _currency_table(con: duckdb.DuckDBPyConnection) -> None:
    table = pa.table(
        {
            "alias": list(currencies.aliases().keys()),
            "code": list(currencies.aliases().values()),
        }
    )
    con.register("_dt_currency_source", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {CURRENCY_TABLE} AS SELECT * FROM _dt_currency_source")
    con.unregister("_dt_currency_source")


def load_rates(con: duckdb.DuckDBPyConnection, path: Path | None) -> bool:
    """Exchange rates (currency, period, usd_per_unit) for value_usd; False when none given."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {RATES_TABLE} "
        "(currency VARCHAR, period DATE, freq VARCHAR, usd_per_unit DOUBLE)"
    )
    if path is None:
        return False
    if not path.exists():
        raise InputError(f"rates file not found: {path}")
    header = [
        row[0]
        for row in con.execute(
            f"DESCRIBE SELECT * FROM read_csv({lit(str(path))}, all_varchar = true)"
        ).fetchall()
    ]
    rate_column = next((c for c in ("usd_per_unit", "rate", "usd_rate") if c in header), None)
    if not {"currency", "period"} <= set(header) or rate_column is None:
        raise InputError(
            f"{path.name}: a rates file needs columns currency, period, usd_per_unit "
            f"(found: {', '.join(header)})"
        )
    parsed = period("trim(period)", "period").inlined()
    con.execute(
        f"INSERT INTO {RATES_TABLE} SELECT upper(trim(currency)), {parsed.value}, "
        f"{parsed.extra['freq']}, TRY_CAST({rate_column} AS DOUBLE) "
        f"FROM read_csv({lit(str(path))}, all_varchar = true)"
    )
    bad = fetch_one(con, f"SELECT count(*) FROM {RATES_TABLE} WHERE period IS NULL OR usd_per_unit IS NULL")
    if bad and bad[0]:
        raise InputError(f"{path.name}: {bad[0]} rate rows have an unreadable period or rate")
    return True


def _choose_mapping(
    con: duckdb.DuckDBPyConnection, request: LoadRequest, source: readers.Source, label: str
) -> tuple[Mapping, str, Inference | None]:
    header = source.header
    if request.mapping is not None:
        mapping = request.mapping
        if mapping.table.name != request.table:
            raise MappingError(
                f"{mapping.name} maps to {mapping.table.name}, but this command loads {request.table}"
            )
        return mapping, f"mapping:{mapping.name}", None
    if request.layout:
        layout = layouts.by_name(request.layout)
    else:
        found = layouts.detect(header)
        if found is None:
            if request.table != "trade_flows":
                raise MappingError(_unknown_layout(label, header, "a column mapping"))
            inference = infer_trade_mapping(con, source)
            if not inference.usable:
                raise MappingError(
                    _unknown_layout(label, header, f"--layout ({', '.join(layouts.LAYOUTS)})")
                    + f"; a mapping could not be inferred: {'; '.join(inference.problems)}"
                    " (--suggest-mapping M.yaml writes the draft)"
                )
            return from_dict(inference.spec, f"inferred mapping for {label}"), "inferred", inference
        layout = found
    mapping = layout.mapping()
    if mapping.table.name != request.table:
        raise MappingError(f"layout {layout.name} loads {mapping.table.name}, not {request.table}")
    return mapping, layout.name, None


def _unknown_layout(label: str, header: list[str], hint: str) -> str:
    shown = ", ".join(header[:12]) + (" ..." if len(header) > 12 else "")
    return f"{label}: unknown layout (columns: {shown}); give --mapping M.yaml or {hint}"


def _decimal_mode(con: duckdb.DuckDBPyConnection, mapping: Mapping, source: readers.Source) -> str:
    if mapping.options.decimal != "auto":
        return mapping.options.decimal
    numeric = [
        c.name
        for c in mapping.table.columns
        if c.kind in (Kind.NUMBER, Kind.MONEY) and c.name in mapping.columns
    ]
    if not numeric:
        return "."
    votes = [
        f"count(*) FILTER (WHERE regexp_matches(trim({_quoted(mapping.columns[c])}), {lit(pattern)}))"
        for pattern in (DECIMAL_COMMA_PATTERN, DECIMAL_POINT_PATTERN)
        for c in numeric
    ]
    sql = f"SELECT {', '.join(votes)} FROM (SELECT * FROM {source.relation()} LIMIT 50000)"
    try:
        row = fetch_one(con, sql)
    except duckdb.Error as exc:
        if not readers.needs_serial_read(exc):
            raise
        source.parallel = False
        row = fetch_one(
            con, f"SELECT {', '.join(votes)} FROM (SELECT * FROM {source.relation()} LIMIT 50000)"
        )
    assert row is not None
    comma, point = sum(row[: len(numeric)]), sum(row[len(numeric) :])
    return "," if comma > point else "."


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _check_constants(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> None:
    """A constant that cannot parse would fail every row: refuse it up front."""
    for name in mapping.constants:
        column = mapping.table.column(name)
        raw = raw_expression(mapping, name)
        if raw is None or column.kind is Kind.TEXT:
            continue
        if column.kind is Kind.COUNTRY:
            sql = (
                f"SELECT CASE WHEN a.iso3 IS NULL THEN 'unknown country' END FROM (SELECT 1) AS one "
                f"LEFT JOIN {ALIASES_TABLE} AS a ON a.alias = {country_key(raw)}"
            )
        else:
            parsed = parse_column(column.kind, raw, name, mapping, ".", mapping.table.hs_min_digits).inlined()
            lookup = ident("j__" + name)
            sql = (
                f"SELECT {parsed.error or 'NULL'} FROM (SELECT cur.code AS {lookup} FROM (SELECT 1) AS one "
                f"LEFT JOIN {CURRENCY_TABLE} AS cur ON cur.alias = upper({raw}))"
            )
        row = fetch_one(con, sql)
        if row and row[0]:
            raise MappingError(
                f"{mapping.name}: constant {name} = {mapping.constants[name]!r} is not valid ({row[0]})"
            )


@contextmanager
def _preserve_order(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Rows must reach the storage table in file order (a row's position is its line).

    The source must also stay the probe side of every lookup join: for a small file the
    optimizer would otherwise build its hash table on the file and stream the lookup table.
    """
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET disabled_optimizers = 'join_order,build_side_probe_side'")
    # No reset on an error: the transaction is then aborted and refuses SET, which would hide
    # the error; the load's rollback resets them.
    yield
    _reset_order(con)


def _reset_order(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET preserve_insertion_order = false")
    con.execute("RESET disabled_optimizers")


def _reject_rows(con: duckdb.DuckDBPyConnection, rejects: tuple[str, str]) -> list[tuple[int, int, str, str]]:
    """Records the CSV reader could not split: (line, line span, raw, reason)."""
    try:
        rows = con.execute(
            f"SELECT line, any_value(line_byte_position), any_value(csv_line), "
            f"string_agg(DISTINCT error_type || ': ' || split_part(error_message, chr(10), 1), '; ') "
            f"FROM {rejects[0]} GROUP BY line ORDER BY line"
        ).fetchall()
    except duckdb.CatalogException:
        return []
    found = []
    for line, _byte_position, csv_line, reason in rows:
        text = (csv_line or "").strip("\r\n")
        found.append((int(line), 1 + text.count("\n"), text, f"malformed CSV: {reason.lower()}"))
    return found


def _encoding_rejects(
    path: Path,
    rows: list[tuple[int, int, str, str]],
    con: duckdb.DuckDBPyConnection,
    rejects: tuple[str, str],
) -> list[tuple[int, int, str, str]]:
    """Give invalid-UTF-8 rejects their real text, decoded with the encoding they look like."""
    positions = dict(
        con.execute(
            f"SELECT line, any_value(line_byte_position) FROM {rejects[0]} "
            "WHERE error_type = 'INVALID ENCODING' GROUP BY line"
        ).fetchall()
    )
    if not positions:
        return rows
    fixed = []
    with enc.open_binary(path) as handle:
        for line, span, text, reason in rows:
            if line in positions and positions[line] is not None:
                handle.seek(int(positions[line]))
                raw = handle.readline().rstrip(b"\r\n")
                guessed, decoded = enc.describe_bytes(raw)
                fixed.append((line, span, decoded, f"not valid UTF-8 (the bytes look like {guessed})"))
            else:
                fixed.append((line, span, text, reason))
    return fixed


def _stored_lines(
    con: duckdb.DuckDBPyConnection,
    storage: str,
    source: readers.Source,
    n_records: int,
    specials: list[tuple[int, int]],
    fp: Fingerprint,
    base: int,
) -> None:
    """Files whose records and lines do not line up get each record's line stored."""
    read_path = source.read_path or source.path
    with enc.open_binary(read_path) as handle:
        blanks = blank_lines(iter(lambda: handle.read(1 << 24), b""))
    first = source.first_line
    taken = {line for start, span in specials for line in range(start, start + span)}
    specials = specials + [(b, 1) for b in blanks if b >= first and b not in taken and b <= fp.lines]
    extra_newlines = None
    accounted = n_records + sum(span for _, span in specials)
    if accounted != fp.lines - first + 1:
        extra_newlines = _newlines_per_record(con, source)
    lines = record_lines(n_records, first, specials, extra_newlines)
    row_ids = np.arange(base, base + n_records, dtype=np.int64)
    con.register("_dt_lines", pa.table({"k": row_ids, "line": lines}))
    con.execute(f'ALTER TABLE "{storage}" ADD COLUMN {facts.STORED_LINE_COLUMN} BIGINT')
    con.execute(
        f'UPDATE "{storage}" SET {facts.STORED_LINE_COLUMN} = l.line FROM _dt_lines AS l '
        f'WHERE "{storage}".rowid = l.k'
    )
    con.unregister("_dt_lines")


def _newlines_per_record(con: duckdb.DuckDBPyConnection, source: readers.Source) -> np.ndarray[Any, Any]:
    counts = " + ".join(
        f"coalesce(length({_quoted(c)}) - length(replace({_quoted(c)}, chr(10), '')), 0)"
        for c in source.header
    )
    with _preserve_order(con):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _dt_newlines AS SELECT ({counts})::BIGINT AS n "
            f"FROM {source.relation()}"
        )
    values = con.execute("SELECT n FROM _dt_newlines ORDER BY rowid").fetchnumpy()["n"]
    con.execute("DROP TABLE _dt_newlines")
    return np.asarray(values, dtype=np.int64)


def _open_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    read_path: Path,
    mapping_options: Options,
) -> readers.Source:
    if fmt == "csv":
        header, dialect = readers.sniff_csv(
            read_path,
            path.name,
            delimiter=mapping_options.delimiter,
            quote=mapping_options.quote,
            skip_rows=mapping_options.skip_rows,
        )
        return readers.Source(
            path, fmt, header, first_line=int(dialect["skip"]) + 2, read_path=read_path, csv=dialect
        )
    if fmt == "parquet":
        return readers.Source(path, fmt, readers.parquet_header(con, path), first_line=1)
    header, table = readers.read_sheet(path, mapping_options.sheet, mapping_options.skip_rows)
    con.register("_dualtrace_sheet", table)
    return readers.Source(
        path, fmt, header, first_line=mapping_options.skip_rows + 2, arrow=table, line_column="__line"
    )


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    request: LoadRequest,
    progress: Progress | None = None,
) -> LoadReport:
    progress = progress or _Silent()
    started = time.perf_counter()
    label = path.name
    if not path.exists():
        raise InputError(f"file not found: {path}")
    if not path.is_file():
        raise InputError(f"{path} is not a file")
    if path.stat().st_size == 0:
        raise InputError(f"{label}: the file is empty")
    fmt = readers.file_format(path)
    readers.refuse_gzip_bomb(path)
    table = FACT_TABLES[request.table]

    # The sha256 decides whether a file was loaded before. Hashing gigabytes takes seconds, so it
    # runs beside the load, which is rolled back if the hash turns out known; a file that looks
    # like one already loaded (same name, size and time) is hashed first instead.
    stat = path.stat()
    lookalike = fetch_one(
        con,
        "SELECT count(*) FROM sources WHERE filename = ? AND size_bytes = ? AND modified_at = ?",
        [path.name, stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime)],
    )
    if lookalike and lookalike[0]:
        progress.phase(f"{label}: fingerprint")
        known_fp = fingerprint(path)
        known = _known_source(con, known_fp)
        if known is not None:
            return LoadReport(str(path), table.name, "already-loaded", source_id=known)
    hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dualtrace-sha256")
    fp_future = hashing.submit(fingerprint, path)
    hashing.shutdown(wait=False)

    ensure_installed(con)
    _setup_session(con)
    options = request.mapping.options if request.mapping else None
    encoding = _encoding_for(path, fmt, request.encoding or (options.encoding if options else "auto"))

    try:
        report, inference = _read_and_load(con, request, path, fmt, label, encoding, fp_future, progress)
    except duckdb.InvalidInputException as exc:  # DuckDB's reader gave up on the file itself
        raise InputError(f"{label}: cannot be read as {fmt}: {_first_line(exc)}") from None
    if inference is not None:
        report.inferred_mapping = inference.yaml()
    report.duration_s = time.perf_counter() - started
    if report.status == "loaded":
        con.execute(
            "UPDATE sources SET duration_s = ? WHERE source_id = ?", [report.duration_s, report.source_id]
        )
    return report


def _first_line(exc: Exception) -> str:
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def _read_and_load(
    con: duckdb.DuckDBPyConnection,
    request: LoadRequest,
    path: Path,
    fmt: str,
    label: str,
    encoding: str,
    fp_future: Future[Fingerprint],
    progress: Progress,
) -> tuple[LoadReport, Inference | None]:
    """Open the file, choose its mapping and load it in one transaction."""
    options = request.mapping.options if request.mapping else None
    with ExitStack() as stack:
        read_path: Path = path
        bad_lines: list[tuple[int, bytes]] = []
        if fmt == "csv":
            progress.phase(f"{label}: {encoding}")
            read_path, bad_lines = stack.enter_context(enc.as_utf8(path, encoding))
        # A detected layout is only known after reading the header: read with default options.
        source = _open_source(con, path, fmt, read_path, options or Options())
        mapping, layout_name, inference = _choose_mapping(con, request, source, label)
        mapping.check_against(source.header, label)
        _alias_table(con, mapping.options.country_aliases, mapping.name)
        _currency_table(con)
        has_rates = load_rates(con, request.rates)
        _check_constants(con, mapping)
        decimal = _decimal_mode(con, mapping, source)

        progress.phase(f"{label}: loading")
        report = _load_in_transaction(
            con,
            source,
            mapping,
            fp_future,
            bad_lines,
            decimal,
            has_rates,
            progress,
            layout_name=layout_name,
            encoding=encoding,
            fmt=fmt,
            inferred=inference.spec if inference else None,
        )
    return report, inference


def _encoding_for(path: Path, fmt: str, wanted: str) -> str:
    if fmt != "csv":
        return "n/a"
    return enc.detect(path) if enc.normalise_name(wanted) == "auto" else enc.normalise_name(wanted)


def suggest_trade_mapping(
    con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None = None
) -> Inference:
    """The mapping dualtrace would infer for a trade file, without loading it."""
    if not path.is_file():
        raise InputError(f"file not found: {path}")
    fmt = readers.file_format(path)
    readers.refuse_gzip_bomb(path)
    chosen = _encoding_for(path, fmt, encoding or "auto")
    ensure_installed(con)
    _setup_session(con)
    with ExitStack() as stack:
        read_path = path
        if fmt == "csv":
            read_path, _ = stack.enter_context(enc.as_utf8(path, chosen))
        return infer_trade_mapping(con, _open_source(con, path, fmt, read_path, Options()))


def _known_source(con: duckdb.DuckDBPyConnection, fp: Fingerprint) -> int | None:
    row = fetch_one(con, "SELECT source_id FROM sources WHERE sha256 = ?", [fp.sha256])
    return int(row[0]) if row else None


def _load_in_transaction(
    con: duckdb.DuckDBPyConnection,
    source: readers.Source,
    mapping: Mapping,
    fp_future: Future[Fingerprint],
    bad_lines: list[tuple[int, bytes]],
    decimal: str,
    has_rates: bool,
    progress: Progress,
    *,
    layout_name: str,
    encoding: str,
    fmt: str,
    inferred: dict[str, Any] | None = None,
) -> LoadReport:
    fact = mapping.table.name
    row = fetch_one(con, "SELECT nextval('source_id_seq')")
    assert row is not None
    source_id = int(row[0])
    storage = facts.storage_table(fact, source_id)
    rejects = (f"_dt_rejects_{source_id}", f"_dt_reject_scans_{source_id}")
    con.execute("BEGIN TRANSACTION")
    try:
        shape = SourceShape(
            relation=source.relation(rejects=rejects if fmt == "csv" else None),
            header=source.data_columns,
            overflow=list(readers.OVERFLOW_COLUMNS)
            if fmt == "csv"
            else ([readers.OVERFLOW_COLUMNS[0]] if fmt == "xlsx" else []),
            short_rows_detectable=fmt == "csv",
            delimiter=source.csv.get("delimiter", ","),
            line_column=source.line_column,
        )
        select = build_select(mapping, shape, decimal=decimal, has_rates=has_rates)
        with _preserve_order(con), progress.running(con):
            try:
                con.execute(f'CREATE TABLE "{storage}" AS {select}')
            except duckdb.Error as exc:
                if not readers.needs_serial_read(exc):
                    raise
                con.execute("ROLLBACK")
                for name in rejects:
                    con.execute(f"DROP TABLE IF EXISTS {name}")
                source.parallel = False
                shape.relation = source.relation(rejects=rejects)
                select = build_select(mapping, shape, decimal=decimal, has_rates=has_rates)
                con.execute("BEGIN TRANSACTION")
                con.execute(f'CREATE TABLE "{storage}" AS {select}')

        rejected = _reject_rows(con, rejects) if fmt == "csv" else []
        if rejected:
            rejected = _encoding_rejects(source.read_path or source.path, rejected, con, rejects)
        counts = fetch_one(con, f'SELECT count(*), count({facts.ERROR_COLUMN}) FROM "{storage}"')
        assert counts is not None
        n_records, n_errors = int(counts[0]), int(counts[1])

        fp = fp_future.result()
        if fmt == "csv" and not enc.ascii_compatible(encoding):
            # The raw bytes' 0x0A count means nothing in UTF-16/32: count the UTF-8 copy's lines.
            fp = dataclasses.replace(fp, lines=line_count(source.read_path or source.path))
        known = _known_source(con, fp)
        if known is not None:
            con.execute("ROLLBACK")
            return LoadReport(str(source.path), fact, "already-loaded", source_id=known)
        line_stored = source.line_column is not None
        offset = source.first_line
        # Inside the transaction the new rows carry provisional row ids counted from a base;
        # after commit they are 0..n-1 in the same order.
        base_row = fetch_one(con, f'SELECT coalesce(min(rowid), 0) FROM "{storage}"')
        base = int(base_row[0]) if base_row else 0
        if fmt == "csv":
            specials = [(line, span) for line, span, _, _ in rejected] + [(line, 1) for line, _ in bad_lines]
            clean = not specials and n_records == fp.lines - source.first_line + 1
            if not clean:
                progress.phase(f"{source.path.name}: locating lines")
                _stored_lines(con, storage, source, n_records, specials, fp, base)
                line_stored = True
        line_expr = facts.STORED_LINE_COLUMN if line_stored else f"rowid - {base} + {offset}"

        con.execute(
            f"INSERT INTO quarantine SELECT ?, {line_expr}, {facts.RAW_COLUMN}, {facts.ERROR_COLUMN} "
            f'FROM "{storage}" WHERE {facts.ERROR_COLUMN} IS NOT NULL',
            [source_id],
        )
        quarantined_rows = [(source_id, line, text, reason) for line, _, text, reason in rejected]
        for line, raw in bad_lines:
            if not enc.ascii_compatible(encoding):
                # Wide encodings hand back the line as UTF-8 with the bad units replaced.
                quarantined_rows.append((source_id, line, raw.decode("utf-8"), f"not valid {encoding}"))
                continue
            guessed, text = enc.describe_bytes(raw)
            quarantined_rows.append(
                (source_id, line, text, f"not valid {encoding} (the bytes look like {guessed})")
            )
        if quarantined_rows:
            con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?)", quarantined_rows)

        rows_read = n_records + len(rejected) + len(bad_lines)
        rows_quarantined = n_errors + len(rejected) + len(bad_lines)
        rows_loaded = n_records - n_errors
        con.execute(
            "INSERT INTO sources (source_id, path, filename, sha256, size_bytes, modified_at, layout,"
            " target_table, encoding, rows_read, rows_loaded, rows_quarantined, options,"
            " storage_table, line_offset, line_stored)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                source_id,
                str(source.path.resolve()),
                source.path.name,
                fp.sha256,
                fp.size_bytes,
                dt.datetime.fromtimestamp(source.path.stat().st_mtime),
                layout_name,
                fact,
                encoding,
                rows_read,
                rows_loaded,
                rows_quarantined,
                json.dumps(
                    {"decimal": decimal, "delimiter": shape.delimiter, "mapping": mapping.name}
                    | ({"inferred_mapping": inferred} if inferred else {})
                ),
                storage,
                offset,
                line_stored,
            ],
        )
        facts.refresh_view(con, fact)
        if fact == "trade_flows":
            coverage.store(con, source_id)  # what the file covers, read by every analytic
        reasons = con.execute(
            "SELECT regexp_replace(reason, ' ''.*', '') AS kind, count(*), min(line),"
            " arg_min(reason, line) FROM quarantine "
            "WHERE source_id = ? GROUP BY kind ORDER BY count(*) DESC, kind LIMIT 8",
            [source_id],
        ).fetchall()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        _reset_order(con)
        raise
    finally:
        for name in rejects:
            con.execute(f"DROP TABLE IF EXISTS {name}")
    return LoadReport(
        path=str(source.path),
        table=fact,
        status="loaded",
        source_id=source_id,
        layout=layout_name,
        encoding=encoding,
        rows_read=rows_read,
        rows_loaded=rows_loaded,
        rows_quarantined=rows_quarantined,
        reasons=[QuarantineSummary(str(k), int(n), int(line), str(first)) for k, n, line, first in reasons],
    )


def load_files(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    request: LoadRequest,
    progress: Progress | None = None,
    on_report: Callable[[LoadReport], None] | None = None,
) -> list[LoadReport]:
    """Load several files; each file is its own transaction (a bad file stops the run, and the
    files before it stay loaded)."""
    reports = []
    for path in paths:
        report = load_file(con, path, request, progress)
        reports.append(report)
        if on_report:
            on_report(report)
    return reports
