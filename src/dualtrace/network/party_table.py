"""What party resolution writes: party_records, party_merges, shipment_parties and parties."""

from __future__ import annotations

import hashlib
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from dualtrace.network.clustering import Clusters
from dualtrace.normalize.party_keys import STRONG_HIT
from dualtrace.warehouse.db import register_frame, transaction

__all__ = ["LISTED_SQL", "party_id", "refresh_parties", "write_parties"]

# A list entity is a listed party when it is a target under a sanctions programme or topic.
LISTED_SQL = (
    "(e.active AND e.target AND (len(coalesce(e.programs, [])) > 0"
    " OR list_has_any(coalesce(e.topics, []), ['sanction', 'export.control'])))"
)


def party_id(anchor: str) -> str:
    return "pty-" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:12]


def write_parties(
    con: duckdb.DuckDBPyConnection,
    records: pa.Table,
    roots: list[int],
    refs: list[str],
    clusters: Clusters,
) -> int:
    """Write the records with their parties, the merge evidence, shipment_parties and parties in
    one transaction; the number of parties is returned."""
    lines = records.column("lines").to_pylist()
    origins = records.column("origin").to_pylist()
    anchor: dict[int, tuple[int, int, str]] = {}
    for i, root in enumerate(roots):
        # entity refs first (stable across builds), then the busiest spelling
        rank = (0 if origins[i] == "entity" else 1, -int(lines[i] or 0), refs[i])
        if root not in anchor or rank < anchor[root]:
            anchor[root] = rank
    pid_of_root = {root: party_id(rank[2]) for root, rank in anchor.items()}
    party_ids = [pid_of_root[r] for r in roots]
    out = records.append_column("party_id", pa.array(party_ids, pa.string()))
    out = out.append_column("record_id", pa.array(np.arange(len(out), dtype=np.int64)))
    unions = clusters.unions
    merges = pa.table(
        {
            "party_id": pa.array([party_ids[u[0]] for u in unions], pa.string()),
            "a_record": pa.array([u[0] for u in unions], pa.int64()),
            "b_record": pa.array([u[1] for u in unions], pa.int64()),
            "rule": pa.array([u[2] for u in unions], pa.string()),
            "detail": pa.array([u[3] for u in unions], pa.string()),
            "score": pa.array([u[4] for u in unions], pa.float64()),
            "match_weight": pa.array([u[5] for u in unions], pa.float64()),
            "features": pa.array([u[6] for u in unions], pa.string()),
        }
    )
    with register_frame(con, "_nw_out", out), register_frame(con, "_nw_merges", merges), transaction(con):
        con.execute("DELETE FROM party_records")
        con.execute(
            """
            INSERT INTO party_records (record_id, ref, origin, party_key, name, norm, country, raw_id,
                ids,
                address, schema, list, entity_id, lines, roles, party_id)
            SELECT o.record_id, o.ref, o.origin, o.party_key, o.name, r.norm, o.country, o.raw_id, o.ids,
                   o.address, o.schema, o.list, o.entity_id, o.lines, o.roles, o.party_id
            FROM _nw_out o JOIN _nw_rec r USING (record_id)
            """
        )
        con.execute("DELETE FROM party_merges")
        con.execute("INSERT INTO party_merges SELECT * FROM _nw_merges")
        _shipment_parties(con)
        refresh_parties(con)
    return len(pid_of_root)


