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
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from followthemoney import model
from followthemoney.types import registry

from dualtrace.errors import InputError
from dualtrace.lists import history
from dualtrace.lists.model import Batch, ListEntity, iso_timestamp, parse_date
from dualtrace.normalize.identifiers import PROPERTY_SCHEMES, normalize_id, scheme_of, split_ids
from dualtrace.normalize.names import analyze
from dualtrace.reference import resolve as resolve_country
from dualtrace.warehouse.db import fetch_one, transaction

__all__ = ["VersionReport", "file_sha256", "store"]

# Identifier-typed properties that identify a programme or record, not the entity.
_NOT_IDS = {"programId", "authorityId", "unscId", "recordId"}


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
        return {
            "list": self.list_name,
            "layout": self.layout,
            "version_id": self.version_id,
            "version_date": self.version_date,
            "status": self.status,
            "entities": self.entities,
            "targets": self.targets,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "names": self.names,
            "ids": self.ids,
            "files": ", ".join(self.files),
        }


def file_sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _prop_type(schema_name: str, prop: str) -> Any:
    schema = model.get(schema_name)
    if schema is None or prop not in schema.properties:
        return None
    return schema.properties[prop].type


def _rollups(entities: list[ListEntity]) -> dict[str, tuple[list[str], str | None]]:
    """programs and first listing date of each entity, from itself and its Sanction records."""
    programs: dict[str, list[str]] = defaultdict(list)
    dates: dict[str, list[str]] = defaultdict(list)

    def note(entity_id: str, source: ListEntity) -> None:
        for prop in ("program", "programId"):
            for value in source.properties.get(prop, []):
                if value not in programs[entity_id]:
                    programs[entity_id].append(value)
        for prop in ("listingDate", "startDate"):
            for value in source.properties.get(prop, []):
                if parsed := parse_date(value):
                    dates[entity_id].append(parsed)

    for entity in entities:
        if entity.schema == "Sanction":
            for target in entity.properties.get("entity", []):
                note(target, entity)
        elif entity.target:
            note(entity.id, entity)
    out: dict[str, tuple[list[str], str | None]] = {}
    for entity_id in set(programs) | set(dates):
        full = [d for d in dates.get(entity_id, []) if len(d) == 10]
        out[entity_id] = (programs.get(entity_id, []), min(full) if full else None)
    return out


def _entity_row(
    list_name: str,
    entity: ListEntity,
    rollup: tuple[list[str], str | None] | None,
    version_id: int,
    seen: datetime,
) -> dict[str, Any]:
    countries: list[str] = []
    for prop, values in entity.properties.items():
        if _prop_type(entity.schema, prop) == registry.country:
            for value in values:
                code = resolve_country(value)
                if code and code not in countries:
                    countries.append(code)
    programs, listing = rollup or ([], None)
    return {
        "list": list_name,
        "entity_id": entity.id,
        "schema": entity.schema,
        "caption": entity.display(),
        "properties": json.dumps(entity.properties, ensure_ascii=False, sort_keys=True),
        "datasets": entity.datasets or [list_name],
        "target": entity.target,
        "programs": programs,
        "listing_date": date.fromisoformat(listing) if listing else None,
        "topics": entity.properties.get("topics", []),
        "countries": countries,
        "first_seen": iso_timestamp(entity.first_seen) or seen,
        "last_seen": iso_timestamp(entity.last_seen) or seen,
        "last_change": iso_timestamp(entity.last_change) or seen,
        "active": True,
        "version_id": version_id,
        "removed_in": None,
        "content_hash": entity.content_hash(),
    }


