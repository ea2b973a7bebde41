"""Write a parsed list version into the warehouse and record what changed since the last one.

A full version replaces the list's active set: entities that are new are *added*, those whose
schema or properties differ are *changed*, those missing are *removed* (kept with active =
false). A delta (OpenSanctions ADD/MOD/DEL) is applied in place. Every version is a row of
``list_versions`` and every change a row of ``list_changes``. Table contract: see
``dualtrace.lists`` (the package docstring).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.errors import InputError
from dualtrace.lists import history
from dualtrace.lists.entity_rows import (
    delete_for,
    entity_row,
    insert_tuples,
    rollups,
    write_details,
)
from dualtrace.lists.model import Batch, ListEntity
from dualtrace.warehouse.db import bulk_insert, fetch_one, register_frame, transaction

__all__ = ["VersionReport", "file_sha256", "store"]


@dataclass
class VersionReport:
    list_name: str
    layout: str
    version_id: int | None
    version_date: date | None
    status: str  # loaded | already-loaded
    entities: int = 0
    targets: int = 0
    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0
    names: int = 0
    ids: int = 0
    duration_s: float = 0.0
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """What a face shows: the fields in this order, the list name as ``list``, files joined."""
        shown = {name: getattr(self, name) for name in _SHOWN}
        return {"list": self.list_name, **shown, "files": ", ".join(self.files)}


_SHOWN = (
    "layout", "version_id", "version_date", "status", "entities", "targets",
    "added", "removed", "changed", "unchanged", "names", "ids",
)  # fmt: skip


def file_sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _insert_entities(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    bulk_insert(con, "entities", rows)


@dataclass(frozen=True)
class _Version:
    """The version being written: its id, when its entries were seen, and the list's entities
    before it (entity_id -> (content_hash, active, target))."""

    id: int
    seen: datetime
    existing: dict[str, tuple[str, bool, bool]]


def store(
    con: duckdb.DuckDBPyConnection,
    batch: Batch,
    *,
    version_date: date | None = None,
    force: bool = False,
) -> VersionReport:
    """Store a parsed list version (or apply a delta). Idempotent per file content."""
    started = time.perf_counter()
    list_name = batch.list_name
    files = [str(p) for p in batch.files]
    sha = file_sha256(batch.files)
    vdate = version_date or batch.version_date
    report = VersionReport(
        list_name, batch.layout, None, vdate, "loaded", files=[Path(f).name for f in files]
    )
    report.notes.extend(batch.notes)
    done = fetch_one(
        con, "SELECT version_id FROM list_versions WHERE list = ? AND sha256 = ?", [list_name, sha]
    )
    if done:
        report.status = "already-loaded"
        report.version_id = done[0]
        return report
    previous = _previous_version(con, batch, report, force)
    seen = datetime.combine(vdate, datetime.min.time()) if vdate else datetime.now().replace(microsecond=0)
    existing = {
        row[0]: (row[1], row[2], row[3])
        for row in con.execute(
            "SELECT entity_id, content_hash, active, target FROM entities WHERE list = ?", [list_name]
        ).fetchall()
    }
    with transaction(con):
        version = _Version(int(fetch_one(con, "SELECT nextval('list_version_seq')")[0]), seen, existing)
        report.version_id = version.id
        (_apply_delta if batch.is_delta else _apply_full)(con, batch, report, version)
        report.duration_s = time.perf_counter() - started
        _record_version(con, batch, report, files, sha, previous[0] if previous else None)
    return report


def _previous_version(
    con: duckdb.DuckDBPyConnection, batch: Batch, report: VersionReport, force: bool
) -> tuple[Any, ...] | None:
    """The list's last full version (id, date); refuses a delta without one, and an older full
    version unless forced."""
    list_name, vdate = batch.list_name, report.version_date
    previous: tuple[Any, ...] | None = fetch_one(
        con,
        "SELECT version_id, version_date FROM list_versions WHERE list = ? AND NOT is_delta"
        " ORDER BY version_id DESC LIMIT 1",
        [list_name],
    )
    if batch.is_delta and previous is None:
        raise InputError(
            f"{report.files[0]}: a delta file needs its list loaded first (no version of {list_name!r} yet)"
        )
    if (
        previous is not None
        and not batch.is_delta
        and previous[1] is not None
        and vdate is not None
        and vdate < previous[1]
        and not force
    ):
        raise InputError(
            f"{report.files[0]} ({vdate}) is older than the loaded version of {list_name} ({previous[1]});"
            " load it into another --list name, or pass --force to make it current"
        )
    return previous


def _record_version(
    con: duckdb.DuckDBPyConnection,
    batch: Batch,
    report: VersionReport,
    files: list[str],
    sha: str,
    previous_id: int | None,
) -> None:
    con.execute(
        "INSERT INTO list_versions (version_id, list, layout, files, sha256, version_date, is_delta,"
        " previous_version, entities, targets, added, removed, changed, unchanged, duration_s)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            report.version_id,
            batch.list_name,
            batch.layout,
            json.dumps(files),
            sha,
            report.version_date,
            batch.is_delta,
            previous_id,
            report.entities,
            report.targets,
            report.added,
            report.removed,
            report.changed,
            report.unchanged,
            report.duration_s,
        ],
    )


def _changes(
    con: duckdb.DuckDBPyConnection,
    version_id: int,
    list_name: str,
    rows: list[tuple[str, str, str | None, str | None]],
) -> None:
    insert_tuples(
        con,
        "list_changes",
        ["version_id", "list", "entity_id", "change", "schema", "caption"],
        [(version_id, list_name, *r) for r in rows],
    )


def _update_entities(
    con: duckdb.DuckDBPyConnection, assignments: str, params: list[Any], list_name: str, ids: list[str]
) -> None:
    """SET ``assignments`` on the given entities of a list (ids passed as a table, not a literal)."""
    with register_frame(con, "_dt_ids", pa.table({"entity_id": ids})):
        con.execute(
            f"UPDATE entities SET {assignments}"
            " WHERE list = ? AND entity_id IN (SELECT entity_id FROM _dt_ids)",
            [*params, list_name],
        )


def _apply_full(
    con: duckdb.DuckDBPyConnection, batch: Batch, report: VersionReport, version: _Version
) -> None:
    list_name = batch.list_name
    existing, version_id, seen = version.existing, version.id, version.seen
    by_id: dict[str, ListEntity] = {}
    for entity in batch.entities:
        if entity.id in by_id:  # the same id twice in one file: merge values, as FtM does
            for prop, values in entity.properties.items():
                # as they came: FtM files keep properties the installed model may not know
                bucket = by_id[entity.id].properties.setdefault(prop, [])
                bucket.extend(v for v in values if v not in bucket)
            by_id[entity.id].target = by_id[entity.id].target or entity.target
        else:
            by_id[entity.id] = entity
    entities = list(by_id.values())
    rollup_of = rollups(entities)
    rows = {e.id: entity_row(list_name, e, rollup_of.get(e.id), version_id, seen) for e in entities}
    added, changed, unchanged = [], [], []
    for entity in entities:
        old = existing.get(entity.id)
        if old is None or not old[1]:
            added.append(entity)
        elif old[0] != rows[entity.id]["content_hash"]:
            changed.append(entity)
        else:
            unchanged.append(entity)
    removed = [eid for eid, (_, active, _) in existing.items() if active and eid not in by_id]
    report.entities = len(entities)
    report.targets = sum(1 for e in entities if e.target)
    # Counts are of targets (the listed parties); list_changes records every entity.
    report.added = sum(1 for e in added if e.target)
    report.changed = sum(1 for e in changed if e.target)
    report.unchanged = sum(1 for e in unchanged if e.target)
    report.removed = sum(1 for eid in removed if existing[eid][2])
    rewrite = [e.id for e in added + changed]
    # Keep first_seen of entities seen before (a re-listed or changed entity is not new to history).
    first_seen = {
        r[0]: r[1]
        for r in con.execute(
            "SELECT entity_id, first_seen FROM entities WHERE list = ?", [list_name]
        ).fetchall()
    }
    delete_for(con, list_name, rewrite, ["entities", "entity_names", "entity_ids", "entity_links"])
    new_rows = []
    for e in added + changed:
        row = rows[e.id]
        if e.id in first_seen and e.first_seen is None and first_seen[e.id] is not None:
            row["first_seen"] = min(first_seen[e.id], row["first_seen"])
        new_rows.append(row)
    _insert_entities(con, new_rows)
    history.record(con, list_name, version_id, list(rows.values()))
    report.names, report.ids = write_details(con, list_name, added + changed)
    if unchanged:
        _update_entities(
            con,
            "version_id = ?, last_seen = greatest(last_seen, ?::TIMESTAMP)",
            [version_id, seen],
            list_name,
            [e.id for e in unchanged],
        )
    if removed:
        _update_entities(con, "active = false, removed_in = ?", [version_id], list_name, removed)
    captions = {
        r[0]: (r[1], r[2])
        for r in con.execute(
            "SELECT entity_id, schema, caption FROM entities WHERE list = ?", [list_name]
        ).fetchall()
    }
    change_rows: list[tuple[str, str, str | None, str | None]] = []
    change_rows += [(e.id, "added", e.schema, e.display()) for e in added]
    change_rows += [(e.id, "changed", e.schema, e.display()) for e in changed]
    change_rows += [(eid, "removed", *captions.get(eid, (None, None))) for eid in removed]
    _changes(con, version_id, list_name, change_rows)


def _apply_delta(
    con: duckdb.DuckDBPyConnection, batch: Batch, report: VersionReport, version: _Version
) -> None:
    list_name = batch.list_name
    existing, version_id, seen = version.existing, version.id, version.seen
    upserts = [op.entity for op in batch.ops if op.op in ("ADD", "MOD") and op.entity is not None]
    deletes = [op.entity_id for op in batch.ops if op.op == "DEL"]
    rollup_of = rollups(upserts)
    change_rows: list[tuple[str, str, str | None, str | None]] = []
    rewrite = []
    for entity in upserts:
        old = existing.get(entity.id)
        kind = "added" if old is None or not old[1] else "changed"
        if entity.target and kind == "added":
            report.added += 1
        elif entity.target:
            report.changed += 1
        rewrite.append(entity.id)
        change_rows.append((entity.id, kind, entity.schema, entity.display()))
    delete_for(con, list_name, rewrite, ["entities", "entity_names", "entity_ids", "entity_links"])
    upsert_rows = [entity_row(list_name, e, rollup_of.get(e.id), version_id, seen) for e in upserts]
    _insert_entities(con, upsert_rows)
    # The version's contents: its base's, changed by the delta (unknown if the base was loaded
    # before contents were recorded).
    base = fetch_one(con, "SELECT max(version_id) FROM list_versions WHERE list = ?", [list_name])
    if (
        base
        and base[0] is not None
        and fetch_one(con, "SELECT 1 FROM list_version_entities WHERE version_id = ? LIMIT 1", [base[0]])
    ):
        history.record(con, list_name, version_id, upsert_rows, base_version=int(base[0]), dropped=deletes)
    report.names, report.ids = write_details(con, list_name, upserts)
    gone = [d for d in deletes if d in existing and existing[d][1]]
    if gone:
        _update_entities(con, "active = false, removed_in = ?", [version_id], list_name, gone)
        change_rows += [(d, "removed", None, None) for d in gone]
    report.removed = sum(1 for d in gone if existing[d][2])
    missing = [d for d in deletes if d not in existing or not existing[d][1]]
    if missing:
        report.notes.append(f"{len(missing)} DEL operation(s) for entities not in {list_name}")
    counts = fetch_one(
        con,
        "SELECT count(*), count(*) FILTER (WHERE target) FROM entities WHERE list = ? AND active",
        [list_name],
    )
    report.entities, report.targets = int(counts[0]), int(counts[1])
    _changes(con, version_id, list_name, change_rows)
