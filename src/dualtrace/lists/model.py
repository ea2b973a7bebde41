"""The entity a list parser produces: a FollowTheMoney entity plus list metadata."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from followthemoney import model
from followthemoney.schema import Schema

from dualtrace.errors import InputError

__all__ = ["Batch", "ListEntity", "parse_date", "slug"]

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}


def parse_date(text: str | None, *, dayfirst: bool = False) -> str | None:
    """ISO date (or year / year-month) from the date forms lists use: 2014-09-12, 12.9.2014,
    12 Sep 2014, 09/12/2014 (US; ``dayfirst`` for the UK's 12/09/2014), 1971. None when it is
    not a date."""
    if not text:
        return None
    t = text.strip()
    if m := re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?", t):
        y, mo, d = m.groups()
        return y + (f"-{int(mo):02d}" if mo else "") + (f"-{int(d):02d}" if d else "")
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", t):
        return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t):
        month, day = (int(m[2]), int(m[1])) if dayfirst else (int(m[1]), int(m[2]))
        return f"{m[3]}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None
    if m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", t):
        named = _MONTHS.get(m[2].lower())
        return f"{m[3]}-{named:02d}-{int(m[1]):02d}" if named else None
    if m := re.fullmatch(r"([A-Za-z]{3})[a-z]* (\d{4})", t):
        named = _MONTHS.get(m[1].lower())
        return f"{m[2]}-{named:02d}" if named else None
    return None


_DATE_IN_TEXT = re.compile(
    r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)|(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)|(?<![\d.])(\d{4})(?![\d.])"
)


def dates_in(text: str | None) -> list[str]:
    """Every date in a free-text date field ("7.10.1952 POB: Leningrad", "1.1.1960 or 2.2.1961",
    "possibly 12.3.1970"): ISO dates, or years where only a year is given."""
    if not text:
        return []
    whole = parse_date(text)
    if whole and not re.search(r"\bor\b|\d{4}\D+\d{4}", text):
        return [whole]
    out = []
    for m in _DATE_IN_TEXT.finditer(text):
        day, month, year, iy, im, id_, only = m.groups()
        if year and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            out.append(f"{year}-{int(month):02d}-{int(day):02d}")
        elif iy:
            out.append(f"{iy}-{im}-{id_}")
        elif only and 1880 <= int(only) <= 2030:
            out.append(only)
    return list(dict.fromkeys(out))


def slug(text: str) -> str:
    """A short stable id part for a text (publishers without ids: DPL, DoD 1260H)."""
    return hashlib.sha1(text.strip().casefold().encode("utf-8")).hexdigest()[:16]


@dataclass
class ListEntity:
    """One FtM entity of a list. ``properties`` maps FtM property names to lists of strings."""

    id: str
    schema: str
    properties: dict[str, list[str]] = field(default_factory=dict)
    caption: str | None = None
    datasets: list[str] = field(default_factory=list)
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None

    @property
    def ftm_schema(self) -> Schema | None:
        return model.get(self.schema)

    def add(self, prop: str, value: str | Iterable[str] | None) -> None:
        """Add values to a property, skipping empty ones and duplicates. Property names are
        checked against the schema so a parser typo fails loudly in tests."""
        if value is None:
            return
        values = [value] if isinstance(value, str) else list(value)
        schema = self.ftm_schema
        if schema is not None and prop not in schema.properties:
            raise ValueError(f"{self.schema} has no property {prop!r}")
        bucket = self.properties.setdefault(prop, [])
        for v in values:
            v = " ".join(str(v).split())
            if v and v not in bucket:
                bucket.append(v)
        if not bucket:
            del self.properties[prop]

    def first(self, prop: str) -> str | None:
        values = self.properties.get(prop)
        return values[0] if values else None

    def content_hash(self) -> str:
        payload = json.dumps([self.schema, self.properties, self.target], sort_keys=True, ensure_ascii=False)
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()

    def display(self) -> str:
        return self.caption or self.first("name") or self.id

    def to_ftm(self) -> dict[str, object]:
        return {
            "id": self.id,
            "schema": self.schema,
            "caption": self.display(),
            "properties": self.properties,
            "datasets": self.datasets,
            "target": self.target,
        }


def linked_address(
    owner: ListEntity, address_id: str, parts: Iterable[str | None], dataset: str, **props: str | None
) -> ListEntity | None:
    """An Address of the non-empty ``parts`` joined (None when all are empty), with ``props``; the
    owner links it (addressEntity), keeps its text and, where its schema has one, its country."""
    full = ", ".join(p for p in parts if p)
    if not full:
        return None
    address = ListEntity(address_id, "Address", datasets=[dataset])
    address.add("full", full)
    for prop, value in props.items():
        address.add(prop, value)
    owner.add("addressEntity", address.id)
    owner.add("address", full)
    country = props.get("country")
    if country and owner.ftm_schema is not None and "country" in owner.ftm_schema.properties:
        owner.add("country", country)
    return address


@dataclass
class DeltaOp:
    """An OpenSanctions delta operation: ADD / MOD replace an entity, DEL removes it."""

    op: str
    entity_id: str
    entity: ListEntity | None = None


@dataclass
class Batch:
    """What one parser read: the entities of one list version (or delta operations)."""

    list_name: str
    layout: str
    files: list[Path]
    entities: list[ListEntity] = field(default_factory=list)
    ops: list[DeltaOp] = field(default_factory=list)
    version_date: date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def is_delta(self) -> bool:
        return bool(self.ops) and not self.entities

    def __iter__(self) -> Iterator[ListEntity]:
        return iter(self.entities)


def date_from_filename(path: Path) -> date | None:
    """A version date written in a file name (sdn_2024-05-03.csv, 20240527194702, 2025-02)."""
    name = path.name
    if m := re.search(r"(20\d{2})-(\d{2})-(\d{2})", name):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.search(r"(20\d{2})(\d{2})(\d{2})\d{6}", name):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.search(r"(20\d{2})-(\d{2})(?!\d)", name):
        return date(int(m[1]), int(m[2]), 1)
    return None


def require_columns(path: Path, header: list[str], needed: Iterable[str]) -> None:
    missing = [c for c in needed if c not in header]
    if missing:
        raise InputError(f"{path.name}: missing column(s) {', '.join(missing)} for this layout")


def csv_rows(path: Path, needed: Iterable[str], *, delimiter: str = ",") -> list[dict[str, str]]:
    """A list file's CSV records (UTF-8, BOM or not), refused when a column of its layout is missing.

    Every value is text: a short row's missing cells read as "" (DictReader would give None),
    and cells past the header are left out (DictReader keeps them as a list under the key None,
    which no reader can ask for by name)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter, restval="")
        require_columns(path, list(reader.fieldnames or []), needed)
        rows: list[dict[str, str]] = []
        for row in reader:
            row.pop(None, None)  # the key DictReader gives cells past the header
            rows.append(row)
        return rows


def iso_timestamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None
