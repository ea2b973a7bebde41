"""The audit log: append-only, each row chained to the previous one by a SHA-256 hash."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import duckdb

from dualtrace.warehouse.db import fetch_one, records

GENESIS = "0" * 64


def _canonical(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def _hash(prev: str, seq: int, at: str, actor: str, action: str, target: Any, before: Any, after: Any) -> str:
    body = json.dumps([prev, seq, at, actor, action, target, before, after], ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(
    con: duckdb.DuckDBPyConnection,
    actor: str,
    action: str,
    target: str | None,
    before: Any,
    after: Any,
) -> int:
    """Add one entry after the last; the caller's transaction makes it part of the change."""
    last = fetch_one(con, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = datetime.now().isoformat(timespec="microseconds")
    b, a = _canonical(before), _canonical(after)
    digest = _hash(prev, seq, at, actor, action, target, b, a)
    con.execute(
        "INSERT INTO audit_log (seq, logged_at, actor, action, target, before, after, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [seq, at, actor, action, target, b, a, prev, digest],
    )
    return int(seq)


def entries(
    con: duckdb.DuckDBPyConnection, *, limit: int = 100, offset: int = 0, action: str | None = None
) -> list[dict[str, Any]]:
    where, params = ("WHERE action LIKE ?", [action + "%"]) if action else ("", [])
    return records(
        con,
        f"SELECT seq, logged_at, actor, action, target, before, after, hash FROM audit_log {where}"
        " ORDER BY seq DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )


def verify(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Recompute the chain: the first entry whose hash or link does not hold, if any."""
    prev, count = GENESIS, 0
    rows = con.execute(
        "SELECT seq, strftime(logged_at, '%Y-%m-%dT%H:%M:%S.%f'), actor, action, target,"
        " CAST(before AS VARCHAR), CAST(after AS VARCHAR), prev_hash, hash FROM audit_log ORDER BY seq"
    ).fetchall()
    for expected_seq, (seq, at, actor, action, target, before, after, prev_hash, digest) in enumerate(
        rows, start=1
    ):
        ok = (
            seq == expected_seq
            and prev_hash == prev
            and digest == _hash(prev, seq, at, actor, action, target, before, after)
        )
        if not ok:
            return {"ok": False, "entries": len(rows), "broken_at": seq}
        prev, count = digest, count + 1
    return {"ok": True, "entries": count, "broken_at": None}
