"""What each list version contained: written by the store with every load, read by `lists
versions` and `lists diff` (tables list_entity_states, list_version_entities)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.errors import InputError

__all__ = ["State", "record", "states", "versions"]


@dataclass(frozen=True)
class State:
    entity_id: str
    schema: str
    caption: str | None
    target: bool
    properties: dict[str, list[str]]


# What a version records of each entity row.
_STATE = pa.schema(
    {"entity_id": pa.string(), "content_hash": pa.string(), "schema": pa.string(),
     "caption": pa.string(), "target": pa.bool_(), "properties": pa.string()}
)  # fmt: skip


def record(
    con: duckdb.DuckDBPyConnection,
    list_name: str,
    version_id: int,
    rows: list[dict[str, Any]],
    *,
    base_version: int | None = None,
    dropped: list[str] | None = None,
) -> None:
    """Record the contents of a version: ``rows`` (entity rows as the store writes them) and, for
    a delta, the entities of ``base_version`` not rewritten by it nor in ``dropped``."""
    table = pa.Table.from_pylist(rows, schema=_STATE)  # the rows' other columns are left out
    con.register("_dt_states", table)
    try:
        # Only contents not seen before: most entities are unchanged between versions.
        con.execute(
            "INSERT INTO list_entity_states"
            " SELECT DISTINCT ON (entity_id, content_hash) ?, entity_id, content_hash, schema, caption,"
            " target, properties::JSON FROM _dt_states s WHERE NOT EXISTS (SELECT 1 FROM"
            " list_entity_states o WHERE o.list = ? AND o.entity_id = s.entity_id"
            " AND o.content_hash = s.content_hash)",
            [list_name, list_name],
        )
        con.execute(
            "INSERT INTO list_version_entities SELECT DISTINCT ON (entity_id) ?, entity_id, content_hash"
            " FROM _dt_states",
            [version_id],
        )
        if base_version is not None:
            con.register("_dt_dropped", pa.table({"entity_id": pa.array(dropped or [], pa.string())}))
            try:
                con.execute(
                    "INSERT INTO list_version_entities SELECT ?, entity_id, content_hash"
                    " FROM list_version_entities b WHERE b.version_id = ?"
                    " AND entity_id NOT IN (SELECT entity_id FROM _dt_states)"
                    " AND entity_id NOT IN (SELECT entity_id FROM _dt_dropped)",
                    [version_id, base_version],
                )
            finally:
                con.unregister("_dt_dropped")
    finally:
        con.unregister("_dt_states")


def versions(con: duckdb.DuckDBPyConnection, list_name: str | None = None) -> list[dict[str, Any]]:
    """Each version of each list (or of one): id, loaded at, files, sha256, entries."""
    where = "WHERE v.list = ?" if list_name else ""
    cursor = con.execute(
        "SELECT v.list, v.version_id, v.version_date, v.loaded_at, v.files, v.sha256, v.is_delta,"
        " v.entities, v.targets, v.added, v.removed, v.changed,"
        " EXISTS (SELECT 1 FROM list_version_entities m WHERE m.version_id = v.version_id) AS diffable"
        f" FROM list_versions v {where} ORDER BY v.list, v.version_id",
        [list_name] if list_name else [],
    )
    columns = [d[0] for d in cursor.description or []]
    out = []
    for row in cursor.fetchall():
        record_ = dict(zip(columns, row, strict=True))
        files = json.loads(record_["files"]) if isinstance(record_["files"], str) else record_["files"]
        record_["files"] = ", ".join(str(f).rsplit("/", 1)[-1] for f in files)
        record_["loaded_at"] = record_["loaded_at"].replace(microsecond=0)
        out.append(record_)
    if list_name and not out:
        known = [r[0] for r in con.execute("SELECT DISTINCT list FROM list_versions ORDER BY 1").fetchall()]
        raise InputError(f"no versions of list {list_name!r}; loaded lists: {', '.join(known) or 'none'}")
    return out


def states(con: duckdb.DuckDBPyConnection, list_name: str, version_id: int) -> dict[str, State]:
    """The entities of one version of a list with their contents then."""
    rows = con.execute(
        "SELECT s.entity_id, s.schema, s.caption, s.target, s.properties FROM list_version_entities m"
        " JOIN list_entity_states s ON s.list = ? AND s.entity_id = m.entity_id"
        " AND s.content_hash = m.content_hash WHERE m.version_id = ?",
        [list_name, version_id],
    ).fetchall()
    return {r[0]: State(r[0], r[1], r[2], bool(r[3]), json.loads(r[4])) for r in rows}
