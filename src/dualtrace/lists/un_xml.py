"""UN Security Council consolidated list, official XML (CONSOLIDATED_LIST with INDIVIDUALS and
ENTITIES; https://scsanctions.un.org/resources/xml/en/consolidated.xml)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from dualtrace.errors import InputError
from dualtrace.lists.model import Batch, ListEntity, linked_address, parse_date
from dualtrace.lists.xmlsafe import parse_root

__all__ = ["read"]


def _text(node: ET.Element | None, tag: str) -> str:
    if node is None:
        return ""
    child = node.find(tag)
    return (child.text or "").strip() if child is not None and child.text else ""


def _values(node: ET.Element, path: str) -> list[str]:
    return [(v.text or "").strip() for v in node.findall(path) if v.text and v.text.strip()]


def _common(entity: ListEntity, node: ET.Element, list_name: str, batch: Batch) -> None:
    ref = _text(node, "REFERENCE_NUMBER")
    sanction = ListEntity(f"{entity.id}-sanction", "Sanction", datasets=[list_name])
    sanction.add("entity", entity.id)
    sanction.add("authority", "United Nations Security Council")
    sanction.add("program", _text(node, "UN_LIST_TYPE"))
    sanction.add("unscId", ref)
    sanction.add("listingDate", parse_date(_text(node, "LISTED_ON")))
    sanction.add("modifiedAt", [parse_date(v) or v for v in _values(node, "LAST_DAY_UPDATED/VALUE")])
    sanction.add("country", "un")
    batch.entities.append(sanction)
    entity.add("notes", _text(node, "COMMENTS1"))
    entity.add("topics", "sanction")
    for i, addr in enumerate(node.findall("INDIVIDUAL_ADDRESS") + node.findall("ENTITY_ADDRESS")):
        parts = [_text(addr, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
        address = linked_address(
            entity, f"{entity.id}-addr-{i}", parts, list_name,
            city=_text(addr, "CITY"), country=_text(addr, "COUNTRY"), remarks=_text(addr, "NOTE"),
        )  # fmt: skip
        if address is not None:
            batch.entities.append(address)


def read(path: Path, list_name: str | None = None) -> Batch:
    name = list_name or "un_sc"
    root = parse_root(path)
    if root.tag != "CONSOLIDATED_LIST":
        raise InputError(f"{path.name}: not a UN consolidated list (root element {root.tag})")
    batch = Batch(name, "un-xml", [path])
    generated = root.get("dateGenerated")
    if generated:
        batch.version_date = date.fromisoformat(generated[:10])
    for node in root.iter("INDIVIDUAL"):
        entity = ListEntity(f"unsc-{_text(node, 'DATAID')}", "Person", target=True, datasets=[name])
        parts = [_text(node, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        entity.add("name", " ".join(p for p in parts if p))
        entity.add("firstName", parts[0])
        entity.add("lastName", " ".join(p for p in parts[1:] if p))
        entity.add("name", _text(node, "NAME_ORIGINAL_SCRIPT"))
        entity.add("gender", _text(node, "GENDER").lower())
        entity.add("title", _values(node, "TITLE/VALUE"))
        entity.add("position", _values(node, "DESIGNATION/VALUE"))
        entity.add("nationality", _values(node, "NATIONALITY/VALUE"))
        for alias in node.findall("INDIVIDUAL_ALIAS"):
            alias_name = _text(alias, "ALIAS_NAME")
            quality = _text(alias, "QUALITY").lower()
            entity.add("weakAlias" if quality in ("low", "a.k.a. low") else "alias", alias_name)
        for dob in node.findall("INDIVIDUAL_DATE_OF_BIRTH"):
            entity.add("birthDate", parse_date(_text(dob, "DATE")) or _text(dob, "YEAR"))
        for pob in node.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
            place = ", ".join(
                p for p in (_text(pob, "CITY"), _text(pob, "STATE_PROVINCE"), _text(pob, "COUNTRY")) if p
            )
            entity.add("birthPlace", place)
        for doc in node.findall("INDIVIDUAL_DOCUMENT"):
            number = _text(doc, "NUMBER")
            kind = _text(doc, "TYPE_OF_DOCUMENT").lower()
            entity.add("passportNumber" if "passport" in kind else "idNumber", number)
        _common(entity, node, name, batch)
        batch.entities.append(entity)
    for node in root.iter("ENTITY"):
        entity = ListEntity(f"unsc-{_text(node, 'DATAID')}", "Organization", target=True, datasets=[name])
        entity.add("name", _text(node, "FIRST_NAME"))
        entity.add("name", _text(node, "NAME_ORIGINAL_SCRIPT"))
        for alias in node.findall("ENTITY_ALIAS"):
            quality = _text(alias, "QUALITY").lower()
            entity.add("weakAlias" if quality == "low" else "alias", _text(alias, "ALIAS_NAME"))
        _common(entity, node, name, batch)
        batch.entities.append(entity)
    return batch
