"""OFAC legacy CSV set: sdn.csv (or cons_prim.csv), alt.csv, add.csv, sdn_comments.csv.

No header; ``-0-`` (often with a trailing space) means empty; a final Ctrl-Z byte; records may
span lines inside quotes. Columns (OFAC's "SDN data specification"):

- sdn / cons_prim: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage,
  GRT, Vess_flag, Vess_owner, Remarks
- alt: ent_num, alt_num, alt_type, alt_name, alt_remarks
- add: ent_num, add_num, address, city/state/postal, country, add_remarks
- comments: ent_num, remarks_extended (the remarks that did not fit)

Rows of alt/add/comments whose ent_num has no main row are counted in the batch notes (the
companion files in a folder are sometimes of another date than the main file).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from dualtrace.errors import InputError
from dualtrace.lists.model import Batch, ListEntity, date_from_filename, linked_address
from dualtrace.lists.ofac_remarks import apply_remarks

__all__ = ["PARTS", "read", "read_rows"]

PARTS = ("main", "alt", "add", "comments")
_WIDTH = {"main": 12, "alt": 5, "add": 6, "comments": 2}
# OFAC party type (lower case) -> FtM schema; other types are LegalEntity.
PARTY_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
AUTHORITY = "Office of Foreign Assets Control"


def _empty(value: str) -> str:
    value = value.strip()
    return "" if value == "-0-" else value


def read_rows(path: Path, part: str) -> list[list[str]]:
    """Records of one OFAC legacy CSV file (quotes, multi-line fields and the Ctrl-Z handled)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:  # OFAC's legacy files are Windows-1252
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path.name}: neither UTF-8 nor Windows-1252 text (byte 0x{raw[exc.start]:02x} at offset"
                f" {exc.start}): not an OFAC CSV file"
            ) from None
    text = text.replace("\x1a", "")
    rows: list[list[str]] = []
    try:
        return _records(path, part, text, rows)
    except csv.Error as exc:
        raise InputError(f"{path.name}: record {len(rows) + 1} cannot be read as CSV ({exc})") from None


def _records(path: Path, part: str, text: str, rows: list[list[str]]) -> list[list[str]]:
    for lineno, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < _WIDTH[part] - 1 or not row[0].strip().isdigit():
            raise InputError(
                f"{path.name}: record {lineno} is not an OFAC {part} row "
                f"(expected {_WIDTH[part]} columns starting with ent_num)"
            )
        rows.append([_empty(c) for c in row] + [""] * (_WIDTH[part] - len(row)))
    return rows