def _flatten(list_name: str, entity: ListEntity) -> tuple[list[tuple[Any, ...]], ...]:
    names: list[tuple[Any, ...]] = []
    ids: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    known = model.get(entity.schema) is not None
    for prop, values in entity.properties.items():
        ptype = _prop_type(entity.schema, prop)
        is_name = ptype == registry.name if known else prop in ("name", "alias", "weakAlias", "previousName")
        if is_name and entity.schema != "Sanction":
            for value in values:
                key = analyze(value)
                names.append((list_name, entity.id, prop, value, key.norm, key.latin, key.script))
        elif ptype == registry.identifier and prop not in _NOT_IDS and entity.schema != "Sanction":
            hint = PROPERTY_SCHEMES.get(prop, prop.lower())
            seen: set[tuple[str, str]] = set()
            for value in values:
                for part in split_ids(value):
                    norm = normalize_id(part)
                    if len(norm) < 3:
                        continue
                    scheme = scheme_of(norm, hint)
                    if (scheme, norm) not in seen:
                        seen.add((scheme, norm))
                        ids.append((list_name, entity.id, prop, scheme, norm, value))
        elif ptype == registry.entity:
            for value in values:
                links.append((list_name, entity.id, prop, value))
    return names, ids, links


_ENTITY_COLUMNS = [
    "list",
    "entity_id",
    "schema",
    "caption",
    "properties",
    "datasets",
    "target",
    "programs",
    "listing_date",
    "topics",
    "countries",
    "first_seen",
    "last_seen",
    "last_change",
    "active",
    "version_id",
    "removed_in",
    "content_hash",
]
_ARROW_ENTITY = pa.schema(
    [
        ("list", pa.string()),
        ("entity_id", pa.string()),
        ("schema", pa.string()),
        ("caption", pa.string()),
        ("properties", pa.string()),
        ("datasets", pa.list_(pa.string())),
        ("target", pa.bool_()),
        ("programs", pa.list_(pa.string())),
        ("listing_date", pa.date32()),
        ("topics", pa.list_(pa.string())),
        ("countries", pa.list_(pa.string())),
        ("first_seen", pa.timestamp("us")),
        ("last_seen", pa.timestamp("us")),
        ("last_change", pa.timestamp("us")),
        ("active", pa.bool_()),
        ("version_id", pa.int32()),
        ("removed_in", pa.int32()),
        ("content_hash", pa.string()),
    ]
)


def _insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    if not rows:
        return
    arrow = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
    con.register("_dt_rows", arrow)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM _dt_rows")
    finally:
        con.unregister("_dt_rows")


