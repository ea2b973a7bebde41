"""OFAC SDN_ADVANCED.xml (and CONS_ADVANCED.xml): the reference-value layout.

Everything is a numeric reference into ``ReferenceValueSets`` (alias types, name-part types,
feature types, countries, lists, programs...). The file is read as a stream, in document order:
reference values, ``Locations``, ``IDRegDocuments``, then one ``DistinctParty`` per listed party
(names as ``DocumentedName`` parts, facts as ``Feature`` versions), ``ProfileRelationships`` and
``SanctionsEntries`` (list, programs, listing date). Entity ids equal those of the legacy CSV and
``sdn.xml`` (``ofac-<FixedRef>``), so the three layouts describe the same entities.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dualtrace.errors import InputError
from dualtrace.lists.model import Batch, ListEntity, linked_address
from dualtrace.lists.ofac_csv import PARTY_SCHEMA, ofac_sanction
from dualtrace.lists.ofac_xml import ID_PROPS
from dualtrace.lists.xmlsafe import iterparse

__all__ = ["read"]


# Feature type (lower case) -> FtM property, for features whose value is a text or a reference.
_FEATURE_PROPS = {
    "birthdate": "birthDate",
    "place of birth": "birthPlace",
    "nationality country": "nationality",
    "citizenship country": "citizenship",
    "gender": "gender",
    "title": "title",
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "organization established date": "incorporationDate",
    "vessel call sign": "callSign",
    "vessel type": "type",
    "vessel flag": "flag",
    "former vessel flag": "pastFlags",
    "vessel tonnage": "tonnage",
    "vessel gross registered tonnage": "grossRegisteredTonnage",
    "vessel owner": "notes",
    "aircraft model": "model",
    "aircraft manufacturer's serial number (msn)": "serialNumber",
}
_ADDRESS_ORDER = ("ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY", "STATE/PROVINCE", "POSTAL CODE", "REGION")


@dataclass
class _Refs:
    """ReferenceValueSets: element tag -> ID -> (text, attributes)."""

    values: dict[str, dict[str, tuple[str, dict[str, str]]]] = field(default_factory=dict)

    def text(self, tag: str, ref: str | None) -> str:
        found = self.values.get(tag, {}).get(ref or "")
        return found[0] if found else ""

    def attr(self, tag: str, ref: str | None, name: str) -> str:
        found = self.values.get(tag, {}).get(ref or "")
        return found[1].get(name, "") if found else ""


@dataclass
class _Location:
    parts: dict[str, str]
    country: str

    def full(self) -> str:
        ordered = [self.parts[k] for k in _ADDRESS_ORDER if k in self.parts]
        ordered += [v for k, v in self.parts.items() if k not in _ADDRESS_ORDER]
        return ", ".join(p for p in [*ordered, self.country] if p)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in node if _local(c.tag) == name]


def _child(node: ET.Element | None, name: str) -> ET.Element | None:
    if node is None:
        return None
    return next((c for c in node if _local(c.tag) == name), None)


def _text(node: ET.Element | None) -> str:
    return " ".join((node.text or "").split()) if node is not None else ""


def _ymd(node: ET.Element | None) -> str | None:
    """'1971-03-12' (or '1971-03', '1971') from an element with Year/Month/Day children."""
    if node is None:
        return None
    year, month, day = (_text(_child(node, k)) for k in ("Year", "Month", "Day"))
    if not year:
        return None
    return year + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if month and day else "")


def _period_start(period: ET.Element | None) -> str | None:
    start = _child(period, "Start")
    return _ymd(_child(start, "From")) or _ymd(_child(start, "To"))


def _references(node: ET.Element) -> _Refs:
    refs = _Refs()
    for group in node:
        for value in group:
            tag = _local(value.tag)
            refs.values.setdefault(tag, {})[value.get("ID", "")] = (_text(value), dict(value.attrib))
    return refs


def _location(node: ET.Element, refs: _Refs) -> _Location:
    parts: dict[str, str] = {}
    for part in _children(node, "LocationPart"):
        kind = refs.text("LocPartType", part.get("LocPartTypeID"))
        values = _children(part, "LocationPartValue")
        chosen = next((v for v in values if v.get("Primary") == "true"), values[0] if values else None)
        text = _text(_child(chosen, "Value"))
        if text:
            parts[kind or f"part {len(parts) + 1}"] = text
    country = _child(node, "LocationCountry")
    return _Location(parts, refs.text("Country", country.get("CountryID")) if country is not None else "")


def _name(documented: ET.Element, part_types: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The name as OFAC writes it in sdn.xml ("LAST, First Middle" for people), and its parts."""
    parts: dict[str, list[str]] = defaultdict(list)
    order: list[str] = []
    for part in _children(documented, "DocumentedNamePart"):
        value = _child(part, "NamePartValue")
        text = _text(value)
        if value is None or not text:
            continue
        kind = part_types.get(value.get("NamePartGroupID", ""), "")
        parts[kind].append(text)
        order.append(text)
    last = " ".join(parts.get("Last Name", []))
    given = " ".join(parts.get("First Name", []) + parts.get("Middle Name", []) + parts.get("Patronymic", []))
    full = f"{last}, {given}" if last and given else " ".join(order)
    return full, {"lastName": last, "firstName": given}


