"""Checked claims in the warehouse (table claim_checks, migration 0600): the latest check of
each structured claim, for the report."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import duckdb

from dualtrace.claims.model import Check
from dualtrace.warehouse.db import insert_rows, records, transaction


def claim_key(check: Check) -> str:
    return hashlib.sha256(json.dumps(check.claim.as_dict(), sort_keys=True, default=str).encode()).hexdigest()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def save(con: duckdb.DuckDBPyConnection, checks: Sequence[Check]) -> int:
    """Store the checks, replacing earlier checks of the same claims (all or nothing)."""
    rows = {
        claim_key(c): {
            "claim_key": claim_key(c),
            "text": c.claim.text,
            "verdict": c.verdict,
            "sentence": c.sentence,
            "computed": c.computed,
            "stated": c.stated,
            "tolerance": c.tolerance,
            "missing": c.missing,
            "claim": _json(c.claim.as_dict()),
            "sql": _json(c.sql),
            "evidence": _json(c.evidence),
            "figures": _json(c.values),
        }
        for c in checks
    }
    with transaction(con):
        if rows:
            keys = list(rows)
            con.execute(f"DELETE FROM claim_checks WHERE claim_key IN ({', '.join('?' for _ in keys)})", keys)
        return insert_rows(con, "claim_checks", list(rows.values()))


def stored(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The stored checks, oldest first; none when the warehouse predates the table."""
    sql = "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'claim_checks'"
    exists = records(con, sql)
    if not exists[0]["n"]:
        return []
    found = records(con, "SELECT * FROM claim_checks ORDER BY checked_at, text")
    for row in found:
        for column in ("claim", "sql", "evidence", "figures"):
            row[column] = json.loads(row[column]) if row[column] else None
    return found
