"""Findings of the network engine, each with its path and shipments as evidence.

``ownership_exposure``  a trading party that listed parties own (50 % or more: treated as
                        sanctioned; less: a minority stake) or control without a known share;
``intermediary``        a party whose signals (``intermediary.py``) say it passes goods on;
``sanctioned_network``  the subsidiaries of one listed parent, controlled today, shipping
                        controlled goods to listed end users ("12 subsidiaries of X shipped 281
                        lines of controlled goods to 4 listed end users").
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from dualtrace.findings import Evidence, Finding, RowRef, ScorePart, capped
from dualtrace.network.exposure import path_text
from dualtrace.network.intermediary import Signals

__all__ = ["MAX_ROWS", "build_findings"]

MAX_ROWS = 5000  # row references kept per finding; the query returns them all


def _sql_list(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _money(value: float | None) -> str:
    value = value or 0.0
    if value >= 1e6:
        return f"${value / 1e6:,.1f}M"
    return f"${value:,.0f}"


def _chain_text(chain: list[dict[str, Any]]) -> str:
    parts = []
    for i, step in enumerate(chain):
        parts.append(step["name"] + (" (listed)" if step["listed"] else ""))
        if i < len(chain) - 1:
            share = step.get("share_to_next")
            parts.append(f"-{share:g}%->" if share is not None else "-controls->")
    return " ".join(parts)


def _entities(con: duckdb.DuckDBPyConnection, parties: list[str]) -> list[str]:
    if not parties:
        return []
    rows = con.execute(
        "SELECT DISTINCT unnest(list_entities) FROM parties WHERE listed AND party_id IN (SELECT unnest(?))",
        [parties],
    ).fetchall()
    return sorted(str(r[0]) for r in rows)


def build_findings(con: duckdb.DuckDBPyConnection, as_of: date) -> list[Finding]:
    out: list[Finding] = []
    out.extend(_ownership_exposure(con, as_of))
    out.extend(_intermediaries(con))
    out.extend(_sanctioned_networks(con, as_of))
    return out


def _ownership_exposure(con: duckdb.DuckDBPyConnection, as_of: date) -> list[Finding]:
    rows = con.execute(
        """
        SELECT c.party_id, p.name, p.country, c.aggregate_share, c.effective_share, c.sanctioned_by_ownership,
               c.controlled_unknown_share, c.chains, c.explanation, c.ended_stakes, c.owners
        FROM party_control c JOIN parties p USING (party_id)
        WHERE NOT p.listed AND p.lines > 0
          AND (c.sanctioned_by_ownership OR c.controlled_unknown_share OR c.aggregate_share > 0)
        ORDER BY c.aggregate_share DESC, p.name
        """
    ).fetchall()
    out = []
    for party, name, country, agg, eff, sbo, unknown, chains, explanation, _ended, owners in rows:
        chains_list = json.loads(chains)
        lines = con.execute(
            "SELECT source_id, source_line, date, value_usd FROM _nw_lines"
            " WHERE shipper_party = ? OR consignee_party = ? ORDER BY source_id, source_line",
            [party, party],
        ).fetchall()
        if not lines:
            continue
        usd = sum(float(r[3] or 0) for r in lines)
        dates = [r[2] for r in lines if r[2] is not None]
        roots = sorted({c[0]["party_id"] for c in chains_list if c})
        score, verdict = _ownership_verdict(sbo, unknown, agg)
        chain_txt = "; ".join(_chain_text(c) for c in chains_list[:3])
        parts = [ScorePart("ownership_rule", score, agg, verdict)]
        out.append(
            Finding(
                kind="ownership_exposure",
                subject_type="party",
                subject=name,
                headline=(
                    f"{name} ({country or '?'}) is owned {agg:g}% by listed or blocked parties ({chain_txt}):"
                    f" {verdict}; {len(lines):,} declaration lines worth {_money(usd)}"
                ),
                score=score,
                explanation=parts,
                period_start=min(dates) if dates else None,
                period_end=max(dates) if dates else None,
                metrics={
                    "party_id": party,
                    "aggregate_share": agg,
                    "effective_share": eff,
                    "sanctioned_by_ownership": sbo,
                    "controlled_unknown_share": unknown,
                    "lines": len(lines),
                    "value_usd": round(usd, 2),
                    "as_of": as_of,
                    "listed_owners": roots,
                },
                evidence=Evidence(
                    query=(
                        "SELECT s.*, sp.shipper_party, sp.consignee_party FROM shipment_parties"
                        " sp JOIN shipments s"
                        f" USING (source_id, source_line) WHERE '{party}' IN (sp.shipper_party,"
                        " sp.consignee_party);"
                        f" SELECT * FROM party_control WHERE party_id = '{party}'"
                    ),
                    rows=[RowRef("shipments", int(r[0]), int(r[1])) for r in lines[:MAX_ROWS]],
                    entities=_entities(con, roots),
                    table=_owner_table(owners),
                    notes=[explanation],
                ),
            )
        )
    return out


def _ownership_verdict(sbo: bool, unknown: bool, agg: float) -> tuple[float, str]:
    """The score and verdict of a party owned by listed or blocked parties."""
    if sbo:
        return 0.92, "treated as sanctioned under the 50% rule"
    if unknown:
        return 0.75, "controlled by a listed or blocked party (share not given)"
    if agg >= 25:
        return 0.45, "a minority stake, below the 50% rule"
    return 0.25, "a small stake, below the 50% rule"


def _owner_table(owners: str) -> list[dict[str, Any]]:
    """The evidence table: the party's listed or blocked owners (``party_control.owners``)."""
    return [
        {
            "owner": o["name"],
            "share": o["share"],
            "listed": o["listed"],
            "blocked": o["blocked"],
            "sources": sorted({r["source"] for r in o["records"]}),
        }
        for o in json.loads(owners)
    ]


