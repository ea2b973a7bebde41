"""An entity's rows in the list tables (entities, entity_names, entity_ids, entity_links), and
writing them; ``store`` decides which entities are written."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa
from followthemoney import model
from followthemoney.types import registry

from dualtrace.lists.model import ListEntity, iso_timestamp, parse_date
from dualtrace.normalize.identifiers import PROPERTY_SCHEMES, normalize_id, scheme_of, split_ids
from dualtrace.normalize.names import analyze
from dualtrace.reference import resolve as resolve_country
from dualtrace.warehouse.db import register_frame

# Identifier-typed properties that identify a programme or record, not the entity.
_NOT_IDS = {"programId", "authorityId", "unscId", "recordId"}


def _prop_type(schema_name: str, prop: str) -> Any:
    schema = model.get(schema_name)
    if schema is None or prop not in schema.properties:
        return None
    return schema.properties[prop].type


def rollups(entities: list[ListEntity]) -> dict[str, tuple[list[str], str | None]]:
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


def entity_row(
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


def insert_tuples(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert tuples (values in the order of ``columns``) in one statement through an Arrow
    frame whose types the values give; unlike ``warehouse.db.insert_rows``, which takes dicts."""
    if not rows:
        return
    arrow = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
    with register_frame(con, "_dt_rows", arrow) as view:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {view}")


def delete_for(con: duckdb.DuckDBPyConnection, list_name: str, ids: list[str], tables: list[str]) -> None:
    if not ids:
        return
    with register_frame(con, "_dt_ids", pa.table({"entity_id": ids})):
        for table in tables:
            con.execute(
                f"DELETE FROM {table} WHERE list = ? AND entity_id IN (SELECT entity_id FROM _dt_ids)",
                [list_name],
            )


def write_details(
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
    name_columns = ["list", "entity_id", "prop", "name", "norm", "latin", "script"]
    insert_tuples(con, "entity_names", name_columns, names)
    insert_tuples(con, "entity_ids", ["list", "entity_id", "prop", "scheme", "value", "raw"], ids)
    insert_tuples(con, "entity_links", ["list", "entity_id", "prop", "target_id"], links)
    return len(names), len(ids)
