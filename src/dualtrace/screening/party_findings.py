"""The ``sanctioned_counterparty`` findings of ``screen --parties``.

Confirmed hits, and strong ones (score >= ``STRONG_HIT``) not dismissed, are grouped into listed
parties (spellings hitting the same list entities are one party); each listed party written on
a declaration line is one finding with the shipments as evidence.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, NamedTuple

import duckdb
import pyarrow as pa

from dualtrace.findings import Evidence, Finding, RowRef
from dualtrace.normalize.party_keys import STRONG_HIT
from dualtrace.warehouse.db import register_frame

__all__ = ["KIND", "build_findings"]

KIND = "sanctioned_counterparty"


class _Link(NamedTuple):
    """A strong or confirmed row of party_links."""

    party_key: str
    name: str
    country: str | None
    party_id: str | None
    list_name: str
    entity_id: str
    caption: str
    score: float
    calibrated: float | None
    programs: list[str] | None
    listing_date: date | None
    explanation: str
    decision: str | None


class _Line(NamedTuple):
    """A declaration line a party is written on."""

    party_key: str
    source_id: int
    source_line: int
    date: date | None
    value_usd: float | None
    role: str


def _strong_links(con: duckdb.DuckDBPyConnection) -> dict[str, list[_Link]]:
    """Per party, its confirmed hits and its strong hits not dismissed, best first."""
    rows = con.execute(
        "SELECT party_key, name, country, party_id, list, entity_id, caption, score, calibrated, programs,"
        " listing_date, explanation, decision FROM party_links"
        " WHERE decision = 'confirmed' OR (score >= ? AND coalesce(decision, '') <> 'dismissed')"
        " ORDER BY party_key, score DESC",
        [STRONG_HIT],
    ).fetchall()
    by_party: dict[str, list[_Link]] = defaultdict(list)
    for row in rows:
        by_party[row[0]].append(_Link._make(row))
    return by_party


def _party_lines(con: duckdb.DuckDBPyConnection, by_party: dict[str, list[_Link]]) -> dict[str, list[_Line]]:
    """Per party, the declaration lines that write it as shipper or consignee."""
    keys = list(by_party)
    frame = pa.table(
        {
            "party_key": keys,
            "name": [by_party[k][0].name for k in keys],
            "country": [by_party[k][0].country or "" for k in keys],
            "pid": [by_party[k][0].party_id or "" for k in keys],
        }
    )
    with register_frame(con, "_dt_fparties", frame):
        rows = con.execute(
            """
            SELECT p.party_key, s.source_id, s.source_line, s.date, s.value_usd,
                   CASE WHEN s.shipper_name = p.name THEN 'shipper' ELSE 'consignee' END AS role
            FROM _dt_fparties p JOIN shipments s
              ON (s.shipper_name = p.name AND coalesce(s.shipper_country, '') = p.country
                  AND coalesce(nullif(trim(s.shipper_id), ''), '') = p.pid)
              OR (s.consignee_name = p.name AND coalesce(s.consignee_country, '') = p.country
                  AND coalesce(nullif(trim(s.consignee_id), ''), '') = p.pid)
            ORDER BY p.party_key, s.source_id, s.source_line
            """
        ).fetchall()
    lines: dict[str, list[_Line]] = defaultdict(list)
    for r in rows:
        lines[r[0]].append(_Line._make(r))
    return lines


def _clusters(by_party: dict[str, list[_Link]]) -> list[list[str]]:
    """Party keys grouped so that spellings hitting the same list entities are one party."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for key, hits in by_party.items():
        for h in hits:
            parent[find(f"party:{key}")] = find(f"entity:{h.list_name}:{h.entity_id}")
    clusters: dict[str, list[str]] = defaultdict(list)
    for key in by_party:
        clusters[find(f"party:{key}")].append(key)
    return list(clusters.values())