def _insert_entities(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    arrow = pa.Table.from_pylist(rows, schema=_ARROW_ENTITY)
    con.register("_dt_entities", arrow)
    try:
        cols = ", ".join(_ENTITY_COLUMNS)
        select = ", ".join("properties::JSON" if c == "properties" else c for c in _ENTITY_COLUMNS)
        con.execute(f"INSERT INTO entities ({cols}) SELECT {select} FROM _dt_entities")
    finally:
        con.unregister("_dt_entities")


def _delete_for(con: duckdb.DuckDBPyConnection, list_name: str, ids: list[str], tables: list[str]) -> None:
    if not ids:
        return
    con.register("_dt_ids", pa.table({"entity_id": ids}))
    try:
        for table in tables:
            con.execute(
                f"DELETE FROM {table} WHERE list = ? AND entity_id IN (SELECT entity_id FROM _dt_ids)",
                [list_name],
            )
    finally:
        con.unregister("_dt_ids")


def _write_details(
    con: duckdb.DuckDBPyConnection, list_name: str, entities: list[ListEntity]
) -> tuple[int, int]:
    names: list[tuple[Any, ...]] = []
    ids: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    for entity in entities:
        n, i, lk = _flatten(list_name, entity)
        names.extend(n)
        ids.extend(i)
        links.extend(lk)
    _insert_rows(con, "entity_names", ["list", "entity_id", "prop", "name", "norm", "latin", "script"], names)
    _insert_rows(con, "entity_ids", ["list", "entity_id", "prop", "scheme", "value", "raw"], ids)
    _insert_rows(con, "entity_links", ["list", "entity_id", "prop", "target_id"], links)
    return len(names), len(ids)


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
    previous = fetch_one(
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
    seen = datetime.combine(vdate, datetime.min.time()) if vdate else datetime.now().replace(microsecond=0)
    existing = {
        row[0]: (row[1], row[2], row[3])
        for row in con.execute(
            "SELECT entity_id, content_hash, active, target FROM entities WHERE list = ?", [list_name]
        ).fetchall()
    }
    with transaction(con):
        version_id = int(fetch_one(con, "SELECT nextval('list_version_seq')")[0])
        report.version_id = version_id
        if batch.is_delta:
            _apply_delta(con, batch, report, existing, version_id, seen)
        else:
            _apply_full(con, batch, report, existing, version_id, seen)
        report.duration_s = time.perf_counter() - started
        con.execute(
            "INSERT INTO list_versions (version_id, list, layout, files, sha256, version_date, is_delta,"
            " previous_version, entities, targets, added, removed, changed, unchanged, duration_s)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                version_id,
                list_name,
                batch.layout,
                json.dumps(files),
                sha,
                vdate,
                batch.is_delta,
                previous[0] if previous else None,
                report.entities,
                report.targets,
                report.added,
                report.removed,
                report.changed,
                report.unchanged,
                report.duration_s,
            ],
        )
    return report


def _changes(
    con: duckdb.DuckDBPyConnection,
    version_id: int,
    list_name: str,
    rows: list[tuple[str, str, str | None, str | None]],
) -> None:
    _insert_rows(
        con,
        "list_changes",
        ["version_id", "list", "entity_id", "change", "schema", "caption"],
        [(version_id, list_name, *r) for r in rows],
    )


def _update_entities(
    con: duckdb.DuckDBPyConnection, assignments: str, params: list[Any], list_name: str, ids: list[str]
) -> None:
    """SET ``assignments`` on the given entities of a list (ids passed as a table, not a literal)."""
    con.register("_dt_ids", pa.table({"entity_id": ids}))
    try:
        con.execute(
            f"UPDATE entities SET {assignments}"
            " WHERE list = ? AND entity_id IN (SELECT entity_id FROM _dt_ids)",
            [*params, list_name],
        )
    finally:
        con.unregister("_dt_ids")


def _apply_full(
    con: duckdb.DuckDBPyConnection,
    batch: Batch,
    report: VersionReport,
    existing: dict[str, tuple[str, bool, bool]],
    version_id: int,
    seen: datetime,
) -> None:
    list_name = batch.list_name
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
    rollups = _rollups(entities)
    rows = {e.id: _entity_row(list_name, e, rollups.get(e.id), version_id, seen) for e in entities}
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
    _delete_for(con, list_name, rewrite, ["entities", "entity_names", "entity_ids", "entity_links"])
    new_rows = []
    for e in added + changed:
        row = rows[e.id]
        if e.id in first_seen and e.first_seen is None and first_seen[e.id] is not None:
            row["first_seen"] = min(first_seen[e.id], row["first_seen"])
        new_rows.append(row)
    _insert_entities(con, new_rows)
    history.record(con, list_name, version_id, list(rows.values()))
    report.names, report.ids = _write_details(con, list_name, added + changed)
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
    con: duckdb.DuckDBPyConnection,
    batch: Batch,
    report: VersionReport,
    existing: dict[str, tuple[str, bool, bool]],
    version_id: int,
    seen: datetime,
) -> None:
    list_name = batch.list_name
    upserts = [op.entity for op in batch.ops if op.op in ("ADD", "MOD") and op.entity is not None]
    deletes = [op.entity_id for op in batch.ops if op.op == "DEL"]
    rollups = _rollups(upserts)
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
    _delete_for(con, list_name, rewrite, ["entities", "entity_names", "entity_ids", "entity_links"])
    upsert_rows = [_entity_row(list_name, e, rollups.get(e.id), version_id, seen) for e in upserts]
    _insert_entities(con, upsert_rows)
    # The version's contents: its base's, changed by the delta (unknown if the base was loaded
    # before contents were recorded).
    base = fetch_one(con, "SELECT max(version_id) FROM list_versions WHERE list = ?", [list_name])
    if base and base[0] is not None and fetch_one(
        con, "SELECT 1 FROM list_version_entities WHERE version_id = ? LIMIT 1", [base[0]]
    ):
        history.record(con, list_name, version_id, upsert_rows, base_version=int(base[0]), dropped=deletes)
    report.names, report.ids = _write_details(con, list_name, upserts)
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