def _listing_dates(path: Path, entities: dict[str, ListEntity]) -> str:
    """Listing dates from the list's history (first day each entry was seen across daily
    versions): an entry first seen after the history starts was listed that day; one seen from
    the first day on was listed before it (its date stays unknown)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    starts = [r["first_seen_in_scrape"] for r in rows if r.get("first_seen_in_scrape")]
    if not starts:
        raise InputError(f"{path.name}: no first_seen_in_scrape values")
    start = min(starts)
    dated = before = 0
    for row in rows:
        sanction = entities.get(f"{(row.get('ent_num') or '').strip()}-sanction")
        first = (row.get("first_seen_in_scrape") or "").strip()
        if sanction is None or not first:
            continue
        if first > start:
            sanction.add("listingDate", first)
            dated += 1
        else:
            before += 1
    return (
        f"{path.name}: listing dates for {dated:,} entries; {before:,} listed before {start} (date unknown)"
    )


def read(files: dict[str, Path], list_name: str) -> Batch:
    """Parse one OFAC set (``files`` maps part -> path; 'main' is required)."""
    if "main" not in files:
        raise InputError("an OFAC alt/add/comments file needs its sdn.csv or cons_prim.csv in the same load")
    main = files["main"]
    batch = Batch(list_name, "ofac-csv", list(files.values()), version_date=date_from_filename(main))
    comments: dict[str, list[str]] = defaultdict(list)
    if "comments" in files:
        for row in read_rows(files["comments"], "comments"):
            comments[row[0]].append(row[1])
    entities: dict[str, ListEntity] = {}
    by_name: dict[str, str] = {}
    links: list[tuple[str, str]] = []
    for row in read_rows(main, "main"):
        ent_num, name = row[0], row[1]
        entity, linked_to = _party(row, list_name, comments)
        entities[ent_num] = entity
        by_name.setdefault(name.upper(), entity.id)
        links.extend((entity.id, target) for target in linked_to)
        entities[f"{ent_num}-sanction"] = _sanction(entity, row[3], list_name)
    orphans = {  # rows of the other files whose ent_num is not in the main file
        "alt": _add_aliases(files["alt"], entities) if "alt" in files else 0,
        "add": _add_addresses(files["add"], entities, list_name) if "add" in files else 0,
        "comments": sum(len(texts) for texts in comments.values()),
    }
    for target_from, name in links:
        target_id = by_name.get(name.upper())
        if target_id is None:
            continue
        link = ListEntity(f"{target_from}-link-{target_id}", "UnknownLink", datasets=[list_name])
        link.add("subject", target_from)
        link.add("object", target_id)
        link.add("role", "Linked To")
        entities[link.id] = link
    if "history" in files:
        batch.notes.append(_listing_dates(files["history"], entities))
    for part, count in orphans.items():
        if count:
            batch.notes.append(
                f"{count:,} {files[part].name} rows name an ent_num that is not in {main.name}"
            )
    batch.entities = list(entities.values())
    return batch


def _party(row: list[str], list_name: str, comments: dict[str, list[str]]) -> tuple[ListEntity, list[str]]:
    """The listed party of an sdn.csv row, and the names its remarks link it to."""
    ent_num, name, sdn_type, _program, title, call_sign, vtype, tonnage, grt, vflag, vowner, remarks = row[
        :12
    ]
    schema = PARTY_SCHEMA.get(sdn_type.lower(), "LegalEntity")
    entity = ListEntity(f"ofac-{ent_num}", schema, target=True, datasets=[list_name])
    entity.add("name", name)
    if schema == "Person" and "," in name:
        last, first = name.split(",", 1)
        entity.add("lastName", last.strip())
        entity.add("firstName", first.strip())
    entity.add("topics", "sanction")
    if schema == "Person":
        entity.add("title", title)
    if schema == "Vessel":
        entity.add("callSign", call_sign)
        entity.add("type", vtype)
        entity.add("tonnage", tonnage)
        entity.add("grossRegisteredTonnage", grt)
        entity.add("flag", vflag)
        entity.add("notes", f"Owner: {vowner}" if vowner else None)
    full_remarks = remarks
    if ent_num in comments:  # the overflow of a remarks field too long for sdn.csv
        full_remarks = remarks + "".join(comments.pop(ent_num))
    found = apply_remarks(entity, full_remarks)
    return entity, list(found.linked_to)


def ofac_sanction(entity: ListEntity, list_name: str) -> ListEntity:
    """The Sanction record that lists an OFAC party (``ofac-<uid>``), as every OFAC layout writes it."""
    sanction = ListEntity(f"{entity.id}-sanction", "Sanction", datasets=[list_name])
    sanction.add("entity", entity.id)
    sanction.add("authority", AUTHORITY)
    sanction.add("authorityId", entity.id.removeprefix("ofac-"))
    sanction.add("country", "us")
    return sanction


def _sanction(entity: ListEntity, program: str, list_name: str) -> ListEntity:
    sanction = ofac_sanction(entity, list_name)
    for prog in program.replace("] [", "; ").strip("[]").split("; "):
        sanction.add("program", prog.strip())
    return sanction


def _add_aliases(path: Path, entities: dict[str, ListEntity]) -> int:
    """Add alt.csv's names to their parties; returns how many rows name no party."""
    orphans = 0
    for row in read_rows(path, "alt"):
        ent_num, _alt_num, alt_type, alt_name, _alt_remarks = row[:5]
        if ent_num not in entities:
            orphans += 1
            continue
        prop = {"fka": "previousName", "nka": "alias", "aka": "alias"}.get(alt_type.lower().replace(".", ""))
        entities[ent_num].add("weakAlias" if "weak" in alt_type.lower() else (prop or "alias"), alt_name)
    return orphans


def _add_addresses(path: Path, entities: dict[str, ListEntity], list_name: str) -> int:
    """Add add.csv's addresses to their parties; returns how many rows name no party."""
    orphans = 0
    for row in read_rows(path, "add"):
        ent_num, add_num, address, city, country, add_remarks = row[:6]
        if ent_num not in entities:
            orphans += 1
            continue
        addr = linked_address(
            entities[ent_num], f"ofac-addr-{add_num}", (address, city, country), list_name,
            street=address, city=city, country=country, remarks=add_remarks,
        )  # fmt: skip
        if addr is not None:
            entities[f"addr-{add_num}"] = addr
    return orphans
