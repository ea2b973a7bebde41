"""Signals that a party is an intermediary in trade with Russia.

``re_exports``                  it ships out goods (HS6) it received earlier: at least
                                ``RE_EXPORT_SHARE`` of its outgoing value is in codes it imported;
``controlled_to_many_russian``  it ships controlled goods to ``MIN_RU_CONSIGNEES`` or more
                                Russian consignees;
``transit_hub``                 it is in Hong Kong, the UAE, Turkey, Kazakhstan, Armenia or
                                Kyrgyzstan and ships to Russia;
``appeared_suddenly``           its first line comes a year or more after the data begins and
                                its first twelve months are large (>= ``SUDDEN_USD`` and in the
                                top ``1 - SUDDEN_QUANTILE`` of parties' first years);
``shares_owner_with_partner``   one of its current owners also owns one of its trading partners.

A party is flagged as an intermediary when it passes goods on (it re-exports, or it sits in a
transit hub and ships to Russia) and those goods matter (it serves many Russian consignees with
controlled goods, or at least ``MIN_CONTROLLED_SHARE`` of its outgoing lines and
``MIN_CONTROLLED_LINES`` lines are controlled goods). A manufacturer selling to Russia directly
is not an intermediary, however suspicious; a hub trader of furniture is not one of interest.
Every signal keeps its figures as evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb

__all__ = ["HUBS", "Signals", "signals"]

HUBS = ("HKG", "ARE", "TUR", "KAZ", "ARM", "KGZ")
RE_EXPORT_SHARE = 0.3
MIN_LINES = 3
MIN_RU_CONSIGNEES = 5
SUDDEN_USD = 1_000_000.0
SUDDEN_QUANTILE = 0.9
MIN_CONTROLLED_SHARE = 0.25
MIN_CONTROLLED_LINES = 5


@dataclass
class Signals:
    names: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def add(self, name: str, detail: dict[str, Any]) -> None:
        self.names.append(name)
        self.detail[name] = detail

    @property
    def intermediary(self) -> bool:
        passes_on = "re_exports" in self.names or "transit_hub" in self.names
        flow = self.detail.get("outgoing", {})
        out_lines, controlled = flow.get("lines", 0), flow.get("controlled_lines", 0)
        matters = "controlled_to_many_russian" in self.names or (
            controlled >= MIN_CONTROLLED_LINES and controlled >= MIN_CONTROLLED_SHARE * out_lines
        )
        return passes_on and matters


def signals(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, Signals]:
    """Signals of every party, from ``_nw_lines`` (see trade.py) and the ownership table."""
    out: dict[str, Signals] = defaultdict(Signals)
    for party, out_lines, out_usd, common_usd, codes, in_lines, in_usd, suppliers in con.execute(
        """
        WITH ins AS (
            SELECT consignee_party AS party, hs6, count(*) AS n, sum(coalesce(value_usd, 0)) AS usd,
                   min(date) AS first
            FROM _nw_lines WHERE consignee_party IS NOT NULL GROUP BY 1, 2
        ),
        outs AS (
            SELECT shipper_party AS party, hs6, count(*) AS n, sum(coalesce(value_usd, 0)) AS usd,
                   max(date) AS last
            FROM _nw_lines WHERE shipper_party IS NOT NULL GROUP BY 1, 2
        ),
        totals AS (
            SELECT consignee_party AS party, count(*) AS n, sum(coalesce(value_usd, 0)) AS usd,
                   count(DISTINCT shipper_party) AS suppliers
            FROM _nw_lines WHERE consignee_party IS NOT NULL GROUP BY 1
        )
        SELECT o.party, sum(o.n), sum(o.usd),
               sum(o.usd) FILTER (i.hs6 IS NOT NULL AND i.first <= o.last),
               list(o.hs6 ORDER BY o.usd DESC) FILTER (i.hs6 IS NOT NULL AND i.first <= o.last),
               any_value(t.n), any_value(t.usd), any_value(t.suppliers)
        FROM outs o JOIN totals t USING (party) LEFT JOIN ins i USING (party, hs6)
        GROUP BY o.party
        HAVING sum(o.n) >= ? AND any_value(t.n) >= ?
        """,
        [MIN_LINES, MIN_LINES],
    ).fetchall():
        share = (common_usd or 0.0) / out_usd if out_usd else 0.0
        if share >= RE_EXPORT_SHARE:
            out[party].add(
                "re_exports",
                {
                    "in_lines": in_lines,
                    "in_usd": round(in_usd, 2),
                    "suppliers": suppliers,
                    "out_lines": out_lines,
                    "out_usd": round(out_usd, 2),
                    "share_of_out_value_in_imported_codes": round(share, 4),
                    "codes": (codes or [])[:10],
                },
            )
    for party, consignees, lines, usd in con.execute(
        """
        SELECT l.shipper_party, count(DISTINCT l.consignee_party), count(*), sum(l.value_usd)
        FROM _nw_lines l JOIN parties p ON p.party_id = l.consignee_party
        WHERE l.controlled AND (p.country = 'RUS' OR l.consignee_country = 'RUS')
          AND l.shipper_party IS NOT NULL
        GROUP BY 1 HAVING count(DISTINCT l.consignee_party) >= ?
        """,
        [MIN_RU_CONSIGNEES],
    ).fetchall():
        out[party].add(
            "controlled_to_many_russian",
            {"russian_consignees": consignees, "controlled_lines": lines, "usd": round(usd or 0, 2)},
        )
    for party, country, lines in con.execute(
        f"""
        SELECT l.shipper_party, p.country, count(*)
        FROM _nw_lines l JOIN parties p ON p.party_id = l.shipper_party
        JOIN parties c ON c.party_id = l.consignee_party
        WHERE p.country IN ({", ".join(f"'{h}'" for h in HUBS)})
          AND (c.country = 'RUS' OR l.consignee_country = 'RUS' OR l.destination_country = 'RUS')
        GROUP BY 1, 2
        """
    ).fetchall():
        out[party].add("transit_hub", {"country": country, "lines_to_russia": lines})
    _sudden(con, out)
    _shared_owners(con, out, as_of)
    for party, lines, controlled in con.execute(
        "SELECT shipper_party, count(*), count(*) FILTER (controlled) FROM _nw_lines"
        " WHERE shipper_party IS NOT NULL GROUP BY 1"
    ).fetchall():
        if party in out:  # context for the signals, not a signal itself
            out[party].detail["outgoing"] = {"lines": lines, "controlled_lines": controlled}
    return dict(out)


def _sudden(con: duckdb.DuckDBPyConnection, out: dict[str, Signals]) -> None:
    start = con.execute("SELECT min(date) FROM _nw_lines").fetchall()[0][0]
    if start is None:
        return
    rows = con.execute(
        """
        WITH m AS (
            SELECT shipper_party AS party, date, value_usd FROM _nw_lines WHERE shipper_party IS NOT NULL
            UNION ALL
            SELECT consignee_party, date, value_usd FROM _nw_lines WHERE consignee_party IS NOT NULL
        ),
        f AS (SELECT party, min(date) AS first FROM m GROUP BY party)
        SELECT m.party, f.first, sum(coalesce(m.value_usd, 0)) AS usd, count(*) AS lines
        FROM m JOIN f USING (party) WHERE m.date < f.first + INTERVAL 365 DAY
        GROUP BY m.party, f.first
        """
    ).fetchall()
    if not rows:
        return
    values = sorted(r[2] for r in rows)
    quantile = values[min(len(values) - 1, int(SUDDEN_QUANTILE * len(values)))]
    floor = max(SUDDEN_USD, quantile)
    founded = dict(con.execute("SELECT party_id, founded FROM parties WHERE founded IS NOT NULL").fetchall())
    for party, first, usd, lines in rows:
        if first >= start + timedelta(days=365) and usd >= floor:
            detail: dict[str, Any] = {
                "first_line": first,
                "data_begins": start,
                "first_year_usd": round(usd, 2),
                "first_year_lines": lines,
                "threshold_usd": round(floor, 2),
            }
            if party in founded:
                detail["founded"] = founded[party]
            out[party].add("appeared_suddenly", detail)


def _shared_owners(con: duckdb.DuckDBPyConnection, out: dict[str, Signals], as_of: date) -> None:
    rows = con.execute(
        """
        WITH refs AS (SELECT DISTINCT ref, party_id FROM party_records),
        own AS (
            SELECT pp.party_id AS owner, pc.party_id AS asset, max(o.share) AS share
            FROM ownership o JOIN refs pp ON pp.ref = o.parent JOIN refs pc ON pc.ref = o.child
            WHERE (o.start_date IS NULL OR o.start_date <= ?) AND (o.end_date IS NULL OR o.end_date > ?)
              AND pp.party_id <> pc.party_id
            GROUP BY 1, 2
        ),
        pairs AS (
            SELECT shipper_party AS a, consignee_party AS b, sum(lines) AS lines, sum(value_usd) AS usd
            FROM trade_edges GROUP BY 1, 2
            UNION ALL
            SELECT consignee_party, shipper_party, sum(lines), sum(value_usd) FROM trade_edges GROUP BY 1, 2
        )
        SELECT p.a, p.b, pb.name, oa.owner, po.name, oa.share, ob.share, sum(p.lines), sum(p.usd)
        FROM pairs p JOIN own oa ON oa.asset = p.a JOIN own ob ON ob.asset = p.b AND ob.owner = oa.owner
        JOIN parties pb ON pb.party_id = p.b JOIN parties po ON po.party_id = oa.owner
        WHERE p.a <> p.b
        GROUP BY ALL ORDER BY 1, 8 DESC
        """,
        [as_of, as_of],
    ).fetchall()
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a, b, bname, owner, oname, share_a, share_b, lines, usd in rows:
        found[a].append(
            {
                "partner": b,
                "partner_name": bname,
                "owner": owner,
                "owner_name": oname,
                "owner_share": share_a,
                "owner_share_in_partner": share_b,
                "lines_with_partner": lines,
                "usd_with_partner": usd,
            }
        )
    for party, items in found.items():
        out[party].add("shares_owner_with_partner", {"links": items})
