"""How close each trading party sits to a listed one, and whether it acts as an intermediary.

For every party with shipments (``party_exposure``):

- ``ownership_hops`` / ``ownership_path``: the shortest path to a listed party through current
  ownership and control links (either direction: owned by, owns, a sister company);
- ``trade_hops`` / ``trade_path``: the shortest path through trading partners;
- ``listed_partners`` / ``high_risk_partners``: partners that are listed, or treated as
  sanctioned by the 50 % rule, or controlled by a listed party;
- ``listed_volume_share`` / ``high_risk_volume_share``: the part of its trade (USD value, or
  lines when no USD value is known) with those partners;
- ``signals`` (``intermediary.py``).

Paths are computed on networkx graphs (multi-source shortest paths from the listed parties).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import networkx as nx

from dualtrace.network import intermediary
from dualtrace.network.ownership_store import is_current
from dualtrace.network.trade import line_facts_sql
from dualtrace.warehouse.db import bulk_insert, transaction

__all__ = ["MAX_HOPS", "ExposureSummary", "compute_exposure", "ownership_graph", "trade_graph"]

MAX_HOPS = 6


@dataclass
class ExposureSummary:
    rows: int
    intermediaries: int


def ownership_graph(con: duckdb.DuckDBPyConnection, as_of: date) -> nx.Graph[str]:
    """Undirected graph of current ownership / control links between parties."""
    graph: nx.Graph[str] = nx.Graph()
    rows = con.execute(
        """
        WITH refs AS (SELECT DISTINCT ref, party_id FROM party_records)
        SELECT pp.party_id, pc.party_id, o.share, o.relation, o.start_date, o.end_date
        FROM ownership o JOIN refs pp ON pp.ref = o.parent JOIN refs pc ON pc.ref = o.child
        WHERE pp.party_id <> pc.party_id
        ORDER BY o.ownership_id
        """
    ).fetchall()
    for parent, child, share, relation, start, end in rows:
        if not is_current(start, end, as_of):
            continue
        data = graph.get_edge_data(parent, child)
        if data is None or (share or 0) > (data.get("share") or 0):
            graph.add_edge(parent, child, owner=parent, share=share, relation=relation)
    return graph


def trade_graph(con: duckdb.DuckDBPyConnection) -> nx.Graph[str]:
    graph: nx.Graph[str] = nx.Graph()
    for a, b, lines, value in con.execute(
        "SELECT shipper_party, consignee_party, sum(lines), sum(value_usd) FROM trade_edges"
        " WHERE shipper_party <> consignee_party GROUP BY 1, 2"
    ).fetchall():
        data = graph.get_edge_data(a, b)
        if data is None:
            graph.add_edge(a, b, out={a: (int(lines), value)})
        else:
            data["out"][a] = (int(lines), value)
    return graph


def _paths(graph: nx.Graph[str], sources: set[str], cutoff: int) -> dict[str, list[str]]:
    present = [s for s in sources if s in graph]
    if not present:
        return {}
    paths: dict[str, list[str]] = nx.multi_source_dijkstra_path(graph, present, cutoff=cutoff)
    return paths


def _ownership_steps(
    graph: nx.Graph[str], path: list[str], names: dict[str, str], listed: set[str]
) -> list[Any]:
    """Path from the party to the listed one, each step saying who owns whom."""
    nodes = list(reversed(path))
    steps: list[dict[str, Any]] = []
    for a, b in itertools.pairwise(nodes):
        edge = graph.get_edge_data(a, b)
        share = edge.get("share")
        what = f"{share:g}%" if share is not None else edge.get("relation", "control")
        link = f"owned {what} by" if edge["owner"] == b else f"owns {what} of"
        steps.append({"party_id": a, "name": names.get(a, a), "listed": a in listed, "link": link})
    last = nodes[-1]
    steps.append({"party_id": last, "name": names.get(last, last), "listed": last in listed, "link": None})
    return steps


def _trade_steps(graph: nx.Graph[str], path: list[str], names: dict[str, str], listed: set[str]) -> list[Any]:
    nodes = list(reversed(path))
    steps: list[dict[str, Any]] = []
    for a, b in itertools.pairwise(nodes):
        out = graph.get_edge_data(a, b)["out"]
        parts = []
        if a in out:
            parts.append(f"ships to ({out[a][0]} lines)")
        if b in out:
            parts.append(f"buys from ({out[b][0]} lines)")
        steps.append(
            {"party_id": a, "name": names.get(a, a), "listed": a in listed, "link": " and ".join(parts)}
        )
    last = nodes[-1]
    steps.append({"party_id": last, "name": names.get(last, last), "listed": last in listed, "link": None})
    return steps


def path_text(steps: list[dict[str, Any]]) -> str:
    parts = []
    for s in steps:
        parts.append(s["name"] + (" [listed]" if s["listed"] else ""))
        if s["link"]:
            parts.append(f"-{s['link']}->")
    return " ".join(parts)


# Per trading party: its trading partners (listed, or high risk: sanctioned by ownership or
# controlled by a listed party) and the share of its trade with them; its own lines and dates.
_METRICS_SQL = """
WITH e AS (
    SELECT shipper_party AS party, consignee_party AS partner, lines, value_usd FROM trade_edges
    UNION ALL
    SELECT consignee_party, shipper_party, lines, value_usd FROM trade_edges
),
flags AS (
    SELECT p.party_id, p.listed,
           p.listed OR coalesce(c.sanctioned_by_ownership, false)
               OR coalesce(c.controlled_unknown_share, false) AS risky
    FROM parties p LEFT JOIN party_control c USING (party_id)
),
m AS (
    SELECT e.party,
           count(DISTINCT e.partner) FILTER (f.listed) AS listed_partners,
           count(DISTINCT e.partner) FILTER (f.risky) AS high_risk_partners,
           sum(e.value_usd) AS usd, sum(e.value_usd) FILTER (f.listed) AS usd_listed,
           sum(e.value_usd) FILTER (f.risky) AS usd_risky, sum(e.lines) AS n,
           sum(e.lines) FILTER (f.listed) AS n_listed, sum(e.lines) FILTER (f.risky) AS n_risky
    FROM e JOIN flags f ON f.party_id = e.partner
    GROUP BY e.party
),
own AS (
    SELECT party, count(*) AS lines, min(date) AS first_date, max(date) AS last_date FROM (
        SELECT shipper_party AS party, date FROM _nw_lines WHERE shipper_party IS NOT NULL
        UNION ALL
        SELECT consignee_party, date FROM _nw_lines WHERE consignee_party IS NOT NULL
    ) GROUP BY party
)
SELECT o.party, p.name, p.country, p.listed, coalesce(c.sanctioned_by_ownership, false) AS sbo,
       coalesce(m.listed_partners, 0) AS listed_partners,
       coalesce(m.high_risk_partners, 0) AS high_risk_partners, o.lines, m.usd,
       CASE WHEN m.usd > 0 THEN coalesce(m.usd_listed, 0) / m.usd
            WHEN m.n > 0 THEN coalesce(m.n_listed, 0) / m.n END AS listed_share,
       CASE WHEN m.usd > 0 THEN coalesce(m.usd_risky, 0) / m.usd
            WHEN m.n > 0 THEN coalesce(m.n_risky, 0) / m.n END AS risky_share,
       o.first_date, o.last_date
