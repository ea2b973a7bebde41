"""OpenSanctions exports: FtM entities as JSON lines (``entities.ftm.json``), delta files (ADD /
MOD / DEL operations), ``targets.nested.json`` (entities with their related entities nested in
properties) and ``targets.simple.csv``; and the CSV exports OpenSanctions publishes for single
sources such as the US DoD 1260H list (with its "Parent Name" column) and China's counter-sanctions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from followthemoney import model

from dualtrace.errors import InputError
from dualtrace.lists import registry
from dualtrace.lists.model import (
    Batch,
    DeltaOp,
    ListEntity,
    csv_rows,
    date_from_filename,
    parse_date,
    slug,
)
from dualtrace.normalize.names import analyze

__all__ = [
    "CN_MARK",
    "DOD_MARK",
    "SIMPLE_MARK",
    "read_cn_sanctions",
    "read_delta",
    "read_dod_1260h",
    "read_ftm",
    "read_nested",
    "read_simple",
]

# The columns that mark the layout live in data/sources.yaml.
SIMPLE_MARK = registry.layout("ftm-simple-csv").columns
DOD_MARK = registry.layout("dod-1260h-csv").columns
CN_MARK = registry.layout("cn-sanctions-csv").columns


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path.name}: line {lineno} is not JSON ({exc.msg})") from None
            if not isinstance(data, dict):
                raise InputError(f"{path.name}: line {lineno} is not a JSON object")
            yield lineno, data


def _entity(data: dict[str, Any], path: Path, lineno: int, default_dataset: str) -> ListEntity:
    if "id" not in data or "schema" not in data:
        raise InputError(f"{path.name}: line {lineno} is not an FtM entity (needs 'id' and 'schema')")
    props: dict[str, list[str]] = {}
    for prop, values in (data.get("properties") or {}).items():
        if not isinstance(values, list):
            values = [values]
        props[prop] = [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in values]
    schema = str(data["schema"])
    target = data.get("target")
    if target is None:  # plain FtM without OpenSanctions metadata: a sanction topic marks a target
        target = "sanction" in props.get("topics", []) or "export.control" in props.get("topics", [])
    return ListEntity(
        id=str(data["id"]),
        schema=schema,
        properties=props,
        caption=data.get("caption"),
        datasets=list(data.get("datasets") or [default_dataset]),
        target=bool(target),
        first_seen=data.get("first_seen"),
        last_seen=data.get("last_seen"),
        last_change=data.get("last_change"),
    )


def _version_from_entities(entities: list[ListEntity], path: Path) -> date | None:
    stamps = [s for s in (e.last_seen or e.last_change for e in entities) if s]
    if stamps:
        return date.fromisoformat(max(stamps)[:10])
    return date_from_filename(path)


def read_ftm(path: Path, list_name: str | None = None) -> Batch:
    """FtM JSON lines, stored as they are (all schemata and properties kept)."""
    entities = [_entity(d, path, n, list_name or "opensanctions") for n, d in _json_lines(path)]
    name = list_name or _dataset_name(entities, path)
    for entity in entities:
        if entity.schema not in model.schemata:
            raise InputError(f"{path.name}: entity {entity.id} has unknown FtM schema {entity.schema!r}")
    batch = Batch(name, "ftm-json", [path], entities=entities)
    batch.version_date = _version_from_entities(entities, path)
    return batch


def _dataset_name(entities: list[ListEntity], path: Path) -> str:
    datasets = {d for e in entities for d in e.datasets}
    if len(datasets) == 1:
        return datasets.pop()
    return "opensanctions"


def read_delta(path: Path, list_name: str | None = None) -> Batch:
    """An OpenSanctions delta file: {"op": "ADD"|"MOD"|"DEL", "entity": {...}} per line."""
    ops: list[DeltaOp] = []
    for lineno, data in _json_lines(path):
        op = str(data.get("op", "")).upper()
        if op not in ("ADD", "MOD", "DEL"):
            raise InputError(
                f"{path.name}: line {lineno} has op {data.get('op')!r}; expected ADD, MOD or DEL"
            )
        body = data.get("entity") or {}
        if op == "DEL":
            entity_id = body.get("id") if isinstance(body, dict) else None
            entity_id = entity_id or data.get("id")
            if not entity_id:
                raise InputError(f"{path.name}: line {lineno}: DEL without an entity id")
            ops.append(DeltaOp(op, str(entity_id)))
        else:
            entity = _entity(body, path, lineno, list_name or "opensanctions")
            ops.append(DeltaOp(op, entity.id, entity))
    datasets = {d for op in ops if op.entity for d in op.entity.datasets}
    name = list_name or (datasets.pop() if len(datasets) == 1 else "opensanctions")
    return Batch(name, "ftm-delta", [path], ops=ops, version_date=date_from_filename(path))


def _unnest(data: dict[str, Any], out: dict[str, ListEntity], path: Path, dataset: str) -> str:
    """Flatten a nested entity: nested entity values become entities of their own."""
    flat: dict[str, Any] = {k: v for k, v in data.items() if k != "properties"}
    props: dict[str, list[str]] = {}
    for prop, values in (data.get("properties") or {}).items():
        vals = values if isinstance(values, list) else [values]
        props[prop] = [_unnest(v, out, path, dataset) if isinstance(v, dict) else str(v) for v in vals]
    flat["properties"] = props
    entity = _entity(flat, path, 0, dataset)
    if entity.id not in out:
        out[entity.id] = entity
    return entity.id


def read_nested(path: Path, list_name: str | None = None) -> Batch:
    """targets.nested.json: one target per line, related entities nested in its properties."""
    out: dict[str, ListEntity] = {}
    for _lineno, data in _json_lines(path):
        _unnest(data, out, path, list_name or "opensanctions")
    entities = list(out.values())
    name = list_name or _dataset_name(entities, path)
    return Batch(
        name, "ftm-nested", [path], entities=entities, version_date=_version_from_entities(entities, path)
    )


def read_simple(path: Path, list_name: str | None = None) -> Batch:
    """targets.simple.csv: id, schema, name, aliases (;-separated), birth_date, countries,
    addresses, identifiers, sanctions, phones, emails, dataset, first_seen, last_seen, last_change."""
    rows = csv_rows(path, SIMPLE_MARK)
    titles = {r.get("dataset") or "" for r in rows}
    single = titles.pop() if len(titles) == 1 else ""
    name = list_name or (re.sub(r"\W+", "_", single.lower()).strip("_") or "opensanctions")
    batch = Batch(name, "ftm-simple-csv", [path])
    for row in rows:
        schema = row["schema"] if row["schema"] in model.schemata else "LegalEntity"
        entity = ListEntity(
            row["id"],
            schema,
            target=True,
            datasets=[row.get("dataset") or name],
            first_seen=row.get("first_seen") or None,
            last_seen=row.get("last_seen") or None,
            last_change=row.get("last_change") or None,
        )
        entity.add("name", row["name"])
        entity.add("alias", [a for a in row["aliases"].split(";") if a])
        props = entity.ftm_schema.properties if entity.ftm_schema else {}
        if "birthDate" in props:
            entity.add("birthDate", [d for d in row.get("birth_date", "").split(";") if d])
        entity.add("country", [c for c in row.get("countries", "").split(";") if c])
        entity.add("address", [a for a in row.get("addresses", "").split(";") if a])
        entity.add(
            "idNumber" if schema == "Person" else "registrationNumber",
            [i for i in row["identifiers"].split(";") if i],
        )
        entity.add("phone", [p for p in row.get("phones", "").split(";") if p])
        entity.add("email", [e for e in row.get("emails", "").split(";") if e])
        if row.get("sanctions"):
            entity.add("topics", "sanction")
            for i, text in enumerate(s for s in row["sanctions"].split(";") if s):
                sanction = ListEntity(f"{row['id']}-sanction-{i}", "Sanction", datasets=entity.datasets)
                sanction.add("entity", entity.id)
                sanction.add("program", text.strip())
                batch.entities.append(sanction)
        batch.entities.append(entity)
    batch.version_date = _version_from_entities(batch.entities, path)
    return batch


def read_dod_1260h(path: Path, list_name: str | None = None) -> Batch:
    """US DoD "Chinese military companies" (section 1260H) list in the OpenSanctions CSV layout.

    "Parent Name" becomes the LegalEntity ``parent`` link: to the listed entry of that name when
    there is one, else to an (unlisted, non-target) Company of that name.
    """
    rows = csv_rows(path, DOD_MARK)
    name = list_name or "us_dod_1260h"
    batch = Batch(name, "dod-1260h-csv", [path])
    by_norm: dict[str, str] = {}
    entries: list[tuple[ListEntity, str]] = []
    for row in rows:
        clean = (row.get("Clean Name") or row["Name"]).strip().rstrip("*").strip()
        entity = ListEntity(f"us-dod-1260h-{slug(clean)}", "Company", target=True, datasets=[name])
        entity.add("name", clean)
        if row["Name"].strip().rstrip("*").strip() != clean:
            entity.add("alias", row["Name"].strip().rstrip("*").strip())
        entity.add("alias", [a.strip() for a in (row.get("Alias") or "").split(";") if a.strip()])
        entity.add(
            "previousName", [a.strip() for a in (row.get("Previous Name") or "").split(";") if a.strip()]
        )
        entity.add("notes", row.get("Note"))
        entity.add("country", "cn")
        entity.add("topics", ["mil", "sanction"])
        entity.add("sourceUrl", row.get("Source Url"))
        by_norm.setdefault(analyze(clean).norm, entity.id)
        entries.append((entity, (row.get("Parent Name") or "").strip()))
        # one Sanction per row: a company listed, delisted and relisted keeps each period
        start = parse_date(row.get("Start date")) or "undated"
        sanction = ListEntity(f"{entity.id}-sanction-{start}", "Sanction", datasets=[name])
        sanction.add("entity", entity.id)
        sanction.add("authority", "US Department of Defense")
        sanction.add("program", "DoD 1260H Chinese military companies")
        sanction.add("startDate", parse_date(row.get("Start date")))
        sanction.add("endDate", parse_date(row.get("End date")))
        sanction.add("sourceUrl", row.get("Source Url"))
        sanction.add("country", "us")
        batch.entities.append(sanction)
    parents: dict[str, ListEntity] = {}
    for entity, parent in entries:
        batch.entities.append(entity)
        if not parent:
            continue
        parent_id = by_norm.get(analyze(parent).norm)
        if parent_id is None:
            parent_id = f"us-dod-1260h-parent-{slug(parent)}"
            if parent_id not in parents:
                company = ListEntity(parent_id, "Company", datasets=[name])
                company.add("name", parent)
                company.add("country", "cn")
                parents[parent_id] = company
        if parent_id != entity.id:
            entity.add("parent", parent_id)
    batch.entities.extend(parents.values())
    starts = sorted(d for d in (parse_date(r.get("Start date")) for r in rows) if d and len(d) == 10)
    batch.version_date = date_from_filename(path) or (date.fromisoformat(starts[-1]) if starts else None)
    return batch


def read_cn_sanctions(path: Path, list_name: str | None = None) -> Batch:
    """China's counter-sanctions (OpenSanctions ``cn_sanctions`` CSV)."""
    rows = csv_rows(path, CN_MARK)
    name = list_name or "cn_sanctions"
    batch = Batch(name, "cn-sanctions-csv", [path])
    seen: set[str] = set()
    for i, row in enumerate(rows):
        schema = row["Type"] if row["Type"] in model.schemata else "LegalEntity"
        key = row.get("QID") or slug(f"{row['Name']}|{row.get('Date')}|{i}")
        entity = ListEntity(f"cn-sanctions-{key}", schema, target=True, datasets=[name])
        entity.add("name", row["Name"])
        entity.add("name", row.get("Chinese name"))
        entity.add("alias", [a.strip() for a in (row.get("Alias") or "").split(";") if a.strip()])
        entity.add("country", [c.strip().lower() for c in (row.get("Country") or "").split(";") if c.strip()])
        entity.add("topics", [t.strip() for t in (row.get("Topics") or "").split(";") if t.strip()])
        entity.add("notes", row.get("Summary"))
        entity.add("address", row.get("Address"))
        if entity.id in seen:
            entity.id = f"{entity.id}-{i}"
        seen.add(entity.id)
        sanction = ListEntity(f"{entity.id}-sanction", "Sanction", datasets=[name])
        sanction.add("entity", entity.id)
        sanction.add("authority", row.get("Body"))
        sanction.add("program", row.get("List") or "China counter-sanctions")
        sanction.add("startDate", parse_date(row.get("Date")))
        sanction.add("endDate", parse_date(row.get("End date")))
        sanction.add("sourceUrl", row.get("Source URL"))
        sanction.add("summary", row.get("Chinese summary"))
        sanction.add("country", "cn")
        batch.entities.extend([entity, sanction])
    starts = sorted(d for e in batch.entities for d in e.properties.get("startDate", []) if len(d) == 10)
    batch.version_date = date_from_filename(path) or (date.fromisoformat(starts[-1]) if starts else None)
    return batch
