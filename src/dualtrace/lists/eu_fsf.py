"""EU consolidated list of persons, groups and entities subject to financial sanctions (FSF).

XML (``export`` root, namespace http://eu.europa.ec/fpi/fsd/export): one ``sanctionEntity`` per
party (logicalId, euReferenceNumber, designationDate) with ``regulation`` (programme,
publicationDate), ``subjectType`` (person / enterprise), ``nameAlias`` (wholeName, strong),
``citizenship``, ``birthdate``, ``identification`` (identificationTypeCode, number) and ``address``.

CSV (';'-separated, version 1.1 column names): one row per detail of a party, grouped by
``Entity_LogicalId``; names in ``NameAlias_WholeName``, programme in
``Entity_Regulation_Programme``, ids in ``Identification_Number`` / ``Identification_TypeCode``.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from pathlib import Path

from dualtrace.errors import InputError
from dualtrace.lists.model import Batch, ListEntity, csv_rows, parse_date
from dualtrace.lists.xmlsafe import parse_root

__all__ = ["read_csv", "read_xml"]

_ID_PROPS = {
    "passport": "passportNumber",
    "id": "idNumber",
    "regnumber": "registrationNumber",
    "tax": "taxNumber",
    "fiscalcode": "taxNumber",
    "swiftbic": "swiftBic",
    "imo": "imoNumber",
    "inn": "innCode",
    "ogrn": "ogrnCode",
}
AUTHORITY = "European Commission (FSF)"


def _entity(list_name: str, logical_id: str, subject: str) -> ListEntity:
    schema = "Person" if subject.lower() in ("person", "p") else "Organization"
    entity = ListEntity(f"eu-fsf-{logical_id}", schema, target=True, datasets=[list_name])
    entity.add("topics", "sanction")
    return entity


def _add_id(entity: ListEntity, kind: str, number: str) -> None:
    props = entity.ftm_schema.properties if entity.ftm_schema else {}
    prop = _ID_PROPS.get(kind.lower().replace(" ", ""), "idNumber")
    if prop not in props:
        prop = "idNumber" if "idNumber" in props else "registrationNumber"
    entity.add(prop, number)


def _sanction(
    list_name: str, entity: ListEntity, programme: str, published: str, reference: str
) -> ListEntity:
    sanction = ListEntity(f"{entity.id}-sanction", "Sanction", datasets=[list_name])
    sanction.add("entity", entity.id)
    sanction.add("authority", AUTHORITY)
    sanction.add("program", programme)
    sanction.add("authorityId", reference)
    sanction.add("listingDate", parse_date(published))
    sanction.add("country", "eu")
    return sanction


def read_xml(path: Path, list_name: str | None = None) -> Batch:
    root = parse_root(path)
    for node in root.iter():
        if isinstance(node.tag, str) and "}" in node.tag:
            node.tag = node.tag.split("}", 1)[1]
    if root.tag != "export":
        raise InputError(f"{path.name}: not an EU FSF XML file (root element {root.tag})")
    name = list_name or "eu_fsf"
    batch = Batch(name, "eu-fsf-xml", [path])
    generated = root.get("generationDate")
    if generated:
        batch.version_date = date.fromisoformat(generated[:10])
    for node in root.findall("sanctionEntity"):
        subject = node.find("subjectType")
        entity = _entity(
            name, node.get("logicalId", ""), subject.get("code", "") if subject is not None else ""
        )
        person = entity.schema == "Person"
        for alias in node.findall("nameAlias"):
            whole = alias.get("wholeName") or " ".join(
                p for p in (alias.get("firstName"), alias.get("middleName"), alias.get("lastName")) if p
            )
            prop = "name" if not entity.properties.get("name") else "alias"
            entity.add(prop if alias.get("strong", "true") == "true" else "weakAlias", whole)
            if person and alias.get("gender"):
                entity.add("gender", {"M": "male", "F": "female"}.get(alias.get("gender", "")))
        for cit in node.findall("citizenship"):
            entity.add("citizenship" if person else "country", cit.get("countryIso2Code", "").lower() or None)
        for birth in node.findall("birthdate") if person else []:
            entity.add("birthDate", parse_date(birth.get("birthdate")) or birth.get("year"))
            entity.add("birthPlace", birth.get("city"))
        for ident in node.findall("identification"):
            _add_id(entity, ident.get("identificationTypeCode", ""), ident.get("number", ""))
        for addr in node.findall("address"):
            parts = [addr.get(k, "") for k in ("street", "city", "zipCode", "countryDescription")]
            entity.add("address", ", ".join(p for p in parts if p) or None)
            entity.add("country", addr.get("countryIso2Code", "").lower() or None)
        entity.add("notes", [r.text for r in node.findall("remark") if r.text])
        regulation = node.find("regulation")
        programme = regulation.get("programme", "") if regulation is not None else ""
        published = node.get("designationDate") or (
            regulation.get("publicationDate") or "" if regulation is not None else ""
        )
        batch.entities.append(entity)
        batch.entities.append(
            _sanction(name, entity, programme, published, node.get("euReferenceNumber", ""))
        )
    return batch


def read_csv(path: Path, list_name: str | None = None) -> Batch:
    records = csv_rows(path, ["Entity_LogicalId", "NameAlias_WholeName", "Entity_SubjectType"], delimiter=";")
    # a short row's missing cells are None and a long row's extras sit under None: both blank
    rows = [{k: v or "" for k, v in r.items() if k is not None} for r in records]
    name = list_name or "eu_fsf"
    batch = Batch(name, "eu-fsf-csv", [path])
    parties: OrderedDict[str, ListEntity] = OrderedDict()
    meta: dict[str, tuple[str, str, str]] = {}
    for row in rows:
        logical = row["Entity_LogicalId"].strip()
        if not logical:
            continue
        if logical not in parties:
            parties[logical] = _entity(name, logical, row.get("Entity_SubjectType", ""))
            meta[logical] = (
                row.get("Entity_Regulation_Programme") or "",
                row.get("Entity_DesignationDate") or row.get("Entity_Regulation_PublicationDate") or "",
                row.get("Entity_EU_ReferenceNumber") or "",
            )
        entity = parties[logical]
        whole = (row.get("NameAlias_WholeName") or "").strip()
        if whole:
            entity.add("name" if not entity.properties.get("name") else "alias", whole)
        if row.get("Identification_Number"):
            _add_id(entity, row.get("Identification_TypeCode", ""), row["Identification_Number"])
        if entity.schema == "Person":
            entity.add("birthDate", parse_date(row.get("Birthdate_BirthDate")))
            entity.add("citizenship", (row.get("Citizenship_CountryIso2Code") or "").lower() or None)
        parts = [
            row.get(k, "")
            for k in ("Address_Street", "Address_City", "Address_ZipCode", "Address_CountryDescription")
        ]
        entity.add("address", ", ".join(p for p in parts if p) or None)
        entity.add("country", (row.get("Address_CountryIso2Code") or "").lower() or None)
    for logical, entity in parties.items():
        batch.entities.append(entity)
        batch.entities.append(_sanction(name, entity, *meta[logical]))
    return batch
