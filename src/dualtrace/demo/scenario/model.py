"""Plain data records shared by the scenario modules (no behaviour beyond small helpers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

FileKey = Literal["ru", "cn"]


@dataclass
class Variant:
    """One spelling of a party as it appears in a declarations file."""

    name: str
    kinds: tuple[str, ...]  # how it differs from the canonical name (abbreviation, script...)
    weight: float = 1.0


@dataclass
class Party:
    """A fictional company: canonical names, ids, address and the spellings used in shipments."""

    key: str
    country: str  # ISO2
    name_en: str
    name_local: str = ""  # Chinese or Russian name in its own script
    aliases: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # uscc, inn, ogrn, hk_cr, kz_bin
    address_en: str = ""
    address_local: str = ""
    founded: dt.date | None = None
    role: str = "background"
    ru_variants: list[Variant] = field(default_factory=list)  # spellings in ru_imports.csv
    cn_variants: list[Variant] = field(default_factory=list)  # spellings in cn_exports.csv
    lists: list[dict[str, Any]] = field(default_factory=list)  # list entries (filled by lists)
    notes: str = ""

    @property
    def main_id(self) -> str:
        for kind in ("uscc", "inn", "hk_cr", "kz_bin", "tr_vkn", "am_tin"):
            if kind in self.ids:
                return self.ids[kind]
        return ""


@dataclass
class PartyOnLine:
    """A party as written on one declaration line."""

    key: str
    name: str
    address: str = ""
    country: str = ""  # the text written in the file (code or name)
    id: str = ""  # the id written on the line, empty when the line carries none
    variant_kinds: tuple[str, ...] = ()


@dataclass
class Line:
    """One customs declaration line before it is rendered into a file layout."""

    file: FileKey
    date: dt.date
    shipper: PartyOnLine
    consignee: PartyOnLine
    hs_code: str  # 10 digits
    description: str
    usd_cents: int
    net_g: int  # net weight in grams
    qty: int
    unit: str
    origin: str
    departure: str
    destination: str
    transport: str
    currency: str = "USD"
    value_cents: int = 0  # invoice value in ``currency``
    manufacturer: str = ""
    brand: str = ""
    spec: str = ""  # cn_exports only: 规格型号
    declarant: tuple[str, str] = ("", "")
    stories: list[str] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    declaration_no: str = ""
    line_no: int = 0
    physical_line: int = 0  # set by the writer: 1-based line in the file, header = 1

    @property
    def hs6(self) -> str:
        return self.hs_code[:6]

    @property
    def key(self) -> str:
        return f"{self.declaration_no}#{self.line_no}"


@dataclass
class Flow:
    """One monthly trade-flow record before it is rendered into the Comtrade or Comext layout."""

    source: Literal["comtrade", "comext"]
    file: str  # relative path under out_dir
    reporter: str  # ISO3 (comtrade) or ISO2 (comext)
    partner: str
    flow: Literal["X", "M"]
    code: str  # HS6 (comtrade) or CN8 (comext)
    year: int
    month: int
    value: int  # USD (comtrade) or EUR (comext)
    net_kg: int
    qty: int | None = None
    qty_unit: str = "kg"
    tags: tuple[str, ...] = ()
    line: int = 0  # set by the writer

    @property
    def period(self) -> str:
        return f"{self.year}{self.month:02d}"

    @property
    def hs6(self) -> str:
        return self.code[:6]


@dataclass
class GeneratedFile:
    """A file written by the generator, with what a loader needs to read it."""

    path: str  # relative to out_dir, forward slashes
    layout: str
    rows: int  # data rows (header excluded; malformed rows included)
    encoding: str
    delimiter: str
    sha256: str = ""
    description: str = ""


# the sanctions list files the scenario writes (OFAC's alt/add go with their sdn.csv)
LIST_FILES = (
    "sdn.csv",
    "alt.csv",
    "add.csv",
    "eu__journal_sanctions__32014R0833.csv",
    "entities.ftm.json",
    "us__dod_chinese_milcorps__sanctions.csv",
)


@dataclass
class Scenario:
    """What :func:`dualtrace.demo.scenario.generate` wrote.

    ``files`` maps each relative path to its :class:`GeneratedFile`; ``truth`` is the content of
    ``truth.json`` (see :mod:`dualtrace.demo.scenario.truth` for its shape).
    """

    out_dir: Path
    seed: int
    files: dict[str, GeneratedFile]
    truth: dict[str, Any]
    elapsed_s: float = 0.0
    fictional: bool = True

    @property
    def truth_path(self) -> Path:
        return self.out_dir / "truth.json"

    def path(self, relative: str) -> Path:
        return self.out_dir / relative

    def paths(self, prefix: str = "") -> list[Path]:
        return [self.out_dir / p for p in sorted(self.files) if p.startswith(prefix)]

    def list_files(self) -> list[Path]:
        """The sanctions lists, in the order they are loaded (the ownership table is not a list)."""
        return [self.out_dir / "lists" / name for name in LIST_FILES]