def _intermediaries(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    rows = con.execute(
        "SELECT e.party_id, e.name, e.country, e.signals, e.signal_detail, p.founded, e.first_date"
        " FROM party_exposure e JOIN parties p USING (party_id) WHERE len(e.signals) > 0 ORDER BY e.name"
    ).fetchall()
    out = []
    for party, name, country, names, detail_json, founded, first in rows:
        signals = Signals(list(names), json.loads(detail_json))
        if signals.intermediary:
            out.append(_intermediary(con, _Party(party, name, country, founded, first), signals))
    return out


@dataclass(frozen=True)
class _Party:
    party_id: str
    name: str
    country: str | None
    founded: date | None
    first_seen: date | None


def _party_lines(con: duckdb.DuckDBPyConnection, party: str) -> tuple[list[Any], list[Any]]:
    """The party's inbound lines (with their shippers) and outbound lines (with consignees)."""
    inbound = con.execute(
        "SELECT l.source_id, l.source_line, l.date, l.value_usd, l.controlled,"
        " l.shipper_party, p.name, p.country"
        " FROM _nw_lines l LEFT JOIN parties p ON p.party_id = l.shipper_party WHERE"
        " l.consignee_party = ?"
        " ORDER BY l.date, l.source_id, l.source_line",
        [party],
    ).fetchall()
    outbound = con.execute(
        "SELECT l.source_id, l.source_line, l.date, l.value_usd, l.controlled, l.consignee_party, p.name,"
        " p.country, p.listed FROM _nw_lines l LEFT JOIN parties p ON p.party_id = l.consignee_party"
        " WHERE l.shipper_party = ? ORDER BY l.date, l.source_id, l.source_line",
        [party],
    ).fetchall()
    return inbound, outbound


def _intermediary_notes(name: str, table: list[dict[str, Any]], signals: Signals) -> list[str]:
    top = sorted(table, key=lambda t: -t["lines"])
    ins = [t for t in top if t["direction"] == "supplier"][:2]
    outs = [t for t in top if t["direction"] == "customer"][:2]
    # the busiest paths through the party: supplier -> party -> customer
    notes = [
        f"path: {a['partner']} ({a['lines']} lines in) -> {name} -> {b['partner']} ({b['lines']} lines out)"
        for a in ins
        for b in outs
    ]
    for link in signals.detail.get("shares_owner_with_partner", {}).get("links", []):
        notes.append(
            f"{link['owner_name']} owns {link['owner_share']:g}% of {name} and"
            f" {link['owner_share_in_partner']:g}% of its partner {link['partner_name']}"
            f" ({link['lines_with_partner']} lines between them)"
        )
    for key in signals.names:
        notes.append(f"signal {key}: {json.dumps(signals.detail[key], default=str, ensure_ascii=False)}")
    return notes


def _intermediary(con: duckdb.DuckDBPyConnection, who: _Party, signals: Signals) -> Finding:
    names = signals.names
    inbound, outbound = _party_lines(con, who.party_id)
    suppliers = {r[5] for r in inbound}
    ru = {r[5] for r in outbound if r[7] == "RUS"}
    out_usd = sum(float(r[3] or 0) for r in outbound)
    table = _partner_table(inbound, "supplier") + _partner_table(outbound, "customer")
    controlled_in = sum(1 for r in inbound if r[4])
    controlled_out = sum(1 for r in outbound if r[4])
    since = f", founded {who.founded}" if who.founded else ""
    headline = (
        f"{who.name} ({who.country or '?'}{since}, first seen {who.first_seen}) looks like an intermediary:"
        f" received {len(inbound):,} lines ({controlled_in:,} controlled) from {len(suppliers)}"
        f" suppliers and shipped {len(outbound):,} lines ({controlled_out:,} controlled) worth"
        f" {_money(out_usd)} to {len(ru)} Russian consignees;"
        f" signals: {', '.join(n.replace('_', ' ') for n in names)}"
    )
    lines = sorted({(r[0], r[1]) for r in inbound + outbound})
    dates = [r[2] for r in inbound + outbound if r[2] is not None]
    score, parts = capped(
        [
            ScorePart("intermediary", 0.45, None, "received from suppliers and shipped to Russia"),
            ScorePart("signals", 0.12 * len(names), len(names), ", ".join(names)),
        ],
        0.95,
    )
    return Finding(
        kind="intermediary",
        subject_type="party",
        subject=who.name,
        headline=headline,
        score=score,
        explanation=parts,
        period_start=min(dates) if dates else None,
        period_end=max(dates) if dates else None,
        metrics={
            "party_id": who.party_id,
            "signals": list(names),
            "in_lines": len(inbound),
            "in_controlled_lines": controlled_in,
            "suppliers": len(suppliers),
            "out_lines": len(outbound),
            "out_controlled_lines": controlled_out,
            "russian_consignees": len(ru),
            "out_value_usd": round(out_usd, 2),
            "founded": who.founded,
            "first_seen": who.first_seen,
        },
        evidence=Evidence(
            query=(
                "SELECT s.*, sp.shipper_party, sp.consignee_party FROM shipment_parties"
                " sp JOIN shipments s"
                f" USING (source_id, source_line) WHERE '{who.party_id}' IN (sp.shipper_party,"
                " sp.consignee_party)"
            ),
            rows=[RowRef("shipments", int(a), int(b)) for a, b in lines[:MAX_ROWS]],
            entities=_entities(con, [r[5] for r in outbound if r[8]]),
            table=table,
            notes=_intermediary_notes(who.name, table, signals),
        ),
    )


def _partner_table(rows: list[tuple[Any, ...]], direction: str) -> list[dict[str, Any]]:
    by: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = by.setdefault(
            r[5],
            {
                "direction": direction,
                "partner": r[6],
                "country": r[7],
                "lines": 0,
                "controlled_lines": 0,
                "value_usd": 0.0,
                "first": r[2],
                "last": r[2],
            },
        )
        entry["lines"] += 1
        entry["controlled_lines"] += int(bool(r[4]))
        entry["value_usd"] = round(entry["value_usd"] + float(r[3] or 0), 2)
        entry["last"] = r[2]
    return sorted(by.values(), key=lambda e: (-e["lines"], str(e["partner"])))


Chains = dict[str, list[list[dict[str, Any]]]]  # controlled party -> its chains to the root


def _controlled_by_root(
    con: duckdb.DuckDBPyConnection, names: dict[str, str]
) -> tuple[dict[str, Chains], dict[str, list[str]]]:
    """For each listed root: the parties it controls (by the 50 % rule or control without a
    share) with their chains, and the stakes that did not count (below 50 %, ended)."""
    controlled: dict[str, Chains] = defaultdict(dict)
    side: dict[str, list[str]] = defaultdict(list)
    for party, chains, sbo, unknown, agg, ended in con.execute(
        "SELECT party_id, chains, sanctioned_by_ownership, controlled_unknown_share,"
        " aggregate_share, ended_stakes"
        " FROM party_control"
    ).fetchall():
        for chain in json.loads(chains):
            root = chain[0]["party_id"]
            if root == party:
                continue
            if sbo or unknown:
                controlled[root].setdefault(party, []).append(chain)
            elif chain[-2]["party_id"] == root:
                side[root].append(f"not counted: {names.get(party, party)} ({agg:g}%, below 50%)")
        for stake in json.loads(ended):
            if stake["listed"] and stake["state"] == "ended":
                side[stake["party_id"]].append(
                    f"not counted: {names.get(party, party)} ({stake['share']}% until {stake['end']}, ended)"
                )
    return controlled, side


def _network_lines(con: duckdb.DuckDBPyConnection, root: str, subs: list[str]) -> list[Any]:
    """Controlled-goods lines from the root's subsidiaries to listed parties outside the network."""
    return con.execute(
        """
        SELECT l.source_id, l.source_line, l.date, l.value_usd, l.shipper_party, l.consignee_party, l.hs6
        FROM _nw_lines l JOIN parties c ON c.party_id = l.consignee_party
        WHERE l.controlled AND c.listed AND l.shipper_party IN (SELECT unnest(?))
          AND l.consignee_party NOT IN (SELECT unnest(?))
        ORDER BY l.source_id, l.source_line
        """,
        [subs, [root, *subs]],
    ).fetchall()


def _network_table(lines: list[Any], members: Chains, names: dict[str, str]) -> list[dict[str, Any]]:
    """One row per shipping subsidiary (its chain, lines, value, end users), then per end user."""
    table = []
    for sub in sorted({r[4] for r in lines}):
        mine = [r for r in lines if r[4] == sub]
        table.append(
            {
                "subsidiary": names.get(sub, sub),
                "chain": _chain_text(members[sub][0]),
                "lines": len(mine),
                "value_usd": round(sum(float(r[3] or 0) for r in mine), 2),
                "end_users": sorted({names.get(r[5], r[5]) for r in mine}),
            }
        )
    for user in sorted({r[5] for r in lines}):
        mine = [r for r in lines if r[5] == user]
        table.append(
            {
                "end_user": names.get(user, user),
                "lines": len(mine),
                "value_usd": round(sum(float(r[3] or 0) for r in mine), 2),
            }
        )
    return table


def _sanctioned_networks(con: duckdb.DuckDBPyConnection, as_of: date) -> list[Finding]:
    names = dict(con.execute("SELECT party_id, name FROM parties").fetchall())
    controlled, side = _controlled_by_root(con, names)
    out = []
    for root, members in sorted(controlled.items()):
        subs = sorted(members)
        lines = _network_lines(con, root, subs)
        if lines:
            out.append(_sanctioned_network(con, as_of, root, members, lines, names, sorted(set(side[root]))))
    return out


def _sanctioned_network(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    root: str,
    members: Chains,
    lines: list[Any],
    names: dict[str, str],
    not_counted: list[str],
) -> Finding:
    shipping = sorted({r[4] for r in lines})
    users = sorted({r[5] for r in lines})
    usd = sum(float(r[3] or 0) for r in lines)
    dates = [r[2] for r in lines if r[2] is not None]
    root_name = names.get(root, root)
    headline = (
        f"{len(shipping)} subsidiaries of {root_name} (listed; {len(members)} controlled today) shipped"
        f" {len(lines):,} lines of controlled goods worth {_money(usd)} to {len(users)} listed end users"
    )
    return Finding(
        kind="sanctioned_network",
        subject_type="party",
        subject=root_name,
        headline=headline,
        score=0.95,
        explanation=[
            ScorePart(
                "sanctioned_network",
                0.95,
                len(shipping),
                "subsidiaries of a listed parent shipped controlled goods to listed end users",
            )
        ],
        period_start=min(dates) if dates else None,
        period_end=max(dates) if dates else None,
        metrics={
            "parent_party_id": root,
            "subsidiaries_controlled": len(members),
            "subsidiaries_shipping": len(shipping),
            "lines": len(lines),
            "value_usd": round(usd, 2),
            "end_users": len(users),
            "end_user_names": [names.get(u, u) for u in users],
            "subsidiary_names": [names.get(s, s) for s in shipping],
            "as_of": as_of,
            "hs6": sorted({r[6] for r in lines if r[6]}),
        },
        evidence=Evidence(
            query=(
                "SELECT s.*, sp.shipper_party, sp.consignee_party FROM shipment_parties"
                " sp JOIN shipments s"
                f" USING (source_id, source_line) WHERE sp.shipper_party IN ({_sql_list(shipping)})"
                f" AND sp.consignee_party IN ({_sql_list(users)})"
            ),
            rows=[RowRef("shipments", int(r[0]), int(r[1])) for r in lines[:MAX_ROWS]],
            entities=_entities(con, [root, *users]),
            table=_network_table(lines, members, names),
            notes=[f"chain: {_chain_text(members[s][0])}" for s in shipping] + not_counted,
        ),
    )


def exposure_paths(con: duckdb.DuckDBPyConnection, party: str) -> list[str]:
    """The ownership and trade paths of a party, in words (for faces)."""
    row = con.execute(
        "SELECT ownership_path, trade_path FROM party_exposure WHERE party_id = ?", [party]
    ).fetchall()
    if not row:
        return []
    return [path_text(json.loads(p)) for p in row[0] if p]
