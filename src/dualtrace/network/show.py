"""Everything known about one party, for ``dualtrace party show``."""

from __future__ import annotations

import json
from typing import Any

import duckdb

from dualtrace.network.decisions import find_party
from dualtrace.network.exposure import path_text
from dualtrace.warehouse.db import records

__all__ = ["party_show"]


# The sections of `party show` that are one query each ($pid: the party, $limit: rows shown).
_STAKES = """
    WITH refs AS (SELECT DISTINCT ref, party_id FROM party_records)
    SELECT pp.party_id AS owner_id, coalesce(po.name, o.parent_name) AS owner, pc.party_id AS asset_id,
           coalesce(pa.name, o.child_name) AS asset, o.share, o.relation, o.start_date, o.end_date,
           o.source, o.ownership_id
    FROM ownership o JOIN refs pp ON pp.ref = o.parent JOIN refs pc ON pc.ref = o.child
    LEFT JOIN parties po ON po.party_id = pp.party_id LEFT JOIN parties pa ON pa.party_id = pc.party_id
"""
_SECTIONS = {
    "aliases": "SELECT name, country, raw_id AS id, origin, sum(lines) AS lines FROM party_records"
    " WHERE party_id = $pid GROUP BY ALL ORDER BY lines DESC, name LIMIT 50",
    "lists": "SELECT e.list, e.entity_id, e.caption, e.schema, e.target, e.programs, e.listing_date"
    " FROM (SELECT DISTINCT list, entity_id FROM party_records WHERE party_id = $pid AND origin"
    " = 'entity') r JOIN entities e USING (list, entity_id) ORDER BY e.list, e.entity_id",
    "screening_hits": "SELECT l.name, l.list, l.entity_id, l.caption, round(l.score, 3) AS score,"
    " l.decision, l.explanation FROM party_links l"
    " WHERE l.party_key IN (SELECT party_key FROM party_records WHERE party_id = $pid)"
    " ORDER BY l.score DESC LIMIT 20",
    "owners": f"{_STAKES} WHERE pc.party_id = $pid ORDER BY o.end_date NULLS FIRST, o.share DESC",
    "holdings": f"{_STAKES} WHERE pp.party_id = $pid ORDER BY o.end_date NULLS FIRST, o.share DESC",
    "partners": """
        WITH e AS (
            SELECT 'ships to' AS direction, consignee_party AS partner, lines, value_usd, controlled_lines,
                   first_date, last_date FROM trade_edges WHERE shipper_party = $pid
            UNION ALL
            SELECT 'buys from', shipper_party, lines, value_usd, controlled_lines, first_date, last_date
            FROM trade_edges WHERE consignee_party = $pid
        )
        SELECT e.direction, p.name AS partner, p.country, p.listed, sum(e.lines) AS lines,
               round(sum(e.value_usd), 2) AS value_usd, sum(e.controlled_lines) AS controlled_lines,
               min(e.first_date) AS first_date, max(e.last_date) AS last_date, e.partner AS partner_id
        FROM e JOIN parties p ON p.party_id = e.partner
        GROUP BY ALL ORDER BY lines DESC, value_usd DESC LIMIT $limit
    """,
    "goods": """
        SELECT s.hs6, CASE WHEN sp.shipper_party = $pid THEN 'out' ELSE 'in' END AS direction,
               count(*) AS lines, round(sum(s.value_usd), 2) AS value_usd,
               any_value(s.description) AS example_description
        FROM shipment_parties sp JOIN shipments s USING (source_id, source_line)
        WHERE sp.shipper_party = $pid OR sp.consignee_party = $pid
        GROUP BY ALL ORDER BY lines DESC LIMIT $limit
    """,
    "merges": "SELECT m.rule, a.name AS a, b.name AS b, m.detail, round(m.score, 3) AS score, m.features"
    " FROM party_merges m JOIN party_records a ON a.record_id = m.a_record"
    " JOIN party_records b ON b.record_id = m.b_record WHERE m.party_id = $pid"
    " ORDER BY CASE m.rule WHEN 'scored' THEN 1 ELSE 0 END, m.rule LIMIT 30",
    "decisions": "SELECT decision_id, action, note, reviewer, decided_at FROM party_decisions"
    " WHERE list_has_any(refs_a, $refs::VARCHAR[]) OR list_has_any(refs_b, $refs::VARCHAR[])"
    " ORDER BY decision_id",
}


_ORDER = (
    "party",
    "aliases",
    "lists",
    "screening_hits",
    "control",
    "owners",
    "holdings",
    "partners",
    "goods",
    "exposure",
    "merges",
    "merge_rules",
    "decisions",
)


def _control(con: duckdb.DuckDBPyConnection, pid: str) -> dict[str, Any] | None:
    control = records(con, "SELECT * FROM party_control WHERE party_id = ?", [pid])
    if not control:
        return None
    return {
        k: (json.loads(v) if k in ("owners", "chains", "ended_stakes") and v else v)
        for k, v in control[0].items()
    }


def _exposure(con: duckdb.DuckDBPyConnection, pid: str) -> dict[str, Any] | None:
    exposure = records(con, "SELECT * FROM party_exposure WHERE party_id = ?", [pid])
    if not exposure:
        return None
    e = exposure[0]
    for key in ("ownership_path", "trade_path", "signal_detail"):
        e[key] = json.loads(e[key]) if e[key] else None
    e["ownership_path_text"] = path_text(e["ownership_path"]) if e["ownership_path"] else None
    e["trade_path_text"] = path_text(e["trade_path"]) if e["trade_path"] else None
    return e


def party_show(con: duckdb.DuckDBPyConnection, text: str, *, limit: int = 10) -> dict[str, Any]:
    """A party by id, record ref, identifier or name, with its aliases, ids, lists and hits,
    owners and holdings, top partners, goods and exposure paths."""
    pid = find_party(con, text)
    refs = [
        r[0]
        for r in con.execute("SELECT DISTINCT ref FROM party_records WHERE party_id = ?", [pid]).fetchall()
    ]
    params = {"pid": pid, "limit": limit, "refs": refs}
    found: dict[str, Any] = {name: records(con, sql, params) for name, sql in _SECTIONS.items()}
    found["party"] = records(con, "SELECT * FROM parties WHERE party_id = ?", [pid])[0]
    found["control"] = _control(con, pid)
    found["exposure"] = _exposure(con, pid)
    found["merge_rules"] = dict(
        con.execute(
            "SELECT rule, count(*) FROM party_merges WHERE party_id = ? GROUP BY 1 ORDER BY 1", [pid]
        ).fetchall()
    )
    return {name: found[name] for name in _ORDER}
