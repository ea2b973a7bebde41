"""OFAC SDN XML (sdn.xml / consolidated.xml, namespace http://tempuri.org/sdnList.xsd): one
``sdnEntry`` per party with uid, names, sdnType, programList, idList, akaList, addressList,
nationalityList, dateOfBirthList, placeOfBirthList, vesselInfo and remarks. The entity ids equal
those of the legacy CSV (``ofac-<uid>``) so the two layouts describe the same entities.

SDN_ADVANCED.xml, the reference-value layout, has its own reader (``ofac_advanced``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from dualtrace.errors import InputError
from dualtrace.lists.model import Batch, ListEntity, linked_address, parse_date
from dualtrace.lists.ofac_csv import PARTY_SCHEMA, ofac_sanction
from dualtrace.lists.ofac_remarks import apply_remarks
from dualtrace.lists.xmlsafe import parse_root

__all__ = ["read"]

ID_PROPS = {
    "tax id no.": "taxNumber",
    "registration number": "registrationNumber",
    "registration id": "registrationNumber",
    "unified social credit code (uscc)": "uscCode",
    "legal entity number": "leiCode",
    "vessel registration identification": "imoNumber",
    "mmsi": "mmsi",
    "swift/bic": "swiftBic",
    "passport": "passportNumber",
    "national id no.": "idNumber",
}


def _strip_ns(root: ET.Element) -> None:
    for node in root.iter():
        if isinstance(node.tag, str) and "}" in node.tag:
            node.tag = node.tag.split("}", 1)[1]


def _t(node: ET.Element | None, tag: str) -> str:
    if node is None:
        return ""
    child = node.find(tag)
    return " ".join((child.text or "").split()) if child is not None and child.text else ""


def read(path: Path, list_name: str | None = None) -> Batch:
    root = parse_root(path)
    _strip_ns(root)
    if root.tag != "sdnList":
        raise InputError(f"{path.name}: not an OFAC SDN XML file (root element {root.tag})")
    name = list_name or ("ofac_cons" if "cons" in path.name.lower() else "ofac_sdn")
    batch = Batch(name, "ofac-xml", [path])
    published = parse_date(_t(root.find("publshInformation"), "Publish_Date"))
    if published and len(published) == 10:
        from datetime import date

        batch.version_date = date.fromisoformat(published)
    for node in root.findall("sdnEntry"):
        _read_entry(node, batch)
    return batch


def _read_entry(node: ET.Element, batch: Batch) -> None:
    """One sdnEntry: its party (after the party's addresses) and its Sanction."""
    name = batch.list_name
    uid = _t(node, "uid")
    schema = PARTY_SCHEMA.get(_t(node, "sdnType").lower(), "LegalEntity")
    entity = ListEntity(f"ofac-{uid}", schema, target=True, datasets=[name])
    first, last = _t(node, "firstName"), _t(node, "lastName")
    entity.add("name", f"{last}, {first}" if first else last)
    if schema == "Person":
        entity.add("firstName", first)
        entity.add("lastName", last)
        entity.add("title", _t(node, "title"))
    entity.add("topics", "sanction")
    for aka in node.findall("akaList/aka"):
        a_first, a_last = _t(aka, "firstName"), _t(aka, "lastName")
        full = f"{a_last}, {a_first}" if a_first else a_last
        kind = _t(aka, "type").lower()
        weak = _t(aka, "category").lower() == "weak"
        entity.add("weakAlias" if weak else ("previousName" if kind == "f.k.a." else "alias"), full)
    _add_ids(entity, node)
    _add_addresses(entity, node, uid, batch)
    vessel = node.find("vesselInfo")
    if vessel is not None and schema == "Vessel":
        entity.add("callSign", _t(vessel, "callSign"))
        entity.add("type", _t(vessel, "vesselType"))
        entity.add("flag", _t(vessel, "vesselFlag"))
        entity.add("tonnage", _t(vessel, "tonnage"))
        entity.add("grossRegisteredTonnage", _t(vessel, "grossRegisteredTonnage"))
    apply_remarks(entity, _t(node, "remarks"))
    batch.entities.append(entity)
    sanction = ofac_sanction(entity, name)
    sanction.add("program", [p.text.strip() for p in node.findall("programList/program") if p.text])
    batch.entities.append(sanction)


def _add_ids(entity: ListEntity, node: ET.Element) -> None:
    """Identifiers, and for a person nationality, birth date and place, where the schema has them."""
    props = entity.ftm_schema.properties if entity.ftm_schema else {}
    for ident in node.findall("idList/id"):
        kind = _t(ident, "idType").lower()
        prop = ID_PROPS.get(kind)
        if prop and prop in props:
            entity.add(prop, _t(ident, "idNumber"))
        elif kind == "organization established date" and "incorporationDate" in props:
            entity.add("incorporationDate", parse_date(_t(ident, "idNumber")) or _t(ident, "idNumber"))
        elif kind == "website":
            entity.add("website", _t(ident, "idNumber"))
        elif "idNumber" in props and _t(ident, "idNumber"):
            entity.add("idNumber", _t(ident, "idNumber"))
    if "nationality" in props:
        for nat in node.findall("nationalityList/nationality"):
            entity.add("nationality", _t(nat, "country"))
        for dob in node.findall("dateOfBirthList/dateOfBirthItem"):
            text = _t(dob, "dateOfBirth")
            entity.add("birthDate", parse_date(text) or text)
        for pob in node.findall("placeOfBirthList/placeOfBirthItem"):
            entity.add("birthPlace", _t(pob, "placeOfBirth"))


_ADDRESS_PARTS = ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode", "country")


def _add_addresses(entity: ListEntity, node: ET.Element, uid: str, batch: Batch) -> None:
    for i, addr in enumerate(node.findall("addressList/address")):
        parts = [_t(addr, t) for t in _ADDRESS_PARTS]
        address_id = f"ofac-addr-{_t(addr, 'uid') or f'{uid}-{i}'}"
        city, country = _t(addr, "city"), _t(addr, "country")
        address = linked_address(entity, address_id, parts, batch.list_name, city=city, country=country)
        if address is not None:
            batch.entities.append(address)