FROM own o JOIN parties p ON p.party_id = o.party
LEFT JOIN party_control c ON c.party_id = o.party
LEFT JOIN m ON m.party = o.party
ORDER BY o.party
"""


def _trade_metrics(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    if (
        con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_nw_lines'").fetchall()[0][0]
        == 0
    ):
        con.execute(f"CREATE OR REPLACE TEMP TABLE _nw_lines AS {line_facts_sql(con)}")
    return con.sql(_METRICS_SQL).fetchall()


def _path_json(steps: list[dict[str, Any]] | None) -> str | None:
    return json.dumps(steps, ensure_ascii=False) if steps else None


def _store(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    with transaction(con):
        con.execute("DELETE FROM party_exposure")
        bulk_insert(con, "party_exposure", rows)


def compute_exposure(con: duckdb.DuckDBPyConnection, as_of: date) -> ExposureSummary:
    names = dict(con.execute("SELECT party_id, name FROM parties").fetchall())
    listed = {r[0] for r in con.execute("SELECT party_id FROM parties WHERE listed").fetchall()}
    metrics = _trade_metrics(con)
    owned = ownership_graph(con, as_of)
    traded = trade_graph(con)
    own_paths = _paths(owned, listed, MAX_HOPS)
    trade_paths = _paths(traded, listed, MAX_HOPS)
    signals = intermediary.signals(con, as_of)
    rows = []
    intermediaries = 0
    for party, name, country, is_listed, sbo, lp, hp, lines, usd, ls, rs, first, last in metrics:
        op = own_paths.get(party)
        tp = trade_paths.get(party)
        found = signals.get(party, intermediary.Signals())
        rows.append(
            {
                "party_id": party,
                "name": name,
                "country": country,
                "listed": bool(is_listed),
                "sanctioned_by_ownership": bool(sbo),
                "ownership_hops": len(op) - 1 if op else None,
                "ownership_path": _path_json(
                    _ownership_steps(owned, op, names, listed) if op and len(op) > 1 else None
                ),
                "trade_hops": len(tp) - 1 if tp else None,
                "trade_path": _path_json(
                    _trade_steps(traded, tp, names, listed) if tp and len(tp) > 1 else None
                ),
                "listed_partners": int(lp),
                "high_risk_partners": int(hp),
                "lines": int(lines),
                "volume_usd": float(usd) if usd is not None else None,
                "listed_volume_share": float(ls) if ls is not None else None,
                "high_risk_volume_share": float(rs) if rs is not None else None,
                "first_date": first,
                "last_date": last,
                "signals": found.names,
                "signal_detail": json.dumps(found.detail, ensure_ascii=False, default=str),
            }
        )
        intermediaries += found.intermediary
    _store(con, rows)
    return ExposureSummary(rows=len(rows), intermediaries=intermediaries)


def exposure_rows(
    con: duckdb.DuckDBPyConnection, *, max_hops: int | None = None, party: str | None = None
) -> list[dict[str, Any]]:
    """Parties within ``max_hops`` of a listed party (by ownership or trade), nearest first."""
    from dualtrace.errors import InputError

    if con.execute("SELECT count(*) FROM parties").fetchall()[0][0] == 0:
        raise InputError("no parties yet: load declarations or lists, then run `dualtrace network build`")
    hops = MAX_HOPS if max_hops is None else max_hops
    if hops < 0:
        raise InputError("--max-hops must be 0 or more")
    where = "least(coalesce(ownership_hops, 99), coalesce(trade_hops, 99)) <= ?"
    params: list[Any] = [hops]
    if party is not None:
        from dualtrace.network.decisions import find_party

        where += " AND party_id = ?"
        params.append(find_party(con, party))
    cursor = con.execute(
        f"""
        SELECT party_id, name, country, listed, sanctioned_by_ownership, ownership_hops, ownership_path,
               trade_hops, trade_path, listed_partners, high_risk_partners, lines, round(volume_usd,
                   2) AS volume_usd,
               round(listed_volume_share, 4) AS listed_volume_share,
               round(high_risk_volume_share, 4) AS high_risk_volume_share, first_date, last_date, signals
        FROM party_exposure WHERE {where}
        ORDER BY least(coalesce(ownership_hops, 99), coalesce(trade_hops, 99)),
            high_risk_volume_share DESC NULLS LAST,
                 lines DESC, party_id
        """,
        params,
    )
    columns = [d[0] for d in cursor.description or []]
    out = []
    for row in cursor.fetchall():
        record = dict(zip(columns, row, strict=True))
        for key in ("ownership_path", "trade_path"):
            record[key] = path_text(json.loads(record[key])) if record[key] else None
        record["signals"] = ",".join(record["signals"] or [])
        out.append(record)
    return out
