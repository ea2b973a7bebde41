"""EU Official Journal annex tables (the OpenSanctions ``eu_journal_sanctions`` CSV layout).

One row per annex entry: celex (regulation), recordId (number within the annex, sometimes
empty), programKey, annex, measure, startDate (d.m.yyyy), schema, name, alias ("Full name (Short
name); other alias"), weakAlias, previousName, country..., innCode, ogrnCode, leiCode, imoNumber,
address, notes. Regulation 833/2014 Annex IV lists the military end users under export control.
"""

from __future__ import annotations

import re
from pathlib import Path

from dualtrace.lists import registry
from dualtrace.lists.model import Batch, ListEntity, csv_rows, dates_in, parse_date, slug

__all__ = ["HEADER_MARK", "read", "split_names"]

# The columns that mark the layout live in data/sources.yaml.
HEADER_MARK = registry.layout("eu-journal-csv").columns

# Columns that map straight onto FtM properties of LegalEntity/Person/Vessel.
_DIRECT = [
    "country", "nationality", "jurisdiction", "birthDate", "birthPlace", "position", "passportNumber",
    "gender", "fatherName", "motherName", "incorporationDate", "legalForm", "sector",
    "registrationNumber", "taxNumber", "idNumber", "innCode", "ogrnCode", "kppCode", "okpoCode",
    "leiCode", "swiftBic", "ticker", "imoNumber", "mmsi", "flag", "address", "phone", "email",
    "website", "notes", "ethnicity", "appearance",
]  # fmt: skip
_DATES = {"birthDate", "incorporationDate"}
_TAIL = re.compile(r"^(?P<main>.+?)\s*\((?P<short>[^()]{4,})\)$")


def split_names(text: str) -> list[str]:
    """'Full (Short); Other' -> ['Full', 'Short', 'Other'] (a parenthesis of 4+ characters at
    the end is a short form; '(HK)' stays part of the name)."""
    out: list[str] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        m = _TAIL.match(part)
        if m and not re.search(r"\d|tax id|inn|ogrn|registration|formerly", m["short"], re.I):
            out.extend([m["main"].strip(), m["short"].strip()])
        else:
            out.append(part)
    return out


def read(path: Path, list_name: str | None = None) -> Batch:
    rows = csv_rows(path, HEADER_MARK)
    celex = next((r["celex"] for r in rows if r.get("celex")), "unknown")
    name = list_name or f"eu_journal_{celex}"
    batch = Batch(name, "eu-journal-csv", [path])
    for row in rows:
        record = row["recordId"].strip() or slug(row["name"])
        key = f"eu-{celex}-{row['annex'].strip() or 'na'}-{record}"
        schema = row["schema"].strip() or "LegalEntity"
        entity = ListEntity(key, schema, target=True, datasets=[name])
        entity.add("name", row["name"])
        entity.add("alias", split_names(row.get("alias") or ""))
        entity.add("weakAlias", split_names(row.get("weakAlias") or ""))
        entity.add("previousName", split_names(row.get("previousName") or ""))
        props = entity.ftm_schema.properties if entity.ftm_schema else {}
        for column in _DIRECT:
            value = (row.get(column) or "").strip()
            if not value or column not in props:
                continue
            for part in (
                [v.strip() for v in value.split(";")] if column not in ("notes", "address") else [value]
            ):
                if column in _DATES:
                    # "7.10.1952 POB: Leningrad", "1.1.1960 or 2.2.1961": the dates, and the place
                    found, _, place = part.partition("POB:")
                    entity.add(column, dates_in(found) or [part])
                    entity.add("birthPlace", place.strip(" ;,") or None)
                else:
                    entity.add(column, part)
        entity.add("topics", "export.control" if "export" in row.get("measure", "").lower() else "sanction")
        batch.entities.append(entity)
        sanction = ListEntity(f"{key}-sanction", "Sanction", datasets=[name])
        sanction.add("entity", key)
        sanction.add("authority", "Council of the European Union")
        sanction.add("program", f"{row['programKey']} Annex {row['annex']}".strip())
        sanction.add("provisions", row.get("measure"))
        sanction.add("reason", row.get("reason"))
        sanction.add("country", "eu")
        sanction.add("recordId", row["recordId"])
        sanction.add(
            "sourceUrl", f"https://eur-lex.europa.eu/eli/reg/{celex}" if celex != "unknown" else None
        )
        sanction.add("listingDate", parse_date(row.get("startDate")))
        batch.entities.append(sanction)
    dates = [
        e.first("listingDate") for e in batch.entities if e.schema == "Sanction" and e.first("listingDate")
    ]
    if dates:
        from datetime import date

        batch.version_date = date.fromisoformat(max(d for d in dates if d and len(d) == 10))
    return batch
