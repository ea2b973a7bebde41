"""Write one opened file into the warehouse in one transaction: its storage table in file order,
its failed rows in `quarantine`, its row in `sources` and the refreshed fact view - all or nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from dualtrace.ingest import readers
from dualtrace.ingest.expressions import ident
from dualtrace.ingest.fingerprint import Fingerprint, line_count
from dualtrace.ingest.lines import blank_lines, record_lines
from dualtrace.ingest.mapping import Mapping
from dualtrace.ingest.outcome import LoadReport, Progress, QuarantineSummary
from dualtrace.ingest.sqlbuild import SourceShape, build_select
from dualtrace.normalize import encodings as enc
from dualtrace.warehouse import coverage, facts
from dualtrace.warehouse.db import fetch_one, register_frame

# (line, line span, raw text, reason) of a record the CSV reader could not split
Reject = tuple[int, int, str, str]


@dataclass(frozen=True)
class _Target:
    """Where one load writes: its source id, fact table, storage table and reject tables."""

    source_id: int
    fact: str
    storage: str
    rejects: tuple[str, str]


@dataclass(frozen=True)
class _Counts:
    read: int
    loaded: int
    quarantined: int

    @classmethod
    def of(cls, n_records: int, n_errors: int, *, held: int) -> _Counts:
        """Rows read = loaded + quarantined: records that failed a check, and `held` the reader refused."""
        return cls(read=n_records + held, loaded=n_records - n_errors, quarantined=n_errors + held)


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
    con.execute(f'ALTER TABLE "{storage}" ADD COLUMN {facts.STORED_LINE_COLUMN} BIGINT')
    with register_frame(con, "_dt_lines", pa.table({"k": row_ids, "line": lines})):
        con.execute(
            f'UPDATE "{storage}" SET {facts.STORED_LINE_COLUMN} = l.line FROM _dt_lines AS l '
            f'WHERE "{storage}".rowid = l.k'
        )


def _newlines_per_record(con: duckdb.DuckDBPyConnection, source: readers.Source) -> np.ndarray[Any, Any]:
    counts = " + ".join(
        f"coalesce(length({ident(c)}) - length(replace({ident(c)}, chr(10), '')), 0)" for c in source.header
    )
    with _preserve_order(con):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _dt_newlines AS SELECT ({counts})::BIGINT AS n "
            f"FROM {source.relation()}"
        )
    values = con.execute("SELECT n FROM _dt_newlines ORDER BY rowid").fetchnumpy()["n"]
    con.execute("DROP TABLE _dt_newlines")
    return np.asarray(values, dtype=np.int64)


def known_source(con: duckdb.DuckDBPyConnection, fp: Fingerprint) -> int | None:
    row = fetch_one(con, "SELECT source_id FROM sources WHERE sha256 = ?", [fp.sha256])
    return int(row[0]) if row else None


def load_in_transaction(
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
    target = _new_target(con, mapping.table.name)
    con.execute("BEGIN TRANSACTION")
    try:
        shape = _source_shape(source, fmt, target.rejects)
        select_for = partial(build_select, mapping, decimal=decimal, has_rates=has_rates)
        _create_storage(con, target, source, shape, select_for, progress)
        rejected = _rejected(con, source, fmt, target.rejects)
        n_records, n_errors = _record_counts(con, target.storage)
        fp = _file_fingerprint(fp_future, source, fmt, encoding)
        known = known_source(con, fp)
        if known is not None:
            con.execute("ROLLBACK")
            return LoadReport(str(source.path), target.fact, "already-loaded", source_id=known)
        line_expr, line_stored = _line_expression(
            con, target, source, fmt, n_records, rejected, bad_lines, fp, progress
        )
        _quarantine(con, target, line_expr, rejected, bad_lines, encoding)
        counts = _Counts.of(n_records, n_errors, held=len(rejected) + len(bad_lines))
        options: dict[str, Any] = {"decimal": decimal, "delimiter": shape.delimiter, "mapping": mapping.name}
        options |= {"inferred_mapping": inferred} if inferred else {}
        _record_source(con, target, source, fp, counts, layout_name, encoding, options, line_stored)
        facts.refresh_view(con, target.fact)
        if target.fact == "trade_flows":
            coverage.store(con, target.source_id)  # what the file covers, read by every analytic
        reasons = _quarantine_reasons(con, target.source_id)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        _reset_order(con)
        raise
    finally:
        _drop_rejects(con, target.rejects)
    return LoadReport(
        path=str(source.path),
        table=target.fact,
        status="loaded",
        source_id=target.source_id,
        layout=layout_name,
        encoding=encoding,
        rows_read=counts.read,
        rows_loaded=counts.loaded,
        rows_quarantined=counts.quarantined,
        reasons=reasons,
    )


def _new_target(con: duckdb.DuckDBPyConnection, fact: str) -> _Target:
    row = fetch_one(con, "SELECT nextval('source_id_seq')")
    assert row is not None
    source_id = int(row[0])
    return _Target(
        source_id=source_id,
        fact=fact,
        storage=facts.storage_table(fact, source_id),
        rejects=(f"_dt_rejects_{source_id}", f"_dt_reject_scans_{source_id}"),
    )


def _drop_rejects(con: duckdb.DuckDBPyConnection, rejects: tuple[str, str]) -> None:
    for name in rejects:
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _source_shape(source: readers.Source, fmt: str, rejects: tuple[str, str]) -> SourceShape:
    return SourceShape(
        relation=source.relation(rejects=rejects if fmt == "csv" else None),
        header=source.data_columns,
        overflow=list(readers.OVERFLOW_COLUMNS)
        if fmt == "csv"
        else ([readers.OVERFLOW_COLUMNS[0]] if fmt == "xlsx" else []),
        short_rows_detectable=fmt == "csv",
        delimiter=source.csv.get("delimiter", ","),
        line_column=source.line_column,
    )


def _create_storage(
    con: duckdb.DuckDBPyConnection,
    target: _Target,
    source: readers.Source,
    shape: SourceShape,
    select_for: Callable[[SourceShape], str],
    progress: Progress,
) -> None:
    """Parse and validate every row into the storage table, in file order."""
    select = select_for(shape)
    with _preserve_order(con), progress.running(con):
        try:
            con.execute(f'CREATE TABLE "{target.storage}" AS {select}')
        except duckdb.Error as exc:
            if not readers.needs_serial_read(exc):
                raise
            # Start the transaction over with one reading thread (see readers.Source.parallel).
            con.execute("ROLLBACK")
            _drop_rejects(con, target.rejects)
            source.parallel = False
            shape.relation = source.relation(rejects=target.rejects)
            select = select_for(shape)
            con.execute("BEGIN TRANSACTION")
            con.execute(f'CREATE TABLE "{target.storage}" AS {select}')


def _rejected(
    con: duckdb.DuckDBPyConnection, source: readers.Source, fmt: str, rejects: tuple[str, str]
) -> list[Reject]:
    rejected = _reject_rows(con, rejects) if fmt == "csv" else []
    if rejected:
        rejected = _encoding_rejects(source.read_path or source.path, rejected, con, rejects)
    return rejected


def _record_counts(con: duckdb.DuckDBPyConnection, storage: str) -> tuple[int, int]:
    """Records in the storage table, and how many of them failed a check."""
    counts = fetch_one(con, f'SELECT count(*), count({facts.ERROR_COLUMN}) FROM "{storage}"')
    assert counts is not None
    return int(counts[0]), int(counts[1])


def _file_fingerprint(
    fp_future: Future[Fingerprint], source: readers.Source, fmt: str, encoding: str
) -> Fingerprint:
    fp = fp_future.result()
    if fmt == "csv" and not enc.ascii_compatible(encoding):
        # The raw bytes' 0x0A count means nothing in UTF-16/32: count the UTF-8 copy's lines.
        fp = dataclasses.replace(fp, lines=line_count(source.read_path or source.path))
    return fp


def _line_expression(
    con: duckdb.DuckDBPyConnection,
    target: _Target,
    source: readers.Source,
    fmt: str,
    n_records: int,
    rejected: list[Reject],
    bad_lines: list[tuple[int, bytes]],
    fp: Fingerprint,
    progress: Progress,
) -> tuple[str, bool]:
    """SQL for each stored record's line, and whether the lines are stored (else counted from rowid)."""
    line_stored = source.line_column is not None
    # Inside the transaction the new rows carry provisional row ids counted from a base;
    # after commit they are 0..n-1 in the same order.
    base_row = fetch_one(con, f'SELECT coalesce(min(rowid), 0) FROM "{target.storage}"')
    base = int(base_row[0]) if base_row else 0
    if fmt == "csv":
        specials = [(line, span) for line, span, _, _ in rejected] + [(line, 1) for line, _ in bad_lines]
        clean = not specials and n_records == fp.lines - source.first_line + 1
        if not clean:
            progress.phase(f"{source.path.name}: locating lines")
            _stored_lines(con, target.storage, source, n_records, specials, fp, base)
            line_stored = True
    line_expr = facts.STORED_LINE_COLUMN if line_stored else f"rowid - {base} + {source.first_line}"
    return line_expr, line_stored


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    target: _Target,
    line_expr: str,
    rejected: list[Reject],
    bad_lines: list[tuple[int, bytes]],
    encoding: str,
) -> None:
    """Copy every failed row to `quarantine` with its line and reason."""
    con.execute(
        f"INSERT INTO quarantine SELECT ?, {line_expr}, {facts.RAW_COLUMN}, {facts.ERROR_COLUMN} "
        f'FROM "{target.storage}" WHERE {facts.ERROR_COLUMN} IS NOT NULL',
        [target.source_id],
    )
    rows = [(target.source_id, line, text, reason) for line, _, text, reason in rejected]
    rows += [(target.source_id, line, *_undecodable(raw, encoding)) for line, raw in bad_lines]
    if rows:
        con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?)", rows)


