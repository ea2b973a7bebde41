"""Analysts' merge and split decisions applied to the current parties at once.

``decisions.py`` records a decision; here it is applied in the same transaction, so ``party show``
reflects it before the next ``network build`` (which applies every decision anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

import duckdb

from dualtrace.network.decisions import record_merge, record_split
from dualtrace.network.party_table import party_id, refresh_parties
from dualtrace.warehouse.db import transaction

__all__ = ["apply_decision", "merge_parties", "split_parties"]

_P = ParamSpec("_P")


def _relabel(con: duckdb.DuckDBPyConnection, refs: list[str], new_id: str) -> list[str]:
    old = [
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT party_id FROM party_records WHERE ref IN (SELECT unnest(?::VARCHAR[]))", [refs]
        ).fetchall()
    ]
    con.execute(
        "UPDATE party_records SET party_id = ? WHERE ref IN (SELECT unnest(?::VARCHAR[]))", [new_id, refs]
    )
    return old


def _anchor(con: duckdb.DuckDBPyConnection, refs: list[str]) -> str:
    row = con.execute(
        "SELECT ref FROM party_records WHERE ref IN (SELECT unnest(?::VARCHAR[]))"
        " ORDER BY origin <> 'entity', lines DESC, ref LIMIT 1",
        [refs],
    ).fetchall()
    return str(row[0][0]) if row else refs[0]


def apply_decision(con: duckdb.DuckDBPyConnection, decision: dict[str, Any]) -> None:
    """Apply a new decision to the current parties at once (party show reflects it); exposure
    and findings follow at the next ``network build``, which applies every decision anyway."""
    refs_a, refs_b = list(decision["refs_a"]), list(decision["refs_b"])
    detail = f"decision #{decision['decision_id']} by {decision['reviewer']}"
    with transaction(con):
        if decision["action"] == "merge":
            target = con.execute(
                "SELECT party_id FROM party_records WHERE ref = ? LIMIT 1", [refs_a[0]]
            ).fetchall()[0][0]
            touched = set(_relabel(con, refs_b, target)) | {target}
            a_rec = con.execute(
                "SELECT min(record_id) FROM party_records WHERE ref = ?", [refs_a[0]]
            ).fetchall()
            b_rec = con.execute(
                "SELECT min(record_id) FROM party_records WHERE ref = ?", [refs_b[0]]
            ).fetchall()
            con.execute(
                "INSERT INTO party_merges (party_id, a_record, b_record, rule, detail) VALUES (?,"
                " ?, ?, ?, ?)",
                [target, a_rec[0][0], b_rec[0][0], "analyst_merge", detail],
            )
        else:
            old = con.execute(
                "SELECT party_id FROM party_records WHERE ref = ? LIMIT 1", [refs_a[0]]
            ).fetchall()
            old_id = str(old[0][0])
            anchor_a, anchor_b = _anchor(con, refs_a), _anchor(con, refs_b)
            # the side that keeps the party's anchor keeps its id
            keep_b = party_id(anchor_b) == old_id or party_id(anchor_a) != old_id
            new_a = party_id(anchor_a) if keep_b else old_id
            new_b = old_id if keep_b else party_id(anchor_b)
            if new_a == new_b:
                new_a = party_id(f"split:{decision['decision_id']}:{anchor_a}")
            touched = set(_relabel(con, refs_a, new_a)) | set(_relabel(con, refs_b, new_b)) | {new_a, new_b}
            con.execute("DELETE FROM party_merges WHERE party_id = ?", [old_id])
        for party in touched:
            for role in ("shipper", "consignee"):
                con.execute(
                    f"""
                    UPDATE shipment_parties sp SET {role}_party = r.party_id
                    FROM shipments s, party_records r
                    WHERE sp.source_id = s.source_id AND sp.source_line = s.source_line
                      AND sp.{role}_party = ?
                      AND r.origin = 'shipment' AND r.name = s.{role}_name
                      AND coalesce(r.country, '') = coalesce(s.{role}_country, '')
                      AND coalesce(r.raw_id, '') = coalesce(nullif(trim(s.{role}_id), ''), '')
                    """,
                    [party],
                )
        refresh_parties(con, sorted(touched))


def _applied(
    record: Callable[Concatenate[duckdb.DuckDBPyConnection, _P], dict[str, Any]], doc: str
) -> Callable[Concatenate[duckdb.DuckDBPyConnection, _P], dict[str, Any]]:
    """A decision recorded and applied in one transaction: a kill between the two would leave a
    decision that the parties do not show until the next build."""

    def run(con: duckdb.DuckDBPyConnection, /, *args: _P.args, **kwargs: _P.kwargs) -> dict[str, Any]:
        with transaction(con):
            decision = record(con, *args, **kwargs)
            apply_decision(con, decision)
        return decision

    run.__doc__ = doc
    return run


merge_parties = _applied(record_merge, "Record that two parties are one and apply it.")
split_parties = _applied(
    record_split,
    "Record that some records of a party (by name as written, or by ref) are another party and apply it.",
)
