"""Facts hidden in the OFAC ``remarks`` field ("DOB 12 Mar 1971; nationality Russia; Tax ID No.
7744001497 (Russia); a.k.a. 'BNC'; Linked To: ...") turned into FtM properties."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dualtrace.lists.model import ListEntity, parse_date

__all__ = ["Remarks", "apply_remarks", "split_remarks"]

# (prefix regex, FtM property) for "<label> <value> (<country>)" parts.
_ID_LABELS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Tax ID No\.\s*(.+)$", re.I), "taxNumber"),
    (re.compile(r"^Registration (?:Number|ID)\s*(.+)$", re.I), "registrationNumber"),
    (re.compile(r"^Unified Social Credit Code \(USCC\)\s*(.+)$", re.I), "uscCode"),
    (re.compile(r"^Legal Entity Number\s*(.+)$", re.I), "leiCode"),
    (re.compile(r"^(?:Vessel Registration Identification )?IMO\s*(\d{7})\b.*$", re.I), "imoNumber"),
    (re.compile(r"^MMSI\s*(.+)$", re.I), "mmsi"),
    (re.compile(r"^SWIFT/BIC\s*(.+)$", re.I), "swiftBic"),
    (re.compile(r"^Passport\s*(.+)$", re.I), "passportNumber"),
    (
        re.compile(r"^(?:National ID No\.|Identification Number|Cedula No\.|Personal ID Card)\s*(.+)$", re.I),
        "idNumber",
    ),
    (re.compile(r"^Government Gazette Number\s*(.+)$", re.I), "registrationNumber"),
    (re.compile(r"^Company Number\s*(.+)$", re.I), "registrationNumber"),
    (re.compile(r"^Business Registration (?:Number|Document #)\s*(.+)$", re.I), "registrationNumber"),
    (re.compile(r"^Certificate of Incorporation Number\s*(.+)$", re.I), "registrationNumber"),
    (re.compile(r"^(?:RUC|NIT|RFC|CURP|C\.U\.I\.T\.) #?\s*(.+)$", re.I), "taxNumber"),
]
_ALIAS = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*['‘’\"](.+?)['‘’\"]\.?$", re.I)
_COUNTRY_TAIL = re.compile(r"\s*\(([^()]+)\)\s*$")


@dataclass
class Remarks:
    """What was read from a remarks field (links are names of other list entries)."""

    linked_to: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)


def split_remarks(text: str) -> list[str]:
    """Parts separated by '; ', with the final period removed."""
    text = text.strip()
    if text.endswith("."):
        text = text[:-1]
    return [p.strip() for p in re.split(r";\s+", text) if p.strip()]


def apply_remarks(entity: ListEntity, text: str | None) -> Remarks:
    """Add what the remarks say to the entity; return links and what stayed free text."""
    out = Remarks()
    if not text or text.strip() == "-0-":
        return out
    person = entity.schema == "Person"
    for part in split_remarks(text):
        if m := _ALIAS.match(part):
            prop = {"a.k.a.": "alias", "f.k.a.": "previousName", "n.k.a.": "alias"}[m[1].lower()]
            entity.add(prop, m[2])
            continue
        if part.lower().startswith("linked to:"):
            out.linked_to.append(part.split(":", 1)[1].strip().rstrip("."))
            continue
        if person and (m := re.match(r"^DOB (.+)$", part)):
            for d in re.split(r"\s+to\s+|;", m[1]):
                entity.add("birthDate", parse_date(d.replace("circa", "").strip()) or d.strip())
            continue
        if person and (m := re.match(r"^POB (.+)$", part)):
            entity.add("birthPlace", m[1])
            continue
        if person and (m := re.match(r"^(?:nationality|citizen) (.+)$", part, re.I)):
            entity.add("nationality" if part.lower().startswith("nat") else "citizenship", m[1])
            continue
        if person and (m := re.match(r"^Gender (Male|Female)$", part, re.I)):
            entity.add("gender", m[1].lower())
            continue
        if not person and (m := re.match(r"^Organization Established Date (.+)$", part, re.I)):
            entity.add("incorporationDate", parse_date(m[1]) or m[1])
            continue
        if m := re.match(r"^Website (.+)$", part, re.I):
            entity.add("website", m[1])
            continue
        if m := re.match(r"^Email Address (.+)$", part, re.I):
            entity.add("email", m[1])
            continue
        if m := re.match(r"^(?:Telephone|Phone(?: Number)?):?\s*(.+)$", part, re.I):
            entity.add("phone", m[1])
            continue
        matched = False
        for pattern, prop in _ID_LABELS:
            if (m := pattern.match(part)) and prop in (
                entity.ftm_schema.properties if entity.ftm_schema else {}
            ):
                value = m[1]
                country = _COUNTRY_TAIL.search(value)
                if country:
                    value = value[: country.start()]
                entity.add(prop, value.strip())
                matched = True
                break
        if not matched:
            out.rest.append(part)
    if out.rest:
        entity.add("notes", "; ".join(out.rest))
    return out
