"""Write findings as a run, and read them back."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import duckdb

from dualtrace.findings.model import (
    SEVERITIES,
    Evidence,
    Finding,
    dumps,
    parts_from_json,
    rank_key,
    severity_rank,
)
from dualtrace.warehouse.db import transaction


def start_run(con: duckdb.DuckDBPyConnection, command: str, params: dict[str, Any] | None = None) -> str:
    run_id = datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    con.execute(
        "INSERT INTO runs (run_id, command, params) VALUES (?, ?, ?)",
        [run_id, command, dumps(params or {})],
    )
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    con.execute("UPDATE runs SET finished_at = current_timestamp WHERE run_id = ?", [run_id])


def write(con: duckdb.DuckDBPyConnection, run_id: str, findings: Iterable[Finding]) -> int:
    """Store findings under a run. Returns how many were written."""
    rows = []
    for finding in findings:
        finding.run_id = run_id
        finding.finding_id = f"{finding.kind}-{finding.key()}-{run_id[-8:]}"
        rows.append(
            (
                finding.finding_id,
                run_id,
                finding.kind,
                finding.severity,
                float(finding.score),
                finding.subject_type,
                finding.subject,
                finding.period_start,
                finding.period_end,
                finding.headline,
                dumps(finding.metrics),
                finding.evidence.to_json(),
                finding.explanation_json(),
            )
        )
    if rows:
        con.executemany(
            "INSERT INTO findings (finding_id, run_id, kind, severity, score, subject_type, subject,"
            " period_start, period_end, headline, metrics, evidence, explanation)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def record_run(
    con: duckdb.DuckDBPyConnection,
    command: str,
    findings: Sequence[Finding],
    params: dict[str, Any] | None = None,
) -> str:
    """Start a run, write its findings and close it, in one transaction."""
    with transaction(con):  # joins the caller's transaction when there is one (network build)
        run_id = start_run(con, command, params)
        write(con, run_id, findings)
        finish_run(con, run_id)
    return run_id


def latest(
    con: duckdb.DuckDBPyConnection,
    *,
    kinds: Sequence[str] | None = None,
    min_severity: str | None = None,
    limit: int | None = None,
) -> list[Finding]:
    """The findings of the latest run of each kind, most severe first."""
    if min_severity is not None and min_severity not in SEVERITIES:
        raise ValueError(f"unknown severity {min_severity!r}; use one of {', '.join(SEVERITIES)}")
    # A run that analysed a kind and found nothing of it (params.kinds) replaces the older
    # findings of that kind: they no longer hold.
    sql = """
        WITH ran AS (
            SELECT f.kind, f.run_id, r.started_at FROM findings f JOIN runs r USING (run_id)
            UNION ALL
            SELECT k.kind, r.run_id, r.started_at
            FROM runs r, UNNEST(CAST(json_extract(r.params, '$.kinds') AS VARCHAR[])) AS k(kind)
        ),
        last_run AS (
            SELECT kind, arg_max(run_id, started_at) AS run_id FROM ran GROUP BY kind
        )
        SELECT f.* FROM findings f JOIN last_run l USING (kind, run_id)
    """
    params: list[Any] = []
    if kinds:
        sql += " WHERE f.kind IN (" + ", ".join("?" for _ in kinds) + ")"
        params.extend(kinds)
    sql += " ORDER BY f.score DESC, f.kind, f.subject"
    records = con.execute(sql, params).fetchall()
    columns = [d[0] for d in con.description or []]
    found = [_from_row(dict(zip(columns, row, strict=True))) for row in records]
    if min_severity is not None:
        floor = severity_rank(min_severity)
        found = [f for f in found if severity_rank(f.severity) >= floor]
    found.sort(key=rank_key)
    return found[:limit] if limit else found


def _from_row(row: dict[str, Any]) -> Finding:
    def as_date(value: Any) -> date | None:
        return value if isinstance(value, date) or value is None else date.fromisoformat(str(value))

    return Finding(
        kind=row["kind"],
        subject_type=row["subject_type"],
        subject=row["subject"],
        headline=row["headline"],
        score=float(row["score"]),
        severity=row["severity"],
        period_start=as_date(row["period_start"]),
        period_end=as_date(row["period_end"]),
        metrics=json.loads(row["metrics"]) if row["metrics"] else {},
        evidence=Evidence.from_json(row["evidence"]),
        explanation=parts_from_json(row.get("explanation")),
        finding_id=row["finding_id"],
        run_id=row["run_id"],
    )


def by_id(con: duckdb.DuckDBPyConnection, finding_id: str) -> Finding | None:
    """One stored finding, whichever run wrote it."""
    cursor = con.execute("SELECT * FROM findings WHERE finding_id = ?", [finding_id])
    columns = [d[0] for d in cursor.description or []]
    rows = cursor.fetchall()
    return _from_row(dict(zip(columns, rows[0], strict=True))) if rows else None