def _shipment_parties(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM shipment_parties")
    con.execute(
        """
        INSERT INTO shipment_parties
        WITH r AS (
            SELECT name, coalesce(country, '') AS country, coalesce(raw_id, '') AS pid, party_id
            FROM party_records WHERE origin = 'shipment'
        )
        SELECT s.source_id, s.source_line, ps.party_id, pc.party_id
        FROM shipments s
        LEFT JOIN r ps ON ps.name = s.shipper_name AND ps.country = coalesce(s.shipper_country, '')
             AND ps.pid = coalesce(nullif(trim(s.shipper_id), ''), '')
        LEFT JOIN r pc ON pc.name = s.consignee_name AND pc.country = coalesce(s.consignee_country, '')
             AND pc.pid = coalesce(nullif(trim(s.consignee_id), ''), '')
        """
    )


def refresh_parties(con: duckdb.DuckDBPyConnection, party_ids: list[str] | None = None) -> None:
    """(Re)build the ``parties`` rows of the given parties (all when None) from their records."""
    where = ""
    params: list[Any] = []
    if party_ids is not None:
        where = "WHERE r.party_id IN (SELECT unnest(?::VARCHAR[]))"
        params = [party_ids]
        con.execute("DELETE FROM parties WHERE party_id IN (SELECT unnest(?::VARCHAR[]))", [party_ids])
    else:
        con.execute("DELETE FROM parties")
    con.execute(
        f"""
        INSERT INTO parties
        WITH r AS (SELECT * FROM party_records r {where}),
        ent AS (
            SELECT r.party_id, e.list, e.entity_id, e.caption, e.schema, e.programs,
                   {LISTED_SQL} AS listed,
                   TRY_CAST(json_extract_string(e.properties, '$.incorporationDate[0]') AS DATE) AS founded
            FROM (SELECT DISTINCT party_id, list, entity_id FROM r WHERE origin = 'entity') r
            JOIN entities e USING (list, entity_id)
        ),
        hits AS (
            SELECT r.party_id, l.programs
            FROM r JOIN party_links l ON l.party_key = r.party_key
            WHERE l.decision = 'confirmed' OR (l.score >= {STRONG_HIT} AND coalesce(l.decision,
                '') <> 'dismissed')
        ),
        names AS (
            SELECT party_id, list(name ORDER BY w DESC, name)[1:50] AS aliases
            FROM (SELECT party_id, name, sum(lines) + count(*) AS w FROM r GROUP BY 1, 2) GROUP BY 1
        ),
        dates AS (
            SELECT p AS party_id, min(s.date) AS first_date, max(s.date) AS last_date
            FROM (SELECT source_id, source_line, shipper_party AS p FROM shipment_parties
                  UNION ALL SELECT source_id, source_line, consignee_party FROM shipment_parties) sp
            JOIN shipments s USING (source_id, source_line)
            WHERE p IN (SELECT party_id FROM r)
            GROUP BY 1
        ),
        agg AS (
            SELECT party_id,
                   arg_max(name, lines) AS busiest,
                   arg_max(country, lines) FILTER (country IS NOT NULL) AS country,
                   list_sort(list_distinct(flatten(list(ids)))) AS ids,
                   count(*) AS records,
                   count(DISTINCT party_key) AS party_keys,
                   sum(lines) AS lines,
                   list_sort(list_distinct(flatten(list(roles)))) AS roles,
                   arg_max(schema, schema IS NOT NULL) AS schema
            FROM r GROUP BY party_id
        ),
        e AS (
            SELECT party_id,
                   arg_max(caption, listed::INT * 2 + (schema <> 'LegalEntity')::INT) AS caption,
                   list_sort(list_distinct(list(list || ':' || entity_id))) AS list_entities,
                   bool_or(listed) AS listed,
                   list_sort(list_distinct(flatten(list(programs) FILTER (listed)))) AS programs,
                   min(founded) AS founded
            FROM ent GROUP BY party_id
        ),
        h AS (SELECT party_id, list_distinct(flatten(list(programs))) AS programs FROM hits GROUP BY 1)
        SELECT a.party_id, coalesce(e.caption, a.busiest), a.country, a.schema, a.ids, n.aliases, a.records,
               a.party_keys, a.lines, a.roles, d.first_date, d.last_date, coalesce(e.list_entities, []),
               coalesce(e.listed, false) OR h.party_id IS NOT NULL,
               list_sort(list_distinct(list_concat(coalesce(e.programs, []), coalesce(h.programs, [])))),
               e.founded
        FROM agg a JOIN names n USING (party_id) LEFT JOIN e USING (party_id) LEFT JOIN h USING (party_id)
        LEFT JOIN dates d USING (party_id)
        """,
        params,
    )
