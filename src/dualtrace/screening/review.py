"""Analysts' review decisions on screening hits: confirm or dismiss, with a note.

Every decision is appended to ``screen_reviews`` (who, when, why) and never updated or deleted;
the latest decision for a (party, list entity) pair is the one in force, and ``screen --parties``
applies it in every later run.
"""

from __future__ import annotations

from typing import Any

import duckdb

from dualtrace.config import reviewer_name
from dualtrace.errors import InputError
from dualtrace.warehouse.db import fetch_one, transaction

__all__ = ["DECISIONS", "history", "review"]

DECISIONS = ("confirmed", "dismissed")


def review(
    con: duckdb.DuckDBPyConnection,
    party: str,
    entity: str,
    decision: str,
    *,
    note: str | None = None,
    reviewer: str | None = None,
) -> dict[str, Any]:
    """Record a decision on the hit of ``party`` (its name or party_key) on ``entity``
    (``entity_id`` or ``list:entity_id``)."""
    decision = decision.strip().lower()
    if decision not in DECISIONS:
        raise InputError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    list_name, _, entity_id = entity.rpartition(":") if ":" in entity else ("", "", entity)
    rows = con.execute(
        "SELECT DISTINCT party_key, name, list, entity_id FROM party_links"
        " WHERE (party_key = ? OR upper(name) = upper(?)) AND entity_id = ? AND (? = '' OR list = ?)",
        [party, party, entity_id, list_name, list_name],
    ).fetchall()
    if not rows:
        raise InputError(
            f"no screening hit of {party!r} on {entity!r}; see `dualtrace screen --parties` for the hits"
        )
    if len(rows) > 1:
        keys = ", ".join(r[0] for r in rows)
        raise InputError(f"{party!r} names several parties ({keys}); give the party_key instead")
    key, name, lst, eid = rows[0]
    who = reviewer_name(reviewer)
    with transaction(con):
        review_id = int(fetch_one(con, "SELECT nextval('screen_review_seq')")[0])
        con.execute(
            "INSERT INTO screen_reviews"
            " (review_id, party_key, name, list, entity_id, decision, note, reviewer)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [review_id, key, name, lst, eid, decision, note, who],
        )
        con.execute(
            "UPDATE party_links SET decision = ? WHERE party_key = ? AND list = ? AND entity_id = ?",
            [decision, key, lst, eid],
        )
    return {"review_id": review_id, "party_key": key, "name": name, "list": lst, "entity_id": eid,
            "decision": decision, "note": note, "reviewer": who}  # fmt: skip


def history(con: duckdb.DuckDBPyConnection, party: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM screen_reviews"
    params: list[Any] = []
    if party:
        sql += " WHERE party_key = ? OR upper(name) = upper(?)"
        params = [party, party]
    cursor = con.execute(sql + " ORDER BY review_id", params)
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
