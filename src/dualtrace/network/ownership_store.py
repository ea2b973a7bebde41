"""The ``ownership`` table: one row per stake or control relation, whatever its source.

``parent`` and ``child`` are node references that party resolution turns into parties:
``entity:<list>:<entity_id>`` (a list entity), ``lei:<LEI>`` (a GLEIF record) or
``own:<hash>`` (a company or person named only in a user's ownership file). ``share`` is a
percentage (0-100) or NULL when the source gives none (a DoD 1260H parent, a GLEIF accounting
consolidation, an FtM "subsidiary of" without a figure). A stake whose ``end_date`` has passed
is history, not current (``is_current``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import duckdb

from dualtrace.warehouse.db import bulk_insert, fetch_one, transaction

__all__ = ["Edge", "LoadReport", "insert_edges", "is_current", "node_ref", "record_load"]


@dataclass
class Edge:
    ownership_id: str
    source: str
    parent: str
    child: str
    relation: str
    share: float | None = None
    parent_name: str | None = None
    parent_id: str | None = None
    parent_country: str | None = None
    parent_schema: str | None = None
    child_name: str | None = None
    child_id: str | None = None
    child_country: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class LoadReport:
    source: str
    layout: str
    files: list[str]
    status: str = "loaded"
    load_id: int | None = None
    records: int = 0
    edges: int = 0
    nodes: int = 0
    current: int = 0
    ended: int = 0
    without_share: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def node_ref(name: str | None, ident: str | None, country: str | None = None) -> str:
    """A stable reference for an owner or company known only by name / id / country."""
    text = "|".join([(ident or "").strip().upper(), " ".join((name or "").split()).upper(), country or ""])
    return "own:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def is_current(start: date | None, end: date | None, as_of: date) -> bool:
    """A stake counts on ``as_of`` when it has begun and not ended (an end date in the past is
    history)."""
    return (start is None or start <= as_of) and (end is None or end > as_of)


def insert_edges(con: duckdb.DuckDBPyConnection, edges: list[Edge], load_id: int | None) -> None:
    if not edges:
        return
    rows = []
    for e in edges:
        row = asdict(e)
        row["load_id"] = load_id
        row["evidence"] = json.dumps(e.evidence, ensure_ascii=False, default=str)
        rows.append(row)
    bulk_insert(con, "ownership", rows)


def record_load(
    con: duckdb.DuckDBPyConnection, report: LoadReport, sha256: str, edges: list[Edge], as_of: date
) -> None:
    """Replace the source's earlier rows with these edges and record the load."""
    load_id = int(fetch_one(con, "SELECT nextval('ownership_load_seq')")[0])
    report.load_id = load_id
    report.edges = len(edges)
    report.nodes = len({e.parent for e in edges} | {e.child for e in edges})
    report.current = sum(1 for e in edges if is_current(e.start_date, e.end_date, as_of))
    report.ended = report.edges - report.current
    report.without_share = sum(1 for e in edges if e.share is None)
    con.execute("DELETE FROM ownership WHERE source = ?", [report.source])
    insert_edges(con, edges, load_id)
    con.execute(
        "INSERT INTO ownership_loads (load_id, source, layout, files, sha256, records, edges, skipped)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            report.source,
            report.layout,
            json.dumps(report.files),
            sha256,
            report.records,
            len(edges),
            json.dumps(report.skipped),
        ],
    )


def store_once(
    con: duckdb.DuckDBPyConnection, report: LoadReport, sha256: str, edges: list[Edge], as_of: date | None
) -> LoadReport:
    """Record a load unless the same file is already loaded under the same source name."""
    row = fetch_one(
        con, "SELECT load_id FROM ownership_loads WHERE sha256 = ? AND source = ?", [sha256, report.source]
    )
    if row and fetch_one(con, "SELECT count(*) FROM ownership WHERE load_id = ?", [row[0]])[0]:
        report.status = "already-loaded"
        report.load_id = int(row[0])
        report.edges = len(edges)
        return report
    with transaction(con):
        record_load(con, report, sha256, edges, as_of or date.today())
    return report