def _main_entity(
    members: list[str], by_party: dict[str, list[_Link]], lines: dict[str, list[_Line]]
) -> tuple[dict[tuple[str, str], _Link], _Link]:
    """The cluster's entities (their best hit each) and the one written on the most lines."""
    hits = [h for k in members for h in by_party[k]]
    entities: dict[tuple[str, str], _Link] = {}
    for h in sorted(hits, key=lambda h: -float(h.score)):
        entities.setdefault((h.list_name, h.entity_id), h)
    count_by_entity: dict[tuple[str, str], int] = defaultdict(int)
    for k in members:
        for h in by_party[k]:
            count_by_entity[(h.list_name, h.entity_id)] += len(lines.get(k, []))
    return entities, entities[max(count_by_entity, key=lambda e: (count_by_entity[e], e))]


# the evidence table's columns, each from a field of the link
_HIT_COLUMNS = (
    ("party", "name"),
    ("list", "list_name"),
    ("entity_id", "entity_id"),
    ("caption", "caption"),
    ("score", "score"),
    ("calibrated", "calibrated"),
    ("programs", "programs"),
    ("listing_date", "listing_date"),
    ("decision", "decision"),
)


def _hit_table(hits: list[_Link]) -> list[dict[str, Any]]:
    table = [{column: getattr(h, name) for column, name in _HIT_COLUMNS} for h in hits]
    for row in table:
        for column in ("score", "calibrated"):
            if row[column] is not None:
                row[column] = round(float(row[column]), 4)
    return table


def _cluster_finding(
    members: list[str], by_party: dict[str, list[_Link]], party_lines: dict[str, list[_Line]]
) -> Finding | None:
    """The finding of one listed party (all its spellings), None when no line writes it."""
    lines = sorted(
        {r for k in members for r in party_lines.get(k, [])}, key=lambda r: (r.source_id, r.source_line)
    )
    if not lines:
        return None
    hits = [h for k in members for h in by_party[k]]
    entities, main = _main_entity(members, by_party, party_lines)
    spellings = sorted({by_party[k][0].name for k in members})
    dates = [r.date for r in lines if r.date is not None]
    listing_dates = [h.listing_date for h in entities.values() if h.listing_date is not None]
    first_listed: date | None = min(listing_dates) if listing_dates else None
    value = sum(float(r.value_usd) for r in lines if r.value_usd is not None)
    after = [r for r in lines if first_listed and r.date and r.date >= first_listed]
    roles = sorted({r.role for r in lines})
    lists = sorted({e[0] for e in entities})
    programs = sorted({p for h in entities.values() for p in (h.programs or [])})
    headline = (
        f"{main.caption} (listed on {', '.join(lists)}) is {' and '.join(roles)} on {len(lines):,}"
        f" declaration lines worth ${value:,.0f} under {len(spellings)} spelling(s)"
    )
    if first_listed:
        headline += f"; {len(after):,} lines on or after its first listing on {first_listed.isoformat()}"
    score = max(float(h.score) for h in hits)
    if any(h.decision == "confirmed" for h in hits):
        score = max(score, 0.99)
    return Finding(
        kind=KIND,
        subject_type="list_entity",
        subject=str(main.caption),
        headline=headline,
        score=min(score, 1.0),
        period_start=min(dates) if dates else None,
        period_end=max(dates) if dates else None,
        metrics={
            "lines": len(lines),
            "value_usd": round(value, 2),
            "lines_after_listing": len(after),
            "first_listing_date": first_listed,
            "spellings": spellings,
            "party_keys": sorted(members),
            "lists": lists,
            "programs": programs,
            "decisions": sorted({h.decision for h in hits if h.decision}),
        },
        evidence=Evidence(
            query=(
                "SELECT l.*, s.* FROM party_links l JOIN screen_parties p USING (party_key)"
                " JOIN shipments s ON s.shipper_name = p.name OR s.consignee_name = p.name"
                " WHERE l.party_key IN (" + ", ".join(f"'{k}'" for k in sorted(members)) + ")"
            ),
            rows=[RowRef("shipments", int(r.source_id), int(r.source_line)) for r in lines],
            entities=[f"{lst}:{eid}" for lst, eid in entities],
            table=_hit_table(hits),
            notes=sorted({h.explanation for h in hits}),
        ),
    )


def build_findings(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """One finding per party with a confirmed hit, or a strong hit not dismissed."""
    by_party = _strong_links(con)
    if not by_party:
        return []
    lines = _party_lines(con, by_party)
    found = (_cluster_finding(members, by_party, lines) for members in _clusters(by_party))
    return [f for f in found if f is not None]
