"""``dualtrace lists load``: detect each file's layout, parse it, store it as a list version."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dualtrace.errors import InputError
from dualtrace.lists import eu_journal, ofac_advanced, ofac_csv, opensanctions, un_xml, us_trade
from dualtrace.lists.model import Batch
from dualtrace.lists.store import VersionReport, store

__all__ = ["LAYOUTS", "LoadResult", "detect", "load_paths", "parse"]

Reader = Callable[[Path, str | None], Batch]

LAYOUTS: dict[str, str] = {
    "ofac-csv": "OFAC legacy CSV set: sdn.csv + alt.csv + add.csv + sdn_comments.csv (or cons_*.csv)",
    "ofac-xml": "OFAC SDN XML (sdn.xml, consolidated.xml)",
    "ofac-advanced-xml": "OFAC advanced XML (SDN_ADVANCED.xml, CONS_ADVANCED.xml)",
    "eu-journal-csv": "EU Official Journal annex CSV (OpenSanctions eu_journal layout)",
    "eu-fsf-xml": "EU consolidated financial sanctions file, XML",
    "eu-fsf-csv": "EU consolidated financial sanctions file, CSV (';'-separated)",
    "un-xml": "UN Security Council consolidated list XML",
    "uk-csv": "UK sanctions list CSV (OFSI consolidated list)",
    "us-csl": "US Consolidated Screening List CSV or JSON (incl. BIS Entity List)",
    "bis-dpl": "BIS Denied Persons List (tab-separated)",
    "ftm-json": "FollowTheMoney entities, JSON lines (entities.ftm.json)",
    "ftm-delta": "OpenSanctions delta file (ADD/MOD/DEL), applied in place",
    "ftm-nested": "OpenSanctions targets.nested.json",
    "ftm-simple-csv": "OpenSanctions targets.simple.csv",
    "dod-1260h-csv": "US DoD 1260H Chinese military companies (OpenSanctions CSV, Parent Name column)",
    "cn-sanctions-csv": "China's counter-sanctions list (OpenSanctions CSV)",
}


@dataclass
class LoadResult:
    reports: list[VersionReport]


def _head(path: Path, size: int = 65536) -> str:
    raw = path.open("rb").read(size)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _ofac_part(path: Path) -> str:
    stem = path.stem.lower()
    if "comment" in stem:
        return "comments"
    if stem.startswith(("alt", "cons_alt")) or "_alt" in stem:
        return "alt"
    if stem.startswith(("add", "cons_add")) or "_add" in stem:
        return "add"
    return "main"


def _csv_header(text: str, delimiter: str = ",") -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return []


def detect(path: Path) -> str:
    """The layout of a list file, from its name and first bytes."""
    if not path.exists():
        raise InputError(f"file not found: {path}")
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: the file is empty")
    head = _head(path)
    stripped = head.lstrip()
    if stripped.startswith("<"):
        for marker, layout in (
            ("<CONSOLIDATED_LIST", "un-xml"),
            ("<sdnList", "ofac-xml"),
            (ofac_advanced.MARKER, "ofac-advanced-xml"),
            ("<export", "eu-fsf-xml"),
        ):
            if marker in head:
                return layout
        raise InputError(f"{path.name}: XML of an unknown list layout; give --layout")
    if stripped.startswith(("{", "[")):
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            first = next((line for line in handle if line.strip()), "")
        try:
            data = json.loads(first)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict) and "op" in data:
            return "ftm-delta"
        if isinstance(data, dict) and "schema" in data:
            nested = any(
                isinstance(v, dict) for vals in (data.get("properties") or {}).values() for v in vals
            )
            return "ftm-nested" if nested or "nested" in path.name else "ftm-json"
        if stripped.startswith("[") or (isinstance(data, dict) and "results" in data) or data is None:
            return "us-csl"
        raise InputError(f"{path.name}: JSON of an unknown list layout; give --layout")
    header = _csv_header(head)
    if all(c in header for c in eu_journal.HEADER_MARK):
        return "eu-journal-csv"
    if all(c in header for c in us_trade.CSL_MARK):
        return "us-csl"
    if all(c in header for c in opensanctions.SIMPLE_MARK):
        return "ftm-simple-csv"
    if all(c in header for c in opensanctions.DOD_MARK):
        return "dod-1260h-csv"
    if all(c in header for c in opensanctions.CN_MARK):
        return "cn-sanctions-csv"
    if all(c in _csv_header(head, "\t") for c in us_trade.DPL_MARK):
        return "bis-dpl"
    if "Entity_LogicalId" in head[:3000] or "Naal_wholename" in head[:3000]:
        return "eu-fsf-csv"
    if "Group ID" in head[:3000] and "Name 6" in head[:3000]:
        return "uk-csv"
    if header and header[0].strip().isdigit() and len(header) in (2, 5, 6, 12):
        return "ofac-csv"
    raise InputError(f"{path.name}: cannot tell its list layout; give --layout (one of {', '.join(LAYOUTS)})")


_READERS: dict[str, Reader] = {
    "eu-journal-csv": eu_journal.read,
    "un-xml": un_xml.read,
    "ofac-advanced-xml": ofac_advanced.read,
    "us-csl": us_trade.read_csl,
    "bis-dpl": us_trade.read_dpl,
    "ftm-json": opensanctions.read_ftm,
    "ftm-delta": opensanctions.read_delta,
    "ftm-nested": opensanctions.read_nested,
    "ftm-simple-csv": opensanctions.read_simple,
    "dod-1260h-csv": opensanctions.read_dod_1260h,
    "cn-sanctions-csv": opensanctions.read_cn_sanctions,
}


def _extra_readers() -> dict[str, Reader]:
    from dualtrace.lists import eu_fsf, ofac_xml, uk_csv

    return {
        "ofac-xml": ofac_xml.read,
        "eu-fsf-xml": eu_fsf.read_xml,
        "eu-fsf-csv": eu_fsf.read_csv,
        "uk-csv": uk_csv.read,
    }


def parse(paths: Sequence[Path], *, layout: str | None = None, list_name: str | None = None) -> list[Batch]:
    """Parse files into batches (one per list version). OFAC companion files are grouped with
    their sdn.csv / cons_prim.csv."""
    if layout is not None and layout not in LAYOUTS:
        raise InputError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    readers = {**_READERS, **_extra_readers()}
    ofac: dict[str, dict[str, Path]] = {}
    batches: list[Batch] = []
    for path in paths:
        kind = layout or detect(path)
        if kind == "ofac-csv":
            family = "ofac_cons" if path.stem.lower().startswith("cons") else "ofac_sdn"
            part = _ofac_part(path)
            group = ofac.setdefault(family, {})
            if part in group:
                raise InputError(f"two OFAC {part} files in one load: {group[part].name} and {path.name}")
            group[part] = path
            continue
        batches.append(readers[kind](path, list_name))
    for family, files in ofac.items():
        batches.append(ofac_csv.read(files, list_name or family))
    return batches


def load_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path | str],
    *,
    layout: str | None = None,
    list_name: str | None = None,
    version_date: date | None = None,
    force: bool = False,
    on_report: Callable[[VersionReport], None] | None = None,
) -> list[VersionReport]:
    if not paths:
        raise InputError("no list files given")
    files = [Path(p) for p in paths]
    for file in files:
        if not file.exists():
            raise InputError(f"file not found: {file}")
        if file.is_dir():
            raise InputError(f"{file} is a folder; give the list files")
    reports = []
    for batch in parse(files, layout=layout, list_name=list_name):
        report = store(con, batch, version_date=version_date, force=force)
        reports.append(report)
        if on_report is not None:
            on_report(report)
    return reports
