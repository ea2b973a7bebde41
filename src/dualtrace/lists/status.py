"""What is loaded: each list with its current version, counts and last changes."""

from __future__ import annotations

from typing import Any

import duckdb

__all__ = ["changes", "status"]


def _records(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def status(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """One row per list: version date, versions loaded, active targets and names, last load's
    added / removed counts."""
    return _records(
        con,
        """
        WITH last AS (
            SELECT list, arg_max(version_id, version_id) AS version_id, count(*) AS versions
            FROM list_versions GROUP BY list
        ), counts AS (
            SELECT list, count(*) FILTER (WHERE target AND active) AS targets,
                   count(*) FILTER (WHERE active) AS entities,
                   count(*) FILTER (WHERE target AND NOT active) AS removed_total
            FROM entities GROUP BY list
        ), names AS (
            SELECT n.list, count(*) AS names FROM entity_names n
            JOIN entities e USING (list, entity_id) WHERE e.active GROUP BY n.list
        )
        SELECT v.list, v.layout, v.version_date, l.versions, c.targets,
               coalesce(n.names, 0) AS names, v.added AS added, v.removed AS removed,
               v.changed AS changed, c.removed_total AS delisted
        FROM last l JOIN list_versions v USING (version_id)
        JOIN counts c ON c.list = v.list LEFT JOIN names n ON n.list = v.list
        ORDER BY v.list
        """,
    )


def changes(
    con: duckdb.DuckDBPyConnection, list_name: str, version_id: int | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    """What a version of a list added, removed or changed (default: its latest version)."""
    if version_id is None:
        row = con.execute("SELECT max(version_id) FROM list_versions WHERE list = ?", [list_name]).fetchall()
        version_id = row[0][0] if row else None
    return _records(
        con,
        "SELECT c.version_id, v.version_date, c.change, c.entity_id, c.schema, c.caption"
        " FROM list_changes c JOIN list_versions v USING (version_id)"
        " WHERE c.list = ? AND c.version_id = ? AND c.schema NOT IN ('Sanction', 'Address')"
        f" ORDER BY c.change, c.caption LIMIT {int(limit)}",
        [list_name, version_id],
    )
