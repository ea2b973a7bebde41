"""Load one file into a fact table: all or nothing, nothing lost, nothing loaded twice.

For each file: fingerprint it (sha256; a file already loaded is skipped), pick its mapping
(given, named or detected layout), read it as text columns, parse and validate every row in one
DuckDB statement that writes the file's storage table in file order, copy failed rows to
`quarantine` with their line and reason, record the file in `sources`, and refresh the fact
view. All of it happens in one transaction (transaction.py): an error or a crash leaves the
warehouse unchanged.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from dualtrace.errors import InputError, MappingError
from dualtrace.ingest import layouts, readers
from dualtrace.ingest.expressions import country_key, ident, lit, period
from dualtrace.ingest.fingerprint import Fingerprint, fingerprint
from dualtrace.ingest.infer import Inference, infer_trade_mapping
from dualtrace.ingest.mapping import Mapping, Options, from_dict
from dualtrace.ingest.outcome import LoadReport, Progress, Silent
from dualtrace.ingest.sqlbuild import (
    ALIASES_TABLE,
    CURRENCY_TABLE,
    RATES_TABLE,
    parse_column,
    raw_expression,
)
from dualtrace.ingest.transaction import known_source, load_in_transaction
from dualtrace.normalize import encodings as enc
from dualtrace.reference import currencies
from dualtrace.reference.countries import alias_key, resolve
from dualtrace.reference.install import ensure_installed
from dualtrace.warehouse.db import fetch_one
from dualtrace.warehouse.schema import FACT_TABLES, Kind

# Unambiguous signs of each decimal mark; "1.234" or "1,234" alone could be either.
DECIMAL_COMMA_PATTERN = r"[0-9],([0-9]{1,2}|[0-9]{4,})$|\.[0-9]{3},[0-9]+$"
DECIMAL_POINT_PATTERN = r"[0-9]\.([0-9]{1,2}|[0-9]{4,})$|,[0-9]{3}\.[0-9]+$"


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
        f"count(*) FILTER (WHERE regexp_matches(trim({ident(mapping.columns[c])}), {lit(pattern)}))"
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
    progress = progress or Silent()
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
        known = known_source(con, known_fp)
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
        report = load_in_transaction(
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