def _undecodable(raw: bytes, encoding: str) -> tuple[str, str]:
    """The text and reason of a line that is not valid in the file's encoding."""
    if not enc.ascii_compatible(encoding):
        # Wide encodings hand back the line as UTF-8 with the bad units replaced.
        return raw.decode("utf-8"), f"not valid {encoding}"
    guessed, text = enc.describe_bytes(raw)
    return text, f"not valid {encoding} (the bytes look like {guessed})"


def _record_source(
    con: duckdb.DuckDBPyConnection,
    target: _Target,
    source: readers.Source,
    fp: Fingerprint,
    counts: _Counts,
    layout_name: str,
    encoding: str,
    options: dict[str, Any],
    line_stored: bool,
) -> None:
    con.execute(
        "INSERT INTO sources (source_id, path, filename, sha256, size_bytes, modified_at, layout,"
        " target_table, encoding, rows_read, rows_loaded, rows_quarantined, options,"
        " storage_table, line_offset, line_stored)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            target.source_id,
            str(source.path.resolve()),
            source.path.name,
            fp.sha256,
            fp.size_bytes,
            dt.datetime.fromtimestamp(source.path.stat().st_mtime),
            layout_name,
            target.fact,
            encoding,
            counts.read,
            counts.loaded,
            counts.quarantined,
            json.dumps(options),
            target.storage,
            source.first_line,
            line_stored,
        ],
    )


def _quarantine_reasons(con: duckdb.DuckDBPyConnection, source_id: int) -> list[QuarantineSummary]:
    """The most common reasons rows were held back, each with its first line."""
    rows = con.execute(
        "SELECT regexp_replace(reason, ' ''.*', '') AS kind, count(*), min(line),"
        " arg_min(reason, line) FROM quarantine "
        "WHERE source_id = ? GROUP BY kind ORDER BY count(*) DESC, kind LIMIT 8",
        [source_id],
    ).fetchall()
    return [QuarantineSummary(str(k), int(n), int(line), str(first)) for k, n, line, first in rows]