class _Reader:
    def __init__(self, path: Path, list_name: str | None) -> None:
        name = list_name or ("ofac_cons" if "cons" in path.name.lower() else "ofac_sdn")
        self.batch = Batch(name, "ofac-advanced-xml", [path])
        self.refs = _Refs()
        self.locations: dict[str, _Location] = {}
        self.documents: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        self.entities: dict[str, ListEntity] = {}  # profile id -> entity
        self.relations: list[tuple[str, str, str, bool]] = []

    def party(self, node: ET.Element) -> None:
        profile = _child(node, "Profile")
        if profile is None:
            return
        fixed: str = node.get("FixedRef") or profile.get("ID") or ""
        subtype = profile.get("PartySubTypeID")
        kind = self.refs.text("PartySubType", subtype).lower()
        if kind not in PARTY_SCHEMA:
            kind = self.refs.text("PartyType", self.refs.attr("PartySubType", subtype, "PartyTypeID")).lower()
        schema = PARTY_SCHEMA.get(kind, "LegalEntity")
        entity = ListEntity(f"ofac-{fixed}", schema, target=True, datasets=[self.batch.list_name])
        entity.add("topics", "sanction")
        props = entity.ftm_schema.properties if entity.ftm_schema else {}
        for identity in _children(profile, "Identity"):
            self._names(entity, identity)
            for kind_text, number, country in self.documents.get(identity.get("ID", ""), []):
                prop = ID_PROPS.get(kind_text.lower(), "idNumber")
                if prop == "imoNumber":
                    number = number.upper().removeprefix("IMO").strip()
                if prop in props:
                    entity.add(prop, number)
                if prop == "taxNumber" and country and "country" in props:
                    entity.add("country", country)
        for feature in _children(profile, "Feature"):
            self._feature(entity, feature, props)
        self.entities[profile.get("ID") or fixed] = entity
        self.batch.entities.append(entity)

    def _names(self, entity: ListEntity, identity: ET.Element) -> None:
        groups = _child(identity, "NamePartGroups")
        part_types = {
            group.get("ID", ""): self.refs.text("NamePartType", group.get("NamePartTypeID"))
            for master in (_children(groups, "MasterNamePartGroup") if groups is not None else [])
            for group in _children(master, "NamePartGroup")
        }
        for alias in _children(identity, "Alias"):
            alias_type = self.refs.text("AliasType", alias.get("AliasTypeID")).upper()
            primary = alias.get("Primary") == "true"
            for documented in _children(alias, "DocumentedName"):
                full, parts = _name(documented, part_types)
                latin = self.refs.text("DocNameStatus", documented.get("DocNameStatusID")) == "Primary Latin"
                if primary and latin and not entity.first("name"):
                    entity.add("name", full)
                    if entity.schema == "Person":
                        entity.add("lastName", parts["lastName"])
                        entity.add("firstName", parts["firstName"])
                elif alias.get("LowQuality") == "true":
                    entity.add("weakAlias", full)
                elif alias_type == "F.K.A.":
                    entity.add("previousName", full)
                else:  # a.k.a., n.k.a., and the primary name in other scripts
                    entity.add("alias", full)

    def _feature(self, entity: ListEntity, feature: ET.Element, props: Container[str]) -> None:
        kind = self.refs.text("FeatureType", feature.get("FeatureTypeID")).lower()
        for version in _children(feature, "FeatureVersion"):
            location = _child(version, "VersionLocation")
            place = self.locations.get(location.get("LocationID", "")) if location is not None else None
            if kind == "location" and place is not None:
                self._address(entity, place, feature.get("ID", ""))
                continue
            prop = _FEATURE_PROPS.get(kind)
            if prop is None or prop not in props:
                continue
            values: list[str] = []
            period = _child(version, "DatePeriod")
            if period is not None:
                values.append(_period_start(period) or "")
            if place is not None:
                values.append(place.country or place.full())
            for detail in _children(version, "VersionDetail"):
                reference = detail.get("DetailReferenceID")
                values.append(self.refs.text("DetailReference", reference) if reference else _text(detail))
            entity.add(prop, [v for v in values if v])

    def _address(self, entity: ListEntity, place: _Location, feature_id: str) -> None:
        address = linked_address(
            entity, f"ofac-addr-{feature_id}", [place.full()], self.batch.list_name,
            city=place.parts.get("CITY"), postalCode=place.parts.get("POSTAL CODE"), country=place.country,
        )  # fmt: skip
        if address is not None:
            self.batch.entities.append(address)

    def sanction(self, node: ET.Element) -> None:
        entity = self.entities.get(node.get("ProfileID", ""))
        if entity is None:
            self.batch.notes.append(f"sanctions entry {node.get('ID')} names an unknown profile")
            return
        sanction = ofac_sanction(entity, self.batch.list_name)
        events = [_ymd(_child(e, "Date")) for e in _children(node, "EntryEvent")]
        sanction.add("listingDate", min((e for e in events if e), default=None))
        # which list (SDN, or a non-SDN one such as the menu-based list) and which measures
        sanction.add("provisions", self.refs.text("List", node.get("ListID")))
        for measure in _children(node, "SanctionsMeasure"):
            kind = self.refs.text("SanctionsType", measure.get("SanctionsTypeID"))
            if kind == "Program":
                sanction.add("program", _text(_child(measure, "Comment")))
            else:
                sanction.add("provisions", kind)
        self.batch.entities.append(sanction)

    def links(self) -> None:
        for source, target, relation, former in self.relations:
            subject, obj = self.entities.get(source), self.entities.get(target)
            if subject is None or obj is None:
                continue
            link = ListEntity(f"{subject.id}-link-{obj.id}", "UnknownLink", datasets=[self.batch.list_name])
            link.add("subject", subject.id)
            link.add("object", obj.id)
            link.add("role", relation + (" (former)" if former else ""))
            self.batch.entities.append(link)


