"""Everything known about one party, for ``dualtrace party show``."""

from __future__ import annotations

import json
from typing import Any

import duckdb

from dualtrace.network.decisions import find_party
from dualtrace.network.exposure import path_text

__all__ = ["party_show"]


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def party_show(con: duckdb.DuckDBPyConnection, text: str, *, limit: int = 10) -> dict[str, Any]:
    """A party by id, record ref, identifier or name, with its aliases, ids, lists and hits,
    owners and holdings, top partners, goods and exposure paths."""
    pid = find_party(con, text)
    party = _records(con, "SELECT * FROM parties WHERE party_id = ?", [pid])[0]
    out: dict[str, Any] = {"party": party}
    out["aliases"] = _records(
        con,
        "SELECT name, country, raw_id AS id, origin, sum(lines) AS lines FROM party_records WHERE"
        " party_id = ?"
        " GROUP BY ALL ORDER BY lines DESC, name LIMIT 50",
        [pid],
    )
    out["lists"] = _records(
        con,
        "SELECT e.list, e.entity_id, e.caption, e.schema, e.target, e.programs, e.listing_date"
        " FROM (SELECT DISTINCT list, entity_id FROM party_records WHERE party_id = ? AND origin"
        " = 'entity') r"
        " JOIN entities e USING (list, entity_id) ORDER BY e.list, e.entity_id",
        [pid],
    )
    out["screening_hits"] = _records(
        con,
        "SELECT l.name, l.list, l.entity_id, l.caption, round(l.score, 3) AS score, l.decision, l.explanation"
        " FROM party_links l WHERE l.party_key IN (SELECT party_key FROM party_records WHERE party_id = ?)"
        " ORDER BY l.score DESC LIMIT 20",
        [pid],
    )
    control = _records(con, "SELECT * FROM party_control WHERE party_id = ?", [pid])
    out["control"] = (
        {
            k: (json.loads(v) if k in ("owners", "chains", "ended_stakes") and v else v)
            for k, v in control[0].items()
        }
        if control
        else None
    )
    stakes = """
        WITH refs AS (SELECT DISTINCT ref, party_id FROM party_records)
        SELECT pp.party_id AS owner_id, coalesce(po.name, o.parent_name) AS owner, pc.party_id AS asset_id,
               coalesce(pa.name, o.child_name) AS asset, o.share, o.relation, o.start_date, o.end_date,
                   o.source,
               o.ownership_id
        FROM ownership o JOIN refs pp ON pp.ref = o.parent JOIN refs pc ON pc.ref = o.child
        LEFT JOIN parties po ON po.party_id = pp.party_id LEFT JOIN parties pa ON pa.party_id = pc.party_id
    """
    out["owners"] = _records(
        con, f"{stakes} WHERE pc.party_id = ? ORDER BY o.end_date NULLS FIRST, o.share DESC", [pid]
    )
    out["holdings"] = _records(
        con, f"{stakes} WHERE pp.party_id = ? ORDER BY o.end_date NULLS FIRST, o.share DESC", [pid]
    )
    out["partners"] = _records(
        con,
        """
        WITH e AS (
            SELECT 'ships to' AS direction, consignee_party AS partner, lines, value_usd, controlled_lines,
                   first_date, last_date FROM trade_edges WHERE shipper_party = ?
            UNION ALL
            SELECT 'buys from', shipper_party, lines, value_usd, controlled_lines, first_date, last_date
            FROM trade_edges WHERE consignee_party = ?
        )
        SELECT e.direction, p.name AS partner, p.country, p.listed, sum(e.lines) AS lines,
               round(sum(e.value_usd), 2) AS value_usd, sum(e.controlled_lines) AS controlled_lines,
               min(e.first_date) AS first_date, max(e.last_date) AS last_date, e.partner AS partner_id
        FROM e JOIN parties p ON p.party_id = e.partner
        GROUP BY ALL ORDER BY lines DESC, value_usd DESC LIMIT ?
        """,
        [pid, pid, limit],
    )
    out["goods"] = _records(
        con,
        """
        SELECT s.hs6, CASE WHEN sp.shipper_party = ? THEN 'out' ELSE 'in' END AS direction, count(*) AS lines,
               round(sum(s.value_usd), 2) AS value_usd, any_value(s.description) AS example_description
        FROM shipment_parties sp JOIN shipments s USING (source_id, source_line)
        WHERE sp.shipper_party = ? OR sp.consignee_party = ?
        GROUP BY ALL ORDER BY lines DESC LIMIT ?
        """,
        [pid, pid, pid, limit],
    )
    exposure = _records(con, "SELECT * FROM party_exposure WHERE party_id = ?", [pid])
    if exposure:
        e = exposure[0]
        for key in ("ownership_path", "trade_path", "signal_detail"):
            e[key] = json.loads(e[key]) if e[key] else None
        e["ownership_path_text"] = path_text(e["ownership_path"]) if e["ownership_path"] else None
        e["trade_path_text"] = path_text(e["trade_path"]) if e["trade_path"] else None
        out["exposure"] = e
    else:
        out["exposure"] = None
    out["merges"] = _records(
        con,
        "SELECT m.rule, a.name AS a, b.name AS b, m.detail, round(m.score, 3) AS score, m.features"
        " FROM party_merges m JOIN party_records a ON a.record_id = m.a_record"
        " JOIN party_records b ON b.record_id = m.b_record WHERE m.party_id = ?"
        " ORDER BY CASE m.rule WHEN 'scored' THEN 1 ELSE 0 END, m.rule LIMIT 30",
        [pid],
    )
    out["merge_rules"] = dict(
        con.execute(
            "SELECT rule, count(*) FROM party_merges WHERE party_id = ? GROUP BY 1 ORDER BY 1", [pid]
        ).fetchall()
    )
    refs = [
        r[0]
        for r in con.execute("SELECT DISTINCT ref FROM party_records WHERE party_id = ?", [pid]).fetchall()
    ]
    out["decisions"] = _records(
        con,
        "SELECT decision_id, action, note, reviewer, decided_at FROM party_decisions"
        " WHERE list_has_any(refs_a, ?::VARCHAR[]) OR list_has_any(refs_b, ?::VARCHAR[]) ORDER BY"
        " decision_id",
        [refs, refs],
    )
    return out
