"""US export-control lists: the Consolidated Screening List (trade.gov CSV or JSON; it carries the
BIS Entity List, Unverified List, Military End User List, DPL, ISN and the OFAC lists) and the
BIS Denied Persons List (its own tab-separated file)."""

from __future__ import annotations

import json
from collections import OrderedDict
from datetime import date
from pathlib import Path
from typing import Any

from dualtrace.errors import InputError
from dualtrace.lists import registry
from dualtrace.lists.model import (
    Batch,
    ListEntity,
    csv_rows,
    date_from_filename,
    parse_date,
    slug,
)

__all__ = ["CSL_MARK", "DPL_MARK", "read_csl", "read_dpl"]

# The columns that mark the layout live in data/sources.yaml.
CSL_MARK = registry.layout("us-csl").columns
DPL_MARK = registry.layout("bis-dpl").columns
_CSL_SCHEMA = {"individual": "Person", "entity": "LegalEntity", "vessel": "Vessel", "aircraft": "Airplane"}


def _csl_rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path.name}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        rows = data.get("results", data) if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise InputError(f"{path.name}: expected a list of CSL records or {{'results': [...]}}")
        return rows
    return csv_rows(path, CSL_MARK)


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        out: list[str] = []
        for v in value:
            if isinstance(v, dict):
                out.append(", ".join(str(x) for x in v.values() if x))
            elif v:
                out.append(str(v))
        return out
    return [v.strip() for v in str(value or "").split(";") if v.strip()]


def read_csl(path: Path, list_name: str | None = None) -> Batch:
    name = list_name or "us_csl"
    batch = Batch(name, "us-csl", [path], version_date=date_from_filename(path))
    for row in _csl_rows(path):
        source = str(row.get("source") or "").strip()
        raw_name = str(row.get("name") or "").strip()
        key = row.get("_id") or row.get("id") or slug(f"{source}|{row.get('entity_number')}|{raw_name}")
        schema = _CSL_SCHEMA.get(str(row.get("type") or "").strip().lower(), "LegalEntity")
        entity = ListEntity(f"us-csl-{key}", schema, target=True, datasets=[name])
        entity.add("name", raw_name)
        entity.add("alias", _split(row.get("alt_names")))
        entity.add("address", _split(row.get("addresses")))
        for address in _split(row.get("addresses")):
            tail = address.rsplit(",", 1)[-1].strip()
            if len(tail) == 2 and tail.isalpha():
                entity.add("country", tail.lower())
        props = entity.ftm_schema.properties if entity.ftm_schema else {}
        if "nationality" in props:
            entity.add("nationality", _split(row.get("nationalities")))
            entity.add("citizenship", _split(row.get("citizenships")))
            entity.add("birthDate", [parse_date(d) or d for d in _split(row.get("dates_of_birth"))])
            entity.add("birthPlace", _split(row.get("places_of_birth")))
            entity.add("title", _split(row.get("title")))
        entity.add("notes", _split(row.get("remarks")))
        entity.add("topics", "export.control" if "Bureau of Industry" in source else "sanction")
        batch.entities.append(entity)
        sanction = ListEntity(f"{entity.id}-sanction", "Sanction", datasets=[name])
        sanction.add("entity", entity.id)
        sanction.add("authority", source)
        sanction.add("program", _split(row.get("programs")) or [source.split(" - ")[0]])
        sanction.add("provisions", [row.get("license_requirement") or "", row.get("license_policy") or ""])
        sanction.add("startDate", parse_date(str(row.get("start_date") or "")))
        sanction.add("endDate", parse_date(str(row.get("end_date") or "")))
        sanction.add("sourceUrl", str(row.get("source_list_url") or ""))
        sanction.add("summary", str(row.get("federal_register_notice") or ""))
        sanction.add("authorityId", str(row.get("entity_number") or ""))
        sanction.add("country", "us")
        batch.entities.append(sanction)
    return batch


def read_dpl(path: Path, list_name: str | None = None) -> Batch:
    """BIS DPL: one row per (party, address); rows of one party share its name and are merged."""
    name = list_name or "us_bis_dpl"
    rows = csv_rows(path, DPL_MARK, delimiter="\t")
    batch = Batch(name, "bis-dpl", [path], version_date=date_from_filename(path))
    parties: OrderedDict[str, ListEntity] = OrderedDict()
    updates: list[str] = []
    for row in rows:
        party = " ".join(row["Name"].split())
        key = party.upper()
        if key not in parties:
            entity = ListEntity(f"us-bis-dpl-{slug(key)}", "LegalEntity", target=True, datasets=[name])
            entity.add("name", party)
            entity.add("topics", "export.control")
            parties[key] = entity
            sanction = ListEntity(f"{entity.id}-sanction", "Sanction", datasets=[name])
            sanction.add("entity", entity.id)
            sanction.add("authority", "Bureau of Industry and Security")
            sanction.add("program", "Denied Persons List")
            sanction.add("startDate", parse_date(row["Effective_Date"]))
            sanction.add("endDate", parse_date(row.get("Expiration_Date")))
            sanction.add("summary", row.get("FR_Citation"))
            sanction.add("status", row.get("Action"))
            sanction.add("country", "us")
            batch.entities.append(sanction)
        entity = parties[key]
        parts = [
            row.get(c, "").strip() for c in ("Street_Address", "City", "State", "Postal_Code", "Country")
        ]
        entity.add("address", ", ".join(p for p in parts if p))
        entity.add("country", (row.get("Country") or "").strip().lower() or None)
        updates.append(row.get("Last_Update") or "")
    batch.entities.extend(parties.values())
    # the latest Last_Update that is not a typo in the future (the 2019 file has a "3017")
    today = date.today().isoformat()
    dates = sorted(d for d in (parse_date(u) for u in updates) if d and len(d) == 10 and d <= today)
    if dates and batch.version_date is None:
        batch.version_date = date.fromisoformat(dates[-1])
    return batch
