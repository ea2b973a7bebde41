"""``dualtrace screen --parties``: screen every shipper and consignee of the warehouse.

A party is a distinct (name, country, id) as written on the declarations. Hits above the
threshold go to ``party_links`` with their score and explanation. Later runs screen only what is
new: parties not screened yet against all lists, and - when a list version was loaded since - all
parties against only the entities that version added or changed; links to entities that were
removed or changed are dropped first. Analysts' decisions (``screen_reviews``) are applied to
every run: a dismissed pair stays dismissed. Confirmed hits, and strong ones not dismissed,
become ``sanctioned_counterparty`` findings with the shipments as evidence (``party_findings.py``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.findings import record_run
from dualtrace.normalize.party_keys import party_key
from dualtrace.screening.engine import Screener
from dualtrace.screening.party_findings import build_findings
from dualtrace.screening.score import DEFAULT_THRESHOLD, Query, Scored
from dualtrace.warehouse.db import bulk_insert, fetch_one, register_frame, transaction

__all__ = ["PartiesReport", "screen_parties"]

BATCH = 5000


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
# parties screened together, against the changed entities only or (None) every entity
Batch = tuple[list[Party], list[tuple[str, str]] | None]


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
                "calibrated": hit.calibrated,
                "calibration": json.dumps([part.__dict__ for part in hit.calibration], ensure_ascii=False),
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
    changed = _changed_entities(con, last) if old and last < watermark else []
    report.changed_entities = len(changed)
    batches: list[Batch] = [(new[i : i + BATCH], None) for i in range(0, len(new), BATCH)]
    if changed:
        batches += [(old[i : i + BATCH], changed) for i in range(0, len(old), BATCH)]
    link_rows = _screen_batches(
        screener, batches, inferred_ids(parties), _decisions(con), threshold, progress
    )
    report.screened_new = len(new)
    if changed:
        report.rescreened = len(old)
    with transaction(con):
        _drop_links(con, changed)
        _insert_links(con, link_rows)
        _mark_screened(con, new + (old if changed else []), watermark)
    report.links = int(fetch_one(con, "SELECT count(*) FROM party_links")[0])
    report.dismissed = int(fetch_one(con, "SELECT count(*) FROM party_links WHERE decision = 'dismissed'")[0])
    findings = build_findings(con)
    report.findings = len(findings)
    report.run_id = record_run(con, "screen --parties", findings, {"threshold": threshold, "full": full})
    report.hits = hits_summary(con)
    return report


def _changed_entities(con: duckdb.DuckDBPyConnection, last: int) -> list[tuple[str, str]]:
    """The list entities added, changed or removed by list versions loaded after ``last``."""
    return [
        (r[0], r[1])
        for r in con.execute(
            "SELECT DISTINCT list, entity_id FROM list_changes WHERE version_id > ?"
            " AND change IN ('added', 'changed', 'removed')",
            [last],
        ).fetchall()
    ]


def _screen_batches(
    screener: Screener,
    batches: list[Batch],
    borrowed: dict[str, str],
    decisions: dict[tuple[str, str, str], str],
    threshold: float,
    progress: Callable[[int, int], None] | None,
) -> list[dict[str, Any]]:
    """The party_links rows of each batch of parties (restricted to the changed entities when
    given), progress reported after each batch."""
    total = sum(len(batch) for batch, _ in batches)
    link_rows: list[dict[str, Any]] = []
    done = 0
    for batch, restrict in batches:
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
            progress(done, total)
    return link_rows


def _drop_links(con: duckdb.DuckDBPyConnection, changed: list[tuple[str, str]]) -> None:
    """Drop the links to changed or removed entities (they were screened again)."""
    if not changed:
        return
    frame = pa.table({"list": [c[0] for c in changed], "entity_id": [c[1] for c in changed]})
    with register_frame(con, "_dt_changed", frame):
        con.execute(
            "DELETE FROM party_links WHERE (list, entity_id) IN (SELECT (list, entity_id) FROM _dt_changed)"
        )


def _mark_screened(con: duckdb.DuckDBPyConnection, screened: list[Party], watermark: int) -> None:
    """Record the screened parties, and every party as screened up to ``watermark``."""
    if screened:
        frame = pa.table(
            {
                "party_key": [p[0] for p in screened],
                "name": [p[1] for p in screened],
                "country": [p[2] for p in screened],
                "party_id": [p[3] for p in screened],
                "roles": [p[4] for p in screened],
                "lines": [p[5] for p in screened],
            }
        )
        with register_frame(con, "_dt_parties", frame):
            con.execute(
                "INSERT OR REPLACE INTO screen_parties"
                " (party_key, name, country, party_id, roles, lines, watermark)"
                " SELECT party_key, name, country, party_id, roles, lines, ? FROM _dt_parties",
                [watermark],
            )
    con.execute("UPDATE screen_parties SET watermark = ?", [watermark])


def hits_summary(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = con.execute(
        "SELECT l.name, l.country, l.party_id, l.list, l.entity_id, l.caption, round(l.score, 3) AS score,"
        " l.decision, p.lines, l.explanation FROM party_links l JOIN screen_parties p USING (party_key)"
        " ORDER BY l.score DESC, p.lines DESC, l.name"
    )
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
