"""A user's ownership table (CSV) as ownership edges.

Columns (header names as below; order free; UTF-8, comma or semicolon):

    parent_name, parent_id, child_name, child_id   who owns whom (a name or an id on each side)
    share                                          percent, "55", "55 %", "55,5" (empty: unknown)
    start_date, end_date                           ISO (2019-06-30) or dd.mm.yyyy; empty: open
    source                                         where the row comes from (kept as evidence)
    parent_country, child_country, parent_schema   optional (ISO codes or names; Person/Company)
    relation                                       optional (shareholder, parent, subsidiary...)

A file is loaded whole or not at all: the first bad row stops the load with its line number and
the reason. Loading a file again under the same source name (default: the file name) replaces
its earlier rows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date
from pathlib import Path

import duckdb

from dualtrace.errors import InputError
from dualtrace.network.ownership_lists import parse_date
from dualtrace.network.ownership_store import Edge, LoadReport, node_ref, store_once
from dualtrace.normalize.encodings import read_text

__all__ = ["load_ownership_csv", "read_ownership_csv"]

REQUIRED_ANY = (("parent_name", "parent_id"), ("child_name", "child_id"))
KNOWN = {
    "parent_name", "parent_id", "child_name", "child_id", "share", "start_date", "end_date", "source",
    "parent_country", "child_country", "parent_schema", "relation",
}  # fmt: skip
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def _date(text: str, line: int, column: str, *, end: bool = False) -> date | None:
    text = text.strip()
    if not text:
        return None
    match = _DMY.match(text)
    if match:
        try:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            pass
    parsed = parse_date(text, end=end)
    if parsed is None:
        raise InputError(f"line {line}: {column} {text!r} is not a date (use YYYY-MM-DD)")
    return parsed


def _share(text: str, line: int) -> float | None:
    text = text.strip().rstrip("%").strip().replace(",", ".")
    if not text:
        return None
    try:
        share = float(text)
    except ValueError:
        raise InputError(f"line {line}: share {text!r} is not a number (a percentage, 0-100)") from None
    if not 0 <= share <= 100:
        raise InputError(f"line {line}: share {share} is outside 0-100 (give a percentage)")
    return share


def _country(text: str, line: int, column: str) -> str | None:
    if not text.strip():
        return None
    from dualtrace.reference import resolve

    code = resolve(text.strip())
    if code is None:
        raise InputError(f"line {line}: {column} {text!r} is not a country")
    return code


def read_ownership_csv(path: Path, source: str | None = None) -> tuple[list[Edge], LoadReport, str]:
    text = read_text(path, hint="; save the ownership table as UTF-8 CSV")
    if not text.strip():
        raise InputError(f"{path.name}: the file is empty")
    first = text.splitlines()[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    try:
        edges, records = _edges(path, reader, source or path.name)
    except csv.Error as exc:
        raise InputError(f"{path.name} line {reader.line_num}: not readable as CSV ({exc})") from None
    except InputError as exc:
        raise InputError(f"{path.name}{' ' if str(exc).startswith('line ') else ': '}{exc}") from None
    if not edges:
        raise InputError(f"{path.name}: no rows under the header")
    label = source or path.name
    report = LoadReport(source=f"csv:{label}", layout="ownership-csv", files=[str(path)], records=records)
    return edges, report, hashlib.sha256(path.read_bytes()).hexdigest()


def _edges(path: Path, reader: csv.DictReader[str], label: str) -> tuple[list[Edge], int]:
    """The edges of every row; an InputError names the line (the caller adds the file)."""
    header = [h.strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = header
    for group in REQUIRED_ANY:
        if not any(c in header for c in group):
            raise InputError(f"needs a {' or '.join(group)} column; found {', '.join(header) or 'no header'}")
    edges: list[Edge] = []
    records = 0
    for line, row in enumerate(reader, start=2):
        records += 1
        if None in row:
            raise InputError(f"line {line}: more fields than the header has")
        get = {k: (v or "").strip() for k, v in row.items() if k}
        pname, pid = get.get("parent_name", ""), get.get("parent_id", "")
        cname, cid = get.get("child_name", ""), get.get("child_id", "")
        if not (pname or pid):
            raise InputError(f"line {line}: no parent_name or parent_id")
        if not (cname or cid):
            raise InputError(f"line {line}: no child_name or child_id")
        pcountry = _country(get.get("parent_country", ""), line, "parent_country")
        ccountry = _country(get.get("child_country", ""), line, "child_country")
        start = _date(get.get("start_date", ""), line, "start_date")
        end = _date(get.get("end_date", ""), line, "end_date", end=True)
        if start and end and end < start:
            raise InputError(f"line {line}: end_date {end} is before start_date {start}")
        schema = get.get("parent_schema") or None
        if schema and schema not in ("Person", "Company", "Organization", "LegalEntity", "PublicBody"):
            raise InputError(f"line {line}: parent_schema {schema!r} is not Person, Company or Organization")
        parent = node_ref(pname, pid, pcountry)
        child = node_ref(cname, cid, ccountry)
        if parent == child:
            raise InputError(f"line {line}: a company cannot own itself")
        edges.append(
            Edge(
                ownership_id=f"csv:{label}:{line}",
                source=f"csv:{label}",
                parent=parent,
                child=child,
                relation=get.get("relation") or "shareholder",
                share=_share(get.get("share", ""), line),
                parent_name=pname or None,
                parent_id=pid or None,
                parent_country=pcountry,
                parent_schema=schema,
                child_name=cname or None,
                child_id=cid or None,
                child_country=ccountry,
                start_date=start,
                end_date=end,
                evidence={"file": path.name, "line": line, "source": get.get("source") or None},
            )
        )
    return edges, records


def load_ownership_csv(
    con: duckdb.DuckDBPyConnection, path: Path, *, source: str | None = None, as_of: date | None = None
) -> LoadReport:
    edges, report, sha = read_ownership_csv(path, source)
    return store_once(con, report, sha, edges, as_of)