def read(path: Path, list_name: str | None = None) -> Batch:
    reader = _Reader(path, list_name)
    events = iterparse(path, events=("start", "end"))
    _, root = next(events)
    if _local(root.tag) != "Sanctions":
        raise InputError(f"{path.name}: not an OFAC advanced XML file (root element {_local(root.tag)})")
    for event, node in events:
        if event != "end":
            continue
        tag = _local(node.tag)
        if tag == "DateOfIssue":
            issued = _ymd(node)
            if issued and len(issued) == 10:
                reader.batch.version_date = date.fromisoformat(issued)
        elif tag == "ReferenceValueSets":
            reader.refs = _references(node)
        elif tag == "Location":
            reader.locations[node.get("ID", "")] = _location(node, reader.refs)
        elif tag == "IDRegDocument":
            reader.documents[node.get("IdentityID", "")].append(
                (
                    reader.refs.text("IDRegDocType", node.get("IDRegDocTypeID")),
                    _text(_child(node, "IDRegistrationNo")),
                    reader.refs.text("Country", node.get("IssuedBy-CountryID")),
                )
            )
        elif tag == "DistinctParty":
            reader.party(node)
        elif tag == "ProfileRelationship":
            reader.relations.append(
                (
                    node.get("From-ProfileID", ""),
                    node.get("To-ProfileID", ""),
                    reader.refs.text("RelationType", node.get("RelationTypeID")),
                    node.get("Former") == "true",
                )
            )
        elif tag == "SanctionsEntry":
            reader.sanction(node)
        else:
            continue
        node.clear()  # the file is large: keep only what was taken from each record
    reader.links()
    return reader.batch
