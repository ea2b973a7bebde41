"""``dualtrace screen --parties``: screen every shipper and consignee of the warehouse.

A party is a distinct (name, country, id) as written on the declarations. Hits above the
threshold go to ``party_links`` with their score and explanation. Later runs screen only what is
new: parties not screened yet against all lists, and - when a list version was loaded since - all
parties against only the entities that version added or changed; links to entities that were
removed or changed are dropped first. Analysts' decisions (``screen_reviews``) are applied to
every run: a dismissed pair stays dismissed. Confirmed hits, and strong ones (score >=
``STRONG``) not dismissed, become ``sanctioned_counterparty`` findings with the shipments as
evidence.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import duckdb
import pyarrow as pa

from dualtrace.findings import Evidence, Finding, RowRef, record_run
from dualtrace.normalize.party_keys import party_key
from dualtrace.screening.engine import Screener
from dualtrace.screening.score import DEFAULT_THRESHOLD, Query, Scored
from dualtrace.warehouse.db import bulk_insert, fetch_one, transaction

__all__ = ["STRONG", "PartiesReport", "screen_parties"]

STRONG = 0.9
BATCH = 5000
KIND = "sanctioned_counterparty"


@dataclass
class PartiesReport:
    parties: int = 0
    screened_new: int = 0
    rescreened: int = 0
    changed_entities: int = 0
    links: int = 0
    dismissed: int = 0
    findings: int = 0
    run_id: str | None = None
    hits: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "hits"}


Party = tuple[str, str, str | None, str | None, list[str], int]


def inferred_ids(parties: list[Party]) -> dict[str, str]:
    """An id for parties written without one, borrowed from declarations that give the same
    name (same normalised form and country) with an id - when they all give the same id."""
    from dualtrace.normalize.names import analyze

    known: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for _, name, country, pid, _, _ in parties:
        if pid:
            known[(analyze(name).norm, country)].add(pid.strip().upper())
    out = {}
    for key, name, country, pid, _, _ in parties:
        if not pid:
            ids = known.get((analyze(name).norm, country), set())
            if len(ids) == 1:
                out[key] = next(iter(ids))
    return out


def _parties(con: duckdb.DuckDBPyConnection) -> list[Party]:
    rows = con.execute(
        """
        WITH p AS (
            SELECT shipper_name AS name, shipper_country AS country, shipper_id AS pid, 'shipper' AS role
            FROM shipments
            UNION ALL
            SELECT consignee_name, consignee_country, consignee_id, 'consignee' FROM shipments
        )
        SELECT name, country, nullif(trim(pid), '') AS pid, list(DISTINCT role ORDER BY role), count(*)
        FROM p WHERE name IS NOT NULL AND trim(name) <> ''
        GROUP BY name, country, nullif(trim(pid), '')
        ORDER BY name, country, pid
        """
    ).fetchall()
    return [(party_key(r[0], r[1], r[2]), r[0], r[1], r[2], list(r[3]), int(r[4])) for r in rows]


def _decisions(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str], str]:
    rows = con.execute(
        "SELECT party_key, list, entity_id, arg_max(decision, review_id) FROM screen_reviews GROUP BY 1, 2, 3"
    ).fetchall()
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def _link_rows(
    key: str,
    name: str,
    country: str | None,
    pid: str | None,
    hits: list[Scored],
    decisions: dict[tuple[str, str, str], str],
    borrowed: str | None = None,
) -> list[dict[str, Any]]:
    out = []
    for hit in hits:
        why = hit.explanation()
        if borrowed:
            why = f"id {borrowed} taken from other declarations of this name; " + why
        c = hit.candidate
        out.append(
            {
                "party_key": key,
                "name": name,
                "country": country,
                "party_id": pid,
                "list": c.list,
                "entity_id": c.entity_id,
                "caption": c.caption,
                "matched_name": hit.matched_name,
                "score": hit.score,
                "match_weight": hit.match_weight,
                "programs": c.programs,
                "listing_date": c.listing_date,
                "explanation": why,
                "features": json.dumps(hit.features, ensure_ascii=False),
                "decision": decisions.get((key, c.list, c.entity_id)),
            }
        )
    return out


def _insert_links(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    bulk_insert(con, "party_links", rows)


def screen_parties(
    con: duckdb.DuckDBPyConnection,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> PartiesReport:
    """Screen shipment parties incrementally (``full``: all parties against all lists), in one
    transaction: the index build, the links, the parties' watermarks and the run's findings
    (their blocks join it), so a kill at any moment leaves the warehouse as it was."""
    with transaction(con):
        return _screen_parties(con, threshold=threshold, full=full, progress=progress)


def _screen_parties(
    con: duckdb.DuckDBPyConnection,
    *,
    threshold: float,
    full: bool,
    progress: Callable[[int, int], None] | None,
) -> PartiesReport:
    report = PartiesReport()
    screener = Screener(con)
    watermark = int(fetch_one(con, "SELECT coalesce(max(version_id), 0) FROM list_versions")[0])
    parties = _parties(con)
    report.parties = len(parties)
    if full:
        con.execute("DELETE FROM party_links")
        con.execute("DELETE FROM screen_parties")
    seen = {r[0]: r[1] for r in con.execute("SELECT party_key, watermark FROM screen_parties").fetchall()}
    new = [p for p in parties if p[0] not in seen]
    old = [p for p in parties if p[0] in seen]
    last = min(seen.values()) if seen else watermark
    changed: list[tuple[str, str]] = []
    if old and last < watermark:
        changed = [
            (r[0], r[1])
            for r in con.execute(
                "SELECT DISTINCT list, entity_id FROM list_changes WHERE version_id > ?"
                " AND change IN ('added', 'changed', 'removed')",
                [last],
            ).fetchall()
        ]
    report.changed_entities = len(changed)
    decisions = _decisions(con)
    link_rows: list[dict[str, Any]] = []
    done = 0

    borrowed = inferred_ids(parties)

    def run(batch: list[Party], restrict: list[tuple[str, str]] | None) -> None:
        nonlocal done
        queries = []
        for p in batch:
            ident = p[3] or borrowed.get(p[0])
            queries.append(Query(p[1], p[2], (ident,) if ident else ()))
        results = screener.screen(queries, threshold=threshold, limit=5, restrict=restrict)
        for party, hits in zip(batch, results, strict=True):
            link_rows.extend(
                _link_rows(party[0], party[1], party[2], party[3], hits, decisions, borrowed.get(party[0]))
            )
        done += len(batch)
        if progress is not None:
            progress(done, len(new) + (len(old) if changed else 0))

    for start in range(0, len(new), BATCH):
        run(new[start : start + BATCH], None)
    report.screened_new = len(new)
    if changed:
        for start in range(0, len(old), BATCH):
            run(old[start : start + BATCH], changed)
        report.rescreened = len(old)
    with transaction(con):
        if changed:
            con.register(
                "_dt_changed",
                pa.table({"list": [c[0] for c in changed], "entity_id": [c[1] for c in changed]}),
            )
            try:
                con.execute(
                    "DELETE FROM party_links"
                    " WHERE (list, entity_id) IN (SELECT (list, entity_id) FROM _dt_changed)"
                )
            finally:
                con.unregister("_dt_changed")
        _insert_links(con, link_rows)
        screened = new + (old if changed else [])
        if screened:
            con.register(
                "_dt_parties",
                pa.table(
                    {
                        "party_key": [p[0] for p in screened],
                        "name": [p[1] for p in screened],
                        "country": [p[2] for p in screened],
                        "party_id": [p[3] for p in screened],
                        "roles": [p[4] for p in screened],
                        "lines": [p[5] for p in screened],
                    }
                ),
            )
            try:
                con.execute(
                    "INSERT OR REPLACE INTO screen_parties"
                    " (party_key, name, country, party_id, roles, lines, watermark)"
                    " SELECT party_key, name, country, party_id, roles, lines, ? FROM _dt_parties",
                    [watermark],
                )
            finally:
                con.unregister("_dt_parties")
        con.execute("UPDATE screen_parties SET watermark = ?", [watermark])
    report.links = int(fetch_one(con, "SELECT count(*) FROM party_links")[0])
    report.dismissed = int(fetch_one(con, "SELECT count(*) FROM party_links WHERE decision = 'dismissed'")[0])
    findings = build_findings(con)
    report.findings = len(findings)
    report.run_id = record_run(con, "screen --parties", findings, {"threshold": threshold, "full": full})
    report.hits = hits_summary(con)
    return report


def hits_summary(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = con.execute(
        "SELECT l.name, l.country, l.party_id, l.list, l.entity_id, l.caption, round(l.score, 3) AS score,"
        " l.decision, p.lines, l.explanation FROM party_links l JOIN screen_parties p USING (party_key)"
        " ORDER BY l.score DESC, p.lines DESC, l.name"
    )
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


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
        "SELECT party_key, name, country, party_id, list, entity_id, caption, score, programs, listing_date,"
        " explanation, decision FROM party_links"
        " WHERE decision = 'confirmed' OR (score >= ? AND coalesce(decision, '') <> 'dismissed')"
        " ORDER BY party_key, score DESC",
        [STRONG],
    ).fetchall()
    by_party: dict[str, list[_Link]] = defaultdict(list)
    for row in rows:
        by_party[row[0]].append(_Link._make(row))
    return by_party


def _party_lines(con: duckdb.DuckDBPyConnection, by_party: dict[str, list[_Link]]) -> dict[str, list[_Line]]:
    """Per party, the declaration lines that write it as shipper or consignee."""
    keys = list(by_party)
    con.register(
        "_dt_fparties",
        pa.table(
            {
                "party_key": keys,
                "name": [by_party[k][0].name for k in keys],
                "country": [by_party[k][0].country or "" for k in keys],
                "pid": [by_party[k][0].party_id or "" for k in keys],
            }
        ),
    )
    try:
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
    finally:
        con.unregister("_dt_fparties")
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
    ("programs", "programs"),
    ("listing_date", "listing_date"),
    ("decision", "decision"),
)


def _hit_table(hits: list[_Link]) -> list[dict[str, Any]]:
    table = [{column: getattr(h, name) for column, name in _HIT_COLUMNS} for h in hits]
    for row in table:
        row["score"] = round(float(row["score"]), 4)
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
