"""Trade edges between resolved parties, and which shipment lines carry controlled goods.

A line carries controlled goods when the goods engine tagged it with a CHPL tier
(``goods_shipment_tags``, when ``dualtrace classify`` has run) or, without it, when its HS6
code falls under the Common High Priority List (``ref_hs6_chpl``: HS2017 codes before 2022,
HS2022 codes after).
"""

from __future__ import annotations

import duckdb

from dualtrace.reference.install import ensure_installed

__all__ = ["build_trade_edges", "has_goods_tags", "line_facts_sql"]


def has_goods_tags(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the goods engine has tagged shipment lines (its tables are optional here)."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = 'goods_shipment_tags'"
    ).fetchall()
    if not row[0][0]:
        return False
    return bool(con.execute("SELECT EXISTS (SELECT 1 FROM goods_shipment_tags)").fetchall()[0][0])


def line_facts_sql(con: duckdb.DuckDBPyConnection) -> str:
    """SQL of one row per shipments row with its parties, value and ``controlled`` flag."""
    ensure_installed(con)
    if has_goods_tags(con):
        goods_join = "LEFT JOIN goods_shipment_tags g USING (source_id, source_line)"
        controlled = "(g.chpl_tier IS NOT NULL)"
        categories = "coalesce(g.categories, [])"
    else:
        goods_join = (
            "LEFT JOIN (SELECT DISTINCT hs_version, hs6 FROM ref_hs6_chpl WHERE rank = 1) c"
            " ON c.hs6 = s.hs6 AND c.hs_version = CASE WHEN s.date >= DATE '2022-01-01' THEN 'HS2022'"
            " ELSE 'HS2017' END"
        )
        controlled = "(c.hs6 IS NOT NULL)"
        categories = "CASE WHEN c.hs6 IS NOT NULL THEN ['chpl'] ELSE [] END"
    return f"""
        SELECT sp.source_id, sp.source_line, sp.shipper_party, sp.consignee_party, s.date, s.hs6,
               s.value::DOUBLE AS value, s.currency, s.value_usd::DOUBLE AS value_usd,
               s.shipper_country, s.consignee_country, s.destination_country, s.origin_country,
               {controlled} AS controlled, {categories} AS categories
        FROM shipment_parties sp JOIN shipments s USING (source_id, source_line)
        {goods_join}
    """


def build_trade_edges(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(f"CREATE OR REPLACE TEMP TABLE _nw_lines AS {line_facts_sql(con)}")
    con.execute("DELETE FROM trade_edges")
    con.execute(
        """
        INSERT INTO trade_edges
        SELECT shipper_party, consignee_party, currency, sum(value), sum(value_usd), count(*),
               count(*) FILTER (controlled), min(date), max(date),
               list(DISTINCT hs6 ORDER BY hs6) FILTER (hs6 IS NOT NULL),
               list_sort(list_distinct(flatten(list(categories))))
        FROM _nw_lines
        WHERE shipper_party IS NOT NULL AND consignee_party IS NOT NULL
        GROUP BY shipper_party, consignee_party, currency
        """
    )
    return int(con.execute("SELECT count(*) FROM trade_edges").fetchall()[0][0])
