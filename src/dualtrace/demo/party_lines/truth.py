"""Storing generated lines as a shipments source, and scoring a party grouping against the truth."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from dualtrace.warehouse import facts
from dualtrace.warehouse.db import fetch_one, register_frame, transaction


def install(con: duckdb.DuckDBPyConnection, table: pa.Table, name: str = "synthetic") -> int:
    """Store generated lines as one source of the ``shipments`` fact (truth columns kept in the
    storage table, outside the view). Returns the source_id."""
    with transaction(con):
        source_id = int(fetch_one(con, "SELECT nextval('source_id_seq')")[0])
        storage = facts.storage_table("shipments", source_id)
        stored = facts.stored_columns(con, "shipments")
        with register_frame(con, "_syn", table):
            have = set(table.column_names)

            def column(name: str, dtype: str) -> str:
                if name == "hs6":
                    return f'left(hs_code, 6)::{dtype} AS "hs6"'
                return (f'"{name}"::{dtype}' if name in have else f"NULL::{dtype}") + f' AS "{name}"'

            select = ", ".join(column(c, t) for c, t in stored)
            truth = ", ".join(
                f"{c}" if c in have else f"NULL::BIGINT AS {c}"
                for c in ("_truth_shipper", "_truth_consignee")
            )
            con.execute(
                f'CREATE TABLE "{storage}" AS SELECT {select}, NULL::VARCHAR AS {facts.ERROR_COLUMN},'
                f" {truth} FROM _syn"
            )
        con.execute(
            "INSERT INTO sources (source_id, path, filename, sha256, layout, target_table,"
            " rows_read, rows_loaded,"
            " rows_quarantined, storage_table, line_offset, line_stored)"
            " VALUES (?, ?, ?, ?, 'synthetic', 'shipments', ?, ?, 0, ?, 2, false)",
            [
                source_id,
                f"<{name}>",
                name,
                f"synthetic-{source_id}-{len(table)}",
                len(table),
                len(table),
                storage,
            ],
        )
        facts.refresh_view(con, "shipments")
    return source_id


def _pairwise(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, float]:
    """Pairwise precision / recall of (cluster, truth) items given by sql."""
    row = fetch_one(
        con,
        f"""
        WITH m AS ({sql}),
        cells AS (SELECT count(*) AS n FROM m GROUP BY cluster, truth),
        c AS (SELECT count(*) AS n FROM m GROUP BY cluster),
        t AS (SELECT count(*) AS n FROM m GROUP BY truth)
        SELECT (SELECT sum(n * (n - 1) / 2) FROM cells), (SELECT sum(n * (n - 1) / 2) FROM c),
               (SELECT sum(n * (n - 1) / 2) FROM t), (SELECT count(*) FROM m),
               (SELECT count(*) FROM c), (SELECT count(*) FROM t)
        """,
    )
    tp, predicted, true = (float(x or 0) for x in row[:3])
    precision = tp / predicted if predicted else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "items": int(row[3]), "clusters": int(row[4]), "true_clusters": int(row[5])}  # fmt: skip


def evaluate(con: duckdb.DuckDBPyConnection, source_id: int) -> dict[str, dict[str, float]]:
    """Pairwise precision and recall of the resolved parties against the generator's truth, per
    declaration mention (each shipper and consignee of each line) and per distinct written
    record (name, country, id), next to the baseline that groups names by their normalised form
    (``dualtrace.normalize.names``) alone."""
    storage = facts.storage_table("shipments", source_id)
    mentions = f"""
        SELECT sp.shipper_party AS party, t._truth_shipper AS truth, t.shipper_name AS name,
               t.shipper_country AS country, nullif(trim(t.shipper_id), '') AS pid
        FROM shipment_parties sp JOIN (SELECT rowid + 2 AS source_line, * FROM "{storage}") t
             ON sp.source_id = {source_id} AND sp.source_line = t.source_line
        UNION ALL
        SELECT sp.consignee_party, t._truth_consignee, t.consignee_name, t.consignee_country,
               nullif(trim(t.consignee_id), '')
        FROM shipment_parties sp JOIN (SELECT rowid + 2 AS source_line, * FROM "{storage}") t
             ON sp.source_id = {source_id} AND sp.source_line = t.source_line
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE _syn_m AS {mentions}")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _syn_m2 AS
        SELECT m.*, r.norm FROM _syn_m m JOIN party_records r
          ON r.origin = 'shipment' AND r.name = m.name AND coalesce(r.country, '') = coalesce(m.country, '')
         AND coalesce(r.raw_id, '') = coalesce(m.pid, '')
        """
    )
    records = """
        SELECT party AS cluster, mode(truth) AS truth FROM _syn_m2 GROUP BY name, country, pid, party
    """
    records_base = """
        SELECT norm AS cluster, mode(truth) AS truth FROM _syn_m2 GROUP BY name, country, pid, norm
    """
    out = {
        "mentions": _pairwise(con, "SELECT party AS cluster, truth FROM _syn_m2"),
        "records": _pairwise(con, records),
        "baseline_mentions": _pairwise(con, "SELECT norm AS cluster, truth FROM _syn_m2"),
        "baseline_records": _pairwise(con, records_base),
    }
    con.execute("DROP TABLE _syn_m")
    con.execute("DROP TABLE _syn_m2")
    return out
