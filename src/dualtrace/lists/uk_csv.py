"""UK consolidated list of financial sanctions targets (OFSI ``ConList.csv``).

A first line "Last Updated,dd/mm/yyyy", then a header (Name 6 = surname or entity name, Name
1..5 = other name parts, Title, Name Non-Latin Script, DOB, Nationality, Passport Number, National
Identification Number, Address 1..6, Country, Other Information, Group Type, Alias Type, Regime,
Listed On, Group ID). One row per name of a target; rows of one target share its Group ID.
"""

from __future__ import annotations

import csv
import io
from collections import OrderedDict
from datetime import date
from pathlib import Path

from dualtrace.errors import InputError
from dualtrace.lists.model import Batch, ListEntity, parse_date, require_columns

__all__ = ["read"]

_SCHEMA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}


def read(path: Path, list_name: str | None = None) -> Batch:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    lines = text.splitlines(keepends=True)
    updated = None
    if lines and lines[0].lower().startswith("last updated"):
        updated = parse_date(lines[0].split(",", 1)[1].strip().strip('"'), dayfirst=True)
        lines = lines[1:]
    reader = csv.DictReader(io.StringIO("".join(lines)))
    require_columns(path, list(reader.fieldnames or []), ["Name 6", "Group Type", "Group ID"])
    name = list_name or "uk_ofsi"
    batch = Batch(name, "uk-csv", [path])
    if updated and len(updated) == 10:
        batch.version_date = date.fromisoformat(updated)
    parties: OrderedDict[str, ListEntity] = OrderedDict()
    sanctions: dict[str, ListEntity] = {}
    for row in reader:
        group = (row.get("Group ID") or "").strip()
        if not group:
            raise InputError(f"{path.name}: a row without Group ID ({row.get('Name 6')!r})")
        schema = _SCHEMA.get((row.get("Group Type") or "").strip().lower(), "LegalEntity")
        if group not in parties:
            entity = ListEntity(f"gb-ofsi-{group}", schema, target=True, datasets=[name])
            entity.add("topics", "sanction")
            parties[group] = entity
            sanction = ListEntity(f"gb-ofsi-{group}-sanction", "Sanction", datasets=[name])
            sanction.add("entity", entity.id)
            sanction.add("authority", "Office of Financial Sanctions Implementation")
            sanction.add("program", row.get("Regime"))
            sanction.add("listingDate", parse_date(row.get("Listed On"), dayfirst=True))
            sanction.add("authorityId", group)
            sanction.add("country", "gb")
            sanctions[group] = sanction
        entity = parties[group]
        person = entity.schema == "Person"
        given = " ".join((row.get(f"Name {i}") or "").strip() for i in range(1, 6)).split()
        last = (row.get("Name 6") or "").strip()
        full = " ".join([*given, last]) if person else last
        alias_type = (row.get("Alias Type") or "").lower()
        if full:
            entity.add(
                "name"
                if alias_type.startswith("primary name") and "variation" not in alias_type
                else "alias",
                full,
            )
        entity.add("name", row.get("Name Non-Latin Script"))
        props = entity.ftm_schema.properties if entity.ftm_schema else {}
        if person:
            entity.add("birthDate", parse_date(row.get("DOB"), dayfirst=True))
            entity.add("nationality", row.get("Nationality"))
            entity.add("passportNumber", row.get("Passport Number"))
            entity.add("idNumber", row.get("National Identification Number"))
            entity.add("title", row.get("Title"))
        address = ", ".join(
            (row.get(k) or "").strip()
            for k in (
                "Address 1",
                "Address 2",
                "Address 3",
                "Address 4",
                "Address 5",
                "Address 6",
                "Post/Zip Code",
                "Country",
            )
            if (row.get(k) or "").strip()
        )
        entity.add("address", address or None)
        if "country" in props:
            entity.add("country", row.get("Country"))
        entity.add("notes", row.get("Other Information"))
    for group, entity in parties.items():
        if not entity.properties.get("name") and entity.properties.get("alias"):
            entity.properties["name"] = [entity.properties["alias"].pop(0)]
        batch.entities.extend([entity, sanctions[group]])
    return batch
