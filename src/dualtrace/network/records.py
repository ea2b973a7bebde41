"""What party resolution resolves: records, each a name with what is known about it.

Three origins, one shape (``RECORD_COLUMNS``):

``shipment``   one per distinct (name, country, id) written as shipper or consignee on the
               declarations; ``ref`` is ``pk:<party_key>`` with screening's ``party_key``, so
               resolved parties relate to ``screen_parties`` / ``party_links``.
``entity``     one per name of a list entity (Company, Organization, LegalEntity, PublicBody,
               Person); ``ref`` is ``entity:<list>:<entity_id>`` (shared by the entity's names).
``ownership``  an owner or owned company named only in an ownership file (GLEIF, user CSV);
               ``ref`` is the node reference of ``ownership.parent`` / ``ownership.child``.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.network.ids import STRONG, clean_ids
from dualtrace.normalize.identifiers import PROPERTY_SCHEMES
from dualtrace.normalize.party_keys import party_key

__all__ = ["RECORD_COLUMNS", "entity_records", "ownership_records", "shipment_records"]

RECORD_COLUMNS = (
    "ref",
    "origin",
    "party_key",
    "name",
    "country",
    "raw_id",
    "ids",
    "address",
    "schema",
    "list",
    "entity_id",
    "lines",
    "roles",
)
PARTY_SCHEMAS = ("Company", "Organization", "LegalEntity", "PublicBody", "Person")
_SCHEME_HINT = {v: v for v in PROPERTY_SCHEMES.values()}


def _record(**values: Any) -> dict[str, Any]:
    """One record of a list entity or an ownership party: no declaration key, lines or roles."""
    return {"party_key": None, "raw_id": None, "address": None, "lines": 0, "roles": [], **values}


def _records_table(records: list[dict[str, Any]]) -> pa.Table:
    return _table({c: [r.get(c) for r in records] for c in RECORD_COLUMNS})


# every record column is text but these
_TYPES = {"ids": pa.list_(pa.string()), "lines": pa.int64(), "roles": pa.list_(pa.string())}


def _table(rows: dict[str, list[Any]]) -> pa.Table:
    return pa.table({c: pa.array(rows[c], _TYPES.get(c, pa.string())) for c in RECORD_COLUMNS})


def shipment_records(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """One record per distinct (name, country, id) of shipper and consignee."""
    arrow = con.sql(
        """
        WITH m AS (
            SELECT shipper_name AS name, shipper_country AS country, nullif(trim(shipper_id), '') AS pid,
                   shipper_address AS address, 'shipper' AS role FROM shipments
            UNION ALL
            SELECT consignee_name, consignee_country, nullif(trim(consignee_id), ''), consignee_address,
                   'consignee' FROM shipments
        )
        SELECT name, country, pid, mode(address) AS address, list(DISTINCT role ORDER BY role) AS roles,
               count(*) AS lines
        FROM m WHERE name IS NOT NULL AND trim(name) <> ''
        GROUP BY name, country, pid
        """
    ).to_arrow_table()
    names = arrow.column("name").to_pylist()
    countries = arrow.column("country").to_pylist()
    pids = arrow.column("pid").to_pylist()
    keys = [party_key(n, c, p) for n, c, p in zip(names, countries, pids, strict=True)]
    n = len(names)
    return _table(
        {
            "ref": ["pk:" + k for k in keys],
            "origin": ["shipment"] * n,
            "party_key": keys,
            "name": names,
            "country": countries,
            "raw_id": pids,
            "ids": [clean_ids(p) for p in pids],
            "address": arrow.column("address").to_pylist(),
            "schema": [None] * n,
            "list": [None] * n,
            "entity_id": [None] * n,
            "lines": arrow.column("lines").to_pylist(),
            "roles": arrow.column("roles").to_pylist(),
        }
    )


def _entity_ids(raw: str, scheme: str) -> list[str]:
    hint = _SCHEME_HINT.get(scheme)
    found = clean_ids(raw, hint)
    if scheme in STRONG:  # the list said which scheme: keep it even without a check digit
        return [f"{scheme}:{v.split(':', 1)[1]}" for v in found] or found
    return found


def entity_records(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """One record per name of every active party-like list entity."""
    rows = con.execute(
        f"""
        SELECT e.list, e.entity_id, e.schema, n.name,
               CASE WHEN len(e.countries) = 1 THEN e.countries[1] END AS country
        FROM entities e JOIN (
            -- weak aliases are by definition unreliable for telling parties apart
            SELECT DISTINCT list, entity_id, name FROM entity_names WHERE prop <> 'weakAlias'
        ) n USING (list, entity_id)
        WHERE e.active AND e.schema IN ({", ".join(f"'{s}'" for s in PARTY_SCHEMAS)})
        ORDER BY e.list, e.entity_id, n.name
        """
    ).fetchall()
    ids: dict[tuple[str, str], list[str]] = {}
    for lst, eid, scheme, raw in con.execute(
        "SELECT list, entity_id, scheme, raw FROM entity_ids"
    ).fetchall():
        bucket = ids.setdefault((lst, eid), [])
        for value in _entity_ids(raw, scheme):
            if value not in bucket:
                bucket.append(value)
    return _records_table(
        [
            _record(
                ref=f"entity:{lst}:{eid}",
                origin="entity",
                name=name,
                country=country,
                ids=ids.get((lst, eid), []),
                schema=schema,
                list=lst,
                entity_id=eid,
            )
            for lst, eid, schema, name, country in rows
        ]
    )


def ownership_records(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Owners and owned companies that only ownership files name (not list entities)."""
    rows = con.execute(
        """
        SELECT ref, arg_max(name, n) AS name, arg_max(country, n) AS country, arg_max(pid, n) AS pid,
               arg_max(schema, n) AS schema
        FROM (
            SELECT parent AS ref, parent_name AS name, parent_country AS country, parent_id AS pid,
                   parent_schema AS schema, 1 AS n FROM ownership
            UNION ALL
            SELECT child, child_name, child_country, child_id, NULL, 1 FROM ownership
        )
        WHERE NOT starts_with(ref, 'entity:')
        GROUP BY ref ORDER BY ref
        """
    ).fetchall()
    return _records_table(
        [
            _record(
                ref=ref,
                origin="ownership",
                name=name or ref.split(":", 1)[1],
                country=country,
                raw_id=pid,
                ids=clean_ids(pid),
                schema=schema,
            )
            for ref, name, country, pid, schema in rows
        ]
    )
